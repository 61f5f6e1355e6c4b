/**
 * The frequency layout of PhantomSDR's big FFT (sdr-phantomsdr.md §1.2,
 * §1.3, §1.5): which frequency each bin stands for, how many bins are usable,
 * the IQ bin rotation, frame rate, hop size and the derived audio FFT size.
 * The values are the ones the server sends in its settings JSON.
 *
 * @module
 */

/** Input signal: interleaved I,Q pairs (`"iq"`) or real samples. */
export type SignalKind = "iq" | "real";

/** Largest FFT size lib/sdr accepts (2^23, PhantomSDR's largest sample config). */
export const MAX_FFT_SIZE: number = 2 ** 23;

/** Options of {@linkcode spectrumLayout}. */
export interface SpectrumLayoutOptions {
  /** Input sample rate in samples per second. */
  sps: number;
  /** `[input] frequency`: the centre (IQ) or lower edge (real) in Hz. */
  frequency: number;
  /** FFT size N: a power of two from 32 to 2^23. */
  fftSize: number;
  /** Real or IQ input. */
  signal: SignalKind;
  /** `[input] audio_sps` (default 12000), for `audioFftSize`. */
  audioSps?: number;
}

/** The derived layout; field names follow the settings JSON where one exists. */
export interface SpectrumLayout {
  /** FFT size N. */
  fftSize: number;
  /** Real or IQ input. */
  signal: SignalKind;
  /** Usable bins: N (IQ) or N/2 (real; the Nyquist bin is dropped). */
  fftResultSize: number;
  /** Hz of waterfall bin 0: `frequency − ⌊sps/2⌋` (IQ) or `frequency` (real). */
  basefreq: number;
  /** Bandwidth covered by the bins: sps (IQ) or ⌊sps/2⌋ (real). */
  totalBandwidth: number;
  /** Bin spacing in Hz: sps / N. */
  binHz: number;
  /**
   * FFT bin of waterfall index 0: N/2 + 1 for IQ (PhantomSDR's off-by-one,
   * kept for compatibility), 0 for real. Waterfall index i is FFT bin
   * `(i + baseIndex) mod fftResultSize`.
   */
  baseIndex: number;
  /** New samples per FFT frame (50 % overlap): N/2. */
  hopSamples: number;
  /** New floats per FFT frame: N/2 (real) or N (IQ). */
  hopFloats: number;
  /** FFT frames per second: 2·sps/N. */
  framesPerSecond: number;
  /** `audio_max_fft`: 4·ceil(audio_sps·N/sps/4) bins. */
  audioFftSize: number;
}

/**
 * Computes the layout of the big FFT for a receiver.
 *
 * @param options Sample rate, frequency, FFT size and signal kind.
 * @returns The layout.
 * @throws {RangeError} If `fftSize` is not a power of two from 32 to 2^23, or
 * `sps`/`audioSps` is not a positive number.
 *
 * @example RTL-SDR at 2.048 MS/s, N = 131072
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { spectrumLayout } from "./spectrum_layout.ts";
 *
 * const layout = spectrumLayout({
 *   sps: 2_048_000, frequency: 7_100_000, fftSize: 131072, signal: "iq",
 * });
 * equal(layout.basefreq, 6_076_000);
 * equal(layout.fftResultSize, 131072);
 * equal(layout.binHz, 15.625);
 * equal(layout.baseIndex, 65537);
 * equal(layout.framesPerSecond, 31.25);
 * equal(layout.audioFftSize, 768);
 * ```
 */
export function spectrumLayout(options: SpectrumLayoutOptions): SpectrumLayout {
  const { sps, frequency, fftSize, signal } = options;
  const audioSps = options.audioSps ?? 12000;
  checkFftSize(fftSize);
  if (!(sps > 0) || !Number.isFinite(sps)) {
    throw new RangeError(`Expected a positive sample rate, found ${sps}`);
  }
  if (!(audioSps > 0) || !Number.isFinite(audioSps)) {
    throw new RangeError(
      `Expected a positive audio sample rate, found ${audioSps}`,
    );
  }
  if (signal !== "iq" && signal !== "real") {
    throw new RangeError(
      `Expected a signal "iq" or "real", found "${String(signal)}"`,
    );
  }
  const iq = signal === "iq";
  return {
    fftSize,
    signal,
    fftResultSize: iq ? fftSize : fftSize / 2,
    basefreq: iq ? frequency - Math.floor(sps / 2) : frequency,
    totalBandwidth: iq ? sps : Math.floor(sps / 2),
    binHz: sps / fftSize,
    baseIndex: iq ? fftSize / 2 + 1 : 0,
    hopSamples: fftSize / 2,
    hopFloats: iq ? fftSize : fftSize / 2,
    framesPerSecond: (2 * sps) / fftSize,
    audioFftSize: Math.ceil((audioSps * fftSize) / sps / 4) * 4,
  };
}

/**
 * Throws unless `fftSize` is a power of two from 32 to {@linkcode MAX_FFT_SIZE}.
 *
 * @param fftSize The FFT size to check.
 * @throws {RangeError} If it is not.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkFftSize } from "./spectrum_layout.ts";
 *
 * checkFftSize(131072);
 * throws(() => checkFftSize(100000), RangeError);
 * ```
 */
export function checkFftSize(fftSize: number): void {
  if (
    !Number.isSafeInteger(fftSize) || fftSize < 32 ||
    fftSize > MAX_FFT_SIZE || (fftSize & (fftSize - 1)) !== 0
  ) {
    throw new RangeError(
      `Expected an FFT size that is a power of two from 32 to ${MAX_FFT_SIZE}, found ${fftSize}`,
    );
  }
}
