/**
 * The IEEE 802.3 CRC-32 (zlib's `crc32`: reflected polynomial 0xEDB88320,
 * initial value and final XOR 0xFFFFFFFF), as libhdhomerun's
 * `hdhomerun_pkt_calc_crc` computes it for its packet frames.
 *
 * @module
 */

const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/**
 * Computes the CRC-32 of `data[start..end)`.
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
 * import { crc32 } from "./crc32.ts";
 *
 * equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
 * ```
 */
export function crc32(
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
    crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
