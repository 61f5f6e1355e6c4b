/**
 * The plain-data view of the reflector for a JSON API or dashboard: linked
 * clients, rooms with their talkers, the last-heard list, temporary blocks
 * and counters. Times are clock milliseconds (`Date.now` by default).
 *
 * @module
 */

import type { GatewayAccess } from "./acl.ts";
import type { ClientInfo } from "./clients.ts";
import type { ReflectorCounters } from "./counters.ts";
import type { StreamEndReason } from "./events.ts";
import type { ReflectorMode } from "./options.ts";
import type { LocalEndpointId } from "./peer.ts";
import type { TempBlock } from "./protections.ts";
import type { RoomHold, RoomSource } from "./rooms.ts";

/**
 * A linked client.
 *
 * @example Reading clients
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ClientSnapshot } from "./snapshot.ts";
 *
 * function rooms(clients: ClientSnapshot[]): number[] {
 *   return clients.map((c) => c.room);
 * }
 * equal(rooms([]).length, 0);
 * ```
 */
export interface ClientSnapshot {
  /** Link id. */
  id: number;
  /** Gateway callsign (YSFP). */
  callsign: string;
  /** Address as received. */
  address: string;
  /** Port. */
  port: number;
  /** Local endpoint. */
  via: LocalEndpointId;
  /** Current room (talks into it). */
  room: number;
  /** Every room it hears (its room and the rooms it follows), ascending. */
  hears: number[];
  /** How firmly it sits in its room. */
  hold: RoomHold;
  /** Which rule gave its first room. */
  roomSource: RoomSource | "single-room";
  /** Back-to-home setting. */
  home:
    | { dgid: number; timeoutMs: number; source: "file" | "options" }
    | undefined;
  /** ACL standing. */
  access: GatewayAccess;
  /** When it linked. */
  linkedSince: number;
  /** Its last YSFP. */
  lastPoll: number;
  /** Whether it is talking now. */
  talking: boolean;
  /** YSFI information. */
  info: ClientInfo | undefined;
  /** Last YSFO option text. */
  options: string | undefined;
}

/**
 * A talker (open stream).
 *
 * @example A talker
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TalkerSnapshot } from "./snapshot.ts";
 *
 * const talker: TalkerSnapshot = {
 *   streamId: 1, clientId: 2, clientCallsign: "GW1", gateway: "GW1", source: "G4ABC",
 *   destination: "ALL", startedAt: 0, lastFrameAt: 0, frames: 1,
 * };
 * equal(talker.source, "G4ABC");
 * ```
 */
export interface TalkerSnapshot {
  /** Stream id. */
  streamId: number;
  /** The talking client's id. */
  clientId: number;
  /** Its gateway callsign. */
  clientCallsign: string;
  /** YSFD gateway field. */
  gateway: string;
  /** YSFD source field. */
  source: string;
  /** YSFD destination field. */
  destination: string;
  /** Start. */
  startedAt: number;
  /** Last frame. */
  lastFrameAt: number;
  /** Frames so far. */
  frames: number;
}

/**
 * A room: listed DG-IDs, and any room with listeners or talkers.
 *
 * @example A room
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RoomSnapshot } from "./snapshot.ts";
 *
 * const room: RoomSnapshot = { dgid: 50, listed: true, local: false, listeners: 3, talkers: [] };
 * equal(room.talkers.length, 0);
 * ```
 */
export interface RoomSnapshot {
  /** DG-ID (0 in single-room mode). */
  dgid: number;
  /** Whether it is in the DG-ID list. */
  listed: boolean;
  /** Whether it is the local room. */
  local: boolean;
  /** Clients that hear it. */
  listeners: number;
  /** Open streams: at most one, except in the local room and single-room mode. */
  talkers: TalkerSnapshot[];
}

/**
 * One entry of the last-heard list (one per callsign, newest first).
 *
 * @example An entry
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LastHeardEntry } from "./snapshot.ts";
 *
 * const entry: LastHeardEntry = {
 *   source: "G4ABC", gateway: "GW1", clientId: 1, clientCallsign: "GW1", room: 50, local: false,
 *   streamId: 9, startedAt: 0, endedAt: 1000, frames: 10, endReason: "terminator",
 * };
 * equal(entry.endReason, "terminator");
 * ```
 */
export interface LastHeardEntry {
  /** YSFD source (talker). */
  source: string;
  /** YSFD gateway field. */
  gateway: string;
  /** Client id. */
  clientId: number;
  /** Client gateway callsign. */
  clientCallsign: string;
  /** Room. */
  room: number;
  /** In the local room. */
  local: boolean;
  /** Stream id. */
  streamId: number;
  /** Start. */
  startedAt: number;
  /** End, if it ended. */
  endedAt: number | undefined;
  /** Frames (updated at the end). */
  frames: number;
  /** Why it ended, if it did. */
  endReason: StreamEndReason | undefined;
}

/**
 * The whole reflector state, as plain data.
 *
 * @example Counting linked clients
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YsfReflectorCore } from "./reflector.ts";
 * import type { ReflectorSnapshot } from "./snapshot.ts";
 *
 * const core = new YsfReflectorCore({ name: "R", now: () => 0 }, { send() {} });
 * const snapshot: ReflectorSnapshot = core.snapshot();
 * equal(snapshot.clients.length, 0);
 * ```
 */
export interface ReflectorSnapshot {
  /** When it was taken. */
  time: number;
  /** Mode. */
  mode: ReflectorMode;
  /** Name. */
  name: string;
  /** Description. */
  description: string;
  /** 5-digit status id. */
  statusId: string;
  /** Whether `close()` was called. */
  closed: boolean;
  /** Linked clients, oldest link first. */
  clients: ClientSnapshot[];
  /** Rooms, ascending DG-ID. */
  rooms: RoomSnapshot[];
  /** Last heard, newest first. */
  lastHeard: LastHeardEntry[];
  /** Temporary blocks, soonest to end first. */
  tempBlocks: TempBlock[];
  /** Counters. */
  counters: ReflectorCounters;
}
