/**
 * @module YSFD frames for the relay load test (bench/ysf_relay_load.ts):
 * valid transmissions (header, V/D mode 2 body frames, terminator, each with
 * a correct FICH) whose body frames carry a load stamp — a magic byte, a
 * sequence number and the send time — in the voice bytes of the first
 * payload block, which a reflector relays untouched (the DG-ID prefix
 * rewrite only changes the data channels).
 */

import {
  buildData,
  encodeFich,
  encodeHeaderPayload,
  encodeVd2,
  type Fich,
  PAYLOAD_OFFSET,
  YSFD_FRAME_OFFSET,
} from "../lib/ysf/mod.ts";

/**
 * Where the stamp starts in a YSFD: the voice bytes of payload block 0 (its
 * first 5 bytes are data channel, the next 13 voice).
 *
 * @example Offset
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { STAMP_OFFSET } from "./_ysf_load_frames.ts";
 * equal(STAMP_OFFSET, 70);
 * ```
 */
export const STAMP_OFFSET = YSFD_FRAME_OFFSET + PAYLOAD_OFFSET + 5;

/**
 * The first byte of a stamp (13 bytes: magic, u32 sequence, f64 ms).
 *
 * @example Value
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { STAMP_MAGIC } from "./_ysf_load_frames.ts";
 * equal(STAMP_MAGIC, 0xa5);
 * ```
 */
export const STAMP_MAGIC = 0xa5;

const SYNC = [0xd4, 0x71, 0xc9, 0x63, 0x4d];

/** Options of {@link buildLoadTransmission}. */
export interface LoadTransmissionOptions {
  /** The talker's gateway callsign (its YSFP callsign). */
  gateway: string;
  /** The source callsign (CSD1 and V/D mode 2 FN 1 data channel). */
  source: string;
  /** FICH DG-ID; 0 keeps every client in its room. Default 0. */
  dgid?: number;
}

/**
 * The frames of one load transmission: a header, 7 body templates (FN 0..6)
 * to stamp with {@link stampBody}, and a terminator.
 *
 * @example Frames
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildLoadTransmission } from "./_ysf_load_frames.ts";
 * const t = buildLoadTransmission({ gateway: "GB7LT", source: "M0LAA" });
 * equal(t.body.length, 7);
 * equal(t.header.length, 155);
 * ```
 */
export interface LoadTransmission {
  /** FI 0 with CSD1/CSD2. */
  header: Uint8Array;
  /** FI 1, V/D mode 2, FN 0..6, not yet stamped. */
  body: Uint8Array[];
  /** FI 2, end flag set. */
  terminator: Uint8Array;
}

function airFrame(fi: number, fn: number, dgid: number): Uint8Array {
  const air = new Uint8Array(120);
  air.set(SYNC, 0);
  const fich: Fich = {
    fi,
    cs: 2,
    cm: 0,
    bn: 0,
    bt: 0,
    fn,
    ft: 6,
    dev: false,
    mr: 0,
    voip: true,
    dt: 2,
    sql: false,
    dgid,
  };
  encodeFich(fich, air, 5);
  return air;
}

/**
 * Builds the frames of a load transmission.
 *
 * @example Header is not a stamped frame
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildLoadTransmission, readStamp } from "./_ysf_load_frames.ts";
 * const t = buildLoadTransmission({ gateway: "GB7LT", source: "M0LAA" });
 * equal(readStamp(t.header), -1);
 * ```
 */
export function buildLoadTransmission(
  options: LoadTransmissionOptions,
): LoadTransmission {
  const dgid = options.dgid ?? 0;
  const fields = {
    gateway: options.gateway,
    source: options.source,
    destination: "ALL",
  };
  const headerAir = airFrame(0, 0, dgid);
  encodeHeaderPayload(
    {
      destination: "ALL",
      source: options.source,
      downlink: "",
      uplink: options.gateway,
    },
    headerAir,
    0,
  );
  const terminatorAir = airFrame(2, 0, dgid);
  encodeHeaderPayload(
    {
      destination: "ALL",
      source: options.source,
      downlink: "",
      uplink: options.gateway,
    },
    terminatorAir,
    0,
  );
  const body: Uint8Array[] = [];
  for (let fn = 0; fn < 7; fn++) {
    const air = airFrame(1, fn, dgid);
    if (fn === 1) encodeVd2(options.source, air, 0);
    body.push(
      buildData({ ...fields, counter: fn + 1, end: false, frame: air }),
    );
  }
  const header = buildData({
    ...fields,
    counter: 0,
    end: false,
    frame: headerAir,
  });
  const terminator = buildData({
    ...fields,
    counter: 0,
    end: true,
    frame: terminatorAir,
  });
  // The receivers tell stamped frames by the magic byte: the header and
  // terminator must not carry it by chance.
  for (const frame of [header, terminator]) {
    if (frame[STAMP_OFFSET] === STAMP_MAGIC) frame[STAMP_OFFSET + 1] ^= 0xff;
    if (frame[STAMP_OFFSET] === STAMP_MAGIC) {
      throw new RangeError(
        "Expected a header without the stamp magic, found it at the stamp offset",
      );
    }
  }
  return { header, body, terminator };
}

/**
 * A fresh copy of a body template carrying `seq` and `timeMs`. The copy is
 * new so that an asynchronous send of it is never overwritten.
 *
 * @example Round trip
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildLoadTransmission, readStamp, readStampTime, stampBody } from "./_ysf_load_frames.ts";
 * const t = buildLoadTransmission({ gateway: "GB7LT", source: "M0LAA" });
 * const f = stampBody(t.body[3], 42, 1234.5);
 * equal(readStamp(f), 42);
 * equal(readStampTime(f), 1234.5);
 * ```
 */
export function stampBody(
  template: Uint8Array,
  seq: number,
  timeMs: number,
): Uint8Array {
  const frame = template.slice();
  const view = new DataView(frame.buffer);
  frame[STAMP_OFFSET] = STAMP_MAGIC;
  view.setUint32(STAMP_OFFSET + 1, seq);
  view.setFloat64(STAMP_OFFSET + 5, timeMs);
  return frame;
}

/**
 * The sequence number of a stamped YSFD, or -1 when `data` is not one.
 *
 * @example Not a YSFD
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readStamp } from "./_ysf_load_frames.ts";
 * equal(readStamp(new Uint8Array(14)), -1);
 * ```
 */
export function readStamp(data: Uint8Array): number {
  if (
    data.length !== 155 || data[3] !== 0x44 || data[0] !== 0x59 ||
    data[STAMP_OFFSET] !== STAMP_MAGIC
  ) return -1;
  return ((data[STAMP_OFFSET + 1] << 24) >>> 0) +
    (data[STAMP_OFFSET + 2] << 16) + (data[STAMP_OFFSET + 3] << 8) +
    data[STAMP_OFFSET + 4];
}

/**
 * The send time of a stamped YSFD (check {@link readStamp} first).
 *
 * @example Time
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildLoadTransmission, readStampTime, stampBody } from "./_ysf_load_frames.ts";
 * const t = buildLoadTransmission({ gateway: "GB7LT", source: "M0LAA" });
 * equal(readStampTime(stampBody(t.body[0], 1, 7)), 7);
 * ```
 */
export function readStampTime(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength)
    .getFloat64(STAMP_OFFSET + 5);
}
