/**
 * The bridge's status as `GET /api/status` and the live feed report it.
 *
 * @module
 */

import type { SessionState } from "../session/session_state.ts";

/**
 * The status.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ApiStatus } from "./api_status.ts";
 *
 * const status: ApiStatus = {
 *   version: "0.1.0",
 *   uptimeSeconds: 12,
 *   tuners: { inUse: 1, total: 4 },
 *   sessions: { starting: 0, streaming: 1, closing: 0, failed: 0, closed: 0 },
 *   channels: { total: 120, enabled: 100 },
 *   requireToken: true,
 *   refreshing: false,
 *   viewers: 1,
 * };
 * equal(status.tuners.total, 4);
 * ```
 */
export interface ApiStatus {
  /** The program version. */
  version: string;
  /** Seconds since the API started. */
  uptimeSeconds: number;
  /** Tuners held and advertised. */
  tuners: { inUse: number; total: number };
  /** Live sessions by state. */
  sessions: Record<SessionState, number>;
  /** Channels in the lineup, and how many are enabled. */
  channels: { total: number; enabled: number };
  /** The lineup's version (increases on every rebuild), when known. */
  lineupVersion?: number;
  /** Whether the API asks for a token. */
  requireToken: boolean;
  /** Whether a source refresh started from the API is running. */
  refreshing: boolean;
  /** Dashboard websocket viewers. */
  viewers: number;
}

/**
 * The part of a status that changes with activity (not with time), used to
 * tell whether viewers need a new one.
 *
 * @param status The status.
 * @returns A string equal for statuses that differ only in uptime.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type ApiStatus, statusKey } from "./api_status.ts";
 *
 * const a: ApiStatus = {
 *   version: "x", uptimeSeconds: 1, tuners: { inUse: 0, total: 1 },
 *   sessions: { starting: 0, streaming: 0, closing: 0, failed: 0, closed: 0 },
 *   channels: { total: 0, enabled: 0 }, requireToken: false, refreshing: false, viewers: 0,
 * };
 * equal(statusKey(a), statusKey({ ...a, uptimeSeconds: 99 }));
 * ```
 */
export function statusKey(status: ApiStatus): string {
  return JSON.stringify([
    status.tuners,
    status.sessions,
    status.channels,
    status.lineupVersion,
    status.refreshing,
    status.viewers,
  ]);
}
