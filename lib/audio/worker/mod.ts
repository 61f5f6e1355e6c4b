/**
 * lib/audio/worker: the worker process of `shack audio run` — the binary
 * framing on its pipes, a frame reader without per-frame allocation, and
 * the engine host that renders the blocks it has credit for.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { blockFrameBytes } from "./mod.ts";
 * equal(blockFrameBytes(256, 2), 2072);
 * ```
 *
 * @module
 */

export * from "./protocol.ts";
export * from "./frame_reader.ts";
export * from "./audio_worker.ts";
export * from "./run_worker.ts";
