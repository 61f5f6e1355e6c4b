/**
 * MPEG transport stream packet helpers (ISO/IEC 13818-1 §2.4.3): the
 * 188-byte packet, its sync byte, PID, continuity counter and flags, and a
 * header writer. Bytes in, numbers out; no allocation.
 *
 * @module
 */

/** The size of one transport stream packet in bytes. */
export const TS_PACKET_SIZE = 188;

/** The sync byte every packet starts with. */
export const TS_SYNC_BYTE = 0x47;

/** The PID of the program association table. */
export const PAT_PID = 0x0000;

/** The PID of null (stuffing) packets. */
export const NULL_PID = 0x1fff;

function checkPacket(bytes: Uint8Array, offset: number): void {
  if (
    !Number.isSafeInteger(offset) || offset < 0 ||
    offset + TS_PACKET_SIZE > bytes.length
  ) {
    throw new RangeError(
      `Expected a packet offset in 0..${
        bytes.length - TS_PACKET_SIZE
      } but found ${offset}`,
    );
  }
}

/**
 * Whether the byte at `offset` is the sync byte 0x47.
 *
 * @param bytes The bytes.
 * @param offset The byte to look at, default 0.
 * @returns `true` if it is 0x47.
 *
 * @example Checking a packet start
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isSyncByte } from "./packet.ts";
 *
 * equal(isSyncByte(new Uint8Array([0x47, 0, 0, 0])), true);
 * equal(isSyncByte(new Uint8Array([0x00])), false);
 * ```
 */
export function isSyncByte(bytes: Uint8Array, offset = 0): boolean {
  return bytes[offset] === TS_SYNC_BYTE;
}

/**
 * The 13-bit PID of the packet starting at `offset`.
 *
 * @param bytes The bytes.
 * @param offset The first byte of the packet, default 0.
 * @returns The PID, 0..0x1FFF.
 * @throws {RangeError} If no whole packet starts at `offset`.
 *
 * @example Reading a PID
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { packetPid, writePacketHeader } from "./packet.ts";
 *
 * const packet = new Uint8Array(188);
 * writePacketHeader(packet, 0, { pid: 0x100, continuityCounter: 3 });
 * equal(packetPid(packet), 0x100);
 * ```
 */
export function packetPid(bytes: Uint8Array, offset = 0): number {
  checkPacket(bytes, offset);
  return ((bytes[offset + 1] & 0x1f) << 8) | bytes[offset + 2];
}

/**
 * The 4-bit continuity counter of the packet starting at `offset`.
 *
 * @param bytes The bytes.
 * @param offset The first byte of the packet, default 0.
 * @returns The counter, 0..15.
 * @throws {RangeError} If no whole packet starts at `offset`.
 *
 * @example Reading the continuity counter
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { continuityCounter, writePacketHeader } from "./packet.ts";
 *
 * const packet = new Uint8Array(188);
 * writePacketHeader(packet, 0, { pid: 0x100, continuityCounter: 9 });
 * equal(continuityCounter(packet), 9);
 * ```
 */
export function continuityCounter(bytes: Uint8Array, offset = 0): number {
  checkPacket(bytes, offset);
  return bytes[offset + 3] & 0x0f;
}

/**
 * Whether the payload_unit_start_indicator of the packet is set (a PES
 * packet or a PSI section starts in it).
 *
 * @param bytes The bytes.
 * @param offset The first byte of the packet, default 0.
 * @returns The flag.
 * @throws {RangeError} If no whole packet starts at `offset`.
 *
 * @example Reading the flag
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { payloadUnitStart, writePacketHeader } from "./packet.ts";
 *
 * const packet = new Uint8Array(188);
 * writePacketHeader(packet, 0, { pid: 0, payloadUnitStart: true, continuityCounter: 0 });
 * equal(payloadUnitStart(packet), true);
 * ```
 */
export function payloadUnitStart(bytes: Uint8Array, offset = 0): boolean {
  checkPacket(bytes, offset);
  return (bytes[offset + 1] & 0x40) !== 0;
}

/**
 * The 2-bit adaptation_field_control: 1 = payload only, 2 = adaptation
 * field only, 3 = both (0 is reserved).
 *
 * @param bytes The bytes.
 * @param offset The first byte of the packet, default 0.
 * @returns The value, 0..3.
 * @throws {RangeError} If no whole packet starts at `offset`.
 *
 * @example Reading the field
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { adaptationFieldControl, writePacketHeader } from "./packet.ts";
 *
 * const packet = new Uint8Array(188);
 * writePacketHeader(packet, 0, { pid: 0x100, continuityCounter: 0, adaptationFieldControl: 3 });
 * equal(adaptationFieldControl(packet), 3);
 * ```
 */
export function adaptationFieldControl(bytes: Uint8Array, offset = 0): number {
  checkPacket(bytes, offset);
  return (bytes[offset + 3] >> 4) & 0x03;
}

/**
 * Whether the packet carries a payload (adaptation_field_control 1 or 3).
 * Only such packets advance the continuity counter.
 *
 * @param bytes The bytes.
 * @param offset The first byte of the packet, default 0.
 * @returns `true` if it has a payload.
 * @throws {RangeError} If no whole packet starts at `offset`.
 *
 * @example An adaptation-only packet has no payload
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { hasPayload, writePacketHeader } from "./packet.ts";
 *
 * const packet = new Uint8Array(188);
 * writePacketHeader(packet, 0, { pid: 0x100, continuityCounter: 0, adaptationFieldControl: 2 });
 * equal(hasPayload(packet), false);
 * ```
 */
export function hasPayload(bytes: Uint8Array, offset = 0): boolean {
  return (adaptationFieldControl(bytes, offset) & 0x01) !== 0;
}

/**
 * Whether the adaptation field of the packet sets the
 * discontinuity_indicator (the continuity counter may jump).
 *
 * @param bytes The bytes.
 * @param offset The first byte of the packet, default 0.
 * @returns The flag; `false` without an adaptation field.
 * @throws {RangeError} If no whole packet starts at `offset`.
 *
 * @example Reading the indicator
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { discontinuityIndicator, writePacketHeader } from "./packet.ts";
 *
 * const packet = new Uint8Array(188);
 * writePacketHeader(packet, 0, { pid: 0x100, continuityCounter: 0, adaptationFieldControl: 3 });
 * packet[4] = 1; // adaptation_field_length
 * packet[5] = 0x80; // discontinuity_indicator
 * equal(discontinuityIndicator(packet), true);
 * ```
 */
export function discontinuityIndicator(
  bytes: Uint8Array,
  offset = 0,
): boolean {
  if ((adaptationFieldControl(bytes, offset) & 0x02) === 0) return false;
  return bytes[offset + 4] > 0 && (bytes[offset + 5] & 0x80) !== 0;
}

/**
 * The fields {@link writePacketHeader} writes.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PacketHeader } from "./packet.ts";
 *
 * const header: PacketHeader = { pid: 0x1000, payloadUnitStart: true, continuityCounter: 0 };
 * equal(header.pid, 0x1000);
 * ```
 */
export interface PacketHeader {
  /** The PID, 0..0x1FFF. */
  pid: number;
  /** The continuity counter, 0..15. */
  continuityCounter: number;
  /** payload_unit_start_indicator. Default `false`. */
  payloadUnitStart?: boolean;
  /** adaptation_field_control, 1..3. Default 1 (payload only). */
  adaptationFieldControl?: number;
}

/**
 * Writes the 4-byte header of a packet (sync byte, flags, PID, scrambling
 * off, adaptation field control, continuity counter).
 *
 * @param target The buffer, modified in place.
 * @param offset The first byte of the packet.
 * @param header The fields.
 * @throws {RangeError} If no whole packet fits at `offset` or a field is out
 * of range.
 *
 * @example Writing a PAT packet header
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { writePacketHeader } from "./packet.ts";
 *
 * const packet = new Uint8Array(188);
 * writePacketHeader(packet, 0, { pid: 0, payloadUnitStart: true, continuityCounter: 5 });
 * deepEqual([...packet.subarray(0, 4)], [0x47, 0x40, 0x00, 0x15]);
 * ```
 */
export function writePacketHeader(
  target: Uint8Array,
  offset: number,
  header: PacketHeader,
): void {
  checkPacket(target, offset);
  const { pid, continuityCounter: cc } = header;
  const afc = header.adaptationFieldControl ?? 1;
  if (!Number.isInteger(pid) || pid < 0 || pid > NULL_PID) {
    throw new RangeError(`Expected a PID in 0..8191 but found ${pid}`);
  }
  if (!Number.isInteger(cc) || cc < 0 || cc > 15) {
    throw new RangeError(
      `Expected a continuity counter in 0..15 but found ${cc}`,
    );
  }
  if (!Number.isInteger(afc) || afc < 1 || afc > 3) {
    throw new RangeError(
      `Expected an adaptation field control in 1..3 but found ${afc}`,
    );
  }
  target[offset] = TS_SYNC_BYTE;
  target[offset + 1] = (header.payloadUnitStart ? 0x40 : 0) | (pid >> 8);
  target[offset + 2] = pid & 0xff;
  target[offset + 3] = (afc << 4) | cc;
}
