/**
 * The checks `shack doctor` runs by default.
 *
 * @module
 */

import type { Check } from "../types.ts";
import { configCheck } from "./config.ts";
import { denoVersionCheck, permissionsCheck } from "./runtime.ts";
import { ysfStatusCheck } from "./ysf.ts";

/**
 * Every default check, in report order.
 *
 * @example Usage
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { defaultChecks } from "./mod.ts";
 * ok(defaultChecks().some((c) => c.name === "runtime.deno"));
 * ```
 */
export function defaultChecks(): Check[] {
  return [denoVersionCheck, permissionsCheck, configCheck, ysfStatusCheck];
}
