/**
 * {@link RawSink}: raw interleaved PCM (`s16le` or `f32le`) on stdout or
 * any writer, for piping into another program
 * (`shack audio run --sink raw | aplay -t raw -f S16_LE -r 48000 -c 2`).
 *
 * @module
 */

import { bytesPerSample, encodePcm } from "./pcm.ts";
import {
  blockFrames,
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
  #buffer: Uint8Array;
  #busy = false;
  #closed = false;
  #stats: RawSinkStats = { blocks: 0, frames: 0, bytes: 0, writeErrors: 0 };

  /**
   * @param options Format, encoding and writer.
   * @throws {RangeError} If the format or encoding is invalid.
   */
  constructor(options: RawSinkOptions) {
    this.format = checkSinkFormat(options);
    this.encoding = options.encoding ?? "s16le";
    if (this.encoding !== "s16le" && this.encoding !== "f32le") {
      throw new RangeError(
        `Expected encoding "s16le" or "f32le", found ${
          JSON.stringify(this.encoding)
        }`,
      );
    }
    this.#writer = options.writer ?? Deno.stdout;
    this.#closeWriter = options.closeWriter ?? false;
    this.#buffer = new Uint8Array(
      this.format.blockSize * this.format.channels *
        bytesPerSample(this.encoding),
    );
  }

  /** The counters. */
  get stats(): RawSinkStats {
    return { ...this.#stats };
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
    if (this.#busy) {
      throw new SinkStateError(
        "Expected the previous write() to have finished, found it in progress",
      );
    }
    const frames = blockFrames(block, this.format.channels);
    const size = block.length * bytesPerSample(this.encoding);
    if (this.#buffer.length < size) this.#buffer = new Uint8Array(size);
    encodePcm(block, this.encoding, this.#buffer);
    this.#busy = true;
    try {
      await writeAll(this.#writer, this.#buffer.subarray(0, size));
    } catch (error) {
      this.#stats.writeErrors++;
      throw error;
    } finally {
      this.#busy = false;
    }
    this.#stats.blocks++;
    this.#stats.frames += frames;
    this.#stats.bytes += size;
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
