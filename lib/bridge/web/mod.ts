/**
 * lib/bridge/web: the bridge dashboard's page (sources, channels, live
 * sessions with a kill button, log), embedded in the program and served
 * by `BridgeApi` under `/dashboard/`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { bridgeDashboardSource } from "./mod.ts";
 *
 * equal(bridgeDashboardSource().paths.includes("index.html"), true);
 * ```
 *
 * @module
 */

export * from "./dashboard_assets.ts";
