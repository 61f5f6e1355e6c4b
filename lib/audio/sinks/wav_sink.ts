/**
 * {@link WavSink}: writes a WAV file (16-bit PCM or 32-bit float). The
 * header's sizes are rewritten on close and periodically while writing, so
 * a file whose writer was killed still opens, with everything up to the
 * last header update.
 *
 * @module
 */

import { bytesPerSample, encodePcm } from "./pcm.ts";
import {
  blockFrames,
  checkSampleEncoding,
  checkSinkFormat,
  type SampleEncoding,
  type Sink,
  type SinkFormat,
  SinkStateError,
  type SinkStats,
} from "./sink.ts";
import { WAV_MAX_DATA_BYTES, wavHeader } from "./wav_header.ts";

const CONSTRUCT: unique symbol = Symbol("WavSink");

/**
 * Options of {@link WavSink.open}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WavSinkOptions } from "./wav_sink.ts";
 *
 * const options: WavSinkOptions = { sampleRate: 48000, channels: 2, blockSize: 256, encoding: "f32le" };
 * equal(options.encoding, "f32le");
 * ```
 */
export interface WavSinkOptions extends SinkFormat {
  /** `s16le` (16-bit PCM, default) or `f32le` (32-bit float). */
  encoding?: SampleEncoding;
  /**
   * Rewrite the header at most this often while writing (ms); `0` after
   * every block. Default 1000.
   */
  headerIntervalMs?: number;
  /**
   * Stop writing (and count dropped blocks) past this many data bytes.
   * Default and maximum: the WAV limit of just under 4 GiB.
   */
  maxDataBytes?: number;
  /** Monotonic clock in ms for the header interval. Default `performance.now`. */
  now?: () => number;
  /**
   * Replace an existing file. Default `true`; with `false`, `open` fails
   * with `Deno.errors.AlreadyExists` if the file exists.
   */
  overwrite?: boolean;
}

/**
 * Counters of a {@link WavSink}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WavSinkStats } from "./wav_sink.ts";
 *
 * const stats: WavSinkStats = { blocks: 1, frames: 256, bytes: 1024, headerWrites: 1, droppedFull: 0 };
 * equal(stats.bytes, 1024);
 * ```
 */
export interface WavSinkStats extends SinkStats {
  /** Header rewrites (the first write and the final one included). */
  headerWrites: number;
  /** Blocks not written because the file reached its size limit. */
  droppedFull: number;
}

/**
 * A WAV file being written. Open it with {@link WavSink.open}; `bytes` in
 * the stats counts sample data, not the header.
 *
 * @example Writing and reading back
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseWavHeader } from "./wav_header.ts";
 * import { WavSink } from "./wav_sink.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const sink = await WavSink.open(`${dir}/out.wav`, { sampleRate: 48000, channels: 2, blockSize: 256 });
 *   for (let i = 0; i < 10; i++) await sink.write(new Float32Array(512).fill(0.5));
 *   await sink.close();
 *   const header = parseWavHeader(await Deno.readFile(`${dir}/out.wav`));
 *   equal(header.dataBytes, 10 * 256 * 2 * 2);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export class WavSink implements Sink {
  /** The stream format. */
  readonly format: Readonly<SinkFormat>;
  /** The sample encoding. */
  readonly encoding: SampleEncoding;
  /** The file's path. */
  readonly path: string;
  readonly #file: Deno.FsFile;
  readonly #frameBytes: number;
  readonly #maxDataBytes: number;
  readonly #headerIntervalMs: number;
  readonly #now: () => number;
  #buffer: Uint8Array;
  #dataBytes = 0;
  #lastHeaderAt = -Infinity;
  #headerDirty = false;
  #busy: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #stats: WavSinkStats = {
    blocks: 0,
    frames: 0,
    bytes: 0,
    headerWrites: 0,
    droppedFull: 0,
  };

  /**
   * Use {@link WavSink.open}.
   *
   * @param token Module-private.
   * @param path The file's path.
   * @param file The open file.
   * @param format The checked format.
   * @param options The options.
   */
  constructor(
    token: typeof CONSTRUCT,
    path: string,
    file: Deno.FsFile,
    format: Readonly<SinkFormat>,
    options: WavSinkOptions,
  ) {
    if (token !== CONSTRUCT) {
      throw new TypeError(
        "Expected WavSink to be created by WavSink.open(), found a direct constructor call",
      );
    }
    this.path = path;
    this.#file = file;
    this.format = format;
    this.encoding = options.encoding ?? "s16le";
    this.#frameBytes = format.channels * bytesPerSample(this.encoding);
    const limit = Math.min(
      options.maxDataBytes ?? WAV_MAX_DATA_BYTES,
      WAV_MAX_DATA_BYTES,
    );
    this.#maxDataBytes = Math.floor(limit / this.#frameBytes) *
      this.#frameBytes;
    this.#headerIntervalMs = options.headerIntervalMs ?? 1000;
    this.#now = options.now ?? (() => performance.now());
    this.#buffer = new Uint8Array(format.blockSize * this.#frameBytes);
  }

  /**
   * Creates (or truncates) the file and writes a header for an empty
   * stream.
   *
   * @param path Where to write.
   * @param options Format, encoding, header interval and size limit.
   * @returns The open sink.
   * @throws {RangeError} If the format or a limit is invalid.
   * @throws {Deno.errors.NotFound} And other file errors from `Deno.open`
   * (`AlreadyExists` when `overwrite` is `false`).
   */
  static async open(path: string, options: WavSinkOptions): Promise<WavSink> {
    const format = checkSinkFormat(options);
    checkSampleEncoding(options.encoding);
    const interval = options.headerIntervalMs ?? 1000;
    if (!(interval >= 0)) {
      throw new RangeError(
        `Expected headerIntervalMs to be a non-negative number, found ${interval}`,
      );
    }
    if (
      options.maxDataBytes !== undefined &&
      !(Number.isSafeInteger(options.maxDataBytes) && options.maxDataBytes >= 0)
    ) {
      throw new RangeError(
        `Expected maxDataBytes to be a non-negative integer, found ${options.maxDataBytes}`,
      );
    }
    const file = await Deno.open(
      path,
      options.overwrite === false
        ? { write: true, createNew: true }
        : { write: true, create: true, truncate: true },
    );
    const sink = new WavSink(CONSTRUCT, path, file, format, options);
    try {
      await sink.#writeHeader();
    } catch (error) {
      file.close();
      throw error;
    }
    return sink;
  }

  /** The counters. */
  get stats(): WavSinkStats {
    return { ...this.#stats };
  }

  /** Seconds of audio written so far. */
  get seconds(): number {
    return this.#dataBytes / this.#frameBytes / this.format.sampleRate;
  }

  /**
   * Appends a block (encoded into a preallocated buffer), and rewrites the
   * header if the interval has passed.
   *
   * @param block Interleaved samples.
   * @throws {SinkStateError} After `close`, or while a previous write is
   * still in progress.
   * @throws {RangeError} If the block is not whole frames.
   */
  async write(block: Float32Array): Promise<void> {
    if (this.#closing) {
      throw new SinkStateError("Expected an open WAV sink, found it closed");
    }
    if (this.#busy) {
      throw new SinkStateError(
        "Expected the previous write() to have finished, found it in progress",
      );
    }
    const frames = blockFrames(block, this.format.channels);
    const done = Promise.withResolvers<void>();
    this.#busy = done.promise;
    try {
      const size = frames * this.#frameBytes;
      if (this.#dataBytes + size > this.#maxDataBytes) {
        this.#stats.droppedFull++;
        return;
      }
      if (this.#buffer.length < size) this.#buffer = new Uint8Array(size);
      encodePcm(block, this.encoding, this.#buffer);
      await writeAll(this.#file, this.#buffer.subarray(0, size));
      this.#dataBytes += size;
      this.#headerDirty = true;
      this.#stats.blocks++;
      this.#stats.frames += frames;
      this.#stats.bytes += size;
      if (this.#now() - this.#lastHeaderAt >= this.#headerIntervalMs) {
        await this.#writeHeader();
      }
    } finally {
      this.#busy = undefined;
      done.resolve();
    }
  }

  /**
   * Rewrites the header now (the sizes of everything written so far).
   *
   * @throws {SinkStateError} After `close` or during a write.
   */
  async flushHeader(): Promise<void> {
    if (this.#closing || this.#busy) {
      throw new SinkStateError(
        "Expected an open, idle WAV sink, found it closed or writing",
      );
    }
    const done = Promise.withResolvers<void>();
    this.#busy = done.promise;
    try {
      await this.#writeHeader();
    } finally {
      this.#busy = undefined;
      done.resolve();
    }
  }

  /**
   * Waits for a write in progress, writes the final header and closes the
   * file. Idempotent.
   *
   * @returns A promise that resolves when the file is closed.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#busy;
        if (this.#headerDirty || this.#stats.headerWrites === 0) {
          await this.#writeHeader();
        }
      } finally {
        this.#file.close();
      }
    })();
    return this.#closing;
  }

  async #writeHeader(): Promise<void> {
    const header = wavHeader({
      encoding: this.encoding,
      sampleRate: this.format.sampleRate,
      channels: this.format.channels,
      dataBytes: this.#dataBytes,
    });
    await this.#file.seek(0, Deno.SeekMode.Start);
    await writeAll(this.#file, header);
    await this.#file.seek(0, Deno.SeekMode.End);
    this.#lastHeaderAt = this.#now();
    this.#headerDirty = false;
    this.#stats.headerWrites++;
  }
}

/**
 * Writes every byte (`write` may take fewer).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { writeAll } from "./wav_sink.ts";
 *
 * const chunks: number[] = [];
 * const writer = { write: (p: Uint8Array) => { chunks.push(Math.min(p.length, 3)); return Promise.resolve(Math.min(p.length, 3)); } };
 * await writeAll(writer, new Uint8Array(7));
 * equal(chunks.join(","), "3,3,1");
 * ```
 *
 * @param writer Anything with `write(bytes): Promise<number>`.
 * @param bytes The bytes.
 * @returns A promise that resolves when everything is written.
 */
export async function writeAll(
  writer: { write(p: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    offset += await writer.write(bytes.subarray(offset));
  }
}
