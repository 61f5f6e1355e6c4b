/**
 * The guide data model: the few fields of XMLTV channels and programmes
 * that the bridge needs, and a parsed guide with its counters.
 *
 * @module
 */

/**
 * An XMLTV `<channel>`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { XmltvChannel } from "./xmltv_guide.ts";
 *
 * const channel: XmltvChannel = { id: "bbc1.uk", displayNames: ["BBC One"] };
 * equal(channel.displayNames[0], "BBC One");
 * ```
 */
export interface XmltvChannel {
  /** The `id` attribute (what `tvg-id` refers to). */
  id: string;
  /** Its `<display-name>`s, in document order. */
  displayNames: string[];
  /** The first `<icon src>`. */
  icon?: string;
}

/**
 * An `<episode-num>` with its numbering system (`xmltv_ns`, `onscreen`, ...).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { XmltvEpisodeNum } from "./xmltv_guide.ts";
 *
 * const num: XmltvEpisodeNum = { system: "xmltv_ns", value: "0.4." };
 * equal(num.value, "0.4.");
 * ```
 */
export interface XmltvEpisodeNum {
  /** The `system` attribute, when given. */
  system?: string;
  /** The text. */
  value: string;
}

/**
 * An XMLTV `<programme>`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { XmltvProgramme } from "./xmltv_guide.ts";
 *
 * const p: XmltvProgramme = {
 *   channel: "bbc1.uk",
 *   start: Date.UTC(2024, 0, 1, 18),
 *   stop: Date.UTC(2024, 0, 1, 19),
 *   title: "News",
 *   categories: ["News"],
 *   episodeNums: [],
 * };
 * equal(p.title, "News");
 * ```
 */
export interface XmltvProgramme {
  /** The channel id (in a guide) or GuideNumber (after merging). */
  channel: string;
  /** Start, UTC milliseconds. */
  start: number;
  /** Stop, UTC milliseconds, when given. */
  stop?: number;
  /** The first `<title>` (`""` when missing). */
  title: string;
  /** The first `<sub-title>`. */
  subTitle?: string;
  /** The first `<desc>`. */
  desc?: string;
  /** `<category>` texts. */
  categories: string[];
  /** `<episode-num>`s. */
  episodeNums: XmltvEpisodeNum[];
  /** The first `<icon src>`. */
  icon?: string;
}

/**
 * Counters of one guide parse.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseXmltv } from "./xmltv_parser.ts";
 *
 * const guide = await parseXmltv(ReadableStream.from([new TextEncoder().encode("<tv/>")]));
 * equal(guide.stats.programmes, 0);
 * ```
 */
export interface XmltvStats {
  /** Bytes read (before decompression). */
  bytes: number;
  /** Channels kept. */
  channels: number;
  /** Programmes kept (or passed to `onProgramme`). */
  programmes: number;
  /** Programmes without a channel or a valid start, or stopping before they start. */
  droppedInvalid: number;
  /** Programmes over `maxProgrammesPerChannel`, channels over `maxChannels`. */
  droppedOverLimit: number;
  /** Programmes skipped by `channelFilter` or outside the time window. */
  skipped: number;
  /** Text fields cut at `maxFieldLength`. */
  truncatedFields: number;
  /** Tags the tokenizer could not read. */
  malformed: number;
}

/**
 * A parsed guide.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseXmltv } from "./xmltv_parser.ts";
 *
 * const guide = await parseXmltv(ReadableStream.from([new TextEncoder().encode(
 *   '<tv><channel id="a"><display-name>A</display-name></channel></tv>',
 * )]));
 * equal(guide.channels[0].id, "a");
 * ```
 */
export interface XmltvGuide {
  /** Channels, in document order. */
  channels: XmltvChannel[];
  /** Programmes by channel id, each list ordered by start. */
  programmes: Map<string, XmltvProgramme[]>;
  /** Counters. */
  stats: XmltvStats;
}
