/**
 * What the API and the dashboard show of a live session: its channel and
 * client, state, duration, bytes and current bitrate.
 *
 * @module
 */

import type { SessionRecord } from "../session/session.ts";
import type { SessionState } from "../session/session_state.ts";

/**
 * A session as the API shows it.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SessionView } from "./session_view.ts";
 *
 * const view: SessionView = {
 *   id: "s1",
 *   channel: { id: "c", guideNumber: "101", name: "BBC One" },
 *   client: { address: "192.0.2.7", userAgent: "Lavf/60" },
 *   state: "streaming",
 *   startedAt: 1_700_000_000_000,
 *   durationMs: 60_000,
 *   idleMs: 0,
 *   bytes: 30_000_000,
 *   bitrate: 4_000_000,
 * };
 * equal(view.state, "streaming");
 * ```
 */
export interface SessionView {
  /** Session id. */
  id: string;
  /** The channel tuned. */
  channel: { id: string; guideNumber: string; name: string };
  /** The client. */
  client: { address?: string; userAgent?: string };
  /** The state. */
  state: SessionState;
  /** When it started, wall clock ms (estimated from the session clock). */
  startedAt: number;
  /** How long it has run, ms. */
  durationMs: number;
  /** Since the last byte was delivered, ms. */
  idleMs: number;
  /** Bytes delivered. */
  bytes: number;
  /** Current bits per second (the average so far until the window fills). */
  bitrate: number;
  /** Why it is ending. */
  endReason?: string;
  /** The error of a failed session. */
  error?: string;
}

/**
 * The clocks and the measured rate {@link sessionView} needs.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SessionViewContext } from "./session_view.ts";
 *
 * const context: SessionViewContext = { now: 5000, wallNow: 1_700_000_005_000 };
 * equal(context.bitrate, undefined);
 * ```
 */
export interface SessionViewContext {
  /** The session clock now (the registry's clock), ms. */
  now: number;
  /** The wall clock now, ms since the epoch. */
  wallNow: number;
  /** The measured bitrate, if the meter has one. */
  bitrate?: number;
}

/**
 * Makes the view of a session snapshot.
 *
 * @param record The session's snapshot.
 * @param context Clocks and the measured bitrate.
 * @returns The view.
 *
 * @example Average bitrate until a measured one exists
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sessionView } from "./session_view.ts";
 *
 * const view = sessionView({
 *   id: "s1",
 *   channel: { id: "c", guideNumber: "1", name: "One" },
 *   client: {},
 *   tunerKey: "s1",
 *   state: "streaming",
 *   startedAt: 1000,
 *   streamingAt: 1000,
 *   lastActivityAt: 3000,
 *   bytes: 500_000,
 * }, { now: 3000, wallNow: 1_700_000_000_000 });
 * equal(view.durationMs, 2000);
 * equal(view.bitrate, 2_000_000);
 * equal(view.startedAt, 1_699_999_998_000);
 * ```
 */
export function sessionView(
  record: SessionRecord,
  context: SessionViewContext,
): SessionView {
  const durationMs = Math.max(0, context.now - record.startedAt);
  let bitrate = context.bitrate;
  if (bitrate === undefined) {
    const since = record.streamingAt;
    const span = since === undefined ? 0 : context.now - since;
    bitrate = span >= 500 ? Math.round((record.bytes * 8 * 1000) / span) : 0;
  }
  const client: SessionView["client"] = {};
  if (record.client.address !== undefined) {
    client.address = record.client.address;
  }
  if (record.client.userAgent !== undefined) {
    client.userAgent = record.client.userAgent;
  }
  const view: SessionView = {
    id: record.id,
    channel: {
      id: record.channel.id,
      guideNumber: record.channel.guideNumber,
      name: record.channel.name,
    },
    client,
    state: record.state,
    startedAt: Math.round(context.wallNow - durationMs),
    durationMs: Math.round(durationMs),
    idleMs: Math.max(0, Math.round(context.now - record.lastActivityAt)),
    bytes: record.bytes,
    bitrate,
  };
  if (record.endReason !== undefined) view.endReason = record.endReason;
  if (record.error !== undefined) view.error = record.error;
  return view;
}
