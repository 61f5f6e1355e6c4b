/**
 * The default patch and a short deterministic phrase, so a first run is
 * audible and two runs compare equal: four bars at 150 BPM of an A-minor
 * arpeggio on a saw `lead` (8 voices, ADSR) through a resonant lowpass
 * whose cutoff an LFO sweeps, a square `bass` on the beats, a mixer and a
 * dotted-eighth delay. Notes are `/s_new` + `/n_set gate 0` commands; two
 * parameter changes (Q at bar 3, cutoff at bar 4) show `/mod`.
 *
 * @module
 */

import type { EngineCommand } from "./commands.ts";
import type { PatchSpec } from "./patch_spec.ts";

/**
 * The default patch: `lead` (poly, saw) → `filter1` (lowpass, swept by
 * `lfo1`) → `mixer1.in1`; `bass` (poly, square) → `mixer1.in2`; `mixer1` →
 * `delay1` → `out`.
 *
 * @returns A new patch spec.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultPatch } from "./demo_phrase.ts";
 *
 * equal(defaultPatch().modules.length, 7);
 * ```
 */
export function defaultPatch(): PatchSpec {
  return {
    modules: [
      {
        id: "lead",
        type: "poly",
        params: {
          voices: 8,
          wave: 1,
          amp: 0.22,
          attack: 0.005,
          decay: 0.18,
          sustain: 0.55,
          release: 0.25,
        },
      },
      {
        id: "bass",
        type: "poly",
        params: {
          voices: 2,
          wave: 2,
          pw: 0.4,
          amp: 0.25,
          attack: 0.003,
          decay: 0.25,
          sustain: 0.6,
          release: 0.12,
        },
      },
      {
        id: "filter1",
        type: "filter",
        params: { mode: 0, cutoff: 1500, q: 2 },
      },
      { id: "lfo1", type: "lfo", params: { rate: 0.25, depth: 700, shape: 0 } },
      { id: "mixer1", type: "mixer", params: { level1: 1, level2: 0.8 } },
      {
        id: "delay1",
        type: "delay",
        params: { time: 0.3, feedback: 0.35, mix: 0.25 },
      },
      { id: "out", type: "output", params: { level: 0.8 } },
    ],
    connections: [
      { from: "lead", to: "filter1" },
      { from: "lfo1", to: "filter1.cutoff" },
      { from: "filter1", to: "mixer1.in1" },
      { from: "bass", to: "mixer1.in2" },
      { from: "mixer1", to: "delay1" },
      { from: "delay1", to: "out" },
    ],
  };
}

/**
 * Options of {@linkcode demoPhrase}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DemoPhraseOptions } from "./demo_phrase.ts";
 *
 * const options: DemoPhraseOptions = { sampleRate: 44100, firstSeq: 100, startFrame: 4410 };
 * equal(options.firstSeq, 100);
 * ```
 */
export interface DemoPhraseOptions {
  /** Frames per second (default 48000). */
  sampleRate?: number;
  /** The seq of the first command (default 1). */
  firstSeq?: number;
  /** The frame of the first note (default 0). */
  startFrame?: number;
}

/**
 * A phrase: the patch, its commands (seq increasing, frames
 * non-decreasing) and its length in frames including the delay tail.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { demoPhrase, type DemoPhrase } from "./demo_phrase.ts";
 *
 * const phrase: DemoPhrase = demoPhrase();
 * equal(phrase.bpm, 150);
 * ```
 */
export interface DemoPhrase {
  /** The patch to start the engine with. */
  readonly patch: PatchSpec;
  /** The commands to schedule. */
  readonly commands: readonly EngineCommand[];
  /** Frames from `startFrame` to the end of the tail. */
  readonly frames: number;
  /** Tempo in beats per minute. */
  readonly bpm: number;
}

/** Lead: [MIDI note, length in eighths], 8 eighths per bar. */
const LEAD: readonly (readonly [number, number])[] = [
  [69, 1],
  [72, 1],
  [76, 1],
  [81, 1],
  [79, 1],
  [76, 1],
  [72, 1],
  [76, 1],
  [65, 1],
  [69, 1],
  [72, 1],
  [77, 1],
  [76, 1],
  [72, 1],
  [69, 1],
  [72, 1],
  [67, 1],
  [71, 1],
  [74, 1],
  [79, 1],
  [77, 1],
  [74, 1],
  [71, 1],
  [74, 1],
  [76, 2],
  [74, 1],
  [72, 1],
  [71, 2],
  [69, 2],
];

/** Bass: one MIDI note per beat, 4 beats per bar. */
const BASS: readonly number[] = [
  45,
  45,
  57,
  45,
  41,
  41,
  53,
  41,
  43,
  43,
  55,
  43,
  40,
  40,
  52,
  45,
];

const BPM = 150;
const TAIL_SECONDS = 1.2;

/**
 * Builds the phrase for a sample rate.
 *
 * @param options Rate, first seq, start frame.
 * @returns The patch, commands and length.
 *
 * @example Commands are ordered by frame and seq
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { demoPhrase } from "./demo_phrase.ts";
 *
 * const { commands } = demoPhrase();
 * ok(commands.every((c, i) => i === 0 || (c.seq > commands[i - 1].seq && c.frame >= commands[i - 1].frame)));
 * ```
 */
export function demoPhrase(options: DemoPhraseOptions = {}): DemoPhrase {
  const { sampleRate = 48000, firstSeq = 1, startFrame = 0 } = options;
  const beat = (60 / BPM) * sampleRate;
  const eighth = beat / 2;
  const at = (frames: number) => startFrame + Math.round(frames);
  type Timed = {
    frame: number;
    order: number;
    make: (seq: number) => EngineCommand;
  };
  const timed: Timed[] = [];
  const add = (frame: number, make: Timed["make"]) =>
    timed.push({ frame, order: timed.length, make });
  let step = 0;
  LEAD.forEach(([note, length], i) => {
    const nodeId = 1000 + i;
    const on = at(step * eighth);
    const off = at((step + length * 0.8) * eighth);
    const amp = step % 4 === 0 ? 1 : 0.75;
    add(on, (seq) => ({
      kind: "s_new",
      seq,
      frame: on,
      defName: "lead",
      nodeId,
      addAction: 0,
      target: 0,
      controls: [["note", note], ["amp", amp]],
    }));
    add(off, (seq) => ({
      kind: "n_set",
      seq,
      frame: off,
      nodeId,
      controls: [["gate", 0]],
    }));
    step += length;
  });
  BASS.forEach((note, i) => {
    const nodeId = 2000 + i;
    const on = at(i * beat);
    const off = at((i + 0.85) * beat);
    add(on, (seq) => ({
      kind: "s_new",
      seq,
      frame: on,
      defName: "bass",
      nodeId,
      addAction: 0,
      target: 0,
      controls: [["note", note]],
    }));
    add(off, (seq) => ({
      kind: "n_set",
      seq,
      frame: off,
      nodeId,
      controls: [["gate", 0]],
    }));
  });
  const bar3 = at(8 * beat);
  add(bar3, (seq) => ({
    kind: "set",
    seq,
    frame: bar3,
    module: "filter1",
    param: "q",
    value: 4,
  }));
  const bar4 = at(12 * beat);
  add(bar4, (seq) => ({
    kind: "set",
    seq,
    frame: bar4,
    module: "filter1",
    param: "cutoff",
    value: 2400,
  }));
  timed.sort((a, b) => a.frame - b.frame || a.order - b.order);
  const commands = timed.map((t, i) => t.make(firstSeq + i));
  return {
    patch: defaultPatch(),
    commands,
    frames: Math.round(16 * beat + TAIL_SECONDS * sampleRate),
    bpm: BPM,
  };
}
