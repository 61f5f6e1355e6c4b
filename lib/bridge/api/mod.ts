/**
 * lib/bridge/api: the management API and dashboard of `shack bridge
 * serve` — JSON endpoints for status, sources, channels (search, enable,
 * renumber), live sessions (with kill) and the recent log; a live
 * websocket for the dashboard; and an API token required unless the
 * server is bound to loopback only.
 *
 * @example Wiring it to a registry, a store and a lineup
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BridgeApi, ensureApiToken, LogRing } from "./mod.ts";
 * import { Logger } from "../../core/log.ts";
 * import { Lineup } from "../lineup/lineup.ts";
 * import { SessionRegistry } from "../session/session_registry.ts";
 * import { BridgeStore } from "../store/bridge_store.ts";
 *
 * const store = new BridgeStore(":memory:");
 * const ring = new LogRing({ capacity: 200 });
 * const logger = new Logger({ sink: ring.sink });
 * // The registry tells the API of session changes; the API needs the registry.
 * const wiring: { api?: BridgeApi } = {};
 * const sessions = new SessionRegistry({ tunerCount: 2, onChange: (r) => wiring.api?.onSessionChange(r) });
 * const api = new BridgeApi({
 *   sessions,
 *   store,
 *   lineup: new Lineup(),
 *   rebuildLineup: () => {},
 *   token: ensureApiToken(store).token,
 *   requireToken: false,
 *   log: ring,
 *   logger,
 * });
 * wiring.api = api;
 * const info = { remoteAddr: { transport: "tcp" as const, hostname: "127.0.0.1", port: 40000 } };
 * const response = await api.handle(new Request("http://127.0.0.1/api/sessions"), info);
 * equal((await response?.json()).sessions.length, 0);
 * await api.close();
 * await sessions.close();
 * store.close();
 * ```
 *
 * @module
 */

export * from "./api_auth.ts";
export * from "./api_deps.ts";
export * from "./api_error.ts";
export * from "./api_status.ts";
export * from "./api_token.ts";
export * from "./bitrate_meter.ts";
export * from "./bridge_api.ts";
export * from "./channel_patch.ts";
export * from "./channel_search.ts";
export * from "./json_body.ts";
export * from "./live_feed.ts";
export * from "./log_ring.ts";
export * from "./session_view.ts";
export * from "./source_view.ts";
