/**
 * One listener's complex baseband cut from the big FFT (sdr-phantomsdr.md
 * §1.5), the first stage of the per-listener audio chain.
 *
 * Per big-FFT frame:
 * 1. **Bin slicing**: the listener's window `[l, r)` and carrier `m`
 *    (waterfall-order bins, as the `window` command gives them) select bins of
 *    `X/N`. With `c = floor(m)`, bin `c + d` goes to bin `d` of a small
 *    spectrum of `audio_fft_size = A` points (`d ≥ 0`) or to bin `A + d`
 *    (`d < 0`), for `−A/2 < d < A/2`, as PhantomSDR's AM/FM path does. The
 *    sideband option keeps only `d ≥ 0` (upper), only `d ≤ 0` (lower) or both.
 *    Waterfall index `i` is FFT bin `(i + baseIndex) mod fftResultSize`; a
 *    slice crossing the end of the spectrum is copied in two runs, so
 *    `BigFft`'s `wrapBins` copy is not required.
 * 2. **Small inverse DFT** of `A` points (unscaled, {@linkcode InverseDft}):
 *    decimation by `N/A` comes for free, and because the big FFT is `X/N` of a
 *    Hann-windowed frame, the result is the Hann-windowed baseband at its
 *    original amplitude.
 * 3. **Overlap-add** at 50 %: the first `A/2` samples plus the saved second
 *    half of the previous frame are this frame's output; the second half is
 *    saved. A hop of N/2 input samples turns the phase of bin `k` by `π·k`, so
 *    with `k0 = (c + baseIndex)` odd, every odd frame is negated before the
 *    add (PhantomSDR's odd-frame sign rule: `floor(m)` even for IQ, odd for
 *    real input). Hann halves 50 % apart sum to one, so consecutive frames
 *    join without a click.
 * 4. **Fine tuning** (an addition to PhantomSDR, which ignores the fraction of
 *    `m`): the baseband is turned by `−frac(m)` bins with a phase-continuous
 *    rotator, so the carrier lands on 0 Hz exactly rather than up to one bin
 *    (15.6 Hz at 2.048 MS/s, N = 131072) off.
 *
 * The output rate is PhantomSDR's `A·sps/N` (`A·binHz`), `A/2` complex
 * samples per frame. Latency: the newest half-frame is only complete one frame
 * later, so audio lags the input by one hop (N/2 samples, 32 ms at 2.048 MS/s,
 * N = 131072), as in PhantomSDR.
 *
 * LSB note: taking the lower bins into a complex spectrum and the real part
 * of the result gives the mirrored sideband with continuous phase. PhantomSDR
 * instead mirrors the bins into a complex-to-real transform without
 * conjugating them, whose frames join with the wrong phase for tones between
 * bin centres: one plausible source of its LSB "stutter" (PhantomSDR#5).
 *
 * @module
 */

import type { FftBackendName } from "../fft/fft_backend.ts";
import { InverseDft } from "./inverse_dft.ts";

/** Which bins around the carrier a slice keeps. */
export type Sideband = "both" | "upper" | "lower";

/** The layout fields an {@linkcode AudioSlice} needs (a `SpectrumLayout` fits). */
export interface AudioSliceLayout {
  /** Usable bins: N (IQ) or N/2 (real). */
  fftResultSize: number;
  /** FFT bin of waterfall index 0: N/2 + 1 (IQ) or 0 (real). */
  baseIndex: number;
  /** `audio_max_fft` A: an even number of points, at least 4. */
  audioFftSize: number;
  /** Big-FFT bin spacing in Hz (sps/N). */
  binHz: number;
}

/** Options of {@linkcode AudioSlice.create}. */
export interface AudioSliceOptions extends AudioSliceLayout {
  /**
   * A transform of `audioFftSize` points to share (listeners of one worker
   * run one after another, so they can share one). It stays the caller's:
   * `dispose()` leaves it alone. Default: a new one the slice owns.
   */
  inverseDft?: InverseDft;
  /** Backend for a new transform. */
  backend?: FftBackendName;
}

/** Options of {@linkcode AudioSlice.setWindow}. */
export interface SliceWindowOptions {
  /** Bins kept around the carrier (default `"both"`). */
  sideband?: Sideband;
  /**
   * Hz added to the carrier `m` before slicing (default 0): a CW BFO puts the
   * carrier `bfo` Hz below the dial for CW-U, so the dial comes out at `bfo` Hz.
   */
  carrierOffsetHz?: number;
  /** Turn by the fraction of the carrier bin (default true). */
  fineTune?: boolean;
}

/**
 * Bin slicing, small inverse DFT and overlap-add for one listener.
 *
 * @example A complex tone 10 bins above the carrier comes out at 10 bins/A
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { AudioSlice } from "./audio_slice.ts";
 *
 * const slice = await AudioSlice.create({
 *   fftResultSize: 64, baseIndex: 0, audioFftSize: 32, binHz: 1,
 * });
 * slice.setWindow(10, 20, 40);
 * const spectrum = new Float32Array(128);
 * spectrum[2 * 30] = 0.5; // X/N of a Hann-windowed tone of amplitude 1 ...
 * spectrum[2 * 29] = spectrum[2 * 31] = -0.25; // ... with its two neighbours
 * slice.process(spectrum, 0);
 * const out = slice.process(spectrum, 1); // both halves filled now
 * ok(Math.abs(Math.hypot(out[0], out[1]) - 1) < 1e-5);
 * slice.dispose();
 * ```
 */
export class AudioSlice {
  /** Usable bins of the big FFT. */
  readonly fftResultSize: number;
  /** FFT bin of waterfall index 0. */
  readonly baseIndex: number;
  /** Points of the small inverse DFT (A). */
  readonly audioFftSize: number;
  /** Complex samples per frame: A/2. */
  readonly blockSize: number;
  /** Output rate in samples per second: A·binHz. */
  readonly sampleRate: number;
  /** Big-FFT bin spacing in Hz. */
  readonly binHz: number;
  /**
   * This frame's baseband, interleaved `re, im`, `A` floats (A/2 samples);
   * the same array every frame.
   */
  readonly baseband: Float32Array;
  #dft: InverseDft;
  #owned = false;
  #spec: Float32Array;
  #time: Float32Array;
  #prev: Float32Array;
  // Up to four copy runs (two bin ranges, each split at most once by the
  // wrap at the end of the spectrum).
  #runSrc = new Int32Array(4);
  #runDst = new Int32Array(4);
  #runCount = new Int32Array(4);
  #runs = 0;
  #carrierOdd = false;
  #stepRe = 1;
  #stepIm = 0;
  #rotRe = 1;
  #rotIm = 0;
  #frames = 0;
  #hasWindow = false;
  #l = 0;
  #m = 0;
  #r = 0;
  #carrier = 0;

  /**
   * Creates a slice with its own (or a shared) inverse DFT.
   *
   * @param options Layout, shared transform or backend.
   * @returns The slice, with no window yet (it outputs silence).
   * @throws {RangeError} For a bad layout.
   */
  static async create(options: AudioSliceOptions): Promise<AudioSlice> {
    checkSliceLayout(options);
    if (options.inverseDft) return new AudioSlice(options.inverseDft, options);
    const dft = await InverseDft.create(
      options.audioFftSize,
      options.backend ? { backend: options.backend } : {},
    );
    const slice = new AudioSlice(dft, options);
    slice.#owned = true;
    return slice;
  }

  /**
   * Wraps a transform the caller keeps owning.
   *
   * @param inverseDft A transform of `audioFftSize` points.
   * @param layout The big FFT's layout.
   * @throws {RangeError} For a bad layout or a transform of another size.
   */
  constructor(inverseDft: InverseDft, layout: AudioSliceLayout) {
    checkSliceLayout(layout);
    if (inverseDft.size !== layout.audioFftSize) {
      throw new RangeError(
        `Expected an inverse DFT of ${layout.audioFftSize} points, found ${inverseDft.size}`,
      );
    }
    const a = layout.audioFftSize;
    this.fftResultSize = layout.fftResultSize;
    this.baseIndex = layout.baseIndex;
    this.audioFftSize = a;
    this.blockSize = a / 2;
    this.binHz = layout.binHz;
    this.sampleRate = a * layout.binHz;
    this.baseband = new Float32Array(a);
    this.#dft = inverseDft;
    this.#spec = new Float32Array(2 * a);
    this.#time = new Float32Array(2 * a);
    this.#prev = new Float32Array(a);
  }

  /** Whether a window has been set. */
  get hasWindow(): boolean {
    return this.#hasWindow;
  }

  /** The effective carrier bin `m + offset` (waterfall order). */
  get carrier(): number {
    return this.#carrier;
  }

  /** The window as last set: `[l, m, r]`. */
  get window(): readonly [number, number, number] {
    return [this.#l, this.#m, this.#r];
  }

  /**
   * Sets the passband `[l, r)` and carrier `m`, in waterfall-order bins as
   * the `window` command gives them, and which bins to keep.
   *
   * @param l First bin of the passband.
   * @param m Carrier bin (fractional).
   * @param r End bin (exclusive).
   * @param options Sideband, carrier offset, fine tuning.
   * @throws {RangeError} Unless `0 <= l <= r <= fftResultSize` (integers),
   * `r − l <= audioFftSize` and `m` and the offset are finite.
   *
   * @example Upper sideband of a window
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AudioSlice } from "./audio_slice.ts";
   *
   * const slice = await AudioSlice.create({
   *   fftResultSize: 64, baseIndex: 0, audioFftSize: 32, binHz: 10,
   * });
   * slice.setWindow(20, 20, 40, { sideband: "upper", carrierOffsetHz: -15 });
   * equal(slice.carrier, 18.5);
   * slice.dispose();
   * ```
   */
  setWindow(
    l: number,
    m: number,
    r: number,
    options: SliceWindowOptions = {},
  ): void {
    const size = this.fftResultSize;
    const a = this.audioFftSize;
    if (
      !Number.isSafeInteger(l) || !Number.isSafeInteger(r) || l < 0 ||
      r < l || r > size || r - l > a
    ) {
      throw new RangeError(
        `Expected a window with 0 <= l <= r <= ${size} and r - l <= ${a}, found [${l}, ${r})`,
      );
    }
    const offsetHz = options.carrierOffsetHz ?? 0;
    if (!Number.isFinite(m) || !Number.isFinite(offsetHz)) {
      throw new RangeError(
        `Expected a finite carrier and offset, found m = ${m} and ${offsetHz} Hz`,
      );
    }
    const sideband = options.sideband ?? "both";
    if (sideband !== "both" && sideband !== "upper" && sideband !== "lower") {
      throw new RangeError(
        `Expected a sideband "both", "upper" or "lower", found "${
          String(sideband)
        }"`,
      );
    }
    const carrier = m + offsetHz / this.binHz;
    const c = Math.floor(carrier);
    const half = a / 2;
    this.#runs = 0;
    if (sideband === "lower") {
      this.#addRange(Math.max(l, c), Math.min(r, c + 1), c, 0);
    } else {
      this.#addRange(Math.max(l, c), Math.min(r, c + half), c, 0);
    }
    if (sideband !== "upper") {
      this.#addRange(Math.max(l, c - half + 1), Math.min(r, c), c, a);
    }
    this.#carrierOdd = (((c + this.baseIndex) % 2) + 2) % 2 === 1;
    const fraction = options.fineTune === false ? 0 : carrier - c;
    const angle = (-2 * Math.PI * fraction) / a;
    this.#stepRe = Math.cos(angle);
    this.#stepIm = Math.sin(angle);
    this.#l = l;
    this.#m = m;
    this.#r = r;
    this.#carrier = carrier;
    this.#hasWindow = true;
  }

  /** Copies waterfall bins [from, to) to small-spectrum bins from−c+base. */
  #addRange(from: number, to: number, c: number, base: number): void {
    if (to <= from) return;
    const size = this.fftResultSize;
    let src = (((from + this.baseIndex) % size) + size) % size;
    let dst = base + from - c;
    let count = to - from;
    while (count > 0) {
      const run = Math.min(count, size - src);
      const i = this.#runs++;
      this.#runSrc[i] = src;
      this.#runDst[i] = dst;
      this.#runCount[i] = run;
      count -= run;
      dst += run;
      src = 0;
    }
  }

  /**
   * Produces this frame's baseband from one big-FFT spectrum.
   *
   * @param spectrum `X/N` in natural FFT order, at least `2·fftResultSize`
   * floats (`BigFft.spectrum`).
   * @param frameNumber The big FFT's frame number, whose parity drives the
   * sign rule (default: one more than the last call's).
   * @returns {@linkcode AudioSlice.baseband} (silence without a window).
   * @throws {RangeError} If `spectrum` is too short.
   */
  process(
    spectrum: Float32Array,
    frameNumber: number = this.#frames,
  ): Float32Array {
    if (spectrum.length < 2 * this.fftResultSize) {
      throw new RangeError(
        `Expected a spectrum of at least ${
          2 * this.fftResultSize
        } floats, found ${spectrum.length}`,
      );
    }
    this.#frames = frameNumber + 1;
    const out = this.baseband;
    if (!this.#hasWindow) {
      out.fill(0);
      return out;
    }
    const spec = this.#spec;
    spec.fill(0);
    for (let run = 0; run < this.#runs; run++) {
      let s = 2 * this.#runSrc[run];
      let d = 2 * this.#runDst[run];
      const end = s + 2 * this.#runCount[run];
      for (; s < end; s += 2, d += 2) {
        spec[d] = spectrum[s];
        spec[d + 1] = spectrum[s + 1];
      }
    }
    const time = this.#time;
    this.#dft.inverse(spec, time);
    const sign = this.#carrierOdd && frameNumber % 2 === 1 ? -1 : 1;
    const prev = this.#prev;
    const floats = this.audioFftSize;
    for (let i = 0; i < floats; i++) {
      out[i] = sign * time[i] + prev[i];
      prev[i] = sign * time[floats + i];
    }
    const stepRe = this.#stepRe;
    const stepIm = this.#stepIm;
    if (stepIm !== 0) {
      let rotRe = this.#rotRe;
      let rotIm = this.#rotIm;
      for (let i = 0; i < floats; i += 2) {
        const re = out[i];
        const im = out[i + 1];
        out[i] = re * rotRe - im * rotIm;
        out[i + 1] = re * rotIm + im * rotRe;
        const t = rotRe * stepRe - rotIm * stepIm;
        rotIm = rotRe * stepIm + rotIm * stepRe;
        rotRe = t;
      }
      const norm = 1 / Math.sqrt(rotRe * rotRe + rotIm * rotIm);
      this.#rotRe = rotRe * norm;
      this.#rotIm = rotIm * norm;
    }
    return out;
  }

  /** Forgets the saved half-frame and the rotator phase (e.g. after a gap). */
  reset(): void {
    this.#prev.fill(0);
    this.#rotRe = 1;
    this.#rotIm = 0;
  }

  /** Frees the inverse DFT if the slice created it. */
  dispose(): void {
    if (this.#owned) this.#dft.dispose();
  }
}

function checkSliceLayout(layout: AudioSliceLayout): void {
  const { fftResultSize, baseIndex, audioFftSize, binHz } = layout;
  if (!Number.isSafeInteger(fftResultSize) || fftResultSize < 2) {
    throw new RangeError(
      `Expected an FFT result size of at least 2, found ${fftResultSize}`,
    );
  }
  if (
    !Number.isSafeInteger(baseIndex) || baseIndex < 0 ||
    baseIndex >= fftResultSize
  ) {
    throw new RangeError(
      `Expected a base index from 0 to ${
        fftResultSize - 1
      }, found ${baseIndex}`,
    );
  }
  if (
    !Number.isSafeInteger(audioFftSize) || audioFftSize < 4 ||
    audioFftSize % 2 !== 0
  ) {
    throw new RangeError(
      `Expected an even audio FFT size of at least 4, found ${audioFftSize}`,
    );
  }
  if (!(binHz > 0) || !Number.isFinite(binHz)) {
    throw new RangeError(`Expected a positive bin spacing, found ${binHz}`);
  }
}
