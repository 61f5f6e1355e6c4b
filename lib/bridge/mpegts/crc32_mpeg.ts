/**
 * The CRC-32 of MPEG-2 PSI sections (CRC-32/MPEG-2: polynomial 0x04C11DB7,
 * initial value 0xFFFFFFFF, not reflected, no final XOR). A section whose
 * CRC bytes are included checks to 0.
 *
 * @module
 */

const TABLE: Uint32Array = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 24;
    for (let bit = 0; bit < 8; bit++) {
      crc = (crc & 0x80000000) !== 0 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    }
    table[i] = crc >>> 0;
  }
  return table;
}

/**
 * Computes the CRC-32/MPEG-2 of `data[start..end)`.
 *
 * @param data The bytes.
 * @param start The first byte, default 0.
 * @param end One past the last byte, default `data.length`.
 * @returns The CRC as an unsigned 32-bit number.
 * @throws {RangeError} If the range is not inside `data`.
 *
 * @example Check value
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { crc32Mpeg } from "./crc32_mpeg.ts";
 *
 * equal(crc32Mpeg(new TextEncoder().encode("123456789")), 0x0376e6e7);
 * ```
 */
export function crc32Mpeg(
  data: Uint8Array,
  start = 0,
  end: number = data.length,
): number {
  if (start < 0 || end > data.length || start > end) {
    throw new RangeError(
      `Expected a range inside 0..${data.length} but found ${start}..${end}`,
    );
  }
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) {
    crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ data[i]) & 0xff];
  }
  return crc >>> 0;
}
