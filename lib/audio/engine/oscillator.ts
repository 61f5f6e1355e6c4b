/**
 * Oscillator waveforms, one sample at a time from a phase in [0, 1) and the
 * phase increment `dt = frequency / sampleRate`:
 *
 * - sine;
 * - saw and square (variable pulse width), band-limited with PolyBLEP: the
 *   two samples around each jump get the residual of a band-limited step,
 *   which removes most of the aliasing of the naive waveform;
 * - triangle, band-limited with PolyBLAMP (the integrated residual) at its
 *   two corners;
 * - white noise (a caller's {@linkcode Prng}) and pink noise through Paul
 *   Kellet's refined filter (−3 dB/octave within ±0.05 dB above ~10 Hz at
 *   44.1 kHz), whose seven state values live in a caller's `Float64Array`.
 *
 * Everything is plain arithmetic on numbers: no allocation, no clock. The
 * render path uses the segment kernels {@linkcode renderWave} and
 * {@linkcode pinkFilter}, which take their numbers from typed arrays and
 * return nothing, so V8 never boxes a number per call even when it does
 * not inline them.
 *
 * @module
 */

/** Sine wave. */
export const WAVE_SINE = 0;
/** Band-limited sawtooth (rising). */
export const WAVE_SAW = 1;
/** Band-limited pulse, width set by `pw`. */
export const WAVE_SQUARE = 2;
/** Band-limited triangle. */
export const WAVE_TRIANGLE = 3;
/** White noise. */
export const WAVE_WHITE = 4;
/** Pink noise. */
export const WAVE_PINK = 5;
/** The largest wave number. */
export const WAVE_MAX = 5;
/** The number of state values {@linkcode pinkNext} keeps. */
export const PINK_STATE = 7;

/**
 * The PolyBLEP residual for a unit-phase jump of height 2 (a saw's reset):
 * non-zero only within one sample of the jump at phase 0.
 *
 * @param t The phase in [0, 1).
 * @param dt The phase increment per sample (0 < dt < 0.5).
 * @returns The residual to subtract from a naive saw.
 *
 * @example Zero away from the jump
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { polyBlep } from "./oscillator.ts";
 *
 * equal(polyBlep(0.5, 0.01), 0);
 * equal(polyBlep(0, 0.01), -1);
 * ```
 */
export function polyBlep(t: number, dt: number): number {
  if (t < dt) {
    const x = t / dt;
    return x + x - x * x - 1;
  }
  if (t > 1 - dt) {
    const x = (t - 1) / dt;
    return x * x + x + x + 1;
  }
  return 0;
}

/**
 * The PolyBLAMP residual `(1 − |x|)³ / 6` for a unit change of slope per
 * sample at phase 0, where `x` is the distance to the corner in samples.
 *
 * @param t The phase in [0, 1).
 * @param dt The phase increment per sample (0 < dt < 0.5).
 * @returns The residual (>= 0).
 *
 * @example At the corner
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { polyBlamp } from "./oscillator.ts";
 *
 * equal(polyBlamp(0, 0.01), 1 / 6);
 * equal(polyBlamp(0.5, 0.01), 0);
 * ```
 */
export function polyBlamp(t: number, dt: number): number {
  let x: number;
  if (t < dt) x = 1 - t / dt;
  else if (t > 1 - dt) x = 1 - (1 - t) / dt;
  else return 0;
  return (x * x * x) / 6;
}

/**
 * One sample of a deterministic waveform (sine, saw, square, triangle).
 * Noise waves return 0 here; see {@linkcode pinkNext}.
 *
 * @param wave A `WAVE_*` number.
 * @param phase The phase in [0, 1).
 * @param dt The phase increment per sample (0 < dt < 0.5).
 * @param pw The pulse width of the square, in (0, 1).
 * @returns The sample, about [−1, 1].
 *
 * @example A saw in the middle of its ramp
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { WAVE_SAW, WAVE_SINE, waveSample } from "./oscillator.ts";
 *
 * equal(waveSample(WAVE_SAW, 0.5, 0.01, 0.5), 0);
 * equal(waveSample(WAVE_SINE, 0.25, 0.01, 0.5), 1);
 * ```
 */
export function waveSample(
  wave: number,
  phase: number,
  dt: number,
  pw: number,
): number {
  switch (wave) {
    case WAVE_SINE:
      return Math.sin(2 * Math.PI * phase);
    case WAVE_SAW:
      return 2 * phase - 1 - polyBlep(phase, dt);
    case WAVE_SQUARE: {
      let v = phase < pw ? 1 : -1;
      v += polyBlep(phase, dt);
      let t = phase - pw;
      if (t < 0) t += 1;
      return v - polyBlep(t, dt);
    }
    case WAVE_TRIANGLE: {
      let v = phase < 0.5 ? 1 - 4 * phase : 4 * phase - 3;
      v -= 8 * dt * polyBlamp(phase, dt);
      let t = phase + 0.5;
      if (t >= 1) t -= 1;
      return v + 8 * dt * polyBlamp(t, dt);
    }
    default:
      return 0;
  }
}

/**
 * One pink-noise sample from one white-noise sample (Paul Kellet's refined
 * filter), updating seven state values at `state[offset..offset+7)`.
 *
 * @param state The filter state.
 * @param offset Where this generator's seven values start.
 * @param white A white-noise sample in [−1, 1).
 * @returns A pink-noise sample, about [−1, 1].
 *
 * @example Usage
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { PINK_STATE, pinkNext } from "./oscillator.ts";
 *
 * const state = new Float64Array(PINK_STATE);
 * ok(Math.abs(pinkNext(state, 0, 0.5)) < 1);
 * ```
 */
export function pinkNext(
  state: Float64Array,
  offset: number,
  white: number,
): number {
  const b0 = 0.99886 * state[offset] + white * 0.0555179;
  const b1 = 0.99332 * state[offset + 1] + white * 0.0750759;
  const b2 = 0.969 * state[offset + 2] + white * 0.153852;
  const b3 = 0.8665 * state[offset + 3] + white * 0.3104856;
  const b4 = 0.55 * state[offset + 4] + white * 0.5329522;
  const b5 = -0.7616 * state[offset + 5] - white * 0.016898;
  const pink = b0 + b1 + b2 + b3 + b4 + b5 + state[offset + 6] +
    white * 0.5362;
  state[offset] = b0;
  state[offset + 1] = b1;
  state[offset + 2] = b2;
  state[offset + 3] = b3;
  state[offset + 4] = b4;
  state[offset + 5] = b5;
  state[offset + 6] = white * 0.115926;
  return pink * 0.11;
}

/**
 * The number of state values {@linkcode renderWave} reads: phase, phase
 * increment, pulse width.
 */
export const WAVE_STATE = 3;

/**
 * Renders `out[start..end)` of a deterministic waveform (sine, saw,
 * square, triangle) at unit amplitude, from `state[offset]` (phase, updated),
 * `state[offset + 1]` (phase increment per sample, < 0.5) and
 * `state[offset + 2]` (pulse width). The same samples as
 * {@linkcode waveSample} in a loop.
 *
 * @param out The buffer.
 * @param start The first index.
 * @param end One past the last index.
 * @param wave A `WAVE_*` number (noise waves render 0).
 * @param state The oscillator state.
 * @param offset Where the three values start.
 *
 * @example A saw segment
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { renderWave, WAVE_SAW } from "./oscillator.ts";
 *
 * const state = new Float64Array([0.5, 0.01, 0.5]);
 * const out = new Float64Array(2);
 * renderWave(out, 0, 2, WAVE_SAW, state, 0);
 * equal(out[0], 0);
 * equal(state[0], 0.52);
 * ```
 */
export function renderWave(
  out: Float64Array,
  start: number,
  end: number,
  wave: number,
  state: Float64Array,
  offset: number,
): void {
  let phase = state[offset];
  const dt = state[offset + 1];
  const pw = state[offset + 2];
  switch (wave) {
    case WAVE_SINE:
      for (let i = start; i < end; i++) {
        out[i] = Math.sin(2 * Math.PI * phase);
        phase += dt;
        if (phase >= 1) phase -= 1;
      }
      break;
    case WAVE_SAW:
      for (let i = start; i < end; i++) {
        let v = 2 * phase - 1;
        if (phase < dt) {
          const x = phase / dt;
          v -= x + x - x * x - 1;
        } else if (phase > 1 - dt) {
          const x = (phase - 1) / dt;
          v -= x * x + x + x + 1;
        }
        out[i] = v;
        phase += dt;
        if (phase >= 1) phase -= 1;
      }
      break;
    case WAVE_SQUARE:
      for (let i = start; i < end; i++) {
        let v = phase < pw ? 1 : -1;
        if (phase < dt) {
          const x = phase / dt;
          v += x + x - x * x - 1;
        } else if (phase > 1 - dt) {
          const x = (phase - 1) / dt;
          v += x * x + x + x + 1;
        }
        let t = phase - pw;
        if (t < 0) t += 1;
        if (t < dt) {
          const x = t / dt;
          v -= x + x - x * x - 1;
        } else if (t > 1 - dt) {
          const x = (t - 1) / dt;
          v -= x * x + x + x + 1;
        }
        out[i] = v;
        phase += dt;
        if (phase >= 1) phase -= 1;
      }
      break;
    case WAVE_TRIANGLE:
      for (let i = start; i < end; i++) {
        let v = phase < 0.5 ? 1 - 4 * phase : 4 * phase - 3;
        let x = -1;
        if (phase < dt) x = 1 - phase / dt;
        else if (phase > 1 - dt) x = 1 - (1 - phase) / dt;
        if (x >= 0) v -= 8 * dt * ((x * x * x) / 6);
        let t = phase + 0.5;
        if (t >= 1) t -= 1;
        x = -1;
        if (t < dt) x = 1 - t / dt;
        else if (t > 1 - dt) x = 1 - (1 - t) / dt;
        if (x >= 0) v += 8 * dt * ((x * x * x) / 6);
        out[i] = v;
        phase += dt;
        if (phase >= 1) phase -= 1;
      }
      break;
    default:
      out.fill(0, start, end);
  }
  state[offset] = phase;
}

/**
 * Turns white noise in `buffer[start..end)` into pink noise in place, with
 * the seven filter values at `state[offset..offset+7)`: the same samples as
 * {@linkcode pinkNext} in a loop.
 *
 * @param buffer White noise in, pink noise out.
 * @param start The first index.
 * @param end One past the last index.
 * @param state The filter state.
 * @param offset Where the seven values start.
 *
 * @example Same as pinkNext()
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { PINK_STATE, pinkFilter, pinkNext } from "./oscillator.ts";
 *
 * const a = new Float64Array(PINK_STATE);
 * const b = new Float64Array(PINK_STATE);
 * const buffer = new Float64Array([0.5, -0.25]);
 * pinkFilter(buffer, 0, 2, a, 0);
 * pinkNext(b, 0, 0.5);
 * equal(buffer[1], pinkNext(b, 0, -0.25));
 * ```
 */
export function pinkFilter(
  buffer: Float64Array,
  start: number,
  end: number,
  state: Float64Array,
  offset: number,
): void {
  let b0 = state[offset], b1 = state[offset + 1], b2 = state[offset + 2];
  let b3 = state[offset + 3], b4 = state[offset + 4], b5 = state[offset + 5];
  let b6 = state[offset + 6];
  for (let i = start; i < end; i++) {
    const white = buffer[i];
    b0 = 0.99886 * b0 + white * 0.0555179;
    b1 = 0.99332 * b1 + white * 0.0750759;
    b2 = 0.969 * b2 + white * 0.153852;
    b3 = 0.8665 * b3 + white * 0.3104856;
    b4 = 0.55 * b4 + white * 0.5329522;
    b5 = -0.7616 * b5 - white * 0.016898;
    const pink = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
    b6 = white * 0.115926;
    buffer[i] = pink * 0.11;
  }
  state[offset] = b0;
  state[offset + 1] = b1;
  state[offset + 2] = b2;
  state[offset + 3] = b3;
  state[offset + 4] = b4;
  state[offset + 5] = b5;
  state[offset + 6] = b6;
}
