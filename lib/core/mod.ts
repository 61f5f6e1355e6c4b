/**
 * lib/core: what every shack service shares — shutdown coordination,
 * bounded collections, SPSC rings between Workers, configuration loading,
 * logging, metrics and HTTP helpers.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BoundedMap } from "./mod.ts";
 * const peers = new BoundedMap<string, number>({ capacity: 2 });
 * peers.set("a", 1);
 * peers.set("b", 2);
 * peers.set("c", 3);
 * equal(peers.size, 2);
 * ```
 *
 * @module
 */

export * from "./bounded/mod.ts";
export * from "./config/mod.ts";
export * from "./exit_codes.ts";
export * from "./file_snapshot.ts";
export * from "./http/mod.ts";
export * from "./log.ts";
export * from "./metrics.ts";
export * from "./ring/mod.ts";
export * from "./settles_within.ts";
export * from "./shutdown.ts";
export * from "./udp_request.ts";
