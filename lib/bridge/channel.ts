/**
 * The channel model the bridge's parts share: a playlist entry after
 * filtering and numbering, as the HDHomeRun API, the stream proxy, the
 * store and the guide export see it.
 *
 * @module
 */

/**
 * One enabled or disabled channel of the lineup.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Channel } from "./channel.ts";
 *
 * const bbc: Channel = {
 *   id: "a1b2c3",
 *   guideNumber: "101",
 *   name: "BBC One",
 *   url: "http://upstream.example/bbc1.ts",
 *   enabled: true,
 *   headers: {},
 * };
 * equal(bbc.guideNumber, "101");
 * ```
 */
export interface Channel {
  /** Stable id (derived from source + tvg-id or URL), used in `/stream/<id>`. */
  id: string;
  /** The HDHomeRun GuideNumber (`"101"`, `"5.1"`), used in `/auto/v<GuideNumber>`. */
  guideNumber: string;
  /** Display name (HDHomeRun GuideName). */
  name: string;
  /** The upstream stream URL. */
  url: string;
  /** Whether the channel is in the lineup. */
  enabled: boolean;
  /** Extra request headers for the upstream (`User-Agent`, `Referer`, ...). */
  headers: Record<string, string>;
  /** XMLTV channel id (`tvg-id`), when known. */
  tvgId?: string;
  /** Logo URL (`tvg-logo`). */
  logo?: string;
  /** Group (`group-title`). */
  group?: string;
  /** The source (playlist) the channel came from. */
  sourceId?: string;
  /** True for HD channels (HDHomeRun `HD` field). */
  hd?: boolean;
}

/**
 * What the HTTP side needs to look channels up; the store and in-memory
 * lineups both implement it.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Channel, ChannelLookup } from "./channel.ts";
 *
 * const list: Channel[] = [];
 * const lookup: ChannelLookup = {
 *   channels: () => list,
 *   byGuideNumber: (n) => list.find((c) => c.guideNumber === n),
 *   byId: (id) => list.find((c) => c.id === id),
 * };
 * equal(lookup.byId("x"), undefined);
 * ```
 */
export interface ChannelLookup {
  /** Every enabled channel, ordered by GuideNumber. */
  channels(): readonly Channel[];
  /** The enabled channel with this GuideNumber. */
  byGuideNumber(guideNumber: string): Channel | undefined;
  /** The enabled channel with this id. */
  byId(id: string): Channel | undefined;
}
