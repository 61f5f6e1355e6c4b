/**
 * lib/bridge/ssdp: how clients find the bridge — SSDP (M-SEARCH replies,
 * NOTIFY alive/byebye, multicast when the network allows it) and
 * HDHomeRun's own UDP 65001 discovery (libhdhomerun's TLV frames with
 * CRC-32).
 *
 * @example Matching a search
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { matchSearch, parseSsdpRequest } from "./mod.ts";
 *
 * const request = parseSsdpRequest('M-SEARCH * HTTP/1.1\r\nMAN: "ssdp:discover"\r\nST: ssdp:all\r\n\r\n')!;
 * equal(matchSearch(request, "u1").length, 4);
 * ```
 *
 * @module
 */

export * from "./crc32.ts";
export * from "./hdhr_discover_packet.ts";
export * from "./hdhr_discover_responder.ts";
export * from "./ssdp_message.ts";
export * from "./ssdp_responder.ts";
