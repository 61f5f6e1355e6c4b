// The web client's streaming resampler.
import { equal, ok, throws } from "node:assert/strict";
import { Resampler } from "../../lib/sdr/web/resampler.js";

function tone(hz: number, rate: number, n: number, phase = 0): Float32Array {
  return Float32Array.from(
    { length: n },
    (_, i) => Math.sin(2 * Math.PI * hz * (i + phase) / rate),
  );
}

/** Frequency by counting rising zero crossings. */
function frequency(samples: Float32Array, rate: number): number {
  let crossings = 0;
  let first = -1;
  let last = -1;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i - 1] < 0 && samples[i] >= 0) {
      if (first < 0) first = i;
      last = i;
      crossings++;
    }
  }
  return ((crossings - 1) * rate) / (last - first);
}

Deno.test("Resampler keeps a tone's pitch and level from 12 kHz to 44.1 kHz", () => {
  const resampler = new Resampler({ inputRate: 12000, outputRate: 44100 });
  const out = resampler.process(tone(1000, 12000, 12000));
  ok(Math.abs(out.length - 44100) < 16, String(out.length));
  const settled = out.subarray(100);
  ok(Math.abs(frequency(settled, 44100) - 1000) < 0.5);
  const peak = settled.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  ok(peak > 0.97 && peak < 1.03, String(peak));
});

Deno.test("Resampler output does not depend on how the input is cut", () => {
  const input = tone(700, 12000, 4800);
  const whole = new Resampler({ inputRate: 12000, outputRate: 48000 }).process(
    input,
  );
  const chunked = new Resampler({ inputRate: 12000, outputRate: 48000 });
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += 384) {
    parts.push(chunked.process(input.subarray(i, i + 384)));
  }
  const joined = Float32Array.from(parts.flatMap((p) => [...p]));
  equal(joined.length, whole.length);
  for (let i = 0; i < whole.length; i++) {
    ok(Math.abs(joined[i] - whole[i]) < 1e-6, `sample ${i}`);
  }
});

Deno.test("Resampler speed changes the output length, not the continuity", () => {
  const resampler = new Resampler({ inputRate: 12000, outputRate: 48000 });
  let total = 0;
  let previous = 0;
  let largestStep = 0;
  for (let chunk = 0; chunk < 50; chunk++) {
    const out = resampler.process(
      tone(200, 12000, 384, chunk * 384),
      chunk % 2 === 0 ? 1.01 : 0.99,
    );
    total += out.length;
    for (const v of out) {
      largestStep = Math.max(largestStep, Math.abs(v - previous));
      previous = v;
    }
  }
  // 50 × 1536 samples at speed 1; ±1 % alternating nets out.
  ok(Math.abs(total - 50 * 1536) < 50, String(total));
  // A 200 Hz tone at 48 kHz moves at most 2π·200/48000 ≈ 0.026 per sample
  // (1 % more at speed 0.99); a seam between chunks would jump far more.
  ok(largestStep < 0.05, `a jump of ${largestStep}`);
  const fast = new Resampler({ inputRate: 12000, outputRate: 48000 });
  ok(fast.process(new Float32Array(12000), 1.05).length < 46000);
});

Deno.test("Resampler filters above the lower Nyquist frequency when going down", () => {
  const resampler = new Resampler({
    inputRate: 48000,
    outputRate: 12000,
    taps: 64,
  });
  // 9 kHz does not exist at 12 kHz: it must not alias to 3 kHz at full level.
  const out = resampler.process(tone(9000, 48000, 48000)).subarray(100);
  const peak = out.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  ok(peak < 0.1, String(peak));
  throws(() => new Resampler({ inputRate: 0, outputRate: 1 }), RangeError);
  throws(
    () => new Resampler({ inputRate: 1, outputRate: 1, taps: 5 }),
    RangeError,
  );
  const empty = new Resampler({ inputRate: 8000, outputRate: 8000 });
  equal(empty.process(new Float32Array(0)).length, 0);
});
