/**
 * The blocks one worker slot has delivered and the supervisor has not yet
 * played: a fixed number of preallocated block slots, each tagged with its
 * block index and checksum. Block `k` lives in slot `k % size`; a slot
 * holds block `k` only while its tag says so, so stale blocks are never
 * mistaken for new ones and nothing is allocated per block.
 *
 * @module
 */

/**
 * A ring of rendered blocks, addressed by block index.
 *
 * @example Store, find, overwrite
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BlockRing } from "./block_ring.ts";
 * const ring = new BlockRing({ slots: 4, samplesPerBlock: 2 });
 * const bytes = new Uint8Array(new Float32Array([0.5, -0.5]).buffer);
 * ring.store(7, 99, bytes, 0);
 * equal(ring.has(7), true);
 * equal(ring.checksum(7), 99);
 * equal(ring.samples(7)[1], -0.5);
 * ring.store(11, 1, bytes, 0); // same slot as 7
 * equal(ring.has(7), false);
 * ```
 */
export class BlockRing {
  /** Number of block slots. */
  readonly size: number;
  /** Samples per block (frames × channels). */
  readonly samplesPerBlock: number;
  readonly #tags: Float64Array;
  readonly #checksums: Uint32Array;
  readonly #bytes: Uint8Array;
  readonly #views: Float32Array[];

  /**
   * @param options Slots and block size.
   * @throws {RangeError} If either is not a positive integer.
   */
  constructor(options: { slots: number; samplesPerBlock: number }) {
    const { slots, samplesPerBlock } = options;
    for (
      const [name, v] of [["slots", slots], [
        "samplesPerBlock",
        samplesPerBlock,
      ]] as const
    ) {
      if (!Number.isSafeInteger(v) || v < 1) {
        throw new RangeError(
          `Expected ${name} to be a positive integer, found ${v}`,
        );
      }
    }
    this.size = slots;
    this.samplesPerBlock = samplesPerBlock;
    this.#tags = new Float64Array(slots).fill(-1);
    this.#checksums = new Uint32Array(slots);
    const data = new Float32Array(slots * samplesPerBlock);
    this.#bytes = new Uint8Array(data.buffer);
    this.#views = [];
    for (let i = 0; i < slots; i++) {
      this.#views.push(
        data.subarray(i * samplesPerBlock, (i + 1) * samplesPerBlock),
      );
    }
  }

  /**
   * Copies a block in from a frame buffer (a byte loop: the source may be
   * unaligned and no view is created).
   *
   * @param index The block index.
   * @param checksum Its checksum.
   * @param source The buffer holding the samples.
   * @param offset Where the samples start in `source`.
   */
  store(
    index: number,
    checksum: number,
    source: Uint8Array,
    offset: number,
  ): void {
    const slot = index % this.size;
    const bytes = this.samplesPerBlock * 4;
    const dest = this.#bytes;
    const base = slot * bytes;
    for (let i = 0; i < bytes; i++) dest[base + i] = source[offset + i];
    this.#tags[slot] = index;
    this.#checksums[slot] = checksum;
  }

  /** True if block `index` is held. */
  has(index: number): boolean {
    return this.#tags[index % this.size] === index;
  }

  /** The checksum of block `index` (only meaningful when `has(index)`). */
  checksum(index: number): number {
    return this.#checksums[index % this.size];
  }

  /** The samples of block `index` (a view of the slot; only meaningful when `has(index)`). */
  samples(index: number): Float32Array {
    return this.#views[index % this.size];
  }

  /** Forgets every block. */
  clear(): void {
    this.#tags.fill(-1);
  }
}
