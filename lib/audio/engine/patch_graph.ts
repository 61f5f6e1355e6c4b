/**
 * Validation and planning of a patch graph: every module type and id is
 * known and unique, every connection joins an audio output to an audio
 * input or a control output to a modulatable parameter, nothing is
 * connected twice, the limits hold, and the graph (audio and control edges
 * together) is acyclic. The processing order comes from Kahn's algorithm,
 * ties broken by module order, so it is the same on every run; it is
 * computed once per commit.
 *
 * @module
 */

import type { ModuleDef } from "./module.ts";
import { findModuleDef } from "./modules/module_registry.ts";
import { checkParamValue, findParam } from "./param_spec.ts";
import { PatchError } from "./patch_error.ts";
import {
  checkModuleId,
  MAX_PATCH_CONNECTIONS,
  MAX_PATCH_MODULES,
  parseEndpoint,
  type PatchConnection,
  type PatchModule,
  type PatchSpec,
} from "./patch_spec.ts";

/**
 * A connection with module and port indices resolved.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ResolvedConnection } from "./patch_graph.ts";
 *
 * const c: ResolvedConnection = { from: 0, fromPort: 0, to: 1, toPort: 0, kind: "audio" };
 * equal(c.kind, "audio");
 * ```
 */
export interface ResolvedConnection {
  /** Index of the source module. */
  readonly from: number;
  /** Index of the source's audio output (audio) or control output. */
  readonly fromPort: number;
  /** Index of the destination module. */
  readonly to: number;
  /** Index of the destination's audio input (audio) or parameter. */
  readonly toPort: number;
  /** `audio`: output to input. `control`: control output to parameter. */
  readonly kind: "audio" | "control";
}

/**
 * A validated patch: the module types, the processing order and the
 * resolved connections.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { planPatch } from "./patch_graph.ts";
 *
 * const plan = planPatch({
 *   modules: [{ id: "out", type: "output" }, { id: "osc1", type: "osc" }],
 *   connections: [{ from: "osc1", to: "out" }],
 * });
 * deepEqual(plan.order, [1, 0]);
 * ```
 */
export interface PatchPlan {
  /** The type of each module, in spec order. */
  readonly defs: readonly ModuleDef[];
  /** Module indices in processing order. */
  readonly order: readonly number[];
  /** The connections, in spec order. */
  readonly connections: readonly ResolvedConnection[];
}

function moduleIndex(
  modules: readonly Pick<PatchModule, "id">[],
  id: string,
): number {
  for (let i = 0; i < modules.length; i++) {
    if (modules[i].id === id) return i;
  }
  return -1;
}

/**
 * Resolves one connection against a list of modules and their types.
 *
 * @param modules The modules (ids), in order.
 * @param defs Their types.
 * @param connection The connection.
 * @returns The resolved connection.
 * @throws {PatchError} For an unknown module or port, or a source and
 * destination of different kinds.
 *
 * @example An LFO to a cutoff
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { resolveConnection } from "./patch_graph.ts";
 * import { findModuleDef } from "./modules/module_registry.ts";
 *
 * const modules = [{ id: "lfo1" }, { id: "filter1" }];
 * const defs = [findModuleDef("lfo")!, findModuleDef("filter")!];
 * const c = resolveConnection(modules, defs, { from: "lfo1", to: "filter1.cutoff" });
 * equal(c.kind, "control");
 * equal(c.toPort, 1);
 * ```
 */
export function resolveConnection(
  modules: readonly Pick<PatchModule, "id">[],
  defs: readonly ModuleDef[],
  connection: PatchConnection,
): ResolvedConnection {
  const source = parseEndpoint(connection.from);
  const dest = parseEndpoint(connection.to);
  const from = moduleIndex(modules, source.module);
  if (from < 0) {
    throw new PatchError(
      "unknown_module",
      `Expected a module of the patch as source but found ${source.module}`,
    );
  }
  const to = moduleIndex(modules, dest.module);
  if (to < 0) {
    throw new PatchError(
      "unknown_module",
      `Expected a module of the patch as destination but found ${dest.module}`,
    );
  }
  const fromDef = defs[from];
  const toDef = defs[to];
  let kind: "audio" | "control";
  let fromPort: number;
  if (source.port === undefined) {
    if (fromDef.outputs.length > 0) {
      kind = "audio";
      fromPort = 0;
    } else if (fromDef.controls.length > 0) {
      kind = "control";
      fromPort = 0;
    } else {
      throw new PatchError(
        "unknown_port",
        `Expected a module with an output as source but found ${source.module} (${fromDef.type}), which has none`,
      );
    }
  } else if ((fromPort = fromDef.outputs.indexOf(source.port)) >= 0) {
    kind = "audio";
  } else if ((fromPort = fromDef.controls.indexOf(source.port)) >= 0) {
    kind = "control";
  } else {
    throw new PatchError(
      "unknown_port",
      `Expected an output of ${source.module} (${fromDef.type}: ${
        [...fromDef.outputs, ...fromDef.controls].join(", ") || "none"
      }) but found ${source.port}`,
    );
  }
  let toPort: number;
  let toKind: "audio" | "control";
  if (dest.port === undefined) {
    if (toDef.inputs.length === 0) {
      throw new PatchError(
        "unknown_port",
        `Expected a module with an audio input as destination but found ${dest.module} (${toDef.type}), which has none`,
      );
    }
    toPort = 0;
    toKind = "audio";
  } else if ((toPort = toDef.inputs.indexOf(dest.port)) >= 0) {
    toKind = "audio";
  } else if ((toPort = findParam(toDef.params, dest.port)) >= 0) {
    toKind = "control";
  } else {
    throw new PatchError(
      "unknown_port",
      `Expected an input or parameter of ${dest.module} (${toDef.type}: ${
        [...toDef.inputs, ...toDef.params.map((p) => p.name)].join(", ") ||
        "none"
      }) but found ${dest.port}`,
    );
  }
  if (kind !== toKind) {
    throw new PatchError(
      "port_type",
      kind === "audio"
        ? `Expected a control output (an LFO) to feed parameter ${dest.module}.${
          toDef.params[toPort].name
        } but found the audio output ${connection.from}`
        : `Expected an audio output to feed audio input ${dest.module}.${
          toDef.inputs[toPort]
        } but found the control output ${connection.from}`,
    );
  }
  if (kind === "control" && toDef.params[toPort].modulatable === false) {
    throw new PatchError(
      "port_type",
      `Expected a modulatable parameter but found ${dest.module}.${
        toDef.params[toPort].name
      }, which is not`,
    );
  }
  return { from, fromPort, to, toPort, kind };
}

/**
 * Finds a cycle among the modules Kahn's algorithm could not order.
 */
function findCycle(
  ids: readonly string[],
  edges: readonly ResolvedConnection[],
  left: readonly boolean[],
): string[] {
  // Follow edges from any remaining module; every remaining module has a
  // remaining predecessor, so walking backwards must repeat a module.
  let node = left.indexOf(true);
  const seen = new Map<number, number>();
  const path: number[] = [];
  while (!seen.has(node)) {
    seen.set(node, path.length);
    path.push(node);
    const edge = edges.find((e) => e.to === node && left[e.from]);
    node = edge === undefined ? node : edge.from;
  }
  const cycle = path.slice(seen.get(node)).reverse();
  // Start at the first module in patch order, for a stable message.
  let first = 0;
  for (let i = 1; i < cycle.length; i++) if (cycle[i] < cycle[first]) first = i;
  const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
  rotated.push(rotated[0]);
  return rotated.map((i) => ids[i]);
}

/**
 * Validates a patch and computes its processing order.
 *
 * @param spec The patch.
 * @returns The plan.
 * @throws {PatchError} For an invalid patch (see {@linkcode PatchError}).
 * @throws {RangeError} For an initial parameter value out of range.
 *
 * @example A cycle is rejected with its path
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { planPatch } from "./patch_graph.ts";
 *
 * throws(
 *   () => planPatch({
 *     modules: [{ id: "a", type: "gain" }, { id: "b", type: "gain" }],
 *     connections: [{ from: "a", to: "b" }, { from: "b", to: "a" }],
 *   }),
 *   { name: "PatchError", message: "Expected an acyclic patch but found the cycle a -> b -> a" },
 * );
 * ```
 */
export function planPatch(spec: PatchSpec): PatchPlan {
  const modules = spec.modules;
  const connections = spec.connections;
  if (modules.length > MAX_PATCH_MODULES) {
    throw new PatchError(
      "limit",
      `Expected at most ${MAX_PATCH_MODULES} modules but found ${modules.length}`,
    );
  }
  if (connections.length > MAX_PATCH_CONNECTIONS) {
    throw new PatchError(
      "limit",
      `Expected at most ${MAX_PATCH_CONNECTIONS} connections but found ${connections.length}`,
    );
  }
  const defs: ModuleDef[] = [];
  for (let i = 0; i < modules.length; i++) {
    const { id, type, params } = modules[i];
    checkModuleId(id);
    if (moduleIndex(modules, id) !== i) {
      throw new PatchError(
        "duplicate_module",
        `Expected unique module ids but found ${id} twice`,
      );
    }
    const def = findModuleDef(type);
    if (def === undefined) {
      throw new PatchError(
        "unknown_type",
        `Expected a module type (osc, poly, adsr, filter, gain, mixer, delay, lfo, output) for ${id} but found ${
          JSON.stringify(type)
        }`,
      );
    }
    if (params !== undefined) {
      for (const name of Object.keys(params)) {
        const index = findParam(def.params, name);
        if (index < 0) {
          throw new PatchError(
            "unknown_param",
            `Expected a parameter of ${id} (${def.type}: ${
              def.params.map((p) => p.name).join(", ")
            }) but found ${name}`,
          );
        }
        checkParamValue(id, def.type, def.params[index], params[name]);
      }
    }
    defs.push(def);
  }
  const resolved: ResolvedConnection[] = [];
  for (const connection of connections) {
    const c = resolveConnection(modules, defs, connection);
    for (const other of resolved) {
      if (
        other.from === c.from && other.fromPort === c.fromPort &&
        other.to === c.to && other.toPort === c.toPort &&
        other.kind === c.kind
      ) {
        throw new PatchError(
          "duplicate_connection",
          `Expected each connection once but found ${connection.from} -> ${connection.to} twice`,
        );
      }
    }
    resolved.push(c);
  }
  // Kahn's algorithm, always taking the lowest-index ready module.
  const n = modules.length;
  const indegree = new Array<number>(n).fill(0);
  for (const c of resolved) indegree[c.to]++;
  const left = new Array<boolean>(n).fill(true);
  const order: number[] = [];
  while (order.length < n) {
    let next = -1;
    for (let i = 0; i < n; i++) {
      if (left[i] && indegree[i] === 0) {
        next = i;
        break;
      }
    }
    if (next < 0) {
      const cycle = findCycle(modules.map((m) => m.id), resolved, left);
      throw new PatchError(
        "cycle",
        `Expected an acyclic patch but found the cycle ${cycle.join(" -> ")}`,
      );
    }
    left[next] = false;
    order.push(next);
    for (const c of resolved) if (c.from === next) indegree[c.to]--;
  }
  return { defs, order, connections: resolved };
}
