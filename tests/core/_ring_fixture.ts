/**
 * @module Test fixture shared by ring_test.ts and the ring test Worker: the
 * known sequences the producer Worker sends and the consumer verifies, and the
 * messages exchanged with the Worker. Not a test file (leading underscore, no
 * `_test` suffix).
 */

/** Value of sample number `index` in the cross-Worker sample stream. */
export function sampleValue(index: number): number {
  // Exact in Float32 for every index below 2^24.
  return index % 0x100_0000;
}

/** Length of the producer's block number `block` (1 to 1500, not a power of two). */
export function blockLength(block: number): number {
  return 1 + ((block * 7919) % 1500);
}

/** Length of slot message number `index`, 0 to `slotBytes`. */
export function messageLength(index: number, slotBytes: number): number {
  return index % (slotBytes + 1);
}

/**
 * Fills `out` with the payload of message number `index` (its first four
 * bytes carry the index, little endian) and returns its length.
 */
export function fillMessage(
  index: number,
  slotBytes: number,
  out: Uint8Array,
): number {
  const length = messageLength(index, slotBytes);
  for (let j = 0; j < length; j++) out[j] = messageByte(index, j);
  return length;
}

/** Byte `j` of message number `index`. */
export function messageByte(index: number, j: number): number {
  return j < 4 ? (index >>> (8 * j)) & 0xff : (index * 31 + j) & 0xff;
}

/** Commands the main thread posts to `_ring_worker.ts`. */
export type RingWorkerCommand =
  | {
    /** Write `total` counter samples in blocks of `blockLength()` samples. */
    kind: "produce-samples";
    buffer: SharedArrayBuffer;
    total: number;
  }
  | {
    /** Push `total` messages made by `fillMessage()`. */
    kind: "produce-messages";
    buffer: SharedArrayBuffer;
    total: number;
  }
  | {
    /** Sleep `delayMs`, then write `count` samples valued `value`. */
    kind: "write-later";
    buffer: SharedArrayBuffer;
    delayMs: number;
    count: number;
    value: number;
  }
  | {
    /** Sleep `delayMs`, then read `count` samples. */
    kind: "read-later";
    buffer: SharedArrayBuffer;
    delayMs: number;
    count: number;
  }
  | {
    /** Sleep `delayMs`, then push one message of `length` bytes. */
    kind: "push-later";
    buffer: SharedArrayBuffer;
    delayMs: number;
    length: number;
  };

/** Reply of `_ring_worker.ts` when a command finished. */
export interface RingWorkerReply {
  /** Which command finished. */
  kind: RingWorkerCommand["kind"];
  /** Samples or messages the Worker wrote, pushed or read. */
  count: number;
  /** Times the producer had to wait for space (0 for other commands). */
  waits: number;
}
