/**
 * One listener's audio chain (sdr-phantomsdr.md §1.5–§1.8), from a big-FFT
 * spectrum to the frame's 16-bit PCM:
 *
 * `AudioSlice` (bins → small inverse DFT → overlap-add → complex baseband) →
 * `NoiseBlanker` (optional) → demodulator → `DcBlocker` → `Squelch` decision
 * → `Agc` → squelch fade → `PcmConverter`, plus `pwr` for the S-meter.
 *
 * The `window` and `demodulation` commands map onto `setWindow()` and
 * `setMode()`, which, like PhantomSDR, ignore what they cannot use (they
 * return false). `FM` on a window at least `wbfmMinWidthHz` wide runs the
 * WBFM demodulator (the PhantomSDR frontends send WBFM as `FM` with a
 * ±95 kHz window). A mode change resets the demodulator, DC blocker and AGC
 * (as sv1btl does); a window change keeps them.
 *
 * Call `process()` for every big-FFT frame, also for a client whose packets
 * are being dropped: the overlap-add needs consecutive frames (a skipped
 * frame costs one click, as in PhantomSDR). Drop at send time instead.
 *
 * Every buffer is allocated when the listener is created; `process()`
 * allocates nothing and returns the same `Int16Array` every frame (read or
 * copy it before the next call), and the hot paths avoid what makes V8 box
 * numbers (`Math.hypot`, functions returning doubles, mixed assignments to
 * loop variables): the tests measure under 4 bytes of heap growth per frame
 * in every mode.
 *
 * A frame whose demodulated audio is not finite (NaN in the spectrum, say)
 * is replaced by silence, counted, and the stateful stages are reset so the
 * next frame starts clean (PhantomSDR's original throws and drops the frame,
 * and a NaN could stay in its filters).
 *
 * @module
 */

import type { FftBackendName } from "../fft/fft_backend.ts";
import { AudioSlice, type AudioSliceLayout } from "./audio_slice.ts";
import {
  AmDemodulator,
  CwDemodulator,
  type Demodulator,
  type DemodulatorMode,
  FmDemodulator,
  SamDemodulator,
  SsbDemodulator,
  WbfmDemodulator,
} from "./demodulators.ts";
import type { InverseDft } from "./inverse_dft.ts";
import {
  Agc,
  type AgcSettings,
  DcBlocker,
  NoiseBlanker,
  type NoiseBlankerSettings,
  PcmConverter,
  Squelch,
  type SquelchSettings,
} from "./post.ts";

/** The modes a listener can be set to. */
export type AudioMode = DemodulatorMode;

const MODE_NAMES: Readonly<Record<string, AudioMode>> = Object.freeze({
  USB: "USB",
  LSB: "LSB",
  AM: "AM",
  "AM-ENV": "AM",
  SAM: "SAM",
  FM: "FM",
  NFM: "FM",
  WBFM: "WBFM",
  WFM: "WBFM",
  CW: "CW-U",
  "CW-U": "CW-U",
  CWU: "CW-U",
  "CW-L": "CW-L",
  CWL: "CW-L",
});

/**
 * Maps a `demodulation` command string (any case) to a mode: the wire names
 * `USB`, `LSB`, `AM`, `SAM`, `FM`, `WBFM`, sv1btl's `AM-ENV` (= AM), and
 * `CW`/`CW-U`/`CW-L`, `NFM`, `WFM`.
 *
 * @param name The string from the client.
 * @returns The mode, or undefined for an unknown one.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseAudioMode } from "./listener_audio.ts";
 *
 * equal(parseAudioMode("usb"), "USB");
 * equal(parseAudioMode("AM-ENV"), "AM");
 * equal(parseAudioMode("AM-S"), undefined);
 * ```
 */
export function parseAudioMode(name: string): AudioMode | undefined {
  if (typeof name !== "string" || name.length > 8) return undefined;
  const key = name.toUpperCase();
  return Object.hasOwn(MODE_NAMES, key) ? MODE_NAMES[key] : undefined;
}

/** Options of {@linkcode ListenerAudio.create}. */
export interface ListenerAudioOptions extends AudioSliceLayout {
  /** Initial mode (default `"USB"`). */
  mode?: AudioMode;
  /** CW pitch in Hz (default 700). */
  bfoHz?: number;
  /** Narrow-FM deviation mapped to full scale (default 5000 Hz). */
  fmDeviationHz?: number;
  /** Narrow-FM de-emphasis in µs (default 750; 0 for none). */
  fmDeemphasisUs?: number;
  /**
   * WBFM de-emphasis in µs (default 0: the PhantomSDR frontends apply 50 µs
   * in the browser; set 50 or 75 for clients that do not).
   */
  wbfmDeemphasisUs?: number;
  /** `FM` windows at least this wide (Hz) run WBFM (default 50000). */
  wbfmMinWidthHz?: number;
  /** SAM PLL bandwidth in Hz (default 30). */
  samLoopBandwidthHz?: number;
  /** DC blocker corner in Hz (default 50). */
  dcCutoffHz?: number;
  /** Turn the baseband by the fraction of the carrier bin (default true). */
  fineTune?: boolean;
  /** AGC settings (defaults of `Agc`). */
  agc?: Partial<AgcSettings>;
  /** Squelch settings (default off). */
  squelch?: Partial<SquelchSettings>;
  /** Noise blanker settings (default off). */
  noiseBlanker?: Partial<NoiseBlankerSettings>;
  /** Float-to-int16 multiplier (default 32767). */
  pcmScale?: number;
  /** A shared inverse DFT of `audioFftSize` points (stays the caller's). */
  inverseDft?: InverseDft;
  /** Backend for a new inverse DFT. */
  backend?: FftBackendName;
}

/**
 * The audio chain of one listener.
 *
 * @example USB: a tone 1 kHz above the dial at 2.048 MS/s, N = 131072
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { BigFft, spectrumLayout } from "../mod.ts";
 * import { ListenerAudio } from "./listener_audio.ts";
 *
 * const layout = spectrumLayout({ sps: 2_048_000, frequency: 7_100_000, fftSize: 131072, signal: "iq" });
 * const big = await BigFft.create({ fftSize: 131072, signal: "iq", wrapBins: layout.audioFftSize });
 * const listener = await ListenerAudio.create({ ...layout, mode: "USB" });
 * equal(listener.sampleRate, 12000);
 * const dial = 70_000; // waterfall bin; 0 Hz of the IQ stream is bin 65535
 * ok(listener.setWindow(dial, dial, dial + 192));
 * const half = new Float32Array(big.hopFloats);
 * const f = (dial - 65535) * layout.binHz + 1000; // Hz from the centre
 * let pcm = listener.pcm;
 * for (let frame = 0; frame < 3; frame++) {
 *   for (let j = 0; j < big.hopSamples; j++) {
 *     const t = (frame * big.hopSamples + j) / 2_048_000;
 *     half[2 * j] = 0.01 * Math.cos(2 * Math.PI * f * t);
 *     half[2 * j + 1] = 0.01 * Math.sin(2 * Math.PI * f * t);
 *   }
 *   big.process(half);
 *   pcm = listener.process(big.spectrum);
 * }
 * equal(pcm, listener.pcm); // the same buffer every frame
 * equal(pcm.length, 384);
 * ok(listener.pwr > 0);
 * listener.dispose();
 * big.dispose();
 * ```
 */
export class ListenerAudio {
  /** Output rate in samples per second: `audioFftSize·binHz`. */
  readonly sampleRate: number;
  /** Samples per frame: `audioFftSize/2`. */
  readonly samplesPerFrame: number;
  /** This frame's PCM; the same array every frame. */
  readonly pcm: Int16Array;
  /** This frame's audio as float (after AGC and squelch); the same array every frame. */
  readonly audio: Float32Array;
  #layout: AudioSliceLayout;
  #slice: AudioSlice;
  #usb: SsbDemodulator;
  #lsb: SsbDemodulator;
  #cwu: CwDemodulator;
  #cwl: CwDemodulator;
  #am: AmDemodulator;
  #sam: SamDemodulator;
  #fm: FmDemodulator;
  #wbfm: WbfmDemodulator;
  #wbfmMinWidthBins: number;
  #fineTune: boolean;
  #demod: Demodulator;
  #mode: AudioMode;
  #dc: DcBlocker;
  #agc: Agc;
  #squelch: Squelch;
  #nb: NoiseBlanker;
  #pcmConverter: PcmConverter;
  #hasWindow = false;
  /** Frames still to stay silent while the overlap-add fills up. */
  #fillUp = 0;
  #l = 0;
  #m = 0;
  #r = 0;
  #pwr = 0;
  #frames = 0;
  #nonFiniteFrames = 0;

  /**
   * Creates a listener's chain and its buffers.
   *
   * @param options Layout and settings.
   * @returns The listener, with no window yet (it outputs silence).
   * @throws {RangeError} For a bad layout or setting.
   */
  static async create(options: ListenerAudioOptions): Promise<ListenerAudio> {
    const slice = await AudioSlice.create(options);
    try {
      return new ListenerAudio(slice, options);
    } catch (error) {
      slice.dispose();
      throw error;
    }
  }

  /**
   * Builds the chain around a slice, which the listener owns from then on.
   *
   * @param slice The listener's slice.
   * @param options Settings (the layout fields are taken from `slice`).
   * @throws {RangeError} For a bad setting.
   */
  constructor(
    slice: AudioSlice,
    options: Omit<ListenerAudioOptions, keyof AudioSliceLayout> = {},
  ) {
    const sampleRate = slice.sampleRate;
    this.#slice = slice;
    this.#layout = {
      fftResultSize: slice.fftResultSize,
      baseIndex: slice.baseIndex,
      audioFftSize: slice.audioFftSize,
      binHz: slice.binHz,
    };
    this.sampleRate = sampleRate;
    this.samplesPerFrame = slice.blockSize;
    this.pcm = new Int16Array(slice.blockSize);
    this.audio = new Float32Array(slice.blockSize);
    this.#usb = new SsbDemodulator({ sideband: "upper" });
    this.#lsb = new SsbDemodulator({ sideband: "lower" });
    const bfoHz = options.bfoHz ?? 700;
    this.#cwu = new CwDemodulator({ sideband: "upper", bfoHz });
    this.#cwl = new CwDemodulator({ sideband: "lower", bfoHz });
    this.#am = new AmDemodulator();
    this.#sam = new SamDemodulator({
      sampleRate,
      loopBandwidthHz: options.samLoopBandwidthHz ?? 30,
    });
    this.#fm = new FmDemodulator({
      sampleRate,
      deviationHz: options.fmDeviationHz ?? 5000,
      deemphasisUs: options.fmDeemphasisUs ?? 750,
    });
    this.#wbfm = new WbfmDemodulator({
      sampleRate,
      deemphasisUs: options.wbfmDeemphasisUs ?? 0,
    });
    const wbfmWidth = options.wbfmMinWidthHz ?? 50_000;
    if (!(wbfmWidth >= 0)) {
      throw new RangeError(
        `Expected a WBFM minimum width of at least 0 Hz, found ${wbfmWidth}`,
      );
    }
    this.#wbfmMinWidthBins = wbfmWidth / slice.binHz;
    this.#fineTune = options.fineTune ?? true;
    this.#dc = new DcBlocker({
      sampleRate,
      cutoffHz: options.dcCutoffHz ?? 50,
    });
    this.#agc = new Agc({ sampleRate, ...options.agc });
    this.#squelch = new Squelch({ sampleRate, ...options.squelch });
    this.#nb = new NoiseBlanker({ sampleRate, ...options.noiseBlanker });
    this.#pcmConverter = new PcmConverter(
      options.pcmScale === undefined ? {} : { scale: options.pcmScale },
    );
    const mode = options.mode ?? "USB";
    if (parseAudioMode(mode) !== mode) {
      throw new RangeError(`Expected an audio mode, found "${String(mode)}"`);
    }
    this.#mode = mode;
    this.#demod = this.#usb;
    this.#demod = this.#select();
  }

  /** The mode set (`"FM"` stays `"FM"` even while WBFM runs). */
  get mode(): AudioMode {
    return this.#mode;
  }

  /** The demodulator running: `mode`, or `"WBFM"` for a wide `FM` window. */
  get activeMode(): AudioMode {
    return this.#demod.mode;
  }

  /** The window as last set: `[l, m, r]`, or undefined before the first. */
  get window(): readonly [number, number, number] | undefined {
    return this.#hasWindow ? [this.#l, this.#m, this.#r] : undefined;
  }

  /**
   * This frame's S-meter value: Σ|X/N|² over `[l, r)`, as `passbandPower()`
   * computes it (0 without a window or when not finite).
   */
  get pwr(): number {
    return this.#pwr;
  }

  /** Whether the SAM PLL is locked (false in other modes). */
  get samLocked(): boolean {
    return this.#demod === this.#sam && this.#sam.locked;
  }

  /** Whether the squelch is open (true when it is off). */
  get squelchOpen(): boolean {
    return this.#squelch.open;
  }

  /** The AGC's current gain in dB. */
  get agcGainDb(): number {
    return this.#agc.gainDb;
  }

  /** Frames processed. */
  get frames(): number {
    return this.#frames;
  }

  /** PCM samples clipped so far. */
  get clipped(): number {
    return this.#pcmConverter.clipped;
  }

  /** Frames replaced by silence because the audio was not finite. */
  get nonFiniteFrames(): number {
    return this.#nonFiniteFrames;
  }

  /** Baseband samples blanked by the noise blanker so far. */
  get blanked(): number {
    return this.#nb.blanked;
  }

  /**
   * Sets the passband `[l, r)` and carrier `m` (waterfall-order bins, as the
   * `window` command gives them). Ignored, like PhantomSDR, unless
   * `0 <= l <= r <= fftResultSize` (integers), `r − l <= audioFftSize` and `m`
   * is finite.
   *
   * @param l First bin.
   * @param m Carrier bin (fractional).
   * @param r End bin (exclusive).
   * @returns Whether the window was taken.
   */
  setWindow(l: number, m: number, r: number): boolean {
    const { fftResultSize, audioFftSize } = this.#layout;
    if (
      !Number.isSafeInteger(l) || !Number.isSafeInteger(r) || l < 0 ||
      r < l || r > fftResultSize || r - l > audioFftSize ||
      typeof m !== "number" || !Number.isFinite(m) || Math.abs(m) > 2 ** 40
    ) {
      return false;
    }
    this.#l = l;
    this.#m = m;
    this.#r = r;
    if (!this.#hasWindow) this.#fillUp = 1;
    this.#hasWindow = true;
    this.#apply();
    return true;
  }

  /**
   * Sets the mode from a `demodulation` command string (see
   * {@linkcode parseAudioMode}). Unknown strings are ignored.
   *
   * @param mode The mode name.
   * @returns Whether it was taken.
   */
  setMode(mode: string): boolean {
    const parsed = parseAudioMode(mode);
    if (parsed === undefined) return false;
    this.#mode = parsed;
    this.#apply();
    return true;
  }

  /**
   * Changes AGC settings (e.g. an entry of `AGC_PRESETS`).
   *
   * @param settings The settings to change.
   * @throws {RangeError} For a setting out of range; nothing changes then.
   */
  setAgc(settings: Partial<AgcSettings>): void {
    this.#agc.configure(settings);
  }

  /**
   * Changes squelch settings.
   *
   * @param settings The settings to change.
   * @throws {RangeError} For a setting out of range; nothing changes then.
   */
  setSquelch(settings: Partial<SquelchSettings>): void {
    this.#squelch.configure(settings);
  }

  /**
   * Changes noise blanker settings.
   *
   * @param settings The settings to change.
   * @throws {RangeError} For a setting out of range; nothing changes then.
   */
  setNoiseBlanker(settings: Partial<NoiseBlankerSettings>): void {
    this.#nb.configure(settings);
  }

  /** Picks the demodulator for the mode and window. */
  #select(): Demodulator {
    switch (this.#mode) {
      case "USB":
        return this.#usb;
      case "LSB":
        return this.#lsb;
      case "CW-U":
        return this.#cwu;
      case "CW-L":
        return this.#cwl;
      case "AM":
        return this.#am;
      case "SAM":
        return this.#sam;
      case "WBFM":
        return this.#wbfm;
      case "FM":
        return this.#hasWindow && this.#r - this.#l >= this.#wbfmMinWidthBins
          ? this.#wbfm
          : this.#fm;
    }
  }

  #apply(): void {
    const demod = this.#select();
    if (demod !== this.#demod) {
      this.#demod = demod;
      demod.reset();
      this.#dc.reset();
      this.#agc.reset();
    }
    if (this.#hasWindow) {
      this.#slice.setWindow(this.#l, this.#m, this.#r, {
        sideband: demod.sideband,
        carrierOffsetHz: demod.carrierOffsetHz,
        fineTune: this.#fineTune,
      });
    }
  }

  /**
   * Runs the chain on one big-FFT frame.
   *
   * @param spectrum `X/N` in natural FFT order (`BigFft.spectrum`).
   * @param frameNumber The big FFT's frame number (default: one more than
   * the last call's); only its parity matters, for the overlap-add sign rule.
   * @returns {@linkcode ListenerAudio.pcm}, `samplesPerFrame` samples.
   * @throws {RangeError} If `spectrum` is shorter than `2·fftResultSize`.
   */
  process(spectrum: Float32Array, frameNumber?: number): Int16Array {
    const audio = this.audio;
    const baseband = this.#slice.process(spectrum, frameNumber);
    this.#frames++;
    if (!this.#hasWindow) {
      this.#pwr = 0;
      audio.fill(0);
      this.pcm.fill(0);
      return this.pcm;
    }
    this.#measurePower(spectrum);
    if (this.#fillUp > 0) {
      // The first frame after a start or reset fades in from silence (the
      // saved half-frame is empty): its near-zero start would only make the
      // FM discriminator spike and the AGC duck. Stay silent instead.
      this.#fillUp--;
      audio.fill(0);
      this.pcm.fill(0);
      return this.pcm;
    }
    this.#nb.process(baseband);
    this.#demod.process(baseband, audio);
    let sum = 0;
    for (let i = 0; i < audio.length; i++) sum += audio[i] * audio[i];
    if (!Number.isFinite(sum)) {
      this.#nonFiniteFrames++;
      audio.fill(0);
      this.#slice.reset();
      this.#fillUp = 1;
      this.#demod.reset();
      this.#nb.reset();
      this.#dc.reset();
      this.#agc.reset();
    }
    this.#dc.process(audio);
    const squelch = this.#squelch;
    if (squelch.settings.enabled) {
      let level: number;
      if (squelch.settings.source === "power") {
        level = 10 * Math.log10(this.#pwr);
      } else {
        let power = 0;
        for (let i = 0; i < audio.length; i++) power += audio[i] * audio[i];
        level = 10 * Math.log10(power / audio.length);
      }
      squelch.update(level, audio.length);
    }
    this.#agc.process(audio);
    squelch.process(audio);
    this.#pcmConverter.convert(audio, this.pcm);
    return this.pcm;
  }

  /**
   * `pwr`: the same sum as `passbandPower()` (smeter.ts), Σ|X/N|² over
   * `[l, r)` in float64, written straight into the field (a function
   * returning a double would box it on every frame); 0 if not finite.
   */
  #measurePower(spectrum: Float32Array): void {
    const { fftResultSize, baseIndex } = this.#layout;
    let start = (this.#l + baseIndex) % fftResultSize;
    let count = this.#r - this.#l;
    let sum = 0;
    while (count > 0) {
      const run = Math.min(count, fftResultSize - start);
      const end = 2 * (start + run);
      for (let i = 2 * start; i < end; i += 2) {
        const re = spectrum[i];
        const im = spectrum[i + 1];
        sum += re * re + im * im;
      }
      count -= run;
      start = 0;
    }
    this.#pwr = sum - sum === 0 ? sum : 0;
  }

  /** Forgets all state kept across frames (e.g. after an input gap). */
  reset(): void {
    this.#slice.reset();
    this.#fillUp = 1;
    this.#demod.reset();
    this.#nb.reset();
    this.#dc.reset();
    this.#agc.reset();
    this.#squelch.reset();
  }

  /** Frees the slice's inverse DFT (unless it was shared). */
  dispose(): void {
    this.#slice.dispose();
  }
}
