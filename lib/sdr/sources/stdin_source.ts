/**
 * Raw samples from standard input, the way PhantomSDR takes them
 * (`rtl_sdr -f 7100000 -s 2048000 - | shack sdr serve`), or from any other
 * byte reader or `ReadableStream` (a child process's stdout, a socket).
 *
 * The end of input (the writer exited or closed the pipe) ends the source
 * with reason `"eof"` and a message giving the byte count; a pipe or
 * connection that breaks does the same, with the error attached. Aborting
 * the start signal closes the input, which cancels a pending read at once.
 * After the end `read()` resolves `null` without touching the input, so a
 * read loop cannot spin on a dead pipe.
 *
 * @module
 */

import type { SampleFormat } from "../sample_format.ts";
import type { SignalKind } from "../spectrum_layout.ts";
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
import {
  checkPositive,
  checkReadBuffer,
  describeError,
  isClosedError,
} from "./_util.ts";

/**
 * Anything with Deno's `read(p)` contract (`Deno.stdin`, `Deno.FsFile`,
 * `Deno.Conn`): resolves the bytes read into `p`, or `null` at the end.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import type { SourceReader } from "./stdin_source.ts";
 *
 * const reader: SourceReader = Deno.stdin;
 * ok(typeof reader.read === "function");
 * ```
 */
export interface SourceReader {
  /** Reads into `p`; `null` at the end of input. */
  read(p: Uint8Array): Promise<number | null>;
  /** Releases the input; cancels a pending read where the runtime can. */
  close?(): void;
}

/**
 * Options of {@linkcode StdinSource}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StdinSourceOptions } from "./stdin_source.ts";
 *
 * // rtl_sdr -f 7100000 -s 2048000 - | shack sdr serve
 * const options: StdinSourceOptions = {
 *   format: "u8", signal: "iq", sps: 2_048_000, frequency: 7_100_000,
 * };
 * equal(options.input, undefined); // Deno.stdin
 * ```
 */
export interface StdinSourceOptions {
  /** Format of the incoming bytes (`[input.driver] format`). */
  format: SampleFormat;
  /** Real or IQ (`[input] signal`). */
  signal: SignalKind;
  /** Samples per second (`[input] sps`). */
  sps: number;
  /** `[input] frequency`: centre (IQ) or lower edge (real), Hz. */
  frequency: number;
  /**
   * The input (default `Deno.stdin`). The source owns it and closes it when
   * it ends. A `ReadableStream` costs one copy per chunk.
   */
  input?: SourceReader | ReadableStream<Uint8Array>;
  /** Name used in messages (default `"stdin"`). */
  name?: string;
}

/** Zero-byte reads in a row after which a reader is considered broken. */
const MAX_ZERO_READS = 64;

/**
 * A {@linkcode SampleSource} over standard input or another byte stream.
 *
 * @example Reading a child process's output to its end
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { StdinSource } from "./stdin_source.ts";
 *
 * const child = new Deno.Command("sh", {
 *   args: ["-c", "head -c 1000 /dev/zero"], stdout: "piped",
 * }).spawn();
 * const source = new StdinSource({
 *   format: "u8", signal: "iq", sps: 2_048_000, frequency: 7_100_000,
 *   input: child.stdout, name: "rtl_sdr",
 * });
 * await source.start(new AbortController().signal);
 * const buf = new Uint8Array(4096);
 * let total = 0;
 * for (let n; (n = await source.read(buf)) !== null;) total += n;
 * equal(total, 1000);
 * equal(source.ended?.reason, "eof");
 * await child.status;
 * ```
 */
export class StdinSource implements SampleSource {
  /** Always `"stdin"`. */
  readonly kind = "stdin";
  /** Format of the bytes. */
  readonly format: SampleFormat;
  /** Real or IQ. */
  readonly signal: SignalKind;
  /** Samples per second. */
  readonly sps: number;
  /** Centre (IQ) or lower edge (real) frequency, Hz. */
  readonly frequency: number;
  /** Name used in messages. */
  readonly name: string;
  #counters: SourceCounters = createSourceCounters();
  #input: SourceReader | ReadableStream<Uint8Array>;
  #reader: SourceReader | undefined;
  #stream: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #chunk: Uint8Array | undefined;
  #chunkOffset = 0;
  #abortSignal: AbortSignal | undefined;
  #ended: SourceEnd | undefined;
  #reading = false;
  #onAbort = () => this.#end("aborted", `Stopped reading ${this.name}`);

  /**
   * @param options Format, signal, rate, frequency and input.
   * @throws {RangeError} For an unknown format or signal, or a rate that is
   * not positive.
   */
  constructor(options: StdinSourceOptions) {
    sourceSampleBytes(options.format, options.signal);
    checkPositive("sps", options.sps);
    this.format = options.format;
    this.signal = options.signal;
    this.sps = options.sps;
    this.frequency = options.frequency;
    this.name = options.name ?? "stdin";
    this.#input = options.input ?? Deno.stdin;
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
   * @param signal Aborting it closes the input and ends the source.
   * @throws {TypeError} If called twice.
   * @throws {SampleSourceError} If the stream is locked by another reader.
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
    if (this.#input instanceof ReadableStream) {
      try {
        this.#stream = this.#input.getReader();
      } catch (error) {
        return Promise.reject(
          new SampleSourceError(
            `Expected an unlocked stream for ${this.name}, found ${
              describeError(error)
            }`,
            { cause: error },
          ),
        );
      }
    } else {
      this.#reader = this.#input;
    }
    if (signal.aborted) this.#onAbort();
    else signal.addEventListener("abort", this.#onAbort, { once: true });
    return Promise.resolve();
  }

  /**
   * Reads the next bytes.
   *
   * @param buf Destination, filled from index 0.
   * @returns Bytes read (≥ 1), or `null` once the source has ended.
   * @throws {TypeError} Before `start()`, for an empty buffer, or while
   * another `read()` is pending.
   */
  async read(buf: Uint8Array): Promise<number | null> {
    checkReadBuffer(buf);
    if (this.#ended !== undefined) return null;
    if (this.#abortSignal === undefined) {
      throw new TypeError("Expected start() before read(), found no start");
    }
    if (this.#reading) {
      throw new TypeError("Expected one read() at a time, found a second one");
    }
    this.#reading = true;
    try {
      let zeroReads = 0;
      while (true) {
        let n: number | null;
        try {
          n = this.#stream !== undefined
            ? await this.#readStream(this.#stream, buf)
            : await this.#reader!.read(buf);
        } catch (error) {
          if (this.#ended === undefined) {
            const closed = isClosedError(error);
            this.#end(
              closed ? "eof" : "error",
              `${
                closed ? "Input closed" : "Read error"
              } on ${this.name} after ${this.#counters.bytes} bytes (${
                describeError(error)
              })`,
              error,
            );
          }
          return null;
        }
        if (this.#ended !== undefined) return null;
        if (n === null) {
          this.#end(
            "eof",
            `End of ${this.name} after ${this.#counters.bytes} bytes`,
          );
          return null;
        }
        if (n > 0) {
          this.#counters.bytes += n;
          this.#counters.chunks++;
          return n;
        }
        if (++zeroReads >= MAX_ZERO_READS) {
          this.#end(
            "error",
            `Expected ${this.name} to deliver bytes, found ${MAX_ZERO_READS} empty reads in a row`,
          );
          return null;
        }
      }
    } finally {
      this.#reading = false;
    }
  }

  /** Ends the source with reason `"closed"` and closes the input. */
  close(): void {
    this.#end("closed", `Closed ${this.name}`);
  }

  async #readStream(
    stream: ReadableStreamDefaultReader<Uint8Array>,
    buf: Uint8Array,
  ): Promise<number | null> {
    let chunk = this.#chunk;
    if (chunk === undefined) {
      const result = await stream.read();
      if (result.done) return null;
      chunk = result.value;
      this.#chunkOffset = 0;
    }
    const offset = this.#chunkOffset;
    const n = Math.min(buf.length, chunk.length - offset);
    if (offset === 0 && n === chunk.length) buf.set(chunk);
    else buf.set(chunk.subarray(offset, offset + n));
    if (offset + n < chunk.length) {
      this.#chunk = chunk;
      this.#chunkOffset = offset + n;
    } else {
      this.#chunk = undefined;
    }
    return n;
  }

  #end(reason: SourceEndReason, message: string, error?: unknown): void {
    if (this.#ended !== undefined) return;
    this.#ended = error === undefined
      ? { reason, message }
      : { reason, message, error };
    this.#abortSignal?.removeEventListener("abort", this.#onAbort);
    this.#chunk = undefined;
    const input = this.#input;
    if (this.#stream !== undefined) {
      this.#stream.cancel().catch(() => {});
    } else if (input instanceof ReadableStream) {
      if (!input.locked) input.cancel().catch(() => {});
    } else {
      try {
        input.close?.();
      } catch {
        // Already closed.
      }
    }
  }
}
