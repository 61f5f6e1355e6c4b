/**
 * `delay`: a feedback delay line with a bounded maximum time
 * ({@linkcode MAX_DELAY_SECONDS}), preallocated at creation. The delay time
 * is smoothed and interpolated per sample (linear interpolation between
 * taps), so changing it glides instead of clicking. The line stores
 * float32 samples; it is part of the module state.
 *
 * @module
 */

import {
  EngineModule,
  type ModuleContext,
  type ModuleDef,
  type StateArray,
} from "../module.ts";

/**
 * The longest delay time, in seconds; the line holds this much audio.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_DELAY_SECONDS } from "./delay_module.ts";
 *
 * equal(MAX_DELAY_SECONDS, 2);
 * ```
 */
export const MAX_DELAY_SECONDS = 2;

const TIME = 0;
const FEEDBACK = 1;
const MIX = 2;

class DelayModule extends EngineModule {
  readonly #line: Float32Array;
  /** State: the write index. */
  readonly #s = new Float64Array(1);

  constructor(id: string, context: ModuleContext) {
    super(id, DELAY_MODULE, context);
    this.#line = new Float32Array(
      Math.ceil(MAX_DELAY_SECONDS * context.sampleRate) + 4,
    );
  }

  process(start: number, end: number, span: number): void {
    const starts = this.params.starts;
    const ends = this.params.ends;
    const len = end - start;
    const input = this.inputs[0];
    const out = this.outputs[0];
    const line = this.#line;
    const size = line.length;
    const maxDelay = size - 2;
    const sr = this.sampleRate;
    const t0 = starts[TIME] * sr;
    const dt = (ends[TIME] * sr - t0) / span;
    const f0 = starts[FEEDBACK];
    const df = (ends[FEEDBACK] - f0) / span;
    const m0 = starts[MIX];
    const dm = (ends[MIX] - m0) / span;
    let w = this.#s[0];
    for (let i = 0; i < len; i++) {
      const x = input === null ? 0 : input[start + i];
      let d = t0 + dt * i;
      if (d < 1) d = 1;
      else if (d > maxDelay) d = maxDelay;
      let r = w - d;
      if (r < 0) r += size;
      const r0 = Math.floor(r);
      const frac = r - r0;
      const r1 = r0 + 1 === size ? 0 : r0 + 1;
      const wet = line[r0] + (line[r1] - line[r0]) * frac;
      const mix = m0 + dm * i;
      out[start + i] = x * (1 - mix) + wet * mix;
      line[w] = x + (f0 + df * i) * wet;
      w = w + 1 === size ? 0 : w + 1;
    }
    this.#s[0] = w;
  }

  stateArrays(): readonly StateArray[] {
    return [this.#s, this.#line];
  }
}

/**
 * The `delay` module type: `in` → `out`; parameters `time` (0.0001–2 s,
 * default 0.25, smoothed), `feedback` (0–0.95, default 0.3, smoothed),
 * `mix` (dry/wet 0–1, default 0.3, smoothed).
 *
 * @example An impulse comes back after `time`
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DELAY_MODULE } from "./delay_module.ts";
 *
 * const delay = DELAY_MODULE.create("d", { sampleRate: 1000, blockSize: 16, channels: 1, rampFrames: 0, seed: 1 });
 * delay.params.set(0, 0.01); // 10 frames
 * delay.params.set(2, 1); // wet only
 * const input = new Float64Array(16);
 * input[0] = 1;
 * delay.inputs[0] = input;
 * delay.params.prepare(16);
 * delay.process(0, 16, 16);
 * equal(delay.outputs[0][10], 1);
 * ```
 */
export const DELAY_MODULE: ModuleDef = {
  type: "delay",
  description: "Feedback delay line, at most 2 s",
  inputs: ["in"],
  outputs: ["out"],
  controls: [],
  params: [
    {
      name: "time",
      min: 0.0001,
      max: MAX_DELAY_SECONDS,
      default: 0.25,
      smooth: true,
      unit: "s",
    },
    { name: "feedback", min: 0, max: 0.95, default: 0.3, smooth: true },
    { name: "mix", min: 0, max: 1, default: 0.3, smooth: true },
  ],
  create: (id, context) => new DelayModule(id, context),
};
