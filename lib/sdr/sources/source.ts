/**
 * The contract every sample source of `shack sdr serve` follows (stdin, file,
 * rtl_tcp, synthetic): a pull-based byte reader in a declared
 * {@linkcode SampleFormat}, started once with an `AbortSignal`, that ends with
 * a recorded reason and never spins once it has ended.
 *
 * Pull, not an async iterator, so a DSP Worker can read straight into one
 * preallocated buffer (even a view of a SharedArrayBuffer) with no object
 * per chunk: `read(buf)` fills the caller's buffer and returns a byte count,
 * {@linkcode readFull} fills it completely (one FFT hop at a time), and the
 * Float32 conversion is {@linkcode SampleStreamConverter}'s job.
 *
 * @module
 */

import { type SampleFormat, sampleFormatBytes } from "../sample_format.ts";
import type { SignalKind } from "../spectrum_layout.ts";

/**
 * Why a source stopped delivering bytes.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SourceEndReason } from "./source.ts";
 *
 * const reason: SourceEndReason = "eof";
 * equal(reason, "eof");
 * ```
 */
export type SourceEndReason =
  /** The input ended (end of file, the writer closed the pipe). */
  | "eof"
  /** The start signal aborted. */
  | "aborted"
  /** `close()` was called. */
  | "closed"
  /** An I/O or protocol error the source could not recover from. */
  | "error";

/**
 * How a source ended; set once, never changed afterwards.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SourceEnd } from "./source.ts";
 *
 * const end: SourceEnd = { reason: "eof", message: "End of file after 4 bytes" };
 * equal(end.reason, "eof");
 * ```
 */
export interface SourceEnd {
  /** The kind of end. */
  readonly reason: SourceEndReason;
  /** A sentence for the log ("End of stdin after 1048576 bytes"). */
  readonly message: string;
  /** The underlying error, for `"error"` (and closed pipes). */
  readonly error?: unknown;
}

/**
 * Live counters of a source (the object is updated in place; read it any
 * time, it is never replaced).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createSourceCounters } from "./source.ts";
 *
 * const counters = createSourceCounters();
 * equal(counters.bytes + counters.chunks + counters.overruns, 0);
 * ```
 */
export interface SourceCounters {
  /** Bytes delivered to the reader (padding included, see rtl_tcp). */
  bytes: number;
  /** Successful `read()` calls. */
  chunks: number;
  /**
   * Times a paced source (file, synthetic) found its reader more than
   * `maxLagMs` behind real time and restarted its clock instead of bursting
   * to catch up (the data itself is not dropped). Live sources drop in the
   * device or the kernel, where this cannot be seen, so they report 0.
   */
  overruns: number;
  /** Connections made after the first one (rtl_tcp). */
  reconnects: number;
  /** Failed connection attempts (rtl_tcp). */
  connectFailures: number;
  /** Times a looping file started again from its beginning. */
  loops: number;
}

/**
 * A fresh set of zeroed counters.
 *
 * @returns The counters.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createSourceCounters } from "./source.ts";
 *
 * equal(createSourceCounters().loops, 0);
 * ```
 */
export function createSourceCounters(): SourceCounters {
  return {
    bytes: 0,
    chunks: 0,
    overruns: 0,
    reconnects: 0,
    connectFailures: 0,
    loops: 0,
  };
}

/**
 * A source of raw samples.
 *
 * Lifecycle: construct, `start(signal)` once (opens files, checks options),
 * then call `read(buf)` in a loop until it resolves `null`; `ended` then
 * says why. After the end every `read()` resolves `null` at once without
 * touching the input, so `while ((n = await src.read(buf)) !== null)` always
 * terminates. Aborting the signal ends the source at once: a pending `read()`
 * resolves `null` (its bytes, if any, are dropped) and the input is closed.
 * Only one `read()` may be pending at a time.
 *
 * @example Reading a source to its end
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SyntheticSource } from "./synthetic_source.ts";
 *
 * const source = new SyntheticSource({ sps: 48000, pace: "fast", durationSeconds: 0.01 });
 * await source.start(new AbortController().signal);
 * const buf = new Uint8Array(4096);
 * let total = 0;
 * for (let n; (n = await source.read(buf)) !== null;) total += n;
 * equal(total, 480 * 8); // 480 f32 IQ samples
 * equal(source.ended?.reason, "eof");
 * ```
 */
export interface SampleSource {
  /** What kind of source this is (`"stdin"`, `"file"`, `"rtl_tcp"`, `"synthetic"`). */
  readonly kind: string;
  /** Format of the bytes `read()` delivers. */
  readonly format: SampleFormat;
  /** Interleaved I,Q pairs or real samples. */
  readonly signal: SignalKind;
  /** Samples per second (IQ pairs or real values). */
  readonly sps: number;
  /** `[input] frequency` in Hz: the centre (IQ) or the lower edge (real). */
  readonly frequency: number;
  /** Live counters. */
  readonly counters: Readonly<SourceCounters>;
  /** How the source ended, or `undefined` while it runs. */
  readonly ended: SourceEnd | undefined;
  /**
   * Binds the abort signal and opens the input.
   *
   * @param signal Aborting it ends the source at once.
   * @throws {SampleSourceError} If the input cannot be opened.
   */
  start(signal: AbortSignal): Promise<void>;
  /**
   * Reads the next bytes into `buf` from index 0.
   *
   * @param buf Destination (not empty).
   * @returns Bytes written (≥ 1), or `null` once the source has ended.
   */
  read(buf: Uint8Array): Promise<number | null>;
  /** Ends the source (reason `"closed"` unless already ended) and releases it. */
  close(): void;
}

/**
 * A source that cannot be opened or used as configured (missing file, a
 * non-rtl_tcp peer, bad options found at start).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SampleSourceError } from "./source.ts";
 *
 * const error = new SampleSourceError("Expected a readable file, found NotFound");
 * equal(error.name, "SampleSourceError");
 * ```
 */
export class SampleSourceError extends Error {
  /**
   * @param message What was expected and what was found.
   * @param options The underlying error as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SampleSourceError";
  }
}

/**
 * Reads until `buf` is full or the source ends: the way to pull whole FFT
 * hops without allocating (a short count only comes with the end).
 *
 * @param source A started source.
 * @param buf Destination, filled from index 0.
 * @returns Bytes written: `buf.length`, or fewer (possibly 0) when the
 * source ended first.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readFull } from "./source.ts";
 * import { SyntheticSource } from "./synthetic_source.ts";
 *
 * const source = new SyntheticSource({ sps: 48000, pace: "fast", format: "u8" });
 * await source.start(new AbortController().signal);
 * equal(await readFull(source, new Uint8Array(1000)), 1000);
 * source.close();
 * equal(await readFull(source, new Uint8Array(1000)), 0);
 * ```
 */
export async function readFull(
  source: SampleSource,
  buf: Uint8Array,
): Promise<number> {
  let filled = 0;
  let rest: Uint8Array = buf;
  while (filled < buf.length) {
    const n = await source.read(rest);
    if (n === null) break;
    filled += n;
    if (filled < buf.length) rest = buf.subarray(filled);
  }
  return filled;
}

/**
 * Bytes per whole sample: the format's size, doubled for IQ.
 *
 * @param format The sample format.
 * @param signal Real or IQ.
 * @returns Bytes per sample.
 * @throws {RangeError} For an unknown format or signal.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sourceSampleBytes } from "./source.ts";
 *
 * equal(sourceSampleBytes("u8", "iq"), 2);
 * equal(sourceSampleBytes("f32", "real"), 4);
 * ```
 */
export function sourceSampleBytes(
  format: SampleFormat,
  signal: SignalKind,
): number {
  const size = sampleFormatBytes(format);
  if (signal !== "iq" && signal !== "real") {
    throw new RangeError(
      `Expected a signal "iq" or "real", found "${String(signal)}"`,
    );
  }
  return signal === "iq" ? 2 * size : size;
}
