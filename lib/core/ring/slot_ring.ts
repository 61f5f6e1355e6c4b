/**
 * @module Lock-free single-producer single-consumer ring of fixed-size message
 * slots over a SharedArrayBuffer, for passing small messages (commands,
 * packets) between Workers without allocation in the hot path.
 */

import {
  addOverflows,
  attachHeader,
  CAPACITY,
  checkInitialIndex,
  checkPowerOfTwo,
  checkTimeout,
  checkWaitCount,
  HEADER_BYTES,
  HEADER_WORDS,
  initHeader,
  loadOverflows,
  notifyReader,
  notifyWriter,
  READ_INDEX,
  SLOT_BYTES,
  usedCount,
  waitForData,
  waitForDataAsync,
  waitForSpace,
  waitForSpaceAsync,
  WRITE_INDEX,
} from "./_header.ts";
import type { WaitResult } from "./wait_result.ts";

/** Magic number of a SlotRing buffer ("SLTR"). */
const SLOT_RING_MAGIC = 0x534c_5452;

/** Largest payload a slot may hold: 16 MiB. */
const MAX_SLOT_BYTES = 0x100_0000;

/** Bytes of the length prefix in front of each slot's payload. */
const PREFIX_BYTES = 4;

/**
 * Options of {@linkcode SlotRing.create} and {@linkcode SlotRing.attach}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SlotRing, type SlotRingOptions } from "./slot_ring.ts";
 *
 * const options: SlotRingOptions = { initialIndex: 2 ** 32 - 1 };
 * const ring = SlotRing.create(4, 16, options);
 * assert.equal(ring.push(new Uint8Array([1])), true);
 * assert.equal(ring.push(new Uint8Array([2])), true);
 * assert.equal(ring.size, 2);
 * ```
 */
export interface SlotRingOptions {
  /**
   * Clock in milliseconds used for the deadlines of the wait methods.
   * Defaults to `performance.now`. The sleeps themselves are real
   * (`Atomics.wait`); the clock decides when a wait gives up.
   */
  now?: () => number;
  /**
   * Initial value of both free-running indices, an unsigned 32-bit integer.
   * Only used by `create`. Defaults to 0; tests set it near 2^32 to exercise
   * the counter wraparound.
   */
  initialIndex?: number;
}

/**
 * Lock-free single-producer single-consumer ring of `slotCount` fixed-size
 * message slots over one SharedArrayBuffer. Each slot holds a 4-byte length
 * prefix and up to `slotBytes` bytes of payload.
 *
 * One Worker (the producer) calls {@linkcode SlotRing.push}; one other Worker
 * or the main thread (the consumer) calls {@linkcode SlotRing.pop}. Create the
 * ring on one side, post {@linkcode SlotRing.buffer} and
 * {@linkcode SlotRing.attach} it on the other.
 *
 * Only the consumer moves the read index: when the ring is full, `push`
 * returns false and counts the message in {@linkcode SlotRing.overflows}.
 * `push` copies with `TypedArray.set` (the whole message, no view needed) and
 * `pop` with a plain indexed loop, so neither allocates.
 *
 * Waits sleep in `Atomics.wait` (or `Atomics.waitAsync`) and are woken by
 * the other side only once their condition holds, so keep the producer's
 * `minFree` plus the consumer's `minMessages` at or below the capacity: a
 * producer waiting for more free slots than a waiting consumer can leave
 * in the ring, and vice versa, only ends by timeout.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SlotRing } from "./slot_ring.ts";
 *
 * const producer = SlotRing.create(8, 64);
 * const consumer = SlotRing.attach(producer.buffer); // in another Worker
 * assert.equal(producer.push(new TextEncoder().encode("hello")), true);
 * const out = new Uint8Array(64);
 * const length = consumer.pop(out);
 * assert.equal(new TextDecoder().decode(out.subarray(0, length)), "hello");
 * assert.equal(consumer.pop(out), -1);
 * ```
 */
export class SlotRing {
  #buffer: SharedArrayBuffer;
  #header: Int32Array;
  #bytes: Uint8Array;
  #words: Int32Array;
  #capacity: number;
  #mask: number;
  #slotBytes: number;
  #stride: number;
  #now: () => number;

  /**
   * Attaches to an existing ring buffer; same as {@linkcode SlotRing.attach}.
   *
   * @throws {TypeError} if `buffer` is not a SlotRing's SharedArrayBuffer.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * const ring = new SlotRing(SlotRing.create(16, 32).buffer);
   * assert.equal(ring.slotBytes, 32);
   * ```
   */
  constructor(buffer: SharedArrayBuffer, options: SlotRingOptions = {}) {
    const header = attachHeader(buffer, SLOT_RING_MAGIC, "SlotRing");
    const capacity = Atomics.load(header, CAPACITY);
    const slotBytes = Atomics.load(header, SLOT_BYTES);
    checkPowerOfTwo("slotCount", capacity);
    checkSlotBytes(slotBytes);
    const stride = slotStride(slotBytes);
    const byteLength = HEADER_BYTES + capacity * stride;
    if (buffer.byteLength < byteLength) {
      throw new TypeError(
        `Expected a SlotRing buffer of ${byteLength} bytes for ${capacity} slots of ${slotBytes} bytes, found ${buffer.byteLength} bytes`,
      );
    }
    this.#buffer = buffer;
    this.#header = header;
    this.#bytes = new Uint8Array(buffer);
    this.#words = new Int32Array(buffer);
    this.#capacity = capacity;
    this.#mask = capacity - 1;
    this.#slotBytes = slotBytes;
    this.#stride = stride;
    this.#now = options.now ?? performance.now.bind(performance);
  }

  /**
   * Allocates a ring of `slotCount` slots (a power of two up to 2^30) of
   * `slotBytes` bytes each (1 to 16 MiB) in a new SharedArrayBuffer.
   *
   * @throws {RangeError} if `slotCount` is not a power of two, `slotBytes` is
   * out of range, `options.initialIndex` is not an unsigned 32-bit integer,
   * or the buffer would be too large.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * const ring = SlotRing.create(32, 64);
   * assert.equal(ring.capacity, 32);
   * assert.equal(ring.slotBytes, 64);
   * assert.throws(() => SlotRing.create(30, 64), RangeError);
   * ```
   */
  static create(
    slotCount: number,
    slotBytes: number,
    options: SlotRingOptions = {},
  ): SlotRing {
    checkPowerOfTwo("slotCount", slotCount);
    checkSlotBytes(slotBytes);
    const initialIndex = checkInitialIndex(options.initialIndex);
    const buffer = new SharedArrayBuffer(
      HEADER_BYTES + slotCount * slotStride(slotBytes),
    );
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    initHeader(header, SLOT_RING_MAGIC, slotCount, slotBytes, initialIndex);
    return new SlotRing(buffer, options);
  }

  /**
   * Re-creates a ring view over a buffer made by {@linkcode SlotRing.create},
   * typically in the Worker the buffer was posted to.
   *
   * @throws {TypeError} if `buffer` is not a SlotRing's SharedArrayBuffer.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SampleRing, SlotRing } from "./mod.ts";
   *
   * const ring = SlotRing.create(8, 16);
   * assert.equal(SlotRing.attach(ring.buffer).capacity, 8);
   * assert.throws(() => SlotRing.attach(SampleRing.create(8).buffer), TypeError);
   * ```
   */
  static attach(
    buffer: SharedArrayBuffer,
    options: SlotRingOptions = {},
  ): SlotRing {
    return new SlotRing(buffer, options);
  }

  /**
   * The SharedArrayBuffer holding header and slots; post it to another Worker
   * and {@linkcode SlotRing.attach} it there.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * assert.ok(SlotRing.create(8, 8).buffer instanceof SharedArrayBuffer);
   * ```
   */
  get buffer(): SharedArrayBuffer {
    return this.#buffer;
  }

  /**
   * Number of slots, the most messages the ring holds.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * assert.equal(SlotRing.create(64, 8).capacity, 64);
   * ```
   */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * Largest message a slot holds, in bytes.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * assert.equal(SlotRing.create(64, 100).slotBytes, 100);
   * ```
   */
  get slotBytes(): number {
    return this.#slotBytes;
  }

  /**
   * Number of messages the consumer can pop now.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * const ring = SlotRing.create(4, 8);
   * ring.push(new Uint8Array(3));
   * assert.equal(ring.size, 1);
   * ```
   */
  get size(): number {
    return usedCount(this.#header);
  }

  /**
   * Total number of messages `push` refused because the ring was full, since
   * the ring was created (64-bit counter, exact up to 2^53).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * const ring = SlotRing.create(1, 8);
   * assert.equal(ring.push(new Uint8Array(1)), true);
   * assert.equal(ring.push(new Uint8Array(1)), false);
   * assert.equal(ring.overflows, 1);
   * ```
   */
  get overflows(): number {
    return loadOverflows(this.#header);
  }

  /**
   * Copies `message` into the next free slot and returns true, or returns
   * false and counts one overflow when the ring is full. Producer only;
   * allocates nothing.
   *
   * @throws {RangeError} if `message` is longer than `slotBytes`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * const ring = SlotRing.create(2, 4);
   * assert.equal(ring.push(new Uint8Array([1, 2])), true);
   * assert.throws(() => ring.push(new Uint8Array(5)), RangeError);
   * ```
   */
  push(message: Uint8Array): boolean {
    const length = message.length;
    if (length > this.#slotBytes) {
      throw new RangeError(
        `Expected a message of at most ${this.#slotBytes} bytes, found ${length} bytes`,
      );
    }
    const header = this.#header;
    const write = Atomics.load(header, WRITE_INDEX);
    // Acquire: the consumer has finished reading the slots before `read`.
    const read = Atomics.load(header, READ_INDEX);
    if (((write - read) >>> 0) >= this.#capacity) {
      addOverflows(header, 1);
      return false;
    }
    const offset = HEADER_BYTES + (write & this.#mask) * this.#stride;
    this.#words[offset >> 2] = length;
    this.#bytes.set(message, offset + PREFIX_BYTES);
    // Release: publish the slot written above.
    const next = (write + 1) | 0;
    Atomics.store(header, WRITE_INDEX, next);
    notifyReader(header, next);
    return true;
  }

  /**
   * Copies the oldest message into `out` (from index 0), removes it and
   * returns its length; returns -1 when the ring is empty. Consumer only;
   * allocates nothing.
   *
   * @throws {RangeError} if `out` is shorter than the message; the message
   * then stays in the ring (see {@linkcode SlotRing.peekLength}).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * const ring = SlotRing.create(2, 8);
   * ring.push(new Uint8Array([7, 8, 9]));
   * assert.throws(() => ring.pop(new Uint8Array(2)), RangeError);
   * const out = new Uint8Array(8);
   * assert.equal(ring.pop(out), 3);
   * assert.deepEqual(Array.from(out.subarray(0, 3)), [7, 8, 9]);
   * assert.equal(ring.pop(out), -1);
   * ```
   */
  pop(out: Uint8Array): number {
    const header = this.#header;
    const read = Atomics.load(header, READ_INDEX);
    // Acquire: the slot the producer published before this index is visible.
    const write = Atomics.load(header, WRITE_INDEX);
    if (write === read) return -1;
    const offset = HEADER_BYTES + (read & this.#mask) * this.#stride;
    const length = this.#words[offset >> 2];
    if (length > out.length) {
      throw new RangeError(
        `Expected an output buffer of at least ${length} bytes, found ${out.length} bytes`,
      );
    }
    const bytes = this.#bytes;
    const start = offset + PREFIX_BYTES;
    for (let i = 0; i < length; i++) out[i] = bytes[start + i];
    // Release: the producer may now reuse the slot.
    const next = (read + 1) | 0;
    Atomics.store(header, READ_INDEX, next);
    notifyWriter(header, next);
    return length;
  }

  /**
   * Length of the oldest message without removing it, or -1 when the ring is
   * empty. Consumer only.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * const ring = SlotRing.create(2, 8);
   * assert.equal(ring.peekLength(), -1);
   * ring.push(new Uint8Array(5));
   * assert.equal(ring.peekLength(), 5);
   * assert.equal(ring.size, 1);
   * ```
   */
  peekLength(): number {
    const header = this.#header;
    const read = Atomics.load(header, READ_INDEX);
    if (Atomics.load(header, WRITE_INDEX) === read) return -1;
    return this.#words[
      (HEADER_BYTES + (read & this.#mask) * this.#stride) >> 2
    ];
  }

  /**
   * Blocks with `Atomics.wait` until at least `minMessages` messages are
   * queued ("ok") or `timeoutMs` milliseconds pass ("timed-out"). Consumer
   * only; usable in Workers (and on Deno's main thread, which it blocks).
   *
   * @throws {RangeError} if `minMessages` is not an integer in [0, capacity]
   * or `timeoutMs` is negative or NaN.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * const ring = SlotRing.create(4, 8);
   * assert.equal(ring.waitForData(1, 0), "timed-out");
   * ring.push(new Uint8Array(1));
   * assert.equal(ring.waitForData(1, 1000), "ok");
   * ```
   */
  waitForData(minMessages = 1, timeoutMs = Infinity): WaitResult {
    checkWaitCount("minMessages", minMessages, this.#capacity);
    checkTimeout(timeoutMs);
    return waitForData(this.#header, minMessages, timeoutMs, this.#now);
  }

  /**
   * Like {@linkcode SlotRing.waitForData} but returns a promise and does not
   * block the thread (`Atomics.waitAsync`); for the main thread.
   *
   * @throws {RangeError} like {@linkcode SlotRing.waitForData}.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * const ring = SlotRing.create(4, 8);
   * ring.push(new Uint8Array(1));
   * assert.equal(await ring.waitForDataAsync(1, 1000), "ok");
   * ```
   */
  waitForDataAsync(
    minMessages = 1,
    timeoutMs = Infinity,
  ): Promise<WaitResult> {
    checkWaitCount("minMessages", minMessages, this.#capacity);
    checkTimeout(timeoutMs);
    return waitForDataAsync(this.#header, minMessages, timeoutMs, this.#now);
  }

  /**
   * Blocks with `Atomics.wait` until at least `minFree` slots are free ("ok")
   * or `timeoutMs` milliseconds pass ("timed-out"). Producer only.
   *
   * @throws {RangeError} if `minFree` is not an integer in [0, capacity] or
   * `timeoutMs` is negative or NaN.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * const ring = SlotRing.create(1, 8);
   * ring.push(new Uint8Array(1));
   * assert.equal(ring.waitForSpace(1, 0), "timed-out");
   * ring.pop(new Uint8Array(8));
   * assert.equal(ring.waitForSpace(1, 1000), "ok");
   * ```
   */
  waitForSpace(minFree = 1, timeoutMs = Infinity): WaitResult {
    checkWaitCount("minFree", minFree, this.#capacity);
    checkTimeout(timeoutMs);
    return waitForSpace(
      this.#header,
      this.#capacity,
      minFree,
      timeoutMs,
      this.#now,
    );
  }

  /**
   * Like {@linkcode SlotRing.waitForSpace} but returns a promise and does not
   * block the thread (`Atomics.waitAsync`).
   *
   * @throws {RangeError} like {@linkcode SlotRing.waitForSpace}.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { SlotRing } from "./slot_ring.ts";
   *
   * const ring = SlotRing.create(4, 8);
   * assert.equal(await ring.waitForSpaceAsync(4, 1000), "ok");
   * ```
   */
  waitForSpaceAsync(minFree = 1, timeoutMs = Infinity): Promise<WaitResult> {
    checkWaitCount("minFree", minFree, this.#capacity);
    checkTimeout(timeoutMs);
    return waitForSpaceAsync(
      this.#header,
      this.#capacity,
      minFree,
      timeoutMs,
      this.#now,
    );
  }
}

function checkSlotBytes(slotBytes: number): void {
  if (
    !Number.isInteger(slotBytes) || slotBytes < 1 ||
    slotBytes > MAX_SLOT_BYTES
  ) {
    throw new RangeError(
      `Expected slotBytes to be an integer between 1 and ${MAX_SLOT_BYTES}, found ${slotBytes}`,
    );
  }
}

/** Bytes per slot: length prefix plus payload, rounded up to 4 bytes. */
function slotStride(slotBytes: number): number {
  return (PREFIX_BYTES + slotBytes + 3) & ~3;
}
