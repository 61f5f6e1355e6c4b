/**
 * {@link RawSink}: raw interleaved PCM (`s16le` or `f32le`) on stdout or
 * any writer, for piping into another program
 * (`shack audio run --sink raw | aplay -t raw -f S16_LE -r 48000 -c 2`).
 *
 * @module
 */

import { PcmBlockWriter } from "./_pcm_block_writer.ts";
import {
  checkSampleEncoding,
  checkSinkFormat,
  type SampleEncoding,
  type Sink,
  type SinkFormat,
  SinkStateError,
  type SinkStats,
} from "./sink.ts";
import { writeAll } from "./wav_sink.ts";

/**
 * Where a {@link RawSink} writes: `Deno.stdout`, a `Deno.FsFile`, a
 * connection.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RawWriter } from "./raw_sink.ts";
 *
 * const writer: RawWriter = Deno.stdout;
 * equal(typeof writer.write, "function");
 * ```
 */
export interface RawWriter {
  /** Writes some of the bytes; resolves with how many. */
  write(p: Uint8Array): Promise<number>;
  /** Closes the writer (called by `close` only with `closeWriter`). */
  close?(): void;
}

/**
 * Options of {@link RawSink}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RawSinkOptions } from "./raw_sink.ts";
 *
 * const options: RawSinkOptions = { sampleRate: 48000, channels: 2, blockSize: 256, encoding: "f32le" };
 * equal(options.encoding, "f32le");
 * ```
 */
export interface RawSinkOptions extends SinkFormat {
  /** `s16le` (default) or `f32le`. */
  encoding?: SampleEncoding;
  /** Where to write. Default `Deno.stdout`. */
  writer?: RawWriter;
  /** Close the writer on `close`. Default `false` (stdout stays open). */
  closeWriter?: boolean;
}

/**
 * Counters of a {@link RawSink}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RawSinkStats } from "./raw_sink.ts";
 *
 * const stats: RawSinkStats = { blocks: 1, frames: 256, bytes: 1024, writeErrors: 0 };
 * equal(stats.writeErrors, 0);
 * ```
 */
export interface RawSinkStats extends SinkStats {
  /** Writes that failed (a closed pipe). */
  writeErrors: number;
}

/**
 * Writes each block as raw little-endian PCM, encoded into a preallocated
 * buffer. A failed write (the reader went away: `BrokenPipe`) rejects and
 * is counted.
 *
 * @example Writing to a file
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RawSink } from "./raw_sink.ts";
 *
 * const path = await Deno.makeTempFile();
 * const file = await Deno.open(path, { write: true });
 * const sink = new RawSink({ sampleRate: 48000, channels: 1, blockSize: 4, writer: file, closeWriter: true });
 * await sink.write(new Float32Array([0, 0.5, -0.5, 1]));
 * await sink.close();
 * equal((await Deno.readFile(path)).length, 8);
 * await Deno.remove(path);
 * ```
 */
export class RawSink implements Sink {
  /** The stream format. */
  readonly format: Readonly<SinkFormat>;
  /** The sample encoding. */
  readonly encoding: SampleEncoding;
  readonly #writer: RawWriter;
  readonly #closeWriter: boolean;
  readonly #pcm: PcmBlockWriter;
  #closed = false;

  /**
   * @param options Format, encoding and writer.
   * @throws {RangeError} If the format or encoding is invalid.
   */
  constructor(options: RawSinkOptions) {
    this.format = checkSinkFormat(options);
    this.encoding = checkSampleEncoding(options.encoding);
    this.#writer = options.writer ?? Deno.stdout;
    this.#closeWriter = options.closeWriter ?? false;
    this.#pcm = new PcmBlockWriter(this.format, this.encoding);
  }

  /** The counters. */
  get stats(): RawSinkStats {
    return this.#pcm.stats;
  }

  /**
   * Writes one block.
   *
   * @param block Interleaved samples.
   * @throws {SinkStateError} After `close`, or during another write.
   * @throws {RangeError} If the block is not whole frames.
   */
  async write(block: Float32Array): Promise<void> {
    if (this.#closed) {
      throw new SinkStateError("Expected an open raw sink, found it closed");
    }
    await this.#pcm.write(block, (bytes) => writeAll(this.#writer, bytes));
  }

  /** Closes the writer if `closeWriter` was set. Idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#closeWriter) {
        try {
          this.#writer.close?.();
        } catch {
          // already closed
        }
      }
    }
    return Promise.resolve();
  }
}
