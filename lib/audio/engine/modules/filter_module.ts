/**
 * `filter`: an RBJ biquad (lowpass, highpass, bandpass, notch) with smoothed
 * cutoff and Q. Coefficients are recomputed at the start of a segment only
 * when the effective mode, cutoff or Q changed (a ramp or an LFO), so a
 * static filter costs one multiply-add chain per sample.
 *
 * @module
 */

import {
  EngineModule,
  type ModuleContext,
  type ModuleDef,
  type StateArray,
} from "../module.ts";
import { biquadCoefficients, biquadProcess } from "../biquad.ts";

const MODE = 0;
const CUTOFF = 1;
const Q = 2;

/** State: b0 b1 b2 a1 a2, z1 z2, then the mode, cutoff and Q they are for. */
const S_COEF = 0;
const S_Z = 5;
const S_LAST = 7;

class FilterModule extends EngineModule {
  readonly #s = new Float64Array(10);

  constructor(id: string, context: ModuleContext) {
    super(id, FILTER_MODULE, context);
    this.#s[S_LAST] = -1; // forces the first coefficient computation
  }

  process(start: number, end: number): void {
    const starts = this.params.starts;
    const s = this.#s;
    const mode = starts[MODE];
    const cutoff = starts[CUTOFF];
    const q = starts[Q];
    if (
      mode !== s[S_LAST] || cutoff !== s[S_LAST + 1] || q !== s[S_LAST + 2]
    ) {
      biquadCoefficients(mode, cutoff, q, this.sampleRate, s, S_COEF);
      s[S_LAST] = mode;
      s[S_LAST + 1] = cutoff;
      s[S_LAST + 2] = q;
    }
    biquadProcess(s, S_COEF, S_Z, this.inputs[0], this.outputs[0], start, end);
  }

  stateArrays(): readonly StateArray[] {
    return [this.#s];
  }
}

/**
 * The `filter` module type (alias type `biquad_filter`): `in` → `out`;
 * parameters `mode` (0 lowpass, 1 highpass, 2 bandpass, 3 notch; alias
 * `filter_mode`), `cutoff` (10–20000 Hz, default 1000, smoothed; aliases
 * `freq`, `frequency`), `q` (0.1–20, default 0.707, smoothed; alias
 * `resonance`).
 *
 * @example A lowpass passes DC
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { FILTER_MODULE } from "./filter_module.ts";
 *
 * const filter = FILTER_MODULE.create("f", { sampleRate: 48000, blockSize: 256, channels: 1, rampFrames: 0, seed: 1 });
 * filter.inputs[0] = new Float64Array(256).fill(1);
 * for (let i = 0; i < 20; i++) {
 *   filter.params.prepare(256);
 *   filter.process(0, 256, 256);
 * }
 * ok(Math.abs(filter.outputs[0][255] - 1) < 1e-6);
 * ```
 */
export const FILTER_MODULE: ModuleDef = {
  type: "filter",
  description: "RBJ biquad: lowpass, highpass, bandpass, notch",
  inputs: ["in"],
  outputs: ["out"],
  controls: [],
  params: [
    {
      name: "mode",
      min: 0,
      max: 3,
      default: 0,
      integer: true,
      aliases: ["filter_mode"],
    },
    {
      name: "cutoff",
      min: 10,
      max: 20000,
      default: 1000,
      smooth: true,
      unit: "Hz",
      aliases: ["freq", "frequency"],
    },
    {
      name: "q",
      min: 0.1,
      max: 20,
      default: 0.707,
      smooth: true,
      aliases: ["resonance"],
    },
  ],
  create: (id, context) => new FilterModule(id, context),
};
