import { deepEqual, equal, throws } from "node:assert/strict";
import {
  buildPatPacket,
  buildPmtPacket,
  parsePat,
  parsePmt,
  STREAM_TYPE,
} from "../../lib/bridge/mpegts/psi.ts";
import {
  continuityCounter,
  packetPid,
  payloadUnitStart,
  TS_PACKET_SIZE,
} from "../../lib/bridge/mpegts/packet.ts";

Deno.test("buildPatPacket() writes a one-packet PAT that parsePat() reads back", () => {
  const programs = [
    { programNumber: 0, pmtPid: 0x10 },
    { programNumber: 1, pmtPid: 0x1000 },
    { programNumber: 0xffff, pmtPid: 0x1ffe },
  ];
  const packet = buildPatPacket({
    transportStreamId: 0xbeef,
    programs,
    continuityCounter: 9,
    version: 17,
  });
  equal(packet.length, TS_PACKET_SIZE);
  equal(packetPid(packet), 0);
  equal(continuityCounter(packet), 9);
  equal(payloadUnitStart(packet), true);
  deepEqual(parsePat(packet), {
    transportStreamId: 0xbeef,
    version: 17,
    programs,
  });
  // Stuffing after the section is 0xFF.
  equal(packet[TS_PACKET_SIZE - 1], 0xff);
});

Deno.test("buildPatPacket() matches the byte layout of ISO/IEC 13818-1", () => {
  const packet = buildPatPacket({
    transportStreamId: 1,
    programs: [{ programNumber: 1, pmtPid: 0x1000 }],
    continuityCounter: 0,
  });
  // Header, pointer field, table_id 0, section_length 13, tsid 1,
  // version 0 current, section 0/0, program 1 -> PID 0x1000.
  deepEqual(
    [...packet.subarray(0, 17)],
    [
      0x47,
      0x40,
      0x00,
      0x10,
      0x00,
      0x00,
      0xb0,
      0x0d,
      0x00,
      0x01,
      0xc1,
      0x00,
      0x00,
      0x00,
      0x01,
      0xf0,
      0x00,
    ],
  );
  // The well-known CRC of this PAT (as written by ffmpeg for tsid 1).
  deepEqual([...packet.subarray(17, 21)], [0x2a, 0xb1, 0x04, 0xb2]);
});

Deno.test("buildPmtPacket() writes a PMT that parsePmt() reads back", () => {
  const streams = [
    { streamType: STREAM_TYPE.h264, pid: 0x100 },
    { streamType: STREAM_TYPE.aacAdts, pid: 0x101 },
    { streamType: STREAM_TYPE.ac3, pid: 0x102 },
  ];
  const packet = buildPmtPacket({
    pmtPid: 0x1000,
    programNumber: 1,
    pcrPid: 0x100,
    streams,
    continuityCounter: 15,
  });
  equal(packetPid(packet), 0x1000);
  equal(continuityCounter(packet), 15);
  deepEqual(parsePmt(packet), {
    programNumber: 1,
    version: 0,
    pcrPid: 0x100,
    streams,
  });
});

Deno.test("parsePat() and parsePmt() reject corrupted or foreign sections", () => {
  const pat = buildPatPacket({
    transportStreamId: 1,
    programs: [{ programNumber: 1, pmtPid: 0x1000 }],
    continuityCounter: 0,
  });
  const pmt = buildPmtPacket({
    pmtPid: 0x1000,
    programNumber: 1,
    pcrPid: 0x100,
    streams: [],
    continuityCounter: 0,
  });
  throws(() => parsePmt(pat), /table_id 0x02/);
  throws(() => parsePat(pmt), /table_id 0x00/);
  for (const index of [8, 12, 14, 17, 20]) {
    const bad = pat.slice();
    bad[index] ^= 0x01;
    throws(() => parsePat(bad), TypeError, `byte ${index}`);
  }
  const noSync = pat.slice();
  noSync[0] = 0x48;
  throws(() => parsePat(noSync), /starting with 0x47/);
  const noStart = pat.slice();
  noStart[1] &= ~0x40;
  throws(() => parsePat(noStart), /payload_unit_start/);
  const tooLong = pat.slice();
  tooLong[6] = 0xb0 | 0x0f; // section_length > 183
  throws(() => parsePat(tooLong), /fits in one packet/);
  throws(() => parsePat(new Uint8Array(10)), TypeError);
});

Deno.test("buildPatPacket() and buildPmtPacket() refuse tables that do not fit", () => {
  const programs = Array.from(
    { length: 43 },
    (_, i) => ({ programNumber: i + 1, pmtPid: 0x20 + i }),
  );
  throws(
    () =>
      buildPatPacket({ transportStreamId: 1, programs, continuityCounter: 0 }),
    RangeError,
  );
  equal(
    parsePat(
      buildPatPacket({
        transportStreamId: 1,
        programs: programs.slice(0, 42),
        continuityCounter: 0,
      }),
    ).programs.length,
    42,
  );
  throws(
    () =>
      buildPmtPacket({
        pmtPid: 0x2000,
        programNumber: 1,
        pcrPid: 0x100,
        streams: [],
        continuityCounter: 0,
      }),
    RangeError,
  );
  throws(
    () =>
      buildPatPacket({
        transportStreamId: 1,
        programs: [],
        continuityCounter: 0,
        version: 32,
      }),
    RangeError,
  );
});
