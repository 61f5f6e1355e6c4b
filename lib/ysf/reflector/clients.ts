/**
 * The linked clients of the reflector: one record per (address, port, local
 * endpoint), in a {@link BoundedMap} that refuses newcomers when full (an
 * existing client is never evicted by a new one), with a per-address count
 * for the per-IP limit.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/mod.ts";
import type { InfoPacket } from "../packets.ts";
import type { GatewayAccess } from "./acl.ts";
import type { DropReason } from "./counters.ts";
import type { ClientSummary } from "./events.ts";
import { type LocalEndpointId, normalizeAddress, type Peer } from "./peer.ts";
import type { RoomHold, RoomSource } from "./rooms.ts";
import type { StreamRecord } from "./streams.ts";

/**
 * The YSFI information of a client (the codec's `InfoPacket` without its
 * `type`).
 *
 * @example Info
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ClientInfo } from "./clients.ts";
 *
 * const info: ClientInfo = {
 *   callsign: "G4ABC", rxFrequency: 430_012_500, txFrequency: 430_012_500,
 *   locator: "IO91wm", name: "London", hotspotType: "MMDVM", radioId: "1234567",
 * };
 * equal(info.hotspotType, "MMDVM");
 * ```
 */
export type ClientInfo = Omit<InfoPacket, "type">;

/**
 * What the reflector does with the rest of a transmission it did not open
 * a stream for: `reject` (ACL: until `rejectHoldMs` of silence, even across
 * a new header), `drop` (busy room, late entry…: until the transmission
 * ends or a new header), `swallow` (the first PTT after a DG-ID change:
 * until the transmission ends).
 *
 * @example A gate
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ClientGate } from "./clients.ts";
 *
 * const gate: ClientGate = { kind: "reject", reason: "blocked", last: 0 };
 * equal(gate.kind, "reject");
 * ```
 */
export interface ClientGate {
  /** How it ends. */
  kind: "reject" | "drop" | "swallow";
  /** The drop reason counted for each of its frames. */
  reason: DropReason;
  /** The last frame's time (clock ms). */
  last: number;
}

/**
 * The reflector's record of a linked client. Mutable; owned by the
 * reflector.
 *
 * @example A record
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { clientKey, type ClientRecord } from "./clients.ts";
 *
 * const peer = { address: "192.0.2.1", port: 42000 };
 * const record: ClientRecord = {
 *   id: 1, key: clientKey(peer, "main"), peer, address: "192.0.2.1", via: "main",
 *   callsign: "GW1", linkedSince: 0, lastPoll: 0, room: 50, follow: [], hold: "dynamic",
 *   roomSource: "default", home: undefined, awaySince: 0, access: "full", aux: false,
 *   info: undefined, options: undefined, stream: undefined, gate: undefined,
 * };
 * equal(record.room, 50);
 * ```
 */
export interface ClientRecord {
  /** Link id, increasing, never reused. */
  readonly id: number;
  /** {@link clientKey} of its peer and endpoint. */
  readonly key: string;
  /** Its address and port, as received (replies go there). */
  readonly peer: Peer;
  /** Its address, normalised (for IP rules and the per-IP limit). */
  readonly address: string;
  /** The local endpoint it linked on. */
  readonly via: LocalEndpointId;
  /** Gateway callsign from its first YSFP. */
  readonly callsign: string;
  /** When it linked (clock ms). */
  readonly linkedSince: number;
  /** Its last YSFP (clock ms). */
  lastPoll: number;
  /** Current room (talks into it, hears it). */
  room: number;
  /** Extra rooms it hears (from YSFO `10;20;`). */
  follow: number[];
  /** How firmly it sits in its room. */
  hold: RoomHold;
  /** Which rule gave its first room. */
  roomSource: RoomSource | "single-room";
  /** Back-to-home setting, and where it came from. */
  home:
    | { dgid: number; timeoutMs: number; source: "file" | "options" }
    | undefined;
  /** Since when it counts as away from home (last YSFD or room change). */
  awaySince: number;
  /** Its ACL standing. */
  access: GatewayAccess;
  /** Whether it linked on an auxiliary port (cannot switch rooms). */
  readonly aux: boolean;
  /** Its YSFI information, if it sent one. */
  info: ClientInfo | undefined;
  /** Its last YSFO option text, if any. */
  options: string | undefined;
  /** Its open stream, if it is talking. */
  stream: StreamRecord | undefined;
  /** What to do with the rest of a transmission without a stream. */
  gate: ClientGate | undefined;
}

/**
 * The key of a client: address, port and local endpoint (as pYSFReflector3,
 * which also compares the local socket).
 *
 * @param peer The remote address and port.
 * @param via The local endpoint.
 * @returns The key.
 *
 * @example Keys
 * ```ts
 * import { notEqual } from "node:assert/strict";
 * import { clientKey } from "./clients.ts";
 *
 * const peer = { address: "192.0.2.1", port: 42000 };
 * notEqual(clientKey(peer, "main"), clientKey(peer, "aux-42010"));
 * ```
 */
export function clientKey(peer: Peer, via: LocalEndpointId): string {
  return `${via}\u0000${peer.address}\u0000${peer.port}`;
}

/**
 * The event view of a client record.
 *
 * @param record The record.
 * @returns A plain summary.
 *
 * @example Summarising
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ClientTable, summarizeClient } from "./clients.ts";
 *
 * const table = new ClientTable({ maxClients: 2, maxClientsPerIp: 2 });
 * const record = table.create({ address: "192.0.2.1", port: 1 }, "main", "GW1", 0, 1);
 * equal(summarizeClient(record).callsign, "GW1");
 * ```
 */
export function summarizeClient(record: ClientRecord): ClientSummary {
  return {
    id: record.id,
    callsign: record.callsign,
    address: record.peer.address,
    port: record.peer.port,
    via: record.via,
    room: record.room,
    hold: record.hold,
  };
}

/**
 * Limits of a {@link ClientTable}.
 *
 * @example Limits
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ClientTable, type ClientTableLimits } from "./clients.ts";
 *
 * const limits: ClientTableLimits = { maxClients: 1000, maxClientsPerIp: 16 };
 * equal(new ClientTable(limits).maxClients, 1000);
 * ```
 */
export interface ClientTableLimits {
  /** The most clients, an integer >= 1. */
  maxClients: number;
  /** The most clients from one address, an integer >= 1. */
  maxClientsPerIp: number;
}

/**
 * Why {@link ClientTable.admit} refuses a newcomer.
 *
 * @example A refusal
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ClientRefusal } from "./clients.ts";
 *
 * const refusal: ClientRefusal = "refused_capacity";
 * equal(refusal, "refused_capacity");
 * ```
 */
export type ClientRefusal = "refused_capacity" | "refused_per_ip";

function checkLimit(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Expected ${name} to be an integer >= 1, found ${value}`,
    );
  }
}

/**
 * The client table: records by key, bounded by `maxClients` with the
 * "reject" policy, plus per-address counts bounded the same way.
 *
 * @example Linking until full
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ClientTable } from "./clients.ts";
 *
 * const table = new ClientTable({ maxClients: 1, maxClientsPerIp: 1 });
 * const peer = { address: "192.0.2.1", port: 1 };
 * equal(table.admit(peer), undefined);
 * table.create(peer, "main", "GW1", 0, 1);
 * equal(table.admit({ address: "192.0.2.2", port: 1 }), "refused_capacity");
 * ```
 */
export class ClientTable {
  #limits: ClientTableLimits;
  #records: BoundedMap<string, ClientRecord>;
  #perIp: BoundedMap<string, number>;

  /**
   * Creates an empty table.
   *
   * @param limits The limits.
   * @throws {RangeError} If a limit is not an integer >= 1.
   *
   * @example Creating
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ClientTable } from "./clients.ts";
   *
   * equal(new ClientTable({ maxClients: 10, maxClientsPerIp: 2 }).size, 0);
   * ```
   */
  constructor(limits: ClientTableLimits) {
    checkLimit(limits.maxClients, "maxClients");
    checkLimit(limits.maxClientsPerIp, "maxClientsPerIp");
    this.#limits = { ...limits };
    this.#records = new BoundedMap({
      capacity: limits.maxClients,
      policy: "reject",
    });
    this.#perIp = new BoundedMap({
      capacity: limits.maxClients,
      policy: "reject",
    });
  }

  /**
   * The number of clients.
   *
   * @example Counting
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ClientTable } from "./clients.ts";
   *
   * equal(new ClientTable({ maxClients: 1, maxClientsPerIp: 1 }).size, 0);
   * ```
   */
  get size(): number {
    return this.#records.size;
  }

  /**
   * The maximum number of clients.
   *
   * @example Reading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ClientTable } from "./clients.ts";
   *
   * equal(new ClientTable({ maxClients: 5, maxClientsPerIp: 1 }).maxClients, 5);
   * ```
   */
  get maxClients(): number {
    return this.#limits.maxClients;
  }

  /**
   * The number of addresses with clients.
   *
   * @example Counting
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ClientTable } from "./clients.ts";
   *
   * equal(new ClientTable({ maxClients: 5, maxClientsPerIp: 1 }).addresses, 0);
   * ```
   */
  get addresses(): number {
    return this.#perIp.size;
  }

  /**
   * Changes the limits (reload). Existing clients are all kept, even above
   * a smaller `maxClients`; newcomers are refused until the table is below
   * it.
   *
   * @param limits The new limits.
   * @throws {RangeError} If a limit is not an integer >= 1.
   *
   * @example Growing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ClientTable } from "./clients.ts";
   *
   * const table = new ClientTable({ maxClients: 1, maxClientsPerIp: 1 });
   * table.create({ address: "192.0.2.1", port: 1 }, "main", "GW1", 0, 1);
   * table.resize({ maxClients: 2, maxClientsPerIp: 1 });
   * equal(table.admit({ address: "192.0.2.2", port: 1 }), undefined);
   * ```
   */
  resize(limits: ClientTableLimits): void {
    checkLimit(limits.maxClients, "maxClients");
    checkLimit(limits.maxClientsPerIp, "maxClientsPerIp");
    const capacity = Math.max(limits.maxClients, this.#records.size);
    if (capacity !== this.#records.capacity) {
      const records = new BoundedMap<string, ClientRecord>({
        capacity,
        policy: "reject",
      });
      for (const [k, v] of this.#records) records.set(k, v);
      this.#records = records;
      const perIp = new BoundedMap<string, number>({
        capacity,
        policy: "reject",
      });
      for (const [k, v] of this.#perIp) perIp.set(k, v);
      this.#perIp = perIp;
    }
    this.#limits = { ...limits };
  }

  /**
   * The client with this key.
   *
   * @param key {@link clientKey}.
   * @returns The record, if linked.
   *
   * @example Looking up
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ClientTable, clientKey } from "./clients.ts";
   *
   * const table = new ClientTable({ maxClients: 1, maxClientsPerIp: 1 });
   * const peer = { address: "192.0.2.1", port: 1 };
   * table.create(peer, "main", "GW1", 0, 1);
   * equal(table.get(clientKey(peer, "main"))?.callsign, "GW1");
   * ```
   */
  get(key: string): ClientRecord | undefined {
    return this.#records.peek(key);
  }

  /**
   * Whether a new client from `peer` may link: `undefined` if so, else
   * why not.
   *
   * @param peer The newcomer.
   * @returns The refusal, if any.
   *
   * @example Per-address limit
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ClientTable } from "./clients.ts";
   *
   * const table = new ClientTable({ maxClients: 10, maxClientsPerIp: 1 });
   * table.create({ address: "192.0.2.1", port: 1 }, "main", "GW1", 0, 1);
   * equal(table.admit({ address: "192.0.2.1", port: 2 }), "refused_per_ip");
   * ```
   */
  admit(peer: Peer): ClientRefusal | undefined {
    if (this.#records.size >= this.#limits.maxClients) {
      return "refused_capacity";
    }
    const count = this.#perIp.peek(normalizeAddress(peer.address)) ?? 0;
    if (count >= this.#limits.maxClientsPerIp) return "refused_per_ip";
    return undefined;
  }

  /**
   * Creates and stores a record with default room state (room 0, dynamic);
   * the caller sets the room. Call {@link ClientTable.admit} first.
   *
   * @param peer The client's address and port (copied).
   * @param via The local endpoint.
   * @param callsign The gateway callsign.
   * @param now The clock.
   * @param id The link id.
   * @param aux Whether `via` is an auxiliary port.
   * @returns The record.
   * @throws {RangeError} If the table is full (the caller did not admit).
   *
   * @example Creating
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ClientTable } from "./clients.ts";
   *
   * const table = new ClientTable({ maxClients: 1, maxClientsPerIp: 1 });
   * equal(table.create({ address: "192.0.2.1", port: 1 }, "main", "GW1", 0, 1).id, 1);
   * ```
   */
  create(
    peer: Peer,
    via: LocalEndpointId,
    callsign: string,
    now: number,
    id: number,
    aux = false,
  ): ClientRecord {
    const copy = { address: peer.address, port: peer.port };
    const key = clientKey(copy, via);
    const address = normalizeAddress(copy.address);
    const record: ClientRecord = {
      id,
      key,
      peer: copy,
      address,
      via,
      callsign,
      linkedSince: now,
      lastPoll: now,
      room: 0,
      follow: [],
      hold: "dynamic",
      roomSource: "default",
      home: undefined,
      awaySince: now,
      access: "full",
      aux,
      info: undefined,
      options: undefined,
      stream: undefined,
      gate: undefined,
    };
    if (!this.#records.set(key, record)) {
      throw new RangeError(
        `Expected room for a client, found the table full at ${this.#records.size}`,
      );
    }
    this.#perIp.set(address, (this.#perIp.peek(address) ?? 0) + 1);
    return record;
  }

  /**
   * Removes a record.
   *
   * @param record The record.
   * @returns `true` if it was in the table.
   *
   * @example Removing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ClientTable } from "./clients.ts";
   *
   * const table = new ClientTable({ maxClients: 1, maxClientsPerIp: 1 });
   * const record = table.create({ address: "192.0.2.1", port: 1 }, "main", "GW1", 0, 1);
   * equal(table.remove(record), true);
   * equal(table.addresses, 0);
   * ```
   */
  remove(record: ClientRecord): boolean {
    if (this.#records.peek(record.key) !== record) return false;
    this.#records.delete(record.key);
    const count = (this.#perIp.peek(record.address) ?? 1) - 1;
    if (count <= 0) this.#perIp.delete(record.address);
    else this.#perIp.set(record.address, count);
    return true;
  }

  /**
   * Every record, oldest link first (a snapshot array).
   *
   * @returns The records.
   *
   * @example Listing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ClientTable } from "./clients.ts";
   *
   * const table = new ClientTable({ maxClients: 2, maxClientsPerIp: 2 });
   * table.create({ address: "192.0.2.1", port: 1 }, "main", "GW1", 0, 1);
   * equal(table.values().length, 1);
   * ```
   */
  values(): ClientRecord[] {
    return [...this.#records.values()];
  }
}
