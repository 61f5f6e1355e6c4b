/**
 * Fixtures shared by the engine tests: rendering a number of blocks into
 * one interleaved buffer, picking a channel, patches that use every module
 * type. No tests here (a test registered in this file would run again in
 * every file that imports it); engine_snapshot_test.ts checks the fixtures.
 *
 * @module
 */

import {
  AudioEngine,
  type AudioEngineOptions,
} from "../../lib/audio/engine/engine.ts";
import type { EngineCommand } from "../../lib/audio/engine/commands.ts";
import type { PatchSpec } from "../../lib/audio/engine/patch_spec.ts";

/** Renders `blocks` blocks and returns them concatenated (interleaved). */
export function render(engine: AudioEngine, blocks: number): Float32Array {
  const size = engine.blockSize * engine.channels;
  const out = new Float32Array(size * blocks);
  for (let b = 0; b < blocks; b++) {
    engine.renderBlock(out.subarray(b * size, (b + 1) * size));
  }
  return out;
}

/** Channel `c` of an interleaved buffer. */
export function channel(
  samples: Float32Array,
  channels: number,
  c: number,
): Float32Array {
  const out = new Float32Array(samples.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = samples[i * channels + c];
  return out;
}

/** The index of the first sample with |x| > threshold, or −1. */
export function firstAbove(samples: Float32Array, threshold = 0): number {
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i]) > threshold) return i;
  }
  return -1;
}

/** An engine with the given patch, every command scheduled. */
export function engineWith(
  patch: PatchSpec,
  commands: readonly EngineCommand[] = [],
  options: AudioEngineOptions = {},
): AudioEngine {
  const engine = new AudioEngine({ ...options, patch });
  for (const command of commands) engine.schedule(command);
  return engine;
}

/** `adsr1` alone into the output: renders the envelope itself. */
export const ENVELOPE_PATCH: PatchSpec = {
  modules: [
    { id: "adsr1", type: "adsr", params: { attack: 0.01, release: 0.05 } },
    { id: "out", type: "output" },
  ],
  connections: [{ from: "adsr1", to: "out" }],
};

/** A saw oscillator into the output. */
export const SAW_PATCH: PatchSpec = {
  modules: [
    { id: "osc1", type: "osc", params: { wave: 1, freq: 220, amp: 0.5 } },
    { id: "out", type: "output" },
  ],
  connections: [{ from: "osc1", to: "out" }],
};

/** Every module type in one patch (noise, LFO S&H, delay, voices). */
export const EVERYTHING_PATCH: PatchSpec = {
  modules: [
    { id: "noise", type: "osc", params: { wave: 5, amp: 0.1 } },
    { id: "osc1", type: "osc", params: { wave: 3, freq: 330, amp: 0.2 } },
    {
      id: "env",
      type: "adsr",
      params: { attack: 0.02, decay: 0.05, sustain: 0.5 },
    },
    { id: "lead", type: "poly", params: { voices: 4, wave: 2, amp: 0.2 } },
    { id: "filter1", type: "filter", params: { mode: 0, cutoff: 1200, q: 3 } },
    { id: "wobble", type: "lfo", params: { rate: 3, depth: 400, shape: 4 } },
    { id: "trem", type: "lfo", params: { rate: 5, depth: 0.3, offset: 0 } },
    { id: "gain1", type: "gain", params: { gain: 0.8 } },
    { id: "mixer1", type: "mixer" },
    {
      id: "delay1",
      type: "delay",
      params: { time: 0.05, feedback: 0.6, mix: 0.4 },
    },
    { id: "out", type: "output", params: { level: 0.9 } },
  ],
  connections: [
    { from: "osc1", to: "env" },
    { from: "env", to: "mixer1.in1" },
    { from: "noise", to: "mixer1.in2" },
    { from: "lead", to: "filter1" },
    { from: "wobble", to: "filter1.cutoff" },
    { from: "filter1", to: "gain1" },
    { from: "trem", to: "gain1.gain" },
    { from: "gain1", to: "mixer1.in3" },
    { from: "mixer1", to: "delay1" },
    { from: "delay1", to: "out.left" },
    { from: "mixer1", to: "out.right" },
  ],
};

/** Commands that exercise EVERYTHING_PATCH over about 0.3 s at 48 kHz. */
export function everythingCommands(firstSeq = 1): EngineCommand[] {
  let seq = firstSeq;
  return [
    { kind: "gate", seq: seq++, frame: 300, module: "env", on: true },
    {
      kind: "s_new",
      seq: seq++,
      frame: 700,
      defName: "lead",
      nodeId: 1000,
      addAction: 0,
      target: 0,
      controls: [["note", 57]],
    },
    {
      kind: "s_new",
      seq: seq++,
      frame: 2100,
      defName: "lead",
      nodeId: 1001,
      addAction: 0,
      target: 0,
      controls: [["note", 64], ["amp", 0.7]],
    },
    {
      kind: "set",
      seq: seq++,
      frame: 3000,
      module: "filter1",
      param: "q",
      value: 6,
    },
    {
      kind: "n_set",
      seq: seq++,
      frame: 5000,
      nodeId: 1000,
      controls: [["gate", 0]],
    },
    { kind: "gate", seq: seq++, frame: 6001, module: "env", on: false },
    {
      kind: "set",
      seq: seq++,
      frame: 7000,
      module: "delay1",
      param: "time",
      value: 0.08,
    },
    {
      kind: "set",
      seq: seq++,
      frame: 9000,
      module: "noise",
      param: "wave",
      value: 4,
    },
    { kind: "n_free", seq: seq++, frame: 12000, nodeIds: [1001] },
  ];
}
