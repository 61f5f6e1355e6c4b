/**
 * shack's version, taken from deno.json so the bundle and the binary carry it.
 *
 * @module
 */

import meta from "../deno.json" with { type: "json" };

/**
 * The version of this build of shack.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { VERSION } from "./version.ts";
 * match(VERSION, /^\d+\.\d+\.\d+/);
 * ```
 */
export const VERSION: string = meta.version;
