/**
 * The CRC-16 used by YSF for the FICH and the data channels: polynomial
 * 0x1021, initial value 0, MSB first, result inverted (CRC-16/GSM), stored
 * high byte first.
 *
 * @module
 */

/** Lookup table of the MSB-first CRC with polynomial 0x1021. */
const TABLE: Uint16Array = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = (crc & 0x8000) !== 0 ? (crc << 1) ^ 0x1021 : crc << 1;
    }
    table[i] = crc & 0xffff;
  }
  return table;
}

/**
 * Computes the YSF CRC-16 (CRC-16/GSM: polynomial 0x1021, initial value 0,
 * not reflected, final XOR 0xFFFF) of `data[start..end)`.
 *
 * @param data The bytes.
 * @param start The first byte, default 0.
 * @param end One past the last byte, default `data.length`.
 * @returns The CRC, 0..0xFFFF.
 * @throws {RangeError} If the range is not inside `data`.
 *
 * @example Check value
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { crc16 } from "./crc16.ts";
 *
 * equal(crc16(new TextEncoder().encode("123456789")), 0xce3c);
 * ```
 */
export function crc16(
  data: Uint8Array,
  start = 0,
  end: number = data.length,
): number {
  if (start < 0 || end > data.length || start > end) {
    throw new RangeError(
      `Expected a range inside 0..${data.length}, found ${start}..${end}`,
    );
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ data[i]) & 0xff]) & 0xffff;
  }
  return crc ^ 0xffff;
}

/**
 * Writes the CRC-16 of `data[start..start+length-2)` into the last two bytes
 * of the block `data[start..start+length)`, high byte first (G4KLX
 * `CCRC::addCCITT16`).
 *
 * @param data The buffer, modified in place.
 * @param start The first byte of the block.
 * @param length The block length including the two CRC bytes (>= 2).
 * @throws {RangeError} If the block is not inside `data` or shorter than 2.
 *
 * @example Appending a CRC to a FICH
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { addCrc16 } from "./crc16.ts";
 *
 * const fich = new Uint8Array([0x20, 0x06, 0x02, 0x00, 0, 0]);
 * addCrc16(fich, 0, 6);
 * deepEqual([...fich.subarray(4)], [0x1c, 0x73]);
 * ```
 */
export function addCrc16(
  data: Uint8Array,
  start: number,
  length: number,
): void {
  if (length < 2) {
    throw new RangeError(`Expected a block length >= 2, found ${length}`);
  }
  const end = start + length - 2;
  const crc = crc16(data, start, end);
  data[end] = crc >>> 8;
  data[end + 1] = crc & 0xff;
}

/**
 * Checks the CRC-16 stored in the last two bytes of the block
 * `data[start..start+length)` (G4KLX `CCRC::checkCCITT16`).
 *
 * @param data The buffer.
 * @param start The first byte of the block.
 * @param length The block length including the two CRC bytes (>= 2).
 * @returns Whether the stored CRC matches.
 * @throws {RangeError} If the block is not inside `data` or shorter than 2.
 *
 * @example Checking a decoded FICH
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { checkCrc16 } from "./crc16.ts";
 *
 * const fich = new Uint8Array([0x20, 0x06, 0x02, 0x00, 0x1c, 0x73]);
 * equal(checkCrc16(fich, 0, 6), true);
 * fich[3] = 9;
 * equal(checkCrc16(fich, 0, 6), false);
 * ```
 */
export function checkCrc16(
  data: Uint8Array,
  start: number,
  length: number,
): boolean {
  if (length < 2) {
    throw new RangeError(`Expected a block length >= 2, found ${length}`);
  }
  const end = start + length - 2;
  const crc = crc16(data, start, end);
  return data[end] === crc >>> 8 && data[end + 1] === (crc & 0xff);
}
