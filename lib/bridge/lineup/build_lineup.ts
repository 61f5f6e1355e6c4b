/**
 * Building the lineup from several playlists: filters, stable ids,
 * numbering and user mappings, in one deterministic pass.
 *
 * Numbering, in order of precedence (each GuideNumber is used once):
 *
 * 1. a user mapping's `guideNumber`;
 * 2. the entry's `tvg-chno`, when valid and not already taken (the first
 *    entry in source order, then playlist order, wins a contested number);
 * 3. the number the channel had in the previous lineup (`previous`), when
 *    still free, so that a channel inserted by the provider does not shift
 *    everything after it;
 * 4. the next free number counting up from the source's `startNumber`
 *    (default 1). Give each source its own range (1, 1000, 2000, ...) to
 *    keep sources from pushing each other's numbers around.
 *
 * Every problem (bad mapping, contested number) is a warning, never an
 * exception: a refresh must not fail because of one odd entry.
 *
 * @module
 */

import type { Channel } from "../channel.ts";
import type { M3uEntry } from "../m3u/m3u_entry.ts";
import { compileFilter, type LineupFilter } from "./channel_filter.ts";
import { channelId } from "./channel_id.ts";
import type { ChannelMapping } from "./channel_mapping.ts";
import { compareGuideNumbers, normalizeGuideNumber } from "./guide_number.ts";

/**
 * The entries of one playlist and how to turn them into channels.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LineupSource } from "./build_lineup.ts";
 *
 * const source: LineupSource = { sourceId: "uk", entries: [], startNumber: 1000 };
 * equal(source.startNumber, 1000);
 * ```
 */
export interface LineupSource {
  /** The playlist's id (part of every channel id). */
  sourceId: string;
  /** Its entries, in playlist order. */
  entries: readonly M3uEntry[];
  /** Where automatic numbering of this source starts. Default 1. */
  startNumber?: number;
  /** Which entries become channels. Default: all. */
  filter?: LineupFilter;
}

/**
 * Options of {@link buildLineup}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BuildLineupOptions } from "./build_lineup.ts";
 *
 * const options: BuildLineupOptions = { mappings: [{ channelId: "x", enabled: false }] };
 * equal(options.maxChannels, undefined);
 * ```
 */
export interface BuildLineupOptions {
  /** User mappings, by channel id (the last one of an id wins). */
  mappings?: Iterable<ChannelMapping>;
  /** The previous lineup's numbers, to keep them stable. */
  previous?: Iterable<Pick<Channel, "id" | "guideNumber">>;
  /** Channels kept at most (the rest are dropped, counted). Default 10 000. */
  maxChannels?: number;
  /** Warnings kept at most. Default 100. */
  maxWarnings?: number;
}

/**
 * Counters of one build.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildLineup } from "./build_lineup.ts";
 *
 * equal(buildLineup([]).stats.channels, 0);
 * ```
 */
export interface BuildLineupStats {
  /** Entries seen, all sources. */
  entries: number;
  /** Entries refused by a source's filter. */
  filtered: number;
  /** Channels in the result (enabled or not). */
  channels: number;
  /** Enabled channels in the result. */
  enabled: number;
  /** Entries dropped because `maxChannels` was reached. */
  droppedOverLimit: number;
  /** `tvg-chno` values that were invalid or already taken. */
  numberConflicts: number;
  /** Mappings whose number was invalid or already taken. */
  mappingConflicts: number;
  /** Warnings not kept because `maxWarnings` were already kept. */
  warningsDropped: number;
}

/**
 * The lineup built from the sources.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { buildLineup } from "./build_lineup.ts";
 *
 * deepEqual(buildLineup([]).channels, []);
 * ```
 */
export interface LineupBuild {
  /** Every channel, enabled or not, ordered by GuideNumber. */
  channels: Channel[];
  /** What was odd, e.g. `uk: "BBC One" asks for tvg-chno 101, taken by ...`. */
  warnings: string[];
  /** Counters. */
  stats: BuildLineupStats;
}

const HD = /\b(?:HD|FHD|UHD|4K|1080[pi]?|720p)\b/i;

interface Candidate {
  entry: M3uEntry;
  source: number;
  id: string;
  number?: string;
}

/**
 * Builds the lineup from the entries of several playlists.
 *
 * @example Two playlists, tvg-chno, a collision and a user mapping
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { buildLineup } from "./build_lineup.ts";
 * import { parseM3u } from "../m3u/m3u_parser.ts";
 *
 * const uk = parseM3u(
 *   '#EXTINF:-1 tvg-id="bbc1" tvg-chno="1",BBC One\nhttp://uk/1\n' +
 *     '#EXTINF:-1 tvg-id="bbc2" tvg-chno="1",BBC Two\nhttp://uk/2\n',
 *   { sourceId: "uk" },
 * ).entries;
 * const us = parseM3u("#EXTINF:-1,CNN\nhttp://us/cnn\n", { sourceId: "us" })
 *   .entries;
 * const first = buildLineup([
 *   { sourceId: "uk", entries: uk },
 *   { sourceId: "us", entries: us, startNumber: 100 },
 * ]);
 * deepEqual(first.channels.map((c) => [c.guideNumber, c.name]), [
 *   ["1", "BBC One"],
 *   ["2", "BBC Two"], // tvg-chno 1 was taken: next free from 1
 *   ["100", "CNN"],
 * ]);
 * const cnn = first.channels[2];
 * const again = buildLineup([
 *   { sourceId: "uk", entries: uk },
 *   { sourceId: "us", entries: us, startNumber: 100 },
 * ], { mappings: [{ channelId: cnn.id, guideNumber: "1", name: "CNN US" }] });
 * deepEqual(again.channels.map((c) => [c.guideNumber, c.name]), [
 *   ["1", "CNN US"],
 *   ["2", "BBC One"],
 *   ["3", "BBC Two"],
 * ]);
 * ```
 *
 * @param sources The playlists, in priority order.
 * @param options Mappings, previous numbers and bounds.
 * @returns Channels ordered by GuideNumber, warnings and counters.
 * @throws {SyntaxError} If a filter has an invalid regular expression.
 * @throws {RangeError} If `maxChannels` is not a positive integer.
 */
export function buildLineup(
  sources: readonly LineupSource[],
  options: BuildLineupOptions = {},
): LineupBuild {
  const maxChannels = options.maxChannels ?? 10_000;
  if (!Number.isInteger(maxChannels) || maxChannels < 1) {
    throw new RangeError(
      `Expected maxChannels to be an integer >= 1, found ${maxChannels}`,
    );
  }
  const maxWarnings = options.maxWarnings ?? 100;
  const warnings: string[] = [];
  const stats: BuildLineupStats = {
    entries: 0,
    filtered: 0,
    channels: 0,
    enabled: 0,
    droppedOverLimit: 0,
    numberConflicts: 0,
    mappingConflicts: 0,
    warningsDropped: 0,
  };
  const warn = (message: string) => {
    if (warnings.length < maxWarnings) warnings.push(message);
    else stats.warningsDropped++;
  };
  const label = (c: Candidate) =>
    `${c.entry.sourceId}: ${JSON.stringify(c.entry.name)}`;

  // Candidates, with stable and unique ids.
  const filters = sources.map((source) => compileFilter(source.filter));
  const candidates: Candidate[] = [];
  const ids = new Set<string>();
  sources.forEach((source, index) => {
    for (const entry of source.entries) {
      stats.entries++;
      if (!filters[index](entry)) {
        stats.filtered++;
        continue;
      }
      if (candidates.length >= maxChannels) {
        if (stats.droppedOverLimit++ === 0) {
          warn(
            `expected at most ${maxChannels} channels, found more; the rest were dropped`,
          );
        }
        continue;
      }
      const key = entry.tvgId !== undefined
        ? `tvg:${entry.tvgId}`
        : `url:${entry.url}`;
      let id = channelId(source.sourceId, key);
      if (ids.has(id)) id = channelId(source.sourceId, key, `url:${entry.url}`);
      for (let n = 2; ids.has(id); n++) {
        id = channelId(source.sourceId, key, `url:${entry.url}`, `#${n}`);
      }
      ids.add(id);
      candidates.push({ entry, source: index, id });
    }
  });

  const mappings = new Map<string, ChannelMapping>();
  for (const mapping of options.mappings ?? []) {
    mappings.set(mapping.channelId, mapping);
  }
  const previous = new Map<string, string>();
  for (const channel of options.previous ?? []) {
    previous.set(channel.id, channel.guideNumber);
  }
  const taken = new Map<string, Candidate>();
  const take = (c: Candidate, number: string) => {
    c.number = number;
    taken.set(number, c);
  };

  // 1. User mappings.
  for (const c of candidates) {
    const wanted = mappings.get(c.id)?.guideNumber;
    if (wanted === undefined) continue;
    const number = normalizeGuideNumber(wanted);
    if (number === undefined) {
      stats.mappingConflicts++;
      warn(
        `${label(c)}: expected a mapped channel number like 7 or 5.1, found ${
          JSON.stringify(wanted)
        }; numbered automatically`,
      );
    } else if (taken.has(number)) {
      stats.mappingConflicts++;
      warn(
        `${label(c)}: mapped to ${number}, which is already mapped to ${
          label(taken.get(number)!)
        }; numbered automatically`,
      );
    } else {
      take(c, number);
    }
  }
  // 2. tvg-chno.
  for (const c of candidates) {
    if (c.number !== undefined || c.entry.tvgChno === undefined) continue;
    const number = normalizeGuideNumber(c.entry.tvgChno);
    if (number === undefined) {
      stats.numberConflicts++;
      warn(
        `${label(c)}: expected a tvg-chno like 7 or 5.1, found ${
          JSON.stringify(c.entry.tvgChno)
        }; numbered automatically`,
      );
    } else if (taken.has(number)) {
      stats.numberConflicts++;
      warn(
        `${label(c)}: asks for tvg-chno ${number}, already taken by ${
          label(taken.get(number)!)
        }; numbered automatically`,
      );
    } else {
      take(c, number);
    }
  }
  // 3. Previous numbers.
  for (const c of candidates) {
    if (c.number !== undefined) continue;
    const number = previous.get(c.id);
    if (number !== undefined && !taken.has(number)) take(c, number);
  }
  // 4. Sequential, per source.
  const next = sources.map((source) => {
    const start = source.startNumber ?? 1;
    if (!Number.isInteger(start) || start < 1) {
      warn(
        `${source.sourceId}: expected startNumber to be an integer >= 1, found ${start}; using 1`,
      );
      return 1;
    }
    return start;
  });
  for (const c of candidates) {
    if (c.number !== undefined) continue;
    let n = next[c.source];
    while (taken.has(String(n))) n++;
    take(c, String(n));
    next[c.source] = n + 1;
  }

  const channels = candidates.map((c): Channel => {
    const mapping = mappings.get(c.id);
    const entry = c.entry;
    const name = mapping?.name?.trim() || entry.name;
    const channel: Channel = {
      id: c.id,
      guideNumber: c.number!,
      name,
      url: entry.url,
      enabled: mapping?.enabled ?? true,
      headers: { ...entry.headers },
      sourceId: entry.sourceId,
      hd: HD.test(entry.name),
    };
    if (entry.tvgId !== undefined) channel.tvgId = entry.tvgId;
    if (entry.tvgLogo !== undefined) channel.logo = entry.tvgLogo;
    if (entry.group !== undefined) channel.group = entry.group;
    return channel;
  });
  channels.sort((a, b) => compareGuideNumbers(a.guideNumber, b.guideNumber));
  stats.channels = channels.length;
  stats.enabled = channels.filter((c) => c.enabled).length;
  return { channels, warnings, stats };
}
