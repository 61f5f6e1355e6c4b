// @ts-check
/**
 * Record-to-file of what the listener hears: mono float samples in, a
 * 16-bit PCM WAV file out. Bounded by `maxSeconds`; pushing past it is
 * refused (the page then stops the recording and saves what it has).
 *
 * @module
 */

/**
 * Options of {@link WavRecorder}.
 *
 * @typedef {object} WavRecorderOptions
 * @property {number} sampleRate Hz (rounded to a whole number in the file).
 * @property {number} [maxSeconds] Longest recording (default 1800).
 */

/**
 * Collects samples and writes a WAV file.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { WavRecorder } from "./wav_recorder.js";
 *
 * const recorder = new WavRecorder({ sampleRate: 12000, maxSeconds: 1 });
 * equal(recorder.push(new Float32Array(6000).fill(0.5)), true);
 * equal(recorder.push(new Float32Array(12000)), false); // only 6000 fit
 * equal(recorder.seconds, 1);
 * const file = recorder.finish();
 * equal(new TextDecoder().decode(file.subarray(0, 4)), "RIFF");
 * equal(file.length, 44 + 2 * 12000);
 * equal(new DataView(file.buffer).getInt16(44, true), 16384);
 * ```
 */
export class WavRecorder {
  /** @type {Int16Array[]} */
  #chunks = [];
  #samples = 0;
  #rate;
  #max;

  /**
   * @param {WavRecorderOptions} options Rate and bound.
   * @throws {RangeError} For a sample rate outside 1…768000.
   */
  constructor(options) {
    const rate = Math.round(options.sampleRate);
    if (!(rate >= 1 && rate <= 768000)) {
      throw new RangeError(
        `Expected a sample rate from 1 to 768000, found ${options.sampleRate}`,
      );
    }
    this.#rate = rate;
    this.#max = Math.max(1, Math.floor((options.maxSeconds ?? 1800) * rate));
  }

  /**
   * Seconds recorded.
   *
   * @returns {number} The duration.
   */
  get seconds() {
    return this.#samples / this.#rate;
  }

  /**
   * Whether the bound was reached.
   *
   * @returns {boolean} Full.
   */
  get full() {
    return this.#samples >= this.#max;
  }

  /**
   * Adds samples (±1 full scale, clipped).
   *
   * @param {Float32Array} samples The samples.
   * @returns {boolean} False if not all of them fit (the recording is full).
   */
  push(samples) {
    const room = this.#max - this.#samples;
    const n = Math.min(room, samples.length);
    if (n > 0) {
      const chunk = new Int16Array(n);
      for (let i = 0; i < n; i++) {
        const v = Math.round(samples[i] * 32768);
        chunk[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
      this.#chunks.push(chunk);
      this.#samples += n;
    }
    return n === samples.length;
  }

  /**
   * The WAV file of everything recorded.
   *
   * @returns {Uint8Array} The file's bytes.
   */
  finish() {
    const dataBytes = this.#samples * 2;
    const out = new Uint8Array(44 + dataBytes);
    const view = new DataView(out.buffer);
    const ascii = (/** @type {number} */ at, /** @type {string} */ text) => {
      for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
    };
    ascii(0, "RIFF");
    view.setUint32(4, 36 + dataBytes, true);
    ascii(8, "WAVE");
    ascii(12, "fmt ");
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true); // PCM
    view.setUint16(22, 1, true); // mono
    view.setUint32(24, this.#rate, true);
    view.setUint32(28, this.#rate * 2, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    ascii(36, "data");
    view.setUint32(40, dataBytes, true);
    let at = 44;
    for (const chunk of this.#chunks) {
      out.set(
        new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
        at,
      );
      at += chunk.byteLength;
    }
    return out;
  }
}
