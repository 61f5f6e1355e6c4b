// @ts-check
/**
 * A streaming windowed-sinc resampler: the receiver's audio (e.g. 12 kHz)
 * to the sound card's rate (44.1 or 48 kHz), continuous across chunks (no
 * clicks at chunk edges), with a speed factor per chunk that the jitter
 * buffer uses to absorb clock drift. Coefficients come from a table of
 * 1024 fractional phases, computed once.
 *
 * @module
 */

const PHASES = 1024;

/**
 * Options of {@link Resampler}.
 *
 * @typedef {object} ResamplerOptions
 * @property {number} inputRate Input sample rate, Hz.
 * @property {number} outputRate Output sample rate, Hz.
 * @property {number} [taps] Filter length, even, 4…64 (default 16).
 */

/**
 * A streaming resampler (mono).
 *
 * @example A 1 kHz tone from 12 kHz to 48 kHz
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { Resampler } from "./resampler.js";
 *
 * const resampler = new Resampler({ inputRate: 12000, outputRate: 48000 });
 * const tone = Float32Array.from({ length: 1200 }, (_, i) => Math.sin(2 * Math.PI * 1000 * i / 12000));
 * const out = resampler.process(tone);
 * ok(Math.abs(out.length - 4800) <= 64);
 * // Later samples follow the tone at the output rate (after the filter's delay).
 * const late = out.subarray(out.length - 480);
 * ok(Math.max(...late) > 0.95 && Math.min(...late) < -0.95);
 * equal(resampler.inputRate, 12000);
 * ```
 */
export class Resampler {
  #taps;
  #half;
  /** @type {Float32Array} */
  #table;
  /** @type {Float32Array} */
  #history;
  /** Position of the next output sample, in input samples from the history's start. */
  #t;
  #cutoff;
  /** @type {Float32Array} */
  #work = new Float32Array(0);

  /**
   * @param {ResamplerOptions} options Rates and filter length.
   * @throws {RangeError} For non-positive rates or a bad filter length.
   */
  constructor(options) {
    const { inputRate, outputRate } = options;
    const taps = options.taps ?? 16;
    if (!(inputRate > 0) || !(outputRate > 0)) {
      throw new RangeError(
        `Expected positive sample rates, found ${inputRate} and ${outputRate}`,
      );
    }
    if (!Number.isInteger(taps) || taps < 4 || taps > 64 || taps % 2 !== 0) {
      throw new RangeError(
        `Expected an even filter length from 4 to 64, found ${taps}`,
      );
    }
    /** Input sample rate, Hz. */
    this.inputRate = inputRate;
    /** Output sample rate, Hz. */
    this.outputRate = outputRate;
    this.#taps = taps;
    this.#half = taps / 2;
    this.#history = new Float32Array(taps);
    this.#t = this.#half;
    // Pass up to 90 % of the lower Nyquist frequency.
    this.#cutoff = 0.9 * Math.min(1, outputRate / inputRate);
    this.#table = this.#buildTable(this.#cutoff);
  }

  /**
   * Coefficients for each phase: tap j of phase p weighs input sample
   * `floor(t) − half + 1 + j` when `t − floor(t) = p / PHASES`.
   *
   * @param {number} cutoff Cutoff as a fraction of the input Nyquist.
   * @returns {Float32Array} `(PHASES + 1) × taps` coefficients.
   */
  #buildTable(cutoff) {
    const taps = this.#taps;
    const half = this.#half;
    const table = new Float32Array((PHASES + 1) * taps);
    for (let p = 0; p <= PHASES; p++) {
      const fraction = p / PHASES;
      let sum = 0;
      for (let j = 0; j < taps; j++) {
        const d = fraction + half - 1 - j; // t − k
        const x = Math.PI * cutoff * d;
        const sinc = Math.abs(d) < 1e-9 ? 1 : Math.sin(x) / x;
        const w = Math.abs(d) >= half
          ? 0
          : 0.42 + 0.5 * Math.cos((Math.PI * d) / half) +
            0.08 * Math.cos((2 * Math.PI * d) / half);
        const c = sinc * w;
        table[p * taps + j] = c;
        sum += c;
      }
      if (sum !== 0) {
        for (let j = 0; j < taps; j++) table[p * taps + j] /= sum;
      }
    }
    return table;
  }

  /** Forgets the history (a new stream). */
  reset() {
    this.#history.fill(0);
    this.#t = this.#half;
  }

  /**
   * Resamples one chunk.
   *
   * @param {Float32Array} input Samples at `inputRate`.
   * @param {number} [speed] Playback speed (1: normal; 1.01 gives 1 % fewer
   * output samples).
   * @returns {Float32Array} Samples at `outputRate` (a new array).
   */
  process(input, speed = 1) {
    const taps = this.#taps;
    const half = this.#half;
    const length = taps + input.length;
    if (this.#work.length < length) this.#work = new Float32Array(length);
    const x = this.#work;
    x.set(this.#history, 0);
    x.set(input, taps);
    const step = (this.inputRate * (speed > 0 ? speed : 1)) / this.outputRate;
    const capacity = Math.ceil(input.length / step) + 2;
    const out = new Float32Array(capacity);
    const table = this.#table;
    let t = this.#t;
    let n = 0;
    while (n < capacity) {
      const base = Math.floor(t);
      if (base + half >= length) break;
      const phase = Math.round((t - base) * PHASES);
      const row = phase * taps;
      const first = base - half + 1;
      let y = 0;
      for (let j = 0; j < taps; j++) y += x[first + j] * table[row + j];
      out[n++] = y;
      t += step;
    }
    this.#history.set(x.subarray(length - taps, length));
    this.#t = t - input.length;
    return out.subarray(0, n);
  }
}
