/**
 * shack as a library: the shared core and, as they land, each service's
 * library (`YsfReflector`, `SdrServer`, …) so they can be driven without the
 * CLI.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ExitCode, Shutdown } from "./mod.ts";
 * const shutdown = new Shutdown({ exit: () => {} });
 * const result = await shutdown.trigger("SIGTERM");
 * equal(result.exitCode, ExitCode.Ok);
 * ```
 *
 * @module
 */

export * from "./lib/core/mod.ts";
export * from "./lib/doctor/mod.ts";
export {
  loadShackConfig,
  type ShackConfig,
  shackConfigSchema,
} from "./lib/config.ts";
export { VERSION } from "./lib/version.ts";
/** The YSF codec and packet layer (`ysf.parsePacket`, `ysf.decodeFich`, …). */
export * as ysf from "./lib/ysf/mod.ts";
