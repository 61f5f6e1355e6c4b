/**
 * Reading every configured playlist for a refresh: each source is fetched
 * and parsed in turn (one at a time, to keep memory low on a small box),
 * its filter applied while parsing, and a source that fails keeps the
 * entries of its last good read, so one provider being down never empties
 * its part of the lineup.
 *
 * @module
 */

import { fetchPlaylist } from "../m3u/fetch_playlist.ts";
import type { M3uEntry } from "../m3u/m3u_entry.ts";
import { type M3uProgress, parseM3uStream } from "../m3u/m3u_stream.ts";
import type { LineupSource } from "./build_lineup.ts";
import { compileFilter, type LineupFilter } from "./channel_filter.ts";

/**
 * One playlist to read.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PlaylistSource } from "./load_playlists.ts";
 *
 * const source: PlaylistSource = {
 *   sourceId: "uk",
 *   location: "http://iptv.example/get.php?type=m3u_plus",
 *   startNumber: 1000,
 *   filter: { includeGroups: ["UK"] },
 *   headers: { "User-Agent": "VLC/3.0" },
 * };
 * equal(source.startNumber, 1000);
 * ```
 */
export interface PlaylistSource {
  /** The source id (part of every channel id: keep it stable). */
  sourceId: string;
  /** File path or URL. */
  location: string | URL;
  /** Where automatic numbering of this source starts. */
  startNumber?: number;
  /** Which entries become channels (applied while parsing). */
  filter?: LineupFilter;
  /** Request headers for the playlist URL. */
  headers?: Record<string, string>;
  /** Inactivity timeout of the download. Default 60 000 ms. */
  timeoutMs?: number;
  /** Size cap of the playlist. Default 256 MiB. */
  maxBytes?: number;
  /** Entries kept at most. Default 100 000. */
  maxEntries?: number;
}

/**
 * The outcome for one source.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PlaylistLoad } from "./load_playlists.ts";
 *
 * const load: PlaylistLoad = { sourceId: "uk", ok: true, stale: false, entries: [], warnings: [], header: {} };
 * equal(load.ok, true);
 * ```
 */
export interface PlaylistLoad {
  /** The source. */
  sourceId: string;
  /** Whether this read succeeded. */
  ok: boolean;
  /** True when the entries are the previous read's, because this one failed. */
  stale: boolean;
  /** The entries used (fresh, previous, or none). */
  entries: readonly M3uEntry[];
  /** Why the read failed. */
  error?: unknown;
  /** The parser's warnings. */
  warnings: string[];
  /** The playlist's `#EXTM3U` attributes (e.g. `url-tvg`). */
  header: Record<string, string>;
}

/**
 * Options of {@link loadPlaylists}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LoadPlaylistsOptions } from "./load_playlists.ts";
 *
 * const options: LoadPlaylistsOptions = { previous: new Map() };
 * equal(options.previous?.size, 0);
 * ```
 */
export interface LoadPlaylistsOptions {
  /** The entries of the last good read, by source id. */
  previous?: ReadonlyMap<string, readonly M3uEntry[]>;
  /** Stops the refresh (the current download is cancelled). */
  signal?: AbortSignal;
  /** Progress of each source (e.g. for `renderProgress`). */
  onProgress?: (sourceId: string, progress: M3uProgress) => void;
  /** The fetch implementation. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/**
 * Reads every playlist; never rejects because a source failed (only when
 * `signal` aborts).
 *
 * @example A good source and a missing one with a previous read
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { loadPlaylists } from "./load_playlists.ts";
 * import { buildLineup } from "./build_lineup.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".m3u" });
 * try {
 *   await Deno.writeTextFile(path, "#EXTINF:-1,A\nhttp://a/1\n");
 *   const first = await loadPlaylists([{ sourceId: "a", location: path }]);
 *   await Deno.remove(path);
 *   const again = await loadPlaylists([{ sourceId: "a", location: path }], {
 *     previous: new Map([["a", first.loads[0].entries]]),
 *   });
 *   equal(again.loads[0].ok, false);
 *   equal(again.loads[0].stale, true);
 *   deepEqual(buildLineup(again.sources).channels.map((c) => c.name), ["A"]);
 * } finally {
 *   await Deno.remove(path).catch(() => {});
 * }
 * ```
 *
 * @param sources The playlists, in priority order.
 * @param options Previous entries, signal, progress.
 * @returns Inputs for `buildLineup` and the outcome per source.
 * @throws {SyntaxError} If a filter has an invalid regular expression.
 * @throws {DOMException} The signal's reason when it aborts.
 */
export async function loadPlaylists(
  sources: readonly PlaylistSource[],
  options: LoadPlaylistsOptions = {},
): Promise<{ sources: LineupSource[]; loads: PlaylistLoad[] }> {
  const filters = sources.map((source) => compileFilter(source.filter));
  const inputs: LineupSource[] = [];
  const loads: PlaylistLoad[] = [];
  for (const [index, source] of sources.entries()) {
    options.signal?.throwIfAborted();
    let load: PlaylistLoad;
    try {
      const stream = await fetchPlaylist(source.location, {
        signal: options.signal,
        timeoutMs: source.timeoutMs,
        maxBytes: source.maxBytes,
        headers: source.headers,
        fetch: options.fetch,
      });
      const result = await parseM3uStream(stream, {
        sourceId: source.sourceId,
        maxEntries: source.maxEntries,
        filter: filters[index],
        signal: options.signal,
        onProgress: options.onProgress &&
          ((p) => options.onProgress!(source.sourceId, p)),
      });
      load = {
        sourceId: source.sourceId,
        ok: true,
        stale: false,
        entries: result.entries,
        warnings: result.warnings,
        header: result.header,
      };
    } catch (error) {
      options.signal?.throwIfAborted();
      const previous = options.previous?.get(source.sourceId);
      load = {
        sourceId: source.sourceId,
        ok: false,
        stale: previous !== undefined,
        entries: previous ?? [],
        error,
        warnings: [],
        header: {},
      };
    }
    loads.push(load);
    const input: LineupSource = {
      sourceId: source.sourceId,
      entries: load.entries,
    };
    // Fresh entries were filtered while parsing; previous ones may predate
    // a filter change, so buildLineup filters them again.
    if (load.stale && source.filter) input.filter = source.filter;
    if (source.startNumber !== undefined) {
      input.startNumber = source.startNumber;
    }
    inputs.push(input);
  }
  return { sources: inputs, loads };
}
