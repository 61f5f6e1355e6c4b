import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { BigFft, hannWindow } from "../../lib/sdr/big_fft.ts";
import { createFft } from "../../lib/sdr/fft/fft_backend.ts";
import { spectrumLayout } from "../../lib/sdr/spectrum_layout.ts";
import {
  argMax,
  binPower,
  complexTone,
  maxAbs,
  maxAbsDiff,
  naiveDft,
  randomFloats,
  realTone,
} from "./_signals.ts";

/** Feeds `frames` hops of a continuous stream made by `make(start, count)`. */
function feed(
  big: BigFft,
  frames: number,
  make: (start: number, count: number) => Float32Array,
): void {
  for (let f = 0; f < frames; f++) {
    big.process(make(f * big.hopSamples, big.hopSamples));
  }
}

/** Power of every FFT bin of `big.spectrum` (natural order). */
function powers(big: BigFft): Float64Array {
  const out = new Float64Array(big.fftResultSize);
  for (let k = 0; k < out.length; k++) out[k] = binPower(big.spectrum, k);
  return out;
}

Deno.test("hannWindow() is the periodic Hann window", () => {
  const w = hannWindow(16);
  for (let i = 0; i < 16; i++) {
    ok(Math.abs(w[i] - 0.5 * (1 - Math.cos((2 * Math.PI * i) / 16))) < 1e-7);
  }
  equal(w[0], 0);
  equal(w[8], 1);
  // 50 % overlap sums to a constant (what makes the overlap-add work).
  for (let i = 0; i < 8; i++) ok(Math.abs(w[i] + w[i + 8] - 1) < 1e-7);
});

for (const backend of ["pffft", "fftjs"] as const) {
  Deno.test(`BigFft.process() ${backend}: a complex tone lands in its bin with |X/N|² = A²/4`, async () => {
    const fftSize = 4096;
    const amplitude = 0.3;
    const big = await BigFft.create({ fftSize, signal: "iq", backend });
    equal(big.backend, backend);
    for (const bin of [300, -700, 0, 2047, -2048]) {
      feed(big, 2, (s, c) => complexTone(fftSize, bin, amplitude, s, c));
      const p = powers(big);
      const k = (bin + fftSize) % fftSize;
      equal(argMax(p), k, `tone on bin ${bin}`);
      // Hann: coherent gain 1/2 on the bin, −1/4 on each neighbour.
      ok(Math.abs(p[k] - amplitude ** 2 / 4) < 1e-6, `peak ${p[k]}`);
      ok(Math.abs(p[(k + 1) % fftSize] - amplitude ** 2 / 16) < 1e-6);
      ok(Math.abs(p[(k + fftSize - 1) % fftSize] - amplitude ** 2 / 16) < 1e-6);
      ok(p[(k + 2) % fftSize] < 1e-9, "leak past the neighbours");
    }
    big.dispose();
  });

  Deno.test(`BigFft.process() ${backend}: a real tone lands in its bin with |X/N|² = A²/16`, async () => {
    const fftSize = 4096;
    const amplitude = 0.8;
    const big = await BigFft.create({ fftSize, signal: "real", backend });
    equal(big.fftResultSize, 2048);
    equal(big.spectrum.length, 2 * 2048);
    for (const bin of [5, 1000, 2040]) {
      feed(big, 2, (s, c) => realTone(fftSize, bin, amplitude, s, c));
      const p = powers(big);
      equal(argMax(p), bin);
      ok(Math.abs(p[bin] - amplitude ** 2 / 16) < 1e-6, `peak ${p[bin]}`);
      ok(Math.abs(p[bin + 1] - amplitude ** 2 / 64) < 1e-6);
    }
    big.dispose();
  });
}

Deno.test("BigFft.process() puts an IQ tone at waterfall index (bin − N/2 − 1) mod N", async () => {
  // RTL-SDR style: 2.048 MS/s around 100 MHz; 4096 bins of 500 Hz.
  const layout = spectrumLayout({
    sps: 2_048_000,
    frequency: 100_000_000,
    fftSize: 4096,
    signal: "iq",
  });
  const big = await BigFft.create({ fftSize: 4096, signal: "iq" });
  equal(big.baseIndex, layout.baseIndex);
  for (const offsetHz of [150_000, -350_000, 0]) {
    const bin = offsetHz / layout.binHz; // integer here
    feed(big, 2, (s, c) => complexTone(4096, bin, 0.5, s, c));
    const p = powers(big);
    // Waterfall order: index i holds FFT bin (i + N/2 + 1) mod N.
    const waterfall = new Float64Array(4096);
    for (let i = 0; i < 4096; i++) waterfall[i] = p[(i + big.baseIndex) % 4096];
    const index = argMax(waterfall);
    equal(index, (((bin - 2049) % 4096) + 4096) % 4096);
    // PhantomSDR's quirk: the nominal frequency of that index is one bin low.
    equal(
      layout.basefreq + index * layout.binHz,
      100_000_000 + offsetHz - layout.binHz,
    );
  }
  big.dispose();
});

Deno.test("BigFft.process() frames with 50 % overlap, the Hann window and X/N", async () => {
  const fftSize = 256;
  const stream = randomFloats(2 * fftSize * 3, 42); // 3 frames of IQ
  const big = await BigFft.create({ fftSize, signal: "iq" });
  const hop = big.hopFloats;
  const window = hannWindow(fftSize);
  for (let frame = 0; frame < 4; frame++) {
    big.process(stream, frame * hop);
    // Frame f covers samples [(f − 1)·N/2, (f + 1)·N/2); before 0 is silence.
    const x = new Float64Array(2 * fftSize);
    for (let n = 0; n < fftSize; n++) {
      const at = (frame - 1) * hop + 2 * n;
      if (at < 0) continue;
      x[2 * n] = stream[at] * window[n];
      x[2 * n + 1] = stream[at + 1] * window[n];
    }
    const reference = naiveDft(x, false).map((v) => v / fftSize);
    const error = maxAbsDiff(big.spectrum, reference);
    ok(error < 1e-6, `frame ${frame}: error ${error}`);
    equal(big.frameCount, frame + 1);
  }
  big.dispose();
});

Deno.test("BigFft.process() frames real input the same way", async () => {
  const fftSize = 128;
  const stream = randomFloats(fftSize * 2, 43);
  const big = await BigFft.create({ fftSize, signal: "real" });
  const window = hannWindow(fftSize);
  for (let frame = 0; frame < 3; frame++) {
    big.process(stream, frame * big.hopFloats);
  }
  const x = new Float64Array(fftSize);
  for (let n = 0; n < fftSize; n++) x[n] = stream[64 + n] * window[n];
  const reference = naiveDft(x, true).map((v) => v / fftSize);
  ok(maxAbsDiff(big.spectrum, reference, fftSize) < 1e-6);
  big.dispose();
});

Deno.test("BigFft.process() copies the first wrapBins bins past the end for IQ", async () => {
  const big = await BigFft.create({
    fftSize: 1024,
    signal: "iq",
    wrapBins: 96,
  });
  equal(big.spectrum.length, 2 * (1024 + 96));
  big.process(randomFloats(big.hopFloats, 1));
  big.process(randomFloats(big.hopFloats, 2));
  deepEqual(big.spectrum.subarray(2048), big.spectrum.subarray(0, 192));
  ok(maxAbs(big.spectrum.subarray(2048)) > 0);
  big.dispose();
  const real = await BigFft.create({
    fftSize: 1024,
    signal: "real",
    wrapBins: 96,
  });
  equal(real.wrapBins, 0);
  equal(real.spectrum.length, 1024);
  real.dispose();
});

Deno.test("BigFft.reset() forgets the previous half-frame", async () => {
  const big = await BigFft.create({ fftSize: 64, signal: "real" });
  const half = randomFloats(32, 9);
  big.process(randomFloats(32, 8));
  big.reset();
  big.process(half);
  const fresh = await BigFft.create({ fftSize: 64, signal: "real" });
  fresh.process(half);
  deepEqual(big.spectrum, fresh.spectrum);
  big.dispose();
  fresh.dispose();
});

Deno.test("BigFft.process() checks the half-frame length", async () => {
  const big = await BigFft.create({ fftSize: 64, signal: "iq" });
  throws(() => big.process(new Float32Array(63)), RangeError);
  throws(() => big.process(new Float32Array(64), 1), RangeError);
  big.process(new Float32Array(65), 1);
  equal(big.frameCount, 1);
  big.dispose();
});

Deno.test("BigFft rejects bad sizes, wraps and mismatched plans", async () => {
  await rejects(BigFft.create({ fftSize: 1000, signal: "iq" }), RangeError);
  await rejects(BigFft.create({ fftSize: 2 ** 24, signal: "iq" }), RangeError);
  await rejects(
    BigFft.create({ fftSize: 64, signal: "iq", wrapBins: 65 }),
    RangeError,
  );
  const real = await createFft(64, { kind: "real" });
  throws(() => new BigFft(real, { fftSize: 64, signal: "iq" }), RangeError);
  throws(() => new BigFft(real, { fftSize: 128, signal: "real" }), RangeError);
  real.dispose();
});

Deno.test("BigFft handles the largest FFT size, 2^23 real points", async () => {
  const fftSize = 2 ** 23;
  const big = await BigFft.create({ fftSize, signal: "real" });
  const bin = 1_234_567;
  feed(big, 2, (s, c) => realTone(fftSize, bin, 1, s, c));
  const p = powers(big);
  equal(argMax(p), bin);
  ok(Math.abs(p[bin] - 1 / 16) < 1e-4, `peak ${p[bin]}`);
  big.dispose();
});
