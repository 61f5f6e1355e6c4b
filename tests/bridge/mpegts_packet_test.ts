import { deepEqual, equal, throws } from "node:assert/strict";
import {
  adaptationFieldControl,
  continuityCounter,
  discontinuityIndicator,
  hasPayload,
  isSyncByte,
  packetPid,
  payloadUnitStart,
  TS_PACKET_SIZE,
  writePacketHeader,
} from "../../lib/bridge/mpegts/packet.ts";
import { crc32Mpeg } from "../../lib/bridge/mpegts/crc32_mpeg.ts";

Deno.test("writePacketHeader() round-trips every field through the readers", () => {
  const packet = new Uint8Array(TS_PACKET_SIZE * 2);
  for (const pid of [0, 1, 0x100, 0x1000, 0x1ffe, 0x1fff]) {
    for (const cc of [0, 7, 15]) {
      for (const afc of [1, 2, 3]) {
        for (const pusi of [false, true]) {
          writePacketHeader(packet, TS_PACKET_SIZE, {
            pid,
            continuityCounter: cc,
            adaptationFieldControl: afc,
            payloadUnitStart: pusi,
          });
          equal(isSyncByte(packet, TS_PACKET_SIZE), true);
          equal(packetPid(packet, TS_PACKET_SIZE), pid);
          equal(continuityCounter(packet, TS_PACKET_SIZE), cc);
          equal(adaptationFieldControl(packet, TS_PACKET_SIZE), afc);
          equal(payloadUnitStart(packet, TS_PACKET_SIZE), pusi);
          equal(hasPayload(packet, TS_PACKET_SIZE), afc !== 2);
        }
      }
    }
  }
});

Deno.test("writePacketHeader() writes the standard layout of a PAT header", () => {
  const packet = new Uint8Array(TS_PACKET_SIZE);
  writePacketHeader(packet, 0, {
    pid: 0x1abc,
    continuityCounter: 0xa,
    payloadUnitStart: true,
    adaptationFieldControl: 3,
  });
  deepEqual([...packet.subarray(0, 4)], [0x47, 0x5a, 0xbc, 0x3a]);
});

Deno.test("writePacketHeader() rejects out-of-range fields and offsets", () => {
  const packet = new Uint8Array(TS_PACKET_SIZE);
  throws(
    () => writePacketHeader(packet, 0, { pid: 0x2000, continuityCounter: 0 }),
    RangeError,
  );
  throws(
    () => writePacketHeader(packet, 0, { pid: 1, continuityCounter: 16 }),
    RangeError,
  );
  throws(
    () =>
      writePacketHeader(packet, 0, {
        pid: 1,
        continuityCounter: 0,
        adaptationFieldControl: 0,
      }),
    RangeError,
  );
  throws(
    () => writePacketHeader(packet, 1, { pid: 1, continuityCounter: 0 }),
    RangeError,
  );
});

Deno.test("packetPid() refuses an offset without a whole packet", () => {
  throws(() => packetPid(new Uint8Array(187)), RangeError);
  throws(() => continuityCounter(new Uint8Array(200), 13), RangeError);
  throws(() => packetPid(new Uint8Array(376), -1), RangeError);
});

Deno.test("discontinuityIndicator() reads the adaptation field flag only when present", () => {
  const packet = new Uint8Array(TS_PACKET_SIZE);
  writePacketHeader(packet, 0, {
    pid: 5,
    continuityCounter: 0,
    adaptationFieldControl: 1,
  });
  packet[4] = 1;
  packet[5] = 0x80;
  equal(discontinuityIndicator(packet), false); // no adaptation field
  writePacketHeader(packet, 0, {
    pid: 5,
    continuityCounter: 0,
    adaptationFieldControl: 3,
  });
  equal(discontinuityIndicator(packet), true);
  packet[4] = 0; // empty adaptation field
  equal(discontinuityIndicator(packet), false);
});

Deno.test("crc32Mpeg() is CRC-32/MPEG-2 and a section with its CRC checks to 0", () => {
  const data = new TextEncoder().encode("xx123456789");
  equal(crc32Mpeg(data, 2), 0x0376e6e7);
  equal(crc32Mpeg(new Uint8Array(0)), 0xffffffff);
  const section = new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]);
  const crc = crc32Mpeg(section, 0, 4);
  section[4] = crc >>> 24;
  section[5] = (crc >>> 16) & 0xff;
  section[6] = (crc >>> 8) & 0xff;
  section[7] = crc & 0xff;
  equal(crc32Mpeg(section), 0);
  throws(() => crc32Mpeg(data, 3, 2), RangeError);
});
