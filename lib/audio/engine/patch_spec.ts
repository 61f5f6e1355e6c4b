/**
 * A patch as plain data — modules (id, type, initial parameters) and
 * connections between `module.port` endpoints — and the rules for ids and
 * endpoints. An endpoint without a port means the module's first audio
 * output (or first control output) as a source, and its first audio input
 * as a destination; `filter1.cutoff` names a parameter, which only a
 * control output (an LFO) may feed.
 *
 * @module
 */

import { PatchError } from "./patch_error.ts";

/**
 * The most modules in a patch.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_PATCH_MODULES } from "./patch_spec.ts";
 *
 * equal(MAX_PATCH_MODULES, 64);
 * ```
 */
export const MAX_PATCH_MODULES = 64;

/**
 * The most connections in a patch.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_PATCH_CONNECTIONS } from "./patch_spec.ts";
 *
 * equal(MAX_PATCH_CONNECTIONS, 256);
 * ```
 */
export const MAX_PATCH_CONNECTIONS = 256;

/**
 * One module of a patch.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PatchModule } from "./patch_spec.ts";
 *
 * const filter: PatchModule = { id: "filter1", type: "filter", params: { cutoff: 1200 } };
 * equal(filter.params?.cutoff, 1200);
 * ```
 */
export interface PatchModule {
  /** The id: 1–32 characters among `A–Z a–z 0–9 _`. */
  readonly id: string;
  /** The module type (see `MODULE_DEFS`). */
  readonly type: string;
  /** Initial parameter values, applied without smoothing. */
  readonly params?: Readonly<Record<string, number>>;
}

/**
 * One connection, from a source endpoint to a destination endpoint.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PatchConnection } from "./patch_spec.ts";
 *
 * const wobble: PatchConnection = { from: "lfo1", to: "filter1.cutoff" };
 * equal(wobble.to, "filter1.cutoff");
 * ```
 */
export interface PatchConnection {
  /** `module` or `module.port`. */
  readonly from: string;
  /** `module`, `module.port` or `module.param`. */
  readonly to: string;
}

/**
 * A whole patch.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PatchSpec } from "./patch_spec.ts";
 *
 * const patch: PatchSpec = {
 *   modules: [{ id: "osc1", type: "osc" }, { id: "out", type: "output" }],
 *   connections: [{ from: "osc1", to: "out" }],
 * };
 * equal(patch.modules.length, 2);
 * ```
 */
export interface PatchSpec {
  /** The modules, in order (ties of the processing order follow it). */
  readonly modules: readonly PatchModule[];
  /** The connections. */
  readonly connections: readonly PatchConnection[];
}

/**
 * A parsed endpoint.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Endpoint } from "./patch_spec.ts";
 *
 * const endpoint: Endpoint = { module: "filter1", port: "cutoff" };
 * equal(endpoint.port, "cutoff");
 * ```
 */
export interface Endpoint {
  /** The module id. */
  readonly module: string;
  /** The port or parameter name, or `undefined` for the default port. */
  readonly port: string | undefined;
}

const ID_PATTERN = /^[A-Za-z0-9_]{1,32}$/;
const PORT_PATTERN = /^[A-Za-z0-9_]{1,32}$/;

/**
 * Checks a module id.
 *
 * @param id The id.
 * @returns `id`, when valid.
 * @throws {PatchError} (`invalid_id`) unless it has 1–32 characters among
 * `A–Z a–z 0–9 _`.
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { checkModuleId } from "./patch_spec.ts";
 * import { PatchError } from "./patch_error.ts";
 *
 * equal(checkModuleId("123"), "123");
 * throws(() => checkModuleId("a.b"), PatchError);
 * ```
 */
export function checkModuleId(id: string): string {
  if (typeof id !== "string" || !ID_PATTERN.test(id)) {
    throw new PatchError(
      "invalid_id",
      `Expected a module id of 1-32 characters among A-Z a-z 0-9 _ but found ${
        JSON.stringify(id)
      }`,
    );
  }
  return id;
}

/**
 * Parses `module` or `module.port`.
 *
 * @param text The endpoint.
 * @returns The module id and port.
 * @throws {PatchError} (`invalid_id`) for a malformed endpoint.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseEndpoint } from "./patch_spec.ts";
 *
 * deepEqual(parseEndpoint("lfo1"), { module: "lfo1", port: undefined });
 * deepEqual(parseEndpoint("filter1.cutoff"), { module: "filter1", port: "cutoff" });
 * ```
 */
export function parseEndpoint(text: string): Endpoint {
  if (typeof text !== "string") {
    throw new PatchError(
      "invalid_id",
      `Expected an endpoint string but found ${typeof text}`,
    );
  }
  const dot = text.indexOf(".");
  if (dot < 0) return { module: checkModuleId(text), port: undefined };
  const module = text.slice(0, dot);
  const port = text.slice(dot + 1);
  checkModuleId(module);
  if (!PORT_PATTERN.test(port)) {
    throw new PatchError(
      "invalid_id",
      `Expected an endpoint "module" or "module.port" but found ${
        JSON.stringify(text)
      }`,
    );
  }
  return { module, port };
}
