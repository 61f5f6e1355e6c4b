/**
 * The DSP of `shack sdr serve` for one receiver, as a plain class: the big
 * FFT per hop of new samples, the waterfall levels every `skip` frames, and
 * one {@linkcode ListenerAudio} per registered listener (sdr-phantomsdr.md
 * §1.3–§1.8). `dsp_worker.ts` wraps it in a Worker; tests and benchmarks run
 * it in-process.
 *
 * Per hop, {@linkcode DspEngine.processHop} returns one
 * {@linkcode DspFrameMessage}: every listener's PCM and `pwr`, and, on
 * waterfall frames, the quantised values of the level spans the waterfall
 * clients look at (not whole levels: {@linkcode DspEngine.setWaterfallSpans}
 * says which part of which level is needed). Everything sits in one fresh
 * `ArrayBuffer` that a Worker can transfer without copying. With no listener
 * and no span the hop is skipped (no FFT), as PhantomSDR does without
 * clients.
 *
 * Bounded: at most `maxListeners` listeners; `addListener()` refuses more.
 * The listeners share one inverse DFT (they run one after another).
 *
 * @module
 */

import { BigFft } from "../big_fft.ts";
import type { FftBackendName } from "../fft/fft_backend.ts";
import {
  type SignalKind,
  type SpectrumLayout,
  spectrumLayout,
} from "../spectrum_layout.ts";
import { Waterfall, waterfallSkip } from "../waterfall.ts";
import { AudioSlice } from "../audio/audio_slice.ts";
import { InverseDft } from "../audio/inverse_dft.ts";
import {
  type ListenerAudioOptions,
  parseAudioMode,
} from "../audio/listener_audio.ts";
import { ListenerAudio } from "../audio/listener_audio.ts";
import type { AgcSettings } from "../audio/post.ts";
import type { AudioSliceLayout } from "../audio/audio_slice.ts";

/**
 * Listener settings shared by every listener of an engine.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DspListenerSettings } from "./dsp_engine.ts";
 *
 * const settings: DspListenerSettings = { agc: { targetLevel: 0.3 }, bfoHz: 600 };
 * equal(settings.bfoHz, 600);
 * ```
 */
export type DspListenerSettings = Omit<
  ListenerAudioOptions,
  keyof AudioSliceLayout | "inverseDft" | "backend" | "mode"
>;

/**
 * Options of {@linkcode DspEngine.create} (structured-cloneable).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DspEngineOptions } from "./dsp_engine.ts";
 *
 * const options: DspEngineOptions = {
 *   sps: 2_048_000, frequency: 7_100_000, fftSize: 131072, signal: "iq",
 * };
 * equal(structuredClone(options).fftSize, 131072);
 * ```
 */
export interface DspEngineOptions {
  /** Input sample rate (samples per second). */
  sps: number;
  /** `[input] frequency`: centre (IQ) or lower edge (real), Hz. */
  frequency: number;
  /** FFT size N, a power of two from 32 to 2^23. */
  fftSize: number;
  /** Real or IQ input. */
  signal: SignalKind;
  /** `[input] audio_sps` (default 12000). */
  audioSps?: number;
  /** `[input] waterfall_size` (default 1024). */
  waterfallSize?: number;
  /** `[input] brightness_offset` (default 0). */
  brightnessOffset?: number;
  /** Most listeners (default 1000). */
  maxListeners?: number;
  /** Force an FFT backend (default: PFFFT when it loads, else fft.js). */
  backend?: FftBackendName;
  /** Settings of every listener's audio chain (AGC, squelch, FM…). */
  listener?: DspListenerSettings;
}

/**
 * A listener's window and mode, as the `window` and `demodulation`
 * commands give them.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DspListenerWindow } from "./dsp_engine.ts";
 *
 * const window: DspListenerWindow = { l: 71936, m: 71936, r: 72128, mode: "USB" };
 * equal(window.r - window.l, 192);
 * ```
 */
export interface DspListenerWindow {
  /** First bin (waterfall order). */
  l: number;
  /** Carrier bin (fractional). */
  m: number;
  /** End bin (exclusive). */
  r: number;
  /** Mode name (`USB`, `LSB`, `AM`, `SAM`, `FM`, `WBFM`, `CW`…); default USB. */
  mode?: string;
}

/**
 * One frame's output. Every typed array is a view of `buffer`, which a
 * Worker transfers; `pcm` holds `listenerIds.length` blocks of
 * `samplesPerFrame` samples, block i belonging to `listenerIds[i]`.
 * `waterfallSpans` holds 4 integers per span, `[level, l, r, offset]`: the
 * values of level `level` from index `l` to `r` (exclusive) are
 * `waterfallData[offset, offset + r − l)`; it is empty on frames without a
 * waterfall line.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DspEngine, type DspFrameMessage } from "./dsp_engine.ts";
 *
 * const dsp = await DspEngine.create({ sps: 48000, frequency: 0, fftSize: 256, signal: "iq", waterfallSize: 64 });
 * dsp.setWaterfallSpans([10, 20]);
 * const frame: DspFrameMessage = dsp.processHop(new Float32Array(256))!;
 * equal(frame.waterfallData.length, 10);
 * equal(frame.waterfallData.buffer, frame.buffer);
 * dsp.dispose();
 * ```
 */
export interface DspFrameMessage {
  /** Message tag. */
  type: "frame";
  /** The FFT frame counter (PhantomSDR's `frame_num`). */
  frameNum: number;
  /** Samples per listener block. */
  samplesPerFrame: number;
  /** Listener ids, in block order. */
  listenerIds: Int32Array;
  /** Each listener's `pwr` (Σ|X/N|² over its passband). */
  pwr: Float64Array;
  /** The listeners' PCM blocks. */
  pcm: Int16Array;
  /** `[level, l, r, offset]` per waterfall span. */
  waterfallSpans: Int32Array;
  /** Quantised waterfall values of the spans. */
  waterfallData: Int8Array;
  /** Time of the big FFT (window, transform, normalisation), ms. */
  fftMs: number;
  /** Time of the waterfall levels (0 on frames without a line), ms. */
  waterfallMs: number;
  /** Time of every listener's audio chain, ms. */
  audioMs: number;
  /**
   * Wall-clock time (`performance.timeOrigin + performance.now()`, ms) at
   * which the Worker posted the frame; set by the Worker, for the delivery
   * latency.
   */
  postedAt?: number;
  /** The buffer behind every view (the transfer list). */
  buffer: ArrayBuffer;
}

/**
 * Counters of an engine.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DspEngine, type DspEngineCounters } from "./dsp_engine.ts";
 *
 * const dsp = await DspEngine.create({ sps: 48000, frequency: 0, fftSize: 256, signal: "iq", waterfallSize: 64 });
 * dsp.processHop(new Float32Array(256)); // nobody listens
 * const counters: DspEngineCounters = dsp.counters;
 * equal(counters.idleHops, 1);
 * dsp.dispose();
 * ```
 */
export interface DspEngineCounters {
  /** Hops handed to `processHop()`. */
  hops: number;
  /** Hops skipped because nobody was listening or watching. */
  idleHops: number;
  /** Frames that produced a waterfall line. */
  waterfallFrames: number;
  /** `addListener()` calls refused because `maxListeners` were registered. */
  listenersRefused: number;
  /** Commands ignored (unknown listener, window or mode out of range). */
  commandsIgnored: number;
}

/**
 * The receiver's DSP: big FFT, waterfall levels and the listeners' audio.
 *
 * @example A tone on the waterfall and in a listener's audio
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { DspEngine } from "./dsp_engine.ts";
 *
 * const engine = await DspEngine.create({
 *   sps: 48000, frequency: 7_000_000, fftSize: 1024, signal: "iq", waterfallSize: 256,
 * });
 * ok(engine.addListener(1, { l: 600, m: 600, r: 700, mode: "USB" }));
 * engine.setWaterfallSpans([0, 1024]); // level 0, whole
 * const hop = new Float32Array(engine.hopFloats);
 * let frame;
 * for (let n = 0; n < 4; n++) {
 *   for (let j = 0; j < 512; j++) { // 1 kHz above the dial of bin 600
 *     const t = (n * 512 + j) / 48000;
 *     const f = (600 - 513) * 46.875 + 1000;
 *     hop[2 * j] = 0.1 * Math.cos(2 * Math.PI * f * t);
 *     hop[2 * j + 1] = 0.1 * Math.sin(2 * Math.PI * f * t);
 *   }
 *   frame = engine.processHop(hop);
 * }
 * equal(frame!.listenerIds[0], 1);
 * equal(frame!.pcm.length, engine.samplesPerFrame);
 * ok(frame!.pwr[0] > 0);
 * engine.dispose();
 * ```
 */
export class DspEngine {
  /** The big FFT's layout (settings JSON values). */
  readonly layout: SpectrumLayout;
  /** Frames between waterfall lines. */
  readonly skip: number;
  /** Number of waterfall zoom levels. */
  readonly levels: number;
  /** `[input] waterfall_size`. */
  readonly waterfallSize: number;
  /** Floats of one hop (N/2 real, N for IQ). */
  readonly hopFloats: number;
  /** Audio samples per frame and listener. */
  readonly samplesPerFrame: number;
  /** Most listeners. */
  readonly maxListeners: number;
  #big: BigFft;
  #waterfall: Waterfall;
  #dft: InverseDft;
  #settings: DspListenerSettings;
  #listeners = new Map<number, ListenerAudio>();
  #spans: Int32Array;
  #spanTotal = 0;
  #spanCount = 0;
  #frameNum = 0;
  #idle = true;
  #now: () => number;
  #counters: DspEngineCounters = {
    hops: 0,
    idleHops: 0,
    waterfallFrames: 0,
    listenersRefused: 0,
    commandsIgnored: 0,
  };

  /**
   * Plans the transforms and allocates the buffers.
   *
   * @param options The receiver's layout and settings.
   * @param now Clock in ms for the timings (default `performance.now`).
   * @returns The engine.
   * @throws {RangeError} For an unsupported layout, waterfall size or
   * listener setting.
   */
  static async create(
    options: DspEngineOptions,
    now: () => number = () => performance.now(),
  ): Promise<DspEngine> {
    const layout = spectrumLayout(options);
    const backend = options.backend ? { backend: options.backend } : {};
    const waterfall = new Waterfall({
      fftSize: options.fftSize,
      signal: options.signal,
      waterfallSize: options.waterfallSize ?? 1024,
      brightnessOffset: options.brightnessOffset ?? 0,
    });
    const maxListeners = options.maxListeners ?? 1000;
    if (!Number.isSafeInteger(maxListeners) || maxListeners < 0) {
      throw new RangeError(
        `Expected maxListeners to be a non-negative integer, found ${maxListeners}`,
      );
    }
    const big = await BigFft.create({
      fftSize: options.fftSize,
      signal: options.signal,
      ...backend,
    });
    let dft: InverseDft | undefined;
    try {
      dft = await InverseDft.create(layout.audioFftSize, backend);
      const settings = { ...options.listener };
      // Build one listener now so a bad setting fails here, not later.
      new ListenerAudio(new AudioSlice(dft, layout), settings).dispose();
      return new DspEngine(
        layout,
        big,
        waterfall,
        dft,
        settings,
        maxListeners,
        now,
      );
    } catch (error) {
      dft?.dispose();
      big.dispose();
      throw error;
    }
  }

  private constructor(
    layout: SpectrumLayout,
    big: BigFft,
    waterfall: Waterfall,
    dft: InverseDft,
    settings: DspListenerSettings,
    maxListeners: number,
    now: () => number,
  ) {
    this.layout = layout;
    this.skip = waterfallSkip(layout.binHz * layout.fftSize, layout.fftSize);
    this.levels = waterfall.levels;
    this.waterfallSize = waterfall.waterfallSize;
    this.hopFloats = layout.hopFloats;
    this.samplesPerFrame = layout.audioFftSize / 2;
    this.maxListeners = maxListeners;
    this.#big = big;
    this.#waterfall = waterfall;
    this.#dft = dft;
    this.#settings = settings;
    this.#spans = new Int32Array(2 * waterfall.levels);
    this.#now = now;
  }

  /** The FFT backend of the big FFT. */
  get backend(): FftBackendName {
    return this.#big.backend;
  }

  /** The next frame's number. */
  get frameNum(): number {
    return this.#frameNum;
  }

  /** Listeners registered. */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Live counters. */
  get counters(): Readonly<DspEngineCounters> {
    return this.#counters;
  }

  /**
   * Registers a listener with its first window and mode.
   *
   * @param id The listener's id (chosen by the caller, unique).
   * @param window Its passband, carrier and mode.
   * @returns False (and counted) if `maxListeners` are registered or the id
   * is taken; an invalid window or mode is ignored (counted) but the
   * listener is added (silent until a valid window arrives).
   */
  addListener(id: number, window: DspListenerWindow): boolean {
    if (this.#listeners.has(id) || this.#listeners.size >= this.maxListeners) {
      this.#counters.listenersRefused++;
      return false;
    }
    const listener = new ListenerAudio(
      new AudioSlice(this.#dft, this.layout),
      {
        ...this.#settings,
        mode: parseAudioMode(window.mode ?? "USB") ?? "USB",
      },
    );
    this.#listeners.set(id, listener);
    if (!listener.setWindow(window.l, window.m, window.r)) {
      this.#counters.commandsIgnored++;
    }
    return true;
  }

  /**
   * Forgets a listener.
   *
   * @param id The listener's id.
   * @returns Whether it was registered.
   */
  removeListener(id: number): boolean {
    const listener = this.#listeners.get(id);
    if (listener === undefined) return false;
    listener.dispose();
    this.#listeners.delete(id);
    return true;
  }

  /**
   * Sets a listener's passband and carrier (see `ListenerAudio.setWindow`).
   *
   * @param id The listener's id.
   * @param l First bin.
   * @param m Carrier bin.
   * @param r End bin (exclusive).
   * @returns Whether it was taken (false, counted, for an unknown id or a
   * window out of range).
   */
  setWindow(id: number, l: number, m: number, r: number): boolean {
    const ok = this.#listeners.get(id)?.setWindow(l, m, r) ?? false;
    if (!ok) this.#counters.commandsIgnored++;
    return ok;
  }

  /**
   * Sets a listener's mode (see `parseAudioMode`).
   *
   * @param id The listener's id.
   * @param mode The mode name.
   * @returns Whether it was taken.
   */
  setMode(id: number, mode: string): boolean {
    const ok = this.#listeners.get(id)?.setMode(mode) ?? false;
    if (!ok) this.#counters.commandsIgnored++;
    return ok;
  }

  /**
   * Changes a listener's AGC.
   *
   * @param id The listener's id.
   * @param settings The settings to change (e.g. an `AGC_PRESETS` entry).
   * @returns Whether they were taken (false for an unknown id or a setting
   * out of range).
   */
  setAgc(id: number, settings: Partial<AgcSettings>): boolean {
    const listener = this.#listeners.get(id);
    try {
      if (listener === undefined) throw new RangeError("Unknown listener");
      listener.setAgc(settings);
      return true;
    } catch {
      this.#counters.commandsIgnored++;
      return false;
    }
  }

  /**
   * Says which part of each waterfall level the clients need: `spans[2k]`
   * to `spans[2k + 1]` (exclusive) of level k, clamped to the level; an
   * empty range (or a missing pair) means level k is not sent. Pass `[]`
   * when no waterfall client is connected.
   *
   * @param spans `[l0, r0, l1, r1, …]` in each level's own indices.
   */
  setWaterfallSpans(spans: ArrayLike<number>): void {
    let total = 0;
    let count = 0;
    for (let level = 0; level < this.levels; level++) {
      const size = this.#waterfall.levelSize(level);
      const l = clampIndex(spans[2 * level], size);
      const r = clampIndex(spans[2 * level + 1], size);
      const used = r > l;
      this.#spans[2 * level] = used ? l : 0;
      this.#spans[2 * level + 1] = used ? r : 0;
      if (used) {
        total += r - l;
        count++;
      }
    }
    this.#spanTotal = total;
    this.#spanCount = count;
  }

  /**
   * Runs one frame on `hopFloats` new floats of `samples` from `offset`.
   *
   * @param samples Converted samples (real, or interleaved I,Q).
   * @param offset First float to read (default 0).
   * @returns The frame's output, or undefined when the hop was skipped
   * because no listener and no waterfall span is registered.
   * @throws {RangeError} If fewer than `hopFloats` floats follow `offset`.
   */
  processHop(samples: Float32Array, offset = 0): DspFrameMessage | undefined {
    if (offset < 0 || offset + this.hopFloats > samples.length) {
      throw new RangeError(
        `Expected ${this.hopFloats} samples from offset ${offset}, found an array of ${samples.length}`,
      );
    }
    const frameNum = this.#frameNum++;
    this.#counters.hops++;
    const listeners = this.#listeners.size;
    if (listeners === 0 && this.#spanCount === 0) {
      this.#counters.idleHops++;
      this.#idle = true;
      return undefined;
    }
    if (this.#idle) {
      // The saved half-frame is stale after idle hops.
      this.#big.reset();
      this.#idle = false;
    }
    const now = this.#now;
    const t0 = now();
    this.#big.process(samples, offset);
    const t1 = now();
    const line = this.#spanCount > 0 && frameNum % this.skip === 0;
    const spf = this.samplesPerFrame;
    const spanInts = line ? 4 * this.#spanCount : 0;
    const dataBytes = line ? this.#spanTotal : 0;
    // Layout: pwr (f64) | ids (i32) | spans (i32) | pcm (i16) | data (i8).
    const idsOffset = 8 * listeners;
    const spansOffset = idsOffset + 4 * listeners;
    const pcmOffset = spansOffset + 4 * spanInts;
    const dataOffset = pcmOffset + 2 * listeners * spf;
    const buffer = new ArrayBuffer(dataOffset + dataBytes);
    const pwr = new Float64Array(buffer, 0, listeners);
    const ids = new Int32Array(buffer, idsOffset, listeners);
    const spans = new Int32Array(buffer, spansOffset, spanInts);
    const pcm = new Int16Array(buffer, pcmOffset, listeners * spf);
    const data = new Int8Array(buffer, dataOffset, dataBytes);
    let t2 = t1;
    if (line) {
      this.#waterfall.update(this.#big.spectrum);
      let s = 0;
      let at = 0;
      for (let level = 0; level < this.levels; level++) {
        const l = this.#spans[2 * level];
        const r = this.#spans[2 * level + 1];
        if (r <= l) continue;
        spans[s++] = level;
        spans[s++] = l;
        spans[s++] = r;
        spans[s++] = at;
        data.set(this.#waterfall.levelData(level).subarray(l, r), at);
        at += r - l;
      }
      this.#counters.waterfallFrames++;
      t2 = now();
    }
    let i = 0;
    const spectrum = this.#big.spectrum;
    for (const [id, listener] of this.#listeners) {
      pcm.set(listener.process(spectrum, frameNum), i * spf);
      pwr[i] = listener.pwr;
      ids[i] = id;
      i++;
    }
    const t3 = now();
    return {
      type: "frame",
      frameNum,
      samplesPerFrame: spf,
      listenerIds: ids,
      pwr,
      pcm,
      waterfallSpans: spans,
      waterfallData: data,
      fftMs: t1 - t0,
      waterfallMs: t2 - t1,
      audioMs: t3 - t2,
      buffer,
    };
  }

  /** Frees the transforms and every listener. */
  dispose(): void {
    for (const listener of this.#listeners.values()) listener.dispose();
    this.#listeners.clear();
    this.#dft.dispose();
    this.#big.dispose();
  }
}

function clampIndex(value: number | undefined, size: number): number {
  if (typeof value !== "number" || !(value > 0)) return 0;
  return value >= size ? size : Math.floor(value);
}
