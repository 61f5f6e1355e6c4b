/**
 * Raw samples from a file (a recording made with `rtl_sdr -f … file.u8`,
 * an `.cf32` dump), played in real time at `sps` by a deadline clock
 * ({@linkcode Pacer}: no cumulative drift) or as fast as the reader takes it
 * (benchmarks), once or looping.
 *
 * A loop plays only whole samples of the file (a trailing partial sample is
 * skipped) so I/Q stay aligned across passes. The end of a non-looping file
 * ends the source with reason `"eof"`; an empty file ends a loop instead of
 * spinning on it.
 *
 * @module
 */

import type { SampleFormat } from "../sample_format.ts";
import type { SignalKind } from "../spectrum_layout.ts";
import { type PaceMode, Pacer, type Sleep } from "./pacer.ts";
import {
  createSourceCounters,
  SampleSourceError,
  sourceSampleBytes,
} from "./source.ts";
import type {
  SampleSource,
  SourceCounters,
  SourceEnd,
  SourceEndReason,
} from "./source.ts";
import { checkPositive, checkReadBuffer, describeError } from "./_util.ts";

/**
 * Options of {@linkcode FileSource}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FileSourceOptions } from "./file_source.ts";
 *
 * const options: FileSourceOptions = {
 *   path: "recording.cu8", format: "u8", signal: "iq",
 *   sps: 2_048_000, frequency: 7_100_000, loop: true,
 * };
 * equal(options.loop, true);
 * ```
 */
export interface FileSourceOptions {
  /** The file to read. */
  path: string | URL;
  /** Format of the file's bytes. */
  format: SampleFormat;
  /** Real or IQ. */
  signal: SignalKind;
  /** Samples per second the recording was made at. */
  sps: number;
  /** Centre (IQ) or lower edge (real) frequency of the recording, Hz. */
  frequency: number;
  /** Start again from the beginning at the end (default false). */
  loop?: boolean;
  /** Real time at `sps` (default) or as fast as possible. */
  pace?: PaceMode;
  /** See {@linkcode PacerOptions.maxLagMs} (default 1000). */
  maxLagMs?: number;
  /** Monotonic clock in milliseconds (default `performance.now`). */
  now?: () => number;
  /** Sleep used for pacing (default: a timer); tests inject their clock's. */
  sleep?: Sleep;
}

/** Zero-byte reads in a row after which the file is considered broken. */
const MAX_ZERO_READS = 64;

/**
 * A {@linkcode SampleSource} over a file.
 *
 * @example Reading a small u8 IQ file as fast as possible
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { FileSource } from "./file_source.ts";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array([127, 128, 129, 130]));
 * const source = new FileSource({
 *   path, format: "u8", signal: "iq", sps: 2_048_000, frequency: 7_100_000, pace: "fast",
 * });
 * await source.start(new AbortController().signal);
 * const buf = new Uint8Array(16);
 * equal(await source.read(buf), 4);
 * equal(await source.read(buf), null);
 * equal(source.ended?.reason, "eof");
 * await Deno.remove(path);
 * ```
 */
export class FileSource implements SampleSource {
  /** Always `"file"`. */
  readonly kind = "file";
  /** The file. */
  readonly path: string | URL;
  /** Format of the bytes. */
  readonly format: SampleFormat;
  /** Real or IQ. */
  readonly signal: SignalKind;
  /** Samples per second. */
  readonly sps: number;
  /** Centre (IQ) or lower edge (real) frequency, Hz. */
  readonly frequency: number;
  /** Whether the file loops. */
  readonly loop: boolean;
  /** Pacing mode. */
  readonly pace: PaceMode;
  /** Bytes per whole sample. */
  readonly sampleBytes: number;
  #counters: SourceCounters = createSourceCounters();
  #pacer: Pacer | undefined;
  #file: Deno.FsFile | undefined;
  #usable = 0;
  #passPosition = 0;
  #abortSignal: AbortSignal | undefined;
  #ended: SourceEnd | undefined;
  #reading = false;
  #onAbort = () => this.#end("aborted", `Stopped reading ${this.#label()}`);

  /**
   * @param options Path, format, signal, rate, frequency, loop and pacing.
   * @throws {RangeError} For an unknown format, signal or pace, or a rate
   * that is not positive.
   */
  constructor(options: FileSourceOptions) {
    this.sampleBytes = sourceSampleBytes(options.format, options.signal);
    checkPositive("sps", options.sps);
    const pace = options.pace ?? "realtime";
    if (pace !== "realtime" && pace !== "fast") {
      throw new RangeError(
        `Expected pace "realtime" or "fast", found "${String(pace)}"`,
      );
    }
    this.path = options.path;
    this.format = options.format;
    this.signal = options.signal;
    this.sps = options.sps;
    this.frequency = options.frequency;
    this.loop = options.loop ?? false;
    this.pace = pace;
    if (pace === "realtime") {
      this.#pacer = new Pacer(options.sps * this.sampleBytes, {
        ...(options.now ? { now: options.now } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
        ...(options.maxLagMs !== undefined
          ? { maxLagMs: options.maxLagMs }
          : {}),
      });
    }
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
   * Opens the file.
   *
   * @param signal Aborting it closes the file and ends the source.
   * @throws {TypeError} If called twice.
   * @throws {SampleSourceError} If the file cannot be opened, or a loop is
   * asked of something that is not a regular file of at least one sample.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#abortSignal !== undefined) {
      throw new TypeError(
        "Expected start() to be called once, found a second call",
      );
    }
    this.#abortSignal = signal;
    let file: Deno.FsFile;
    try {
      file = await Deno.open(this.path, { read: true });
    } catch (error) {
      throw new SampleSourceError(
        `Expected a readable sample file at ${this.#label()}, found ${
          describeError(error)
        }`,
        { cause: error },
      );
    }
    if (this.loop) {
      let stat: Deno.FileInfo;
      try {
        stat = await file.stat();
      } catch (error) {
        file.close();
        throw new SampleSourceError(
          `Expected to stat ${this.#label()}, found ${describeError(error)}`,
          { cause: error },
        );
      }
      if (!stat.isFile || stat.size < this.sampleBytes) {
        file.close();
        throw new SampleSourceError(
          `Expected a regular file of at least one ${this.format} ${this.signal} sample (${this.sampleBytes} bytes) to loop, found ${
            stat.isFile ? `${stat.size} bytes` : "a file that is not regular"
          } at ${this.#label()}`,
        );
      }
      this.#usable = stat.size - (stat.size % this.sampleBytes);
    }
    if (this.#ended !== undefined) {
      file.close();
      return;
    }
    this.#file = file;
    if (signal.aborted) this.#onAbort();
    else signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  /**
   * Reads the next bytes, waiting for their time in `"realtime"` mode.
   *
   * @param buf Destination, filled from index 0.
   * @returns Bytes read (≥ 1), or `null` once the source has ended.
   * @throws {TypeError} Before `start()`, for an empty buffer, or while
   * another `read()` is pending.
   */
  async read(buf: Uint8Array): Promise<number | null> {
    checkReadBuffer(buf);
    if (this.#ended !== undefined) return null;
    const file = this.#file;
    if (file === undefined) {
      throw new TypeError("Expected start() before read(), found no start");
    }
    if (this.#reading) {
      throw new TypeError("Expected one read() at a time, found a second one");
    }
    this.#reading = true;
    try {
      let zeroReads = 0;
      while (true) {
        let target = buf;
        if (this.loop) {
          const remaining = this.#usable - this.#passPosition;
          if (remaining <= 0) {
            if (!await this.#rewind(file)) return null;
            continue;
          }
          if (remaining < buf.length) target = buf.subarray(0, remaining);
        }
        let n: number | null;
        try {
          n = await file.read(target);
        } catch (error) {
          this.#end(
            "error",
            `Read error on ${this.#label()} after ${this.#counters.bytes} bytes (${
              describeError(error)
            })`,
            error,
          );
          return null;
        }
        if (this.#ended !== undefined) return null;
        if (n === null) {
          if (this.loop && this.#passPosition > 0) {
            if (!await this.#rewind(file)) return null;
            continue;
          }
          this.#end(
            "eof",
            `End of ${this.#label()} after ${this.#counters.bytes} bytes`,
          );
          return null;
        }
        if (n === 0) {
          if (++zeroReads >= MAX_ZERO_READS) {
            this.#end(
              "error",
              `Expected ${this.#label()} to deliver bytes, found ${MAX_ZERO_READS} empty reads in a row`,
            );
            return null;
          }
          continue;
        }
        this.#passPosition += n;
        const pacer = this.#pacer;
        if (pacer !== undefined) {
          const due = await pacer.wait(n, this.#abortSignal!);
          this.#counters.overruns = pacer.overruns;
          if (!due || this.#ended !== undefined) return null;
        }
        this.#counters.bytes += n;
        this.#counters.chunks++;
        return n;
      }
    } finally {
      this.#reading = false;
    }
  }

  /** Ends the source with reason `"closed"` and closes the file. */
  close(): void {
    this.#end("closed", `Closed ${this.#label()}`);
  }

  async #rewind(file: Deno.FsFile): Promise<boolean> {
    try {
      await file.seek(0, Deno.SeekMode.Start);
    } catch (error) {
      this.#end(
        "error",
        `Expected to rewind ${this.#label()}, found ${describeError(error)}`,
        error,
      );
      return false;
    }
    if (this.#ended !== undefined) return false;
    this.#passPosition = 0;
    this.#counters.loops++;
    return true;
  }

  #label(): string {
    return `"${this.path instanceof URL ? this.path.href : this.path}"`;
  }

  #end(reason: SourceEndReason, message: string, error?: unknown): void {
    if (this.#ended !== undefined) return;
    this.#ended = error === undefined
      ? { reason, message }
      : { reason, message, error };
    this.#abortSignal?.removeEventListener("abort", this.#onAbort);
    try {
      this.#file?.close();
    } catch {
      // Already closed.
    }
  }
}
