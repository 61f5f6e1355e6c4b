/**
 * A fast checksum of a rendered block, for comparing the primary and
 * standby workers: 32-bit FNV-1a over the block's bytes (the float32
 * samples in memory order). Equal blocks give equal checksums; a single
 * changed bit changes it.
 *
 * @module
 */

/**
 * FNV-1a (32-bit) over the bytes of a float32 block.
 *
 * @param block The samples.
 * @returns An unsigned 32-bit checksum.
 *
 * @example Usage
 * ```ts
 * import { equal, notEqual } from "node:assert/strict";
 * import { blockChecksum } from "./checksum.ts";
 *
 * equal(blockChecksum(new Float32Array(0)), 0x811c9dc5);
 * notEqual(blockChecksum(new Float32Array([0])), blockChecksum(new Float32Array([-0])));
 * ```
 */
export function blockChecksum(block: Float32Array): number {
  const bytes = new Uint8Array(
    block.buffer,
    block.byteOffset,
    block.byteLength,
  );
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return h >>> 0;
}
