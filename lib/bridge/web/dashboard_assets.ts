/**
 * The files of the bridge dashboard, embedded in the program as text
 * imports (inlined by `deno bundle` and `deno compile`, so nothing is read
 * from disk at run time). The page is served under `/dashboard/`.
 *
 * @module
 */

import { MemorySource } from "../../core/http/memory_source.ts";
import page from "./dashboard.html" with { type: "text" };
import style from "./dashboard.css" with { type: "text" };
import script from "./dashboard.js" with { type: "text" };
import format from "./dashboard_format.js" with { type: "text" };
import icon from "./favicon.svg" with { type: "text" };

/**
 * The file names of the dashboard (under `/dashboard/`); `index.html` is
 * the page.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BRIDGE_DASHBOARD_FILES } from "./dashboard_assets.ts";
 *
 * equal(BRIDGE_DASHBOARD_FILES.includes("dashboard.js"), true);
 * ```
 */
export const BRIDGE_DASHBOARD_FILES: readonly string[] = Object.freeze([
  "index.html",
  "dashboard.css",
  "dashboard.js",
  "dashboard_format.js",
  "favicon.svg",
]);

/**
 * A {@link MemorySource} holding the dashboard's files.
 *
 * @returns The source.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { bridgeDashboardSource } from "./dashboard_assets.ts";
 *
 * equal(bridgeDashboardSource().paths.length, 5);
 * ```
 */
export function bridgeDashboardSource(): MemorySource {
  return new MemorySource({
    "index.html": page,
    "dashboard.css": style,
    "dashboard.js": script,
    "dashboard_format.js": format,
    "favicon.svg": icon,
  });
}
