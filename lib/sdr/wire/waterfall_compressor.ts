/**
 * Per-connection zstd compression of `/waterfall` packets (sdr-phantomsdr.md
 * §2.5), on `node:zlib`'s zstd streams (available in Deno 2.9).
 *
 * PhantomSDR keeps one `ZSTD_CStream` per client and ends every message with
 * `ZSTD_e_flush`: the messages are consecutive chunks of one endless zstd
 * frame, the first carrying the frame header, each decodable by a streaming
 * decoder as soon as it arrives. `WaterfallCompressor` does the same: one
 * stream per connection whose every write is flushed (`flush:
 * ZSTD_e_flush`), exactly one packet per message. The frontend therefore
 * needs a fresh decoder per socket, which it has.
 *
 * `node:zlib` has no synchronous streaming API (its `*Sync` helpers end the
 * frame), so `compress()` is asynchronous; writes are issued one at a time so
 * that each message holds exactly one packet's output.
 *
 * Bounded memory: the window is 2^`windowLog` bytes (default 2^17 = 128 KiB,
 * about a hundred 1 KiB lines of history; PhantomSDR's level-3 default would
 * be 2 MiB) and the match tables 2^`hashLog` + 2^`chainLog` 32-bit entries
 * (default 2·2^14, 128 KiB), which costs about 2 % of compression on
 * waterfall lines against the level-3 defaults. At most `maxPending` packets
 * wait for the compressor; further ones are dropped and counted, never
 * buffered without bound.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import {
  constants,
  createZstdCompress,
  createZstdDecompress,
  type ZstdCompress,
  type ZstdDecompress,
} from "node:zlib";
import {
  encodeWaterfallPacket,
  MAX_WATERFALL_MESSAGE_BYTES,
  MAX_WATERFALL_PACKET_BYTES,
  type WaterfallPacket,
} from "./waterfall_packet.ts";

/** Options of {@linkcode WaterfallCompressor}. */
export interface WaterfallCompressorOptions {
  /** zstd compression level, 1 to 19 (default 3, PhantomSDR's default). */
  level?: number;
  /** log2 of the window size, 10 to 27 (default 17: 128 KiB). */
  windowLog?: number;
  /** log2 of the hash table entries, 6 to 26 (default 14). */
  hashLog?: number;
  /** log2 of the chain/second table entries, 6 to 26 (default 14). */
  chainLog?: number;
  /** Packets allowed to wait for the compressor (default 4); more are dropped. */
  maxPending?: number;
}

function checkRange(
  name: string,
  value: number,
  low: number,
  high: number,
): number {
  if (!Number.isInteger(value) || value < low || value > high) {
    throw new RangeError(
      `Expected ${name} to be an integer from ${low} to ${high}, found ${value}`,
    );
  }
  return value;
}

/** Output bytes of a stream as one plain `Uint8Array`. */
function drain(stream: ZstdCompress | ZstdDecompress): Uint8Array {
  const parts: Buffer[] = [];
  let chunk: Buffer | null;
  while ((chunk = stream.read() as Buffer | null) !== null) parts.push(chunk);
  const joined = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
}

/**
 * Writes one chunk to a zlib stream and resolves with exactly the output it
 * produced (the stream's flush mode ends every write).
 */
class SerialZlib {
  #stream: ZstdCompress | ZstdDecompress;
  #tail: Promise<unknown> = Promise.resolve();
  #settle: ((value: Uint8Array | undefined) => void) | undefined;
  #fail: ((error: Error) => void) | undefined;
  #closed = false;
  #error: Error | undefined;

  constructor(stream: ZstdCompress | ZstdDecompress) {
    this.#stream = stream;
    stream.on("error", (error: Error) => {
      this.#error = error;
      this.#fail?.(error);
      this.close();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  push(input: Uint8Array): Promise<Uint8Array | undefined> {
    const result = this.#tail.then(() => this.#writeOne(input));
    this.#tail = result.catch(() => {});
    return result;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const settle = this.#settle;
    this.#settle = undefined;
    this.#fail = undefined;
    settle?.(undefined);
    this.#stream.destroy();
  }

  #writeOne(input: Uint8Array): Promise<Uint8Array | undefined> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.#settle = resolve;
      this.#fail = reject;
      this.#stream.write(input, (error) => {
        if (this.#settle !== resolve) return; // closed meanwhile
        this.#settle = undefined;
        this.#fail = undefined;
        if (error) reject(error);
        else resolve(drain(this.#stream));
      });
    });
  }
}

/**
 * One connection's `/waterfall` zstd stream: each `compress()` returns one
 * WebSocket message that a streaming zstd decoder can decode completely on
 * arrival.
 *
 * @example Two lines, decoded incrementally
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import {
 *   WaterfallCompressor, WaterfallDecompressor,
 * } from "./waterfall_compressor.ts";
 * import { decodeWaterfallPacket } from "./waterfall_packet.ts";
 *
 * const compressor = new WaterfallCompressor();
 * const decompressor = new WaterfallDecompressor();
 * for (let frameNum = 0; frameNum < 2; frameNum++) {
 *   const line = { frameNum, l: 0, r: 1024, data: new Int8Array(1024).fill(-60) };
 *   const message = await compressor.compressLine(line);
 *   const packet = await decompressor.push(message!);
 *   deepEqual(decodeWaterfallPacket(packet!), line);
 * }
 * equal(compressor.messages, 2);
 * compressor.close();
 * decompressor.close();
 * ```
 */
export class WaterfallCompressor {
  #serial: SerialZlib;
  #maxPending: number;
  #pending = 0;
  #dropped = 0;
  #messages = 0;
  #bytesIn = 0;
  #bytesOut = 0;

  /**
   * Creates the connection's zstd stream.
   *
   * @param options Level, window and table sizes, queue bound.
   * @throws {RangeError} If an option is out of range.
   */
  constructor(options: WaterfallCompressorOptions = {}) {
    const level = checkRange("level", options.level ?? 3, 1, 19);
    const windowLog = checkRange("windowLog", options.windowLog ?? 17, 10, 27);
    const hashLog = checkRange("hashLog", options.hashLog ?? 14, 6, 26);
    const chainLog = checkRange("chainLog", options.chainLog ?? 14, 6, 26);
    this.#maxPending = checkRange(
      "maxPending",
      options.maxPending ?? 4,
      1,
      1024,
    );
    this.#serial = new SerialZlib(createZstdCompress({
      chunkSize: 64 * 1024,
      flush: constants.ZSTD_e_flush,
      params: {
        [constants.ZSTD_c_compressionLevel]: level,
        [constants.ZSTD_c_windowLog]: windowLog,
        [constants.ZSTD_c_hashLog]: hashLog,
        [constants.ZSTD_c_chainLog]: chainLog,
      },
    }));
  }

  /** Packets waiting for or in the compressor. */
  get pending(): number {
    return this.#pending;
  }

  /** Packets dropped because `maxPending` were already waiting. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Messages produced. */
  get messages(): number {
    return this.#messages;
  }

  /** Packet bytes compressed. */
  get bytesIn(): number {
    return this.#bytesIn;
  }

  /** Message bytes produced. */
  get bytesOut(): number {
    return this.#bytesOut;
  }

  /** Whether `close()` was called (or the stream failed). */
  get closed(): boolean {
    return this.#serial.closed;
  }

  /**
   * Compresses one CBOR packet into one WebSocket message. The packet must
   * not be modified until the promise settles.
   *
   * @param packet A packet of at most {@linkcode MAX_WATERFALL_PACKET_BYTES}.
   * @returns The message (at most {@linkcode MAX_WATERFALL_MESSAGE_BYTES}),
   * or undefined when the compressor is closed or `maxPending` packets are
   * already waiting (the packet is dropped and counted).
   * @throws {RangeError} (as a rejection) If the packet is too long.
   */
  compress(packet: Uint8Array): Promise<Uint8Array | undefined> {
    if (packet.length > MAX_WATERFALL_PACKET_BYTES) {
      return Promise.reject(
        new RangeError(
          `Expected a waterfall packet of at most ${MAX_WATERFALL_PACKET_BYTES} bytes, found ${packet.length}`,
        ),
      );
    }
    if (this.#serial.closed) return Promise.resolve(undefined);
    if (this.#pending >= this.#maxPending) {
      this.#dropped++;
      return Promise.resolve(undefined);
    }
    this.#pending++;
    return this.#serial.push(packet).then((message) => {
      this.#pending--;
      if (message === undefined) return undefined;
      if (message.length > MAX_WATERFALL_MESSAGE_BYTES) {
        throw new RangeError(
          `Expected a zstd message of at most ${MAX_WATERFALL_MESSAGE_BYTES} bytes, found ${message.length}`,
        );
      }
      this.#messages++;
      this.#bytesIn += packet.length;
      this.#bytesOut += message.length;
      return message;
    }, (error) => {
      this.#pending--;
      throw error;
    });
  }

  /**
   * Encodes a line as CBOR and compresses it (see `compress()`).
   *
   * @param line The waterfall line.
   * @returns The message, or undefined when closed or dropped.
   * @throws {RangeError} (as a rejection) If the line cannot be encoded
   * (see `encodeWaterfallPacket`).
   */
  compressLine(line: WaterfallPacket): Promise<Uint8Array | undefined> {
    let packet: Uint8Array;
    try {
      packet = encodeWaterfallPacket(line);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.compress(packet);
  }

  /** Frees the zstd stream; pending and later calls resolve to undefined. */
  close(): void {
    this.#serial.close();
  }
}

/** Options of {@linkcode WaterfallDecompressor}. */
export interface WaterfallDecompressorOptions {
  /** Largest accepted window, log2 (default 23: 8 MiB). */
  maxWindowLog?: number;
}

/**
 * The inverse of {@linkcode WaterfallCompressor}, as the browser does it: one
 * streaming zstd decoder per socket, fed one message at a time (for tests
 * and tools).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { WaterfallCompressor, WaterfallDecompressor } from "./waterfall_compressor.ts";
 *
 * const compressor = new WaterfallCompressor();
 * const decompressor = new WaterfallDecompressor();
 * const message = await compressor.compress(Uint8Array.of(1, 2, 3));
 * equal((await decompressor.push(message!))?.length, 3);
 * compressor.close();
 * decompressor.close();
 * ```
 */
export class WaterfallDecompressor {
  #serial: SerialZlib;

  /**
   * Creates the streaming decoder.
   *
   * @param options Window limit.
   * @throws {RangeError} If `maxWindowLog` is not from 10 to 31.
   */
  constructor(options: WaterfallDecompressorOptions = {}) {
    const maxWindowLog = checkRange(
      "maxWindowLog",
      options.maxWindowLog ?? 23,
      10,
      31,
    );
    this.#serial = new SerialZlib(createZstdDecompress({
      chunkSize: 64 * 1024,
      params: { [constants.ZSTD_d_windowLogMax]: maxWindowLog },
    }));
  }

  /**
   * Feeds one message and returns everything it decoded.
   *
   * @param message One WebSocket message from the compressor.
   * @returns The decompressed bytes (possibly empty), or undefined when
   * closed.
   * @throws {Error} (as a rejection) If the bytes are not valid zstd.
   */
  push(message: Uint8Array): Promise<Uint8Array | undefined> {
    return this.#serial.push(message);
  }

  /** Frees the zstd stream. */
  close(): void {
    this.#serial.close();
  }
}
