/**
 * lib/audio/engine: the deterministic rendering core of `shack audio run`
 * (audio-engine.md §3–§5, §10.2, §13). Both audio workers run an
 * {@linkcode AudioEngine} in lockstep: same seed, same commands (each with
 * a seq and the frame it applies at) → bit-identical blocks, which the
 * supervisor compares with {@linkcode blockChecksum}. Snapshots carry the
 * complete state, so a respawned worker continues where the other one is.
 *
 * - Modules: `osc` (sine, PolyBLEP saw/square, PolyBLAMP triangle, white
 *   and pink noise), `poly` (1–16 voices, oldest stolen), `adsr`, `filter`
 *   (RBJ biquad), `gain`, `mixer`, `delay` (≤ 2 s), `lfo` (modulates any
 *   parameter), `output`.
 * - Patches: a validated DAG built off to the side and swapped in at a block
 *   boundary ({@linkcode PatchError} for cycles, unknown modules or ports).
 * - Commands: {@linkcode EngineCommand} (`/mod`, `/gate`, `/patch/*`,
 *   `/s_new`, `/n_set`, `/n_free`, `/g_new`, `/g_freeAll`) and their binary
 *   form ({@linkcode encodeCommand} / {@linkcode decodeCommand}).
 * - {@linkcode defaultPatch} and {@linkcode demoPhrase} for a first sound.
 *
 * @example Two engines, one phrase, same checksums
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AudioEngine, blockChecksum, demoPhrase } from "./mod.ts";
 *
 * const phrase = demoPhrase();
 * const engines = [0, 1].map(() => new AudioEngine({ patch: phrase.patch, seed: 9 }));
 * for (const engine of engines) for (const cmd of phrase.commands) engine.schedule(cmd);
 * const blocks = engines.map((e) => new Float32Array(e.blockSize * e.channels));
 * for (let i = 0; i < 20; i++) {
 *   engines.forEach((e, k) => e.renderBlock(blocks[k]));
 *   equal(blockChecksum(blocks[0]), blockChecksum(blocks[1]));
 * }
 * ```
 *
 * @module
 */

export * from "./biquad.ts";
export * from "./checksum.ts";
export * from "./command_codec.ts";
export * from "./command_queue.ts";
export * from "./commands.ts";
export * from "./demo_phrase.ts";
export * from "./engine.ts";
export * from "./engine_command_error.ts";
export * from "./envelope.ts";
export * from "./graph_runtime.ts";
export * from "./group_table.ts";
export * from "./module.ts";
export * from "./modules/adsr_module.ts";
export * from "./modules/delay_module.ts";
export * from "./modules/filter_module.ts";
export * from "./modules/gain_module.ts";
export * from "./modules/lfo_module.ts";
export * from "./modules/mixer_module.ts";
export * from "./modules/module_registry.ts";
export * from "./modules/osc_module.ts";
export * from "./modules/output_module.ts";
export * from "./modules/poly_module.ts";
export * from "./oscillator.ts";
export * from "./param_bank.ts";
export * from "./param_spec.ts";
export * from "./patch_error.ts";
export * from "./patch_graph.ts";
export * from "./patch_spec.ts";
export * from "./prng.ts";
export * from "./state_codec.ts";
