/**
 * From a {@link YsfServiceConfig} to the options of the reflector state
 * machine ({@link toYsfReflectorOptions}), with the pieces only the I/O
 * layer has (rules read from files, the room database, the clock).
 *
 * @module
 */

import { AccessControl } from "../reflector/acl.ts";
import type { HomeEntry } from "../reflector/home_file.ts";
import type { YsfReflectorOptions } from "../reflector/options.ts";
import type { RoomMemory } from "../reflector/rooms.ts";
import type { YsfServiceConfig } from "./service_config.ts";

/**
 * What {@link toYsfReflectorOptions} adds to the configuration.
 *
 * @example Rules and a clock
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AccessControl } from "../reflector/acl.ts";
 * import type { YsfReflectorRuntime } from "./reflector_options.ts";
 *
 * const runtime: YsfReflectorRuntime = { acl: new AccessControl({ checkRe: 0 }), now: () => 0 };
 * equal(runtime.acl?.checkRe, 0);
 * ```
 */
export interface YsfReflectorRuntime {
  /** The access rules from the rule files (default: no rules, the configured `CheckRE`). */
  acl?: AccessControl;
  /** The home-file entries (default: none). */
  homeEntries?: readonly HomeEntry[];
  /** The room database (default: the reflector's in-memory map). */
  roomMemory?: RoomMemory;
  /** The clock in ms (default: the reflector's, `Date.now`). */
  now?: () => number;
}

/**
 * Builds the options of `YsfReflectorCore` from a configuration: every
 * reflector setting and the runtime pieces. Auxiliary ports are not among
 * them: `YsfServer` binds them and gives each socket its endpoint id (from
 * `config.network.auxPorts`). For a reload (SIGHUP), pass the result
 * without `mode` and `now` to `YsfReflectorCore.reload`.
 *
 * @example Options of a configuration
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadYsfConfig, toYsfReflectorOptions } from "../config.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   await Deno.writeTextFile(
 *     `${dir}/pysfreflector.ini`,
 *     "[Info]\nName=SHACK\n[DGID]\nlist=1,10\naux_port=10:42010\n",
 *   );
 *   const options = toYsfReflectorOptions(await loadYsfConfig(`${dir}/pysfreflector.ini`));
 *   equal("auxPorts" in options, false);
 *   equal(options.acl?.checkRe, 1);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @param config The configuration.
 * @param runtime Rules, home entries, room memory and clock.
 * @returns The reflector options.
 */
export function toYsfReflectorOptions(
  config: YsfServiceConfig,
  runtime: YsfReflectorRuntime = {},
): Omit<YsfReflectorOptions, "auxPorts"> {
  const options: Omit<YsfReflectorOptions, "auxPorts"> = {
    ...config.reflector,
    dgidList: [...config.reflector.dgidList],
    acl: runtime.acl ?? new AccessControl({ checkRe: config.files.checkRe }),
    homeEntries: runtime.homeEntries ?? [],
  };
  if (runtime.roomMemory !== undefined) {
    options.roomMemory = runtime.roomMemory;
  }
  if (runtime.now !== undefined) options.now = runtime.now;
  return options;
}
