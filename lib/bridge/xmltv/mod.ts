/**
 * Guide data (EPG) for `shack bridge serve`: a streaming XMLTV reader
 * (SAX-style tokenizer, gzip by magic bytes, entities, CDATA, any chunk
 * boundaries, bounded), merging guides into the lineup by tvg-id, and the
 * XMLTV export keyed by GuideNumber with every enabled channel present.
 * Progress of long imports can be shown on the terminal.
 *
 * @example From a guide to the export Plex reads
 * ```ts
 * import { match } from "node:assert/strict";
 * import { mergeGuide, parseXmltv, writeXmltv } from "./mod.ts";
 * import type { Channel } from "../channel.ts";
 *
 * const guide = await parseXmltv(ReadableStream.from([new TextEncoder().encode(
 *   '<tv><programme start="20240101180000 +0000" stop="20240101190000 +0000" channel="bbc1.uk"><title>News</title></programme></tv>',
 * )]));
 * const lineup: Channel[] = [{
 *   id: "x", guideNumber: "101", name: "BBC One", url: "http://a/1", enabled: true, headers: {}, tvgId: "bbc1.uk",
 * }];
 * const xml = writeXmltv(lineup, mergeGuide(lineup, [guide]), { placeholders: false });
 * match(xml, /channel="101">\n    <title>News<\/title>/);
 * ```
 *
 * @module
 */

export * from "./xml_text.ts";
export * from "./xml_tokenizer.ts";
export * from "./xmltv_time.ts";
export * from "./xmltv_guide.ts";
export * from "./xmltv_parser.ts";
export * from "./merge_guide.ts";
export * from "./write_xmltv.ts";
export * from "./progress.ts";
