/**
 * The HDHomeRun UDP discovery protocol (port 65001), as libhdhomerun frames
 * it: a big-endian u16 packet type, a big-endian u16 payload length, the
 * payload as tag-length-value items (length in one byte below 128, else
 * two: low 7 bits | 0x80, then the rest), and a CRC-32 of everything
 * before it, stored little-endian.
 *
 * A discover request (type 2) names the device type and DeviceID wanted
 * (0xFFFFFFFF = any); the reply (type 3) carries device type, DeviceID,
 * tuner count, base URL and lineup URL. Jellyfin sends exactly the 20-byte
 * wildcard request and only checks that byte 1 of a reply is 3.
 *
 * @module
 */

import { crc32 } from "./crc32.ts";

/**
 * Packet types.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { HDHR_TYPE } from "./hdhr_discover_packet.ts";
 *
 * equal(HDHR_TYPE.discoverReply, 3);
 * ```
 */
export const HDHR_TYPE = {
  /** HDHOMERUN_TYPE_DISCOVER_REQ. */
  discoverRequest: 0x0002,
  /** HDHOMERUN_TYPE_DISCOVER_RPY. */
  discoverReply: 0x0003,
} as const;

/**
 * Tags of discovery payload items.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { HDHR_TAG } from "./hdhr_discover_packet.ts";
 *
 * equal(HDHR_TAG.baseUrl, 0x2a);
 * ```
 */
export const HDHR_TAG = {
  /** u32 device type (1 = tuner). */
  deviceType: 0x01,
  /** u32 DeviceID. */
  deviceId: 0x02,
  /** u8 tuner count. */
  tunerCount: 0x10,
  /** string lineup URL. */
  lineupUrl: 0x27,
  /** string base URL. */
  baseUrl: 0x2a,
} as const;

/** The tuner device type. */
export const HDHR_DEVICE_TYPE_TUNER = 0x00000001;

/** The wildcard device type / DeviceID of a request. */
export const HDHR_WILDCARD = 0xffffffff;

/**
 * A decoded frame: its type and its payload items in order.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HdhrFrame } from "./hdhr_discover_packet.ts";
 *
 * const frame: HdhrFrame = { type: 2, items: [{ tag: 1, value: new Uint8Array(4) }] };
 * equal(frame.items.length, 1);
 * ```
 */
export interface HdhrFrame {
  /** The packet type. */
  type: number;
  /** Tag-length-value items. */
  items: { tag: number; value: Uint8Array }[];
}

/**
 * Frames a packet: header, items, CRC-32 (little-endian).
 *
 * @param frame The type and items.
 * @returns The datagram.
 * @throws {RangeError} If an item is longer than 16,383 bytes or the
 * payload longer than 65,535.
 *
 * @example Jellyfin's discover request
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeHdhrFrame, HDHR_TAG, HDHR_TYPE } from "./hdhr_discover_packet.ts";
 *
 * const any = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
 * const request = encodeHdhrFrame({
 *   type: HDHR_TYPE.discoverRequest,
 *   items: [{ tag: HDHR_TAG.deviceType, value: any }, { tag: HDHR_TAG.deviceId, value: any }],
 * });
 * equal(request.length, 20);
 * ```
 */
export function encodeHdhrFrame(frame: HdhrFrame): Uint8Array {
  let payload = 0;
  for (const { value } of frame.items) {
    if (value.length > 0x3fff) {
      throw new RangeError(
        `Expected an item of at most 16383 bytes but found ${value.length}`,
      );
    }
    payload += 1 + (value.length < 128 ? 1 : 2) + value.length;
  }
  if (payload > 0xffff) {
    throw new RangeError(
      `Expected a payload of at most 65535 bytes but found ${payload}`,
    );
  }
  const out = new Uint8Array(4 + payload + 4);
  const view = new DataView(out.buffer);
  view.setUint16(0, frame.type);
  view.setUint16(2, payload);
  let at = 4;
  for (const { tag, value } of frame.items) {
    out[at++] = tag;
    if (value.length < 128) {
      out[at++] = value.length;
    } else {
      out[at++] = (value.length & 0x7f) | 0x80;
      out[at++] = value.length >> 7;
    }
    out.set(value, at);
    at += value.length;
  }
  view.setUint32(at, crc32(out, 0, at), true);
  return out;
}

/**
 * Decodes a frame, checking its length and CRC.
 *
 * @param bytes The datagram.
 * @returns The frame, or `undefined` if it is truncated, has trailing
 * bytes, a bad CRC or a malformed item.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeHdhrFrame, encodeHdhrFrame } from "./hdhr_discover_packet.ts";
 *
 * const bytes = encodeHdhrFrame({ type: 3, items: [{ tag: 0x10, value: new Uint8Array([2]) }] });
 * equal(decodeHdhrFrame(bytes)?.items[0].value[0], 2);
 * bytes[5] ^= 1;
 * equal(decodeHdhrFrame(bytes), undefined);
 * ```
 */
export function decodeHdhrFrame(bytes: Uint8Array): HdhrFrame | undefined {
  if (bytes.length < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(0);
  const length = view.getUint16(2);
  if (4 + length + 4 !== bytes.length) return undefined;
  if (crc32(bytes, 0, 4 + length) !== view.getUint32(4 + length, true)) {
    return undefined;
  }
  const items: HdhrFrame["items"] = [];
  let at = 4;
  const end = 4 + length;
  while (at < end) {
    if (items.length >= 64) return undefined;
    const tag = bytes[at++];
    if (at >= end) return undefined;
    let size = bytes[at++];
    if (size & 0x80) {
      if (at >= end) return undefined;
      size = (size & 0x7f) | (bytes[at++] << 7);
    }
    if (at + size > end) return undefined;
    items.push({ tag, value: bytes.subarray(at, at + size) });
    at += size;
  }
  return { type, items };
}

/**
 * Whether a frame is a discover request this device must answer: type 2,
 * device type (if given) tuner or wildcard, DeviceID (if given) ours or
 * wildcard.
 *
 * @param frame The decoded frame.
 * @param deviceId Our DeviceID as a number.
 * @returns `true` if a reply is due.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isDiscoverRequestFor } from "./hdhr_discover_packet.ts";
 *
 * const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
 * const frame = { type: 2, items: [{ tag: 1, value: u32(1) }, { tag: 2, value: u32(0x10101010) }] };
 * equal(isDiscoverRequestFor(frame, 0x10101010), true);
 * equal(isDiscoverRequestFor(frame, 0x20202020), false);
 * ```
 */
export function isDiscoverRequestFor(
  frame: HdhrFrame,
  deviceId: number,
): boolean {
  if (frame.type !== HDHR_TYPE.discoverRequest) return false;
  for (const { tag, value } of frame.items) {
    if (tag !== HDHR_TAG.deviceType && tag !== HDHR_TAG.deviceId) continue;
    if (value.length !== 4) return false;
    const v = new DataView(value.buffer, value.byteOffset, 4).getUint32(0);
    if (v === HDHR_WILDCARD) continue;
    if (tag === HDHR_TAG.deviceType && v !== HDHR_DEVICE_TYPE_TUNER) {
      return false;
    }
    if (tag === HDHR_TAG.deviceId && v !== deviceId >>> 0) return false;
  }
  return true;
}

/**
 * What a discover reply says.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DiscoverReplyFields } from "./hdhr_discover_packet.ts";
 *
 * const fields: DiscoverReplyFields = {
 *   deviceId: 0x10101010, tunerCount: 2,
 *   baseUrl: "http://192.0.2.5:5004", lineupUrl: "http://192.0.2.5:5004/lineup.json",
 * };
 * equal(fields.tunerCount, 2);
 * ```
 */
export interface DiscoverReplyFields {
  /** DeviceID as a number. */
  deviceId: number;
  /** Tuners, 1..255. */
  tunerCount: number;
  /** The HTTP base URL. */
  baseUrl: string;
  /** The lineup.json URL. */
  lineupUrl: string;
}

/**
 * Builds a discover reply (type 3) with device type, DeviceID, tuner
 * count, base URL and lineup URL.
 *
 * @param fields The device's figures.
 * @returns The datagram.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeHdhrFrame, discoverReply } from "./hdhr_discover_packet.ts";
 *
 * const reply = discoverReply({
 *   deviceId: 0x10101010, tunerCount: 2,
 *   baseUrl: "http://192.0.2.5:5004", lineupUrl: "http://192.0.2.5:5004/lineup.json",
 * });
 * equal(reply[1], 3); // what Jellyfin checks
 * equal(decodeHdhrFrame(reply)?.items.length, 5);
 * ```
 */
export function discoverReply(fields: DiscoverReplyFields): Uint8Array {
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n >>> 0);
    return b;
  };
  const text = new TextEncoder();
  return encodeHdhrFrame({
    type: HDHR_TYPE.discoverReply,
    items: [
      { tag: HDHR_TAG.deviceType, value: u32(HDHR_DEVICE_TYPE_TUNER) },
      { tag: HDHR_TAG.deviceId, value: u32(fields.deviceId) },
      {
        tag: HDHR_TAG.tunerCount,
        value: new Uint8Array([Math.max(1, Math.min(255, fields.tunerCount))]),
      },
      { tag: HDHR_TAG.baseUrl, value: text.encode(fields.baseUrl) },
      { tag: HDHR_TAG.lineupUrl, value: text.encode(fields.lineupUrl) },
    ],
  });
}
