/**
 * lib/audio: `shack audio run`, a fault-tolerant audio engine — the
 * deterministic renderer ({@linkcode AudioEngine}), OSC 1.0 (codec,
 * timetags, a UDP server), sinks (WAV, raw, null, pipe to pw-cat/pacat/
 * aplay, browsers over HTTP), the worker process and its framing, the
 * supervisor that keeps two workers in lockstep and fails over without a
 * gap, the OSC → engine control layer, the configuration and script
 * formats, and the service that ties them together.
 *
 * @example Mapping an OSC message onto an engine command
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { createMessage, mapOscCommand, parseOscCommand } from "./mod.ts";
 * deepEqual(mapOscCommand(parseOscCommand(createMessage("/mod/filter1/q", [2]))), {
 *   kind: "engine",
 *   commands: [{ kind: "set", module: "filter1", param: "q", value: 2 }],
 * });
 * ```
 *
 * @module
 */

export * from "./engine/mod.ts";
export * from "./osc/mod.ts";
export * from "./sinks/mod.ts";
export * from "./worker/mod.ts";
export * from "./supervisor/mod.ts";
export * from "./control/mod.ts";
export * from "./config.ts";
export * from "./script.ts";
export * from "./service.ts";
