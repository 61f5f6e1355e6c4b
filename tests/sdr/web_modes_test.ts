// Modes, passbands and the `/audio` window each mode asks for, checked
// against the server's own command parser.
import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  clampPassband,
  DEFAULT_CW_BFO,
  maxPassbandHz,
  MIN_PASSBAND_HZ,
  MODE_NAMES,
  modeInfo,
  passbandWindow,
} from "../../lib/sdr/web/modes.js";
import { parseCommand } from "../../lib/sdr/wire/commands.ts";

// The default synthetic band.
const BAND = {
  basefreq: 6_076_000,
  totalBandwidth: 2_048_000,
  fftResultSize: 131072,
  audioMaxFft: 768,
};
const bin = (hz: number) => ((hz - BAND.basefreq) * 131072) / 2_048_000;

Deno.test("modeInfo() knows the seven modes and their server demodulations", () => {
  deepEqual(
    MODE_NAMES.map((name) => [name, modeInfo(name)?.demodulation]),
    [
      ["USB", "USB"],
      ["LSB", "LSB"],
      ["AM", "AM"],
      ["SAM", "SAM"],
      ["FM", "FM"],
      ["WBFM", "FM"],
      ["CW", "USB"],
    ],
  );
  for (const name of MODE_NAMES) {
    const info = modeInfo(name)!;
    ok(info.presets.length >= 2, name);
    ok(info.low < info.high, name);
    ok(info.step > 0, name);
  }
  equal(modeInfo(" usb ")?.name, "USB");
  equal(modeInfo(42), undefined);
});

Deno.test("passbandWindow() asks for the sideband each mode needs", () => {
  const f = 7_074_000;
  const usb = passbandWindow({
    frequency: f,
    mode: "USB",
    low: 100,
    high: 2800,
  }, BAND);
  deepEqual(usb, {
    demodulation: "USB",
    l: Math.round(bin(f + 100)),
    m: bin(f),
    r: Math.round(bin(f + 2800)),
  });
  const lsb = passbandWindow({
    frequency: f,
    mode: "LSB",
    low: -2800,
    high: -100,
  }, BAND);
  ok(lsb.r < lsb.m && lsb.l < lsb.r);
  const am = passbandWindow({
    frequency: f,
    mode: "AM",
    low: -4500,
    high: 4500,
  }, BAND);
  equal(am.m - am.l, am.r - am.m);
  const sam = passbandWindow({
    frequency: f,
    mode: "SAM",
    low: -4500,
    high: 4500,
  }, BAND);
  equal(sam.demodulation, "SAM");
});

Deno.test("passbandWindow() puts the CW carrier the BFO offset below the dial", () => {
  const f = 7_030_000;
  const cw = passbandWindow(
    { frequency: f, mode: "CW", low: -250, high: 250 },
    BAND,
  );
  equal(cw.demodulation, "USB");
  equal(cw.m, bin(f - DEFAULT_CW_BFO));
  // A carrier on the dial is inside the passband and sounds at the BFO pitch.
  ok(cw.l <= bin(f) && bin(f) <= cw.r);
  equal(Math.round((bin(f) - cw.m) * 15.625), DEFAULT_CW_BFO);
  const custom = passbandWindow(
    { frequency: f, mode: "CW", low: -250, high: 250, bfo: 500 },
    BAND,
  );
  equal(custom.m, bin(f - 500));
});

Deno.test("passbandWindow() narrows WBFM to what the audio rate carries", () => {
  const wbfm = passbandWindow(
    { frequency: 7_100_000, mode: "WBFM", low: -96_000, high: 96_000 },
    BAND,
  );
  equal(wbfm.demodulation, "FM");
  equal(wbfm.r - wbfm.l, BAND.audioMaxFft);
  equal(wbfm.m, bin(7_100_000));
  equal(maxPassbandHz(BAND), 12_000);
});

Deno.test("passbandWindow() stays inside the band at its edges", () => {
  const low = passbandWindow({
    frequency: BAND.basefreq,
    mode: "LSB",
    low: -2800,
    high: -100,
  }, BAND);
  deepEqual([low.l, low.r, low.m], [0, 0, 0]);
  const high = passbandWindow(
    {
      frequency: BAND.basefreq + BAND.totalBandwidth,
      mode: "USB",
      low: 100,
      high: 2800,
    },
    BAND,
  );
  equal(high.r, BAND.fftResultSize - 1);
  ok(high.l <= high.r);
});

Deno.test("every window passbandWindow() makes is accepted by the server's parser", () => {
  fc.assert(
    fc.property(
      fc.integer({
        min: BAND.basefreq,
        max: BAND.basefreq + BAND.totalBandwidth,
      }),
      fc.constantFrom(...MODE_NAMES),
      fc.integer({ min: -100_000, max: 100_000 }),
      fc.integer({ min: 0, max: 100_000 }),
      (frequency, mode, low, width) => {
        const [lo, hi] = clampPassband(
          mode,
          low,
          low + width,
          maxPassbandHz(BAND),
        );
        const window = passbandWindow(
          { frequency, mode, low: lo, high: hi },
          BAND,
        );
        ok(window.r - window.l <= BAND.audioMaxFft);
        const parsed = parseCommand(
          JSON.stringify({
            cmd: "window",
            l: window.l,
            m: window.m,
            r: window.r,
          }),
          {
            socket: "audio",
            fftResultSize: BAND.fftResultSize,
            audioMaxFft: BAND.audioMaxFft,
          },
        );
        ok(parsed.ok, JSON.stringify(parsed));
        const demodulation = parseCommand(
          JSON.stringify({
            cmd: "demodulation",
            demodulation: window.demodulation,
          }),
          {
            socket: "audio",
            fftResultSize: BAND.fftResultSize,
            audioMaxFft: BAND.audioMaxFft,
          },
        );
        ok(demodulation.ok, window.demodulation);
      },
    ),
    { seed: 7, numRuns: 400 },
  );
});

Deno.test("clampPassband() keeps the passband legal and the undragged edge put", () => {
  deepEqual(clampPassband("USB", 2000, 100, 12000), [100, 2000]);
  deepEqual(clampPassband("USB", 100, 20000, 12000), [100, 6000]);
  deepEqual(clampPassband("LSB", -20000, -100, 12000), [-6000, -100]);
  deepEqual(clampPassband("AM", -4500, 4510, 12000, "high"), [-4500, 4510]);
  deepEqual(clampPassband("AM", -9000, 4500, 12000, "high"), [-6000, 4500]);
  deepEqual(clampPassband("AM", 3000, 3010, 12000, "high"), [2960, 3010]);
  deepEqual(clampPassband("CW", -250, -240, 12000), [-270, -220]);
  deepEqual(clampPassband("USB", 5990, 7000, 12000), [5950, 6000]);
  fc.assert(
    fc.property(
      fc.constantFrom(...MODE_NAMES),
      fc.integer({ min: -200_000, max: 200_000 }),
      fc.integer({ min: -200_000, max: 200_000 }),
      fc.constantFrom<"low" | "high" | undefined>("low", "high", undefined),
      (mode, a, b, keep) => {
        const [lo, hi] = clampPassband(mode, a, b, 12000, keep);
        ok(hi - lo >= MIN_PASSBAND_HZ && hi - lo <= 12000, `${lo} ${hi}`);
        ok(lo >= -6000 && hi <= 6000, `${lo} ${hi}`);
        if (mode === "USB") ok(lo >= 0);
        if (mode === "LSB") ok(hi <= 0);
      },
    ),
    { seed: 13, numRuns: 500 },
  );
});
