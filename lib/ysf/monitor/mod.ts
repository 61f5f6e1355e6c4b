/**
 * Monitoring outputs of `shack ysf reflect` that existing tools read:
 *
 * - {@link JsonMonitor}: pYSFReflector3's UDP JSON feed (`CONNREQ`,
 *   `PING`, `BYE`; one JSON object per datagram) for collector3 and its
 *   dashboard;
 * - {@link G4klxLogFile}: the G4KLX-format log file (`M: … Adding …`,
 *   `Received data from …`) for the dg9vh YSFReflector-Dashboard;
 * - the pure formatters behind both ({@link toMonitorMessages},
 *   {@link toLogLines}, {@link toDumpMessages}, {@link toDumpLogLines}).
 *
 * Wiring: both take reflector events (`YsfServer`'s `onEvent`), and both
 * need `tick()` about once a second (expiry, 120 s dumps, log flushes) and
 * `close()` at shutdown.
 *
 * @example Feeding both from one reflector
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YsfServer } from "../server.ts";
 * import { G4klxLogFile, JsonMonitor } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * let server: YsfServer | undefined;
 * const snapshot = () => server?.core.snapshot();
 * const monitor = JsonMonitor.start({
 *   port: 0,
 *   system: { name: "DOC", description: "Doc", statusId: "12345", version: "shack" },
 *   snapshot,
 * });
 * const log = new G4klxLogFile({ filePath: dir, fileRoot: "YSFReflector", snapshot, streamIdSalt: monitor.streamIdSalt });
 * server = await YsfServer.start({
 *   reflector: { name: "DOC" },
 *   bind: ["127.0.0.1"],
 *   port: 0,
 *   onEvent: (event) => {
 *     monitor.publish(event);
 *     log.writeEvent(event);
 *   },
 * });
 * const timer = setInterval(() => {
 *   monitor.tick();
 *   log.tick();
 * }, 1000);
 * log.writeStart();
 * // ... at shutdown:
 * clearInterval(timer);
 * await server.close();
 * await Promise.all([monitor.close(), log.close()]);
 * equal(log.counters.written, 1);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

export * from "./format.ts";
export * from "./json_monitor.ts";
export * from "./g4klx_log.ts";
