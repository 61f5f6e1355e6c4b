import { deepEqual, equal } from "node:assert/strict";
import { TsStreamChecker } from "../../lib/bridge/mpegts/stream_checker.ts";
import { TsChannelGenerator } from "../../lib/bridge/mpegts/ts_generator.ts";
import {
  TS_PACKET_SIZE,
  writePacketHeader,
} from "../../lib/bridge/mpegts/packet.ts";

Deno.test("TsStreamChecker.push() finds a generated channel clean, in any chunking", () => {
  const bytes = new TsChannelGenerator().next(24 * 40);
  const checker = new TsStreamChecker();
  for (let at = 0; at < bytes.length; at += 1000) {
    checker.push(bytes.subarray(at, at + 1000));
  }
  const report = checker.report;
  equal(report.packets, 960);
  equal(report.syncErrors, 0);
  equal(report.continuityErrors, 0);
  equal(report.psiErrors, 0);
  equal(report.pats, 40);
  equal(report.pmts, 40);
  equal(report.pids, 4);
  deepEqual(report.elementaryPids, [0x100, 0x101]);
  equal(report.pendingBytes, 0);
});

Deno.test("TsStreamChecker.push() counts a missing packet as a continuity error", () => {
  const bytes = new TsChannelGenerator().next(48);
  const checker = new TsStreamChecker();
  checker.push(bytes.subarray(0, 5 * TS_PACKET_SIZE));
  checker.push(bytes.subarray(6 * TS_PACKET_SIZE)); // packet 5 (video) lost
  equal(checker.report.continuityErrors, 1);
  equal(checker.report.syncErrors, 0);
});

Deno.test("TsStreamChecker.push() counts bytes inserted mid-stream as sync errors", () => {
  const bytes = new TsChannelGenerator().next(10);
  const checker = new TsStreamChecker();
  checker.push(bytes.subarray(0, 100));
  checker.push(new Uint8Array([1, 2, 3]));
  checker.push(bytes.subarray(100));
  equal(checker.report.syncErrors > 0, true);
});

Deno.test("TsStreamChecker.push() accepts one repeated counter and a signalled discontinuity", () => {
  const packets = new Uint8Array(TS_PACKET_SIZE * 5);
  const header = (i: number, cc: number, afc = 1) =>
    writePacketHeader(packets, i * TS_PACKET_SIZE, {
      pid: 0x44,
      continuityCounter: cc,
      adaptationFieldControl: afc,
    });
  header(0, 3);
  header(1, 3); // duplicate: allowed once
  header(2, 4);
  header(3, 9, 3); // jump with discontinuity_indicator
  packets[3 * TS_PACKET_SIZE + 4] = 1;
  packets[3 * TS_PACKET_SIZE + 5] = 0x80;
  header(4, 9, 2); // adaptation only: counter does not advance
  const checker = new TsStreamChecker();
  checker.push(packets);
  equal(checker.report.continuityErrors, 0);
  const twice = new Uint8Array(TS_PACKET_SIZE * 3);
  for (let i = 0; i < 3; i++) {
    writePacketHeader(twice, i * TS_PACKET_SIZE, {
      pid: 0x44,
      continuityCounter: 3,
    });
  }
  const strict = new TsStreamChecker();
  strict.push(twice);
  equal(strict.report.continuityErrors, 1); // a second repeat is an error
});

Deno.test("TsStreamChecker.push() counts a PAT with a bad CRC as a PSI error", () => {
  const bytes = new TsChannelGenerator().next(24);
  bytes[20] ^= 0xff; // inside the PAT section
  const checker = new TsStreamChecker();
  checker.push(bytes);
  equal(checker.report.psiErrors, 1);
  equal(checker.report.pats, 0);
  equal(checker.report.pmts, 0); // the PMT PID is unknown without a PAT
});
