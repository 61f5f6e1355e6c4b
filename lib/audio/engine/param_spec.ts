/**
 * Parameter specifications of engine modules: name, range, default, whether
 * the value is an integer, whether changes are smoothed and whether an LFO
 * may modulate it; plus the lookup (names and aliases such as Music
 * Chronus's `frequency → freq`, `resonance → q`, audio-engine.md §3) and the
 * range check every set goes through.
 *
 * @module
 */

/**
 * The specification of one module parameter.
 *
 * @example A cutoff frequency
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ParamSpec } from "./param_spec.ts";
 *
 * const cutoff: ParamSpec = { name: "cutoff", min: 10, max: 20000, default: 1000, smooth: true };
 * equal(cutoff.default, 1000);
 * ```
 */
export interface ParamSpec {
  /** The name used in `/mod/<id>/<name>` and in patch connections. */
  readonly name: string;
  /** The smallest accepted value. */
  readonly min: number;
  /** The largest accepted value. */
  readonly max: number;
  /** The value of a new module. */
  readonly default: number;
  /** Only integers are accepted (modes, wave shapes, counts). */
  readonly integer?: boolean;
  /** Changes ramp linearly over the engine's smoothing time (5 ms). */
  readonly smooth?: boolean;
  /**
   * Whether an LFO may be connected to it (default true). Structural
   * parameters (a voice count, a gate) are not.
   */
  readonly modulatable?: boolean;
  /** Other accepted names. */
  readonly aliases?: readonly string[];
  /** The unit, for listings (`Hz`, `s`). */
  readonly unit?: string;
}

/**
 * Finds a parameter by name or alias.
 *
 * @param params The parameters of a module type.
 * @param name The name or alias to look for.
 * @returns The index in `params`, or −1.
 *
 * @example Looking up an alias
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { findParam, type ParamSpec } from "./param_spec.ts";
 *
 * const params: ParamSpec[] = [{ name: "q", min: 0.1, max: 20, default: 0.707, aliases: ["resonance"] }];
 * equal(findParam(params, "resonance"), 0);
 * equal(findParam(params, "gain"), -1);
 * ```
 */
export function findParam(params: readonly ParamSpec[], name: string): number {
  for (let i = 0; i < params.length; i++) {
    if (params[i].name === name) return i;
  }
  for (let i = 0; i < params.length; i++) {
    const aliases = params[i].aliases;
    if (aliases !== undefined && aliases.includes(name)) return i;
  }
  return -1;
}

/**
 * Checks a value against a parameter's range.
 *
 * @param moduleId The module's id, for the message.
 * @param moduleType The module's type, for the message.
 * @param spec The parameter.
 * @param value The value to check.
 * @returns `value`, when it is accepted.
 * @throws {RangeError} If `value` is not finite, outside `[min, max]`, or
 * not an integer for an integer parameter. The message names the module,
 * the parameter, the range and the value.
 *
 * @example A value out of range
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { checkParamValue, type ParamSpec } from "./param_spec.ts";
 *
 * const q: ParamSpec = { name: "q", min: 0.1, max: 20, default: 0.707 };
 * equal(checkParamValue("filter1", "filter", q, 2), 2);
 * throws(() => checkParamValue("filter1", "filter", q, 50), {
 *   name: "RangeError",
 *   message: "Expected parameter q of module filter1 (filter) in [0.1, 20] but found 50",
 * });
 * ```
 */
export function checkParamValue(
  moduleId: string,
  moduleType: string,
  spec: ParamSpec,
  value: number,
): number {
  const integer = spec.integer === true;
  if (
    typeof value !== "number" || !Number.isFinite(value) ||
    value < spec.min || value > spec.max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new RangeError(
      `Expected parameter ${spec.name} of module ${moduleId} (${moduleType}) ${
        integer ? "to be an integer " : ""
      }in [${spec.min}, ${spec.max}] but found ${value}`,
    );
  }
  return value;
}
