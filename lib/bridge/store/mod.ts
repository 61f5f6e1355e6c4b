/**
 * Persistent state of `shack bridge serve` in SQLite (`node:sqlite`, WAL):
 * sources with their refresh status, the lineup, user mappings, guide data
 * replaced per refresh, settings with the stable DeviceID, and a bounded
 * session history. Schema migrations are versioned with `user_version`.
 *
 * @example An in-memory store
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BridgeStore } from "./mod.ts";
 *
 * const store = new BridgeStore(":memory:");
 * store.putSource({ id: "uk", kind: "m3u", location: "/srv/uk.m3u", enabled: true, options: {} });
 * store.recordRefresh("uk", { at: 1000, ok: true, itemCount: 120 });
 * equal(store.source("uk")?.itemCount, 120);
 * equal(store.deviceId().length, 8);
 * store.close();
 * ```
 *
 * @module
 */

export * from "./schema.ts";
export * from "./store_records.ts";
export * from "./bridge_store.ts";
