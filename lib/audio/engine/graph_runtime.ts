/**
 * A patch ready to render: module instances wired to each other (input
 * references, summing buffers for inputs with several sources, modulation
 * routes from control outputs to parameters) and the processing order from
 * {@linkcode planPatch}. Built once per commit (that allocates); rendering a
 * segment allocates nothing.
 *
 * @module
 */

import type { EngineModule } from "./module.ts";
import { OutputModule } from "./modules/output_module.ts";
import { PolyModule } from "./modules/poly_module.ts";
import type { PatchPlan } from "./patch_graph.ts";

interface SumJob {
  readonly buffer: Float64Array;
  readonly sources: readonly Float64Array[];
}

interface ModJob {
  readonly param: number;
  readonly control: Float64Array;
  readonly offset: number;
}

/**
 * Wired modules and their processing order.
 *
 * @example An oscillator into the output
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { CompiledGraph } from "./graph_runtime.ts";
 * import { planPatch } from "./patch_graph.ts";
 *
 * const spec = { modules: [{ id: "osc1", type: "osc" }, { id: "out", type: "output" }], connections: [{ from: "osc1", to: "out" }] };
 * const plan = planPatch(spec);
 * const context = { sampleRate: 8000, blockSize: 32, channels: 1, rampFrames: 0, seed: 1 };
 * const modules = plan.defs.map((def, i) => def.create(spec.modules[i].id, context));
 * const graph = new CompiledGraph(modules, plan);
 * graph.renderSegment(0, 32);
 * ok(graph.outputs[0].channelBuffers[0].some((v) => v !== 0));
 * ```
 */
export class CompiledGraph {
  /** The module instances, in patch order. */
  readonly modules: readonly EngineModule[];
  /** The module instances, in processing order. */
  readonly order: readonly EngineModule[];
  /** The `output` modules, in patch order. */
  readonly outputs: readonly OutputModule[];
  /** The `poly` modules, in patch order. */
  readonly polys: readonly PolyModule[];
  readonly #sums: (readonly SumJob[])[];
  readonly #mods: (readonly ModJob[])[];
  readonly #modParams: Int32Array[];

  /**
   * Wires the instances according to the plan. Inputs and modulation of
   * every instance are reset first, so instances carried over from the
   * previous graph lose their old wiring but keep their state.
   *
   * @param modules The instances, in the plan's module order.
   * @param plan The validated plan.
   * @throws {RangeError} If the instances do not match the plan.
   *
   * @example See {@linkcode CompiledGraph}.
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { CompiledGraph } from "./graph_runtime.ts";
   * import { planPatch } from "./patch_graph.ts";
   *
   * equal(new CompiledGraph([], planPatch({ modules: [], connections: [] })).order.length, 0);
   * ```
   */
  constructor(modules: readonly EngineModule[], plan: PatchPlan) {
    if (modules.length !== plan.defs.length) {
      throw new RangeError(
        `Expected ${plan.defs.length} module instances but found ${modules.length}`,
      );
    }
    for (let i = 0; i < modules.length; i++) {
      if (modules[i].def !== plan.defs[i]) {
        throw new RangeError(
          `Expected module ${modules[i].id} to be of type ${
            plan.defs[i].type
          } but found ${modules[i].def.type}`,
        );
      }
    }
    this.modules = modules;
    this.order = plan.order.map((i) => modules[i]);
    this.outputs = modules.filter((m) => m instanceof OutputModule);
    this.polys = modules.filter((m) => m instanceof PolyModule);
    for (const m of modules) {
      m.inputs.fill(null);
      m.params.clearModulation();
    }
    // Audio inputs: a single source is read in place, several are summed.
    const sumsByModule = new Map<EngineModule, SumJob[]>();
    for (const m of modules) {
      const jobs: SumJob[] = [];
      for (let port = 0; port < m.inputs.length; port++) {
        const sources = plan.connections
          .filter((c) =>
            c.kind === "audio" && modules[c.to] === m && c.toPort === port
          )
          .map((c) => modules[c.from].outputs[c.fromPort]);
        if (sources.length === 1) m.inputs[port] = sources[0];
        else if (sources.length > 1) {
          const buffer = new Float64Array(sources[0].length);
          m.inputs[port] = buffer;
          jobs.push({ buffer, sources });
        }
      }
      sumsByModule.set(m, jobs);
    }
    const modsByModule = new Map<EngineModule, ModJob[]>();
    for (const m of modules) modsByModule.set(m, []);
    for (const c of plan.connections) {
      if (c.kind !== "control") continue;
      modsByModule.get(modules[c.to])!.push({
        param: c.toPort,
        control: modules[c.from].controlOut,
        offset: 2 * c.fromPort,
      });
    }
    this.#sums = this.order.map((m) => sumsByModule.get(m)!);
    this.#mods = this.order.map((m) => modsByModule.get(m)!);
    this.#modParams = this.#mods.map((jobs) =>
      Int32Array.from(new Set(jobs.map((j) => j.param)))
    );
  }

  /**
   * Renders `[start, end)` of the current block through every module in
   * order: sums multi-source inputs, adds the modulation of the segment,
   * processes, then moves parameter ramps on.
   *
   * @param start The first frame within the block.
   * @param end One past the last frame (`end > start`).
   * @param span Frames from `start` to the next control point (default
   * `end − start`); see `EngineModule.process`.
   *
   * @example See {@linkcode CompiledGraph}.
   * ```ts
   * import { CompiledGraph } from "./graph_runtime.ts";
   * import { planPatch } from "./patch_graph.ts";
   *
   * new CompiledGraph([], planPatch({ modules: [], connections: [] })).renderSegment(0, 16);
   * ```
   */
  renderSegment(start: number, end: number, span: number = end - start): void {
    const order = this.order;
    const len = end - start;
    for (let k = 0; k < order.length; k++) {
      const m = order[k];
      const sums = this.#sums[k];
      for (let j = 0; j < sums.length; j++) {
        const { buffer, sources } = sums[j];
        const first = sources[0];
        for (let i = start; i < end; i++) buffer[i] = first[i];
        for (let s = 1; s < sources.length; s++) {
          const source = sources[s];
          for (let i = start; i < end; i++) buffer[i] += source[i];
        }
      }
      const mods = this.#mods[k];
      if (mods.length > 0) {
        const bank = m.params;
        const params = this.#modParams[k];
        for (let j = 0; j < params.length; j++) {
          bank.modStart[params[j]] = 0;
          bank.modEnd[params[j]] = 0;
        }
        for (let j = 0; j < mods.length; j++) {
          const { param, control, offset } = mods[j];
          bank.modStart[param] += control[offset];
          bank.modEnd[param] += control[offset + 1];
        }
      }
      m.params.prepare(span);
      m.process(start, end, span);
      m.params.advance(len);
    }
  }
}
