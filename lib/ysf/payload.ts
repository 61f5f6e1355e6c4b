/**
 * The data channels (DCH) of the YSF air-frame payload: the 20-byte channels
 * of header/terminator frames (CSD1 = destination + source, CSD2 = downlink
 * + uplink), data full rate and V/D mode 1, and the 10-byte channel of V/D
 * mode 2 (reference ysf.md §2.4; G4KLX `CYSFPayload`, pYSFReflector3
 * `ysfpayload.py`). Also the pYSFReflector3 `prefix=1` source rewrite.
 *
 * @module
 */

import { addCrc16, checkCrc16 } from "./crc16.ts";
import { convolutionalEncode, ViterbiDecoder } from "./convolution.ts";
import { type Fich, FrameIndicator } from "./fich.ts";
import { interleave, INTERLEAVE_100, INTERLEAVE_180 } from "./interleave.ts";

/**
 * Offset of the 120-byte air frame in a YSFD packet.
 *
 * @example The frame starts with the sync
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YSFD_FRAME_OFFSET } from "./payload.ts";
 *
 * const packet = new Uint8Array(155);
 * packet.set([0xd4, 0x71, 0xc9, 0x63, 0x4d], YSFD_FRAME_OFFSET);
 * equal(packet[35], 0xd4);
 * ```
 */
export const YSFD_FRAME_OFFSET = 35;

/**
 * Offset of the payload inside the air frame (5 sync + 25 FICH bytes);
 * block k of the payload starts at `PAYLOAD_OFFSET + 18·k`.
 *
 * @example Payload of a YSFD
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { PAYLOAD_OFFSET, YSFD_FRAME_OFFSET } from "./payload.ts";
 *
 * equal(YSFD_FRAME_OFFSET + PAYLOAD_OFFSET, 65);
 * ```
 */
export const PAYLOAD_OFFSET = 30;

/**
 * The whitening sequence XORed onto the data channels (the 10-byte channel
 * uses its first 10 bytes).
 *
 * @example First byte
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { WHITENING } from "./payload.ts";
 *
 * equal(WHITENING[0], 0x93);
 * ```
 */
export const WHITENING: Uint8Array = new Uint8Array([
  0x93,
  0xd7,
  0x51,
  0x21,
  0x9c,
  0x2f,
  0x6c,
  0xd0,
  0xef,
  0x0f,
  0xf8,
  0x3d,
  0xf1,
  0x73,
  0x20,
  0x94,
  0xed,
  0x1e,
  0x7c,
  0xd8,
]);

/**
 * What the 10-byte V/D mode 2 data channel carries, by FICH FN.
 *
 * @example Picking the source
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Vd2Content } from "./payload.ts";
 *
 * equal(Vd2Content.Source, 1);
 * ```
 */
export const Vd2Content = {
  /** FN 0: destination callsign. */
  Destination: 0,
  /** FN 1: source callsign. */
  Source: 1,
  /** FN 2: downlink callsign. */
  Downlink: 2,
  /** FN 3: uplink callsign. */
  Uplink: 3,
  /** FN 4: Rem1 + Rem2. */
  Rem12: 4,
  /** FN 5: Rem3 + Rem4. */
  Rem34: 5,
  /** FN 6: data (GPS / radio model), first part. */
  Data1: 6,
  /** FN 7: data (GPS / radio model), second part. */
  Data2: 7,
} as const;

const viterbi = new ViterbiDecoder(180);
const dch = new Uint8Array(45);
const decoded = new Uint8Array(23);
const block = new Uint8Array(23);
const convolved = new Uint8Array(45);
const scratch20 = new Uint8Array(20);
const scratch10 = new Uint8Array(10);

function checkFrame(data: Uint8Array, frameOffset: number): void {
  if (frameOffset < 0 || data.length < frameOffset + 120) {
    throw new RangeError(
      `Expected a 120-byte air frame at offset ${frameOffset}, found ${data.length} bytes`,
    );
  }
}

/**
 * Decodes one 20-byte data channel (Viterbi over 180 dibits, CRC-16,
 * de-whitening) from the 9-byte halves of the five payload blocks.
 * Allocates nothing.
 *
 * @param data The buffer holding the air frame (a YSFD packet by default).
 * @param half 0: the first 9 bytes of each block (CSD1, data FR channel 1,
 * V/D mode 1); 1: the second 9 bytes (CSD2, data FR channel 2).
 * @param out Receives the 20 data bytes; written only if the CRC matches.
 * @param frameOffset Where the air frame starts, default
 * {@link YSFD_FRAME_OFFSET}.
 * @returns Whether the CRC matched.
 * @throws {RangeError} If there is no 120-byte frame at `frameOffset` or
 * `out` has fewer than 20 bytes.
 *
 * @example Round trip of CSD2
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { decodeDataChannel20, encodeDataChannel20 } from "./payload.ts";
 *
 * const packet = new Uint8Array(155);
 * const csd2 = new TextEncoder().encode("G4ABC     G4ABC-GW  ");
 * encodeDataChannel20(csd2, packet, 1);
 * const out = new Uint8Array(20);
 * equal(decodeDataChannel20(packet, 1, out), true);
 * deepEqual(out, csd2);
 * ```
 */
export function decodeDataChannel20(
  data: Uint8Array,
  half: 0 | 1,
  out: Uint8Array,
  frameOffset: number = YSFD_FRAME_OFFSET,
): boolean {
  checkFrame(data, frameOffset);
  if (out.length < 20) {
    throw new RangeError(`Expected a 20-byte output, found ${out.length}`);
  }
  let p = frameOffset + PAYLOAD_OFFSET + (half === 0 ? 0 : 9);
  for (let i = 0; i < 45; i += 9, p += 18) {
    for (let k = 0; k < 9; k++) dch[i + k] = data[p + k];
  }
  viterbi.decodeInterleaved(dch, INTERLEAVE_180, decoded, 176);
  if (!checkCrc16(decoded, 0, 22)) return false;
  for (let i = 0; i < 20; i++) out[i] = decoded[i] ^ WHITENING[i];
  return true;
}

/**
 * Encodes one 20-byte data channel (whitening, CRC-16, 4 tail bits,
 * convolutional code, interleave) into the 9-byte halves of the five payload
 * blocks. The other halves are not touched. Allocates nothing.
 *
 * @param channel The 20 data bytes.
 * @param data The buffer holding the air frame, modified in place.
 * @param half 0: first halves (CSD1); 1: second halves (CSD2).
 * @param frameOffset Where the air frame starts, default
 * {@link YSFD_FRAME_OFFSET}.
 * @throws {RangeError} If `channel` has fewer than 20 bytes or there is no
 * 120-byte frame at `frameOffset`.
 *
 * @example Writing CSD1
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeHeaderPayload, encodeDataChannel20 } from "./payload.ts";
 *
 * const packet = new Uint8Array(155);
 * encodeDataChannel20(new TextEncoder().encode("ALL       G4ABC     "), packet, 0);
 * equal(decodeHeaderPayload(packet).source, "G4ABC     ");
 * ```
 */
export function encodeDataChannel20(
  channel: Uint8Array,
  data: Uint8Array,
  half: 0 | 1,
  frameOffset: number = YSFD_FRAME_OFFSET,
): void {
  checkFrame(data, frameOffset);
  if (channel.length < 20) {
    throw new RangeError(
      `Expected a 20-byte channel, found ${channel.length} bytes`,
    );
  }
  for (let i = 0; i < 20; i++) block[i] = channel[i] ^ WHITENING[i];
  addCrc16(block, 0, 22);
  block[22] = 0;
  convolutionalEncode(block, convolved, 180);
  interleave(convolved, dch, INTERLEAVE_180);
  let p = frameOffset + PAYLOAD_OFFSET + (half === 0 ? 0 : 9);
  for (let i = 0; i < 45; i += 9, p += 18) {
    for (let k = 0; k < 9; k++) data[p + k] = dch[i + k];
  }
}

/**
 * Decodes the 10-byte V/D mode 2 data channel (Viterbi over 100 dibits,
 * CRC-16, de-whitening) from the first 5 bytes of the five payload blocks.
 * What it carries depends on the FICH FN ({@link Vd2Content}). Allocates
 * nothing.
 *
 * @param data The buffer holding the air frame (a YSFD packet by default).
 * @param out Receives the 10 data bytes; written only if the CRC matches.
 * @param frameOffset Where the air frame starts, default
 * {@link YSFD_FRAME_OFFSET}.
 * @returns Whether the CRC matched.
 * @throws {RangeError} If there is no 120-byte frame at `frameOffset` or
 * `out` has fewer than 10 bytes.
 *
 * @example Round trip
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { decodeVd2DataChannel, encodeVd2DataChannel } from "./payload.ts";
 *
 * const packet = new Uint8Array(155);
 * const source = new TextEncoder().encode("G4ABC     ");
 * encodeVd2DataChannel(source, packet);
 * const out = new Uint8Array(10);
 * equal(decodeVd2DataChannel(packet, out), true);
 * deepEqual(out, source);
 * ```
 */
export function decodeVd2DataChannel(
  data: Uint8Array,
  out: Uint8Array,
  frameOffset: number = YSFD_FRAME_OFFSET,
): boolean {
  checkFrame(data, frameOffset);
  if (out.length < 10) {
    throw new RangeError(`Expected a 10-byte output, found ${out.length}`);
  }
  let p = frameOffset + PAYLOAD_OFFSET;
  for (let i = 0; i < 25; i += 5, p += 18) {
    for (let k = 0; k < 5; k++) dch[i + k] = data[p + k];
  }
  viterbi.decodeInterleaved(dch, INTERLEAVE_100, decoded, 96);
  if (!checkCrc16(decoded, 0, 12)) return false;
  for (let i = 0; i < 10; i++) out[i] = decoded[i] ^ WHITENING[i];
  return true;
}

/**
 * Encodes the 10-byte V/D mode 2 data channel (whitening, CRC-16, 4 tail
 * bits, convolutional code, interleave) into the first 5 bytes of the five
 * payload blocks; the voice bytes are not touched. Allocates nothing.
 *
 * @param channel The 10 data bytes.
 * @param data The buffer holding the air frame, modified in place.
 * @param frameOffset Where the air frame starts, default
 * {@link YSFD_FRAME_OFFSET}.
 * @throws {RangeError} If `channel` has fewer than 10 bytes or there is no
 * 120-byte frame at `frameOffset`.
 *
 * @example Writing a source callsign
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeVd2, encodeVd2DataChannel } from "./payload.ts";
 *
 * const packet = new Uint8Array(155);
 * encodeVd2DataChannel(new TextEncoder().encode("50/G4ABC  "), packet);
 * equal(decodeVd2(packet), "50/G4ABC  ");
 * ```
 */
export function encodeVd2DataChannel(
  channel: Uint8Array,
  data: Uint8Array,
  frameOffset: number = YSFD_FRAME_OFFSET,
): void {
  checkFrame(data, frameOffset);
  if (channel.length < 10) {
    throw new RangeError(
      `Expected a 10-byte channel, found ${channel.length} bytes`,
    );
  }
  for (let i = 0; i < 10; i++) block[i] = channel[i] ^ WHITENING[i];
  addCrc16(block, 0, 12);
  block[12] = 0;
  convolutionalEncode(block, convolved, 100);
  interleave(convolved, dch, INTERLEAVE_100);
  let p = frameOffset + PAYLOAD_OFFSET;
  for (let i = 0; i < 25; i += 5, p += 18) {
    for (let k = 0; k < 5; k++) data[p + k] = dch[i + k];
  }
}

/**
 * Converts channel bytes to a string, one character per byte; bytes outside
 * printable ASCII (0x20..0x7E) become spaces, as pYSFReflector3 sanitises.
 */
function bytesToText(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    text += String.fromCharCode(c >= 0x20 && c <= 0x7e ? c : 0x20);
  }
  return text;
}

/** Writes `text` padded with spaces / truncated to `length` bytes. */
function textToBytes(
  text: string,
  out: Uint8Array,
  start: number,
  length: number,
  field: string,
): void {
  for (let i = 0; i < length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x20;
    if (c > 0xff) {
      throw new RangeError(
        `Expected ${field} to be 8-bit text, found character code ${c} at index ${i}`,
      );
    }
    out[start + i] = c;
  }
}

/**
 * The callsigns of a header or terminator frame. Each is the 10-character
 * field as sent (space padded, not trimmed; non-printable bytes shown as
 * spaces), or `undefined` if its channel failed the CRC.
 */
export interface HeaderPayload {
  /** CSD1 bytes 0..9: destination (`ALL       ` for group calls; in
   * radio-ID call mode 5-char radio id + 5-char serial). */
  destination: string | undefined;
  /** CSD1 bytes 10..19: source (talker). */
  source: string | undefined;
  /** CSD2 bytes 0..9: downlink. */
  downlink: string | undefined;
  /** CSD2 bytes 10..19: uplink. */
  uplink: string | undefined;
}

/**
 * Decodes the two data channels of a header or terminator frame (FI 0 or 2):
 * CSD1 (destination, source) and CSD2 (downlink, uplink), like pYSFReflector3
 * `processheaderdata`.
 *
 * @param data The buffer holding the air frame (a YSFD packet by default).
 * @param frameOffset Where the air frame starts, default
 * {@link YSFD_FRAME_OFFSET}.
 * @returns The callsigns; a channel that fails its CRC gives `undefined`
 * fields.
 * @throws {RangeError} If there is no 120-byte frame at `frameOffset`.
 *
 * @example Reading a header
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodeHeaderPayload, encodeHeaderPayload } from "./payload.ts";
 *
 * const packet = new Uint8Array(155);
 * encodeHeaderPayload(
 *   { destination: "ALL", source: "G4ABC", downlink: "GB7XX", uplink: "G4ABC" },
 *   packet,
 * );
 * deepEqual(decodeHeaderPayload(packet), {
 *   destination: "ALL       ",
 *   source: "G4ABC     ",
 *   downlink: "GB7XX     ",
 *   uplink: "G4ABC     ",
 * });
 * ```
 */
export function decodeHeaderPayload(
  data: Uint8Array,
  frameOffset: number = YSFD_FRAME_OFFSET,
): HeaderPayload {
  let destination: string | undefined;
  let source: string | undefined;
  let downlink: string | undefined;
  let uplink: string | undefined;
  if (decodeDataChannel20(data, 0, scratch20, frameOffset)) {
    destination = bytesToText(scratch20, 0, 10);
    source = bytesToText(scratch20, 10, 20);
  }
  if (decodeDataChannel20(data, 1, scratch20, frameOffset)) {
    downlink = bytesToText(scratch20, 0, 10);
    uplink = bytesToText(scratch20, 10, 20);
  }
  return { destination, source, downlink, uplink };
}

/** The callsigns to write with {@link encodeHeaderPayload}. */
export interface HeaderPayloadFields {
  /** Destination; padded with spaces / truncated to 10 characters. */
  destination: string;
  /** Source; padded / truncated to 10. */
  source: string;
  /** Downlink; padded / truncated to 10. */
  downlink: string;
  /** Uplink; padded / truncated to 10. */
  uplink: string;
}

/**
 * Writes CSD1 (destination + source) and CSD2 (downlink + uplink) into the
 * payload of a header or terminator frame (pYSFReflector3 `writeHeader`).
 *
 * @param fields The callsigns (8-bit text).
 * @param data The buffer holding the air frame, modified in place.
 * @param frameOffset Where the air frame starts, default
 * {@link YSFD_FRAME_OFFSET}.
 * @throws {RangeError} If a callsign has a character above U+00FF or there
 * is no 120-byte frame at `frameOffset`.
 *
 * @example Writing a header payload
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeHeaderPayload, encodeHeaderPayload } from "./payload.ts";
 *
 * const packet = new Uint8Array(155);
 * encodeHeaderPayload(
 *   { destination: "ALL", source: "G4ABC", downlink: "", uplink: "" },
 *   packet,
 * );
 * equal(decodeHeaderPayload(packet).destination, "ALL       ");
 * ```
 */
export function encodeHeaderPayload(
  fields: HeaderPayloadFields,
  data: Uint8Array,
  frameOffset: number = YSFD_FRAME_OFFSET,
): void {
  checkFrame(data, frameOffset);
  textToBytes(fields.destination, scratch20, 0, 10, "destination");
  textToBytes(fields.source, scratch20, 10, 10, "source");
  encodeDataChannel20(scratch20, data, 0, frameOffset);
  textToBytes(fields.downlink, scratch20, 0, 10, "downlink");
  textToBytes(fields.uplink, scratch20, 10, 10, "uplink");
  encodeDataChannel20(scratch20, data, 1, frameOffset);
}

/**
 * Decodes the V/D mode 2 data channel as text (10 characters, not trimmed,
 * non-printable bytes shown as spaces). Its meaning depends on the FICH FN
 * ({@link Vd2Content}: FN 1 is the source callsign).
 *
 * @param data The buffer holding the air frame (a YSFD packet by default).
 * @param frameOffset Where the air frame starts, default
 * {@link YSFD_FRAME_OFFSET}.
 * @returns The text, or `undefined` if the CRC fails.
 * @throws {RangeError} If there is no 120-byte frame at `frameOffset`.
 *
 * @example A frame without a valid channel
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeVd2 } from "./payload.ts";
 *
 * equal(decodeVd2(new Uint8Array(155)), undefined);
 * ```
 */
export function decodeVd2(
  data: Uint8Array,
  frameOffset: number = YSFD_FRAME_OFFSET,
): string | undefined {
  return decodeVd2DataChannel(data, scratch10, frameOffset)
    ? bytesToText(scratch10, 0, 10)
    : undefined;
}

/**
 * Writes 10 characters of text into the V/D mode 2 data channel (padded
 * with spaces / truncated), like pYSFReflector3 `writeVDMmode2Data`.
 *
 * @param text The text (8-bit).
 * @param data The buffer holding the air frame, modified in place.
 * @param frameOffset Where the air frame starts, default
 * {@link YSFD_FRAME_OFFSET}.
 * @throws {RangeError} If `text` has a character above U+00FF or there is
 * no 120-byte frame at `frameOffset`.
 *
 * @example Writing a source
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeVd2, encodeVd2 } from "./payload.ts";
 *
 * const packet = new Uint8Array(155);
 * encodeVd2("G4ABC", packet);
 * equal(decodeVd2(packet), "G4ABC     ");
 * ```
 */
export function encodeVd2(
  text: string,
  data: Uint8Array,
  frameOffset: number = YSFD_FRAME_OFFSET,
): void {
  checkFrame(data, frameOffset);
  textToBytes(text, scratch10, 0, 10, "text");
  encodeVd2DataChannel(scratch10, data, frameOffset);
}

/** A radio-ID call mode destination field, split. */
export interface RadioIdDestination {
  /** The first 5 characters: the radio id (e.g. `90123`). */
  radioId: string;
  /** The last 5 characters: the radio serial (e.g. `FAHuL`). */
  serial: string;
}

/**
 * Splits the destination field of a radio-ID call (FICH CM = 1) into radio
 * id and serial, as pYSFReflector3 reads the serial for `SN:` rules.
 *
 * @param destination The 10-character CSD1 destination.
 * @returns The parts, or `undefined` if the field is not 10 characters or
 * is the placeholder `**********`.
 *
 * @example Splitting
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { splitRadioIdDestination } from "./payload.ts";
 *
 * deepEqual(splitRadioIdDestination("90123FAHuL"), { radioId: "90123", serial: "FAHuL" });
 * equal(splitRadioIdDestination("**********"), undefined);
 * ```
 */
export function splitRadioIdDestination(
  destination: string,
): RadioIdDestination | undefined {
  if (destination.length !== 10 || destination === "**********") {
    return undefined;
  }
  return { radioId: destination.slice(0, 5), serial: destination.slice(5) };
}

/**
 * The source text pYSFReflector3 shows on the radio when `prefix=1`:
 * `<dgid>/<base call>` padded / truncated to 10 characters, where the base
 * call is the trimmed network source (YSFD bytes 14..23) up to the first `-`
 * or `/`.
 *
 * @param dgid The room's DG-ID, 0..127.
 * @param networkSource The talker's callsign.
 * @returns The 10-character text.
 * @throws {RangeError} If `dgid` is not an integer in 0..127.
 *
 * @example As measured on pYSF3
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { dgidPrefixedSource } from "./payload.ts";
 *
 * equal(dgidPrefixedSource(50, "G4ABC-7   "), "50/G4ABC  ");
 * ```
 */
export function dgidPrefixedSource(
  dgid: number,
  networkSource: string,
): string {
  if (!Number.isInteger(dgid) || dgid < 0 || dgid > 127) {
    throw new RangeError(`Expected a DG-ID in 0..127, found ${dgid}`);
  }
  const base = networkSource.trim().split(/[-/]/, 1)[0];
  return `${dgid}/${base}`.padEnd(10, " ").slice(0, 10);
}

/**
 * Rewrites the source callsign carried in the payload, in place, the way
 * pYSFReflector3 applies its DG-ID prefix: in a header frame (FI 0) the
 * CSD1 source (the destination is kept; CSD2 is not touched), in a V/D mode
 * 2 communication frame with FN 1 the data channel. Other frames, and
 * headers whose CSD1 fails its CRC, are left unchanged.
 *
 * @param fich The frame's decoded FICH.
 * @param source The new source (8-bit text, padded / truncated to 10).
 * @param data The buffer holding the air frame, modified in place.
 * @param frameOffset Where the air frame starts, default
 * {@link YSFD_FRAME_OFFSET}.
 * @returns Whether the payload was rewritten.
 * @throws {RangeError} If `source` has a character above U+00FF or there is
 * no 120-byte frame at `frameOffset`.
 *
 * @example Prefixing the source of a header
 * ```ts
 * import { equal } from "node:assert/strict";
 * import {
 *   decodeHeaderPayload, dgidPrefixedSource, encodeHeaderPayload, rewritePayloadSource,
 * } from "./payload.ts";
 *
 * const packet = new Uint8Array(155);
 * encodeHeaderPayload({ destination: "ALL", source: "G4ABC", downlink: "", uplink: "" }, packet);
 * const fich = {
 *   fi: 0, cs: 2, cm: 0, bn: 0, bt: 0, fn: 0, ft: 6,
 *   dev: false, mr: 0, voip: false, dt: 2, sql: false, dgid: 50,
 * };
 * equal(rewritePayloadSource(fich, dgidPrefixedSource(50, "G4ABC"), packet), true);
 * equal(decodeHeaderPayload(packet).source, "50/G4ABC  ");
 * ```
 */
export function rewritePayloadSource(
  fich: Fich,
  source: string,
  data: Uint8Array,
  frameOffset: number = YSFD_FRAME_OFFSET,
): boolean {
  checkFrame(data, frameOffset);
  if (fich.fi === FrameIndicator.Header) {
    if (!decodeDataChannel20(data, 0, scratch20, frameOffset)) return false;
    textToBytes(source, scratch20, 10, 10, "source");
    encodeDataChannel20(scratch20, data, 0, frameOffset);
    return true;
  }
  if (
    fich.fi === FrameIndicator.Communication && fich.dt === 2 &&
    fich.fn === Vd2Content.Source
  ) {
    encodeVd2(source, data, frameOffset);
    return true;
  }
  return false;
}
