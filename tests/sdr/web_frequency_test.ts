// The web client's frequency text: readout, scale labels, entry parsing,
// steps and tick spacing.
import { equal } from "node:assert/strict";
import fc from "fast-check";
import {
  formatFrequency,
  formatScaleLabel,
  parseFrequency,
  snapToStep,
  stepFrequency,
  tickStep,
  TUNING_STEPS,
} from "../../lib/sdr/web/frequency.js";

Deno.test("formatFrequency() shows kHz with 1 Hz resolution, grouped", () => {
  equal(formatFrequency(7_074_000), "7\u2009074.000 kHz");
  equal(formatFrequency(145_500_001), "145\u2009500.001 kHz");
  equal(formatFrequency(530_000), "530.000 kHz");
  equal(formatFrequency(1_296_200_000), "1\u2009296\u2009200.000 kHz");
  equal(formatFrequency(NaN), "—");
});

Deno.test("formatScaleLabel() gives the step's decimals in MHz or kHz", () => {
  equal(formatScaleLabel(7_200_000, 200_000), "7.2");
  equal(formatScaleLabel(7_000_000, 1_000_000), "7");
  equal(formatScaleLabel(7_074_000, 1000), "7.074");
  equal(formatScaleLabel(7_074_010, 10), "7.07401");
  equal(formatScaleLabel(999_000, 1000), "999");
  equal(formatScaleLabel(135_750, 50), "135.75");
});

Deno.test("parseFrequency() obeys units and reads bare numbers as kHz", () => {
  equal(parseFrequency("7074"), 7_074_000);
  equal(parseFrequency(" 7 074.5 "), 7_074_500);
  equal(parseFrequency("7.074MHz"), 7_074_000);
  equal(parseFrequency("7.074 m"), 7_074_000);
  equal(parseFrequency("14074k"), 14_074_000);
  equal(parseFrequency("14074 kHz"), 14_074_000);
  equal(parseFrequency("1.2965G"), 1_296_500_000);
  equal(parseFrequency("7074000 Hz"), 7_074_000);
  equal(parseFrequency(".5M"), 500_000);
  equal(parseFrequency("7074,5"), 7_074_500);
  equal(parseFrequency("7\u2009074.000 kHz"), 7_074_000);
});

Deno.test("parseFrequency() picks MHz or Hz for bare numbers that fit the band only so", () => {
  const band = { low: 6_076_000, high: 8_124_000 };
  equal(parseFrequency("7.1", band), 7_100_000);
  equal(parseFrequency("7100", band), 7_100_000);
  equal(parseFrequency("7100000", band), 7_100_000);
  // Fits nowhere: kHz, for the caller to refuse.
  equal(parseFrequency("50", band), 50_000);
});

Deno.test("parseFrequency() refuses what is not a frequency", () => {
  for (
    const text of [
      "",
      "abc",
      "-7074",
      "7074 furlongs",
      "7.0.7",
      "1e6",
      "7,074,000",
      "x".repeat(100),
    ]
  ) equal(parseFrequency(text), undefined, text);
});

Deno.test("parseFrequency() reads back every formatted frequency", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 3_000_000_000 }), (hz) => {
      equal(parseFrequency(formatFrequency(hz)), hz);
    }),
    { seed: 5, numRuns: 500 },
  );
});

Deno.test("snapToStep() and stepFrequency() land on the step grid", () => {
  equal(snapToStep(7_074_499, 1000), 7_074_000);
  equal(snapToStep(7_074_123, 0), 7_074_123);
  equal(stepFrequency(7_074_000, 9000, 1), 7_083_000);
  equal(stepFrequency(7_074_500, 1000, 10), 7_084_000);
  equal(stepFrequency(7_074_500, 1000, -10), 7_065_000);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100_000_000 }),
      fc.constantFrom(...TUNING_STEPS),
      fc.integer({ min: -20, max: 20 }).filter((n) => n !== 0),
      (hz, step, count) => {
        const next = stepFrequency(hz, step, count);
        equal(next % step, 0);
        // Moves |count| steps, the first possibly partial.
        const moved = (next - hz) / step;
        equal(Math.sign(moved), Math.sign(count));
        equal(Math.abs(moved) > Math.abs(count) - 1, true);
        equal(Math.abs(moved) <= Math.abs(count), true);
      },
    ),
    { seed: 11, numRuns: 500 },
  );
});

Deno.test("tickStep() is the smallest 1-2-5 step that leaves room for labels", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 100, max: 60_000_000 }),
      fc.integer({ min: 200, max: 4000 }),
      (span, width) => {
        const step = tickStep(span, width, 80);
        const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
        equal([1, 2, 5].includes(Math.round(mantissa)), true, String(step));
        equal(step * width / span >= 80 - 1e-6, true);
        // The next smaller 1-2-5 step would crowd the labels.
        const smaller = Math.round(mantissa) === 1
          ? step / 2
          : Math.round(mantissa) === 2
          ? step / 2
          : (step * 2) / 5;
        equal(smaller * width / span < 80 || smaller < 1, true);
      },
    ),
    { seed: 3, numRuns: 300 },
  );
});
