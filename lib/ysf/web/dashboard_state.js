// @ts-check
/**
 * The YSF dashboard page's model: applies the websocket messages of
 * `dashboard_messages.ts` (snapshot, delta batches, counters) to a plain
 * state object. No DOM here, so the same file runs in the browser and in
 * Deno's tests. Every collection is bounded (last heard and refusals by the
 * limits the snapshot gives, blocks by a fixed cap); a snapshot replaces
 * everything.
 *
 * @module
 */

/** @typedef {import("./dashboard_messages.ts").DashboardClient} DashboardClient */
/** @typedef {import("./dashboard_messages.ts").DashboardTalker} DashboardTalker */
/** @typedef {import("./dashboard_messages.ts").DashboardHeard} DashboardHeard */
/** @typedef {import("./dashboard_messages.ts").DashboardBlock} DashboardBlock */
/** @typedef {import("./dashboard_messages.ts").DashboardRefusal} DashboardRefusal */
/** @typedef {import("./dashboard_messages.ts").DashboardCounters} DashboardCounters */
/** @typedef {import("./dashboard_messages.ts").DashboardInfo} DashboardInfo */
/** @typedef {import("./dashboard_messages.ts").DashboardDelta} DashboardDelta */

/**
 * A room as the state keeps it.
 *
 * @typedef {{ dgid: number, listed: boolean, local: boolean, talkers: Map<number, DashboardTalker> }} StateRoom
 */

/**
 * A room as the page shows it, with its listener count.
 *
 * @typedef {{ dgid: number, listed: boolean, local: boolean, listeners: number, talkers: DashboardTalker[] }} RoomView
 */

/**
 * The page's state.
 *
 * @typedef {object} DashboardState
 * @property {DashboardInfo | null} info Identity (null before the first snapshot).
 * @property {Map<number, DashboardClient>} clients Linked gateways by link id.
 * @property {Map<number, StateRoom>} rooms Rooms by DG-ID.
 * @property {DashboardHeard[]} lastHeard Newest first.
 * @property {number} lastHeardMax Most last-heard rows kept.
 * @property {Map<string, DashboardBlock>} tempBlocks Temporary blocks by callsign.
 * @property {DashboardRefusal[]} refused Newest first.
 * @property {number} refusedMax Most refusals kept.
 * @property {DashboardCounters | null} counters Counters.
 * @property {number} viewers Connected viewers.
 * @property {number} now The server clock of the last message.
 * @property {boolean} synced Whether a snapshot was applied.
 */

/**
 * Most temporary blocks kept between snapshots.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_BLOCKS } from "./dashboard_state.js";
 *
 * equal(MAX_BLOCKS, 1000);
 * ```
 */
export const MAX_BLOCKS = 1000;

/**
 * Most clients kept between snapshots (links beyond wait for the next one).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_CLIENTS } from "./dashboard_state.js";
 *
 * equal(MAX_CLIENTS, 10000);
 * ```
 */
export const MAX_CLIENTS = 10000;

/**
 * An empty state.
 *
 * @returns {DashboardState} The state.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createState } from "./dashboard_state.js";
 *
 * equal(createState().synced, false);
 * ```
 */
export function createState() {
  return {
    info: null,
    clients: new Map(),
    rooms: new Map(),
    lastHeard: [],
    lastHeardMax: 30,
    tempBlocks: new Map(),
    refused: [],
    refusedMax: 20,
    counters: null,
    viewers: 0,
    now: 0,
    synced: false,
  };
}

/**
 * The last-heard key of a talker: its callsign upper-cased, or `@gateway`
 * when the source field is empty (as the reflector keys its list).
 *
 * @param {string} source The YSFD source field.
 * @param {string} gateway The YSFD gateway field.
 * @returns {string} The key.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { heardKey } from "./dashboard_state.js";
 *
 * equal(heardKey("g4abc", "GW1"), "G4ABC");
 * equal(heardKey("", "GW1"), "@GW1");
 * ```
 */
export function heardKey(source, gateway) {
  return source.toUpperCase() || `@${gateway}`;
}

/**
 * Applies one websocket message. Messages that are not objects with a
 * known `type` are ignored; deltas that name unknown clients or streams
 * change nothing (the next snapshot heals any gap).
 *
 * @param {DashboardState} state The state (changed in place).
 * @param {unknown} message A parsed message.
 * @returns {boolean} Whether the message was understood.
 *
 * @example A snapshot then a link
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { applyMessage, createState } from "./dashboard_state.js";
 *
 * const state = createState();
 * applyMessage(state, { type: "delta", now: 1, events: [{ kind: "link", client: {
 *   id: 1, callsign: "GW1ABC", address: "", port: 0, via: "main", room: 50, hears: [50],
 *   hold: "dynamic", access: "full", home: null, linkedSince: 1, lastPoll: 1, talking: false,
 * } }] });
 * equal(state.clients.get(1)?.callsign, "GW1ABC");
 * ```
 */
export function applyMessage(state, message) {
  if (typeof message !== "object" || message === null) return false;
  const m = /** @type {Record<string, unknown>} */ (message);
  if (typeof m.now === "number") state.now = m.now;
  switch (m.type) {
    case "snapshot":
      applySnapshot(
        state,
        /** @type {import("./dashboard_messages.ts").SnapshotMessage} */ (
          message
        ),
      );
      return true;
    case "delta":
      if (!Array.isArray(m.events)) return false;
      for (const event of m.events) applyDelta(state, event);
      return true;
    case "counters":
      if (typeof m.counters === "object" && m.counters !== null) {
        state.counters = /** @type {DashboardCounters} */ (m.counters);
      }
      if (typeof m.viewers === "number") state.viewers = m.viewers;
      return true;
    default:
      return false;
  }
}

/**
 * @param {DashboardState} state
 * @param {import("./dashboard_messages.ts").SnapshotMessage} m
 */
function applySnapshot(state, m) {
  state.info = m.info;
  state.clients = new Map();
  for (const c of m.clients ?? []) state.clients.set(c.id, { ...c });
  state.rooms = new Map();
  for (const r of m.rooms ?? []) {
    state.rooms.set(r.dgid, {
      dgid: r.dgid,
      listed: r.listed,
      local: r.local,
      talkers: new Map(r.talkers.map((t) => [t.streamId, { ...t }])),
    });
  }
  state.lastHeardMax = positive(m.lastHeardMax, 30);
  state.lastHeard = (m.lastHeard ?? []).slice(0, state.lastHeardMax)
    .map((h) => ({ ...h }));
  state.tempBlocks = new Map();
  for (const b of (m.tempBlocks ?? []).slice(0, MAX_BLOCKS)) {
    state.tempBlocks.set(b.callsign, { ...b });
  }
  state.refusedMax = positive(m.refusedMax, 20);
  state.refused = (m.refused ?? []).slice(0, state.refusedMax);
  state.counters = m.counters ?? null;
  state.viewers = m.viewers ?? 0;
  state.synced = true;
}

/**
 * @param {unknown} value
 * @param {number} fallback
 * @returns {number}
 */
function positive(value, fallback) {
  return typeof value === "number" && Number.isInteger(value) && value > 0
    ? value
    : fallback;
}

/**
 * Applies one delta (see `DashboardDelta` in `dashboard_messages.ts`).
 *
 * @param {DashboardState} state The state (changed in place).
 * @param {DashboardDelta} delta The change.
 *
 * @example An unlink
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { applyDelta, createState } from "./dashboard_state.js";
 *
 * const state = createState();
 * applyDelta(state, { kind: "unlink", id: 9, reason: "expired" });
 * equal(state.clients.size, 0);
 * ```
 */
export function applyDelta(state, delta) {
  if (typeof delta !== "object" || delta === null) return;
  switch (delta.kind) {
    case "link": {
      const c = delta.client;
      if (!state.clients.has(c.id) && state.clients.size >= MAX_CLIENTS) return;
      state.clients.set(c.id, { ...c, hears: [...c.hears] });
      return;
    }
    case "unlink": {
      state.clients.delete(delta.id);
      for (const room of state.rooms.values()) {
        for (const [id, t] of room.talkers) {
          if (t.clientId === delta.id) room.talkers.delete(id);
        }
      }
      return;
    }
    case "room": {
      const c = state.clients.get(delta.id);
      if (c === undefined) return;
      c.room = delta.to;
      const hears = new Set(c.hears.filter((d) => d !== delta.from));
      hears.add(delta.to);
      c.hears = [...hears].sort((a, b) => a - b);
      return;
    }
    case "start": {
      const t = delta.talker;
      let room = state.rooms.get(delta.room);
      if (room === undefined) {
        room = {
          dgid: delta.room,
          listed: false,
          local: delta.local,
          talkers: new Map(),
        };
        state.rooms.set(delta.room, room);
      }
      room.talkers.set(t.streamId, { ...t });
      const c = state.clients.get(t.clientId);
      if (c !== undefined) c.talking = true;
      const key = heardKey(t.source, t.gateway);
      const rest = state.lastHeard.filter((h) =>
        heardKey(h.source, h.gateway) !== key
      );
      rest.unshift({
        source: t.source,
        gateway: t.gateway,
        clientId: t.clientId,
        clientCallsign: t.clientCallsign,
        room: delta.room,
        local: delta.local,
        streamId: t.streamId,
        startedAt: t.startedAt,
        endedAt: null,
        frames: 0,
        endReason: null,
      });
      state.lastHeard = rest.slice(0, state.lastHeardMax);
      return;
    }
    case "end": {
      for (const room of state.rooms.values()) {
        room.talkers.delete(delta.streamId);
      }
      const c = state.clients.get(delta.clientId);
      if (c !== undefined) c.talking = false;
      const h = state.lastHeard.find((e) => e.streamId === delta.streamId);
      if (h !== undefined) {
        h.endedAt = delta.endedAt;
        h.frames = delta.frames;
        h.endReason = delta.reason;
      }
      return;
    }
    case "refused":
      state.refused.unshift(delta.refusal);
      if (state.refused.length > state.refusedMax) {
        state.refused.length = state.refusedMax;
      }
      return;
    case "block":
      state.tempBlocks.delete(delta.block.callsign);
      state.tempBlocks.set(delta.block.callsign, { ...delta.block });
      if (state.tempBlocks.size > MAX_BLOCKS) {
        const oldest = state.tempBlocks.keys().next().value;
        if (oldest !== undefined) state.tempBlocks.delete(oldest);
      }
      return;
    case "unblock":
      state.tempBlocks.delete(delta.callsign);
      return;
  }
}

/**
 * The rooms to show, ascending DG-ID: listed rooms, and any other room with
 * listeners or talkers. Listeners are the clients that hear the room.
 *
 * @param {DashboardState} state The state.
 * @returns {RoomView[]} The rooms.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createState, roomsView } from "./dashboard_state.js";
 *
 * equal(roomsView(createState()).length, 0);
 * ```
 */
export function roomsView(state) {
  /** @type {Map<number, number>} */
  const listeners = new Map();
  for (const c of state.clients.values()) {
    for (const d of c.hears) listeners.set(d, (listeners.get(d) ?? 0) + 1);
  }
  const dgids = new Set([...state.rooms.keys(), ...listeners.keys()]);
  /** @type {RoomView[]} */
  const out = [];
  for (const dgid of [...dgids].sort((a, b) => a - b)) {
    const room = state.rooms.get(dgid);
    const count = listeners.get(dgid) ?? 0;
    const talkers = room ? [...room.talkers.values()] : [];
    const listed = room?.listed ?? false;
    if (!listed && count === 0 && talkers.length === 0) continue;
    out.push({
      dgid,
      listed,
      local: room?.local ?? false,
      listeners: count,
      talkers: talkers.sort((a, b) => a.startedAt - b.startedAt),
    });
  }
  return out;
}

/**
 * The temporary blocks, soonest to end first.
 *
 * @param {DashboardState} state The state.
 * @returns {DashboardBlock[]} The blocks.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { blocksView, createState } from "./dashboard_state.js";
 *
 * equal(blocksView(createState()).length, 0);
 * ```
 */
export function blocksView(state) {
  return [...state.tempBlocks.values()].sort((a, b) => a.until - b.until);
}
