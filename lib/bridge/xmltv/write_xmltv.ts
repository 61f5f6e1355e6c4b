/**
 * Exporting the guide for Plex, Jellyfin and Emby: XMLTV whose channel ids
 * are the lineup's GuideNumbers (what Plex matches on), with EVERY enabled
 * channel present — a channel without guide data still gets its
 * `<channel>` element and, unless disabled, placeholder programmes of its
 * name in 1-hour blocks, so media servers do not hide it.
 *
 * @module
 */

import type { Channel, ChannelLookup } from "../channel.ts";
import { escapeXml } from "./xml_text.ts";
import type { XmltvProgramme } from "./xmltv_guide.ts";
import { formatXmltvTime } from "./xmltv_time.ts";

/**
 * Placeholder programmes for channels without guide data.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PlaceholderOptions } from "./write_xmltv.ts";
 *
 * const placeholders: PlaceholderOptions = { hours: 24, blockMinutes: 30 };
 * equal(placeholders.hours, 24);
 * ```
 */
export interface PlaceholderOptions {
  /** How far ahead, from the start of the current block. Default 48. */
  hours?: number;
  /** Length of each block. Default 60. */
  blockMinutes?: number;
}

/**
 * Options of {@link writeXmltv} and {@link xmltvChunks}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WriteXmltvOptions } from "./write_xmltv.ts";
 *
 * const options: WriteXmltvOptions = { placeholders: false, generatorName: "shack" };
 * equal(options.placeholders, false);
 * ```
 */
export interface WriteXmltvOptions {
  /** Placeholder programmes (default `{ hours: 48, blockMinutes: 60 }`), or false. */
  placeholders?: boolean | PlaceholderOptions;
  /** Leave out programmes that end at or before this time (UTC ms). */
  fromMs?: number;
  /** The clock, for placeholders. Default `Date.now`. */
  now?: () => number;
  /** `generator-info-name` of the `<tv>` element. Default `"shack"`. */
  generatorName?: string;
}

function enabledChannels(
  lineup: ChannelLookup | readonly Channel[],
): readonly Channel[] {
  return Array.isArray(lineup)
    ? (lineup as readonly Channel[]).filter((c) => c.enabled)
    : (lineup as ChannelLookup).channels();
}

function programmeXml(p: XmltvProgramme, channel: string): string {
  const stop = p.stop === undefined ? "" : ` stop="${formatXmltvTime(p.stop)}"`;
  let xml = `  <programme start="${formatXmltvTime(p.start)}"${stop} channel="${
    escapeXml(channel)
  }">\n    <title>${escapeXml(p.title)}</title>\n`;
  if (p.subTitle !== undefined) {
    xml += `    <sub-title>${escapeXml(p.subTitle)}</sub-title>\n`;
  }
  if (p.desc !== undefined) xml += `    <desc>${escapeXml(p.desc)}</desc>\n`;
  for (const category of p.categories) {
    xml += `    <category>${escapeXml(category)}</category>\n`;
  }
  if (p.icon !== undefined) xml += `    <icon src="${escapeXml(p.icon)}"/>\n`;
  for (const num of p.episodeNums) {
    const system = num.system === undefined
      ? ""
      : ` system="${escapeXml(num.system)}"`;
    xml += `    <episode-num${system}>${escapeXml(num.value)}</episode-num>\n`;
  }
  return xml + "  </programme>\n";
}

/**
 * The XMLTV document in pieces (one per channel or programme), for
 * streaming a large guide into an HTTP response.
 *
 * @example Streaming a response
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { xmltvChunks } from "./write_xmltv.ts";
 *
 * const body = ReadableStream.from(xmltvChunks([], new Map()))
 *   .pipeThrough(new TextEncoderStream());
 * const text = await new Response(body).text();
 * equal(text.endsWith("</tv>\n"), true);
 * ```
 *
 * @param lineup The lineup (only enabled channels are written).
 * @param programmes Programmes by GuideNumber (from `mergeGuide`).
 * @param options Placeholders, time window, clock.
 * @returns The document's pieces, in order.
 */
export function* xmltvChunks(
  lineup: ChannelLookup | readonly Channel[],
  programmes: ReadonlyMap<string, readonly XmltvProgramme[]>,
  options: WriteXmltvOptions = {},
): Generator<string> {
  const channels = enabledChannels(lineup);
  const placeholders = options.placeholders === false
    ? undefined
    : options.placeholders === true || options.placeholders === undefined
    ? {}
    : options.placeholders;
  const fromMs = options.fromMs;
  const generator = escapeXml(options.generatorName ?? "shack");
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n<tv generator-info-name="${generator}">\n`;
  for (const channel of channels) {
    const id = escapeXml(channel.guideNumber);
    let xml = `  <channel id="${id}">\n    <display-name>${
      escapeXml(channel.name)
    }</display-name>\n    <display-name>${id}</display-name>\n`;
    if (channel.logo) xml += `    <icon src="${escapeXml(channel.logo)}"/>\n`;
    yield xml + "  </channel>\n";
  }
  let blockMs = 0;
  let blocks = 0;
  let firstBlock = 0;
  if (placeholders) {
    const minutes = placeholders.blockMinutes ?? 60;
    const hours = placeholders.hours ?? 48;
    if (!(minutes > 0) || !(hours > 0)) {
      throw new RangeError(
        `Expected placeholder hours and blockMinutes > 0, found ${hours} and ${minutes}`,
      );
    }
    blockMs = minutes * 60_000;
    blocks = Math.ceil((hours * 3600_000) / blockMs);
    const now = (options.now ?? Date.now)();
    firstBlock = Math.floor(now / blockMs) * blockMs;
  }
  for (const channel of channels) {
    let written = 0;
    for (const p of programmes.get(channel.guideNumber) ?? []) {
      if (fromMs !== undefined && (p.stop ?? p.start) <= fromMs) continue;
      written++;
      yield programmeXml(p, channel.guideNumber);
    }
    if (written > 0 || !placeholders) continue;
    let xml = "";
    for (let b = 0; b < blocks; b++) {
      const start = firstBlock + b * blockMs;
      xml += programmeXml({
        channel: channel.guideNumber,
        start,
        stop: start + blockMs,
        title: channel.name,
        categories: [],
        episodeNums: [],
      }, channel.guideNumber);
    }
    yield xml;
  }
  yield "</tv>\n";
}

/**
 * The XMLTV document as one string: channel ids are GuideNumbers, every
 * enabled channel is present, times are UTC.
 *
 * @example A channel with a programme and one with a placeholder
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { writeXmltv } from "./write_xmltv.ts";
 * import { Lineup } from "../lineup/lineup.ts";
 *
 * const lineup = new Lineup([
 *   { id: "a", guideNumber: "101", name: "BBC One", url: "http://a/1", enabled: true, headers: {} },
 *   { id: "b", guideNumber: "102", name: "Local & Co", url: "http://a/2", enabled: true, headers: {} },
 * ]);
 * const programmes = new Map([["101", [{
 *   channel: "101", start: Date.UTC(2024, 0, 1, 18), stop: Date.UTC(2024, 0, 1, 19),
 *   title: "News", categories: ["News"], episodeNums: [],
 * }]]]);
 * const xml = writeXmltv(lineup, programmes, {
 *   now: () => Date.UTC(2024, 0, 1, 18, 20),
 *   placeholders: { hours: 2 },
 * });
 * match(xml, /<channel id="102">\n    <display-name>Local &amp; Co<\/display-name>/);
 * match(xml, /<programme start="20240101180000 \+0000" stop="20240101190000 \+0000" channel="101">/);
 * equal(xml.match(/<title>Local &amp; Co<\/title>/g)?.length, 2);
 * ```
 *
 * @param lineup The lineup (only enabled channels are written).
 * @param programmes Programmes by GuideNumber (from `mergeGuide`).
 * @param options Placeholders, time window, clock.
 * @returns The document.
 * @throws {RangeError} If placeholder hours or block length are not > 0.
 */
export function writeXmltv(
  lineup: ChannelLookup | readonly Channel[],
  programmes: ReadonlyMap<string, readonly XmltvProgramme[]>,
  options: WriteXmltvOptions = {},
): string {
  let xml = "";
  for (const chunk of xmltvChunks(lineup, programmes, options)) xml += chunk;
  return xml;
}
