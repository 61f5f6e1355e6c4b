/**
 * Merging guides into the lineup: each enabled channel gets the programmes
 * of its `tvg-id` (exact id first, then ignoring case, then — optionally —
 * a guide channel whose display name equals the channel's name), keyed by
 * the channel's GuideNumber, which is what the exported XMLTV uses.
 *
 * With several guides, the first guide (in the order given) that has
 * programmes for a channel supplies all of them; guides are not mixed
 * within one channel, so overlapping programmes from two providers never
 * appear together.
 *
 * @module
 */

import type { Channel, ChannelLookup } from "../channel.ts";
import type { XmltvChannel, XmltvProgramme } from "./xmltv_guide.ts";

/**
 * Guide data to merge: programmes by guide channel id, and the guide's
 * channels (for matching by display name).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { GuideData } from "./merge_guide.ts";
 *
 * const guide: GuideData = { programmes: new Map() };
 * equal(guide.programmes.size, 0);
 * ```
 */
export interface GuideData {
  /** The guide's channels (optional; needed to match by name). */
  channels?: readonly XmltvChannel[];
  /** Programmes by guide channel id. */
  programmes: ReadonlyMap<string, readonly XmltvProgramme[]>;
}

/**
 * Options of {@link mergeGuide}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MergeGuideOptions } from "./merge_guide.ts";
 *
 * const options: MergeGuideOptions = { matchByName: false };
 * equal(options.matchByName, false);
 * ```
 */
export interface MergeGuideOptions {
  /**
   * Match a channel without guide data for its tvg-id (or without a tvg-id)
   * to a guide channel whose display name equals its name, ignoring case.
   * Default true.
   */
  matchByName?: boolean;
}

interface GuideIndex {
  lowerIds: Map<string, string>;
  names: Map<string, string>;
}

function index(guide: GuideData): GuideIndex {
  const lowerIds = new Map<string, string>();
  for (const id of guide.programmes.keys()) {
    const lower = id.toLowerCase();
    if (!lowerIds.has(lower)) lowerIds.set(lower, id);
  }
  const names = new Map<string, string>();
  for (const channel of guide.channels ?? []) {
    if (!guide.programmes.has(channel.id)) continue;
    for (const name of channel.displayNames) {
      const lower = name.trim().toLowerCase();
      if (!names.has(lower)) names.set(lower, channel.id);
    }
  }
  return { lowerIds, names };
}

function programmesOf(
  guides: readonly GuideData[],
  indexes: GuideIndex[],
  channel: Channel,
  matchByName: boolean,
): readonly XmltvProgramme[] | undefined {
  const tvgId = channel.tvgId?.trim();
  if (tvgId) {
    for (const guide of guides) {
      const list = guide.programmes.get(tvgId);
      if (list && list.length > 0) return list;
    }
    const lower = tvgId.toLowerCase();
    for (let g = 0; g < guides.length; g++) {
      const id = indexes[g].lowerIds.get(lower);
      const list = id === undefined ? undefined : guides[g].programmes.get(id);
      if (list && list.length > 0) return list;
    }
  }
  if (!matchByName) return undefined;
  const name = channel.name.trim().toLowerCase();
  for (let g = 0; g < guides.length; g++) {
    const id = indexes[g].names.get(name);
    const list = id === undefined ? undefined : guides[g].programmes.get(id);
    if (list && list.length > 0) return list;
  }
  return undefined;
}

/**
 * Sorted copies with the channel set to `guideNumber`, duplicates of a
 * start dropped, and a missing stop filled from the next start.
 */
function normalize(
  list: readonly XmltvProgramme[],
  guideNumber: string,
): XmltvProgramme[] {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  const out: XmltvProgramme[] = [];
  for (const programme of sorted) {
    const last = out.at(-1);
    if (last && last.start === programme.start) continue;
    if (last && last.stop === undefined) last.stop = programme.start;
    out.push({ ...programme, channel: guideNumber });
  }
  return out;
}

/**
 * Programmes for every enabled channel that has guide data, by GuideNumber.
 *
 * @example tvg-id, case-insensitive id and display-name matches
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { mergeGuide } from "./merge_guide.ts";
 * import type { Channel } from "../channel.ts";
 *
 * const channel = (guideNumber: string, name: string, tvgId?: string): Channel => ({
 *   id: guideNumber, guideNumber, name, url: "http://a/" + guideNumber, enabled: true, headers: {}, tvgId,
 * });
 * const show = (channel: string, title: string) =>
 *   ({ channel, start: 0, stop: 3600_000, title, categories: [], episodeNums: [] });
 * const merged = mergeGuide(
 *   [channel("1", "BBC One", "bbc1.uk"), channel("2", "CNN", "CNN.us"), channel("3", "Arte")],
 *   [{
 *     channels: [{ id: "arte.fr", displayNames: ["ARTE"] }],
 *     programmes: new Map([
 *       ["bbc1.uk", [show("bbc1.uk", "News")]],
 *       ["cnn.us", [show("cnn.us", "Newsroom")]],
 *       ["arte.fr", [show("arte.fr", "Doc")]],
 *     ]),
 *   }],
 * );
 * deepEqual([...merged].map(([n, list]) => [n, list[0].title, list[0].channel]), [
 *   ["1", "News", "1"],
 *   ["2", "Newsroom", "2"],
 *   ["3", "Doc", "3"],
 * ]);
 * ```
 *
 * @param lineup The lineup (only enabled channels are merged).
 * @param guides Guides in priority order.
 * @param options Matching rules.
 * @returns Programmes by GuideNumber, each list ordered by start.
 */
export function mergeGuide(
  lineup: ChannelLookup | readonly Channel[],
  guides: readonly GuideData[],
  options: MergeGuideOptions = {},
): Map<string, XmltvProgramme[]> {
  const channels = Array.isArray(lineup)
    ? (lineup as readonly Channel[]).filter((c) => c.enabled)
    : (lineup as ChannelLookup).channels();
  const matchByName = options.matchByName ?? true;
  const indexes = guides.map(index);
  const merged = new Map<string, XmltvProgramme[]>();
  for (const channel of channels) {
    const list = programmesOf(guides, indexes, channel, matchByName);
    if (list) {
      merged.set(channel.guideNumber, normalize(list, channel.guideNumber));
    }
  }
  return merged;
}
