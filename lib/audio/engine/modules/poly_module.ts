/**
 * `poly`: a bank of 1–16 voices (oscillator × ADSR × amplitude) summed into
 * `out` — what SuperCollider-style node commands drive (`/s_new <polyId>
 * <nodeId> … freq 440`, `/n_set <nodeId> gate 0`, `/n_free`), and what
 * Music Chronus's `/gate/<voice>` drives for a mono use.
 *
 * Voice allocation is deterministic: a new voice takes the lowest free slot
 * below `voices`; when none is free it steals the oldest one (the lowest
 * allocation number), retriggering from its current level. A voice whose
 * release has finished is freed (SuperCollider's `doneAction: 2`). All
 * voice state — slot, node id, group, frequency, phase, envelope, pink
 * filter — lives in one `Float64Array` saved by snapshots; noise comes from
 * the module's seeded generator, voices drawn in slot order.
 *
 * @module
 */

import {
  EngineModule,
  type ModuleContext,
  type ModuleDef,
  type StateArray,
} from "../module.ts";
import {
  ENV_IDLE,
  ENV_STATE,
  envGateOff,
  envGateOn,
  envRender,
} from "../envelope.ts";
import {
  PINK_STATE,
  pinkFilter,
  renderWave,
  WAVE_MAX,
  WAVE_PINK,
  WAVE_WHITE,
} from "../oscillator.ts";
import { checkParamValue, findParam, type ParamSpec } from "../param_spec.ts";
import { Prng } from "../prng.ts";
import { ENVELOPE_PARAMS, GATE_PARAM } from "./adsr_module.ts";
import { TONE_PARAMS } from "./osc_module.ts";

/**
 * The most voices a `poly` module has (all preallocated).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_VOICES } from "./poly_module.ts";
 *
 * equal(MAX_VOICES, 16);
 * ```
 */
export const MAX_VOICES = 16;

const VOICES = 0;
const WAVE = 1;
const FREQ = 2;
const AMP = 3;
const PW = 4;
const ATTACK = 5; // then decay, sustain, release
const RELEASE = 8;
/** The highest phase increment: 0.45 × the sample rate. */
const MAX_DT = 0.45;
const GATE = 9;

// Per-voice state layout.
const V_ACTIVE = 0;
const V_NODE = 1;
const V_GROUP = 2;
const V_ORDER = 3;
const V_FREQ = 4;
const V_AMP = 5;
const V_FOLLOW = 6;
const V_GATED = 7;
const V_PHASE = 8; // then V_DT, V_PW: the renderWave state
const V_DT = 9;
const V_PW = 10;
const V_ENV = 11;
const V_PINK = V_ENV + ENV_STATE;
const VS = V_PINK + PINK_STATE;

/**
 * The controls a voice accepts from `/s_new` and `/n_set`: `freq`
 * (0.1–20000 Hz), `note` (MIDI 0–127, sets `freq`), `amp` (0–1, a velocity
 * multiplied with the module's `amp`) and `gate` (0–1; above 0 is on).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { VOICE_CONTROLS } from "./poly_module.ts";
 *
 * equal(VOICE_CONTROLS.map((c) => c.name).join(), "freq,note,amp,gate");
 * ```
 */
export const VOICE_CONTROLS: readonly ParamSpec[] = [
  { name: "freq", min: 0.1, max: 20000, default: 440, aliases: ["frequency"] },
  { name: "note", min: 0, max: 127, default: 69 },
  { name: "amp", min: 0, max: 1, default: 1, aliases: ["velocity", "vel"] },
  { name: "gate", min: 0, max: 1, default: 1 },
];

/**
 * Checks a voice control name and value.
 *
 * @param where The module (or group) the control is for, for the message.
 * @param name The control name (see {@linkcode VOICE_CONTROLS}).
 * @param value The value.
 * @returns The control index in {@linkcode VOICE_CONTROLS}.
 * @throws {RangeError} For an unknown control or a value out of range.
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { checkVoiceControl } from "./poly_module.ts";
 *
 * equal(checkVoiceControl("lead", "amp", 0.5), 2);
 * throws(() => checkVoiceControl("lead", "amp", 2), RangeError);
 * ```
 */
export function checkVoiceControl(
  where: string,
  name: string,
  value: number,
): number {
  const index = findParam(VOICE_CONTROLS, name);
  if (index < 0) {
    throw new RangeError(
      `Expected a voice control of ${where} (${
        VOICE_CONTROLS.map((c) => c.name).join(", ")
      }) but found ${name}`,
    );
  }
  checkParamValue(where, "poly voice", VOICE_CONTROLS[index], value);
  return index;
}

/**
 * A view of one voice, for inspection and tests.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { VoiceInfo } from "./poly_module.ts";
 *
 * const voice: VoiceInfo = { slot: 0, nodeId: 1000, group: 1, order: 3, freq: 440, amp: 1, stage: 1, level: 0.5 };
 * equal(voice.nodeId, 1000);
 * ```
 */
export interface VoiceInfo {
  /** The voice slot, 0 to 15. */
  slot: number;
  /** The node id (−1 for a voice nobody can address). */
  nodeId: number;
  /** The group the node belongs to. */
  group: number;
  /** The allocation number: lower is older. */
  order: number;
  /** The frequency in Hz (the module's `freq` for a gate voice). */
  freq: number;
  /** The voice amplitude (velocity). */
  amp: number;
  /** The envelope stage (`ENV_*`). */
  stage: number;
  /** The envelope level. */
  level: number;
}

/**
 * A `poly` module instance, with the voice operations the engine's node
 * commands use.
 *
 * @example Two notes
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { POLY_MODULE, PolyModule } from "./poly_module.ts";
 *
 * const poly = POLY_MODULE.create("lead", { sampleRate: 8000, blockSize: 32, channels: 1, rampFrames: 0, seed: 1 }) as PolyModule;
 * poly.allocate(1000, 0, 440, 1, true, false);
 * poly.allocate(1001, 0, 660, 1, true, false);
 * equal(poly.findNode(1001), 1);
 * equal(poly.activeVoices(), 2);
 * ```
 */
export class PolyModule extends EngineModule {
  readonly #v = new Float64Array(MAX_VOICES * VS);
  /** Module state: the next allocation number. */
  readonly #m = new Float64Array(1);
  /** Scratch: one voice's waveform and envelope for the current segment. */
  readonly #raw: Float64Array;
  readonly #env: Float64Array;
  readonly #prng: Prng;

  /**
   * Creates the module with all voices free.
   *
   * @param id The instance id.
   * @param context The engine context.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   *
   * equal(new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 }).activeVoices(), 0);
   * ```
   */
  constructor(id: string, context: ModuleContext) {
    super(id, POLY_MODULE, context);
    this.#prng = new Prng(context.seed);
    this.#raw = new Float64Array(context.blockSize);
    this.#env = new Float64Array(context.blockSize);
  }

  /**
   * The number of voices in use (`voices` parameter).
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   *
   * equal(new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 }).voiceCount, 8);
   * ```
   */
  get voiceCount(): number {
    return this.params.value(VOICES);
  }

  /**
   * Starts a voice: the lowest free slot, or the oldest voice (stolen).
   *
   * @param nodeId The node id (−1: not addressable).
   * @param group The group of the node.
   * @param freq The frequency in Hz.
   * @param amp The voice amplitude (velocity), 0–1.
   * @param gate Whether the envelope starts now.
   * @param follow Whether the voice follows the module's `freq` parameter
   * (a `/gate` voice) instead of `freq`.
   * @returns The slot.
   *
   * @example Stealing the oldest voice
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   *
   * const poly = new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 });
   * poly.params.set(0, 1); // one voice
   * poly.paramChanged(0);
   * poly.allocate(1, 0, 440, 1, true, false);
   * equal(poly.allocate(2, 0, 550, 1, true, false), 0);
   * equal(poly.findNode(1), -1);
   * ```
   */
  allocate(
    nodeId: number,
    group: number,
    freq: number,
    amp: number,
    gate: boolean,
    follow: boolean,
  ): number {
    const v = this.#v;
    const count = this.voiceCount;
    let slot = -1;
    for (let i = 0; i < count; i++) {
      if (v[i * VS + V_ACTIVE] === 0) {
        slot = i;
        break;
      }
    }
    if (slot < 0) {
      slot = 0;
      for (let i = 1; i < count; i++) {
        if (v[i * VS + V_ORDER] < v[slot * VS + V_ORDER]) slot = i;
      }
    }
    const o = slot * VS;
    const stolen = v[o + V_ACTIVE] === 1;
    if (!stolen) {
      // A fresh voice starts from silence at phase 0.
      v.fill(0, o, o + VS);
    }
    v[o + V_ACTIVE] = 1;
    v[o + V_NODE] = nodeId;
    v[o + V_GROUP] = group;
    v[o + V_ORDER] = this.#m[0]++;
    v[o + V_FREQ] = freq;
    v[o + V_AMP] = amp;
    v[o + V_FOLLOW] = follow ? 1 : 0;
    v[o + V_GATED] = 0;
    if (gate) this.setVoiceGate(slot, true);
    else if (stolen) {
      // A stolen voice that waits for its gate must fall silent.
      envGateOff(v, o + V_ENV, 0);
    }
    return slot;
  }

  /**
   * Finds the active voice of a node id.
   *
   * @param nodeId The node id (>= 0).
   * @returns The slot, or −1.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   *
   * equal(new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 }).findNode(5), -1);
   * ```
   */
  findNode(nodeId: number): number {
    if (nodeId < 0) return -1;
    const v = this.#v;
    for (let i = 0; i < MAX_VOICES; i++) {
      if (v[i * VS + V_ACTIVE] === 1 && v[i * VS + V_NODE] === nodeId) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Whether a slot holds an active voice.
   *
   * @param slot The slot.
   * @returns `true` when active.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   *
   * equal(new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 }).isActive(0), false);
   * ```
   */
  isActive(slot: number): boolean {
    return this.#v[slot * VS + V_ACTIVE] === 1;
  }

  /**
   * The group of a slot's node.
   *
   * @param slot The slot.
   * @returns The group id.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   *
   * const poly = new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 });
   * equal(poly.groupOf(poly.allocate(7, 3, 440, 1, true, false)), 3);
   * ```
   */
  groupOf(slot: number): number {
    return this.#v[slot * VS + V_GROUP];
  }

  /**
   * The number of active voices.
   *
   * @returns The count.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   *
   * equal(new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 }).activeVoices(), 0);
   * ```
   */
  activeVoices(): number {
    let n = 0;
    for (let i = 0; i < MAX_VOICES; i++) n += this.#v[i * VS + V_ACTIVE];
    return n;
  }

  /**
   * Checks a voice control name and value (see
   * {@linkcode checkVoiceControl}).
   *
   * @param name The control name.
   * @param value The value.
   * @returns The control index.
   * @throws {RangeError} For an unknown control or a value out of range.
   *
   * @example Usage
   * ```ts
   * import { equal, throws } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   *
   * const poly = new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 });
   * equal(poly.checkVoiceControl("freq", 440), 0);
   * throws(() => poly.checkVoiceControl("cutoff", 1), RangeError);
   * ```
   */
  checkVoiceControl(name: string, value: number): number {
    return checkVoiceControl(this.id, name, value);
  }

  /**
   * Applies a checked voice control (index from
   * {@linkcode PolyModule.checkVoiceControl}) to a slot.
   *
   * @param slot The slot.
   * @param index The control index.
   * @param value The value.
   *
   * @example Releasing a voice
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   *
   * const poly = new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 });
   * const slot = poly.allocate(1, 0, 440, 1, true, false);
   * poly.setVoiceControl(slot, poly.checkVoiceControl("note", 81), 81);
   * equal(poly.voiceInfo(slot).freq, 880);
   * ```
   */
  setVoiceControl(slot: number, index: number, value: number): void {
    const o = slot * VS;
    switch (index) {
      case 0:
        this.#v[o + V_FREQ] = value;
        this.#v[o + V_FOLLOW] = 0;
        break;
      case 1:
        this.#v[o + V_FREQ] = 440 * Math.pow(2, (value - 69) / 12);
        this.#v[o + V_FOLLOW] = 0;
        break;
      case 2:
        this.#v[o + V_AMP] = value;
        break;
      default:
        this.setVoiceGate(slot, value > 0);
    }
  }

  /**
   * Starts the attack (on) or the release (off) of a slot's envelope.
   *
   * @param slot The slot.
   * @param on Gate on or off.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   * import { ENV_RELEASE } from "../envelope.ts";
   *
   * const poly = new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 });
   * const slot = poly.allocate(1, 0, 440, 1, true, false);
   * poly.params.prepare(8);
   * poly.process(0, 8, 8);
   * poly.setVoiceGate(slot, false);
   * equal(poly.voiceInfo(slot).stage, ENV_RELEASE);
   * ```
   */
  setVoiceGate(slot: number, on: boolean): void {
    const o = slot * VS;
    if (on) {
      envGateOn(this.#v, o + V_ENV);
      this.#v[o + V_GATED] = 1;
    } else {
      envGateOff(
        this.#v,
        o + V_ENV,
        Math.round(this.params.value(RELEASE) * this.sampleRate),
      );
    }
  }

  /**
   * Frees a slot at once (`/n_free`: may click, as in SuperCollider).
   *
   * @param slot The slot.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   *
   * const poly = new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 });
   * poly.freeVoice(poly.allocate(1, 0, 440, 1, true, false));
   * equal(poly.activeVoices(), 0);
   * ```
   */
  freeVoice(slot: number): void {
    const o = slot * VS;
    this.#v[o + V_ACTIVE] = 0;
    this.#v[o + V_NODE] = -1;
    this.#v[o + V_ENV] = ENV_IDLE;
    this.#v[o + V_ENV + 1] = 0;
  }

  /**
   * A view of one slot (allocates; for inspection).
   *
   * @param slot The slot.
   * @returns The voice.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PolyModule } from "./poly_module.ts";
   *
   * const poly = new PolyModule("p", { sampleRate: 8000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 });
   * equal(poly.voiceInfo(poly.allocate(9, 0, 220, 0.5, true, false)).amp, 0.5);
   * ```
   */
  voiceInfo(slot: number): VoiceInfo {
    const v = this.#v;
    const o = slot * VS;
    return {
      slot,
      nodeId: v[o + V_NODE],
      group: v[o + V_GROUP],
      order: v[o + V_ORDER],
      freq: v[o + V_FOLLOW] === 1 ? this.params.value(FREQ) : v[o + V_FREQ],
      amp: v[o + V_AMP],
      stage: v[o + V_ENV],
      level: v[o + V_ENV + 1],
    };
  }

  override paramChanged(index: number): void {
    if (index === VOICES) {
      const count = this.voiceCount;
      for (let i = count; i < MAX_VOICES; i++) {
        if (this.isActive(i)) this.freeVoice(i);
      }
    } else if (index === GATE) {
      if (this.params.value(GATE) >= 1) {
        this.allocate(-1, 0, this.params.value(FREQ), 1, true, true);
      } else {
        const v = this.#v;
        for (let i = 0; i < MAX_VOICES; i++) {
          if (v[i * VS + V_ACTIVE] === 1 && v[i * VS + V_FOLLOW] === 1) {
            this.setVoiceGate(i, false);
          }
        }
      }
    }
  }

  process(start: number, end: number, span: number): void {
    const out = this.outputs[0];
    out.fill(0, start, end);
    const p = this.params;
    const starts = p.starts;
    const wave = starts[WAVE];
    const baseFreq = starts[FREQ];
    const pw = starts[PW];
    const a0 = starts[AMP];
    const da = (p.ends[AMP] - a0) / span;
    const noise = wave === WAVE_WHITE || wave === WAVE_PINK;
    const v = this.#v;
    const raw = this.#raw;
    const env = this.#env;
    const sr = this.sampleRate;
    for (let k = 0; k < MAX_VOICES; k++) {
      const o = k * VS;
      if (v[o + V_ACTIVE] === 0) continue;
      if (noise) {
        this.#prng.fillBipolar(raw, start, end);
        if (wave === WAVE_PINK) pinkFilter(raw, start, end, v, o + V_PINK);
      } else {
        const dt = (v[o + V_FOLLOW] === 1 ? baseFreq : v[o + V_FREQ]) / sr;
        v[o + V_DT] = dt > MAX_DT ? MAX_DT : dt;
        v[o + V_PW] = pw;
        renderWave(raw, start, end, wave, v, o + V_PHASE);
      }
      envRender(v, o + V_ENV, env, start, end, starts, ATTACK, sr);
      const vel = v[o + V_AMP];
      for (let i = start; i < end; i++) {
        out[i] += raw[i] * env[i] * vel * (a0 + da * (i - start));
      }
      if (v[o + V_ENV] === ENV_IDLE && v[o + V_GATED] === 1) this.freeVoice(k);
    }
  }

  stateArrays(): readonly StateArray[] {
    return [this.#v, this.#m, this.#prng.state];
  }
}

/**
 * The `poly` module type: output `out`; parameters `voices` (1–16, default
 * 8), `wave` (as `osc`, default 1 saw), `freq` (0.1–20000 Hz, default 440,
 * smoothed: the pitch of `/gate` voices), `amp` (0–1, default 0.5,
 * smoothed), `pw` (0.01–0.99), `attack`, `decay`, `sustain`, `release`,
 * `gate` (1 starts a voice at `freq`, 0 releases those voices).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { POLY_MODULE } from "./poly_module.ts";
 *
 * equal(POLY_MODULE.params[0].name, "voices");
 * ```
 */
export const POLY_MODULE: ModuleDef = {
  type: "poly",
  description: "1–16 voices (oscillator × ADSR), oldest voice stolen",
  inputs: [],
  outputs: ["out"],
  controls: [],
  params: [
    {
      name: "voices",
      min: 1,
      max: MAX_VOICES,
      default: 8,
      integer: true,
      modulatable: false,
    },
    { name: "wave", min: 0, max: WAVE_MAX, default: 1, integer: true },
    ...TONE_PARAMS,
    ...ENVELOPE_PARAMS,
    GATE_PARAM,
  ],
  create: (id, context) => new PolyModule(id, context),
};
