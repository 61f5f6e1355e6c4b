/**
 * The lineup of `shack bridge serve`: channels built from the entries of
 * several playlists (filters, stable ids, numbering, user mappings that
 * survive refreshes), the in-memory {@linkcode Lineup} that the HTTP side
 * looks channels up in (replaced atomically on refresh), and the
 * {@linkcode RefreshScheduler} that re-reads the sources.
 *
 * @example From a playlist to a lookup
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildLineup, Lineup } from "./mod.ts";
 * import { parseM3u } from "../m3u/mod.ts";
 *
 * const { entries } = parseM3u(
 *   '#EXTINF:-1 tvg-id="cnn" tvg-chno="200",CNN\nhttp://up.example/cnn\n',
 *   { sourceId: "us" },
 * );
 * const lineup = new Lineup();
 * lineup.replace(buildLineup([{ sourceId: "us", entries }]).channels);
 * equal(lineup.byGuideNumber("200")?.name, "CNN");
 * ```
 *
 * @module
 */

export * from "./guide_number.ts";
export * from "./channel_filter.ts";
export * from "./channel_id.ts";
export * from "./channel_mapping.ts";
export * from "./build_lineup.ts";
export * from "./lineup.ts";
export * from "./load_playlists.ts";
export * from "./refresh_scheduler.ts";
