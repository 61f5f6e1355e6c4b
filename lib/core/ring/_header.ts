/**
 * @module Internal header layout, counters and wait helpers shared by
 * `SampleRing` and `SlotRing`. Not exported from `mod.ts`.
 *
 * Every ring is one `SharedArrayBuffer` that starts with a 128-byte header of
 * 32 Int32 words, followed by the ring's data. The header is split in two
 * 64-byte cache lines so that the producer and the consumer never write to the
 * same line in the hot path:
 *
 * | word | line | owner | meaning |
 * |---|---|---|---|
 * | 0 | 0 | create | magic (`SampleRing` or `SlotRing`) |
 * | 1 | 0 | create | layout version |
 * | 2 | 0 | create | capacity (samples or slots) |
 * | 3 | 0 | create | slot size in bytes (`SlotRing` only, else 0) |
 * | 4 | 0 | producer | write index (free-running 32-bit counter) |
 * | 5 | 0 | producer | overflow counter, high word, written first |
 * | 6 | 0 | producer | overflow counter, low word |
 * | 7 | 0 | producer | overflow counter, high word, written last |
 * | 8 | 0 | producer | 1 while the producer sleeps in a space wait |
 * | 9 | 0 | producer | read index at which that wait is satisfied |
 * | 16 | 1 | consumer | read index (free-running 32-bit counter) |
 * | 17 | 1 | consumer | 1 while the consumer sleeps in a data wait |
 * | 18 | 1 | consumer | write index at which that wait is satisfied |
 *
 * Indices are free-running: they are only ever incremented (mod 2^32) and the
 * fill level is `(write - read) >>> 0`, which stays correct across the wrap at
 * 2^32 as long as the capacity is below 2^31.
 *
 * Memory ordering: every word above is accessed with `Atomics` (sequentially
 * consistent). The producer writes the data with plain stores, then
 * `Atomics.store`s the write index; the consumer `Atomics.load`s the write index
 * before it reads the data. The same pairing on the read index tells the
 * producer that a region may be overwritten.
 *
 * Waking: a side that sleeps publishes the index value at which its wait is
 * satisfied and raises its flag; the other side calls `Atomics.notify` only
 * when the flag is up and its new index reached that value. So a producer
 * that writes into a ring nobody waits on never pays for a notify, and a
 * waiter for 4096 free samples is not woken by each small read.
 */

import type { WaitResult } from "./wait_result.ts";

/** Size of the header in bytes; the data starts right after it. */
export const HEADER_BYTES = 128;
/** Number of Int32 words in the header. */
export const HEADER_WORDS = HEADER_BYTES / 4;

/** Word index of the magic number. */
export const MAGIC = 0;
/** Word index of the layout version. */
export const VERSION = 1;
/** Word index of the capacity. */
export const CAPACITY = 2;
/** Word index of the slot size (SlotRing). */
export const SLOT_BYTES = 3;
/** Word index of the producer's write index. */
export const WRITE_INDEX = 4;
/** Word index of the overflow counter's high word (written before the low word). */
export const OVERFLOW_HI_FIRST = 5;
/** Word index of the overflow counter's low word. */
export const OVERFLOW_LO = 6;
/** Word index of the overflow counter's high word (written after the low word). */
export const OVERFLOW_HI_LAST = 7;
/** Word index of the "producer is waiting for space" flag. */
export const WRITER_WAITING = 8;
/** Word index of the read index that satisfies the producer's wait. */
export const WRITER_WAKE_AT = 9;
/** Word index of the consumer's read index. */
export const READ_INDEX = 16;
/** Word index of the "consumer is waiting for data" flag. */
export const READER_WAITING = 17;
/** Word index of the write index that satisfies the consumer's wait. */
export const READER_WAKE_AT = 18;

/** Current layout version. */
export const LAYOUT_VERSION = 1;

/** Largest capacity (samples or slots) a ring accepts: 2^30. */
export const MAX_CAPACITY = 0x4000_0000;

const TWO_POW_32 = 0x1_0000_0000;
/** Interval of the keep-alive timer used by async waits; never meant to fire. */
const KEEP_ALIVE_MS = 0x4000_0000;

/** Throws a RangeError unless `value` is a power of two in [1, MAX_CAPACITY]. */
export function checkPowerOfTwo(name: string, value: number): void {
  if (
    !Number.isInteger(value) || value < 1 || value > MAX_CAPACITY ||
    (value & (value - 1)) !== 0
  ) {
    throw new RangeError(
      `Expected ${name} to be a power of two between 1 and ${MAX_CAPACITY}, found ${value}`,
    );
  }
}

/** Validates an initial index and returns it as the stored Int32 value. */
export function checkInitialIndex(value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0 || value >= TWO_POW_32) {
    throw new RangeError(
      `Expected initialIndex to be an integer between 0 and ${
        TWO_POW_32 - 1
      }, found ${value}`,
    );
  }
  return value | 0;
}

/** Throws a RangeError unless `count` is an integer in [0, limit]. */
export function checkWaitCount(
  name: string,
  count: number,
  limit: number,
): void {
  if (!Number.isInteger(count) || count < 0 || count > limit) {
    throw new RangeError(
      `Expected ${name} to be an integer between 0 and ${limit}, found ${count}`,
    );
  }
}

/** Throws a RangeError unless `timeoutMs` is a non-negative number or Infinity. */
export function checkTimeout(timeoutMs: number): void {
  if (Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(
      `Expected timeoutMs to be a non-negative number or Infinity, found ${timeoutMs}`,
    );
  }
}

/**
 * Writes the configuration words of a fresh header. Both indices start at
 * `initialIndex`.
 */
export function initHeader(
  header: Int32Array,
  magic: number,
  capacity: number,
  slotBytes: number,
  initialIndex: number,
): void {
  Atomics.store(header, MAGIC, magic);
  Atomics.store(header, VERSION, LAYOUT_VERSION);
  Atomics.store(header, CAPACITY, capacity);
  Atomics.store(header, SLOT_BYTES, slotBytes);
  Atomics.store(header, WRITE_INDEX, initialIndex);
  Atomics.store(header, READ_INDEX, initialIndex);
}

/**
 * Checks that `buffer` is a SharedArrayBuffer holding a header with `magic`
 * and returns the header view. Throws a TypeError otherwise.
 */
export function attachHeader(
  buffer: SharedArrayBuffer,
  magic: number,
  kind: string,
): Int32Array {
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(
      `Expected a SharedArrayBuffer, found ${describe(buffer)}`,
    );
  }
  if (buffer.byteLength < HEADER_BYTES) {
    throw new TypeError(
      `Expected a ${kind} buffer of at least ${HEADER_BYTES} bytes, found ${buffer.byteLength} bytes`,
    );
  }
  const header = new Int32Array(buffer, 0, HEADER_WORDS);
  const found = Atomics.load(header, MAGIC);
  if (found !== magic) {
    throw new TypeError(
      `Expected a ${kind} buffer (magic 0x${hex(magic)}), found magic 0x${
        hex(found)
      }`,
    );
  }
  const version = Atomics.load(header, VERSION);
  if (version !== LAYOUT_VERSION) {
    throw new TypeError(
      `Expected ${kind} layout version ${LAYOUT_VERSION}, found ${version}`,
    );
  }
  return header;
}

function hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, "0");
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    return (value as object).constructor?.name ?? "object";
  }
  return typeof value;
}

/**
 * Adds `count` to the 64-bit overflow counter. Producer only.
 *
 * The counter is two words, because an SDR source dropping 2.4 MS/s would wrap
 * a 32-bit counter in half an hour. The single writer stores the high word, the
 * low word, then the high word again; {@linkcode loadOverflows} reads them in
 * the opposite order and retries when the two high words differ. No
 * allocation, and the writer never waits.
 */
export function addOverflows(header: Int32Array, count: number): void {
  const lo = Atomics.load(header, OVERFLOW_LO) >>> 0;
  const hi = Atomics.load(header, OVERFLOW_HI_LAST) >>> 0;
  const sum = lo + count;
  const newHi = (hi + Math.floor(sum / TWO_POW_32)) | 0;
  Atomics.store(header, OVERFLOW_HI_FIRST, newHi);
  Atomics.store(header, OVERFLOW_LO, sum | 0);
  Atomics.store(header, OVERFLOW_HI_LAST, newHi);
}

/** Reads the 64-bit overflow counter as a number (exact up to 2^53). */
export function loadOverflows(header: Int32Array): number {
  // A retry only happens while the producer carries into the high word. The
  // loop is bounded so that a producer killed in the middle of that update
  // (a terminated Worker) cannot hang the reader.
  for (let attempt = 0;; attempt++) {
    const hiLast = Atomics.load(header, OVERFLOW_HI_LAST) >>> 0;
    const lo = Atomics.load(header, OVERFLOW_LO) >>> 0;
    const hiFirst = Atomics.load(header, OVERFLOW_HI_FIRST) >>> 0;
    if (hiLast === hiFirst || attempt >= 64) {
      return Math.max(hiLast, hiFirst) * TWO_POW_32 + lo;
    }
  }
}

/**
 * Sleeps until `header[index]` differs from `expected` and the other side
 * notifies, or `timeoutMs` pass. Before sleeping it stores `wakeAt` in
 * `header[flag + 1]` and raises `header[flag]`, so that the other side only
 * pays for `Atomics.notify` when someone waits for the value it reached.
 *
 * No lost wake-up: the waiter stores `wakeAt` and the flag, then
 * `Atomics.wait` compares `header[index]` atomically; the other side stores
 * `header[index]`, then loads the flag and `wakeAt`. All of these are
 * sequentially consistent, so either the other side sees the flag and
 * `wakeAt` and notifies, or the wait sees the new index and returns at once.
 */
export function sleepWhileEqual(
  header: Int32Array,
  index: number,
  flag: number,
  expected: number,
  wakeAt: number,
  timeoutMs: number,
): void {
  Atomics.store(header, flag + 1, wakeAt);
  Atomics.store(header, flag, 1);
  Atomics.wait(header, index, expected, timeoutMs);
  Atomics.store(header, flag, 0);
}

/**
 * Async form of {@linkcode sleepWhileEqual} built on `Atomics.waitAsync`,
 * usable on the main thread.
 *
 * Deno does not count a pending `Atomics.waitAsync` as work for the event
 * loop: a program (or a test) awaiting only that promise ends with "Top-level
 * await promise never resolved". A ref'ed keep-alive interval, cleared as soon
 * as the wait settles, keeps the loop running meanwhile.
 */
export async function sleepWhileEqualAsync(
  header: Int32Array,
  index: number,
  flag: number,
  expected: number,
  wakeAt: number,
  timeoutMs: number,
): Promise<void> {
  Atomics.store(header, flag + 1, wakeAt);
  Atomics.store(header, flag, 1);
  try {
    const result = Atomics.waitAsync(header, index, expected, timeoutMs);
    if (result.async) {
      const keepAlive = setInterval(keepAliveTick, KEEP_ALIVE_MS);
      try {
        await result.value;
      } finally {
        clearInterval(keepAlive);
      }
    }
  } finally {
    Atomics.store(header, flag, 0);
  }
}

function keepAliveTick(): void {}

/** Number of items (samples or messages) between the read and write index. */
export function usedCount(header: Int32Array): number {
  return (Atomics.load(header, WRITE_INDEX) -
    Atomics.load(header, READ_INDEX)) >>>
    0;
}

/**
 * Blocks (Atomics.wait) until at least `minCount` items are readable or
 * `timeoutMs` pass on the `now` clock. Consumer only.
 */
export function waitForData(
  header: Int32Array,
  minCount: number,
  timeoutMs: number,
  now: () => number,
): WaitResult {
  const deadline = now() + timeoutMs;
  for (;;) {
    const write = Atomics.load(header, WRITE_INDEX);
    const read = Atomics.load(header, READ_INDEX);
    if (((write - read) >>> 0) >= minCount) return "ok";
    const remaining = deadline - now();
    if (!(remaining > 0)) return "timed-out";
    sleepWhileEqual(
      header,
      WRITE_INDEX,
      READER_WAITING,
      write,
      (read + minCount) | 0,
      remaining,
    );
  }
}

/** Async form of {@linkcode waitForData} (Atomics.waitAsync). */
export async function waitForDataAsync(
  header: Int32Array,
  minCount: number,
  timeoutMs: number,
  now: () => number,
): Promise<WaitResult> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const write = Atomics.load(header, WRITE_INDEX);
    const read = Atomics.load(header, READ_INDEX);
    if (((write - read) >>> 0) >= minCount) return "ok";
    const remaining = deadline - now();
    if (!(remaining > 0)) return "timed-out";
    await sleepWhileEqualAsync(
      header,
      WRITE_INDEX,
      READER_WAITING,
      write,
      (read + minCount) | 0,
      remaining,
    );
  }
}

/**
 * Blocks (Atomics.wait) until at least `minCount` items can be written or
 * `timeoutMs` pass on the `now` clock. Producer only.
 */
export function waitForSpace(
  header: Int32Array,
  capacity: number,
  minCount: number,
  timeoutMs: number,
  now: () => number,
): WaitResult {
  const deadline = now() + timeoutMs;
  for (;;) {
    const read = Atomics.load(header, READ_INDEX);
    const write = Atomics.load(header, WRITE_INDEX);
    if (capacity - ((write - read) >>> 0) >= minCount) return "ok";
    const remaining = deadline - now();
    if (!(remaining > 0)) return "timed-out";
    sleepWhileEqual(
      header,
      READ_INDEX,
      WRITER_WAITING,
      read,
      (write + minCount - capacity) | 0,
      remaining,
    );
  }
}

/** Async form of {@linkcode waitForSpace} (Atomics.waitAsync). */
export async function waitForSpaceAsync(
  header: Int32Array,
  capacity: number,
  minCount: number,
  timeoutMs: number,
  now: () => number,
): Promise<WaitResult> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const read = Atomics.load(header, READ_INDEX);
    const write = Atomics.load(header, WRITE_INDEX);
    if (capacity - ((write - read) >>> 0) >= minCount) return "ok";
    const remaining = deadline - now();
    if (!(remaining > 0)) return "timed-out";
    await sleepWhileEqualAsync(
      header,
      READ_INDEX,
      WRITER_WAITING,
      read,
      (write + minCount - capacity) | 0,
      remaining,
    );
  }
}

/**
 * Wakes a consumer sleeping in a data wait if `write` (the write index just
 * stored) satisfies it. Producer only.
 */
export function notifyReader(header: Int32Array, write: number): void {
  if (
    Atomics.load(header, READER_WAITING) !== 0 &&
    ((write - Atomics.load(header, READER_WAKE_AT)) | 0) >= 0
  ) {
    Atomics.notify(header, WRITE_INDEX);
  }
}

/**
 * Wakes a producer sleeping in a space wait if `read` (the read index just
 * stored) satisfies it. Consumer only.
 */
export function notifyWriter(header: Int32Array, read: number): void {
  if (
    Atomics.load(header, WRITER_WAITING) !== 0 &&
    ((read - Atomics.load(header, WRITER_WAKE_AT)) | 0) >= 0
  ) {
    Atomics.notify(header, READ_INDEX);
  }
}
