/**
 * `shack doctor` as a library: checks, the concurrent runner and renderers.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { runChecks } from "./mod.ts";
 * const report = await runChecks([
 *   { name: "x", description: "x", run: () => ({ status: "fail", summary: "down" }) },
 * ]);
 * equal(report.exitCode, 2);
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./runner.ts";
export * from "./render.ts";
export { defaultChecks } from "./checks/mod.ts";
export {
  compareVersions,
  judgeDenoVersion,
  MIN_DENO_VERSION,
} from "./checks/runtime.ts";
