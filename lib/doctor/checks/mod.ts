/**
 * The checks `shack doctor` runs by default.
 *
 * @module
 */

import type { Check } from "../types.ts";
import { configCheck } from "./config.ts";
import { denoVersionCheck, permissionsCheck } from "./runtime.ts";
import { ysfStatusCheck } from "./ysf.ts";
import {
  audioStatusCheck,
  bridgeStatusCheck,
  sdrStatusCheck,
} from "./http_service.ts";
import { audioOscCheck } from "./audio_osc.ts";
import { toolChecks, type ToolChecksOptions } from "./tools.ts";
import { diskCheck, type DiskCheckOptions } from "./system_disk.ts";
import { memoryCheck, type MemoryCheckOptions } from "./system_memory.ts";
import { pageSizeCheck, type PageSizeCheckOptions } from "./system_pagesize.ts";
import { piCheck, type PiCheckOptions } from "./system_pi.ts";

/** Options of {@link defaultChecks}: what tests replace (paths, command runners). */
export interface DefaultChecksOptions {
  /** `tools.*`. */
  tools?: ToolChecksOptions;
  /** `system.disk`. */
  disk?: DiskCheckOptions;
  /** `system.memory`. */
  memory?: MemoryCheckOptions;
  /** `system.pagesize`. */
  pageSize?: PageSizeCheckOptions;
  /** `system.pi`. */
  pi?: PiCheckOptions;
}

/**
 * Every default check, in report order: runtime, config, services, tools,
 * system.
 *
 * @example Usage
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { defaultChecks } from "./mod.ts";
 * const names = defaultChecks().map((c) => c.name);
 * ok(names.includes("runtime.deno"));
 * ok(names.includes("system.pagesize"));
 * ```
 */
export function defaultChecks(options: DefaultChecksOptions = {}): Check[] {
  return [
    denoVersionCheck,
    permissionsCheck,
    configCheck,
    ysfStatusCheck,
    sdrStatusCheck,
    audioStatusCheck,
    audioOscCheck,
    bridgeStatusCheck,
    ...toolChecks(options.tools),
    diskCheck(options.disk),
    memoryCheck(options.memory),
    pageSizeCheck(options.pageSize),
    piCheck(options.pi),
  ];
}
