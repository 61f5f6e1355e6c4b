/**
 * DG-ID rooms of the reflector (pYSFReflector3 semantics, reference ysf.md
 * §3.2): the room a new client gets (auxiliary port, `-NN` callsign suffix,
 * home file, remembered room, default), the DG-IDs of a YSFO option text,
 * the remembered room per gateway, and the index of who hears which room.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/mod.ts";
import type { HomeEntry } from "./home_file.ts";

/**
 * Where the last room of each gateway is remembered across links (and, when
 * the I/O layer persists it, across restarts; pYSFReflector3 uses a tinydb
 * JSON file). Keep both fast and synchronous (persist in the background);
 * the reflector catches and counts their exceptions (`memoryErrors`).
 *
 * @example A map-backed memory
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RoomMemory } from "./rooms.ts";
 *
 * const rooms = new Map<string, number>();
 * const memory: RoomMemory = {
 *   get: (gateway) => rooms.get(gateway),
 *   set: (gateway, dgid) => void rooms.set(gateway, dgid),
 * };
 * memory.set("GW1", 9);
 * equal(memory.get("GW1"), 9);
 * ```
 */
export interface RoomMemory {
  /** The remembered DG-ID of a gateway callsign, if any. */
  get(gateway: string): number | undefined;
  /** Remembers the DG-ID of a gateway callsign. */
  set(gateway: string, dgid: number): void;
}

/**
 * A {@link RoomMemory} in memory, bounded (least recently used gateways are
 * forgotten first). The reflector's default when no memory is injected.
 *
 * @example Remembering
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { InMemoryRoomMemory } from "./rooms.ts";
 *
 * const memory = new InMemoryRoomMemory(2);
 * memory.set("GW1", 9);
 * memory.set("GW2", 50);
 * memory.set("GW3", 1);
 * equal(memory.get("GW1"), undefined);
 * equal(memory.get("GW3"), 1);
 * ```
 */
export class InMemoryRoomMemory implements RoomMemory {
  readonly #map: BoundedMap<string, number>;

  /**
   * Creates an empty memory.
   *
   * @param capacity The most gateways remembered, default 10 000.
   *
   * @example Creating
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { InMemoryRoomMemory } from "./rooms.ts";
   *
   * equal(new InMemoryRoomMemory().get("GW1"), undefined);
   * ```
   */
  constructor(capacity = 10_000) {
    this.#map = new BoundedMap({ capacity });
  }

  /**
   * The remembered DG-ID.
   *
   * @param gateway The gateway callsign.
   * @returns The DG-ID, if any.
   *
   * @example Reading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { InMemoryRoomMemory } from "./rooms.ts";
   *
   * const memory = new InMemoryRoomMemory();
   * memory.set("GW1", 9);
   * equal(memory.get("GW1"), 9);
   * ```
   */
  get(gateway: string): number | undefined {
    return this.#map.get(gateway);
  }

  /**
   * Remembers a DG-ID.
   *
   * @param gateway The gateway callsign.
   * @param dgid The DG-ID.
   *
   * @example Writing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { InMemoryRoomMemory } from "./rooms.ts";
   *
   * const memory = new InMemoryRoomMemory();
   * memory.set("GW1", 50);
   * equal(memory.get("GW1"), 50);
   * ```
   */
  set(gateway: string, dgid: number): void {
    this.#map.set(gateway, dgid);
  }
}

/**
 * How firmly a client sits in its room (pYSFReflector3 `T_HOLD`):
 *
 * - `dynamic` (0): may change room from the radio, gets `NN/CALL` prefixed
 *   copies when `prefix` is on.
 * - `static` (−1): pinned by an auxiliary port or a `-NN` gateway suffix.
 * - `fixed` (−2): pinned by a home-file entry with negative minutes.
 *
 * Static and fixed clients receive the original bytes.
 *
 * @example A hold
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RoomHold } from "./rooms.ts";
 *
 * const hold: RoomHold = "static";
 * equal(hold, "static");
 * ```
 */
export type RoomHold = "dynamic" | "static" | "fixed";

/**
 * Which rule gave a new client its room.
 *
 * @example A source
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RoomSource } from "./rooms.ts";
 *
 * const source: RoomSource = "suffix";
 * equal(source, "suffix");
 * ```
 */
export type RoomSource =
  | "aux-port"
  | "suffix"
  | "home-fixed"
  | "home"
  | "memory"
  | "default";

/**
 * The rules {@link assignRoom} applies.
 *
 * @example Rules
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { assignRoom, type RoomRules } from "./rooms.ts";
 *
 * const rules: RoomRules = { dgidList: new Set([1, 9, 50]), defaultDgid: 50, home: new Map() };
 * equal(assignRoom({ gateway: "GW1" }, rules).room, 50);
 * ```
 */
export interface RoomRules {
  /** The allowed DG-IDs (`[DGID] list`). */
  dgidList: ReadonlySet<number>;
  /** The room of a client no rule applies to (`[DGID] default`). */
  defaultDgid: number;
  /** Home-file entries by upper-cased gateway callsign. */
  home: ReadonlyMap<string, HomeEntry>;
  /** The remembered rooms. */
  memory?: RoomMemory;
}

/**
 * A new client's facts for {@link assignRoom}.
 *
 * @example Input
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { assignRoom, type RoomRequest } from "./rooms.ts";
 *
 * const request: RoomRequest = { gateway: "GW1", auxDgid: 9 };
 * equal(assignRoom(request, { dgidList: new Set([9]), defaultDgid: 9, home: new Map() }).source, "aux-port");
 * ```
 */
export interface RoomRequest {
  /** The gateway callsign from its YSFP (trimmed). */
  gateway: string;
  /** The DG-ID of the auxiliary port it linked on, if any. */
  auxDgid?: number;
}

/**
 * The room {@link assignRoom} chose.
 *
 * @example Result
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { assignRoom, type RoomAssignment } from "./rooms.ts";
 *
 * const result: RoomAssignment = assignRoom({ gateway: "IK5XMK-22" }, {
 *   dgidList: new Set([22]), defaultDgid: 22, home: new Map(),
 * });
 * deepEqual(result, { room: 22, hold: "static", source: "suffix", home: undefined });
 * ```
 */
export interface RoomAssignment {
  /** The DG-ID. */
  room: number;
  /** How firmly. */
  hold: RoomHold;
  /** Which rule. */
  source: RoomSource;
  /** The back-to-home setting from the home file, if any. */
  home: { dgid: number; timeoutMs: number } | undefined;
}

/**
 * The DG-ID in a `-NN` gateway-callsign suffix (`IK5XMK-22` → 22), as
 * pYSFReflector3 reads it: exactly one `-` and digits after it.
 *
 * @param gateway The gateway callsign.
 * @returns The number, or `undefined`.
 *
 * @example Suffixes
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { suffixDgid } from "./rooms.ts";
 *
 * equal(suffixDgid("IK5XMK-22"), 22);
 * equal(suffixDgid("IK5XMK-GW"), undefined);
 * equal(suffixDgid("A-B-22"), undefined);
 * ```
 */
export function suffixDgid(gateway: string): number | undefined {
  const parts = gateway.trim().split("-");
  if (parts.length !== 2 || !/^\d{1,3}$/.test(parts[1])) return undefined;
  return Number(parts[1]);
}

/**
 * Chooses the room of a new client, first rule that applies (reference
 * ysf.md §3.2): (1) an auxiliary port's DG-ID, static; (2) a `-NN` gateway
 * suffix, static; (3) the home file: fixed (negative minutes) or home DG-ID
 * with a back-to-home timer; (4) the remembered room; (5) the default.
 * DG-IDs of rules 1-4 must be in the list; the default is used as is.
 *
 * @param request The client's gateway callsign and auxiliary port DG-ID.
 * @param rules The list, default, home entries and memory.
 * @returns The room, hold and rule.
 *
 * @example The order
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { assignRoom } from "./rooms.ts";
 *
 * const rules = {
 *   dgidList: new Set([1, 9, 50]),
 *   defaultDgid: 50,
 *   home: new Map([["GW2", { gateway: "GW2", dgid: 1, fixed: true, timeoutMs: 0 }]]),
 *   memory: { get: (g: string) => (g === "GW3" ? 9 : undefined), set: () => {} },
 * };
 * equal(assignRoom({ gateway: "GW1-9", auxDgid: 1 }, rules).source, "aux-port");
 * equal(assignRoom({ gateway: "GW1-9" }, rules).source, "suffix");
 * equal(assignRoom({ gateway: "GW2" }, rules).source, "home-fixed");
 * equal(assignRoom({ gateway: "GW3" }, rules).room, 9);
 * equal(assignRoom({ gateway: "GW4" }, rules).source, "default");
 * ```
 */
export function assignRoom(
  request: RoomRequest,
  rules: RoomRules,
): RoomAssignment {
  const listed = (dgid: number | undefined): dgid is number =>
    dgid !== undefined && dgid > 0 && rules.dgidList.has(dgid);
  if (listed(request.auxDgid)) {
    return {
      room: request.auxDgid,
      hold: "static",
      source: "aux-port",
      home: undefined,
    };
  }
  const suffix = suffixDgid(request.gateway);
  if (listed(suffix)) {
    return { room: suffix, hold: "static", source: "suffix", home: undefined };
  }
  const entry = rules.home.get(request.gateway.toUpperCase());
  if (entry !== undefined && listed(entry.dgid)) {
    return entry.fixed
      ? {
        room: entry.dgid,
        hold: "fixed",
        source: "home-fixed",
        home: undefined,
      }
      : {
        room: entry.dgid,
        hold: "dynamic",
        source: "home",
        home: { dgid: entry.dgid, timeoutMs: entry.timeoutMs },
      };
  }
  const remembered = rules.memory?.get(request.gateway);
  if (listed(remembered)) {
    return {
      room: remembered,
      hold: "dynamic",
      source: "memory",
      home: undefined,
    };
  }
  return {
    room: rules.defaultDgid,
    hold: "dynamic",
    source: "default",
    home: undefined,
  };
}

/**
 * The DG-IDs of a YSFO option text (YCS convention `10;20;`).
 *
 * @example Parsed options
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseOptionDgids, type OptionDgids } from "./rooms.ts";
 *
 * const parsed: OptionDgids = parseOptionDgids("10;20;");
 * deepEqual(parsed, { first: 10, all: [10, 20] });
 * ```
 */
export interface OptionDgids {
  /** The first token as a DG-ID (pYSFReflector3 uses only this), if it is one. */
  first: number | undefined;
  /** Every token that is a DG-ID 0..127, without duplicates, in order. */
  all: number[];
}

/**
 * Parses the DG-IDs of a YSFO option text: `;`-separated decimal tokens;
 * other tokens (e.g. BrandMeister's `group=…`) are skipped. At most 36
 * characters are read (the YSFO field).
 *
 * @param text The option text.
 * @returns The first token and every DG-ID.
 *
 * @example Option texts
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseOptionDgids } from "./rooms.ts";
 *
 * deepEqual(parseOptionDgids("9"), { first: 9, all: [9] });
 * deepEqual(parseOptionDgids("group=2345"), { first: undefined, all: [] });
 * deepEqual(parseOptionDgids("50; 51;x;50"), { first: 50, all: [50, 51] });
 * ```
 */
export function parseOptionDgids(text: string): OptionDgids {
  const tokens = text.slice(0, 36).split(";");
  const all: number[] = [];
  let first: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i].trim();
    if (!/^\d{1,3}$/.test(token)) continue;
    const dgid = Number(token);
    if (dgid > 127) continue;
    if (i === 0) first = dgid;
    if (!all.includes(dgid)) all.push(dgid);
  }
  return { first, all };
}

/**
 * Who hears which room: for each DG-ID (0..127) the set of members. A
 * client is a member of its current room and of every room it follows.
 * Bounded by construction: at most 128 rooms, each member at most once per
 * room.
 *
 * @typeParam T The member type.
 *
 * @example Joining and leaving
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RoomIndex } from "./rooms.ts";
 *
 * const index = new RoomIndex<string>();
 * index.join("a", 9);
 * index.join("b", 9);
 * index.leave("a", 9);
 * equal(index.members(9)?.size, 1);
 * ```
 */
export class RoomIndex<T> {
  readonly #rooms = new Map<number, Set<T>>();

  /**
   * Adds a member to a room.
   *
   * @param member The member.
   * @param dgid The room, 0..127.
   * @throws {RangeError} If `dgid` is not an integer 0..127.
   *
   * @example Joining
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomIndex } from "./rooms.ts";
   *
   * const index = new RoomIndex<string>();
   * index.join("a", 50);
   * equal(index.members(50)?.has("a"), true);
   * ```
   */
  join(member: T, dgid: number): void {
    if (!Number.isInteger(dgid) || dgid < 0 || dgid > 127) {
      throw new RangeError(`Expected a DG-ID in 0..127, found ${dgid}`);
    }
    let set = this.#rooms.get(dgid);
    if (set === undefined) {
      set = new Set();
      this.#rooms.set(dgid, set);
    }
    set.add(member);
  }

  /**
   * Removes a member from a room (no-op if absent).
   *
   * @param member The member.
   * @param dgid The room.
   *
   * @example Leaving
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomIndex } from "./rooms.ts";
   *
   * const index = new RoomIndex<string>();
   * index.join("a", 50);
   * index.leave("a", 50);
   * equal(index.members(50), undefined);
   * ```
   */
  leave(member: T, dgid: number): void {
    const set = this.#rooms.get(dgid);
    if (set === undefined) return;
    set.delete(member);
    if (set.size === 0) this.#rooms.delete(dgid);
  }

  /**
   * The members of a room (live view; do not modify while iterating it).
   *
   * @param dgid The room.
   * @returns The set, or `undefined` if nobody is in it.
   *
   * @example Reading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomIndex } from "./rooms.ts";
   *
   * equal(new RoomIndex<string>().members(1), undefined);
   * ```
   */
  members(dgid: number): ReadonlySet<T> | undefined {
    return this.#rooms.get(dgid);
  }

  /**
   * The DG-IDs that have members, ascending.
   *
   * @returns The DG-IDs.
   *
   * @example Listing
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { RoomIndex } from "./rooms.ts";
   *
   * const index = new RoomIndex<string>();
   * index.join("a", 50);
   * index.join("a", 9);
   * deepEqual(index.dgids(), [9, 50]);
   * ```
   */
  dgids(): number[] {
    return [...this.#rooms.keys()].sort((a, b) => a - b);
  }

  /**
   * The number of rooms with members.
   *
   * @example Counting
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomIndex } from "./rooms.ts";
   *
   * equal(new RoomIndex<string>().size, 0);
   * ```
   */
  get size(): number {
    return this.#rooms.size;
  }
}
