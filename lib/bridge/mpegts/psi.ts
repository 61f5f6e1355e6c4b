/**
 * Program specific information in single-packet sections: builders and
 * parsers of the program association table (PAT, PID 0) and of a program
 * map table (PMT), as a fake upstream, a slate or a stream check needs them.
 * Sections that span several packets are not supported (a PAT or PMT with a
 * handful of entries always fits in one).
 *
 * @module
 */

import { crc32Mpeg } from "./crc32_mpeg.ts";
import {
  NULL_PID,
  PAT_PID,
  payloadUnitStart,
  TS_PACKET_SIZE,
  TS_SYNC_BYTE,
  writePacketHeader,
} from "./packet.ts";

/** Stream types of a PMT entry that the bridge cares about. */
export const STREAM_TYPE = {
  /** ISO/IEC 13818-2 (MPEG-2) video. */
  mpeg2Video: 0x02,
  /** ISO/IEC 13818-3 (MPEG-1/2 layer II) audio. */
  mpegAudio: 0x04,
  /** ISO/IEC 13818-7 AAC audio with ADTS framing. */
  aacAdts: 0x0f,
  /** ITU-T H.264 / AVC video. */
  h264: 0x1b,
  /** ITU-T H.265 / HEVC video. */
  h265: 0x24,
  /** ATSC AC-3 audio. */
  ac3: 0x81,
} as const;

/**
 * One program of a PAT.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PatProgram } from "./psi.ts";
 *
 * const program: PatProgram = { programNumber: 1, pmtPid: 0x1000 };
 * equal(program.pmtPid, 4096);
 * ```
 */
export interface PatProgram {
  /** The program number (0 names the network PID). */
  programNumber: number;
  /** The PID of the program's PMT. */
  pmtPid: number;
}

/**
 * A program association table.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Pat } from "./psi.ts";
 *
 * const pat: Pat = { transportStreamId: 1, version: 0, programs: [] };
 * equal(pat.programs.length, 0);
 * ```
 */
export interface Pat {
  /** transport_stream_id. */
  transportStreamId: number;
  /** version_number, 0..31. */
  version: number;
  /** The programs, in table order. */
  programs: PatProgram[];
}

/**
 * One elementary stream of a PMT.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type PmtStream, STREAM_TYPE } from "./psi.ts";
 *
 * const video: PmtStream = { streamType: STREAM_TYPE.h264, pid: 0x100 };
 * equal(video.streamType, 0x1b);
 * ```
 */
export interface PmtStream {
  /** stream_type (see {@link STREAM_TYPE}). */
  streamType: number;
  /** elementary_PID. */
  pid: number;
}

/**
 * A program map table.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Pmt } from "./psi.ts";
 *
 * const pmt: Pmt = { programNumber: 1, version: 0, pcrPid: 0x100, streams: [] };
 * equal(pmt.pcrPid, 256);
 * ```
 */
export interface Pmt {
  /** program_number. */
  programNumber: number;
  /** version_number, 0..31. */
  version: number;
  /** PCR_PID. */
  pcrPid: number;
  /** The elementary streams, in table order. */
  streams: PmtStream[];
}

/**
 * Options of {@link buildPatPacket}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PatPacketOptions } from "./psi.ts";
 *
 * const options: PatPacketOptions = {
 *   transportStreamId: 1,
 *   programs: [{ programNumber: 1, pmtPid: 0x1000 }],
 *   continuityCounter: 0,
 * };
 * equal(options.programs.length, 1);
 * ```
 */
export interface PatPacketOptions {
  /** transport_stream_id, 0..0xFFFF. */
  transportStreamId: number;
  /** The programs (at most 42 fit in one packet). */
  programs: readonly PatProgram[];
  /** The packet's continuity counter, 0..15. */
  continuityCounter: number;
  /** version_number, 0..31. Default 0. */
  version?: number;
}

/**
 * Options of {@link buildPmtPacket}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type PmtPacketOptions, STREAM_TYPE } from "./psi.ts";
 *
 * const options: PmtPacketOptions = {
 *   pmtPid: 0x1000,
 *   programNumber: 1,
 *   pcrPid: 0x100,
 *   streams: [{ streamType: STREAM_TYPE.h264, pid: 0x100 }],
 *   continuityCounter: 0,
 * };
 * equal(options.streams.length, 1);
 * ```
 */
export interface PmtPacketOptions {
  /** The PID the PMT is sent on. */
  pmtPid: number;
  /** program_number, 1..0xFFFF. */
  programNumber: number;
  /** PCR_PID (0x1FFF: no PCR). */
  pcrPid: number;
  /** The elementary streams (at most 33 fit in one packet). */
  streams: readonly PmtStream[];
  /** The packet's continuity counter, 0..15. */
  continuityCounter: number;
  /** version_number, 0..31. Default 0. */
  version?: number;
}

function checkField(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`Expected ${name} in 0..${max} but found ${value}`);
  }
}

/** Writes a section into a fresh packet: header, pointer field, section, CRC, 0xFF stuffing. */
function sectionPacket(
  pid: number,
  continuityCounter: number,
  section: Uint8Array,
): Uint8Array {
  const packet = new Uint8Array(TS_PACKET_SIZE).fill(0xff);
  writePacketHeader(packet, 0, {
    pid,
    payloadUnitStart: true,
    continuityCounter,
  });
  packet[4] = 0; // pointer_field
  packet.set(section, 5);
  const end = 5 + section.length;
  const crc = crc32Mpeg(packet, 5, end - 4);
  packet[end - 4] = crc >>> 24;
  packet[end - 3] = (crc >>> 16) & 0xff;
  packet[end - 2] = (crc >>> 8) & 0xff;
  packet[end - 1] = crc & 0xff;
  return packet;
}

/**
 * Builds one 188-byte packet carrying a PAT on PID 0.
 *
 * @param options The table and the continuity counter.
 * @returns The packet.
 * @throws {RangeError} If a field is out of range or the table does not fit
 * in one packet.
 *
 * @example A PAT with one program
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { buildPatPacket, parsePat } from "./psi.ts";
 *
 * const packet = buildPatPacket({
 *   transportStreamId: 7,
 *   programs: [{ programNumber: 1, pmtPid: 0x1000 }],
 *   continuityCounter: 0,
 * });
 * deepEqual(parsePat(packet).programs, [{ programNumber: 1, pmtPid: 0x1000 }]);
 * ```
 */
export function buildPatPacket(options: PatPacketOptions): Uint8Array {
  const { transportStreamId, programs } = options;
  const version = options.version ?? 0;
  checkField("transportStreamId", transportStreamId, 0xffff);
  checkField("version", version, 31);
  if (programs.length > 42) {
    throw new RangeError(
      `Expected at most 42 programs in a one-packet PAT but found ${programs.length}`,
    );
  }
  const sectionLength = 5 + 4 * programs.length + 4;
  const section = new Uint8Array(3 + sectionLength);
  section[0] = 0x00; // table_id
  section[1] = 0xb0 | (sectionLength >> 8);
  section[2] = sectionLength & 0xff;
  section[3] = transportStreamId >> 8;
  section[4] = transportStreamId & 0xff;
  section[5] = 0xc1 | (version << 1); // reserved, version, current_next 1
  section[6] = 0; // section_number
  section[7] = 0; // last_section_number
  let at = 8;
  for (const { programNumber, pmtPid } of programs) {
    checkField("programNumber", programNumber, 0xffff);
    checkField("pmtPid", pmtPid, NULL_PID);
    section[at++] = programNumber >> 8;
    section[at++] = programNumber & 0xff;
    section[at++] = 0xe0 | (pmtPid >> 8);
    section[at++] = pmtPid & 0xff;
  }
  return sectionPacket(PAT_PID, options.continuityCounter, section);
}

/**
 * Builds one 188-byte packet carrying a PMT on `pmtPid`.
 *
 * @param options The table, its PID and the continuity counter.
 * @returns The packet.
 * @throws {RangeError} If a field is out of range or the table does not fit
 * in one packet.
 *
 * @example A PMT with H.264 video and AAC audio
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildPmtPacket, parsePmt, STREAM_TYPE } from "./psi.ts";
 *
 * const packet = buildPmtPacket({
 *   pmtPid: 0x1000,
 *   programNumber: 1,
 *   pcrPid: 0x100,
 *   streams: [
 *     { streamType: STREAM_TYPE.h264, pid: 0x100 },
 *     { streamType: STREAM_TYPE.aacAdts, pid: 0x101 },
 *   ],
 *   continuityCounter: 0,
 * });
 * equal(parsePmt(packet).streams[1].pid, 0x101);
 * ```
 */
export function buildPmtPacket(options: PmtPacketOptions): Uint8Array {
  const { pmtPid, programNumber, pcrPid, streams } = options;
  const version = options.version ?? 0;
  checkField("pmtPid", pmtPid, NULL_PID);
  checkField("programNumber", programNumber, 0xffff);
  checkField("pcrPid", pcrPid, NULL_PID);
  checkField("version", version, 31);
  if (streams.length > 33) {
    throw new RangeError(
      `Expected at most 33 streams in a one-packet PMT but found ${streams.length}`,
    );
  }
  const sectionLength = 9 + 5 * streams.length + 4;
  const section = new Uint8Array(3 + sectionLength);
  section[0] = 0x02; // table_id
  section[1] = 0xb0 | (sectionLength >> 8);
  section[2] = sectionLength & 0xff;
  section[3] = programNumber >> 8;
  section[4] = programNumber & 0xff;
  section[5] = 0xc1 | (version << 1);
  section[6] = 0;
  section[7] = 0;
  section[8] = 0xe0 | (pcrPid >> 8);
  section[9] = pcrPid & 0xff;
  section[10] = 0xf0; // program_info_length 0
  section[11] = 0x00;
  let at = 12;
  for (const { streamType, pid } of streams) {
    checkField("streamType", streamType, 0xff);
    checkField("pid", pid, NULL_PID);
    section[at++] = streamType;
    section[at++] = 0xe0 | (pid >> 8);
    section[at++] = pid & 0xff;
    section[at++] = 0xf0; // ES_info_length 0
    section[at++] = 0x00;
  }
  return sectionPacket(pmtPid, options.continuityCounter, section);
}

/** Finds a section in a packet and checks its table id, length and CRC; returns its bounds. */
function openSection(
  packet: Uint8Array,
  tableId: number,
  what: string,
): { start: number; end: number } {
  if (packet.length < TS_PACKET_SIZE || packet[0] !== TS_SYNC_BYTE) {
    throw new TypeError(
      `Expected a ${TS_PACKET_SIZE}-byte packet starting with 0x47 but found ${packet.length} bytes starting with 0x${
        (packet[0] ?? 0).toString(16)
      }`,
    );
  }
  if (!payloadUnitStart(packet)) {
    throw new TypeError(
      `Expected a ${what} packet with payload_unit_start set but found it clear`,
    );
  }
  const afc = (packet[3] >> 4) & 0x03;
  let at = 4;
  if (afc === 2 || afc === 0) {
    throw new TypeError(
      `Expected a ${what} packet with a payload but found none`,
    );
  }
  if (afc === 3) at += 1 + packet[4];
  const start = at + 1 + packet[at]; // skip the pointer field
  if (start + 3 > TS_PACKET_SIZE) {
    throw new TypeError(`Expected a ${what} section inside the packet`);
  }
  if (packet[start] !== tableId) {
    throw new TypeError(
      `Expected table_id 0x${
        tableId.toString(16).padStart(2, "0")
      } (${what}) but found 0x${packet[start].toString(16).padStart(2, "0")}`,
    );
  }
  const sectionLength = ((packet[start + 1] & 0x0f) << 8) | packet[start + 2];
  const end = start + 3 + sectionLength;
  if (end > TS_PACKET_SIZE) {
    throw new TypeError(
      `Expected a ${what} section that fits in one packet but found section_length ${sectionLength}`,
    );
  }
  if (crc32Mpeg(packet, start, end) !== 0) {
    throw new TypeError(`Expected a ${what} section with a valid CRC-32`);
  }
  return { start, end };
}

/**
 * Parses a packet that carries a whole PAT section.
 *
 * @param packet One 188-byte packet (its PID is not checked).
 * @returns The table.
 * @throws {TypeError} If the packet is not a valid one-packet PAT (wrong
 * sync byte, table id, length or CRC).
 *
 * @example Rejecting a corrupted PAT
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { buildPatPacket, parsePat } from "./psi.ts";
 *
 * const packet = buildPatPacket({ transportStreamId: 1, programs: [], continuityCounter: 0 });
 * packet[10] ^= 0xff;
 * throws(() => parsePat(packet), TypeError);
 * ```
 */
export function parsePat(packet: Uint8Array): Pat {
  const { start, end } = openSection(packet, 0x00, "PAT");
  const programs: PatProgram[] = [];
  for (let at = start + 8; at + 4 <= end - 4; at += 4) {
    programs.push({
      programNumber: (packet[at] << 8) | packet[at + 1],
      pmtPid: ((packet[at + 2] & 0x1f) << 8) | packet[at + 3],
    });
  }
  return {
    transportStreamId: (packet[start + 3] << 8) | packet[start + 4],
    version: (packet[start + 5] >> 1) & 0x1f,
    programs,
  };
}

/**
 * Parses a packet that carries a whole PMT section.
 *
 * @param packet One 188-byte packet (its PID is not checked).
 * @returns The table.
 * @throws {TypeError} If the packet is not a valid one-packet PMT.
 *
 * @example Parsing a PMT
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { buildPmtPacket, parsePmt } from "./psi.ts";
 *
 * const pmt = parsePmt(buildPmtPacket({
 *   pmtPid: 0x1000, programNumber: 3, pcrPid: 0x1fff, streams: [], continuityCounter: 0,
 * }));
 * deepEqual(pmt, { programNumber: 3, version: 0, pcrPid: 0x1fff, streams: [] });
 * ```
 */
export function parsePmt(packet: Uint8Array): Pmt {
  const { start, end } = openSection(packet, 0x02, "PMT");
  const programInfoLength = ((packet[start + 10] & 0x0f) << 8) |
    packet[start + 11];
  const streams: PmtStream[] = [];
  let at = start + 12 + programInfoLength;
  while (at + 5 <= end - 4) {
    streams.push({
      streamType: packet[at],
      pid: ((packet[at + 1] & 0x1f) << 8) | packet[at + 2],
    });
    at += 5 + (((packet[at + 3] & 0x0f) << 8) | packet[at + 4]);
  }
  return {
    programNumber: (packet[start + 3] << 8) | packet[start + 4],
    version: (packet[start + 5] >> 1) & 0x1f,
    pcrPid: ((packet[start + 8] & 0x1f) << 8) | packet[start + 9],
    streams,
  };
}
