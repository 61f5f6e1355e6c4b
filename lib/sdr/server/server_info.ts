/**
 * `/server-info.json` (PhantomSDR+ v2, sdr-phantomsdr.md §2.1): what the
 * station says about itself to its frontend — `{serverName, location,
 * operators: [{name}], email, chatEnabled}`. PhantomSDR+ builds it by
 * string concatenation without escaping; here it is real JSON.
 *
 * @module
 */

/**
 * The station's description.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrServerInfo } from "./server_info.ts";
 *
 * const info: SdrServerInfo = { serverName: "Shack SDR", location: "JO01", operator: "M0ABC", email: "" };
 * equal(info.location, "JO01");
 * ```
 */
export interface SdrServerInfo {
  /** `[websdr] name`. */
  serverName: string;
  /** Where the receiver is (`[websdr] grid_locator`). */
  location: string;
  /** `[websdr] operator`. */
  operator: string;
  /** `[websdr] email` ("" = none). */
  email: string;
}

/**
 * Builds the `/server-info.json` body.
 *
 * @param info The station's description.
 * @param chatEnabled Whether `/chat` is served.
 * @returns The JSON text.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { buildServerInfoJson } from "./server_info.ts";
 *
 * const json = buildServerInfoJson(
 *   { serverName: 'Shack "SDR"', location: "JO01", operator: "M0ABC", email: "" },
 *   true,
 * );
 * deepEqual(JSON.parse(json), {
 *   serverName: 'Shack "SDR"', location: "JO01", operators: [{ name: "M0ABC" }],
 *   email: "", chatEnabled: true,
 * });
 * ```
 */
export function buildServerInfoJson(
  info: SdrServerInfo,
  chatEnabled: boolean,
): string {
  return JSON.stringify({
    serverName: info.serverName,
    location: info.location,
    operators: [{ name: info.operator }],
    email: info.email,
    chatEnabled,
  });
}
