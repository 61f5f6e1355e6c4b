/**
 * The {@link Sink} interface every audio output implements (WAV file, raw
 * PCM on stdout, null, a pipe to `pw-cat`/`pacat`/`aplay`, browsers over
 * HTTP), the {@link SinkFormat} they share, and {@link SinkStateError}.
 *
 * @module
 */

/**
 * How samples are written: signed 16-bit or 32-bit float, little-endian.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SampleEncoding } from "./sink.ts";
 *
 * const encoding: SampleEncoding = "s16le";
 * equal(encoding, "s16le");
 * ```
 */
export type SampleEncoding = "s16le" | "f32le";

/**
 * The stream a sink receives: interleaved float blocks of `blockSize`
 * frames of `channels` samples at `sampleRate`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_SINK_FORMAT, type SinkFormat } from "./sink.ts";
 *
 * const format: SinkFormat = { ...DEFAULT_SINK_FORMAT, channels: 1 };
 * equal(format.sampleRate, 48000);
 * ```
 */
export interface SinkFormat {
  /** Frames per second, 8000 to 384000. */
  sampleRate: number;
  /** Samples per frame, 1 to 32. */
  channels: number;
  /** Frames per block, 1 to 65536 (the size buffers are preallocated for). */
  blockSize: number;
}

/**
 * The defaults of the issue: 48 kHz, stereo, 256-frame blocks.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { DEFAULT_SINK_FORMAT } from "./sink.ts";
 *
 * deepEqual(DEFAULT_SINK_FORMAT, { sampleRate: 48000, channels: 2, blockSize: 256 });
 * ```
 */
export const DEFAULT_SINK_FORMAT: Readonly<SinkFormat> = Object.freeze({
  sampleRate: 48000,
  channels: 2,
  blockSize: 256,
});

/**
 * Counters every sink keeps.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SinkStats } from "./sink.ts";
 *
 * const stats: SinkStats = { blocks: 2, frames: 512, bytes: 2048 };
 * equal(stats.frames / stats.blocks, 256);
 * ```
 */
export interface SinkStats {
  /** Blocks accepted by `write`. */
  blocks: number;
  /** Frames accepted by `write`. */
  frames: number;
  /** Bytes written out (0 for sinks that write nothing). */
  bytes: number;
}

/**
 * An audio output. `write` takes one block of interleaved float samples
 * (nominally −1…1; values outside are clipped by integer encodings, NaN
 * becomes 0) whose length is a multiple of `format.channels`; await it
 * before the next `write`, since sinks reuse one preallocated buffer.
 * `close` flushes and releases everything and is idempotent.
 *
 * @example A sink that counts frames
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_SINK_FORMAT, type Sink, type SinkStats } from "./sink.ts";
 *
 * class CountingSink implements Sink {
 *   readonly format = DEFAULT_SINK_FORMAT;
 *   readonly stats: SinkStats = { blocks: 0, frames: 0, bytes: 0 };
 *   write(block: Float32Array): void {
 *     this.stats.blocks++;
 *     this.stats.frames += block.length / this.format.channels;
 *   }
 *   close(): Promise<void> {
 *     return Promise.resolve();
 *   }
 * }
 * const sink = new CountingSink();
 * await sink.write(new Float32Array(512));
 * equal(sink.stats.frames, 256);
 * await sink.close();
 * ```
 */
export interface Sink {
  /** The stream format. */
  readonly format: Readonly<SinkFormat>;
  /** The counters (a live object or a snapshot, depending on the sink). */
  readonly stats: Readonly<SinkStats>;
  /**
   * Writes one block of interleaved samples.
   *
   * @param block `frames × channels` samples.
   */
  write(block: Float32Array): Promise<void> | void;
  /** Flushes and releases the output. Idempotent. */
  close(): Promise<void>;
}

/**
 * A sink used the wrong way: written after `close`, or written again before
 * the previous write finished.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SinkStateError } from "./sink.ts";
 *
 * const error = new SinkStateError("Expected an open sink, found it closed");
 * equal(error.name, "SinkStateError");
 * ```
 */
export class SinkStateError extends Error {
  /**
   * @param message What was expected and what was found.
   */
  constructor(message: string) {
    super(message);
    this.name = "SinkStateError";
  }
}

/**
 * Checks a format and returns a frozen copy.
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { checkSinkFormat } from "./sink.ts";
 *
 * equal(checkSinkFormat({ sampleRate: 44100, channels: 1, blockSize: 512 }).channels, 1);
 * throws(() => checkSinkFormat({ sampleRate: 44100, channels: 0, blockSize: 512 }), RangeError);
 * ```
 *
 * @param format The format to check.
 * @returns The same values, frozen.
 * @throws {RangeError} If a field is not an integer in its range.
 */
export function checkSinkFormat(format: SinkFormat): Readonly<SinkFormat> {
  const check = (value: number, name: string, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(
        `Expected ${name} to be an integer from ${min} to ${max}, found ${value}`,
      );
    }
  };
  check(format.sampleRate, "sampleRate", 8000, 384000);
  check(format.channels, "channels", 1, 32);
  check(format.blockSize, "blockSize", 1, 65536);
  return Object.freeze({
    sampleRate: format.sampleRate,
    channels: format.channels,
    blockSize: format.blockSize,
  });
}

/**
 * Checks a sample encoding (`undefined` means the default, `s16le`).
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { checkSampleEncoding, type SampleEncoding } from "./sink.ts";
 *
 * equal(checkSampleEncoding(undefined), "s16le");
 * equal(checkSampleEncoding("f32le"), "f32le");
 * throws(() => checkSampleEncoding("u8" as SampleEncoding), RangeError);
 * ```
 *
 * @param encoding The encoding asked for.
 * @returns The encoding to use.
 * @throws {RangeError} If it is neither `s16le` nor `f32le`.
 */
export function checkSampleEncoding(
  encoding: SampleEncoding | undefined,
): SampleEncoding {
  const value = encoding ?? "s16le";
  if (value !== "s16le" && value !== "f32le") {
    throw new RangeError(
      `Expected encoding "s16le" or "f32le", found ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Checks that a block holds whole frames and returns its frame count.
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { blockFrames } from "./sink.ts";
 *
 * equal(blockFrames(new Float32Array(512), 2), 256);
 * throws(() => blockFrames(new Float32Array(3), 2), RangeError);
 * ```
 *
 * @param block The interleaved samples.
 * @param channels Samples per frame.
 * @returns `block.length / channels`.
 * @throws {TypeError} If the block is not a Float32Array.
 * @throws {RangeError} If its length is not a multiple of `channels`.
 */
export function blockFrames(block: Float32Array, channels: number): number {
  if (!(block instanceof Float32Array)) {
    throw new TypeError(
      `Expected a Float32Array block, found ${
        block === null ? "null" : typeof block
      }`,
    );
  }
  if (block.length % channels !== 0) {
    throw new RangeError(
      `Expected a block of whole ${channels}-channel frames, found ${block.length} samples`,
    );
  }
  return block.length / channels;
}
