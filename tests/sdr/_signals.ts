// Synthetic signals and reference maths shared by the lib/sdr tests.

/** Seeded PRNG (mulberry32) giving floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random floats in [-1, 1). */
export function randomFloats(length: number, seed: number): Float32Array {
  const next = prng(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = 2 * next() - 1;
  return out;
}

/**
 * `count` interleaved samples of A·e^(2πi·cycles·n/N) for n = start …
 * start + count − 1 (cycles = FFT bin, may be fractional or negative).
 */
export function complexTone(
  fftSize: number,
  cycles: number,
  amplitude: number,
  start: number,
  count: number,
): Float32Array {
  const out = new Float32Array(2 * count);
  for (let j = 0; j < count; j++) {
    const phase = (2 * Math.PI * cycles * (start + j)) / fftSize;
    out[2 * j] = amplitude * Math.cos(phase);
    out[2 * j + 1] = amplitude * Math.sin(phase);
  }
  return out;
}

/** `count` samples of A·cos(2π·cycles·n/N) for n = start … start + count − 1. */
export function realTone(
  fftSize: number,
  cycles: number,
  amplitude: number,
  start: number,
  count: number,
): Float32Array {
  const out = new Float32Array(count);
  for (let j = 0; j < count; j++) {
    out[j] = amplitude *
      Math.cos((2 * Math.PI * cycles * (start + j)) / fftSize);
  }
  return out;
}

/** Naive float64 DFT of interleaved complex (or real) input, interleaved out. */
export function naiveDft(
  input: ArrayLike<number>,
  real: boolean,
): Float64Array {
  const n = real ? input.length : input.length / 2;
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      const xr = real ? input[t] : input[2 * t];
      const xi = real ? 0 : input[2 * t + 1];
      const angle = (-2 * Math.PI * ((k * t) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      re += xr * c - xi * s;
      im += xr * s + xi * c;
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

/** Largest |a[i] − b[i]| over the first `length` elements. */
export function maxAbsDiff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  length = a.length,
): number {
  let max = 0;
  for (let i = 0; i < length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Largest |a[i]| over the array. */
export function maxAbs(a: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

/** Index of the largest value. */
export function argMax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

/** |X[k]|² of interleaved complex data. */
export function binPower(spectrum: ArrayLike<number>, bin: number): number {
  return spectrum[2 * bin] ** 2 + spectrum[2 * bin + 1] ** 2;
}

/**
 * The reference quantiser written out independently of lib/sdr:
 * q = trunc(clamp(20·log10(p) + 6.020599913279624·powerOffset + 127, −128, 127)),
 * with the unclamped value, to check how far from a step boundary it is.
 */
export function referenceQuantize(
  power: number,
  powerOffset: number,
): { q: number; x: number } {
  const x = 20 * Math.log10(power) + 6.020599913279624 * powerOffset + 127;
  const clamped = Math.min(127, Math.max(-128, x));
  return { q: Number.isNaN(x) ? -128 : Math.trunc(clamped), x };
}
