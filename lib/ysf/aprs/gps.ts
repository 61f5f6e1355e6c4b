/**
 * The Yaesu GPS / radio-model data a System Fusion radio sends in the V/D
 * mode 2 data channel of frames FN 6 and 7 (reference ysf.md §2.4), decoded
 * the way pYSFReflector3 `gps.py` does: a checksum-terminated block whose
 * byte 4 is the radio code and, in the "short" (`22 62`) and "long"
 * (`47 64`) formats, a position in APRS Mic-E style (latitude digits in
 * bytes 5..10, longitude as `value + 28` bytes in 11..13).
 *
 * Layout of the data (byte offsets; 10 bytes per frame, FN 6 first):
 *
 * | Bytes | Meaning |
 * |---|---|
 * | 1..2 | format: `22 62` short position, `47 64` long position (else no position) |
 * | 4 | radio code (e.g. `0x31` FTM-300D, see `aprs_packet.ts`) |
 * | 5..10 | latitude `DDMMhh`, one digit per byte in the low nibble; high nibble `3` or `5`. Byte 8 high nibble: `5` north, `3` south. Byte 9: `5` longitude offset 100°, `3` none. Byte 10: `3` east, `5` west |
 * | 11 | longitude degrees + 28 (with the offset rules below) |
 * | 12 | longitude minutes + 28 (`0x58..0x61` mean 0..9) |
 * | 13 | longitude hundredths of a minute + 28 |
 * | k | `0x03` end marker, k ≤ `(FT − 5)·10 − 2` (the last one wins) |
 * | k+1 | checksum: sum of bytes 0..k modulo 256 |
 *
 * @module
 */

/** Marker bytes 1..2 of the short position format. */
const SHORT_FORMAT = [0x22, 0x62] as const;
/** Marker bytes 1..2 of the long position format. */
const LONG_FORMAT = [0x47, 0x64] as const;
/** The byte that ends the checksummed part. */
const END_MARKER = 0x03;

/**
 * A position in decimal degrees (north and east positive).
 *
 * @example A position
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { GpsPosition } from "./gps.ts";
 *
 * const position: GpsPosition = { latitude: 43.98667, longitude: 10.50917 };
 * equal(position.latitude > 0, true);
 * ```
 */
export interface GpsPosition {
  /** Latitude, −90..90. */
  latitude: number;
  /** Longitude, −180..180. */
  longitude: number;
}

/**
 * Which position format the data carries: `short` (bytes 1..2 `22 62`),
 * `long` (`47 64`), or `none` (radio code only).
 *
 * @example A format
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YaesuGpsFormat } from "./gps.ts";
 *
 * const format: YaesuGpsFormat = "short";
 * equal(format, "short");
 * ```
 */
export type YaesuGpsFormat = "short" | "long" | "none";

/**
 * The decoded FN 6..7 data whose checksum matched.
 *
 * @example A radio that sends no position
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodeYaesuGps, type YaesuGpsData } from "./gps.ts";
 *
 * const data: YaesuGpsData | undefined = decodeYaesuGps(
 *   new Uint8Array([7, 34, 97, 95, 43, 3, 23, 0, 0, 0]),
 *   6,
 * );
 * deepEqual(data, { radioCode: 0x2b, format: "none", position: undefined });
 * ```
 */
export interface YaesuGpsData {
  /** Byte 4: the radio model code. */
  radioCode: number;
  /** The position format named by bytes 1..2. */
  format: YaesuGpsFormat;
  /**
   * The position, when the format is short or long and every field is in
   * range; `undefined` otherwise.
   */
  position: GpsPosition | undefined;
}

/**
 * The checksum of the Yaesu data: the sum of the first `length` bytes
 * modulo 256 (pYSFReflector3 `crc.addCRC`).
 *
 * @param data The bytes.
 * @param length How many bytes to add, 0..`data.length`.
 * @returns The checksum, 0..255.
 * @throws {RangeError} If `length` is not an integer in 0..`data.length`.
 *
 * @example The FT-70D block of pYSFReflector3's `gps.py`
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { yaesuGpsChecksum } from "./gps.ts";
 *
 * equal(yaesuGpsChecksum(new Uint8Array([7, 34, 97, 95, 43, 3]), 6), 23);
 * ```
 */
export function yaesuGpsChecksum(data: Uint8Array, length: number): number {
  if (!Number.isInteger(length) || length < 0 || length > data.length) {
    throw new RangeError(
      `Expected a length in 0..${data.length}, found ${length}`,
    );
  }
  let sum = 0;
  for (let i = 0; i < length; i++) sum = (sum + data[i]) & 0xff;
  return sum;
}

/**
 * Decodes the data of FN 6..`ft` (pYSFReflector3 `GPS_dec`): searches the
 * end marker `0x03` backwards from byte `(ft − 5)·10 − 2` and accepts the
 * block if the next byte is the checksum of everything up to the marker;
 * then reads the radio code (byte 4) and, for the short and long formats,
 * the position ({@link decodeYaesuPosition}).
 *
 * @param data The data channels of FN 6 (bytes 0..9) and FN 7 (10..19).
 * @param ft The FICH frame total of the frame that completed the data (6:
 * only FN 6 is used; 7: FN 6 and 7). Other values hold no data.
 * @returns The decoded data, or `undefined` if no checksum matched or `ft`
 * is below 6.
 * @throws {RangeError} If `ft` is not an integer in 0..7, or `data` is
 * shorter than `(ft − 5)·10` bytes.
 *
 * @example The FTM-300D block of pYSFReflector3's `gps.py`
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeYaesuGps } from "./gps.ts";
 *
 * const d300 = new Uint8Array([
 *   69, 34, 98, 95, 49, 84, 51, 85, 89, 50, 48, 38, 58, 83, 108, 32, 28, 32, 3, 110,
 * ]);
 * const data = decodeYaesuGps(d300, 7)!;
 * equal(data.radioCode, 0x31);
 * equal(data.format, "short");
 * equal(data.position!.latitude.toFixed(5), "43.98667");
 * equal(data.position!.longitude.toFixed(5), "10.50917");
 * ```
 */
export function decodeYaesuGps(
  data: Uint8Array,
  ft: number,
): YaesuGpsData | undefined {
  if (!Number.isInteger(ft) || ft < 0 || ft > 7) {
    throw new RangeError(`Expected a frame total in 0..7, found ${ft}`);
  }
  if (ft < 6) return undefined;
  const length = (ft - 5) * 10;
  if (data.length < length) {
    throw new RangeError(
      `Expected at least ${length} bytes of data for frame total ${ft}, found ${data.length}`,
    );
  }
  let valid = false;
  for (let i = length - 2; i >= 0; i--) {
    if (
      data[i] === END_MARKER && yaesuGpsChecksum(data, i + 1) === data[i + 1]
    ) {
      valid = true;
      break;
    }
  }
  if (!valid) return undefined;
  let format: YaesuGpsFormat = "none";
  if (data[1] === SHORT_FORMAT[0] && data[2] === SHORT_FORMAT[1]) {
    format = "short";
  } else if (data[1] === LONG_FORMAT[0] && data[2] === LONG_FORMAT[1]) {
    format = "long";
  }
  return {
    radioCode: data[4],
    format,
    position: format === "none" ? undefined : decodeYaesuPosition(data),
  };
}

/** Two low-nibble digits; `undefined` if either is above `maxUnits`/9. */
function digits(
  tensByte: number,
  unitsByte: number,
  maxUnits: number,
): number | undefined {
  const tens = tensByte & 0x0f;
  const units = unitsByte & 0x0f;
  if (tens > 9 || units > maxUnits) return undefined;
  return tens * 10 + units;
}

/**
 * Decodes the position of a short or long format block (pYSFReflector3
 * `GPS_string`), without looking at the format bytes or the checksum. The
 * range checks are pYSFReflector3's, including its slip that lets the
 * units digit of the hundredths of latitude minutes be 10 (so `0x3a`
 * after a tens digit below 9 decodes as ten hundredths more).
 *
 * @param data At least 14 bytes: bytes 5..13 hold the position.
 * @returns The position, or `undefined` if a field is out of range or
 * `data` is shorter than 14 bytes (pYSFReflector3 raised an exception
 * there, which dropped the frame).
 *
 * @example Southern and western hemispheres, 100° offset
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeYaesuPosition } from "./gps.ts";
 *
 * // 33°51.50'S (byte 8 high nibble 3), 151°12.25'W (byte 9: +100°, byte 10: west)
 * const data = new Uint8Array([
 *   0, 0x22, 0x62, 0, 0x31, 0x33, 0x33, 0x35, 0x31, 0x55, 0x50,
 *   0x26 + 41, 0x26 + 2, 0x1c + 25,
 * ]);
 * const position = decodeYaesuPosition(data)!;
 * equal(position.latitude.toFixed(4), "-33.8583");
 * equal(position.longitude.toFixed(4), "-151.2042");
 * ```
 */
export function decodeYaesuPosition(
  data: Uint8Array,
): GpsPosition | undefined {
  if (data.length < 14) return undefined;
  for (let i = 5; i <= 10; i++) {
    const high = data[i] & 0xf0;
    if (high !== 0x50 && high !== 0x30) return undefined;
  }
  const latDegrees = digits(data[5], data[6], 9);
  if (latDegrees === undefined || latDegrees > 89) return undefined;
  const latMinutes = digits(data[7], data[8], 9);
  if (latMinutes === undefined || latMinutes > 59) return undefined;
  const latHundredths = digits(data[9], data[10], 10);
  if (latHundredths === undefined || latHundredths > 99) return undefined;
  const latSign = (data[8] & 0xf0) === 0x50 ? 1 : -1;

  let lonDegrees: number;
  const b = data[11];
  if ((data[9] & 0xf0) === 0x50) {
    if (b >= 0x76 && b <= 0x7f) lonDegrees = b - 0x76;
    else if (b >= 0x6c && b <= 0x75) lonDegrees = 100 + (b - 0x6c);
    else if (b >= 0x26 && b <= 0x6b) lonDegrees = 110 + (b - 0x26);
    else return undefined;
  } else {
    if (b >= 0x26 && b <= 0x7f) lonDegrees = 10 + (b - 0x26);
    else return undefined;
  }

  let lonMinutes: number;
  const m = data[12];
  if (m >= 0x58 && m <= 0x61) lonMinutes = m - 0x58;
  else if (m >= 0x26 && m <= 0x57) lonMinutes = 10 + (m - 0x26);
  else return undefined;

  const h = data[13];
  if (h < 0x1c || h > 0x7f) return undefined;
  const lonHundredths = h - 0x1c;

  const lonSign = (data[10] & 0xf0) === 0x30 ? 1 : -1;

  // Same operation order as pYSFReflector3, so the doubles are identical.
  const latitude = latSign *
    (latDegrees + (latMinutes + latHundredths * 0.01) * (1.0 / 60.0));
  const longitude = lonSign *
    (lonDegrees + (lonMinutes + lonHundredths * 0.01) * (1.0 / 60.0));
  return { latitude, longitude };
}
