/**
 * The synthetic band as a {@linkcode SampleSource}: the default input of
 * `shack sdr serve` when no source is configured, so a new user sees and
 * hears signals at once (see {@linkcode SyntheticBand} and
 * {@linkcode DEFAULT_SYNTHETIC_STATIONS}). Paced in real time at `sps` by
 * default, or as fast as the reader takes it; bytes in any input format
 * (f32 by default, u8 like an RTL-SDR), or Float32 directly through
 * {@linkcode SyntheticSource.readSamples}.
 *
 * @module
 */

import type { SampleFormat } from "../sample_format.ts";
import type { SignalKind } from "../spectrum_layout.ts";
import { type PaceMode, Pacer, type Sleep } from "./pacer.ts";
import { createSourceCounters, sourceSampleBytes } from "./source.ts";
import type {
  SampleSource,
  SourceCounters,
  SourceEnd,
  SourceEndReason,
} from "./source.ts";
import { SyntheticBand, type SyntheticBandOptions } from "./synthetic_band.ts";
import type { SyntheticStation } from "./synthetic_stations.ts";
import { checkReadBuffer } from "./_util.ts";

/**
 * Options of {@linkcode SyntheticSource}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SyntheticSourceOptions } from "./synthetic_source.ts";
 *
 * const options: SyntheticSourceOptions = { format: "u8", pace: "fast", durationSeconds: 10 };
 * equal(options.format, "u8");
 * ```
 */
export interface SyntheticSourceOptions extends SyntheticBandOptions {
  /** Format of the bytes `read()` delivers (default `"f32"`). */
  format?: SampleFormat;
  /** Real time at `sps` (default) or as fast as possible. */
  pace?: PaceMode;
  /** End with reason `"eof"` after this many seconds of samples (default: never). */
  durationSeconds?: number;
  /** Most samples one read delivers (default 65536). */
  maxChunkSamples?: number;
  /** See {@linkcode PacerOptions.maxLagMs} (default 1000). */
  maxLagMs?: number;
  /** Monotonic clock in milliseconds (default `performance.now`). */
  now?: () => number;
  /** Sleep used for pacing (default: a timer). */
  sleep?: Sleep;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A {@linkcode SampleSource} generating the synthetic band.
 *
 * @example u8 IQ, as an RTL-SDR would send it
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SyntheticSource } from "./synthetic_source.ts";
 *
 * const source = new SyntheticSource({ format: "u8", pace: "fast" });
 * await source.start(new AbortController().signal);
 * const buf = new Uint8Array(8192);
 * equal(await source.read(buf), 8192);
 * equal(source.stations[0].mode, "CW");
 * source.close();
 * ```
 */
export class SyntheticSource implements SampleSource {
  /** Always `"synthetic"`. */
  readonly kind = "synthetic";
  /** Format of the bytes. */
  readonly format: SampleFormat;
  /** IQ or real. */
  readonly signal: SignalKind;
  /** Samples per second. */
  readonly sps: number;
  /** Centre (IQ) or lower edge (real), Hz. */
  readonly frequency: number;
  /** Pacing mode. */
  readonly pace: PaceMode;
  /** Bytes per whole sample. */
  readonly sampleBytes: number;
  /** The generator. */
  readonly band: SyntheticBand;
  #counters: SourceCounters = createSourceCounters();
  #pacer: Pacer | undefined;
  #remaining: number;
  #maxChunk: number;
  #values: number;
  #scratch: Float32Array;
  #floatView: Float32Array | undefined;
  #dataView: DataView | undefined;
  #abortSignal: AbortSignal | undefined;
  #ended: SourceEnd | undefined;
  #reading = false;
  #onAbort = () => this.#end("aborted", "Stopped the synthetic band");

  /**
   * @param options Band, format, pacing and duration.
   * @throws {RangeError} For invalid band options, an unknown format or
   * pace, or a duration or chunk size out of range.
   */
  constructor(options: SyntheticSourceOptions = {}) {
    this.band = new SyntheticBand(options);
    this.format = options.format ?? "f32";
    this.signal = this.band.signal;
    this.sampleBytes = sourceSampleBytes(this.format, this.signal);
    this.sps = this.band.sps;
    this.frequency = this.band.frequency;
    const pace = options.pace ?? "realtime";
    if (pace !== "realtime" && pace !== "fast") {
      throw new RangeError(
        `Expected pace "realtime" or "fast", found "${String(pace)}"`,
      );
    }
    this.pace = pace;
    const duration = options.durationSeconds ?? Infinity;
    if (!(duration >= 0)) {
      throw new RangeError(
        `Expected a duration ≥ 0 seconds, found ${duration}`,
      );
    }
    this.#remaining = duration === Infinity
      ? Infinity
      : Math.round(duration * this.sps);
    this.#maxChunk = options.maxChunkSamples ?? 65536;
    if (!Number.isSafeInteger(this.#maxChunk) || this.#maxChunk < 1) {
      throw new RangeError(
        `Expected maxChunkSamples to be a positive integer, found ${this.#maxChunk}`,
      );
    }
    this.#values = this.signal === "iq" ? 2 : 1;
    this.#scratch = new Float32Array(0);
    if (pace === "realtime") {
      this.#pacer = new Pacer(this.sps * this.sampleBytes, {
        ...(options.now ? { now: options.now } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
        ...(options.maxLagMs !== undefined
          ? { maxLagMs: options.maxLagMs }
          : {}),
      });
    }
  }

  /** The stations in the band, with their frequencies. */
  get stations(): readonly SyntheticStation[] {
    return this.band.stations;
  }

  /** Live counters. */
  get counters(): Readonly<SourceCounters> {
    return this.#counters;
  }

  /** How the source ended, or `undefined` while it runs. */
  get ended(): SourceEnd | undefined {
    return this.#ended;
  }

  /**
   * Binds the abort signal.
   *
   * @param signal Aborting it ends the source at once.
   * @throws {TypeError} If called twice.
   */
  start(signal: AbortSignal): Promise<void> {
    if (this.#abortSignal !== undefined) {
      return Promise.reject(
        new TypeError(
          "Expected start() to be called once, found a second call",
        ),
      );
    }
    this.#abortSignal = signal;
    if (signal.aborted) this.#onAbort();
    else signal.addEventListener("abort", this.#onAbort, { once: true });
    return Promise.resolve();
  }

  /**
   * Generates the next whole samples as bytes in `format`.
   *
   * @param buf Destination, filled from index 0 with whole samples.
   * @returns Bytes written (a multiple of `sampleBytes`), or `null` once the
   * source has ended.
   * @throws {TypeError} Before `start()`, for an empty buffer, or while
   * another read is pending.
   * @throws {RangeError} If `buf` is shorter than one sample.
   */
  async read(buf: Uint8Array): Promise<number | null> {
    checkReadBuffer(buf);
    const wanted = Math.floor(buf.length / this.sampleBytes);
    if (wanted === 0) {
      throw new RangeError(
        `Expected a buffer of at least one sample (${this.sampleBytes} bytes), found ${buf.length} bytes`,
      );
    }
    const samples = await this.#next(wanted);
    if (samples === 0) return null;
    const floats = samples * this.#values;
    if (
      this.format === "f32" && LITTLE_ENDIAN && buf.byteOffset % 4 === 0
    ) {
      this.band.generate(this.#floatViewOf(buf), samples);
    } else {
      if (this.#scratch.length < floats) {
        this.#scratch = new Float32Array(floats);
      }
      this.band.generate(this.#scratch, samples);
      this.#encode(this.#scratch, floats, buf);
    }
    const bytes = samples * this.sampleBytes;
    this.#counters.bytes += bytes;
    this.#counters.chunks++;
    return bytes;
  }

  /**
   * Generates the next whole samples as Float32 values (the fast path: no
   * byte encoding); paced like `read()`.
   *
   * @param out Destination, filled from index 0 (I,Q pairs for IQ).
   * @returns Floats written, or `null` once the source has ended.
   * @throws {TypeError} Before `start()` or while another read is pending.
   * @throws {RangeError} If `out` is shorter than one sample.
   */
  async readSamples(out: Float32Array): Promise<number | null> {
    const wanted = Math.floor(out.length / this.#values);
    if (wanted === 0) {
      throw new RangeError(
        `Expected room for at least one sample (${this.#values} floats), found ${out.length}`,
      );
    }
    const samples = await this.#next(wanted);
    if (samples === 0) return null;
    this.band.generate(out, samples);
    this.#counters.bytes += samples * this.sampleBytes;
    this.#counters.chunks++;
    return samples * this.#values;
  }

  /** Ends the source with reason `"closed"`. */
  close(): void {
    this.#end("closed", "Closed the synthetic band");
  }

  /** Waits for the next chunk's time; resolves its size, 0 at the end. */
  async #next(wanted: number): Promise<number> {
    if (this.#ended !== undefined) return 0;
    if (this.#abortSignal === undefined) {
      throw new TypeError("Expected start() before read(), found no start");
    }
    if (this.#reading) {
      throw new TypeError("Expected one read() at a time, found a second one");
    }
    const samples = Math.min(wanted, this.#maxChunk, this.#remaining);
    if (samples === 0) {
      this.#end(
        "eof",
        `End of the synthetic band after ${this.band.position} samples`,
      );
      return 0;
    }
    const pacer = this.#pacer;
    if (pacer !== undefined) {
      this.#reading = true;
      try {
        const due = await pacer.wait(
          samples * this.sampleBytes,
          this.#abortSignal,
        );
        this.#counters.overruns = pacer.overruns;
        if (!due || this.#ended !== undefined) return 0;
      } finally {
        this.#reading = false;
      }
    }
    this.#remaining -= samples;
    return samples;
  }

  #floatViewOf(buf: Uint8Array): Float32Array {
    let view = this.#floatView;
    if (
      view === undefined || view.buffer !== buf.buffer ||
      view.byteOffset !== buf.byteOffset ||
      view.length !== buf.byteLength >>> 2
    ) {
      view = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength >>> 2);
      this.#floatView = view;
    }
    return view;
  }

  #dataViewOf(buf: Uint8Array): DataView {
    let view = this.#dataView;
    if (
      view === undefined || view.buffer !== buf.buffer ||
      view.byteOffset !== buf.byteOffset ||
      view.byteLength !== buf.byteLength
    ) {
      view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.#dataView = view;
    }
    return view;
  }

  #encode(floats: Float32Array, count: number, out: Uint8Array): void {
    switch (this.format) {
      // Offset binary first: floor(x·2^(bits−1) + 2^(bits−1) + ½) is
      // round(x·2^(bits−1)) + 2^(bits−1); the signed forms flip the top bit.
      case "u8":
      case "s8": {
        const flip = this.format === "s8" ? 0x80 : 0;
        for (let i = 0; i < count; i++) {
          const v = floats[i] * 128 + 128.5;
          out[i] = (v <= 0 ? 0 : v >= 255 ? 255 : v | 0) ^ flip;
        }
        return;
      }
      case "u16":
      case "s16": {
        const flip = this.format === "s16" ? 0x8000 : 0;
        for (let i = 0; i < count; i++) {
          const v = floats[i] * 32768 + 32768.5;
          const q = (v <= 0 ? 0 : v >= 65535 ? 65535 : v | 0) ^ flip;
          out[2 * i] = q & 255;
          out[2 * i + 1] = q >>> 8;
        }
        return;
      }
      case "f32": {
        const view = this.#dataViewOf(out);
        for (let i = 0; i < count; i++) view.setFloat32(4 * i, floats[i], true);
        return;
      }
      case "f64": {
        const view = this.#dataViewOf(out);
        for (let i = 0; i < count; i++) view.setFloat64(8 * i, floats[i], true);
        return;
      }
    }
  }

  #end(reason: SourceEndReason, message: string): void {
    if (this.#ended !== undefined) return;
    this.#ended = { reason, message };
    this.#abortSignal?.removeEventListener("abort", this.#onAbort);
  }
}
