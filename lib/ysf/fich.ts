/**
 * The YSF frame information channel (FICH): 4 bytes of fields + CRC-16,
 * Golay (24,12) coded, convolutionally coded and interleaved into the 25
 * bytes that follow the frame sync (YSFD bytes 40..64).
 *
 * @module
 */

import { addCrc16, checkCrc16 } from "./crc16.ts";
import { convolutionalEncode, ViterbiDecoder } from "./convolution.ts";
import { golay24Decode, golay24Encode } from "./golay24.ts";
import { interleave, INTERLEAVE_100 } from "./interleave.ts";

/**
 * Length of the coded FICH field, in bytes.
 *
 * @example Cutting the FICH out of a YSFD
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { FICH_LENGTH, YSFD_FICH_OFFSET } from "./fich.ts";
 *
 * const packet = new Uint8Array(155);
 * equal(packet.subarray(YSFD_FICH_OFFSET, YSFD_FICH_OFFSET + FICH_LENGTH).length, 25);
 * ```
 */
export const FICH_LENGTH = 25;

/**
 * Offset of the FICH field in a YSFD packet (35 + 5 bytes of sync).
 *
 * @example The default offset of the FICH functions
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeFich, YSFD_FICH_OFFSET } from "./fich.ts";
 *
 * const packet = new Uint8Array(155);
 * equal(decodeFich(packet), decodeFich(packet, YSFD_FICH_OFFSET));
 * ```
 */
export const YSFD_FICH_OFFSET = 40;

/**
 * Frame indicator values (FICH FI).
 *
 * @example Detecting a terminator
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fichFromBytes, FrameIndicator } from "./fich.ts";
 *
 * equal(fichFromBytes(new Uint8Array([0xa0, 0x06, 0x02, 0x00])).fi, FrameIndicator.Terminator);
 * ```
 */
export const FrameIndicator = {
  /** Header frame: starts a transmission. */
  Header: 0,
  /** Communication frame (voice or data). */
  Communication: 1,
  /** Terminator frame: ends a transmission. */
  Terminator: 2,
  /** Test frame. */
  Test: 3,
} as const;

/**
 * Data type values (FICH DT).
 *
 * @example Detecting V/D mode 2
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DataType, fichFromBytes } from "./fich.ts";
 *
 * equal(fichFromBytes(new Uint8Array([0x60, 0x0e, 0x02, 0x00])).dt, DataType.VdMode2);
 * ```
 */
export const DataType = {
  /** V/D mode 1: 9 bytes data channel + 9 bytes voice per block. */
  VdMode1: 0,
  /** Data full rate. */
  DataFullRate: 1,
  /** V/D mode 2 ("DN"): 5 bytes data channel + 13 bytes voice per block. */
  VdMode2: 2,
  /** Voice full rate ("VW"). */
  VoiceFullRate: 3,
} as const;

/**
 * The decoded FICH fields (reference ysf.md §2.2). The reserved bit 7 of
 * byte 2 is not represented: {@link encodeFich} writes it as 0 (use
 * {@link decodeFichBytes}/{@link encodeFichBytes} to keep it).
 */
export interface Fich {
  /** Frame indicator, 0..3 ({@link FrameIndicator}). */
  fi: number;
  /** Callsign-information size code, 0..3 (radios send 2). */
  cs: number;
  /** Call mode, 0..3: 0 group/CQ, 1 radio-ID, 3 individual. */
  cm: number;
  /** Block number, 0..3. */
  bn: number;
  /** Block total, 0..3. */
  bt: number;
  /** Frame number inside the superframe, 0..7. */
  fn: number;
  /** Frame total (last FN), 0..7. */
  ft: number;
  /** Narrow deviation flag. */
  dev: boolean;
  /** Message route, 0..7 (3 bits as G4KLX writes them; pYSF3 reads 2). */
  mr: number;
  /** Set when carried over the internet. */
  voip: boolean;
  /** Data type, 0..3 ({@link DataType}). */
  dt: number;
  /** Squelch-code flag. */
  sql: boolean;
  /** Squelch code = DG-ID, 0..127. */
  dgid: number;
}

const viterbi = new ViterbiDecoder(100);
const decoded = new Uint8Array(13);
const raw6 = new Uint8Array(6);
const conv = new Uint8Array(13);
const convolved = new Uint8Array(25);

function checkField(
  fich: Fich,
  name: keyof Fich,
  max: number,
): number {
  const value = fich[name];
  if (
    typeof value !== "number" || !Number.isInteger(value) || value < 0 ||
    value > max
  ) {
    throw new RangeError(
      `Expected FICH field ${name} to be an integer in 0..${max}, found ${value}`,
    );
  }
  return value;
}

/**
 * Decodes a coded 25-byte FICH field into its 6 raw bytes (4 field bytes +
 * CRC-16) — Viterbi, Golay (24,12), CRC check, as G4KLX
 * `CYSFFICH::decode`. Allocates nothing.
 *
 * @param data The buffer holding the FICH field.
 * @param out Receives the 6 decoded bytes (written even if the CRC fails).
 * @param offset Where the field starts: {@link YSFD_FICH_OFFSET} (default)
 * in a YSFD packet, 5 in an air frame, 0 for the bare field.
 * @returns Whether the CRC matched.
 * @throws {RangeError} If `data` has no 25 bytes at `offset` or `out` has
 * fewer than 6 bytes.
 *
 * @example Raw decode of a known FICH
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeFichBytes } from "./fich.ts";
 *
 * const hex = "213d38a4be3121fc3123cf8280e0944bb300767c4fdc230728";
 * const field = Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
 * const out = new Uint8Array(6);
 * equal(decodeFichBytes(field, out, 0), true);
 * equal(out[1], 0x06); // FN 0, FT 6
 * ```
 */
export function decodeFichBytes(
  data: Uint8Array,
  out: Uint8Array,
  offset: number = YSFD_FICH_OFFSET,
): boolean {
  if (offset < 0 || data.length < offset + FICH_LENGTH || out.length < 6) {
    throw new RangeError(
      `Expected ${FICH_LENGTH} bytes at offset ${offset} and a 6-byte output, found ${data.length} and ${out.length} bytes`,
    );
  }
  viterbi.decodeInterleaved(data, INTERLEAVE_100, decoded, 96, offset);
  const b0 = golay24Decode((decoded[0] << 16) | (decoded[1] << 8) | decoded[2]);
  const b1 = golay24Decode((decoded[3] << 16) | (decoded[4] << 8) | decoded[5]);
  const b2 = golay24Decode((decoded[6] << 16) | (decoded[7] << 8) | decoded[8]);
  const b3 = golay24Decode(
    (decoded[9] << 16) | (decoded[10] << 8) | decoded[11],
  );
  out[0] = b0 >>> 4;
  out[1] = ((b0 << 4) & 0xf0) | (b1 >>> 8);
  out[2] = b1 & 0xff;
  out[3] = b2 >>> 4;
  out[4] = ((b2 << 4) & 0xf0) | (b3 >>> 8);
  out[5] = b3 & 0xff;
  return checkCrc16(out, 0, 6);
}

/**
 * Encodes 4 raw FICH field bytes into a coded 25-byte FICH field: CRC-16,
 * Golay (24,12), 4 tail bits, convolutional code, interleave, as G4KLX
 * `CYSFFICH::encode`. Allocates nothing.
 *
 * @param raw The field bytes; only `raw[0..4)` are read.
 * @param data The buffer receiving the coded field.
 * @param offset Where the field starts, default {@link YSFD_FICH_OFFSET}.
 * @throws {RangeError} If `raw` has fewer than 4 bytes or `data` has no 25
 * bytes at `offset`.
 *
 * @example Encoding a header FICH into a bare field
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeFichBytes } from "./fich.ts";
 *
 * const field = new Uint8Array(25);
 * encodeFichBytes(new Uint8Array([0x20, 0x06, 0x02, 0x00]), field, 0);
 * equal(field[0], 0x21);
 * ```
 */
export function encodeFichBytes(
  raw: Uint8Array,
  data: Uint8Array,
  offset: number = YSFD_FICH_OFFSET,
): void {
  if (raw.length < 4 || offset < 0 || data.length < offset + FICH_LENGTH) {
    throw new RangeError(
      `Expected 4 field bytes and ${FICH_LENGTH} bytes at offset ${offset}, found ${raw.length} and ${data.length} bytes`,
    );
  }
  raw6[0] = raw[0];
  raw6[1] = raw[1];
  raw6[2] = raw[2];
  raw6[3] = raw[3];
  addCrc16(raw6, 0, 6);
  const c0 = golay24Encode((raw6[0] << 4) | (raw6[1] >>> 4));
  const c1 = golay24Encode(((raw6[1] & 0x0f) << 8) | raw6[2]);
  const c2 = golay24Encode((raw6[3] << 4) | (raw6[4] >>> 4));
  const c3 = golay24Encode(((raw6[4] & 0x0f) << 8) | raw6[5]);
  conv[0] = c0 >>> 16;
  conv[1] = c0 >>> 8;
  conv[2] = c0;
  conv[3] = c1 >>> 16;
  conv[4] = c1 >>> 8;
  conv[5] = c1;
  conv[6] = c2 >>> 16;
  conv[7] = c2 >>> 8;
  conv[8] = c2;
  conv[9] = c3 >>> 16;
  conv[10] = c3 >>> 8;
  conv[11] = c3;
  conv[12] = 0;
  convolutionalEncode(conv, convolved, 100);
  interleave(convolved, data, INTERLEAVE_100, offset);
}

/**
 * Unpacks the fields of 4 raw FICH bytes.
 *
 * @param raw The raw bytes (at least 4).
 * @returns The fields.
 *
 * @example Reading the DG-ID
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fichFromBytes } from "./fich.ts";
 *
 * const fich = fichFromBytes(new Uint8Array([0x24, 0x07, 0x02, 0x32]));
 * equal(fich.cm, 1);
 * equal(fich.dgid, 50);
 * ```
 */
export function fichFromBytes(raw: Uint8Array): Fich {
  const b0 = raw[0], b1 = raw[1], b2 = raw[2], b3 = raw[3];
  return {
    fi: (b0 >>> 6) & 3,
    cs: (b0 >>> 4) & 3,
    cm: (b0 >>> 2) & 3,
    bn: b0 & 3,
    bt: (b1 >>> 6) & 3,
    fn: (b1 >>> 3) & 7,
    ft: b1 & 7,
    dev: (b2 & 0x40) !== 0,
    mr: (b2 >>> 3) & 7,
    voip: (b2 & 0x04) !== 0,
    dt: b2 & 3,
    sql: (b3 & 0x80) !== 0,
    dgid: b3 & 0x7f,
  };
}

/**
 * Packs FICH fields into 4 raw bytes.
 *
 * @param fich The fields.
 * @param out Where to write the 4 bytes, default a new array.
 * @returns `out`.
 * @throws {RangeError} If a field is out of range.
 *
 * @example Packing a header FICH
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { fichToBytes } from "./fich.ts";
 *
 * const raw = fichToBytes({
 *   fi: 0, cs: 2, cm: 0, bn: 0, bt: 0, fn: 0, ft: 6,
 *   dev: false, mr: 0, voip: false, dt: 2, sql: false, dgid: 0,
 * });
 * deepEqual([...raw], [0x20, 0x06, 0x02, 0x00]);
 * ```
 */
export function fichToBytes(
  fich: Fich,
  out: Uint8Array = new Uint8Array(4),
): Uint8Array {
  out[0] = (checkField(fich, "fi", 3) << 6) | (checkField(fich, "cs", 3) << 4) |
    (checkField(fich, "cm", 3) << 2) | checkField(fich, "bn", 3);
  out[1] = (checkField(fich, "bt", 3) << 6) | (checkField(fich, "fn", 7) << 3) |
    checkField(fich, "ft", 7);
  out[2] = (fich.dev ? 0x40 : 0) | (checkField(fich, "mr", 7) << 3) |
    (fich.voip ? 0x04 : 0) | checkField(fich, "dt", 3);
  out[3] = (fich.sql ? 0x80 : 0) | checkField(fich, "dgid", 127);
  return out;
}

const scratch6 = new Uint8Array(6);
const scratch4 = new Uint8Array(4);

/**
 * Decodes a coded 25-byte FICH field into its fields.
 *
 * @param data The buffer holding the FICH field.
 * @param offset Where the field starts: {@link YSFD_FICH_OFFSET} (default)
 * in a YSFD packet, 5 in an air frame, 0 for the bare field.
 * @returns The fields, or `undefined` if the CRC does not match.
 * @throws {RangeError} If `data` has no 25 bytes at `offset`.
 *
 * @example Decoding a known FICH
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeFich } from "./fich.ts";
 *
 * const hex = "1165769ca2220db655b7d041601d066021ec67a67d4fd920eb";
 * const field = Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
 * equal(decodeFich(field, 0)?.dgid, 50);
 * field[3] ^= 0xff; // 8 channel bit errors in a row
 * equal(decodeFich(field, 0), undefined);
 * ```
 */
export function decodeFich(
  data: Uint8Array,
  offset: number = YSFD_FICH_OFFSET,
): Fich | undefined {
  return decodeFichBytes(data, scratch6, offset)
    ? fichFromBytes(scratch6)
    : undefined;
}

/**
 * Encodes FICH fields into a coded 25-byte FICH field.
 *
 * @param fich The fields.
 * @param data The buffer receiving the coded field.
 * @param offset Where the field starts, default {@link YSFD_FICH_OFFSET}.
 * @throws {RangeError} If a field is out of range or `data` has no 25 bytes
 * at `offset`.
 *
 * @example Round trip
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodeFich, encodeFich, type Fich } from "./fich.ts";
 *
 * const fich: Fich = {
 *   fi: 1, cs: 2, cm: 0, bn: 0, bt: 0, fn: 3, ft: 7,
 *   dev: false, mr: 0, voip: true, dt: 2, sql: false, dgid: 9,
 * };
 * const field = new Uint8Array(25);
 * encodeFich(fich, field, 0);
 * deepEqual(decodeFich(field, 0), fich);
 * ```
 */
export function encodeFich(
  fich: Fich,
  data: Uint8Array,
  offset: number = YSFD_FICH_OFFSET,
): void {
  encodeFichBytes(fichToBytes(fich, scratch4), data, offset);
}

/**
 * Changes the DG-ID (squelch code, FICH byte 3 bits 6..0) of a coded FICH in
 * place: decode, set the DG-ID, re-encode with a fresh CRC. Every other bit
 * (including the SQL flag and the reserved bit) is kept. Nothing changes if
 * the FICH does not decode.
 *
 * @param data The buffer holding the FICH field, modified in place.
 * @param dgid The new DG-ID, 0..127.
 * @param offset Where the field starts, default {@link YSFD_FICH_OFFSET}.
 * @returns Whether the FICH decoded (and was rewritten).
 * @throws {RangeError} If `dgid` is out of range or `data` has no 25 bytes
 * at `offset`.
 *
 * @example Moving a frame to DG-ID 9
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeFich, setFichDgid } from "./fich.ts";
 *
 * const hex = "213d38a4be3121fc3123cf8280e0944bb300767c4fdc230728";
 * const field = Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
 * equal(setFichDgid(field, 9, 0), true);
 * equal(decodeFich(field, 0)?.dgid, 9);
 * ```
 */
export function setFichDgid(
  data: Uint8Array,
  dgid: number,
  offset: number = YSFD_FICH_OFFSET,
): boolean {
  if (!Number.isInteger(dgid) || dgid < 0 || dgid > 127) {
    throw new RangeError(`Expected a DG-ID in 0..127, found ${dgid}`);
  }
  if (!decodeFichBytes(data, scratch6, offset)) return false;
  scratch6[3] = (scratch6[3] & 0x80) | dgid;
  encodeFichBytes(scratch6, data, offset);
  return true;
}
