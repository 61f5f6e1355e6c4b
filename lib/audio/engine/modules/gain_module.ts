/**
 * `gain`: multiplies its input by a smoothed gain, interpolated per sample
 * across each segment so changes and LFO modulation (tremolo) do not step.
 *
 * @module
 */

import {
  EngineModule,
  type ModuleContext,
  type ModuleDef,
  type StateArray,
} from "../module.ts";

const GAIN = 0;

class GainModule extends EngineModule {
  constructor(id: string, context: ModuleContext) {
    super(id, GAIN_MODULE, context);
  }

  process(start: number, end: number, span: number): void {
    const input = this.inputs[0];
    const out = this.outputs[0];
    if (input === null) {
      out.fill(0, start, end);
      return;
    }
    const g0 = this.params.starts[GAIN];
    const dg = (this.params.ends[GAIN] - g0) / span;
    for (let i = start; i < end; i++) {
      out[i] = input[i] * (g0 + dg * (i - start));
    }
  }

  stateArrays(): readonly StateArray[] {
    return [];
  }
}

/**
 * The `gain` module type: `in` → `out`, parameter `gain` (0–4, default 1,
 * smoothed; aliases `amp`, `level`).
 *
 * @example Halving a signal
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { GAIN_MODULE } from "./gain_module.ts";
 *
 * const gain = GAIN_MODULE.create("g", { sampleRate: 8000, blockSize: 4, channels: 1, rampFrames: 0, seed: 1 });
 * gain.params.set(0, 0.5);
 * gain.inputs[0] = new Float64Array([1, 1, 1, 1]);
 * gain.params.prepare(4);
 * gain.process(0, 4, 4);
 * equal(gain.outputs[0][3], 0.5);
 * ```
 */
export const GAIN_MODULE: ModuleDef = {
  type: "gain",
  description: "Multiplies its input by a smoothed gain",
  inputs: ["in"],
  outputs: ["out"],
  controls: [],
  params: [{
    name: "gain",
    min: 0,
    max: 4,
    default: 1,
    smooth: true,
    aliases: ["amp", "level"],
  }],
  create: (id, context) => new GainModule(id, context),
};
