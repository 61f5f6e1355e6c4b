/**
 * The files of the YSF web dashboard, embedded in the program as text
 * imports (inlined by `deno bundle` and `deno compile`, so nothing is read
 * from disk at run time).
 *
 * @module
 */

import { MemorySource } from "../../core/http/memory_source.ts";
import page from "./dashboard.html" with { type: "text" };
import style from "./dashboard.css" with { type: "text" };
import script from "./dashboard.js" with { type: "text" };
import stateScript from "./dashboard_state.js" with { type: "text" };
import icon from "./favicon.svg" with { type: "text" };

/**
 * The URL paths the dashboard's files answer (relative to where the page
 * is mounted): `/` is the page.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DASHBOARD_PATHS } from "./dashboard_assets.ts";
 *
 * equal(DASHBOARD_PATHS.has("/"), true);
 * ```
 */
export const DASHBOARD_PATHS: ReadonlySet<string> = new Set([
  "/",
  "/index.html",
  "/dashboard.css",
  "/dashboard.js",
  "/dashboard_state.js",
  "/favicon.svg",
]);

/**
 * A {@link MemorySource} holding the dashboard's files (`index.html` is the
 * page).
 *
 * @returns The source.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { dashboardSource } from "./dashboard_assets.ts";
 *
 * equal(dashboardSource().paths.includes("index.html"), true);
 * ```
 */
export function dashboardSource(): MemorySource {
  return new MemorySource({
    "index.html": page,
    "dashboard.css": style,
    "dashboard.js": script,
    "dashboard_state.js": stateScript,
    "favicon.svg": icon,
  });
}
