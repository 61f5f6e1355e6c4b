/**
 * lib/ysf: the pure codec layer of the YSF (Yaesu System Fusion) reflector —
 * UDP packets (YSFP/YSFU/YSFD/YSFS/YSFO/YSFI/YSFV), the FICH (CRC-16, Golay
 * (24,12), rate-1/2 K=5 convolutional code with Viterbi decoding,
 * interleaving), the payload data channels (header CSD1/CSD2, V/D mode 2)
 * and the status-reply reflector id. Bytes in, bytes or objects out; no I/O,
 * no clocks.
 *
 * @example Reading the DG-ID of a received YSFD
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildData, decodeFich, encodeFich, parsePacket } from "./mod.ts";
 *
 * const frame = new Uint8Array(120);
 * encodeFich({
 *   fi: 0, cs: 2, cm: 0, bn: 0, bt: 0, fn: 0, ft: 6,
 *   dev: false, mr: 0, voip: false, dt: 2, sql: false, dgid: 50,
 * }, frame, 5);
 * const datagram = buildData({
 *   gateway: "GW1ABC", source: "G4ABC", destination: "ALL", counter: 0, end: false, frame,
 * });
 * const packet = parsePacket(datagram);
 * equal(packet.type, "data");
 * equal(decodeFich(datagram)?.dgid, 50);
 * ```
 *
 * @module
 */

export * from "./bits.ts";
export * from "./convolution.ts";
export * from "./crc16.ts";
export * from "./fich.ts";
export * from "./golay24.ts";
export * from "./interleave.ts";
export * from "./packets.ts";
export * from "./payload.ts";
export * from "./status_id.ts";
