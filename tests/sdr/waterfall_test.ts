import { deepEqual, equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import { BigFft } from "../../lib/sdr/big_fft.ts";
import type { SignalKind } from "../../lib/sdr/spectrum_layout.ts";
import {
  defaultWaterfallWindow,
  POWER_STEP_DB,
  quantizePower,
  selectWaterfallLevel,
  Waterfall,
  waterfallLevelCount,
  waterfallPowerOffset,
  waterfallSkip,
} from "../../lib/sdr/waterfall.ts";
import {
  argMax,
  complexTone,
  prng,
  realTone,
  referenceQuantize,
} from "./_signals.ts";

/** A spectrum whose bin k (natural order) has power `powers[k]`. */
function spectrumOf(powers: ArrayLike<number>): Float32Array {
  const spectrum = new Float32Array(2 * powers.length);
  for (let k = 0; k < powers.length; k++) {
    spectrum[2 * k] = Math.sqrt(powers[k]);
  }
  return spectrum;
}

/** Asserts the reference value is not within `margin` of a step boundary. */
function clearOfBoundary(x: number, margin = 1e-3): void {
  if (!Number.isFinite(x) || x >= 128 || x <= -129) return;
  ok(Math.abs(x - Math.round(x)) > margin, `test power too near a step: ${x}`);
}

Deno.test("POWER_STEP_DB is 20·log10(2)", () => {
  ok(Math.abs(POWER_STEP_DB - 6.020599913279624) < 1e-12);
});

Deno.test("quantizePower() follows 20·log10(p) + 6.02·offset + 127, truncated and clamped", () => {
  // Hand-worked values (N = 131072, offset 17: +102.35 dB).
  equal(quantizePower(1e-12, 17), -10); // −10.65 truncates towards zero
  equal(quantizePower(1e-10, 17), 29); // 29.35
  equal(quantizePower(2.5e-8, 17), 77); // 77.31
  equal(quantizePower(1e-11, 17), 9); // 9.35
  equal(quantizePower(3e-12, 17), -1); // −1.11
  // Clamps, zero, NaN, negative.
  equal(quantizePower(1, 17), 127);
  equal(quantizePower(Infinity, 0), 127);
  equal(quantizePower(0, 17), -128);
  equal(quantizePower(1e-30, 17), -128);
  equal(quantizePower(NaN, 17), -128);
  equal(quantizePower(-1, 17), -128);
  // A sweep against the formula written out independently.
  const next = prng(11);
  for (let i = 0; i < 2000; i++) {
    const power = 10 ** (-20 + 20 * next());
    const offset = Math.floor(5 + 20 * next()) - 5;
    const { q, x } = referenceQuantize(power, offset);
    if (Math.abs(x - Math.round(x)) < 1e-9) continue;
    equal(quantizePower(power, offset), q, `p=${power} offset=${offset}`);
  }
});

Deno.test("waterfallPowerOffset() is round(log2 N) + brightness − level", () => {
  equal(waterfallPowerOffset(131072, 0, 0), 17);
  equal(waterfallPowerOffset(131072, -10, 0), 7);
  equal(waterfallPowerOffset(8388608, 2, 3), 22);
});

Deno.test("waterfallLevelCount() makes levels while they hold waterfall_size", () => {
  equal(waterfallLevelCount(131072, 1024), 8);
  equal(waterfallLevelCount(131072, 1025), 7);
  equal(waterfallLevelCount(4194304, 2048), 12);
  equal(waterfallLevelCount(1024, 1024), 1);
  throws(() => waterfallLevelCount(1024, 2048), RangeError);
  throws(() => waterfallLevelCount(1024, 0), RangeError);
});

Deno.test("waterfallSkip() gives a line every max(1, floor(sps/N/10)·2) frames", () => {
  equal(waterfallSkip(2_048_000, 131072), 2);
  equal(waterfallSkip(2_880_000, 131072), 4);
  equal(waterfallSkip(20_000_000, 1048576), 2);
  equal(waterfallSkip(60_000_000, 8388608), 1);
  equal(waterfallSkip(8_000_000, 1048576), 1);
  equal(waterfallSkip(10_000_000, 65536), 30);
});

Deno.test("Waterfall lays out the levels one after another", () => {
  const waterfall = new Waterfall({ fftSize: 131072, signal: "iq" });
  equal(waterfall.levels, 8);
  equal(waterfall.fftResultSize, 131072);
  equal(waterfall.baseIndex, 65537);
  let offset = 0;
  for (let level = 0; level < 8; level++) {
    equal(waterfall.levelOffset(level), offset);
    equal(waterfall.levelSize(level), 131072 >> level);
    equal(waterfall.levelData(level).length, 131072 >> level);
    equal(waterfall.levelData(level).byteOffset, offset);
    offset += 131072 >> level;
  }
  equal(waterfall.quantized.length, offset);
  equal(waterfall.power.length, offset);
  throws(() => waterfall.levelData(8), RangeError);
  const real = new Waterfall({
    fftSize: 131072,
    signal: "real",
    waterfallSize: 2048,
  });
  equal(real.fftResultSize, 65536);
  equal(real.baseIndex, 0);
  equal(real.levels, 6);
});

Deno.test("Waterfall.update() quantises known powers to the reference int8 values", () => {
  for (const brightnessOffset of [-3, 0, 2]) {
    const fftSize = 64;
    const powers = [
      1e-9,
      3.3e-7,
      2e-5,
      4e-12,
      0.01,
      0,
      1e-15,
      7.7e-4,
      ...new Array(24).fill(1e-6),
    ];
    const waterfall = new Waterfall({
      fftSize,
      signal: "real",
      waterfallSize: 32,
      brightnessOffset,
    });
    waterfall.update(spectrumOf(powers));
    for (let i = 0; i < 8; i++) {
      const { q, x } = referenceQuantize(
        Math.fround(Math.fround(Math.sqrt(powers[i])) ** 2),
        6 + brightnessOffset,
      );
      clearOfBoundary(x);
      equal(waterfall.quantized[i], q, `bin ${i} (x=${x.toFixed(3)})`);
    }
  }
});

Deno.test("Waterfall.update() fast quantiser equals quantizePower() everywhere", () => {
  const fftSize = 8192;
  const waterfall = new Waterfall({
    fftSize,
    signal: "real",
    waterfallSize: 64,
    brightnessOffset: -1,
  });
  const next = prng(5);
  const offset0 = waterfallPowerOffset(fftSize, -1, 0);
  const powers = new Float64Array(4096);
  // Log-uniform powers over 36 decades, plus exact step boundaries.
  for (let i = 0; i < 2048; i++) powers[i] = 10 ** (-33 + 36 * next());
  const constant = POWER_STEP_DB * offset0 + 127;
  for (let i = 2048; i < 4096; i++) {
    const step = -130 + ((i - 2048) % 260);
    const nudge = 1 + (((i - 2048) / 260) | 0) * 1e-7 - 3e-7;
    powers[i] = 10 ** ((step - constant) / 20) * nudge;
  }
  for (let round = 0; round < 4; round++) {
    waterfall.update(spectrumOf(powers));
    for (let level = 0; level < waterfall.levels; level++) {
      const start = waterfall.levelOffset(level);
      const data = waterfall.levelData(level);
      for (let i = 0; i < data.length; i++) {
        const expected = quantizePower(
          waterfall.power[start + i],
          offset0 - level,
        );
        if (data[i] !== expected) {
          equal(data[i], expected, `level ${level} index ${i}`);
        }
      }
    }
    for (let i = 0; i < powers.length; i++) powers[i] *= 1.37;
  }
});

Deno.test("Waterfall.update() sums pairs of powers into each next level", () => {
  const waterfall = new Waterfall({
    fftSize: 256,
    signal: "iq",
    waterfallSize: 32,
  });
  const next = prng(3);
  const spectrum = new Float32Array(512);
  for (let i = 0; i < spectrum.length; i++) spectrum[i] = next() * 1e-3;
  waterfall.update(spectrum);
  equal(waterfall.levels, 4);
  for (let level = 1; level < 4; level++) {
    const from = waterfall.levelOffset(level - 1);
    const to = waterfall.levelOffset(level);
    for (let i = 0; i < waterfall.levelSize(level); i++) {
      equal(
        waterfall.power[to + i],
        Math.fround(
          waterfall.power[from + 2 * i] + waterfall.power[from + 2 * i + 1],
        ),
      );
    }
  }
  // Level 0 is in waterfall order: index i is FFT bin (i + 129) mod 256.
  for (const i of [0, 126, 127, 255]) {
    const k = (i + 129) % 256;
    equal(
      waterfall.power[i],
      Math.fround(spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2),
    );
  }
});

async function toneAtEveryLevel(
  signal: SignalKind,
  bin: number,
  amplitude: number,
  brightnessOffset: number,
): Promise<void> {
  const fftSize = 16384;
  const big = await BigFft.create({ fftSize, signal });
  const waterfall = new Waterfall({
    fftSize,
    signal,
    waterfallSize: 256,
    brightnessOffset,
  });
  for (let f = 0; f < 2; f++) {
    const start = f * big.hopSamples;
    big.process(
      signal === "iq"
        ? complexTone(fftSize, bin, amplitude, start, big.hopSamples)
        : realTone(fftSize, bin, amplitude, start, big.hopSamples),
    );
  }
  waterfall.update(big.spectrum);
  const size = waterfall.fftResultSize;
  const index = signal === "iq"
    ? (((bin - (fftSize / 2 + 1)) % size) + size) % size
    : bin;
  // Theoretical level-0 powers: Hann puts A²/4·g on the bin, A²/16·g on
  // each neighbour (g = 1 for IQ, 1/4 for a real cosine).
  const gain = signal === "iq" ? 1 : 1 / 4;
  const peak = (amplitude ** 2 / 4) * gain;
  const side = (amplitude ** 2 / 16) * gain;
  ok(waterfall.levels >= 6);
  for (let level = 0; level < waterfall.levels; level++) {
    const data = waterfall.levelData(level);
    const at = index >> level;
    equal(argMax(data), at, `${signal} level ${level}`);
    const first = at << level;
    const last = first + (1 << level) - 1;
    let sum = peak;
    if (index - 1 >= first) sum += side;
    if (index + 1 <= last) sum += side;
    const mean = sum / 2 ** level;
    const { q, x } = referenceQuantize(
      mean,
      Math.round(Math.log2(fftSize)) + brightnessOffset,
    );
    clearOfBoundary(x, 0.01);
    equal(data[at], q, `${signal} level ${level}: x=${x.toFixed(3)}`);
  }
  big.dispose();
}

Deno.test("Waterfall.update() puts a complex tone in the right bin at every zoom level", async () => {
  await toneAtEveryLevel("iq", 3000, 0.0071, 0);
  await toneAtEveryLevel("iq", -5001, 0.0023, -2);
});

Deno.test("Waterfall.update() puts a real tone in the right bin at every zoom level", async () => {
  await toneAtEveryLevel("real", 1234, 0.0157, 0);
  await toneAtEveryLevel("real", 7777, 0.0041, 1);
});

Deno.test("Waterfall.update() checks the spectrum length", () => {
  const waterfall = new Waterfall({
    fftSize: 64,
    signal: "iq",
    waterfallSize: 16,
  });
  throws(() => waterfall.update(new Float32Array(127)), RangeError);
  waterfall.update(new Float32Array(128));
  ok(waterfall.quantized.every((q) => q === -128));
});

Deno.test("Waterfall rejects bad options", () => {
  throws(() => new Waterfall({ fftSize: 100, signal: "iq" }), RangeError);
  throws(
    () => new Waterfall({ fftSize: 512, signal: "real", waterfallSize: 512 }),
    RangeError,
  );
  throws(
    () => new Waterfall({ fftSize: 512, signal: "iq", brightnessOffset: NaN }),
    RangeError,
  );
  throws(
    () => new Waterfall({ fftSize: 512, signal: "x" as SignalKind }),
    RangeError,
  );
});

Deno.test("selectWaterfallLevel() picks the level whose width is closest to waterfall_size", () => {
  const options = { levels: 8, waterfallSize: 1024, fftResultSize: 131072 };
  deepEqual(selectWaterfallLevel(0, 131072, options), {
    level: 7,
    l: 0,
    r: 1024,
  });
  deepEqual(selectWaterfallLevel(1000, 2000, options), {
    level: 0,
    l: 1000,
    r: 2000,
  });
  deepEqual(selectWaterfallLevel(1001, 4001, options), {
    level: 2,
    l: 250,
    r: 1000,
  });
  // 1365 wide: level 0 is 341 off, level 1 (682.5) is 341.5 off: level 0.
  deepEqual(selectWaterfallLevel(0, 1365, options), {
    level: 0,
    l: 0,
    r: 1365,
  });
  // 1366 wide: level 1 (683) is 341 off, level 0 is 342 off: level 1.
  deepEqual(selectWaterfallLevel(0, 1366, options), { level: 1, l: 0, r: 683 });
  deepEqual(selectWaterfallLevel(1, 1368, options), { level: 1, l: 1, r: 684 });
  // r beyond the spectrum is clamped (PhantomSDR reads out of bounds).
  deepEqual(selectWaterfallLevel(130000, 999999, options), {
    level: 0,
    l: 130000,
    r: 131072,
  });
  for (
    const [l, r] of [[-1, 10], [10, 10], [20, 10], [NaN, 5], [0, Infinity]]
  ) {
    equal(selectWaterfallLevel(l, r, options), undefined, `[${l}, ${r})`);
  }
  equal(selectWaterfallLevel(131072, 140000, options), undefined);
});

Deno.test("selectWaterfallLevel() keeps lines between 2/3 and 4/3 of waterfall_size", () => {
  const options = { levels: 8, waterfallSize: 1024, fftResultSize: 131072 };
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 131071 }),
      fc.integer({ min: 1, max: 131072 }),
      (a, width) => {
        const l = a;
        const r = Math.min(131072, a + width);
        const window = selectWaterfallLevel(l, r, options);
        if (window === undefined) return false;
        const length = window.r - window.l;
        if (window.r > 131072 >> window.level) return false;
        if (r - l <= 1024) return window.level === 0 && length === r - l;
        return length >= 1024 * 2 / 3 - 1 && length <= 1024 * 4 / 3 + 1 &&
          Math.abs((window.l << window.level) - l) <= 1 << window.level;
      },
    ),
    { seed: 424242, numRuns: 2000 },
  );
});

Deno.test("defaultWaterfallWindow() is the coarsest level from 0 to waterfall_size", () => {
  deepEqual(defaultWaterfallWindow(8, 1024), { level: 7, l: 0, r: 1024 });
});
