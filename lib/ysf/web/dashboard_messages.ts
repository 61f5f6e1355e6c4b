/**
 * The messages the YSF web dashboard receives over its websocket, and the
 * pure functions that build them: a full `snapshot` (on connect, every few
 * seconds, and after a frame was dropped), `delta` batches made from
 * reflector events (links, unlinks, room changes, talkers starting and
 * ending, refused transmissions, temporary blocks), and `counters`. Every
 * message is one JSON text frame; `now` is the server clock (ms) so the
 * page can run talker durations without trusting its own clock.
 *
 * `dashboard_state.js` (served to the browser) applies these messages; a
 * snapshot followed by the deltas of the events since gives the same state
 * as a later snapshot (except `lastPoll`, which only snapshots refresh).
 *
 * @module
 */

import type { ReflectorCounters } from "../reflector/counters.ts";
import type { ReflectorEvent } from "../reflector/events.ts";
import type { ReflectorSnapshot } from "../reflector/snapshot.ts";

/**
 * How client addresses are shown: `full` (`192.0.2.7`), `masked` (the
 * first half only: `192.0.*.*`, `2001:db8:*`) or `hidden` (empty, port 0).
 * Public dashboards in the EU usually mask them (an IP address is personal
 * data).
 *
 * @example Masking
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type AddressDisplay, showAddress } from "./dashboard_messages.ts";
 *
 * const display: AddressDisplay = "masked";
 * equal(showAddress("192.0.2.7", display), "192.0.*.*");
 * ```
 */
export type AddressDisplay = "full" | "masked" | "hidden";

/**
 * A linked gateway as the page shows it.
 *
 * @example A row
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DashboardClient } from "./dashboard_messages.ts";
 *
 * const client: DashboardClient = {
 *   id: 1, callsign: "GW1ABC", address: "192.0.2.1", port: 42000, via: "main", room: 50,
 *   hears: [50], hold: "dynamic", access: "full", home: null, linkedSince: 0, lastPoll: 0, talking: false,
 * };
 * equal(client.hears[0], 50);
 * ```
 */
export interface DashboardClient {
  /** Link id (never reused). */
  id: number;
  /** Gateway callsign (YSFP). */
  callsign: string;
  /** Address, as {@link AddressDisplay} allows. */
  address: string;
  /** Port (0 when addresses are hidden). */
  port: number;
  /** Local endpoint it linked on. */
  via: string;
  /** The room it talks into. */
  room: number;
  /** Every room it hears, ascending. */
  hears: number[];
  /** `dynamic`, `static` or `fixed`. */
  hold: string;
  /** `full`, `listen-only` or `locked`. */
  access: string;
  /** Back-to-home DG-ID, if set. */
  home: number | null;
  /** When it linked (server ms). */
  linkedSince: number;
  /** Its last poll (server ms; refreshed by snapshots only). */
  lastPoll: number;
  /** Whether it is talking now. */
  talking: boolean;
}

/**
 * A talker (open stream).
 *
 * @example A talker
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DashboardTalker } from "./dashboard_messages.ts";
 *
 * const talker: DashboardTalker = {
 *   streamId: 3, clientId: 1, clientCallsign: "GW1ABC", gateway: "GW1ABC",
 *   source: "G4ABC", destination: "ALL", startedAt: 0,
 * };
 * equal(talker.source, "G4ABC");
 * ```
 */
export interface DashboardTalker {
  /** Stream id. */
  streamId: number;
  /** The talking client's link id. */
  clientId: number;
  /** Its gateway callsign. */
  clientCallsign: string;
  /** YSFD gateway field. */
  gateway: string;
  /** YSFD source field (the talker). */
  source: string;
  /** YSFD destination field. */
  destination: string;
  /** Start (server ms). */
  startedAt: number;
}

/**
 * A room: a listed DG-ID, or any room with listeners or talkers. Listener
 * counts are derived from the clients' `hears` by the page.
 *
 * @example A room
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DashboardRoom } from "./dashboard_messages.ts";
 *
 * const room: DashboardRoom = { dgid: 50, listed: true, local: false, talkers: [] };
 * equal(room.talkers.length, 0);
 * ```
 */
export interface DashboardRoom {
  /** DG-ID (0 in single-room mode). */
  dgid: number;
  /** In the DG-ID list. */
  listed: boolean;
  /** The local room (never relayed). */
  local: boolean;
  /** Open streams. */
  talkers: DashboardTalker[];
}

/**
 * One last-heard row (one per talker callsign, newest first).
 *
 * @example A row
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DashboardHeard } from "./dashboard_messages.ts";
 *
 * const heard: DashboardHeard = {
 *   source: "G4ABC", gateway: "GW1ABC", clientId: 1, clientCallsign: "GW1ABC", room: 50, local: false,
 *   streamId: 3, startedAt: 0, endedAt: 4000, frames: 40, endReason: "terminator",
 * };
 * equal(heard.endedAt! - heard.startedAt, 4000);
 * ```
 */
export interface DashboardHeard {
  /** Talker. */
  source: string;
  /** YSFD gateway field. */
  gateway: string;
  /** Link id of the client it came from. */
  clientId: number;
  /** That client's callsign. */
  clientCallsign: string;
  /** Room. */
  room: number;
  /** In the local room. */
  local: boolean;
  /** Stream id. */
  streamId: number;
  /** Start (server ms). */
  startedAt: number;
  /** End (server ms), or `null` while it runs. */
  endedAt: number | null;
  /** Frames (known at the end). */
  frames: number;
  /** Why it ended, or `null` while it runs. */
  endReason: string | null;
}

/**
 * A temporary block (TOT or wild-PTT).
 *
 * @example A block
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DashboardBlock } from "./dashboard_messages.ts";
 *
 * const block: DashboardBlock = { callsign: "G4ABC", reason: "wild-ptt", since: 0, until: 900_000 };
 * equal(block.reason, "wild-ptt");
 * ```
 */
export interface DashboardBlock {
  /** Base callsign. */
  callsign: string;
  /** `timeout` or `wild-ptt`. */
  reason: string;
  /** Start (server ms). */
  since: number;
  /** End (server ms). */
  until: number;
}

/**
 * A refused transmission: `blocked` by the access rules (reason `DT`,
 * `GW`, `IP`, `SN`, `CS`, `TEMP`) or `dropped` (`busy`, `no_header`,
 * `reserved_dgid`, `stream_limit`).
 *
 * @example A refusal
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DashboardRefusal } from "./dashboard_messages.ts";
 *
 * const refusal: DashboardRefusal = {
 *   time: 0, kind: "dropped", reason: "busy", source: "G4XYZ", gateway: "GW2", clientCallsign: "GW2", room: 50,
 * };
 * equal(refusal.reason, "busy");
 * ```
 */
export interface DashboardRefusal {
  /** When (server ms). */
  time: number;
  /** Which kind of refusal. */
  kind: "blocked" | "dropped";
  /** Why. */
  reason: string;
  /** Talker. */
  source: string;
  /** YSFD gateway field. */
  gateway: string;
  /** The client it came from. */
  clientCallsign: string;
  /** Room, when known. */
  room: number | null;
}

/**
 * The reflector counters the page shows.
 *
 * @example Counters
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createCounters } from "../reflector/counters.ts";
 * import { dashboardCounters } from "./dashboard_messages.ts";
 *
 * equal(dashboardCounters(createCounters()).drops.busy, 0);
 * ```
 */
export interface DashboardCounters {
  /** Datagrams received. */
  datagrams: number;
  /** Datagrams acted on. */
  accepted: number;
  /** YSFD frames relayed. */
  relayedFrames: number;
  /** Streams opened. */
  streams: number;
  /** Links. */
  linked: number;
  /** YSFU unlinks. */
  unlinked: number;
  /** Expired links. */
  expired: number;
  /** Datagrams in, by type. */
  packetsIn: Record<string, number>;
  /** Packets out, by kind. */
  packetsOut: Record<string, number>;
  /** Drops, by reason. */
  drops: Record<string, number>;
  /** Refused transmissions, by ACL reason. */
  blockedStreams: Record<string, number>;
}

/**
 * The reflector's identity.
 *
 * @example Info
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DashboardInfo } from "./dashboard_messages.ts";
 *
 * const info: DashboardInfo = { name: "SHACK", description: "Test", statusId: "12345", mode: "rooms", version: "" };
 * equal(info.statusId.length, 5);
 * ```
 */
export interface DashboardInfo {
  /** Reflector name. */
  name: string;
  /** Description. */
  description: string;
  /** 5-digit status id. */
  statusId: string;
  /** `rooms` or `single`. */
  mode: string;
  /** Program version (may be empty). */
  version: string;
}

/**
 * The whole state: sent on connect, every few seconds and to resync a
 * socket that missed a frame.
 *
 * @example Reading a snapshot message
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YsfReflectorCore } from "../reflector/reflector.ts";
 * import { snapshotMessage } from "./dashboard_messages.ts";
 *
 * const core = new YsfReflectorCore({ name: "R", now: () => 5 }, { send() {} });
 * const message = snapshotMessage(core.snapshot(), { now: 5 });
 * equal(message.type, "snapshot");
 * equal(message.info.name, "R");
 * ```
 */
export interface SnapshotMessage {
  /** Discriminator. */
  type: "snapshot";
  /** Server clock, ms. */
  now: number;
  /** Identity. */
  info: DashboardInfo;
  /** Linked gateways, oldest link first. */
  clients: DashboardClient[];
  /** Rooms, ascending DG-ID. */
  rooms: DashboardRoom[];
  /** Last heard, newest first, at most `lastHeardMax`. */
  lastHeard: DashboardHeard[];
  /** The page keeps at most this many last-heard rows. */
  lastHeardMax: number;
  /** Temporary blocks. */
  tempBlocks: DashboardBlock[];
  /** Recent refused transmissions, newest first. */
  refused: DashboardRefusal[];
  /** The page keeps at most this many refusals. */
  refusedMax: number;
  /** Counters. */
  counters: DashboardCounters;
  /** Connected dashboard viewers. */
  viewers: number;
}

/**
 * One change, made from one reflector event (see {@link eventToDelta}):
 *
 * - `link` / `unlink`: a gateway linked or left (`unlinked` or `expired`).
 * - `room`: a gateway moved from one room to another.
 * - `start` / `end`: a talker opened or closed a stream.
 * - `refused`: a transmission was blocked or dropped.
 * - `block` / `unblock`: a temporary block started or ended.
 *
 * @example A start
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DashboardDelta } from "./dashboard_messages.ts";
 *
 * const delta: DashboardDelta = { kind: "unlink", id: 4, reason: "expired" };
 * equal(delta.kind, "unlink");
 * ```
 */
export type DashboardDelta =
  | { kind: "link"; client: DashboardClient }
  | { kind: "unlink"; id: number; reason: string }
  | { kind: "room"; id: number; from: number; to: number; reason: string }
  | { kind: "start"; room: number; local: boolean; talker: DashboardTalker }
  | {
    kind: "end";
    room: number;
    streamId: number;
    clientId: number;
    endedAt: number;
    frames: number;
    reason: string;
  }
  | { kind: "refused"; refusal: DashboardRefusal }
  | { kind: "block"; block: DashboardBlock }
  | { kind: "unblock"; callsign: string };

/**
 * A batch of deltas, in event order.
 *
 * @example A batch
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DeltaMessage } from "./dashboard_messages.ts";
 *
 * const message: DeltaMessage = { type: "delta", now: 0, events: [] };
 * equal(message.events.length, 0);
 * ```
 */
export interface DeltaMessage {
  /** Discriminator. */
  type: "delta";
  /** Server clock, ms. */
  now: number;
  /** The changes. */
  events: DashboardDelta[];
}

/**
 * Fresh counters (they change with every datagram, so they are sent on a
 * timer rather than per event).
 *
 * @example Counters
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createCounters } from "../reflector/counters.ts";
 * import { countersMessage } from "./dashboard_messages.ts";
 *
 * equal(countersMessage(createCounters(), 0, 2).viewers, 2);
 * ```
 */
export interface CountersMessage {
  /** Discriminator. */
  type: "counters";
  /** Server clock, ms. */
  now: number;
  /** Counters. */
  counters: DashboardCounters;
  /** Connected dashboard viewers. */
  viewers: number;
}

/**
 * Any message on the dashboard websocket.
 *
 * @example Dispatching
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DashboardMessage } from "./dashboard_messages.ts";
 *
 * function describe(message: DashboardMessage): string {
 *   return message.type === "delta" ? `${message.events.length} changes` : message.type;
 * }
 * equal(describe({ type: "delta", now: 0, events: [] }), "0 changes");
 * ```
 */
export type DashboardMessage = SnapshotMessage | DeltaMessage | CountersMessage;

/**
 * Options of {@link snapshotMessage}.
 *
 * @example Options
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SnapshotMessageOptions } from "./dashboard_messages.ts";
 *
 * const options: SnapshotMessageOptions = { now: 0, lastHeardMax: 10, addresses: "masked" };
 * equal(options.lastHeardMax, 10);
 * ```
 */
export interface SnapshotMessageOptions {
  /** Server clock, ms. */
  now: number;
  /** Most last-heard rows sent. Default 30. */
  lastHeardMax?: number;
  /** Recent refusals, newest first. Default none. */
  refused?: readonly DashboardRefusal[];
  /** Most refusals the page keeps. Default 20. */
  refusedMax?: number;
  /** Address display. Default `full`. */
  addresses?: AddressDisplay;
  /** Connected viewers. Default 0. */
  viewers?: number;
  /** Program version. Default empty. */
  version?: string;
}

/**
 * Builds the `snapshot` message from the reflector's snapshot.
 *
 * @param snapshot `YsfReflectorCore.snapshot()`.
 * @param options Clock, limits and address display.
 * @returns The message.
 *
 * @example Masked addresses
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildPoll } from "../packets.ts";
 * import { YsfReflectorCore } from "../reflector/reflector.ts";
 * import { snapshotMessage } from "./dashboard_messages.ts";
 *
 * const core = new YsfReflectorCore({ name: "R", now: () => 0 }, { send() {} });
 * core.handle(buildPoll("GW1ABC"), { address: "192.0.2.9", port: 42000 }, "main");
 * const message = snapshotMessage(core.snapshot(), { now: 0, addresses: "masked" });
 * equal(message.clients[0].address, "192.0.*.*");
 * ```
 */
export function snapshotMessage(
  snapshot: ReflectorSnapshot,
  options: SnapshotMessageOptions,
): SnapshotMessage {
  const addresses = options.addresses ?? "full";
  const lastHeardMax = options.lastHeardMax ?? 30;
  const refusedMax = options.refusedMax ?? 20;
  return {
    type: "snapshot",
    now: options.now,
    info: {
      name: snapshot.name,
      description: snapshot.description,
      statusId: snapshot.statusId,
      mode: snapshot.mode,
      version: options.version ?? "",
    },
    clients: snapshot.clients.map((c) => ({
      id: c.id,
      callsign: c.callsign,
      address: showAddress(c.address, addresses),
      port: addresses === "hidden" ? 0 : c.port,
      via: c.via,
      room: c.room,
      hears: [...c.hears],
      hold: c.hold,
      access: c.access,
      home: c.home?.dgid ?? null,
      linkedSince: c.linkedSince,
      lastPoll: c.lastPoll,
      talking: c.talking,
    })),
    rooms: snapshot.rooms.map((r) => ({
      dgid: r.dgid,
      listed: r.listed,
      local: r.local,
      talkers: r.talkers.map((t) => ({
        streamId: t.streamId,
        clientId: t.clientId,
        clientCallsign: t.clientCallsign,
        gateway: t.gateway,
        source: t.source,
        destination: t.destination,
        startedAt: t.startedAt,
      })),
    })),
    lastHeard: snapshot.lastHeard.slice(0, lastHeardMax).map((h) => ({
      source: h.source,
      gateway: h.gateway,
      clientId: h.clientId,
      clientCallsign: h.clientCallsign,
      room: h.room,
      local: h.local,
      streamId: h.streamId,
      startedAt: h.startedAt,
      endedAt: h.endedAt ?? null,
      frames: h.frames,
      endReason: h.endReason ?? null,
    })),
    lastHeardMax,
    tempBlocks: snapshot.tempBlocks.map((b) => ({
      callsign: b.callsign,
      reason: b.reason,
      since: b.since,
      until: b.until,
    })),
    refused: (options.refused ?? []).slice(0, refusedMax),
    refusedMax,
    counters: dashboardCounters(snapshot.counters),
    viewers: options.viewers ?? 0,
  };
}

/**
 * Options of {@link eventToDelta}.
 *
 * @example Options
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EventToDeltaOptions } from "./dashboard_messages.ts";
 *
 * const options: EventToDeltaOptions = { now: 1000, addresses: "hidden" };
 * equal(options.now, 1000);
 * ```
 */
export interface EventToDeltaOptions {
  /** Server clock, ms (the time of a link or refusal). */
  now: number;
  /** Address display. Default `full`. */
  addresses?: AddressDisplay;
}

/**
 * Turns a reflector event into the change the page applies.
 *
 * @param event The event.
 * @param options Clock and address display.
 * @returns The delta.
 *
 * @example A link
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { eventToDelta } from "./dashboard_messages.ts";
 *
 * const delta = eventToDelta({
 *   type: "client-linked", source: "default", access: "full",
 *   client: { id: 1, callsign: "GW1ABC", address: "192.0.2.1", port: 42000, via: "main", room: 50, hold: "dynamic" },
 * }, { now: 1000 });
 * equal(delta.kind, "link");
 * if (delta.kind === "link") equal(delta.client.linkedSince, 1000);
 * ```
 */
export function eventToDelta(
  event: ReflectorEvent,
  options: EventToDeltaOptions,
): DashboardDelta {
  const now = options.now;
  const addresses = options.addresses ?? "full";
  switch (event.type) {
    case "client-linked": {
      const c = event.client;
      return {
        kind: "link",
        client: {
          id: c.id,
          callsign: c.callsign,
          address: showAddress(c.address, addresses),
          port: addresses === "hidden" ? 0 : c.port,
          via: c.via,
          room: c.room,
          hears: [c.room],
          hold: c.hold,
          access: event.access,
          home: null,
          linkedSince: now,
          lastPoll: now,
          talking: false,
        },
      };
    }
    case "client-unlinked":
      return { kind: "unlink", id: event.client.id, reason: event.reason };
    case "room-changed":
      return {
        kind: "room",
        id: event.client.id,
        from: event.from,
        to: event.to,
        reason: event.reason,
      };
    case "stream-start": {
      const s = event.stream;
      return {
        kind: "start",
        room: s.room,
        local: s.local,
        talker: {
          streamId: s.id,
          clientId: s.client.id,
          clientCallsign: s.client.callsign,
          gateway: s.gateway,
          source: s.source,
          destination: s.destination,
          startedAt: s.startedAt,
        },
      };
    }
    case "stream-end":
      return {
        kind: "end",
        room: event.stream.room,
        streamId: event.stream.id,
        clientId: event.stream.client.id,
        endedAt: event.endedAt,
        frames: event.frames,
        reason: event.reason,
      };
    case "blocked":
      return {
        kind: "refused",
        refusal: {
          time: now,
          kind: "blocked",
          reason: event.reason,
          source: event.source,
          gateway: event.gateway,
          clientCallsign: event.client.callsign,
          room: event.client.room,
        },
      };
    case "dropped":
      return {
        kind: "refused",
        refusal: {
          time: now,
          kind: "dropped",
          reason: event.reason,
          source: event.source,
          gateway: event.gateway,
          clientCallsign: event.client.callsign,
          room: event.room,
        },
      };
    case "temp-block-added":
      return {
        kind: "block",
        block: {
          callsign: event.block.callsign,
          reason: event.block.reason,
          since: event.block.since,
          until: event.block.until,
        },
      };
    case "temp-block-removed":
      return { kind: "unblock", callsign: event.block.callsign };
  }
}

/**
 * Builds a `counters` message.
 *
 * @param counters `YsfReflectorCore.counters`.
 * @param now Server clock, ms.
 * @param viewers Connected dashboard viewers.
 * @returns The message.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createCounters } from "../reflector/counters.ts";
 * import { countersMessage } from "./dashboard_messages.ts";
 *
 * const counters = createCounters();
 * counters.drops.busy = 3;
 * equal(countersMessage(counters, 10, 1).counters.drops.busy, 3);
 * ```
 */
export function countersMessage(
  counters: ReflectorCounters,
  now: number,
  viewers: number,
): CountersMessage {
  return {
    type: "counters",
    now,
    counters: dashboardCounters(counters),
    viewers,
  };
}

/**
 * The part of the reflector counters the page shows (copied).
 *
 * @param counters The reflector counters.
 * @returns The page's counters.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createCounters } from "../reflector/counters.ts";
 * import { dashboardCounters } from "./dashboard_messages.ts";
 *
 * const counters = createCounters();
 * counters.packetsIn.poll = 7;
 * equal(dashboardCounters(counters).packetsIn.poll, 7);
 * ```
 */
export function dashboardCounters(
  counters: ReflectorCounters,
): DashboardCounters {
  return {
    datagrams: counters.datagrams,
    accepted: counters.accepted,
    relayedFrames: counters.relayedFrames,
    streams: counters.streams,
    linked: counters.linked,
    unlinked: counters.unlinked,
    expired: counters.expired,
    packetsIn: { ...counters.packetsIn },
    packetsOut: { ...counters.packetsOut },
    drops: { ...counters.drops },
    blockedStreams: { ...counters.blockedStreams },
  };
}

/**
 * An address as {@link AddressDisplay} allows: `masked` keeps the first two
 * IPv4 octets (also of an IPv4-mapped IPv6 address) or the first two IPv6
 * groups.
 *
 * @param address The address as received.
 * @param display How to show it.
 * @returns The text to show.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { showAddress } from "./dashboard_messages.ts";
 *
 * equal(showAddress("2001:db8:1:2::7", "masked"), "2001:db8:*");
 * equal(showAddress("2001:db8::7", "masked"), "2001:db8:*");
 * equal(showAddress("::ffff:192.0.2.7", "masked"), "192.0.*.*");
 * equal(showAddress("192.0.2.7", "hidden"), "");
 * ```
 */
export function showAddress(address: string, display: AddressDisplay): string {
  if (display === "full") return address;
  if (display === "hidden") return "";
  const v4 = /(?:^|:)(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(address);
  if (v4 !== null) return `${v4[1]}.${v4[2]}.*.*`;
  const groups = address.split("::")[0].split(":").filter((g) => g !== "")
    .slice(0, 2);
  return groups.length === 0 ? "*" : `${groups.join(":")}:*`;
}
