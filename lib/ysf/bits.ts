/**
 * Bit access in byte arrays, MSB first (bit 0 is the top bit of byte 0), as
 * the `READ_BIT1`/`WRITE_BIT1` macros of the G4KLX sources.
 *
 * @module
 */

/**
 * Reads bit `index` of `data`, counting MSB first from the start.
 *
 * @param data The bytes.
 * @param index The bit index, 0..8·length-1.
 * @returns 0 or 1.
 *
 * @example Reading bits
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readBit } from "./bits.ts";
 *
 * const data = new Uint8Array([0x80, 0x01]);
 * equal(readBit(data, 0), 1);
 * equal(readBit(data, 1), 0);
 * equal(readBit(data, 15), 1);
 * ```
 */
export function readBit(data: Uint8Array, index: number): number {
  return (data[index >>> 3] >>> (7 - (index & 7))) & 1;
}

/**
 * Sets or clears bit `index` of `data`, counting MSB first from the start.
 *
 * @param data The bytes, modified in place.
 * @param index The bit index, 0..8·length-1.
 * @param bit 0 clears, anything else sets.
 *
 * @example Writing bits
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { writeBit } from "./bits.ts";
 *
 * const data = new Uint8Array(2);
 * writeBit(data, 0, 1);
 * writeBit(data, 15, 1);
 * equal(data[0], 0x80);
 * equal(data[1], 0x01);
 * ```
 */
export function writeBit(data: Uint8Array, index: number, bit: number): void {
  const mask = 0x80 >>> (index & 7);
  const i = index >>> 3;
  data[i] = bit !== 0 ? data[i] | mask : data[i] & ~mask;
}
