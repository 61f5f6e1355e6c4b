/**
 * Folds the statuses of several targets into the status of one check.
 *
 * @module
 */

import type { CheckStatus } from "../types.ts";

const RANK: Record<CheckStatus, number> = { skip: 0, ok: 1, warn: 2, fail: 3 };

/**
 * The worst of `statuses` ("fail" over "warn" over "ok"); "ok" when there
 * are none or all are "skip".
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { worstStatus } from "./worst_status.ts";
 * equal(worstStatus(["ok", "warn", "ok"]), "warn");
 * equal(worstStatus(["warn", "fail"]), "fail");
 * equal(worstStatus([]), "ok");
 * ```
 */
export function worstStatus(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>(
    (a, b) => RANK[b] > RANK[a] ? b : a,
    "ok",
  );
}
