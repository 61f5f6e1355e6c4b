/**
 * lib/bridge/session: the bridge's streaming sessions — one state machine
 * (`starting → streaming → closing → closed`, and `failed`), an idempotent
 * close that releases the tuner, the upstream and any child process, and a
 * registry with tuner accounting, bounded history, metrics and an orphan
 * sweep.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SessionRegistry } from "./mod.ts";
 *
 * let now = 0;
 * const registry = new SessionRegistry({ tunerCount: 1, idleTimeoutMs: 60_000, now: () => now });
 * const session = registry.open({ channel: { id: "c", guideNumber: "1", name: "One" } });
 * session.markStreaming();
 * now = 60_000;
 * equal(registry.sweep(), 1);
 * await session.closed;
 * equal(session.endReason, "idle");
 * ```
 *
 * @module
 */

export * from "./session.ts";
export * from "./session_registry.ts";
export * from "./session_state.ts";
