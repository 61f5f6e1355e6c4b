/**
 * The channel lineup in HDHomeRun's three formats: `/lineup.json`,
 * `/lineup.xml` and `/lineup.m3u`. Stream URLs use the real device's form
 * `/auto/v<GuideNumber>`.
 *
 * @module
 */

import type { Channel } from "../channel.ts";
import { escapeXml } from "./xml_escape.ts";

/**
 * One lineup entry. `HD` is present (as 1) only for HD channels; codecs
 * are not claimed (Jellyfin uses them as hints, so guessing would mislead).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LineupEntry } from "./lineup_formats.ts";
 *
 * const entry: LineupEntry = { GuideNumber: "101", GuideName: "BBC One", URL: "http://b/auto/v101" };
 * equal(entry.GuideNumber, "101");
 * ```
 */
export interface LineupEntry {
  GuideNumber: string;
  GuideName: string;
  URL: string;
  HD?: 1;
}

/**
 * The stream URL of a channel: `<base>/auto/v<GuideNumber>`.
 *
 * @param channel The channel.
 * @param baseUrl The base URL (no trailing slash).
 * @returns The URL.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { channelStreamUrl } from "./lineup_formats.ts";
 *
 * equal(channelStreamUrl({ guideNumber: "5.1" }, "http://b"), "http://b/auto/v5.1");
 * ```
 */
export function channelStreamUrl(
  channel: Pick<Channel, "guideNumber">,
  baseUrl: string,
): string {
  return `${baseUrl}/auto/v${encodeURIComponent(channel.guideNumber)}`;
}

/**
 * The `/lineup.json` entries.
 *
 * @param channels The enabled channels, in lineup order.
 * @param baseUrl The base URL (no trailing slash).
 * @returns The entries.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { lineupJson } from "./lineup_formats.ts";
 *
 * deepEqual(
 *   lineupJson([{ id: "a", guideNumber: "1", name: "One", url: "", enabled: true, headers: {}, hd: true }], "http://b"),
 *   [{ GuideNumber: "1", GuideName: "One", URL: "http://b/auto/v1", HD: 1 }],
 * );
 * ```
 */
export function lineupJson(
  channels: readonly Channel[],
  baseUrl: string,
): LineupEntry[] {
  return channels.map((channel) => {
    const entry: LineupEntry = {
      GuideNumber: channel.guideNumber,
      GuideName: channel.name,
      URL: channelStreamUrl(channel, baseUrl),
    };
    if (channel.hd) entry.HD = 1;
    return entry;
  });
}

/**
 * `/lineup.xml`: SiliconDust's `<Lineup><Program>…</Program></Lineup>`.
 *
 * @param channels The enabled channels.
 * @param baseUrl The base URL.
 * @returns The XML document.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { lineupXml } from "./lineup_formats.ts";
 *
 * const xml = lineupXml([{ id: "a", guideNumber: "1", name: "A & B", url: "", enabled: true, headers: {} }], "http://b");
 * match(xml, /<Program><GuideNumber>1<\/GuideNumber><GuideName>A &amp; B<\/GuideName><URL>http:\/\/b\/auto\/v1<\/URL><\/Program>/);
 * ```
 */
export function lineupXml(
  channels: readonly Channel[],
  baseUrl: string,
): string {
  const programs = lineupJson(channels, baseUrl).map((e) =>
    `<Program><GuideNumber>${escapeXml(e.GuideNumber)}</GuideNumber>` +
    `<GuideName>${escapeXml(e.GuideName)}</GuideName>` +
    (e.HD ? "<HD>1</HD>" : "") +
    `<URL>${escapeXml(e.URL)}</URL></Program>\n`
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Lineup>\n${
    programs.join("")
  }</Lineup>\n`;
}

function attribute(value: string): string {
  return value.replace(/["\r\n]/g, " ");
}

/**
 * `/lineup.m3u`: an M3U playlist of the lineup (`tvg-id` = GuideNumber,
 * matching the bridge's XMLTV export).
 *
 * @param channels The enabled channels.
 * @param baseUrl The base URL.
 * @returns The playlist.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { lineupM3u } from "./lineup_formats.ts";
 *
 * const m3u = lineupM3u([{ id: "a", guideNumber: "101", name: "One", url: "", enabled: true, headers: {} }], "http://b");
 * equal(m3u, '#EXTM3U\n#EXTINF:-1 channel-id="101" channel-number="101" tvg-id="101" tvg-chno="101" tvg-name="One",101 One\nhttp://b/auto/v101\n');
 * ```
 */
export function lineupM3u(
  channels: readonly Channel[],
  baseUrl: string,
): string {
  let out = "#EXTM3U\n";
  for (const channel of channels) {
    const number = attribute(channel.guideNumber);
    const name = attribute(channel.name);
    const logo = channel.logo ? ` tvg-logo="${attribute(channel.logo)}"` : "";
    const group = channel.group
      ? ` group-title="${attribute(channel.group)}"`
      : "";
    out +=
      `#EXTINF:-1 channel-id="${number}" channel-number="${number}" tvg-id="${number}" tvg-chno="${number}" tvg-name="${name}"${logo}${group},${number} ${
        channel.name.replace(/[\r\n]/g, " ")
      }\n${channelStreamUrl(channel, baseUrl)}\n`;
  }
  return out;
}
