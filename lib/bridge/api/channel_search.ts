/**
 * Channel search for the API and dashboard: a case-insensitive match on
 * name, GuideNumber and group, an optional enabled filter, and bounded
 * pages. Channel views leave out the upstream URL and headers (which may
 * hold provider credentials).
 *
 * @module
 */

import type { Channel } from "../channel.ts";
import { ApiError } from "./api_error.ts";

/**
 * What the API shows of a channel.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ChannelView } from "./channel_search.ts";
 *
 * const view: ChannelView = { id: "a", guideNumber: "101", name: "BBC One", enabled: true };
 * equal(view.guideNumber, "101");
 * ```
 */
export interface ChannelView {
  /** Stable id. */
  id: string;
  /** GuideNumber. */
  guideNumber: string;
  /** Name. */
  name: string;
  /** In the lineup. */
  enabled: boolean;
  /** Group (`group-title`). */
  group?: string;
  /** The playlist it came from. */
  sourceId?: string;
  /** XMLTV id. */
  tvgId?: string;
  /** HD flag. */
  hd?: boolean;
}

/**
 * The view of a channel (no URL, no headers).
 *
 * @param channel The channel.
 * @returns The view.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { channelView } from "./channel_search.ts";
 *
 * deepEqual(
 *   channelView({ id: "a", guideNumber: "1", name: "One", url: "http://u:p@up/1", enabled: true, headers: {} }),
 *   { id: "a", guideNumber: "1", name: "One", enabled: true },
 * );
 * ```
 */
export function channelView(channel: Channel): ChannelView {
  const view: ChannelView = {
    id: channel.id,
    guideNumber: channel.guideNumber,
    name: channel.name,
    enabled: channel.enabled,
  };
  if (channel.group !== undefined) view.group = channel.group;
  if (channel.sourceId !== undefined) view.sourceId = channel.sourceId;
  if (channel.tvgId !== undefined) view.tvgId = channel.tvgId;
  if (channel.hd !== undefined) view.hd = channel.hd;
  return view;
}

/**
 * A search.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ChannelQuery } from "./channel_search.ts";
 *
 * const query: ChannelQuery = { q: "news", limit: 50, offset: 0 };
 * equal(query.limit, 50);
 * ```
 */
export interface ChannelQuery {
  /** Text matched (case-insensitive) in the name, GuideNumber or group; empty matches all. */
  q?: string;
  /** Only enabled (`true`) or disabled (`false`) channels. */
  enabled?: boolean;
  /** Most items returned. */
  limit: number;
  /** Matches skipped. */
  offset: number;
}

/**
 * A page of results.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ChannelPage } from "./channel_search.ts";
 *
 * const page: ChannelPage = { total: 0, offset: 0, limit: 50, items: [] };
 * equal(page.total, 0);
 * ```
 */
export interface ChannelPage {
  /** Matches in all. */
  total: number;
  /** Matches skipped. */
  offset: number;
  /** The page size asked for. */
  limit: number;
  /** The matches of this page, in lineup order. */
  items: ChannelView[];
}

/**
 * Limits of {@link parseChannelQuery}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ChannelQueryLimits } from "./channel_search.ts";
 *
 * const limits: ChannelQueryLimits = { defaultLimit: 50, maxLimit: 200 };
 * equal(limits.maxLimit, 200);
 * ```
 */
export interface ChannelQueryLimits {
  /** Page size when `limit` is absent. Default 50. */
  defaultLimit?: number;
  /** Largest page size. Default 200. */
  maxLimit?: number;
  /** Longest `q`. Default 200 characters. */
  maxQueryLength?: number;
}

function nonNegativeInt(
  params: URLSearchParams,
  name: string,
  fallback: number,
): number {
  const text = params.get(name);
  if (text === null || text === "") return fallback;
  if (!/^\d{1,9}$/.test(text)) {
    throw new ApiError(
      400,
      `Expected ${name} to be a non-negative integer, found ${
        JSON.stringify(text.slice(0, 40))
      }`,
    );
  }
  return Number(text);
}

/**
 * Reads `q`, `enabled`, `limit` and `offset` from a query string.
 *
 * @param params The query.
 * @param limits Page size limits.
 * @returns The search.
 * @throws {ApiError} 400 for a malformed or out-of-range value.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, throws } from "node:assert/strict";
 * import { parseChannelQuery } from "./channel_search.ts";
 *
 * deepEqual(parseChannelQuery(new URLSearchParams("q=bbc&limit=10")), { q: "bbc", limit: 10, offset: 0 });
 * throws(() => parseChannelQuery(new URLSearchParams("limit=1000")), /at most 200/);
 * ```
 */
export function parseChannelQuery(
  params: URLSearchParams,
  limits: ChannelQueryLimits = {},
): ChannelQuery {
  const maxLimit = limits.maxLimit ?? 200;
  const maxQuery = limits.maxQueryLength ?? 200;
  const limit = nonNegativeInt(params, "limit", limits.defaultLimit ?? 50);
  if (limit < 1 || limit > maxLimit) {
    throw new ApiError(
      400,
      `Expected limit to be from 1 to at most ${maxLimit}, found ${limit}`,
    );
  }
  const offset = nonNegativeInt(params, "offset", 0);
  const query: ChannelQuery = { limit, offset };
  const q = params.get("q");
  if (q !== null && q.trim() !== "") {
    if (q.length > maxQuery) {
      throw new ApiError(
        400,
        `Expected q to be at most ${maxQuery} characters, found ${q.length}`,
      );
    }
    query.q = q.trim();
  }
  const enabled = params.get("enabled");
  if (enabled !== null && enabled !== "") {
    if (enabled !== "true" && enabled !== "false") {
      throw new ApiError(
        400,
        `Expected enabled to be true or false, found ${
          JSON.stringify(enabled.slice(0, 40))
        }`,
      );
    }
    query.enabled = enabled === "true";
  }
  return query;
}

/**
 * Finds channels and returns one page of them.
 *
 * @param channels Every channel, in lineup order.
 * @param query The search.
 * @returns The page.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { searchChannels } from "./channel_search.ts";
 *
 * const channels = [
 *   { id: "a", guideNumber: "101", name: "BBC One", url: "", enabled: true, headers: {}, group: "UK" },
 *   { id: "b", guideNumber: "200", name: "CNN", url: "", enabled: true, headers: {}, group: "News" },
 *   { id: "c", guideNumber: "201", name: "BBC News", url: "", enabled: false, headers: {}, group: "News" },
 * ];
 * const page = searchChannels(channels, { q: "news", limit: 1, offset: 1 });
 * equal(page.total, 2);
 * deepEqual(page.items.map((c) => c.id), ["c"]);
 * equal(searchChannels(channels, { q: "10", limit: 10, offset: 0 }).total, 1);
 * ```
 */
export function searchChannels(
  channels: readonly Channel[],
  query: ChannelQuery,
): ChannelPage {
  const needle = query.q?.toLowerCase();
  const items: ChannelView[] = [];
  let total = 0;
  const end = query.offset + query.limit;
  for (const channel of channels) {
    if (query.enabled !== undefined && channel.enabled !== query.enabled) {
      continue;
    }
    if (
      needle !== undefined &&
      !channel.name.toLowerCase().includes(needle) &&
      !channel.guideNumber.includes(needle) &&
      !(channel.group ?? "").toLowerCase().includes(needle)
    ) continue;
    if (total >= query.offset && total < end) items.push(channelView(channel));
    total++;
  }
  return { total, offset: query.offset, limit: query.limit, items };
}
