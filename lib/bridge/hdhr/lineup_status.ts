/**
 * `/lineup_status.json`. An IPTV lineup is always current, so a scan is
 * never in progress; `ScanPossible` is 1 so Plex offers (and accepts) a
 * rescan, which `/lineup.post?scan=start` acknowledges.
 *
 * @module
 */

/**
 * The fields of `/lineup_status.json`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { lineupStatusJson, type LineupStatusJson } from "./lineup_status.ts";
 *
 * const status: LineupStatusJson = lineupStatusJson();
 * equal(status.ScanInProgress, 0);
 * ```
 */
export interface LineupStatusJson {
  ScanInProgress: 0 | 1;
  ScanPossible: 0 | 1;
  Source: string;
  SourceList: string[];
}

/**
 * Builds `/lineup_status.json`.
 *
 * @param source The source name. Default `"Cable"`.
 * @returns The document.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { lineupStatusJson } from "./lineup_status.ts";
 *
 * deepEqual(lineupStatusJson(), {
 *   ScanInProgress: 0,
 *   ScanPossible: 1,
 *   Source: "Cable",
 *   SourceList: ["Cable"],
 * });
 * ```
 */
export function lineupStatusJson(source = "Cable"): LineupStatusJson {
  return {
    ScanInProgress: 0,
    ScanPossible: 1,
    Source: source,
    SourceList: [source],
  };
}
