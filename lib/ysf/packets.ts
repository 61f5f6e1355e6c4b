/**
 * Parse and build the UDP datagrams of the YSF reflector protocol: YSFP
 * (poll / link), YSFU (unlink), YSFD (155-byte data), YSFS (status query and
 * 42-byte reply), YSFO (options), YSFI (info), YSFV (version query / reply),
 * as laid out in reference ysf.md §1.2. Parsers check the length before
 * reading any field and never throw: they return a typed packet or an
 * {@link InvalidPacket} whose `reason` is one of {@link INVALID_REASONS}.
 *
 * @module
 */

import { YSFD_FRAME_OFFSET } from "./payload.ts";

/**
 * The 4-byte ASCII tags.
 *
 * @example Telling a datagram's tag
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { PacketTag } from "./packets.ts";
 *
 * const datagram = new TextEncoder().encode("YSFPG4ABC     ");
 * equal(new TextDecoder().decode(datagram.subarray(0, 4)), PacketTag.Poll);
 * ```
 */
export const PacketTag = {
  /** Poll / link (client → reflector) and its reply. */
  Poll: "YSFP",
  /** Unlink (client → reflector). */
  Unlink: "YSFU",
  /** Data: one 120-byte air frame with routing header. */
  Data: "YSFD",
  /** Status query and reply. */
  Status: "YSFS",
  /** Options (YCS convention: DG-IDs). */
  Options: "YSFO",
  /** Gateway / hotspot information. */
  Info: "YSFI",
  /** Version query and reply (pYSFReflector3, goYSFReflector). */
  Version: "YSFV",
} as const;

/** One of the known tags. */
export type PacketTagName = (typeof PacketTag)[keyof typeof PacketTag];

/**
 * The documented datagram lengths, in bytes (reference ysf.md §1.2).
 *
 * @example A YSFD is 155 bytes
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildData, PacketLength } from "./packets.ts";
 *
 * const packet = buildData({
 *   gateway: "GW", source: "G4ABC", destination: "ALL", counter: 0, end: false, frame: new Uint8Array(120),
 * });
 * equal(packet.length, PacketLength.Data);
 * ```
 */
export const PacketLength = {
  /** YSFP and YSFU. */
  Poll: 14,
  /** YSFD. */
  Data: 155,
  /** YSFS reply. */
  StatusReply: 42,
  /** YSFO. */
  Options: 50,
  /** YSFI. */
  Info: 80,
} as const;

/**
 * The callsign a reflector puts in its YSFP reply (`YSFPREFLECTOR `).
 *
 * @example Recognising a reflector's poll reply
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parsePacket, REFLECTOR_CALLSIGN } from "./packets.ts";
 *
 * const reply = parsePacket(new TextEncoder().encode("YSFPREFLECTOR "));
 * equal(reply.type === "poll" && reply.callsign, REFLECTOR_CALLSIGN);
 * ```
 */
export const REFLECTOR_CALLSIGN = "REFLECTOR";

/**
 * Highest client count a status reply can show (3 digits).
 *
 * @example Capping
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildStatusReply, MAX_STATUS_COUNT } from "./packets.ts";
 *
 * const reply = buildStatusReply({ id: 1, name: "N", description: "D", count: 5000 });
 * equal(new TextDecoder().decode(reply.subarray(39)), String(MAX_STATUS_COUNT));
 * ```
 */
export const MAX_STATUS_COUNT = 999;

const POLL_LENGTH = PacketLength.Poll;
const DATA_LENGTH = PacketLength.Data;
const STATUS_REPLY_LENGTH = PacketLength.StatusReply;
const OPTIONS_LENGTH = PacketLength.Options;
const INFO_LENGTH = PacketLength.Info;

/**
 * Every reason an {@link InvalidPacket} can carry, a fixed set so a service
 * can count drops by reason with bounded label cardinality:
 *
 * - `runt`: fewer than 4 bytes, no tag.
 * - `unknown_tag`: the first 4 bytes are not a known tag.
 * - `too_short`: shorter than the tag's layout.
 * - `too_long`: longer than the tag's fixed layout (YSFD only).
 * - `bad_field`: a numeric field of a status reply is not digits.
 *
 * @example Checking a reason
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { INVALID_REASONS } from "./packets.ts";
 *
 * equal(INVALID_REASONS.includes("runt"), true);
 * ```
 */
export const INVALID_REASONS = [
  "runt",
  "unknown_tag",
  "too_short",
  "too_long",
  "bad_field",
] as const;

/** Why a datagram was rejected; see {@link INVALID_REASONS}. */
export type InvalidReason = (typeof INVALID_REASONS)[number];

/** A datagram that could not be parsed. */
export interface InvalidPacket {
  /** Discriminant. */
  type: "invalid";
  /** Why, from a fixed set. */
  reason: InvalidReason;
  /** The tag if it was a known one. */
  tag: PacketTagName | undefined;
  /** A sentence for logs: what was expected and what was found. */
  detail: string;
}

/** YSFP: a client polls / links (or the reflector's reply, callsign `REFLECTOR`). */
export interface PollPacket {
  /** Discriminant. */
  type: "poll";
  /** Bytes 4..13, trimmed, non-printable bytes as spaces. */
  callsign: string;
}

/** YSFU: a client unlinks. */
export interface UnlinkPacket {
  /** Discriminant. */
  type: "unlink";
  /** Bytes 4..13, trimmed, non-printable bytes as spaces. */
  callsign: string;
}

/** YSFD: one air frame with its network header. */
export interface DataPacket {
  /** Discriminant. */
  type: "data";
  /** Bytes 4..13: the node that put the frame on the net (trimmed). */
  gateway: string;
  /** Bytes 14..23: the talker (trimmed; may be empty at late entry). */
  source: string;
  /** Bytes 24..33: the destination, `ALL` for group calls (trimmed). */
  destination: string;
  /** Byte 34 bits 7..1: frame counter, 0..127. */
  counter: number;
  /** Byte 34 bit 0: end-of-transmission flag. */
  end: boolean;
  /** Bytes 35..154, a view (not a copy) of the 120-byte air frame. */
  frame: Uint8Array;
}

/** YSFS other than a 42-byte reply: someone asks for the status. */
export interface StatusQueryPacket {
  /** Discriminant. */
  type: "statusQuery";
}

/** YSFS, 42 bytes: a reflector's status. */
export interface StatusReplyPacket {
  /** Discriminant. */
  type: "statusReply";
  /** Bytes 4..8: the 5-digit id. */
  id: string;
  /** Bytes 9..24: the name (trimmed). */
  name: string;
  /** Bytes 25..38: the description (trimmed). */
  description: string;
  /** Bytes 39..41: linked clients, 0..999. */
  count: number;
}

/** YSFO: client options (YCS convention: DG-IDs separated by `;`). */
export interface OptionsPacket {
  /** Discriminant. */
  type: "options";
  /** Bytes 4..13 (trimmed). */
  callsign: string;
  /** Bytes 14..49, or up to the end of a shorter datagram (trimmed). */
  options: string;
}

/** YSFI: gateway / hotspot information. */
export interface InfoPacket {
  /** Discriminant. */
  type: "info";
  /** Bytes 4..13 (trimmed). */
  callsign: string;
  /** Bytes 14..22: RX frequency in Hz, or `undefined` if not digits. */
  rxFrequency: number | undefined;
  /** Bytes 23..31: TX frequency in Hz, or `undefined` if not digits. */
  txFrequency: number | undefined;
  /** Bytes 32..37: Maidenhead locator (trimmed). */
  locator: string;
  /** Bytes 38..57: name / town (trimmed). */
  name: string;
  /** Bytes 58..69: hotspot type, e.g. `MMDVM` (trimmed). */
  hotspotType: string;
  /** Bytes 70..76: gateway / radio id (trimmed). */
  radioId: string;
}

/** YSFV, exactly 4 bytes: someone asks for the version. */
export interface VersionQueryPacket {
  /** Discriminant. */
  type: "versionQuery";
}

/** YSFV with text: a reflector's version, e.g. `pYSFReflector 20260414`. */
export interface VersionReplyPacket {
  /** Discriminant. */
  type: "versionReply";
  /** The bytes after the tag (trimmed). */
  version: string;
}

/** Every valid datagram. */
export type YsfPacket =
  | PollPacket
  | UnlinkPacket
  | DataPacket
  | StatusQueryPacket
  | StatusReplyPacket
  | OptionsPacket
  | InfoPacket
  | VersionQueryPacket
  | VersionReplyPacket;

/** What {@link parsePacket} returns. */
export type ParseResult = YsfPacket | InvalidPacket;

const Y = 0x59, S = 0x53, F = 0x46;

function invalid(
  reason: InvalidReason,
  tag: PacketTagName | undefined,
  detail: string,
): InvalidPacket {
  return { type: "invalid", reason, tag, detail };
}

function tooShort(
  tag: PacketTagName,
  min: number,
  found: number,
): InvalidPacket {
  return invalid(
    "too_short",
    tag,
    `Expected at least ${min} bytes for ${tag}, found ${found}`,
  );
}

/**
 * Text of `data[start..end)`, bytes outside printable ASCII as spaces,
 * leading and trailing spaces removed. The caller guarantees the range is
 * inside `data`.
 */
function text(data: Uint8Array, start: number, end: number): string {
  while (start < end && !isVisible(data[start])) start++;
  while (end > start && !isVisible(data[end - 1])) end--;
  let s = "";
  for (let i = start; i < end; i++) {
    const c = data[i];
    s += String.fromCharCode(c > 0x20 && c <= 0x7e ? c : 0x20);
  }
  return s;
}

function isVisible(c: number): boolean {
  return c > 0x20 && c <= 0x7e;
}

/** Decimal value of an all-digit field, or -1. */
function digits(data: Uint8Array, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = data[i] - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

function parseData(data: Uint8Array): DataPacket | InvalidPacket {
  if (data.length !== DATA_LENGTH) {
    return invalid(
      data.length < DATA_LENGTH ? "too_short" : "too_long",
      PacketTag.Data,
      `Expected ${DATA_LENGTH} bytes for YSFD, found ${data.length}`,
    );
  }
  const status = data[34];
  return {
    type: "data",
    gateway: text(data, 4, 14),
    source: text(data, 14, 24),
    destination: text(data, 24, 34),
    counter: status >>> 1,
    end: (status & 1) !== 0,
    frame: data.subarray(YSFD_FRAME_OFFSET, DATA_LENGTH),
  };
}

function parseStatus(data: Uint8Array): ParseResult {
  if (data.length !== STATUS_REPLY_LENGTH) return { type: "statusQuery" };
  return parseStatusReply(data);
}

function parseInfo(data: Uint8Array): InfoPacket | InvalidPacket {
  if (data.length < INFO_LENGTH) {
    return tooShort(PacketTag.Info, INFO_LENGTH, data.length);
  }
  const rx = digits(data, 14, 23);
  const tx = digits(data, 23, 32);
  return {
    type: "info",
    callsign: text(data, 4, 14),
    rxFrequency: rx < 0 ? undefined : rx,
    txFrequency: tx < 0 ? undefined : tx,
    locator: text(data, 32, 38),
    name: text(data, 38, 58),
    hotspotType: text(data, 58, 70),
    radioId: text(data, 70, 77),
  };
}

/**
 * Parses one datagram of the YSF reflector protocol. Never throws, never
 * reads outside `data`, and does not copy: a YSFD's `frame` is a view of
 * `data`.
 *
 * Lengths: YSFD must be exactly 155 bytes (as pYSFReflector3; G4KLX pads or
 * truncates). YSFP and YSFU need at least 14 bytes, YSFI at least 80, YSFO
 * at least 14 (the option text is bytes 14..49 or up to the end); bytes after
 * the documented layout are ignored. YSFS of exactly 42 bytes is a status
 * reply, any other YSFS a query (both peers answer `YSFS` + extra bytes).
 * YSFV of exactly 4 bytes is a query, longer is a version reply. Treating
 * replies as replies keeps two reflectors from answering each other forever.
 *
 * @param data The datagram.
 * @returns The packet, or an {@link InvalidPacket}.
 *
 * @example Parsing a poll and rejecting a short YSFD
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { parsePacket } from "./packets.ts";
 *
 * const poll = new TextEncoder().encode("YSFPG4ABC     ");
 * deepEqual(parsePacket(poll), { type: "poll", callsign: "G4ABC" });
 * const short = new Uint8Array(100);
 * short.set(new TextEncoder().encode("YSFD"));
 * const result = parsePacket(short);
 * equal(result.type === "invalid" && result.reason, "too_short");
 * ```
 */
export function parsePacket(data: Uint8Array): ParseResult {
  const length = data.length;
  if (length < 4) {
    return invalid(
      "runt",
      undefined,
      `Expected at least 4 bytes, found ${length}`,
    );
  }
  if (data[0] !== Y || data[1] !== S || data[2] !== F) {
    return invalid(
      "unknown_tag",
      undefined,
      "Expected a tag starting with YSF",
    );
  }
  switch (data[3]) {
    case 0x44: // D
      return parseData(data);
    case 0x50: // P
      if (length < POLL_LENGTH) {
        return tooShort(PacketTag.Poll, POLL_LENGTH, length);
      }
      return { type: "poll", callsign: text(data, 4, 14) };
    case 0x55: // U
      if (length < POLL_LENGTH) {
        return tooShort(PacketTag.Unlink, POLL_LENGTH, length);
      }
      return { type: "unlink", callsign: text(data, 4, 14) };
    case 0x53: // S
      return parseStatus(data);
    case 0x4f: // O
      if (length < POLL_LENGTH) {
        return tooShort(PacketTag.Options, POLL_LENGTH, length);
      }
      return {
        type: "options",
        callsign: text(data, 4, 14),
        options: text(data, 14, Math.min(length, OPTIONS_LENGTH)),
      };
    case 0x49: // I
      return parseInfo(data);
    case 0x56: // V
      return length === 4
        ? { type: "versionQuery" }
        : { type: "versionReply", version: text(data, 4, length) };
    default:
      return invalid(
        "unknown_tag",
        undefined,
        `Expected a known YSF tag, found YSF${
          data[3] >= 0x21 && data[3] <= 0x7e
            ? String.fromCharCode(data[3])
            : "\\x" + data[3].toString(16).padStart(2, "0")
        }`,
      );
  }
}

/**
 * Parses a 42-byte YSFS status reply (what a registry or dashboard receives
 * from a reflector). Never throws.
 *
 * @param data The datagram.
 * @returns The reply, or an {@link InvalidPacket} (`unknown_tag`,
 * `too_short`, `too_long`, or `bad_field` if the id or count is not digits).
 *
 * @example The reply of "PEER G4KLX"
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseStatusReply } from "./packets.ts";
 *
 * const reply = new TextEncoder().encode("YSFS94296PEER G4KLX      Loopback test 000");
 * deepEqual(parseStatusReply(reply), {
 *   type: "statusReply", id: "94296", name: "PEER G4KLX", description: "Loopback test", count: 0,
 * });
 * ```
 */
export function parseStatusReply(
  data: Uint8Array,
): StatusReplyPacket | InvalidPacket {
  if (data.length < 4) {
    return invalid(
      "runt",
      undefined,
      `Expected at least 4 bytes, found ${data.length}`,
    );
  }
  if (data[0] !== Y || data[1] !== S || data[2] !== F || data[3] !== S) {
    return invalid("unknown_tag", undefined, "Expected the tag YSFS");
  }
  if (data.length !== STATUS_REPLY_LENGTH) {
    return invalid(
      data.length < STATUS_REPLY_LENGTH ? "too_short" : "too_long",
      PacketTag.Status,
      `Expected ${STATUS_REPLY_LENGTH} bytes for a YSFS reply, found ${data.length}`,
    );
  }
  const id = digits(data, 4, 9);
  const count = digits(data, 39, 42);
  if (id < 0 || count < 0) {
    return invalid(
      "bad_field",
      PacketTag.Status,
      "Expected digits in the id (bytes 4-8) and count (bytes 39-41) of a YSFS reply",
    );
  }
  return {
    type: "statusReply",
    id: String(id).padStart(5, "0"),
    name: text(data, 9, 25),
    description: text(data, 25, 39),
    count,
  };
}

// ---------------------------------------------------------------- builders

/** Writes printable ASCII `value` padded with spaces / truncated to `length`. */
function putText(
  out: Uint8Array,
  start: number,
  length: number,
  value: string,
  field: string,
): void {
  for (let i = 0; i < length; i++) {
    let c = 0x20;
    if (i < value.length) {
      c = value.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new RangeError(
          `Expected ${field} to be printable ASCII, found character code ${c} at index ${i}`,
        );
      }
    }
    out[start + i] = c;
  }
}

function putTag(out: Uint8Array, tag: PacketTagName): void {
  out[0] = Y;
  out[1] = S;
  out[2] = F;
  out[3] = tag.charCodeAt(3);
}

function putDigits(
  out: Uint8Array,
  start: number,
  length: number,
  value: number,
  field: string,
): void {
  if (!Number.isInteger(value) || value < 0 || value >= 10 ** length) {
    throw new RangeError(
      `Expected ${field} to be an integer of at most ${length} digits, found ${value}`,
    );
  }
  const s = String(value).padStart(length, "0");
  for (let i = 0; i < length; i++) out[start + i] = s.charCodeAt(i);
}

/**
 * Builds a 14-byte YSFP poll. A reflector answers every poll with
 * `buildPoll(REFLECTOR_CALLSIGN)` (`YSFPREFLECTOR `).
 *
 * @param callsign Printable ASCII, padded / truncated to 10 characters.
 * @returns The datagram.
 * @throws {RangeError} If `callsign` is not printable ASCII.
 *
 * @example The reflector's reply
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildPoll, REFLECTOR_CALLSIGN } from "./packets.ts";
 *
 * equal(new TextDecoder().decode(buildPoll(REFLECTOR_CALLSIGN)), "YSFPREFLECTOR ");
 * ```
 */
export function buildPoll(callsign: string): Uint8Array {
  const out = new Uint8Array(POLL_LENGTH);
  putTag(out, PacketTag.Poll);
  putText(out, 4, 10, callsign, "callsign");
  return out;
}

/**
 * Builds a 14-byte YSFU unlink.
 *
 * @param callsign Printable ASCII, padded / truncated to 10 characters.
 * @returns The datagram.
 * @throws {RangeError} If `callsign` is not printable ASCII.
 *
 * @example Unlinking
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildUnlink } from "./packets.ts";
 *
 * equal(new TextDecoder().decode(buildUnlink("G4ABC")), "YSFUG4ABC     ");
 * ```
 */
export function buildUnlink(callsign: string): Uint8Array {
  const out = new Uint8Array(POLL_LENGTH);
  putTag(out, PacketTag.Unlink);
  putText(out, 4, 10, callsign, "callsign");
  return out;
}

/** The fields of a YSFD datagram for {@link buildData}. */
export interface DataPacketFields {
  /** The node putting the frame on the net (printable ASCII, ≤ 10). */
  gateway: string;
  /** The talker (printable ASCII, ≤ 10). */
  source: string;
  /** The destination, `ALL` for group calls (printable ASCII, ≤ 10). */
  destination: string;
  /** Frame counter, 0..127. */
  counter: number;
  /** End-of-transmission flag. */
  end: boolean;
  /** The 120-byte air frame. */
  frame: Uint8Array;
}

/**
 * Builds a 155-byte YSFD datagram.
 *
 * @param fields The header fields and the air frame.
 * @param out Where to write, default a new 155-byte array; must be 155
 * bytes.
 * @returns `out`.
 * @throws {RangeError} If a field is out of range, a callsign is not
 * printable ASCII, the frame is not 120 bytes or `out` is not 155 bytes.
 *
 * @example Round trip
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildData, parsePacket } from "./packets.ts";
 *
 * const packet = buildData({
 *   gateway: "GW1ABC", source: "G4ABC", destination: "ALL",
 *   counter: 3, end: true, frame: new Uint8Array(120),
 * });
 * equal(packet[34], 7);
 * const parsed = parsePacket(packet);
 * equal(parsed.type === "data" && parsed.source, "G4ABC");
 * ```
 */
export function buildData(
  fields: DataPacketFields,
  out: Uint8Array = new Uint8Array(DATA_LENGTH),
): Uint8Array {
  if (out.length !== DATA_LENGTH) {
    throw new RangeError(
      `Expected a ${DATA_LENGTH}-byte output, found ${out.length} bytes`,
    );
  }
  if (fields.frame.length !== 120) {
    throw new RangeError(
      `Expected a 120-byte air frame, found ${fields.frame.length} bytes`,
    );
  }
  const counter = fields.counter;
  if (!Number.isInteger(counter) || counter < 0 || counter > 127) {
    throw new RangeError(`Expected a counter in 0..127, found ${counter}`);
  }
  putTag(out, PacketTag.Data);
  putText(out, 4, 10, fields.gateway, "gateway");
  putText(out, 14, 10, fields.source, "source");
  putText(out, 24, 10, fields.destination, "destination");
  out[34] = (counter << 1) | (fields.end ? 1 : 0);
  out.set(fields.frame, YSFD_FRAME_OFFSET);
  return out;
}

/**
 * Builds the 4-byte YSFS status query.
 *
 * @returns The datagram.
 *
 * @example Query
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildStatusQuery } from "./packets.ts";
 *
 * equal(new TextDecoder().decode(buildStatusQuery()), "YSFS");
 * ```
 */
export function buildStatusQuery(): Uint8Array {
  const out = new Uint8Array(4);
  putTag(out, PacketTag.Status);
  return out;
}

/** The fields of a status reply for {@link buildStatusReply}. */
export interface StatusReplyFields {
  /** The 5-digit id (see `statusId()`), or a number 0..99999. */
  id: string | number;
  /** The name, printable ASCII, truncated to 16. */
  name: string;
  /** The description, printable ASCII, truncated to 14. */
  description: string;
  /** Linked clients; capped at 999. */
  count: number;
}

/**
 * Builds the 42-byte YSFS status reply.
 *
 * @param fields Id, name, description and client count.
 * @returns The datagram.
 * @throws {RangeError} If the id is not 0..99999 / 5 digits, the count is
 * negative or not an integer, or a text is not printable ASCII.
 *
 * @example The reply measured on G4KLX
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildStatusReply } from "./packets.ts";
 *
 * const reply = buildStatusReply({ id: "94296", name: "PEER G4KLX", description: "Loopback test", count: 0 });
 * equal(new TextDecoder().decode(reply), "YSFS94296PEER G4KLX      Loopback test 000");
 * ```
 */
export function buildStatusReply(fields: StatusReplyFields): Uint8Array {
  const id = typeof fields.id === "string" && /^\d{5}$/.test(fields.id)
    ? Number(fields.id)
    : fields.id;
  if (typeof id !== "number") {
    throw new RangeError(`Expected a 5-digit id, found "${fields.id}"`);
  }
  if (!Number.isInteger(fields.count) || fields.count < 0) {
    throw new RangeError(
      `Expected a client count >= 0, found ${fields.count}`,
    );
  }
  const out = new Uint8Array(STATUS_REPLY_LENGTH);
  putTag(out, PacketTag.Status);
  putDigits(out, 4, 5, id, "id");
  putText(out, 9, 16, fields.name, "name");
  putText(out, 25, 14, fields.description, "description");
  putDigits(out, 39, 3, Math.min(fields.count, MAX_STATUS_COUNT), "count");
  return out;
}

/**
 * Builds a 50-byte YSFO options datagram.
 *
 * @param callsign Printable ASCII, padded / truncated to 10.
 * @param options Printable ASCII, padded / truncated to 36 (e.g. `10;20;`).
 * @returns The datagram.
 * @throws {RangeError} If a text is not printable ASCII.
 *
 * @example Asking for DG-ID 9
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildOptions, parsePacket } from "./packets.ts";
 *
 * const parsed = parsePacket(buildOptions("G4ABC", "9"));
 * equal(parsed.type === "options" && parsed.options, "9");
 * ```
 */
export function buildOptions(callsign: string, options: string): Uint8Array {
  const out = new Uint8Array(OPTIONS_LENGTH);
  putTag(out, PacketTag.Options);
  putText(out, 4, 10, callsign, "callsign");
  putText(out, 14, 36, options, "options");
  return out;
}

/** The fields of a YSFI datagram for {@link buildInfo}. */
export interface InfoFields {
  /** Printable ASCII, ≤ 10. */
  callsign: string;
  /** RX frequency in Hz, 0..999999999. */
  rxFrequency: number;
  /** TX frequency in Hz, 0..999999999. */
  txFrequency: number;
  /** Maidenhead locator, ≤ 6. */
  locator: string;
  /** Name / town, ≤ 20. */
  name: string;
  /** Hotspot type, e.g. `MMDVM`, ≤ 12. */
  hotspotType: string;
  /** Gateway / radio id, ≤ 7. */
  radioId: string;
}

/**
 * Builds an 80-byte YSFI info datagram.
 *
 * @param fields The information.
 * @returns The datagram.
 * @throws {RangeError} If a frequency is out of range or a text is not
 * printable ASCII.
 *
 * @example Round trip
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildInfo, parsePacket } from "./packets.ts";
 *
 * const parsed = parsePacket(buildInfo({
 *   callsign: "G4ABC", rxFrequency: 430_012_500, txFrequency: 430_012_500,
 *   locator: "IO91wm", name: "London", hotspotType: "MMDVM", radioId: "1234567",
 * }));
 * equal(parsed.type === "info" && parsed.rxFrequency, 430_012_500);
 * ```
 */
export function buildInfo(fields: InfoFields): Uint8Array {
  const out = new Uint8Array(INFO_LENGTH);
  putTag(out, PacketTag.Info);
  putText(out, 4, 10, fields.callsign, "callsign");
  putDigits(out, 14, 9, fields.rxFrequency, "rxFrequency");
  putDigits(out, 23, 9, fields.txFrequency, "txFrequency");
  putText(out, 32, 6, fields.locator, "locator");
  putText(out, 38, 20, fields.name, "name");
  putText(out, 58, 12, fields.hotspotType, "hotspotType");
  putText(out, 70, 7, fields.radioId, "radioId");
  putText(out, 77, 3, "", "padding");
  return out;
}

/**
 * Builds the 4-byte YSFV version query.
 *
 * @returns The datagram.
 *
 * @example Query
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildVersionQuery, parsePacket } from "./packets.ts";
 *
 * equal(parsePacket(buildVersionQuery()).type, "versionQuery");
 * ```
 */
export function buildVersionQuery(): Uint8Array {
  const out = new Uint8Array(4);
  putTag(out, PacketTag.Version);
  return out;
}

/**
 * Builds a YSFV version reply: the tag followed by the text (pYSF3 sends
 * `YSFVpYSFReflector 20260414`).
 *
 * @param version Printable ASCII, 1..200 characters.
 * @returns The datagram.
 * @throws {RangeError} If `version` is empty, longer than 200 characters or
 * not printable ASCII.
 *
 * @example Reply
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildVersionReply } from "./packets.ts";
 *
 * equal(new TextDecoder().decode(buildVersionReply("shack 0.1.0")), "YSFVshack 0.1.0");
 * ```
 */
export function buildVersionReply(version: string): Uint8Array {
  if (version.length < 1 || version.length > 200) {
    throw new RangeError(
      `Expected a version text of 1..200 characters, found ${version.length}`,
    );
  }
  const out = new Uint8Array(4 + version.length);
  putTag(out, PacketTag.Version);
  putText(out, 4, version.length, version, "version");
  return out;
}
