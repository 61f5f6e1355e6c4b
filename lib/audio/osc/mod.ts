/**
 * OSC 1.0 for `shack audio run`: the packet model and codec, timetags
 * (NTP ↔ ms ↔ frame), address patterns, the command parser (Music Chronus
 * addresses and a SuperCollider server subset), scsynth-style replies, and
 * a UDP server.
 *
 * @example Decoding a command
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodePacket, encodeMessage, parseOscCommand } from "./mod.ts";
 *
 * const packet = decodePacket(encodeMessage("/gate/adsr", ["on"]));
 * if (packet.kind !== "message") throw new Error("Expected a message");
 * deepEqual(parseOscCommand(packet), { kind: "gate", module: "adsr", on: true });
 * ```
 *
 * @module
 */

export * from "./packet.ts";
export * from "./decode_error.ts";
export * from "./decode.ts";
export * from "./encode.ts";
export * from "./timetag.ts";
export * from "./flatten.ts";
export * from "./address_pattern.ts";
export * from "./command.ts";
export * from "./replies.ts";
export * from "./server.ts";
