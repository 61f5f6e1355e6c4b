/**
 * Reads length-prefixed frames (see `protocol.ts`) from a byte stream into
 * one reusable buffer and hands each complete frame to a callback as an
 * offset into that buffer: no allocation per frame. Works over
 * `Deno.stdin` (`read(buffer)`) and over a child's stdout with a BYOB
 * reader (whose reads transfer the buffer; the reader follows it).
 *
 * @module
 */

import { FRAME_HEADER_BYTES, MAX_FRAME_BYTES, readU32 } from "./protocol.ts";

/**
 * Where frames come from.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ByteSource } from "./frame_reader.ts";
 * const empty: ByteSource = { read: () => Promise.resolve(null) };
 * equal(await empty.read(new Uint8Array(4)), null);
 * ```
 */
export interface ByteSource {
  /**
   * Reads some bytes into `into` (a view at the end of the reader's
   * buffer). Returns the bytes read, as a view that may sit on a new
   * ArrayBuffer when the source transfers buffers (BYOB), or `null` at the
   * end of the stream.
   */
  read(into: Uint8Array): Promise<Uint8Array | null>;
}

/**
 * A {@linkcode ByteSource} over anything with `read(p): Promise<number | null>`
 * (`Deno.stdin`, `Deno.FsFile`, a `Deno.Conn`).
 *
 * @param reader The reader.
 * @returns The source.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readerSource } from "./frame_reader.ts";
 * const src = readerSource({ read: (p) => { p[0] = 7; return Promise.resolve(1); } });
 * equal((await src.read(new Uint8Array(4)))![0], 7);
 * ```
 */
export function readerSource(
  reader: { read(p: Uint8Array): Promise<number | null> },
): ByteSource {
  return {
    async read(into) {
      const n = await reader.read(into);
      return n === null ? null : into.subarray(0, n);
    },
  };
}

/**
 * A {@linkcode ByteSource} over a byte stream read with a BYOB reader (no
 * chunk allocation by the runtime). `release()` gives the lock back.
 *
 * @param stream A byte stream (a child's stdout).
 * @returns The source and a release function.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { byobSource } from "./frame_reader.ts";
 * const stream = new ReadableStream({
 *   type: "bytes",
 *   start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close(); },
 * });
 * const src = byobSource(stream);
 * equal((await src.read(new Uint8Array(8)))!.length, 3);
 * equal(await src.read(new Uint8Array(8)), null);
 * src.release();
 * ```
 */
export function byobSource(
  stream: ReadableStream<Uint8Array>,
): ByteSource & { release(): void } {
  const reader = stream.getReader({ mode: "byob" });
  return {
    async read(into) {
      const result = await reader.read(into);
      if (result.done) return null;
      return result.value;
    },
    release() {
      try {
        reader.releaseLock();
      } catch {
        // a read is pending; cancelling the stream ends it
      }
    },
  };
}

/**
 * Receives one frame: `bytes[offset, offset + length)` is the whole frame
 * (`length` includes the 8-byte header). Valid only during the call.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FrameHandler } from "./frame_reader.ts";
 * let seen = 0;
 * const handler: FrameHandler = (_type, _bytes, _offset, length) => { seen += length; };
 * handler(1, new Uint8Array(8), 0, 8);
 * equal(seen, 8);
 * ```
 */
export type FrameHandler = (
  type: number,
  bytes: Uint8Array,
  offset: number,
  length: number,
) => void;

/**
 * Options of {@linkcode FrameReader}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FrameReaderOptions } from "./frame_reader.ts";
 * const o: FrameReaderOptions = { initialBytes: 1 << 16 };
 * equal(o.initialBytes, 65536);
 * ```
 */
export interface FrameReaderOptions {
  /** Initial buffer size; it grows only for larger frames. Default 64 KiB. */
  initialBytes?: number;
  /** Largest frame accepted. Default 64 MiB. */
  maxFrameBytes?: number;
}

/**
 * A frame longer than the limit, or a length field too small to hold a
 * type: the stream cannot be trusted any more.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { FrameError } from "./frame_reader.ts";
 * equal(new FrameError("x").name, "FrameError");
 * ```
 */
export class FrameError extends Error {
  /** @param message What was expected and what was found. */
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/**
 * Splits a byte stream into frames.
 *
 * @example Two frames split across reads
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { FrameReader } from "./frame_reader.ts";
 * const chunks = [[8, 0, 0, 0, 1, 0], [0, 0, 9, 9, 9, 9, 4, 0, 0, 0, 2, 0, 0, 0]];
 * const reader = new FrameReader({
 *   read(into) {
 *     const c = chunks.shift();
 *     if (!c) return Promise.resolve(null);
 *     into.set(c);
 *     return Promise.resolve(into.subarray(0, c.length));
 *   },
 * });
 * const types: number[] = [];
 * await reader.run((type) => types.push(type));
 * deepEqual(types, [1, 2]);
 * ```
 */
export class FrameReader {
  readonly #source: ByteSource;
  readonly #maxFrameBytes: number;
  #buf: Uint8Array;
  #start = 0;
  #end = 0;
  #bytesRead = 0;
  #frames = 0;

  /**
   * @param source Where the bytes come from.
   * @param options Buffer size and frame limit.
   */
  constructor(source: ByteSource, options: FrameReaderOptions = {}) {
    this.#source = source;
    this.#maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.#buf = new Uint8Array(options.initialBytes ?? 65536);
  }

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Complete frames delivered so far. */
  get frames(): number {
    return this.#frames;
  }

  /** Bytes of an incomplete frame left when the stream ended (0 if none). */
  get pendingBytes(): number {
    return this.#end - this.#start;
  }

  /**
   * Reads until the end of the stream, calling `onFrame` for each frame.
   *
   * @param onFrame The frame callback (synchronous).
   * @returns When the stream ends (a trailing partial frame is dropped; see
   * `pendingBytes`).
   * @throws {FrameError} For a frame that is too large or too short.
   */
  async run(onFrame: FrameHandler): Promise<void> {
    while (true) {
      if (this.#end === this.#buf.length) this.#makeRoom(0);
      const got = await this.#source.read(this.#buf.subarray(this.#end));
      if (got === null) return;
      if (got.buffer !== this.#buf.buffer) {
        // a BYOB read transferred the buffer: same memory, new object
        this.#buf = new Uint8Array(got.buffer);
      }
      this.#end += got.length;
      this.#bytesRead += got.length;
      this.#parse(onFrame);
    }
  }

  #parse(onFrame: FrameHandler): void {
    const buf = this.#buf;
    while (this.#end - this.#start >= 4) {
      const length = readU32(buf, this.#start);
      if (length < 4 || length + 4 > this.#maxFrameBytes) {
        throw new FrameError(
          `Expected a frame length from 4 to ${
            this.#maxFrameBytes - 4
          }, found ${length}`,
        );
      }
      const total = length + 4;
      if (this.#end - this.#start < total) {
        this.#makeRoom(total);
        return;
      }
      this.#frames++;
      onFrame(readU32(buf, this.#start + 4), buf, this.#start, total);
      this.#start += total;
    }
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
    } else if (this.#end - this.#start < FRAME_HEADER_BYTES) {
      this.#makeRoom(FRAME_HEADER_BYTES);
    }
  }

  /** Makes sure a frame of `total` bytes fits from `#start`. */
  #makeRoom(total: number): void {
    const pending = this.#end - this.#start;
    const need = Math.max(total, pending + 1);
    if (need > this.#buf.length) {
      let size = this.#buf.length;
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = next;
    } else if (this.#start + need > this.#buf.length || pending === 0) {
      this.#buf.copyWithin(0, this.#start, this.#end);
    } else {
      return;
    }
    this.#start = 0;
    this.#end = pending;
  }
}
