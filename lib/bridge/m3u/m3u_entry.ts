/**
 * What the M3U parser produces: one {@link M3uEntry} per stream URL, with
 * the attributes of its `#EXTINF` line and the options that preceded it,
 * and the counters and warnings of a parse ({@link M3uParseResult}).
 *
 * @module
 */

/**
 * One playlist entry: a stream URL with what the lines before it said.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { M3uEntry } from "./m3u_entry.ts";
 *
 * const entry: M3uEntry = {
 *   sourceId: "provider",
 *   line: 2,
 *   duration: -1,
 *   name: "CNN",
 *   url: "http://upstream.example/cnn.ts",
 *   attributes: { "tvg-id": "cnn.us" },
 *   tvgId: "cnn.us",
 *   headers: {},
 *   vlcOptions: {},
 *   kodiProps: {},
 * };
 * equal(entry.tvgId, "cnn.us");
 * ```
 */
export interface M3uEntry {
  /** The playlist (source) the entry came from. */
  sourceId: string;
  /** The 1-based line of the entry's `#EXTINF` (or of its URL without one). */
  line: number;
  /** `#EXTINF` duration in seconds, `-1` for live streams or when missing. */
  duration: number;
  /** Display name: the `#EXTINF` name, else `tvg-name`, `tvg-id`, the URL. */
  name: string;
  /** The stream URL, without a Kodi-style `|Header=value` suffix. */
  url: string;
  /** Every `#EXTINF` attribute by lower-cased key. */
  attributes: Record<string, string>;
  /** `tvg-id`. */
  tvgId?: string;
  /** `tvg-name`. */
  tvgName?: string;
  /** `tvg-logo`. */
  tvgLogo?: string;
  /** `tvg-chno` (or `channel-number`), as written. */
  tvgChno?: string;
  /** `group-title`, else the preceding `#EXTGRP`. */
  group?: string;
  /**
   * Request headers for the upstream: `User-Agent`, `Referer` and `Origin`
   * from `#EXTVLCOPT:http-user-agent/http-referrer/http-origin`, Kodi
   * `inputstream.adaptive.*_headers` properties and a `|Key=value` URL
   * suffix (which wins).
   */
  headers: Record<string, string>;
  /** Every `#EXTVLCOPT` option before the URL, by lower-cased key. */
  vlcOptions: Record<string, string>;
  /** Every `#KODIPROP` property before the URL, by lower-cased key. */
  kodiProps: Record<string, string>;
}

/**
 * Counters of one parse.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseM3u } from "./m3u_parser.ts";
 *
 * const { stats } = parseM3u("#EXTM3U\n#EXTINF:-1,A\n", { sourceId: "s" });
 * equal(stats.droppedNoUrl, 1);
 * ```
 */
export interface M3uParseStats {
  /** Lines read, blank ones included. */
  lines: number;
  /** Entries kept. */
  entries: number;
  /** Entries refused by the `filter` option. */
  filtered: number;
  /** Entries dropped because their `#EXTINF` or URL line was too long. */
  droppedOverlong: number;
  /** Entries dropped because `maxEntries` entries were already kept. */
  droppedOverLimit: number;
  /** `#EXTINF` lines not followed by a URL. */
  droppedNoUrl: number;
  /** Warnings not kept in the list because `maxWarnings` were already kept. */
  warningsDropped: number;
}

/**
 * The outcome of a parse.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseM3u } from "./m3u_parser.ts";
 *
 * const result = parseM3u(
 *   '#EXTM3U url-tvg="http://epg.example/g.xml"\n#EXTINF:-1,A\nhttp://a/1.ts\n',
 *   { sourceId: "s" },
 * );
 * equal(result.entries.length, 1);
 * equal(result.header["url-tvg"], "http://epg.example/g.xml");
 * ```
 */
export interface M3uParseResult {
  /** The entries kept, in playlist order. */
  entries: M3uEntry[];
  /** Attributes of the `#EXTM3U` header line (`{}` without one). */
  header: Record<string, string>;
  /** What was read, kept and dropped. */
  stats: M3uParseStats;
  /** Human-readable problems, `line N: ...`, at most `maxWarnings`. */
  warnings: string[];
}
