/**
 * The module types the engine knows, by name, and the Music Chronus type
 * names accepted as aliases (`simple_sine`, `biquad_filter`; audio-engine.md
 * §3). SuperCollider's `/d_recv` (compiled SynthDefs) has no equivalent
 * here: a "synth definition" is a `poly` module of the patch.
 *
 * @module
 */

import type { ModuleDef } from "../module.ts";
import { ADSR_MODULE } from "./adsr_module.ts";
import { DELAY_MODULE } from "./delay_module.ts";
import { FILTER_MODULE } from "./filter_module.ts";
import { GAIN_MODULE } from "./gain_module.ts";
import { LFO_MODULE } from "./lfo_module.ts";
import { MIXER_MODULE } from "./mixer_module.ts";
import { OSC_MODULE } from "./osc_module.ts";
import { OUTPUT_MODULE } from "./output_module.ts";
import { POLY_MODULE } from "./poly_module.ts";

/**
 * Every module type, in listing order.
 *
 * @example Usage
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { MODULE_DEFS } from "./module_registry.ts";
 *
 * ok(MODULE_DEFS.some((def) => def.type === "poly"));
 * ```
 */
export const MODULE_DEFS: readonly ModuleDef[] = [
  OSC_MODULE,
  POLY_MODULE,
  ADSR_MODULE,
  FILTER_MODULE,
  GAIN_MODULE,
  MIXER_MODULE,
  DELAY_MODULE,
  LFO_MODULE,
  OUTPUT_MODULE,
];

/**
 * Alias type names and the type they stand for.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MODULE_TYPE_ALIASES } from "./module_registry.ts";
 *
 * equal(MODULE_TYPE_ALIASES.biquad_filter, "filter");
 * ```
 */
export const MODULE_TYPE_ALIASES: Readonly<Record<string, string>> = {
  simple_sine: "osc",
  sine: "osc",
  biquad_filter: "filter",
  voice: "poly",
  out: "output",
};

/**
 * Finds a module type by name or alias.
 *
 * @param type The type name.
 * @returns The definition, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { findModuleDef } from "./module_registry.ts";
 *
 * equal(findModuleDef("simple_sine")?.type, "osc");
 * equal(findModuleDef("reverb"), undefined);
 * ```
 */
export function findModuleDef(type: string): ModuleDef | undefined {
  const name = Object.hasOwn(MODULE_TYPE_ALIASES, type)
    ? MODULE_TYPE_ALIASES[type]
    : type;
  for (const def of MODULE_DEFS) {
    if (def.type === name) return def;
  }
  return undefined;
}
