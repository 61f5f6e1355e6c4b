/**
 * APRS for `shack ysf reflect` (pYSFReflector3 `[APRS]`, reference ysf.md
 * §3.5): the Yaesu GPS / radio-model data of V/D mode 2 frames FN 6..7, a
 * per-stream collector of that data and of Rem1..4, the position packet
 * pYSFReflector3 builds, the APRS-IS passcode, and an APRS-IS client.
 *
 * Wiring: create a {@link Vd2Collector} on `stream-start`, push every YSFD
 * packet of the stream into it, and on `stream-end` with a position call
 * {@link AprsClient.submit}.
 *
 * @example From a stream's frames to a packet
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AprsClient, Vd2Collector } from "./mod.ts";
 *
 * const collector = new Vd2Collector();
 * // collector.push(packet, fich) for each YSFD of the stream …
 * const client = new AprsClient({ server: "127.0.0.1", reflectorId: 90123, ssid: "-10" });
 * const position = collector.position ?? { latitude: 44, longitude: 10.5 };
 * equal(
 *   client.submit({ source: "IU5JAE", ...position, radioCode: collector.radioCode }),
 *   "queued",
 * );
 * await client.close();
 * ```
 *
 * @module
 */

export * from "./aprs_client.ts";
export * from "./aprs_packet.ts";
export * from "./backoff.ts";
export * from "./gps.ts";
export * from "./passcode.ts";
export * from "./vd2_collector.ts";
