/**
 * `adsr`: a linear ADSR envelope that multiplies its input (Music Chronus's
 * chain `sine → adsr → filter`). With nothing connected to `in` it outputs
 * the envelope itself. The gate is the parameter `gate` (set by
 * `/gate/<id> 1|0` or `/mod/<id>/gate`): setting 1 (re)starts the attack
 * from the current level at the command's frame, 0 starts the release.
 *
 * @module
 */

import {
  EngineModule,
  type ModuleContext,
  type ModuleDef,
  type StateArray,
} from "../module.ts";
import { ENV_STATE, envGateOff, envGateOn, envRender } from "../envelope.ts";
import type { ParamSpec } from "../param_spec.ts";

const ATTACK = 0;
const RELEASE = 3;
const GATE = 4;

/**
 * The envelope parameters shared by `adsr` and `poly`: `attack`, `decay`,
 * `release` (0–10 s) and `sustain` (0–1, smoothed).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ENVELOPE_PARAMS } from "./adsr_module.ts";
 *
 * equal(ENVELOPE_PARAMS.map((p) => p.name).join(), "attack,decay,sustain,release");
 * ```
 */
export const ENVELOPE_PARAMS: readonly ParamSpec[] = [
  { name: "attack", min: 0, max: 10, default: 0.01, unit: "s" },
  { name: "decay", min: 0, max: 10, default: 0.1, unit: "s" },
  { name: "sustain", min: 0, max: 1, default: 0.7, smooth: true },
  { name: "release", min: 0, max: 10, default: 0.2, unit: "s" },
];

/**
 * The gate parameter of `adsr` and `poly` (0 or 1, not modulatable).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { GATE_PARAM } from "./adsr_module.ts";
 *
 * equal(GATE_PARAM.modulatable, false);
 * ```
 */
export const GATE_PARAM: ParamSpec = {
  name: "gate",
  min: 0,
  max: 1,
  default: 0,
  integer: true,
  modulatable: false,
};

class AdsrModule extends EngineModule {
  readonly #env = new Float64Array(ENV_STATE);

  constructor(id: string, context: ModuleContext) {
    super(id, ADSR_MODULE, context);
  }

  override paramChanged(index: number): void {
    if (index !== GATE) return;
    if (this.params.value(GATE) >= 1) envGateOn(this.#env, 0);
    else {
      envGateOff(
        this.#env,
        0,
        Math.round(this.params.value(RELEASE) * this.sampleRate),
      );
    }
  }

  process(start: number, end: number): void {
    const input = this.inputs[0];
    const out = this.outputs[0];
    envRender(
      this.#env,
      0,
      out,
      start,
      end,
      this.params.starts,
      ATTACK,
      this.sampleRate,
    );
    if (input !== null) {
      for (let i = start; i < end; i++) {
        out[i] *= input[i];
      }
    }
  }

  stateArrays(): readonly StateArray[] {
    return [this.#env];
  }
}

/**
 * The `adsr` module type: `in` → `out`; parameters `attack`, `decay`,
 * `sustain`, `release` (see {@linkcode ENVELOPE_PARAMS}) and `gate`.
 *
 * @example The envelope rises from the gate's frame
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { ADSR_MODULE } from "./adsr_module.ts";
 *
 * const adsr = ADSR_MODULE.create("env", { sampleRate: 1000, blockSize: 8, channels: 1, rampFrames: 0, seed: 1 });
 * adsr.params.prepare(4);
 * adsr.process(0, 4, 4);
 * equal(adsr.outputs[0][3], 0);
 * adsr.params.set(4, 1);
 * adsr.paramChanged(4);
 * adsr.params.prepare(4);
 * adsr.process(4, 8, 4);
 * ok(adsr.outputs[0][4] > 0);
 * ```
 */
export const ADSR_MODULE: ModuleDef = {
  type: "adsr",
  description: "Linear ADSR envelope; multiplies `in`, or outputs itself",
  inputs: ["in"],
  outputs: ["out"],
  controls: [],
  params: [...ENVELOPE_PARAMS, GATE_PARAM],
  create: (id, context) => new AdsrModule(id, context),
};
