/**
 * `mixer`: sums four inputs with smoothed levels and a master level, each
 * interpolated per sample across a segment.
 *
 * @module
 */

import {
  EngineModule,
  type ModuleContext,
  type ModuleDef,
  type StateArray,
} from "../module.ts";
import type { ParamSpec } from "../param_spec.ts";

/** The number of mixer inputs. */
const INPUTS = 4;
const MASTER = INPUTS;

class MixerModule extends EngineModule {
  constructor(id: string, context: ModuleContext) {
    super(id, MIXER_MODULE, context);
  }

  process(start: number, end: number, span: number): void {
    const starts = this.params.starts;
    const ends = this.params.ends;
    const out = this.outputs[0];
    out.fill(0, start, end);
    const m0 = starts[MASTER];
    const m1 = ends[MASTER];
    for (let k = 0; k < INPUTS; k++) {
      const input = this.inputs[k];
      if (input === null) continue;
      const g0 = starts[k] * m0;
      const dg = (ends[k] * m1 - g0) / span;
      for (let i = start; i < end; i++) {
        out[i] += input[i] * (g0 + dg * (i - start));
      }
    }
  }

  stateArrays(): readonly StateArray[] {
    return [];
  }
}

const levels: ParamSpec[] = [];
for (let k = 1; k <= INPUTS; k++) {
  levels.push({ name: `level${k}`, min: 0, max: 4, default: 1, smooth: true });
}
levels.push({
  name: "level",
  min: 0,
  max: 4,
  default: 1,
  smooth: true,
  aliases: ["gain", "amp"],
});

/**
 * The `mixer` module type: inputs `in1`–`in4` → `out`; parameters
 * `level1`–`level4` and master `level` (0–4, default 1, smoothed).
 *
 * @example Two inputs summed
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MIXER_MODULE } from "./mixer_module.ts";
 *
 * const mixer = MIXER_MODULE.create("m", { sampleRate: 8000, blockSize: 2, channels: 1, rampFrames: 0, seed: 1 });
 * mixer.inputs[0] = new Float64Array([1, 1]);
 * mixer.inputs[2] = new Float64Array([0.5, 0.5]);
 * mixer.params.prepare(2);
 * mixer.process(0, 2, 2);
 * equal(mixer.outputs[0][1], 1.5);
 * ```
 */
export const MIXER_MODULE: ModuleDef = {
  type: "mixer",
  description: "Sums four inputs with levels and a master level",
  inputs: ["in1", "in2", "in3", "in4"],
  outputs: ["out"],
  controls: [],
  params: levels,
  create: (id, context) => new MixerModule(id, context),
};
