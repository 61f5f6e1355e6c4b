/**
 * lib/bridge: the IPTV to HDHomeRun bridge of `shack bridge serve` — M3U
 * parsing, the lineup and its refresh, XMLTV import and export, the SQLite
 * store, sessions, the stream proxy, the HDHomeRun API and discovery, the
 * management API and dashboard, and {@link BridgeService} that runs them
 * together.
 *
 * @example Serve a playlist on loopback, read the lineup, stop
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BridgeService, bridgeConfigSchema } from "./mod.ts";
 * import { Logger } from "../core/log.ts";
 * import { parse } from "../core/config/schema.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/tv.m3u`, "#EXTM3U\n#EXTINF:-1,News\nhttp://192.0.2.1/n.ts\n");
 * const service = await BridgeService.start(
 *   parse(bridgeConfigSchema, {
 *     bind: "127.0.0.1", port: 0, ssdp: false, data_dir: `${dir}/data`,
 *     playlists: [{ url: `${dir}/tv.m3u` }],
 *   }),
 *   { logger: new Logger({ sink: () => {} }) },
 * );
 * equal(service.lineup.channels()[0].name, "News");
 * await service.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

export * from "./channel.ts";
export * from "./config.ts";
export * from "./server.ts";
export * from "./service.ts";
export * from "./api/mod.ts";
export * from "./hdhr/mod.ts";
export * from "./lineup/mod.ts";
export * from "./m3u/mod.ts";
export * from "./mpegts/mod.ts";
export * from "./session/mod.ts";
export * from "./ssdp/mod.ts";
export * from "./store/mod.ts";
export * from "./stream/mod.ts";
export * from "./web/mod.ts";
export * from "./xmltv/mod.ts";

// Names two folders both export: the first is the one re-exported plainly.
export { redactLocation } from "./m3u/mod.ts";
export { redactLocation as redactSourceLocation } from "./api/mod.ts";
export type { SessionRecord } from "./session/mod.ts";
export type { SessionRecord as SessionHistoryRecord } from "./store/mod.ts";
export { escapeXml } from "./xmltv/mod.ts";
export { escapeXml as escapeDeviceXml } from "./hdhr/mod.ts";
