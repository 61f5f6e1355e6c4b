/**
 * `lfo`: a low-frequency oscillator whose control output `out` is added to
 * any parameter of any module it is connected to (`/patch/connect lfo1
 * filter1.cutoff`). The value is `offset + depth × wave(phase)` in the
 * target parameter's own units; the target clamps the sum to its range.
 * Shapes: sine, triangle, square, saw, and sample-and-hold random (a new
 * value from the module's seeded generator at each cycle). The LFO reports
 * its value at the start and at the end of each segment, so targets that
 * interpolate (gains, levels) follow it smoothly.
 *
 * @module
 */

import {
  EngineModule,
  type ModuleContext,
  type ModuleDef,
  type StateArray,
} from "../module.ts";
import { Prng } from "../prng.ts";

const RATE = 0;
const DEPTH = 1;
const OFFSET = 2;
const SHAPE = 3;
const SHAPE_RANDOM = 4;

/** State: phase, held random value, then scratch for the shape values. */
const S_PHASE = 0;
const S_HELD = 1;
const S_START = 2;
const S_END = 3;

function writeShape(
  out: Float64Array,
  index: number,
  shape: number,
  phase: number,
  held: number,
): void {
  switch (shape) {
    case 1:
      out[index] = phase < 0.5 ? 4 * phase - 1 : 3 - 4 * phase;
      break;
    case 2:
      out[index] = phase < 0.5 ? 1 : -1;
      break;
    case 3:
      out[index] = 2 * phase - 1;
      break;
    case 4:
      out[index] = held;
      break;
    default:
      out[index] = Math.sin(2 * Math.PI * phase);
  }
}

class LfoModule extends EngineModule {
  readonly #s = new Float64Array(4);
  readonly #prng: Prng;

  constructor(id: string, context: ModuleContext) {
    super(id, LFO_MODULE, context);
    this.#prng = new Prng(context.seed);
    this.#s[S_HELD] = this.#prng.nextBipolar();
  }

  process(start: number, end: number, span: number): void {
    const starts = this.params.starts;
    const ends = this.params.ends;
    const s = this.#s;
    const len = end - start;
    const shape = starts[SHAPE];
    const rate = starts[RATE] / this.sampleRate;
    const phase = s[S_PHASE];
    let ahead = phase + rate * span;
    ahead -= Math.floor(ahead);
    // Shape values go through the state array: no number is returned from
    // a call on the render path.
    writeShape(s, S_START, shape, phase, s[S_HELD]);
    // Sample-and-hold steps; it does not glide towards the next value.
    writeShape(
      s,
      S_END,
      shape,
      shape === SHAPE_RANDOM ? phase : ahead,
      s[S_HELD],
    );
    const c = this.controlOut;
    c[0] = starts[OFFSET] + starts[DEPTH] * s[S_START];
    c[1] = ends[OFFSET] + ends[DEPTH] * s[S_END];
    let next = phase + rate * len;
    if (next >= 1) {
      next -= Math.floor(next);
      this.#prng.fillBipolar(s, S_HELD, S_HELD + 1);
    }
    s[S_PHASE] = next;
  }

  stateArrays(): readonly StateArray[] {
    return [this.#s, this.#prng.state];
  }
}

/**
 * The `lfo` module type: control output `out`; parameters `rate`
 * (0.01–100 Hz, default 1; aliases `freq`, `frequency`), `depth`
 * (0–20000, default 1, smoothed), `offset` (−20000–20000, default 0,
 * smoothed), `shape` (0 sine, 1 triangle, 2 square, 3 saw, 4 random
 * sample-and-hold).
 *
 * @example A sine LFO starts at its offset
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { LFO_MODULE } from "./lfo_module.ts";
 *
 * const lfo = LFO_MODULE.create("l", { sampleRate: 1000, blockSize: 32, channels: 1, rampFrames: 0, seed: 1 });
 * lfo.params.set(2, 100); // offset
 * lfo.params.prepare(32);
 * lfo.process(0, 32, 32);
 * equal(lfo.controlOut[0], 100);
 * ```
 */
export const LFO_MODULE: ModuleDef = {
  type: "lfo",
  description: "Low-frequency oscillator modulating any parameter",
  inputs: [],
  outputs: [],
  controls: ["out"],
  params: [
    {
      name: "rate",
      min: 0.01,
      max: 100,
      default: 1,
      unit: "Hz",
      aliases: ["freq", "frequency"],
    },
    { name: "depth", min: 0, max: 20000, default: 1, smooth: true },
    { name: "offset", min: -20000, max: 20000, default: 0, smooth: true },
    { name: "shape", min: 0, max: 4, default: 0, integer: true },
  ],
  create: (id, context) => new LfoModule(id, context),
};
