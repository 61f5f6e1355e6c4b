/**
 * lib/bridge/mpegts: MPEG transport stream helpers for the bridge's stream
 * proxy — 188-byte packet fields, PAT/PMT builders and parsers with their
 * CRC-32, a resynchronising packet aligner, a packet-by-packet stream
 * checker and a synthetic channel generator.
 *
 * @example Aligning a stream and checking it
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TsChannelGenerator, TsPacketAligner, TsStreamChecker } from "./mod.ts";
 *
 * const bytes = new TsChannelGenerator().next(50);
 * const aligner = new TsPacketAligner();
 * const checker = new TsStreamChecker();
 * for (const piece of aligner.push(bytes.subarray(0, 1000))) checker.push(piece);
 * for (const piece of aligner.push(bytes.subarray(1000))) checker.push(piece);
 * equal(checker.report.packets, 50);
 * equal(checker.report.continuityErrors, 0);
 * ```
 *
 * @module
 */

export * from "./crc32_mpeg.ts";
export * from "./packet.ts";
export * from "./packet_aligner.ts";
export * from "./psi.ts";
export * from "./stream_checker.ts";
export * from "./ts_generator.ts";
