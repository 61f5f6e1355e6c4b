import { deepEqual, equal, throws } from "node:assert/strict";
import { TsChannelGenerator } from "../../lib/bridge/mpegts/ts_generator.ts";
import { TsStreamChecker } from "../../lib/bridge/mpegts/stream_checker.ts";
import {
  continuityCounter,
  packetPid,
  payloadUnitStart,
  TS_PACKET_SIZE,
} from "../../lib/bridge/mpegts/packet.ts";
import {
  parsePat,
  parsePmt,
  STREAM_TYPE,
} from "../../lib/bridge/mpegts/psi.ts";

Deno.test("TsChannelGenerator.next() starts every frame with a PAT and a PMT", () => {
  const generator = new TsChannelGenerator({
    videoPackets: 4,
    audioPackets: 2,
  });
  equal(generator.packetsPerFrame, 8);
  const bytes = generator.next(16);
  const pids = [];
  for (let i = 0; i < 16; i++) pids.push(packetPid(bytes, i * TS_PACKET_SIZE));
  deepEqual(pids, [
    0,
    0x1000,
    0x100,
    0x100,
    0x100,
    0x100,
    0x101,
    0x101,
    0,
    0x1000,
    0x100,
    0x100,
    0x100,
    0x100,
    0x101,
    0x101,
  ]);
  deepEqual(parsePat(bytes.subarray(0, 188)).programs, [
    { programNumber: 1, pmtPid: 0x1000 },
  ]);
  deepEqual(parsePmt(bytes.subarray(188, 376)).streams, [
    { streamType: STREAM_TYPE.h264, pid: 0x100 },
    { streamType: STREAM_TYPE.aacAdts, pid: 0x101 },
  ]);
  equal(payloadUnitStart(bytes, 2 * TS_PACKET_SIZE), true);
  equal(payloadUnitStart(bytes, 3 * TS_PACKET_SIZE), false);
  // PES start code after the 8-byte adaptation field (PCR).
  deepEqual([...bytes.subarray(2 * 188 + 12, 2 * 188 + 16)], [0, 0, 1, 0xe0]);
  deepEqual([...bytes.subarray(6 * 188 + 4, 6 * 188 + 8)], [0, 0, 1, 0xc0]);
  equal(continuityCounter(bytes, 8 * TS_PACKET_SIZE), 1);
});

Deno.test("TsChannelGenerator.next() is deterministic across instances and call sizes", () => {
  const a = new TsChannelGenerator().next(500);
  const b = new TsChannelGenerator();
  const parts = [b.next(1), b.next(123), b.next(0), b.next(376)];
  const joined = new Uint8Array(500 * TS_PACKET_SIZE);
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  deepEqual(joined, a);
  equal(b.packetsGenerated, 500);
});

Deno.test("TsChannelGenerator.loop() of 16 frames repeats without continuity errors", () => {
  const loop = TsChannelGenerator.loop(16, { videoPackets: 3 });
  const checker = new TsStreamChecker();
  for (let i = 0; i < 5; i++) checker.push(loop);
  equal(checker.report.continuityErrors, 0);
  equal(checker.report.syncErrors, 0);
  const odd = TsChannelGenerator.loop(15, { videoPackets: 3 });
  const strict = new TsStreamChecker();
  strict.push(odd);
  strict.push(odd);
  equal(strict.report.continuityErrors > 0, true);
});

Deno.test("TsChannelGenerator() validates its options", () => {
  throws(() => new TsChannelGenerator({ videoPackets: 0 }), RangeError);
  throws(() => new TsChannelGenerator({ audioPackets: 21 }), RangeError);
  throws(() => new TsChannelGenerator({ frameRate: 0 }), RangeError);
  throws(() => new TsChannelGenerator({ videoPid: 0x1000 }), RangeError);
  throws(() => new TsChannelGenerator().next(-1), RangeError);
  throws(() => TsChannelGenerator.loop(0), RangeError);
});
