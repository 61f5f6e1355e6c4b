/**
 * The events the reflector state machine emits through `io.event`: what
 * pYSFReflector3's JSON monitor and the G4KLX log lines need (links,
 * unlinks, room changes, stream start/end, blocked and dropped
 * transmissions, temporary blocks). Plain data; the I/O layer formats them.
 *
 * @module
 */

import type { Fich } from "../fich.ts";
import type { HeaderPayload } from "../payload.ts";
import type { BlockReason, GatewayAccess } from "./acl.ts";
import type { LocalEndpointId } from "./peer.ts";
import type { TempBlock, TempBlockRemoval } from "./protections.ts";
import type { RoomHold, RoomSource } from "./rooms.ts";

/**
 * A linked client, as events show it.
 *
 * @example A summary
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ClientSummary } from "./events.ts";
 *
 * const client: ClientSummary = {
 *   id: 1, callsign: "GW1ABC", address: "192.0.2.1", port: 42000, via: "main", room: 50, hold: "dynamic",
 * };
 * equal(client.room, 50);
 * ```
 */
export interface ClientSummary {
  /** The reflector's id of this link (increasing, never reused). */
  id: number;
  /** The gateway callsign from its YSFP. */
  callsign: string;
  /** Its address, as received. */
  address: string;
  /** Its port. */
  port: number;
  /** The local endpoint it linked on. */
  via: LocalEndpointId;
  /** Its current room (0 in single-room mode). */
  room: number;
  /** How firmly it sits in its room. */
  hold: RoomHold;
}

/**
 * A stream (one talker's transmission), as events show it.
 *
 * @example A stream
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StreamInfo } from "./events.ts";
 *
 * const stream: StreamInfo = {
 *   id: 7, room: 50, local: false,
 *   client: { id: 1, callsign: "GW1", address: "192.0.2.1", port: 42000, via: "main", room: 50, hold: "dynamic" },
 *   gateway: "GW1", source: "G4ABC", destination: "ALL", startedAt: 0, fich: undefined, header: undefined,
 * };
 * equal(stream.source, "G4ABC");
 * ```
 */
export interface StreamInfo {
  /** The reflector's stream id (increasing). */
  id: number;
  /** The room it is in (0 in single-room mode). */
  room: number;
  /** Whether it is in the local room (never relayed). */
  local: boolean;
  /** The client it comes from. */
  client: ClientSummary;
  /** YSFD bytes 4..13 of its first frame (the node that put it on the net). */
  gateway: string;
  /** YSFD bytes 14..23 (the talker). */
  source: string;
  /** YSFD bytes 24..33 (`ALL` for group calls). */
  destination: string;
  /** When it started (clock ms). */
  startedAt: number;
  /** The header frame's FICH (rooms mode). */
  fich: Fich | undefined;
  /** The header's decoded callsigns (rooms mode). */
  header: HeaderPayload | undefined;
}

/**
 * Why a stream ended:
 *
 * - `terminator`: a terminator frame (FICH FI = 2).
 * - `end-flag`: YSFD byte 34 bit 0.
 * - `watchdog`: no frame for `watchdogMs` (default 1.5 s).
 * - `timeout`: the TOT cut it.
 * - `unlinked`: its client unlinked or expired.
 * - `blocked`: single-room mode: a late-entry stream whose talker became
 *   known only after it started, and is blocked.
 *
 * @example A reason
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StreamEndReason } from "./events.ts";
 *
 * const reason: StreamEndReason = "watchdog";
 * equal(reason, "watchdog");
 * ```
 */
export type StreamEndReason =
  | "terminator"
  | "end-flag"
  | "watchdog"
  | "timeout"
  | "unlinked"
  | "blocked";

/**
 * Why a transmission was dropped (reported once per transmission):
 * `busy` (the room has a talker), `no_header` (late entry),
 * `reserved_dgid` (header DG-ID 127), `stream_limit` (stream table full).
 *
 * @example A reason
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DroppedReason } from "./events.ts";
 *
 * const reason: DroppedReason = "busy";
 * equal(reason, "busy");
 * ```
 */
export type DroppedReason =
  | "busy"
  | "no_header"
  | "reserved_dgid"
  | "stream_limit";

/**
 * Why a client changed room: `radio` (a header with another listed DG-ID),
 * `options` (YSFO), `back-to-home` (the home timer), `home-file` (a reloaded
 * home file fixed it elsewhere).
 *
 * @example A reason
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RoomChangeReason } from "./events.ts";
 *
 * const reason: RoomChangeReason = "radio";
 * equal(reason, "radio");
 * ```
 */
export type RoomChangeReason =
  | "radio"
  | "options"
  | "back-to-home"
  | "home-file";

/**
 * An event of the reflector, discriminated by `type`:
 *
 * - `client-linked`: a new client (first YSFP); `source` says which rule
 *   gave its room, `access` its ACL standing.
 * - `client-unlinked`: `unlinked` (YSFU) or `expired` (no YSFP for 60 s).
 * - `room-changed`: a client moved room.
 * - `stream-start`: a transmission opened (FICH fields and header
 *   callsigns in rooms mode).
 * - `stream-end`: it ended; `durationMs` and `frames` for the log.
 * - `blocked`: a transmission refused by the ACL or a temporary block
 *   (once per transmission).
 * - `dropped`: a transmission dropped for another reason (once per
 *   transmission).
 * - `temp-block-added` / `temp-block-removed`: TOT / wild-PTT blocks.
 *
 * @example Logging stream ends
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ReflectorEvent } from "./events.ts";
 *
 * const lines: string[] = [];
 * function onEvent(event: ReflectorEvent): void {
 *   if (event.type === "stream-end" && event.reason === "watchdog") {
 *     lines.push("Network watchdog has expired");
 *   }
 * }
 * onEvent({ type: "temp-block-removed", block: { callsign: "G4ABC", reason: "timeout", since: 0, until: 1 }, reason: "expired" });
 * equal(lines.length, 0);
 * ```
 */
export type ReflectorEvent =
  | {
    type: "client-linked";
    client: ClientSummary;
    source: RoomSource | "single-room";
    access: GatewayAccess;
  }
  | {
    type: "client-unlinked";
    client: ClientSummary;
    reason: "unlinked" | "expired";
  }
  | {
    type: "room-changed";
    client: ClientSummary;
    from: number;
    to: number;
    reason: RoomChangeReason;
  }
  | { type: "stream-start"; stream: StreamInfo }
  | {
    type: "stream-end";
    stream: StreamInfo;
    reason: StreamEndReason;
    endedAt: number;
    durationMs: number;
    frames: number;
  }
  | {
    type: "blocked";
    reason: BlockReason;
    client: ClientSummary;
    gateway: string;
    source: string;
  }
  | {
    type: "dropped";
    reason: DroppedReason;
    client: ClientSummary;
    gateway: string;
    source: string;
    room: number;
  }
  | { type: "temp-block-added"; block: TempBlock }
  | { type: "temp-block-removed"; block: TempBlock; reason: TempBlockRemoval };
