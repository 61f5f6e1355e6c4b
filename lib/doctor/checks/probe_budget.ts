/**
 * How long a probe inside a check may wait: below the check's own timeout,
 * so the check can still explain a silence (port free or taken) before the
 * runner cuts it off.
 *
 * @module
 */

import type { CheckContext } from "../types.ts";

/**
 * The probe timeout: `max`, or 60 % of the check's budget when that is
 * shorter (never under 100 ms).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { probeBudget } from "./probe_budget.ts";
 * equal(probeBudget({ timeoutMs: 5000 }, 2000), 2000);
 * equal(probeBudget({ timeoutMs: 1000 }, 2000), 600);
 * equal(probeBudget({}, 2000), 2000);
 * ```
 */
export function probeBudget(
  ctx: Pick<CheckContext, "timeoutMs">,
  max: number,
): number {
  const budget = ctx.timeoutMs ?? 5000;
  return Math.max(100, Math.min(max, Math.round(budget * 0.6)));
}
