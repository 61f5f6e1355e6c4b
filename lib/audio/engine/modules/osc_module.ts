/**
 * `osc`: one oscillator — sine, band-limited saw, square (pulse width `pw`)
 * and triangle, white and pink noise from its own seeded generator — with a
 * smoothed frequency and amplitude. The frequency is held over each segment
 * (at most 32 frames); the amplitude is interpolated per sample.
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
  PINK_STATE,
  pinkFilter,
  renderWave,
  WAVE_MAX,
  WAVE_PINK,
  WAVE_STATE,
  WAVE_WHITE,
} from "../oscillator.ts";
import type { ParamSpec } from "../param_spec.ts";
import { Prng } from "../prng.ts";

/**
 * The tone parameters shared by `osc` and `poly`, after `wave`: `freq`
 * (0.1–20000 Hz, smoothed, alias `frequency`), `amp` (0–1, smoothed, alias
 * `gain`) and `pw` (pulse width 0.01–0.99, smoothed).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TONE_PARAMS } from "./osc_module.ts";
 *
 * equal(TONE_PARAMS.map((p) => p.name).join(), "freq,amp,pw");
 * ```
 */
export const TONE_PARAMS: readonly ParamSpec[] = [
  {
    name: "freq",
    min: 0.1,
    max: 20000,
    default: 440,
    smooth: true,
    unit: "Hz",
    aliases: ["frequency"],
  },
  {
    name: "amp",
    min: 0,
    max: 1,
    default: 0.5,
    smooth: true,
    aliases: ["gain"],
  },
  { name: "pw", min: 0.01, max: 0.99, default: 0.5, smooth: true },
];

const WAVE = 0;
const FREQ = 1;
const AMP = 2;
const PW = 3;

/** State: phase, phase increment, pulse width, then the pink filter. */
const S_PHASE = 0;
const S_DT = 1;
const S_PW = 2;
const S_PINK = WAVE_STATE;
/** The highest phase increment: 0.45 × the sample rate. */
const MAX_DT = 0.45;

class OscModule extends EngineModule {
  readonly #s = new Float64Array(WAVE_STATE + PINK_STATE);
  readonly #prng: Prng;

  constructor(id: string, context: ModuleContext) {
    super(id, OSC_MODULE, context);
    this.#prng = new Prng(context.seed);
  }

  process(start: number, end: number, span: number): void {
    const out = this.outputs[0];
    const starts = this.params.starts;
    const wave = starts[WAVE];
    const s = this.#s;
    if (wave === WAVE_WHITE || wave === WAVE_PINK) {
      this.#prng.fillBipolar(out, start, end);
      if (wave === WAVE_PINK) pinkFilter(out, start, end, s, S_PINK);
    } else {
      const dt = starts[FREQ] / this.sampleRate;
      s[S_DT] = dt > MAX_DT ? MAX_DT : dt;
      s[S_PW] = starts[PW];
      renderWave(out, start, end, wave, s, S_PHASE);
    }
    const a0 = starts[AMP];
    const da = (this.params.ends[AMP] - a0) / span;
    for (let i = start; i < end; i++) out[i] *= a0 + da * (i - start);
  }

  stateArrays(): readonly StateArray[] {
    return [this.#s, this.#prng.state];
  }
}

/**
 * The `osc` module type (alias types `simple_sine`, `sine`): output `out`;
 * parameters `wave` (0 sine, 1 saw, 2 square, 3 triangle, 4 white noise,
 * 5 pink noise; default 0), `freq` (0.1–20000 Hz, default 440, smoothed;
 * alias `frequency`), `amp` (0–1, default 0.5, smoothed; alias `gain`),
 * `pw` (pulse width 0.01–0.99, default 0.5, smoothed).
 *
 * @example A sine starts at zero phase
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { OSC_MODULE } from "./osc_module.ts";
 *
 * const osc = OSC_MODULE.create("o", { sampleRate: 8000, blockSize: 4, channels: 1, rampFrames: 0, seed: 1 });
 * osc.params.set(1, 2000); // a quarter of the rate: 0, 1, 0, -1
 * osc.params.set(2, 1);
 * osc.params.prepare(4);
 * osc.process(0, 4, 4);
 * equal(Math.round(osc.outputs[0][1] * 1000) / 1000, 1);
 * ```
 */
export const OSC_MODULE: ModuleDef = {
  type: "osc",
  description:
    "Oscillator: sine, band-limited saw/square/triangle, white and pink noise",
  inputs: [],
  outputs: ["out"],
  controls: [],
  params: [
    { name: "wave", min: 0, max: WAVE_MAX, default: 0, integer: true },
    ...TONE_PARAMS,
  ],
  create: (id, context) => new OscModule(id, context),
};
