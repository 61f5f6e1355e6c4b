/**
 * lib/ysf/reflector: the pure, clock-injected state machine of
 * `shack ysf reflect` ({@link YsfReflectorCore}: clients, DG-ID rooms,
 * streams, ACL, protections, all bounded) and the pure parsers of its rule
 * files (pYSFReflector3 `deny.db` and home file, G4KLX `BlockList.txt`). The
 * I/O layer owns the sockets, files and timers: it feeds datagrams to
 * `handle`, calls `tick` periodically, sends what `io.send` gets and logs
 * what `io.event` gets.
 *
 * @example Two clients in one room
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildData, buildPoll, encodeFich, encodeHeaderPayload } from "../mod.ts";
 * import { YsfReflectorCore } from "./mod.ts";
 *
 * const sent: { to: number }[] = [];
 * const core = new YsfReflectorCore(
 *   { name: "SHACK", dgidList: [50], defaultDgid: 50, prefix: false, now: () => 0 },
 *   { send: (_data, to) => void sent.push({ to: to.port }) },
 * );
 * const a = { address: "192.0.2.1", port: 1001 };
 * const b = { address: "192.0.2.2", port: 1002 };
 * core.handle(buildPoll("GWA"), a, "main");
 * core.handle(buildPoll("GWB"), b, "main");
 * const frame = new Uint8Array(120);
 * encodeFich({
 *   fi: 0, cs: 2, cm: 0, bn: 0, bt: 0, fn: 0, ft: 6,
 *   dev: false, mr: 0, voip: true, dt: 2, sql: false, dgid: 0,
 * }, frame, 5);
 * encodeHeaderPayload({ destination: "ALL", source: "G4ABC", downlink: "", uplink: "" }, frame, 0);
 * const header = buildData({ gateway: "GWA", source: "G4ABC", destination: "ALL", counter: 0, end: false, frame });
 * sent.length = 0;
 * equal(core.handle(header, a, "main"), "accepted");
 * equal(sent.length, 1);
 * equal(sent[0].to, 1002);
 * ```
 *
 * @module
 */

export * from "./acl.ts";
export * from "./clients.ts";
export * from "./counters.ts";
export * from "./events.ts";
export * from "./home_file.ts";
export * from "./options.ts";
export * from "./peer.ts";
export * from "./protections.ts";
export * from "./reflector.ts";
export * from "./rooms.ts";
export * from "./snapshot.ts";
export * from "./streams.ts";
