/**
 * Writes frames (see `../worker/protocol.ts`) to a worker's stdin without
 * allocating per frame: frames are composed in place in one of two
 * preallocated buffers while the other is being written (a write hands
 * the runtime a view of the buffer, which must not change until the write
 * finishes). Bounded: when a worker stops reading (a stall) and the
 * pending bytes reach the capacity, further frames are dropped and
 * counted, never queued without limit.
 *
 * @module
 */

import { FRAME_HEADER_BYTES, writeF64, writeU32 } from "../worker/protocol.ts";

/**
 * Options of {@linkcode PipeWriter}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PipeWriterOptions } from "./pipe_writer.ts";
 * const o: PipeWriterOptions = { capacity: 1 << 16 };
 * equal(o.capacity, 65536);
 * ```
 */
export interface PipeWriterOptions {
  /** Bytes that may wait for the pipe (per buffer). Default 256 KiB. */
  capacity?: number;
  /** Told once when a write fails (the worker is gone). */
  onError?: (error: unknown) => void;
}

/**
 * The double-buffered frame writer of one pipe.
 *
 * @example Frames arrive in order
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { PipeWriter } from "./pipe_writer.ts";
 * const got: number[] = [];
 * const stream = new WritableStream<Uint8Array>({ write(chunk) { got.push(...chunk); } });
 * const w = new PipeWriter(stream);
 * w.sendF64(4, 2);
 * w.send(7, new Uint8Array(0));
 * await w.close();
 * equal(got.length, 16 + 8);
 * equal(got[4], 4);
 * equal(got[20], 7);
 * ```
 */
export class PipeWriter {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #capacity: number;
  readonly #onError: (error: unknown) => void;
  #fill: Uint8Array;
  #spare: Uint8Array;
  #fillLength = 0;
  #writing: Promise<void> | undefined;
  #broken = false;
  #closed = false;
  #dropped = 0;
  #bytesWritten = 0;

  /**
   * @param stream The pipe (a child's stdin).
   * @param options Capacity and error callback.
   */
  constructor(
    stream: WritableStream<Uint8Array>,
    options: PipeWriterOptions = {},
  ) {
    this.#writer = stream.getWriter();
    this.#capacity = options.capacity ?? 256 * 1024;
    this.#onError = options.onError ?? (() => {});
    this.#fill = new Uint8Array(this.#capacity);
    this.#spare = new Uint8Array(this.#capacity);
    // a failed close or write must not surface as an unhandled rejection
    this.#writer.closed.catch(() => {});
  }

  /** Frames dropped because the pipe was full, broken or closed. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Bytes handed to the pipe. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Bytes composed but not yet handed to the pipe. */
  get pendingBytes(): number {
    return this.#fillLength;
  }

  /** True once a write failed. */
  get broken(): boolean {
    return this.#broken;
  }

  /**
   * Sends a frame whose payload is one float64 (credits, snapshot
   * requests): no allocation.
   *
   * @param type The frame type.
   * @param value The number.
   * @returns `false` if the frame was dropped.
   */
  sendF64(type: number, value: number): boolean {
    const at = this.#reserve(type, 8);
    if (at < 0) return false;
    writeF64(this.#fill, at, value);
    this.#commit();
    return true;
  }

  /**
   * Sends a frame with a copy of `payload`.
   *
   * @param type The frame type.
   * @param payload The payload.
   * @returns `false` if the frame was dropped.
   */
  send(type: number, payload: Uint8Array): boolean {
    const at = this.#reserve(type, payload.length);
    if (at < 0) return false;
    this.#fill.set(payload, at);
    this.#commit();
    return true;
  }

  /**
   * Waits for pending bytes to be written, then closes the pipe (the
   * worker sees the end of its input). Never rejects. If the worker does
   * not read, this waits until it is killed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#writing) await this.#writing;
    try {
      await this.#writer.close();
    } catch {
      // already broken
    }
  }

  /** Closes the pipe at once, dropping pending bytes. Never rejects. */
  async abort(): Promise<void> {
    this.#closed = true;
    this.#fillLength = 0;
    try {
      await this.#writer.abort();
    } catch {
      // already broken
    }
  }

  /** Returns the payload offset in `#fill`, or -1 if the frame is dropped. */
  #reserve(type: number, payloadLength: number): number {
    if (this.#broken || this.#closed) {
      this.#dropped++;
      return -1;
    }
    const need = FRAME_HEADER_BYTES + payloadLength;
    if (this.#fillLength + need > this.#fill.length) {
      // only a frame larger than the capacity (a snapshot) grows a buffer
      const limit = this.#capacity + (need > this.#capacity ? need : 0);
      if (this.#fillLength + need > limit) {
        this.#dropped++;
        return -1;
      }
      const next = new Uint8Array(this.#fillLength + need);
      next.set(this.#fill.subarray(0, this.#fillLength));
      this.#fill = next;
    }
    const at = this.#fillLength;
    writeU32(this.#fill, at, 4 + payloadLength);
    writeU32(this.#fill, at + 4, type);
    this.#fillLength += need;
    return at + FRAME_HEADER_BYTES;
  }

  #commit(): void {
    if (this.#writing === undefined) this.#writing = this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      while (this.#fillLength > 0 && !this.#broken) {
        const sending = this.#fill;
        const length = this.#fillLength;
        this.#fill = this.#spare.length >= this.#capacity
          ? this.#spare
          : new Uint8Array(this.#capacity);
        this.#fillLength = 0;
        try {
          await this.#writer.write(sending.subarray(0, length));
          this.#bytesWritten += length;
        } catch (error) {
          this.#broken = true;
          this.#fillLength = 0;
          this.#onError(error);
        }
        // a grown buffer is released; the normal one becomes the spare
        this.#spare = sending.length === this.#capacity
          ? sending
          : new Uint8Array(this.#capacity);
      }
    } finally {
      this.#writing = undefined;
    }
  }
}
