/**
 * lib/audio/control: what `shack audio run` does with OSC — the mapping of
 * Music Chronus and SuperCollider commands onto engine commands and
 * supervisor actions, timed script and phrase playback, and the OSC
 * message handler with its scsynth-style replies.
 *
 * @example Mapping a /mod message
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { mapOscCommand } from "./mod.ts";
 * deepEqual(mapOscCommand({ kind: "gate", module: "adsr", on: true }), {
 *   kind: "engine",
 *   commands: [{ kind: "gate", module: "adsr", on: true }],
 * });
 * ```
 *
 * @module
 */

export * from "./map_command.ts";
export * from "./timeline.ts";
export * from "./osc_controller.ts";
