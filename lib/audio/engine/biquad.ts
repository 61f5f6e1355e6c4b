/**
 * Biquad filter coefficients from Robert Bristow-Johnson's Audio EQ Cookbook
 * (lowpass, highpass, bandpass with 0 dB peak, notch), and one sample of a
 * transposed direct form II section. Coefficients and the two state values
 * live in caller arrays so a module can save them in a snapshot.
 *
 * @module
 */

/** Lowpass. */
export const FILTER_LOWPASS = 0;
/** Highpass. */
export const FILTER_HIGHPASS = 1;
/** Bandpass, 0 dB peak gain. */
export const FILTER_BANDPASS = 2;
/** Notch. */
export const FILTER_NOTCH = 3;

/**
 * Computes normalized RBJ coefficients `[b0, b1, b2, a1, a2]` into
 * `out[offset..offset+5)`. The cutoff is clamped to [1 Hz, 0.49 × rate].
 *
 * @param mode A `FILTER_*` number.
 * @param cutoff The corner (or centre) frequency in Hz.
 * @param q The quality factor (> 0).
 * @param sampleRate Frames per second.
 * @param out Receives the coefficients.
 * @param offset Where to write them.
 *
 * @example A lowpass passes DC with unit gain
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { biquadCoefficients, FILTER_LOWPASS } from "./biquad.ts";
 *
 * const c = new Float64Array(5);
 * biquadCoefficients(FILTER_LOWPASS, 1000, 0.707, 48000, c, 0);
 * const dcGain = (c[0] + c[1] + c[2]) / (1 + c[3] + c[4]);
 * ok(Math.abs(dcGain - 1) < 1e-9);
 * ```
 */
export function biquadCoefficients(
  mode: number,
  cutoff: number,
  q: number,
  sampleRate: number,
  out: Float64Array,
  offset: number,
): void {
  const nyquistGuard = 0.49 * sampleRate;
  const f = cutoff < 1 ? 1 : cutoff > nyquistGuard ? nyquistGuard : cutoff;
  const w0 = (2 * Math.PI * f) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  let b0: number, b1: number, b2: number;
  switch (mode) {
    case FILTER_HIGHPASS:
      b0 = (1 + cos) / 2;
      b1 = -(1 + cos);
      b2 = b0;
      break;
    case FILTER_BANDPASS:
      b0 = alpha;
      b1 = 0;
      b2 = -alpha;
      break;
    case FILTER_NOTCH:
      b0 = 1;
      b1 = -2 * cos;
      b2 = 1;
      break;
    default:
      b0 = (1 - cos) / 2;
      b1 = 1 - cos;
      b2 = b0;
  }
  const a0 = 1 + alpha;
  out[offset] = b0 / a0;
  out[offset + 1] = b1 / a0;
  out[offset + 2] = b2 / a0;
  out[offset + 3] = (-2 * cos) / a0;
  out[offset + 4] = (1 - alpha) / a0;
}

/**
 * Filters `input[start..end)` into `output[start..end)` (may be the same
 * array) with coefficients at `c[co..co+5)` and state `z1, z2` at
 * `c[zo], c[zo+1]`. Tiny state values are flushed to zero at the end so a
 * silent input never leaves denormals behind.
 *
 * @param c The coefficient and state array.
 * @param co Where the coefficients start.
 * @param zo Where the two state values start.
 * @param input The input samples, or `null` for silence.
 * @param output Receives the filtered samples.
 * @param start The first index.
 * @param end One past the last index.
 *
 * @example An impulse response starts with b0
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { biquadCoefficients, biquadProcess, FILTER_LOWPASS } from "./biquad.ts";
 *
 * const c = new Float64Array(7);
 * biquadCoefficients(FILTER_LOWPASS, 1000, 0.707, 48000, c, 0);
 * const x = new Float64Array([1, 0, 0]);
 * const y = new Float64Array(3);
 * biquadProcess(c, 0, 5, x, y, 0, 3);
 * equal(y[0], c[0]);
 * ```
 */
export function biquadProcess(
  c: Float64Array,
  co: number,
  zo: number,
  input: Float64Array | null,
  output: Float64Array,
  start: number,
  end: number,
): void {
  const b0 = c[co], b1 = c[co + 1], b2 = c[co + 2];
  const a1 = c[co + 3], a2 = c[co + 4];
  let z1 = c[zo], z2 = c[zo + 1];
  for (let i = start; i < end; i++) {
    const x = input === null ? 0 : input[i];
    const y = b0 * x + z1;
    z1 = b1 * x - a1 * y + z2;
    z2 = b2 * x - a2 * y;
    output[i] = y;
  }
  if (Math.abs(z1) < 1e-30) z1 = 0;
  if (Math.abs(z2) < 1e-30) z2 = 0;
  c[zo] = z1;
  c[zo + 1] = z2;
}
