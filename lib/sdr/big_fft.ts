/**
 * PhantomSDR's "one big FFT" (sdr-phantomsdr.md §1.3): each frame takes the
 * previous half-frame plus `fft_size/2` new samples (50 % overlap, hard-coded
 * as in PhantomSDR), multiplies them by a periodic Hann window
 * `0.5·(1 − cos(2πi/N))` over the whole frame, runs a forward c2c (IQ) or
 * r2c (real) FFT and divides every bin by N. The result, `X/N` in natural FFT
 * bin order, is what the waterfall, the S-meter and the per-client audio
 * read.
 *
 * For IQ input the first `wrapBins` bins (PhantomSDR's `audio_max_fft`) are
 * also copied past the end, so a client slice that starts at
 * `(l + baseIndex) mod N` and crosses the wrap is contiguous, as in
 * PhantomSDR's `fft_task`. Real input keeps bins 0 … N/2 − 1 (the Nyquist bin
 * is dropped).
 *
 * Every buffer is allocated once; `process()` allocates nothing.
 *
 * @module
 */

import { createFft, type Fft, type FftBackendName } from "./fft/fft_backend.ts";
import { checkFftSize, type SignalKind } from "./spectrum_layout.ts";

/** Options of {@linkcode BigFft}. */
export interface BigFftOptions {
  /** FFT size N, a power of two from 32 to 2^23. */
  fftSize: number;
  /** Real or IQ input. */
  signal: SignalKind;
  /**
   * Bins copied past the end of `spectrum` for IQ input (PhantomSDR's
   * `audio_max_fft`); default 0. At most `fftSize`.
   */
  wrapBins?: number;
  /** Force an FFT backend (only used by `BigFft.create()`). */
  backend?: FftBackendName;
}

/**
 * The periodic Hann window PhantomSDR builds: `w[i] = 0.5·(1 − cos(2πi/N))`.
 *
 * @param size N.
 * @returns The N window values.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { hannWindow } from "./big_fft.ts";
 *
 * const w = hannWindow(8);
 * equal(w[0], 0);
 * equal(w[4], 1);
 * equal(w[2] + w[6], 1); // halves 50 % apart sum to 1
 * ```
 */
export function hannWindow(size: number): Float32Array {
  const window = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    window[i] = 0.5 * (1 - Math.cos((2 * Math.PI * i) / size));
  }
  return window;
}

/**
 * The framing, window, FFT and normalisation of the big FFT.
 *
 * @example A complex tone on bin 100 of a 1024-point FFT
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { BigFft } from "./big_fft.ts";
 *
 * const big = await BigFft.create({ fftSize: 1024, signal: "iq" });
 * const half = new Float32Array(big.hopFloats);
 * for (let frame = 0; frame < 2; frame++) {
 *   for (let j = 0; j < 512; j++) {
 *     const n = frame * 512 + j;
 *     half[2 * j] = Math.cos((2 * Math.PI * 100 * n) / 1024);
 *     half[2 * j + 1] = Math.sin((2 * Math.PI * 100 * n) / 1024);
 *   }
 *   big.process(half);
 * }
 * // Hann's coherent gain is 1/2: |X[100]/N| = 0.5, so the power is 0.25.
 * const re = big.spectrum[200], im = big.spectrum[201];
 * ok(Math.abs(re * re + im * im - 0.25) < 1e-4);
 * big.dispose();
 * ```
 */
export class BigFft {
  /** FFT size N. */
  readonly fftSize: number;
  /** Real or IQ input. */
  readonly signal: SignalKind;
  /** Usable bins: N (IQ) or N/2 (real). */
  readonly fftResultSize: number;
  /** FFT bin of waterfall index 0: N/2 + 1 (IQ) or 0 (real). */
  readonly baseIndex: number;
  /** New samples per frame: N/2. */
  readonly hopSamples: number;
  /** New floats per frame: N/2 (real) or N (IQ). */
  readonly hopFloats: number;
  /** Bins copied past the end of `spectrum` (IQ only; 0 for real). */
  readonly wrapBins: number;
  /** The Hann window (N values). */
  readonly window: Float32Array;
  /**
   * `X/N` of the last frame, interleaved `re, im`, natural FFT bin order:
   * `2·(fftResultSize + wrapBins)` floats.
   */
  readonly spectrum: Float32Array;
  #fft: Fft;
  #previous: Float32Array;
  #frames = 0;

  /**
   * Creates the FFT plan (PFFFT when it loads, else fft.js) and the buffers.
   *
   * @param options Size, signal kind, wrap bins and backend.
   * @returns The big FFT.
   * @throws {RangeError} For an unsupported size or wrap.
   */
  static async create(options: BigFftOptions): Promise<BigFft> {
    checkFftSize(options.fftSize);
    const fft = await createFft(options.fftSize, {
      kind: options.signal === "iq" ? "complex" : "real",
      ...(options.backend ? { backend: options.backend } : {}),
    });
    try {
      return new BigFft(fft, options);
    } catch (error) {
      fft.dispose();
      throw error;
    }
  }

  /**
   * Wraps an existing plan; it must be complex for IQ and real for real
   * input, of `fftSize` points. The big FFT owns it from then on.
   *
   * @param fft The FFT plan.
   * @param options Size, signal kind and wrap bins.
   * @throws {RangeError} If the plan or the options do not fit.
   */
  constructor(fft: Fft, options: BigFftOptions) {
    const { fftSize, signal } = options;
    checkFftSize(fftSize);
    if (signal !== "iq" && signal !== "real") {
      throw new RangeError(
        `Expected a signal "iq" or "real", found "${String(signal)}"`,
      );
    }
    const kind = signal === "iq" ? "complex" : "real";
    if (fft.size !== fftSize || fft.kind !== kind) {
      throw new RangeError(
        `Expected a ${kind} FFT plan of ${fftSize} points, found a ${fft.kind} plan of ${fft.size}`,
      );
    }
    const iq = signal === "iq";
    const wrapBins = iq ? options.wrapBins ?? 0 : 0;
    if (!Number.isSafeInteger(wrapBins) || wrapBins < 0 || wrapBins > fftSize) {
      throw new RangeError(
        `Expected wrap bins from 0 to ${fftSize}, found ${options.wrapBins}`,
      );
    }
    this.fftSize = fftSize;
    this.signal = signal;
    this.fftResultSize = iq ? fftSize : fftSize / 2;
    this.baseIndex = iq ? fftSize / 2 + 1 : 0;
    this.hopSamples = fftSize / 2;
    this.hopFloats = iq ? fftSize : fftSize / 2;
    this.wrapBins = wrapBins;
    this.window = hannWindow(fftSize);
    this.spectrum = new Float32Array(2 * (this.fftResultSize + wrapBins));
    this.#fft = fft;
    this.#previous = new Float32Array(this.hopFloats);
  }

  /** The FFT backend in use. */
  get backend(): FftBackendName {
    return this.#fft.backend;
  }

  /** Frames processed so far (PhantomSDR's `frame_num` after the frame). */
  get frameCount(): number {
    return this.#frames;
  }

  /**
   * Runs one frame: the previous half-frame plus `hopFloats` new floats of
   * `samples` from `offset` (real values, or interleaved I,Q), then updates
   * `spectrum`.
   *
   * @param samples The new half-frame (Float32, already converted).
   * @param offset First float to read (default 0).
   * @throws {RangeError} If fewer than `hopFloats` floats follow `offset`.
   */
  process(samples: Float32Array, offset = 0): void {
    const hop = this.hopFloats;
    if (
      !Number.isSafeInteger(offset) || offset < 0 ||
      offset + hop > samples.length
    ) {
      throw new RangeError(
        `Expected ${hop} samples from offset ${offset}, found an array of ${samples.length}`,
      );
    }
    const fft = this.#fft;
    const input = fft.input;
    const previous = this.#previous;
    const window = this.window;
    if (this.signal === "real") {
      for (let i = 0; i < hop; i++) input[i] = previous[i] * window[i];
      for (let i = 0; i < hop; i++) {
        const v = samples[offset + i];
        input[hop + i] = v * window[hop + i];
        previous[i] = v;
      }
    } else {
      const half = this.hopSamples;
      for (let j = 0; j < half; j++) {
        const w = window[j];
        input[2 * j] = previous[2 * j] * w;
        input[2 * j + 1] = previous[2 * j + 1] * w;
      }
      for (let j = 0; j < half; j++) {
        const w = window[half + j];
        const re = samples[offset + 2 * j];
        const im = samples[offset + 2 * j + 1];
        input[hop + 2 * j] = re * w;
        input[hop + 2 * j + 1] = im * w;
        previous[2 * j] = re;
        previous[2 * j + 1] = im;
      }
    }
    fft.forward();
    const output = fft.output;
    const spectrum = this.spectrum;
    const floats = 2 * this.fftResultSize;
    // N is a power of two, so multiplying by 1/N is exactly dividing by N.
    const scale = 1 / this.fftSize;
    for (let i = 0; i < floats; i++) spectrum[i] = output[i] * scale;
    if (this.wrapBins > 0) spectrum.copyWithin(floats, 0, 2 * this.wrapBins);
    this.#frames++;
  }

  /** Forgets the previous half-frame (e.g. after an input gap). */
  reset(): void {
    this.#previous.fill(0);
  }

  /** Frees the FFT plan. */
  dispose(): void {
    this.#fft.dispose();
  }
}
