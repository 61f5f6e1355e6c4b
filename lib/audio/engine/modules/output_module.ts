/**
 * `output`: where a patch leaves the engine. `in` goes to every channel,
 * `left` to channel 0 and `right` to channel 1 (both to channel 0 when the
 * engine is mono), scaled by a smoothed `level`. The engine sums the
 * channel buffers of every output module into the interleaved block.
 *
 * @module
 */

import {
  EngineModule,
  type ModuleContext,
  type ModuleDef,
  type StateArray,
} from "../module.ts";

const LEVEL = 0;

/**
 * An output module instance: {@linkcode OutputModule.channelBuffers} hold
 * the segment it last rendered, one block-sized buffer per channel.
 *
 * @example Mono input to both channels
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { OUTPUT_MODULE, OutputModule } from "./output_module.ts";
 *
 * const out = OUTPUT_MODULE.create("out", { sampleRate: 8000, blockSize: 2, channels: 2, rampFrames: 0, seed: 1 });
 * out.inputs[0] = new Float64Array([0.25, 0.5]);
 * out.params.prepare(2);
 * out.process(0, 2, 2);
 * equal((out as OutputModule).channelBuffers[1][1], 0.5);
 * ```
 */
export class OutputModule extends EngineModule {
  /** One block-sized buffer per engine channel. */
  readonly channelBuffers: Float64Array[];

  /**
   * Creates the module with one buffer per channel.
   *
   * @param id The instance id.
   * @param context The engine context.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { OutputModule } from "./output_module.ts";
   *
   * const out = new OutputModule("out", { sampleRate: 8000, blockSize: 4, channels: 2, rampFrames: 0, seed: 1 });
   * equal(out.channelBuffers.length, 2);
   * ```
   */
  constructor(id: string, context: ModuleContext) {
    super(id, OUTPUT_MODULE, context);
    this.channelBuffers = [];
    for (let c = 0; c < context.channels; c++) {
      this.channelBuffers.push(new Float64Array(context.blockSize));
    }
  }

  /**
   * Renders `[start, end)` into the channel buffers.
   *
   * @param start The first frame.
   * @param end One past the last frame.
   * @param span Frames from `start` to the next control point (>= the
   * segment length); levels are interpolated towards their value there.
   *
   * @example Silence when nothing is connected
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { OutputModule } from "./output_module.ts";
   *
   * const out = new OutputModule("out", { sampleRate: 8000, blockSize: 2, channels: 1, rampFrames: 0, seed: 1 });
   * out.params.prepare(2);
   * out.process(0, 2, 2);
   * equal(out.channelBuffers[0][0], 0);
   * ```
   */
  process(start: number, end: number, span: number = end - start): void {
    const len = end - start;
    const g0 = this.params.starts[LEVEL];
    const dg = (this.params.ends[LEVEL] - g0) / span;
    const both = this.inputs[0];
    const left = this.inputs[1];
    const right = this.inputs[2];
    const buffers = this.channelBuffers;
    const channels = buffers.length;
    for (let c = 0; c < channels; c++) {
      const buffer = buffers[c];
      const side = c === 0 ? left : c === 1 ? right : null;
      const extra = channels === 1 ? right : null;
      for (let i = 0; i < len; i++) {
        const k = start + i;
        let v = both === null ? 0 : both[k];
        if (side !== null) v += side[k];
        if (extra !== null) v += extra[k];
        buffer[k] = v * (g0 + dg * i);
      }
    }
  }

  /**
   * No state besides the parameters.
   *
   * @returns An empty list.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { OutputModule } from "./output_module.ts";
   *
   * equal(new OutputModule("o", { sampleRate: 8000, blockSize: 2, channels: 1, rampFrames: 0, seed: 1 }).stateArrays().length, 0);
   * ```
   */
  stateArrays(): readonly StateArray[] {
    return [];
  }
}

/**
 * The `output` module type: inputs `in`, `left`, `right`; parameter
 * `level` (0–4, default 1, smoothed; aliases `gain`, `amp`).
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { OUTPUT_MODULE } from "./output_module.ts";
 *
 * deepEqual(OUTPUT_MODULE.inputs, ["in", "left", "right"]);
 * ```
 */
export const OUTPUT_MODULE: ModuleDef = {
  type: "output",
  description: "The engine output: `in` to all channels, `left`, `right`",
  inputs: ["in", "left", "right"],
  outputs: [],
  controls: [],
  params: [{
    name: "level",
    min: 0,
    max: 4,
    default: 1,
    smooth: true,
    aliases: ["gain", "amp"],
  }],
  create: (id, context) => new OutputModule(id, context),
};
