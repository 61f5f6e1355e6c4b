/**
 * The write path that {@link RawSink} and {@link PipeSink} share: encode a
 * block into a reused buffer, refuse a write while one is in progress, hand
 * the bytes to the sink's writer, count blocks, frames, bytes and failed
 * writes.
 *
 * @module
 */

import { bytesPerSample, encodePcm } from "./pcm.ts";
import {
  blockFrames,
  type SampleEncoding,
  type SinkFormat,
  SinkStateError,
  type SinkStats,
} from "./sink.ts";

/**
 * Counters of a {@link PcmBlockWriter}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PcmBlockWriterStats } from "./_pcm_block_writer.ts";
 *
 * const stats: PcmBlockWriterStats = { blocks: 0, frames: 0, bytes: 0, writeErrors: 0 };
 * equal(stats.blocks, 0);
 * ```
 */
export interface PcmBlockWriterStats extends SinkStats {
  /** Writes whose `send` rejected. */
  writeErrors: number;
}

/**
 * Encodes blocks and passes them to a writer, one write at a time.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { PcmBlockWriter } from "./_pcm_block_writer.ts";
 *
 * const pcm = new PcmBlockWriter({ sampleRate: 48000, channels: 1, blockSize: 2 }, "s16le");
 * const sent: number[][] = [];
 * await pcm.write(new Float32Array([0, 1]), async (bytes) => {
 *   sent.push([...bytes]);
 * });
 * deepEqual(sent, [[0, 0, 0xff, 0x7f]]);
 * deepEqual(pcm.stats, { blocks: 1, frames: 2, bytes: 4, writeErrors: 0 });
 * ```
 */
export class PcmBlockWriter {
  readonly #format: Readonly<SinkFormat>;
  readonly #encoding: SampleEncoding;
  #buffer: Uint8Array;
  #busy = false;
  #stats: PcmBlockWriterStats = {
    blocks: 0,
    frames: 0,
    bytes: 0,
    writeErrors: 0,
  };

  /**
   * @param format The checked stream format (the buffer holds one block).
   * @param encoding The checked sample encoding.
   */
  constructor(format: Readonly<SinkFormat>, encoding: SampleEncoding) {
    this.#format = format;
    this.#encoding = encoding;
    this.#buffer = new Uint8Array(
      format.blockSize * format.channels * bytesPerSample(encoding),
    );
  }

  /** A copy of the counters. */
  get stats(): PcmBlockWriterStats {
    return { ...this.#stats };
  }

  /**
   * Encodes `block` and awaits `send` with the bytes (a view of the reused
   * buffer, valid until `send` settles). A rejection of `send` is counted
   * and rethrown.
   *
   * @param block Interleaved samples.
   * @param send Writes all the bytes.
   * @throws {SinkStateError} During another write.
   * @throws {RangeError} If the block is not whole frames.
   */
  async write(
    block: Float32Array,
    send: (bytes: Uint8Array) => Promise<unknown>,
  ): Promise<void> {
    if (this.#busy) {
      throw new SinkStateError(
        "Expected the previous write() to have finished, found it in progress",
      );
    }
    const frames = blockFrames(block, this.#format.channels);
    const size = block.length * bytesPerSample(this.#encoding);
    if (this.#buffer.length < size) this.#buffer = new Uint8Array(size);
    encodePcm(block, this.#encoding, this.#buffer);
    this.#busy = true;
    try {
      await send(this.#buffer.subarray(0, size));
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
}
