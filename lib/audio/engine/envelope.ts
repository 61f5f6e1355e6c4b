/**
 * A linear ADSR envelope as functions over three numbers in a caller's
 * `Float64Array` (stage, level, release step), so one array can hold the
 * envelopes of many voices and be saved in a snapshot as is.
 *
 * Like Music Chronus's ADSR (audio-engine.md §4.1): linear segments, a gate
 * on retriggers the attack from the current level, the release slope is
 * computed from the level at gate off. The first sample after a gate on is
 * already above zero, so a gate at frame F is audible at frame F.
 *
 * @module
 */

/** Stage: silent, waiting for a gate. */
export const ENV_IDLE = 0;
/** Stage: rising to 1. */
export const ENV_ATTACK = 1;
/** Stage: falling to the sustain level. */
export const ENV_DECAY = 2;
/** Stage: holding the sustain level. */
export const ENV_SUSTAIN = 3;
/** Stage: falling to 0 after a gate off. */
export const ENV_RELEASE = 4;
/** Rounding tolerance of segment ends. */
const EPSILON = 1e-9;

/** The number of state values an envelope keeps. */
export const ENV_STATE = 3;

/**
 * Starts (or restarts) the attack from the current level.
 *
 * @param state The envelope state array.
 * @param offset Where this envelope's values start.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ENV_ATTACK, ENV_STATE, envGateOn } from "./envelope.ts";
 *
 * const state = new Float64Array(ENV_STATE);
 * envGateOn(state, 0);
 * equal(state[0], ENV_ATTACK);
 * ```
 */
export function envGateOn(state: Float64Array, offset: number): void {
  state[offset] = ENV_ATTACK;
}

/**
 * Starts the release from the current level (no effect when idle).
 *
 * @param state The envelope state array.
 * @param offset Where this envelope's values start.
 * @param releaseFrames The release time in frames (0 = at once).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ENV_RELEASE, ENV_STATE, envGateOff, envGateOn, envNext } from "./envelope.ts";
 *
 * const state = new Float64Array(ENV_STATE);
 * envGateOn(state, 0);
 * envNext(state, 0, 1, 1, 0.5);
 * envGateOff(state, 0, 100);
 * equal(state[0], ENV_RELEASE);
 * ```
 */
export function envGateOff(
  state: Float64Array,
  offset: number,
  releaseFrames: number,
): void {
  if (state[offset] === ENV_IDLE || state[offset] === ENV_RELEASE) return;
  state[offset] = ENV_RELEASE;
  const level = state[offset + 1];
  state[offset + 2] = releaseFrames >= 1 ? level / releaseFrames : level;
}

/**
 * Advances the envelope one sample and returns its level.
 *
 * @param state The envelope state array.
 * @param offset Where this envelope's values start.
 * @param attackStep Level added per sample in the attack (1 / frames).
 * @param decayStep Level removed per sample in the decay.
 * @param sustain The sustain level, 0 to 1.
 * @returns The level, 0 to 1.
 *
 * @example The attack rises from the first sample
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ENV_STATE, envGateOn, envNext } from "./envelope.ts";
 *
 * const state = new Float64Array(ENV_STATE);
 * equal(envNext(state, 0, 0.25, 0.1, 0.5), 0);
 * envGateOn(state, 0);
 * equal(envNext(state, 0, 0.25, 0.1, 0.5), 0.25);
 * ```
 */
export function envNext(
  state: Float64Array,
  offset: number,
  attackStep: number,
  decayStep: number,
  sustain: number,
): number {
  let level = state[offset + 1];
  switch (state[offset]) {
    case ENV_ATTACK:
      level += attackStep;
      // The tolerance absorbs rounding of the summed steps, so a segment
      // of N frames ends on its N-th frame.
      if (level >= 1 - EPSILON) {
        level = 1;
        state[offset] = ENV_DECAY;
      }
      break;
    case ENV_DECAY:
      level -= decayStep;
      if (level <= sustain + EPSILON || decayStep <= 0) {
        level = sustain;
        state[offset] = ENV_SUSTAIN;
      }
      break;
    case ENV_SUSTAIN:
      level = sustain;
      break;
    case ENV_RELEASE:
      level -= state[offset + 2];
      if (level <= EPSILON) {
        level = 0;
        state[offset] = ENV_IDLE;
      }
      break;
    default:
      level = 0;
  }
  state[offset + 1] = level;
  return level;
}

/**
 * Per-sample steps for attack and decay times in seconds.
 *
 * @param attack The attack time in seconds (0 = one sample).
 * @param decay The decay time in seconds (0 = one sample).
 * @param sustain The sustain level.
 * @param sampleRate Frames per second.
 * @param out Receives `[attackStep, decayStep]`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { envSteps } from "./envelope.ts";
 *
 * const out = new Float64Array(2);
 * envSteps(0.001, 0.002, 0.5, 1000, out);
 * deepEqual([...out], [1, 0.25]);
 * ```
 */
export function envSteps(
  attack: number,
  decay: number,
  sustain: number,
  sampleRate: number,
  out: Float64Array,
): void {
  const a = attack * sampleRate;
  const d = decay * sampleRate;
  out[0] = a >= 1 ? 1 / a : 1;
  out[1] = d >= 1 ? (1 - sustain) / d : 1;
}

/**
 * Renders `out[start..end)` with the envelope's levels: the same levels as
 * {@linkcode envNext} in a loop, with attack, decay, sustain (and release,
 * unused here) read from `params[paramOffset..paramOffset+4)` in seconds
 * and level — the order of the `attack`, `decay`, `sustain`, `release`
 * module parameters. Nothing is returned, so nothing is boxed.
 *
 * @param state The envelope state array.
 * @param offset Where this envelope's values start.
 * @param out Receives the levels.
 * @param start The first index.
 * @param end One past the last index.
 * @param params Attack, decay, sustain, release.
 * @param paramOffset Where they start in `params`.
 * @param sampleRate Frames per second.
 *
 * @example An attack of 4 frames
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { ENV_STATE, envGateOn, envRender } from "./envelope.ts";
 *
 * const state = new Float64Array(ENV_STATE);
 * envGateOn(state, 0);
 * const out = new Float64Array(5);
 * envRender(state, 0, out, 0, 5, new Float64Array([0.004, 0, 0.5, 0]), 0, 1000);
 * deepEqual([...out], [0.25, 0.5, 0.75, 1, 0.5]);
 * ```
 */
export function envRender(
  state: Float64Array,
  offset: number,
  out: Float64Array,
  start: number,
  end: number,
  params: Float64Array,
  paramOffset: number,
  sampleRate: number,
): void {
  const sustain = params[paramOffset + 2];
  const a = params[paramOffset] * sampleRate;
  const d = params[paramOffset + 1] * sampleRate;
  const attackStep = a >= 1 ? 1 / a : 1;
  const decayStep = d >= 1 ? (1 - sustain) / d : 1;
  let stage = state[offset];
  let level = state[offset + 1];
  const releaseStep = state[offset + 2];
  for (let i = start; i < end; i++) {
    switch (stage) {
      case ENV_ATTACK:
        level += attackStep;
        if (level >= 1 - EPSILON) {
          level = 1;
          stage = ENV_DECAY;
        }
        break;
      case ENV_DECAY:
        level -= decayStep;
        if (level <= sustain + EPSILON || decayStep <= 0) {
          level = sustain;
          stage = ENV_SUSTAIN;
        }
        break;
      case ENV_SUSTAIN:
        level = sustain;
        break;
      case ENV_RELEASE:
        level -= releaseStep;
        if (level <= EPSILON) {
          level = 0;
          stage = ENV_IDLE;
        }
        break;
      default:
        level = 0;
    }
    out[i] = level;
  }
  state[offset] = stage;
  state[offset + 1] = level;
}
