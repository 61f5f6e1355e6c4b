/**
 * The two CRCs of the FLAC format (RFC 9639 §9.1, §9.3): CRC-8 (polynomial
 * x^8 + x^2 + x + 1, 0x07, initial 0) over a frame header, and CRC-16
 * (polynomial x^16 + x^15 + x^2 + 1, 0x8005, initial 0) over a whole frame up
 * to its CRC. Both are MSB-first with no reflection and no final XOR.
 *
 * @module
 */

function table(poly: number, width: number): Uint16Array {
  const top = 1 << (width - 1);
  const mask = (1 << width) - 1;
  const out = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << (width - 8);
    for (let bit = 0; bit < 8; bit++) {
      crc = (crc & top) ? ((crc << 1) ^ poly) & mask : (crc << 1) & mask;
    }
    out[byte] = crc;
  }
  return out;
}

const CRC8_TABLE = table(0x07, 8);
const CRC16_TABLE = table(0x8005, 16);

/**
 * CRC-8 of FLAC frame headers.
 *
 * @param bytes The data.
 * @param start First byte (default 0).
 * @param end End byte, exclusive (default `bytes.length`).
 * @returns The CRC, 0 to 255.
 *
 * @example The CRC-8/SMBUS check value
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { flacCrc8 } from "./flac_crc.ts";
 *
 * equal(flacCrc8(new TextEncoder().encode("123456789")), 0xf4);
 * ```
 */
export function flacCrc8(
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = CRC8_TABLE[crc ^ bytes[i]];
  return crc;
}

/**
 * CRC-16 of FLAC frames.
 *
 * @param bytes The data.
 * @param start First byte (default 0).
 * @param end End byte, exclusive (default `bytes.length`).
 * @returns The CRC, 0 to 65535.
 *
 * @example The CRC-16/UMTS (BUYPASS) check value
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { flacCrc16 } from "./flac_crc.ts";
 *
 * equal(flacCrc16(new TextEncoder().encode("123456789")), 0xfee8);
 * ```
 */
export function flacCrc16(
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[(crc >>> 8) ^ bytes[i]];
  }
  return crc;
}
