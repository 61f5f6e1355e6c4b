/**
 * The YSF reflector state machine: pure and clock-injected. The I/O layer
 * feeds it datagrams with {@link YsfReflectorCore.handle}, calls
 * {@link YsfReflectorCore.tick} periodically (e.g. every 100 ms), and gets
 * packets to send and events through the `io` callbacks. No sockets, files
 * or timers here.
 *
 * Wire behaviour (reference ysf.md §1.3, §3, §4, §6):
 *
 * - YSFP: a new (address, port, endpoint) links (unless refused: full,
 *   per-IP limit, `refuseBlockedLinks`; then no reply); every poll is
 *   answered `YSFPREFLECTOR ` and keeps the client 60 s; polls from
 *   `REFLECTOR` are ignored (no reflector loops).
 * - Keep-alive `YSFPREFLECTOR ` to every client every 5 s (G4KLX).
 * - YSFU unlinks. YSFS (anyone) gets the 42-byte status (the alias of an
 *   auxiliary port there). YSFV gets `YSFVshack <version>`. YSFI is stored on
 *   the client. YSFO sets home / followed rooms. Status and version replies
 *   share a rate limit (they answer anyone: reflection amplification).
 * - YSFD (exactly 155 bytes, from a linked client) in rooms mode: FICH
 *   decoded (dropped if its CRC fails), one talker per room, a stream opens
 *   only on a header (FI 0, DG-ID ≠ 127; late entry is dropped like
 *   pYSFReflector3), ACL checked on the header, relayed to the other
 *   clients that hear the room (never to the sender or to locked clients),
 *   ended by the terminator (FI 2) or the byte-34 end flag, whichever comes
 *   first, or by the watchdog (1.5 s). In single-room mode (G4KLX): no FICH
 *   decoding, every frame relayed to every other client, no floor control,
 *   late entry relayed; end flag or watchdog end the (per-client) stream
 *   used for events, ACL and protections.
 *
 * Rooms (pYSFReflector3): DG-ID list, default room, local room (streams
 * there are never relayed and each client has its own floor), static rooms
 * (auxiliary port, `-NN` gateway suffix), home file (fixed or back-to-home),
 * last room per gateway (`roomMemory`), switching from the radio (a header
 * with another listed DG-ID from a dynamic client on a main port moves it;
 * that transmission is not relayed; DG-ID 0 keeps the room), YSFO first
 * token → home with `bthTimeSeconds`.
 *
 * Following several rooms (new): a YSFO `10;20;` makes the client hear the
 * listed rooms 10 and 20 besides its current room (the first token is also
 * its home, as pYSFReflector3). It still talks into its current room only.
 * A PTT on a followed DG-ID switches its talk room at once and is relayed
 * (it already heard that room, so nothing is swallowed); a PTT on another
 * listed DG-ID switches and is swallowed as usual; the followed set stays
 * until the next YSFO (YSFGateway resends it with every poll). Static and
 * fixed clients ignore YSFO.
 *
 * Allocation: relaying a frame allocates nothing per receiver; with
 * `prefix` on, one rewritten copy per frame that carries a source (header,
 * V/D mode 2 FN 1) when at least one dynamic client receives it. The
 * datagram passed to `io.send` is the caller's buffer or a fresh array and
 * is never modified afterwards, so an asynchronous send is safe as long as
 * the caller does not reuse its receive buffer.
 *
 * @module
 */

import { BoundedMap, TokenBucket } from "../../core/bounded/mod.ts";
import {
  decodeFichBytes,
  fichFromBytes,
  FrameIndicator,
  YSFD_FICH_OFFSET,
} from "../fich.ts";
import {
  buildPoll,
  buildStatusReply,
  buildVersionReply,
  PacketLength,
  parsePacket,
  REFLECTOR_CALLSIGN,
} from "../packets.ts";
import {
  decodeHeaderPayload,
  dgidPrefixedSource,
  rewritePayloadSource,
  splitRadioIdDestination,
  Vd2Content,
} from "../payload.ts";
import { type BlockReason, splitCallsign } from "./acl.ts";
import {
  clientKey,
  type ClientRecord,
  ClientTable,
  summarizeClient,
} from "./clients.ts";
import {
  copyCounters,
  createCounters,
  type DropReason,
  type HandleResult,
  type OutKind,
  type ReflectorCounters,
} from "./counters.ts";
import type {
  DroppedReason,
  ReflectorEvent,
  RoomChangeReason,
  StreamEndReason,
} from "./events.ts";
import {
  type ReloadableOptions,
  type ResolvedReflectorOptions,
  resolveReflectorOptions,
  type YsfReflectorOptions,
} from "./options.ts";
import type { LocalEndpointId, Peer } from "./peer.ts";
import { Protections } from "./protections.ts";
import {
  assignRoom,
  InMemoryRoomMemory,
  parseOptionDgids,
  RoomIndex,
  type RoomMemory,
} from "./rooms.ts";
import type {
  ClientSnapshot,
  LastHeardEntry,
  ReflectorSnapshot,
  RoomSnapshot,
  TalkerSnapshot,
} from "./snapshot.ts";
import { streamInfo, streamKey, type StreamRecord } from "./streams.ts";

/**
 * Where the reflector sends packets and events. `send` and `event` are
 * called synchronously from `handle`, `tick` and `reload`; exceptions they
 * throw are caught and counted (`sendErrors`, `eventErrors`; likewise
 * `memoryErrors` for the injected `roomMemory`). They must not call back
 * into the reflector.
 *
 * @example Collecting sends
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ReflectorIo } from "./reflector.ts";
 *
 * const sent: Uint8Array[] = [];
 * const io: ReflectorIo = { send: (data) => void sent.push(data) };
 * io.send(new Uint8Array(14), { address: "192.0.2.1", port: 42000 }, "main");
 * equal(sent.length, 1);
 * ```
 */
export interface ReflectorIo {
  /**
   * Sends `data` to `to` through the local endpoint `via`. `data` is never
   * modified by the reflector afterwards (it may be shared between several
   * sends).
   */
  send(data: Uint8Array, to: Peer, via: LocalEndpointId): void;
  /** Receives the events; optional. */
  event?(event: ReflectorEvent): void;
  /**
   * Receives every frame accepted into a stream (header, voice and
   * terminator, relayed or local) with the stream's id, before relaying;
   * optional. For decoders of the data channels (Rem, radio code, GPS for
   * APRS). `datagram` must not be modified.
   */
  frame?(streamId: number, datagram: Uint8Array): void;
}

/**
 * The sizes of every bounded collection (for metrics and tests).
 *
 * @example Reading sizes
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { type ReflectorSizes, YsfReflectorCore } from "./reflector.ts";
 *
 * const sizes: ReflectorSizes = new YsfReflectorCore({ name: "R" }, { send() {} }).sizes;
 * equal(sizes.clients, 0);
 * ```
 */
export interface ReflectorSizes {
  /** Linked clients (≤ `maxClients`, or the count at the last shrinking reload). */
  clients: number;
  /** Addresses with clients (≤ clients). */
  addresses: number;
  /** Open streams (≤ `maxStreams`). */
  streams: number;
  /** Rooms with listeners (≤ 128). */
  rooms: number;
  /** Last-heard entries (≤ `lastHeardSize`). */
  lastHeard: number;
  /** Temporary blocks (≤ `maxTempBlocks`). */
  tempBlocks: number;
  /** Callsigns with wild-PTT history (≤ `maxWildPttHistory`). */
  wildPttHistory: number;
}

const POLL_REPLY = buildPoll(REFLECTOR_CALLSIGN);
const DATA_LENGTH = PacketLength.Data;
const HEADER = FrameIndicator.Header;
const COMMUNICATION = FrameIndicator.Communication;
const TERMINATOR = FrameIndicator.Terminator;

/** Codec-style text of a fixed field: trimmed, non-printables as spaces. */
function field(data: Uint8Array, start: number, end: number): string {
  while (start < end && (data[start] <= 0x20 || data[start] > 0x7e)) start++;
  while (end > start && (data[end - 1] <= 0x20 || data[end - 1] > 0x7e)) end--;
  let s = "";
  for (let i = start; i < end; i++) {
    const c = data[i];
    s += String.fromCharCode(c > 0x20 && c <= 0x7e ? c : 0x20);
  }
  return s;
}

const FICH_MEMO_SLOTS = 32;
const FICH_CODED = 25;

/**
 * {@link decodeFichBytes} with its last results kept, keyed by the 25 coded
 * bytes. A stream repeats a handful of FICH fields (FN 0..6 of one DG-ID),
 * so most frames skip the Viterbi decoder (about 4 µs, the largest cost of
 * a frame before the sends). Direct-mapped, fixed memory; a pure function's
 * results, so nothing else changes.
 */
class FichMemo {
  readonly #keys = new Uint8Array(FICH_MEMO_SLOTS * FICH_CODED);
  readonly #values = new Uint8Array(FICH_MEMO_SLOTS * 6);
  /** 0 empty, 1 CRC ok, 2 CRC failed. */
  readonly #state = new Uint8Array(FICH_MEMO_SLOTS);

  decode(data: Uint8Array, out: Uint8Array, offset: number): boolean {
    let hash = 0;
    for (let i = 0; i < FICH_CODED; i++) {
      hash = (Math.imul(hash, 31) + data[offset + i]) | 0;
    }
    const slot = (hash ^ (hash >>> 15)) & (FICH_MEMO_SLOTS - 1);
    const keys = this.#keys;
    const key = slot * FICH_CODED;
    const value = slot * 6;
    const state = this.#state[slot];
    if (state !== 0) {
      let same = true;
      for (let i = 0; i < FICH_CODED; i++) {
        if (keys[key + i] !== data[offset + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        for (let i = 0; i < 6; i++) out[i] = this.#values[value + i];
        return state === 1;
      }
    }
    const ok = decodeFichBytes(data, out, offset);
    for (let i = 0; i < FICH_CODED; i++) keys[key + i] = data[offset + i];
    for (let i = 0; i < 6; i++) this.#values[value + i] = out[i];
    this.#state[slot] = ok ? 1 : 2;
    return ok;
  }
}

function rebuildMap<K, V>(
  old: BoundedMap<K, V>,
  capacity: number,
): BoundedMap<K, V> {
  const map = new BoundedMap<K, V>({ capacity, policy: old.policy });
  for (const [k, v] of old) map.set(k, v);
  return map;
}

/**
 * The YSF reflector state machine (see the module documentation for the
 * behaviour). Not re-entrant: do not call it from `io` callbacks.
 *
 * @example Linking a client and relaying nothing
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { buildPoll } from "../packets.ts";
 * import { YsfReflectorCore } from "./reflector.ts";
 *
 * const sent: string[] = [];
 * const core = new YsfReflectorCore(
 *   { name: "SHACK", description: "Test", now: () => 0 },
 *   { send: (data) => void sent.push(new TextDecoder().decode(data)) },
 * );
 * equal(core.handle(buildPoll("GW1ABC"), { address: "192.0.2.1", port: 42000 }, "main"), "accepted");
 * equal(sent[0], "YSFPREFLECTOR ");
 * equal(core.snapshot().clients[0].callsign, "GW1ABC");
 * ```
 */
export class YsfReflectorCore {
  readonly #io: ReflectorIo;
  readonly #now: () => number;
  readonly #events: boolean;
  #raw: YsfReflectorOptions;
  #o: ResolvedReflectorOptions;
  #memory: RoomMemory;
  /** {@link YsfReflectorCore.#memory} with its exceptions caught and counted. */
  readonly #safeMemory: RoomMemory = {
    get: (gateway) => {
      try {
        const dgid = this.#memory.get(gateway);
        return typeof dgid === "number" ? dgid : undefined;
      } catch {
        this.#counters.memoryErrors++;
        return undefined;
      }
    },
    set: (gateway, dgid) => {
      try {
        this.#memory.set(gateway, dgid);
      } catch {
        this.#counters.memoryErrors++;
      }
    },
  };
  #clients: ClientTable;
  readonly #index = new RoomIndex<ClientRecord>();
  #streams: BoundedMap<number, StreamRecord>;
  #lastHeard: BoundedMap<string, LastHeardEntry>;
  readonly #protections: Protections;
  #statusBucket: TokenBucket | undefined;
  #versionReply: Uint8Array;
  readonly #counters: ReflectorCounters = createCounters();
  #nextClientId = 1;
  #nextStreamId = 1;
  #nextKeepAlive: number;
  #closed = false;
  readonly #fich = new Uint8Array(6);
  readonly #fichMemo = new FichMemo();
  readonly #tempBlocked = (base: string): boolean =>
    this.#protections.isBlocked(base);

  /**
   * Creates the reflector with no clients.
   *
   * @param options Name, mode, rooms, ACL, protections, limits, clock.
   * @param io Where packets and events go.
   * @throws {TypeError} If a text option is not printable ASCII or the mode
   * is unknown.
   * @throws {RangeError} If a numeric option is out of range.
   *
   * @example A G4KLX-style reflector
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { YsfReflectorCore } from "./reflector.ts";
   *
   * const core = new YsfReflectorCore({ name: "PEER G4KLX", mode: "single-room" }, { send() {} });
   * equal(core.snapshot().statusId, "94296");
   * ```
   */
  constructor(options: YsfReflectorOptions, io: ReflectorIo) {
    this.#raw = { ...options };
    this.#o = resolveReflectorOptions(this.#raw);
    this.#io = io;
    this.#events = typeof io.event === "function";
    this.#now = options.now ?? Date.now;
    const o = this.#o;
    this.#memory = options.roomMemory ?? new InMemoryRoomMemory();
    this.#clients = new ClientTable({
      maxClients: o.maxClients,
      maxClientsPerIp: o.maxClientsPerIp,
    });
    this.#streams = new BoundedMap({
      capacity: o.maxStreams,
      policy: "reject",
    });
    this.#lastHeard = new BoundedMap({ capacity: o.lastHeardSize });
    this.#protections = new Protections({
      ...o.protections,
      now: this.#now,
      onBlockRemoved: (block, reason) => {
        if (this.#events) {
          this.#emit({
            type: "temp-block-removed",
            block: { ...block },
            reason,
          });
        }
      },
    });
    this.#statusBucket = this.#bucket(o.statusRepliesPerSecond);
    this.#versionReply = buildVersionReply(o.versionText);
    this.#nextKeepAlive = this.#now() + o.keepAliveMs;
  }

  /**
   * Handles one received datagram.
   *
   * @param datagram The datagram (not modified; may be passed to `io.send`
   * as is when relayed).
   * @param from Its source address and port.
   * @param via The local endpoint it arrived on.
   * @returns `accepted`, or the reason it was dropped (also counted).
   *
   * @example A YSFD from an address that is not linked
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { buildData } from "../packets.ts";
   * import { YsfReflectorCore } from "./reflector.ts";
   *
   * const core = new YsfReflectorCore({ name: "R", now: () => 0 }, { send() {} });
   * const frame = buildData({
   *   gateway: "GW", source: "G4ABC", destination: "ALL", counter: 0, end: false, frame: new Uint8Array(120),
   * });
   * equal(core.handle(frame, { address: "192.0.2.9", port: 1 }, "main"), "unlinked");
   * equal(core.counters.drops.unlinked, 1);
   * ```
   */
  handle(datagram: Uint8Array, from: Peer, via: LocalEndpointId): HandleResult {
    const c = this.#counters;
    c.datagrams++;
    if (this.#closed) return this.#drop("closed");
    const now = this.#now();
    if (
      datagram.length === DATA_LENGTH && datagram[0] === 0x59 &&
      datagram[1] === 0x53 && datagram[2] === 0x46 && datagram[3] === 0x44
    ) {
      c.packetsIn.data++;
      return this.#data(datagram, from, via, now);
    }
    const packet = parsePacket(datagram);
    if (packet.type === "invalid") {
      c.packetsIn.invalid++;
      return this.#drop(packet.reason);
    }
    c.packetsIn[packet.type]++;
    switch (packet.type) {
      case "poll":
        return this.#poll(packet.callsign, from, via, now);
      case "unlink": {
        const client = this.#lookup(from, via, now);
        if (client === undefined) return this.#drop("unlinked");
        this.#removeClient(client, "unlinked", now);
        return this.#accept();
      }
      case "data":
        return this.#data(datagram, from, via, now);
      case "statusQuery":
        return this.#status(from, via);
      case "versionQuery":
        if (!this.#rateOk()) return this.#drop("rate_limited");
        this.#send(this.#versionReply, from, via, "version");
        return this.#accept();
      case "options": {
        const client = this.#lookup(from, via, now);
        if (client === undefined) return this.#drop("unlinked");
        this.#options(client, packet.options, now);
        return this.#accept();
      }
      case "info": {
        const client = this.#lookup(from, via, now);
        if (client === undefined) return this.#drop("unlinked");
        const { type: _type, ...info } = packet;
        client.info = info;
        return this.#accept();
      }
      default:
        // statusReply, versionReply: someone else's answers.
        return this.#drop("unexpected");
    }
  }

  /**
   * Runs the timers: client expiry (60 s after the last YSFP), stream
   * watchdog and TOT, temporary-block expiry, back-to-home, keep-alive
   * polls. Call it often (every 100 ms is plenty); every timer compares
   * against the injected clock, so the period only limits precision.
   *
   * @example Expiry
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { buildPoll } from "../packets.ts";
   * import { YsfReflectorCore } from "./reflector.ts";
   *
   * let time = 0;
   * const core = new YsfReflectorCore({ name: "R", now: () => time }, { send() {} });
   * core.handle(buildPoll("GW1"), { address: "192.0.2.1", port: 1 }, "main");
   * time = 60_000;
   * core.tick();
   * equal(core.snapshot().clients.length, 0);
   * ```
   */
  tick(): void {
    if (this.#closed) return;
    const now = this.#now();
    const o = this.#o;
    for (const client of this.#clients.values()) {
      if (now - client.lastPoll >= o.clientExpiryMs) {
        this.#removeClient(client, "expired", now);
        continue;
      }
      const home = client.home;
      if (
        home !== undefined && client.room !== home.dgid &&
        client.stream === undefined && now - client.awaySince >= home.timeoutMs
      ) {
        this.#move(client, home.dgid, "back-to-home", now);
      }
    }
    if (this.#streams.size > 0) {
      for (const stream of this.#streams.values()) {
        if (now - stream.lastFrameAt >= o.watchdogMs) {
          this.#endStream(stream, "watchdog", now);
        } else if (this.#protections.streamTimedOut(stream.startedAt)) {
          this.#timeout(stream, now);
        }
      }
    }
    this.#protections.sweep();
    if (o.keepAliveMs > 0 && now >= this.#nextKeepAlive) {
      for (const client of this.#clients.values()) {
        this.#send(POLL_REPLY, client.peer, client.via, "keepAlive");
      }
      this.#nextKeepAlive += o.keepAliveMs;
      if (this.#nextKeepAlive <= now) this.#nextKeepAlive = now + o.keepAliveMs;
    }
  }

  /**
   * A copy of the counters.
   *
   * @example Counting polls
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { buildPoll } from "../packets.ts";
   * import { YsfReflectorCore } from "./reflector.ts";
   *
   * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
   * core.handle(buildPoll("GW1"), { address: "192.0.2.1", port: 1 }, "main");
   * equal(core.counters.packetsIn.poll, 1);
   * equal(core.counters.packetsOut.pollReply, 1);
   * ```
   */
  get counters(): ReflectorCounters {
    return copyCounters(this.#counters);
  }

  /**
   * The sizes of the bounded collections.
   *
   * @example Reading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { YsfReflectorCore } from "./reflector.ts";
   *
   * equal(new YsfReflectorCore({ name: "R" }, { send() {} }).sizes.streams, 0);
   * ```
   */
  get sizes(): ReflectorSizes {
    return {
      clients: this.#clients.size,
      addresses: this.#clients.addresses,
      streams: this.#streams.size,
      rooms: this.#index.size,
      lastHeard: this.#lastHeard.size,
      tempBlocks: this.#protections.size,
      wildPttHistory: this.#protections.historySize,
    };
  }

  /**
   * Whether {@link YsfReflectorCore.close} was called.
   *
   * @example Closing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { YsfReflectorCore } from "./reflector.ts";
   *
   * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
   * core.close();
   * equal(core.closed, true);
   * ```
   */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The state as plain data, for a JSON API.
   *
   * @returns The snapshot.
   *
   * @example Rooms
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { YsfReflectorCore } from "./reflector.ts";
   *
   * const core = new YsfReflectorCore({ name: "R", dgidList: [9, 50], defaultDgid: 50 }, { send() {} });
   * deepEqual(core.snapshot().rooms.map((r) => r.dgid), [9, 50]);
   * ```
   */
  snapshot(): ReflectorSnapshot {
    const o = this.#o;
    const now = this.#now();
    const clients: ClientSnapshot[] = this.#clients.values().map((c) => ({
      id: c.id,
      callsign: c.callsign,
      address: c.peer.address,
      port: c.peer.port,
      via: c.via,
      room: c.room,
      hears: [...new Set([c.room, ...c.follow])].sort((a, b) => a - b),
      hold: c.hold,
      roomSource: c.roomSource,
      home: c.home === undefined ? undefined : { ...c.home },
      access: c.access,
      linkedSince: c.linkedSince,
      lastPoll: c.lastPoll,
      talking: c.stream !== undefined,
      info: c.info === undefined ? undefined : { ...c.info },
      options: c.options,
    }));
    const talkers = new Map<number, TalkerSnapshot[]>();
    for (const s of this.#streams.values()) {
      let list = talkers.get(s.room);
      if (list === undefined) {
        list = [];
        talkers.set(s.room, list);
      }
      list.push({
        streamId: s.id,
        clientId: s.client.id,
        clientCallsign: s.client.callsign,
        gateway: s.gateway,
        source: s.source,
        destination: s.destination,
        startedAt: s.startedAt,
        lastFrameAt: s.lastFrameAt,
        frames: s.frames,
      });
    }
    const dgids = new Set<number>([
      ...(o.mode === "rooms" ? o.dgidList : [0]),
      ...this.#index.dgids(),
      ...talkers.keys(),
    ]);
    const rooms: RoomSnapshot[] = [...dgids].sort((a, b) => a - b).map((
      dgid,
    ) => ({
      dgid,
      listed: o.mode === "rooms" ? o.dgidList.has(dgid) : true,
      local: o.mode === "rooms" && dgid === o.localDgid,
      listeners: this.#index.members(dgid)?.size ?? 0,
      talkers: talkers.get(dgid) ?? [],
    }));
    return {
      time: now,
      mode: o.mode,
      name: o.name,
      description: o.description,
      statusId: o.statusId,
      closed: this.#closed,
      clients,
      rooms,
      lastHeard: [...this.#lastHeard.values()].reverse().map((e) => ({ ...e })),
      tempBlocks: this.#protections.blocks(),
      counters: this.counters,
    };
  }

  /**
   * Applies new options without dropping clients (SIGHUP): ACL, home
   * entries, room list, protections, limits, timers, status identity. The
   * new options are validated first; on error nothing changes. Every client
   * gets its ACL standing re-evaluated; with new `homeEntries` (or a new
   * `dgidList`) the home file is re-applied to dynamic and fixed clients as
   * pYSFReflector3 does (a fixed entry moves the client; a removed entry
   * releases it). Smaller limits never remove clients, streams or blocks.
   *
   * @param options The options to change.
   * @throws {TypeError} If a text option is invalid.
   * @throws {RangeError} If a numeric option is out of range.
   *
   * @example Raising the client limit
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { YsfReflectorCore } from "./reflector.ts";
   *
   * const core = new YsfReflectorCore({ name: "R", maxClients: 10 }, { send() {} });
   * core.reload({ maxClients: 20, name: "NEW NAME" });
   * equal(core.snapshot().name, "NEW NAME");
   * ```
   */
  reload(options: ReloadableOptions): void {
    const raw: YsfReflectorOptions = {
      ...this.#raw,
      ...options,
      mode: this.#raw.mode,
      now: this.#raw.now,
    };
    const o = resolveReflectorOptions(raw);
    const versionReply = buildVersionReply(o.versionText);
    this.#protections.configure(o.protections);
    const previous = this.#o;
    this.#raw = raw;
    this.#o = o;
    this.#versionReply = versionReply;
    if ("roomMemory" in options) {
      this.#memory = options.roomMemory ?? new InMemoryRoomMemory();
    }
    this.#clients.resize({
      maxClients: o.maxClients,
      maxClientsPerIp: o.maxClientsPerIp,
    });
    if (o.maxStreams !== previous.maxStreams) {
      this.#streams = rebuildMap(
        this.#streams,
        Math.max(o.maxStreams, this.#streams.size),
      );
    }
    if (o.lastHeardSize !== previous.lastHeardSize) {
      this.#lastHeard = rebuildMap(this.#lastHeard, o.lastHeardSize);
    }
    if (o.statusRepliesPerSecond !== previous.statusRepliesPerSecond) {
      this.#statusBucket = this.#bucket(o.statusRepliesPerSecond);
    }
    const now = this.#now();
    if (o.keepAliveMs !== previous.keepAliveMs) {
      this.#nextKeepAlive = now + o.keepAliveMs;
    }
    const rehome = o.mode === "rooms" &&
      ("homeEntries" in options || "dgidList" in options);
    for (const client of this.#clients.values()) {
      client.access = o.acl.gatewayAccess(client.callsign, client.peer.address);
      if (rehome) this.#rehome(client, now);
    }
  }

  /**
   * Stops accepting: from now on every datagram is dropped as `closed` and
   * `tick` does nothing. The state stays readable through `snapshot`.
   *
   * @example Closing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { buildPoll } from "../packets.ts";
   * import { YsfReflectorCore } from "./reflector.ts";
   *
   * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
   * core.close();
   * equal(core.handle(buildPoll("GW1"), { address: "192.0.2.1", port: 1 }, "main"), "closed");
   * ```
   */
  close(): void {
    this.#closed = true;
  }

  /**
   * Lifts a temporary block (TOT / wild-PTT) now, e.g. from an admin API.
   *
   * @param callsign The base callsign.
   * @returns `true` if it was blocked.
   *
   * @example Nothing to lift
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { YsfReflectorCore } from "./reflector.ts";
   *
   * equal(new YsfReflectorCore({ name: "R" }, { send() {} }).liftTempBlock("G4ABC"), false);
   * ```
   */
  liftTempBlock(callsign: string): boolean {
    return this.#protections.unblock(callsign);
  }

  // ------------------------------------------------------------ packets

  #poll(
    callsign: string,
    from: Peer,
    via: LocalEndpointId,
    now: number,
  ): HandleResult {
    if (callsign === REFLECTOR_CALLSIGN) return this.#drop("unexpected");
    const existing = this.#lookup(from, via, now);
    if (existing !== undefined) {
      existing.lastPoll = now;
      this.#send(POLL_REPLY, existing.peer, via, "pollReply");
      return this.#accept();
    }
    const o = this.#o;
    if (o.refuseBlockedLinks && o.acl.refusesLink(callsign, from.address)) {
      return this.#drop("refused_blocked");
    }
    const refusal = this.#clients.admit(from);
    if (refusal !== undefined) return this.#drop(refusal);
    const aux = o.aux.get(via);
    const client = this.#clients.create(
      from,
      via,
      callsign,
      now,
      this.#nextClientId++,
      aux !== undefined,
    );
    client.access = o.acl.gatewayAccess(callsign, from.address);
    if (o.mode === "rooms") {
      const a = assignRoom({ gateway: callsign, auxDgid: aux?.dgid }, {
        dgidList: o.dgidList,
        defaultDgid: o.defaultDgid,
        home: o.home,
        memory: this.#safeMemory,
      });
      client.room = a.room;
      client.hold = a.hold;
      client.roomSource = a.source;
      client.home = a.home === undefined
        ? undefined
        : { ...a.home, source: "file" };
    } else {
      client.roomSource = "single-room";
    }
    this.#join(client);
    this.#counters.linked++;
    if (this.#events) {
      this.#emit({
        type: "client-linked",
        client: summarizeClient(client),
        source: client.roomSource,
        access: client.access,
      });
    }
    this.#send(POLL_REPLY, client.peer, via, "pollReply");
    return this.#accept();
  }

  #status(from: Peer, via: LocalEndpointId): HandleResult {
    if (!this.#rateOk()) return this.#drop("rate_limited");
    const o = this.#o;
    const alias = o.aux.get(via)?.status;
    const reply = buildStatusReply({
      id: alias?.id ?? o.statusId,
      name: alias?.name ?? o.name,
      description: alias?.description ?? o.description,
      count: this.#clients.size,
    });
    this.#send(reply, from, via, "status");
    return this.#accept();
  }

  #options(client: ClientRecord, text: string, now: number): void {
    client.options = text;
    const o = this.#o;
    if (o.mode !== "rooms" || client.hold !== "dynamic") return;
    const { first, all } = parseOptionDgids(text);
    const follow = all.filter((d) => o.dgidList.has(d) && d !== o.localDgid);
    if (
      first !== undefined && o.dgidList.has(first) && client.home === undefined
    ) {
      client.home = { dgid: first, timeoutMs: o.bthTimeMs, source: "options" };
      this.#move(client, first, "options", now);
    }
    const same = follow.length === client.follow.length &&
      follow.every((d, i) => client.follow[i] === d);
    if (!same) {
      this.#leave(client);
      client.follow = follow;
      this.#join(client);
    }
  }

  // --------------------------------------------------------------- data

  #data(
    datagram: Uint8Array,
    from: Peer,
    via: LocalEndpointId,
    now: number,
  ): HandleResult {
    const client = this.#lookup(from, via, now);
    if (client === undefined) return this.#drop("unlinked");
    client.awaySince = now;
    if (this.#o.mode === "single-room") {
      return this.#dataSingleRoom(client, datagram, now);
    }
    const raw = this.#fich;
    if (!this.#fichMemo.decode(datagram, raw, YSFD_FICH_OFFSET)) {
      return this.#drop("fich");
    }
    const fi = raw[0] >>> 6;
    const end = (datagram[34] & 1) !== 0;
    let stream = client.stream;
    if (stream !== undefined) {
      if (now - stream.lastFrameAt >= this.#o.watchdogMs) {
        this.#endStream(stream, "watchdog", now);
        stream = undefined;
      } else if (this.#protections.streamTimedOut(stream.startedAt)) {
        this.#timeout(stream, now);
        return this.#drop("timeout");
      } else {
        return this.#continue(stream, datagram, fi, end, now);
      }
    }
    const gated = this.#gate(
      client,
      fi === HEADER,
      fi === TERMINATOR || end,
      now,
    );
    if (gated !== undefined) return this.#drop(gated);
    if (fi !== HEADER) {
      this.#refuse(
        client,
        datagram,
        "no_header",
        fi === TERMINATOR || end,
        now,
      );
      return this.#drop("no_header");
    }
    return this.#header(client, datagram, end, now);
  }

  #header(
    client: ClientRecord,
    datagram: Uint8Array,
    end: boolean,
    now: number,
  ): HandleResult {
    const o = this.#o;
    const fich = fichFromBytes(this.#fich);
    const header = decodeHeaderPayload(datagram);
    const source = field(datagram, 14, 24);
    const serial = fich.cm === 1 && header.destination !== undefined
      ? splitRadioIdDestination(header.destination)?.serial
      : undefined;
    const blocked = o.acl.decide({
      gateway: client.callsign,
      address: client.address,
      source,
      dataType: fich.dt,
      frameTotal: fich.ft,
      serial,
      tempBlocked: this.#tempBlocked,
    });
    if (blocked !== undefined) {
      this.#block(client, datagram, blocked, now);
      return this.#drop("blocked");
    }
    if (fich.dgid === 127) {
      this.#refuse(client, datagram, "reserved_dgid", end, now);
      return this.#drop("reserved_dgid");
    }
    if (
      client.hold === "dynamic" && !client.aux && o.dgidList.has(fich.dgid) &&
      fich.dgid !== client.room
    ) {
      const followed = client.follow.includes(fich.dgid);
      this.#move(client, fich.dgid, "radio", now);
      this.#safeMemory.set(client.callsign, fich.dgid);
      if (!followed) {
        if (!end) {
          client.gate = { kind: "swallow", reason: "dgid_switch", last: now };
        }
        return this.#drop("dgid_switch");
      }
    }
    const local = client.room === o.localDgid;
    const key = streamKey(client.room, local, client);
    const holder = this.#streams.peek(key);
    if (holder !== undefined) {
      if (now - holder.lastFrameAt >= o.watchdogMs) {
        this.#endStream(holder, "watchdog", now);
      } else {
        this.#refuse(client, datagram, "busy", end, now);
        return this.#drop("busy");
      }
    }
    const stream = this.#open(client, datagram, key, local, source, now, {
      fich,
      header,
      prefix: o.prefix && !local && source !== ""
        ? dgidPrefixedSource(client.room, source)
        : undefined,
    });
    if (stream === undefined) {
      this.#refuse(client, datagram, "stream_limit", end, now);
      return this.#drop("stream_limit");
    }
    return this.#continue(stream, datagram, HEADER, end, now);
  }

  #dataSingleRoom(
    client: ClientRecord,
    datagram: Uint8Array,
    now: number,
  ): HandleResult {
    const end = (datagram[34] & 1) !== 0;
    let stream = client.stream;
    if (stream !== undefined) {
      if (now - stream.lastFrameAt >= this.#o.watchdogMs) {
        this.#endStream(stream, "watchdog", now);
        stream = undefined;
      } else if (this.#protections.streamTimedOut(stream.startedAt)) {
        this.#timeout(stream, now);
        return this.#drop("timeout");
      } else {
        if (stream.source === "") {
          // G4KLX fills in a late-entry talker and re-checks its block list.
          const source = field(datagram, 14, 24);
          if (source !== "") {
            stream.source = source;
            const blocked = this.#o.acl.checkCallsign(
              source,
              this.#tempBlocked,
            );
            if (blocked !== undefined) {
              this.#endStream(stream, "blocked", now);
              this.#block(client, datagram, blocked, now);
              return this.#drop("blocked");
            }
          }
        }
        return this.#continue(stream, datagram, -1, end, now);
      }
    }
    const gated = this.#gate(client, false, end, now);
    if (gated !== undefined) return this.#drop(gated);
    const source = field(datagram, 14, 24);
    const blocked = this.#o.acl.decide({
      gateway: client.callsign,
      address: client.address,
      source,
      tempBlocked: this.#tempBlocked,
    });
    if (blocked !== undefined) {
      this.#block(client, datagram, blocked, now);
      return this.#drop("blocked");
    }
    const key = streamKey(0, true, client);
    stream = this.#open(client, datagram, key, false, source, now, {
      fich: undefined,
      header: undefined,
      prefix: undefined,
    });
    if (stream === undefined) {
      this.#refuse(client, datagram, "stream_limit", end, now);
      return this.#drop("stream_limit");
    }
    return this.#continue(stream, datagram, -1, end, now);
  }

  /**
   * Applies the client's gate to a frame without a stream: returns the drop
   * reason if the frame belongs to a refused transmission.
   */
  #gate(
    client: ClientRecord,
    header: boolean,
    ending: boolean,
    now: number,
  ): DropReason | undefined {
    const gate = client.gate;
    if (gate === undefined) return undefined;
    const o = this.#o;
    const reject = gate.kind === "reject";
    if (
      now - gate.last >= (reject ? o.rejectHoldMs : o.watchdogMs) ||
      (!reject && header)
    ) {
      client.gate = undefined;
      return undefined;
    }
    gate.last = now;
    if (!reject && ending) client.gate = undefined;
    return gate.reason;
  }

  /** A transmission refused for a non-ACL reason: gate it and tell once. */
  #refuse(
    client: ClientRecord,
    datagram: Uint8Array,
    reason: DroppedReason,
    ending: boolean,
    now: number,
  ): void {
    if (!ending) client.gate = { kind: "drop", reason, last: now };
    if (this.#events) {
      this.#emit({
        type: "dropped",
        reason,
        client: summarizeClient(client),
        gateway: field(datagram, 4, 14),
        source: field(datagram, 14, 24),
        room: client.room,
      });
    }
  }

  /** A transmission refused by the ACL: reject the gateway until silence. */
  #block(
    client: ClientRecord,
    datagram: Uint8Array,
    reason: BlockReason,
    now: number,
  ): void {
    client.gate = { kind: "reject", reason: "blocked", last: now };
    this.#counters.blockedStreams[reason]++;
    if (this.#events) {
      this.#emit({
        type: "blocked",
        reason,
        client: summarizeClient(client),
        gateway: field(datagram, 4, 14),
        source: field(datagram, 14, 24),
      });
    }
  }

  #open(
    client: ClientRecord,
    datagram: Uint8Array,
    key: number,
    local: boolean,
    source: string,
    now: number,
    extra: {
      fich: StreamRecord["fich"];
      header: StreamRecord["header"];
      prefix: string | undefined;
    },
  ): StreamRecord | undefined {
    if (this.#streams.size >= this.#o.maxStreams) return undefined;
    const gateway = field(datagram, 4, 14);
    const stream: StreamRecord = {
      id: this.#nextStreamId++,
      key,
      room: client.room,
      local,
      client,
      gateway,
      source,
      destination: field(datagram, 24, 34),
      heardKey: source.toUpperCase() || `@${gateway}`,
      startedAt: now,
      lastFrameAt: now,
      frames: 0,
      fich: extra.fich,
      header: extra.header,
      prefixText: extra.prefix,
    };
    if (!this.#streams.set(key, stream)) return undefined;
    client.stream = stream;
    client.gate = undefined;
    this.#counters.streams++;
    this.#lastHeard.set(stream.heardKey, {
      source,
      gateway: stream.gateway,
      clientId: client.id,
      clientCallsign: client.callsign,
      room: stream.room,
      local,
      streamId: stream.id,
      startedAt: now,
      endedAt: undefined,
      frames: 0,
      endReason: undefined,
    });
    if (this.#events) {
      this.#emit({ type: "stream-start", stream: streamInfo(stream) });
    }
    const base = splitCallsign(source).base;
    if (base !== "") {
      const block = this.#protections.recordStreamStart(base);
      if (block !== undefined && this.#events) {
        this.#emit({ type: "temp-block-added", block: { ...block } });
      }
    }
    return stream;
  }

  #continue(
    stream: StreamRecord,
    datagram: Uint8Array,
    fi: number,
    end: boolean,
    now: number,
  ): HandleResult {
    stream.lastFrameAt = now;
    stream.frames++;
    if (this.#io.frame) {
      try {
        this.#io.frame(stream.id, datagram);
      } catch {
        this.#counters.eventErrors++;
      }
    }
    if (!stream.local) this.#relay(stream, datagram, fi, now);
    if (fi === TERMINATOR) this.#endStream(stream, "terminator", now);
    else if (end) this.#endStream(stream, "end-flag", now);
    return this.#accept();
  }

  #relay(
    stream: StreamRecord,
    datagram: Uint8Array,
    fi: number,
    now: number,
  ): void {
    this.#counters.relayedFrames++;
    const members = this.#index.members(stream.room);
    if (members === undefined) return;
    const sender = stream.client;
    const expiry = this.#o.clientExpiryMs;
    const prefix = stream.prefixText;
    let variant: Uint8Array | undefined;
    let tried = prefix === undefined || !this.#rewritable(fi);
    for (const receiver of members) {
      if (receiver === sender || receiver.access === "locked") continue;
      if (now - receiver.lastPoll >= expiry) continue;
      let bytes = datagram;
      if (receiver.hold === "dynamic") {
        if (!tried) {
          tried = true;
          variant = this.#prefixed(datagram, prefix!);
        }
        if (variant !== undefined) bytes = variant;
      }
      this.#send(bytes, receiver.peer, receiver.via, "data");
    }
  }

  /** Whether a frame carries a source callsign the prefix rewrites. */
  #rewritable(fi: number): boolean {
    if (fi === HEADER) return true;
    const raw = this.#fich;
    return fi === COMMUNICATION && (raw[2] & 3) === 2 &&
      ((raw[1] >>> 3) & 7) === Vd2Content.Source;
  }

  #prefixed(datagram: Uint8Array, prefix: string): Uint8Array | undefined {
    const copy = datagram.slice();
    return rewritePayloadSource(fichFromBytes(this.#fich), prefix, copy)
      ? copy
      : undefined;
  }

  #timeout(stream: StreamRecord, now: number): void {
    this.#endStream(stream, "timeout", now);
    const client = stream.client;
    if (this.#clients.get(client.key) === client) {
      client.gate = { kind: "drop", reason: "timeout", last: now };
    }
    const base = splitCallsign(stream.source).base;
    if (base === "") return;
    const block = this.#protections.block(base, "timeout");
    if (block !== undefined && this.#events) {
      this.#emit({ type: "temp-block-added", block: { ...block } });
    }
  }

  #endStream(stream: StreamRecord, reason: StreamEndReason, now: number): void {
    if (this.#streams.peek(stream.key) === stream) {
      this.#streams.delete(stream.key);
    }
    if (stream.client.stream === stream) stream.client.stream = undefined;
    const heard = this.#lastHeard.peek(stream.heardKey);
    if (heard !== undefined && heard.streamId === stream.id) {
      heard.endedAt = now;
      heard.frames = stream.frames;
      heard.endReason = reason;
    }
    if (this.#events) {
      this.#emit({
        type: "stream-end",
        stream: streamInfo(stream),
        reason,
        endedAt: now,
        durationMs: now - stream.startedAt,
        frames: stream.frames,
      });
    }
  }

  // ------------------------------------------------------------ clients

  #lookup(
    from: Peer,
    via: LocalEndpointId,
    now: number,
  ): ClientRecord | undefined {
    const client = this.#clients.get(clientKey(from, via));
    if (client === undefined) return undefined;
    if (now - client.lastPoll >= this.#o.clientExpiryMs) {
      this.#removeClient(client, "expired", now);
      return undefined;
    }
    return client;
  }

  #removeClient(
    client: ClientRecord,
    reason: "unlinked" | "expired",
    now: number,
  ): void {
    if (!this.#clients.remove(client)) return;
    this.#leave(client);
    if (client.stream !== undefined) {
      this.#endStream(client.stream, "unlinked", now);
    }
    client.gate = undefined;
    this.#counters[reason]++;
    if (this.#events) {
      this.#emit({
        type: "client-unlinked",
        client: summarizeClient(client),
        reason,
      });
    }
  }

  #join(client: ClientRecord): void {
    this.#index.join(client, client.room);
    for (const dgid of client.follow) this.#index.join(client, dgid);
  }

  #leave(client: ClientRecord): void {
    this.#index.leave(client, client.room);
    for (const dgid of client.follow) this.#index.leave(client, dgid);
  }

  #move(
    client: ClientRecord,
    to: number,
    reason: RoomChangeReason,
    now: number,
  ): void {
    client.awaySince = now;
    const from = client.room;
    if (from === to) return;
    this.#leave(client);
    client.room = to;
    this.#join(client);
    if (this.#events) {
      this.#emit({
        type: "room-changed",
        client: summarizeClient(client),
        from,
        to,
        reason,
      });
    }
  }

  /** Re-applies the home file to a client (reload), as pYSFReflector3. */
  #rehome(client: ClientRecord, now: number): void {
    if (client.hold === "static") return;
    const o = this.#o;
    const entry = o.home.get(client.callsign.toUpperCase());
    if (entry !== undefined && o.dgidList.has(entry.dgid)) {
      if (entry.fixed) {
        client.hold = "fixed";
        client.home = undefined;
        this.#move(client, entry.dgid, "home-file", now);
      } else {
        client.hold = "dynamic";
        client.home = {
          dgid: entry.dgid,
          timeoutMs: entry.timeoutMs,
          source: "file",
        };
      }
      return;
    }
    if (client.home?.source === "file") client.home = undefined;
    if (client.hold === "fixed") client.hold = "dynamic";
  }

  // -------------------------------------------------------------- output

  #bucket(rate: number): TokenBucket | undefined {
    return rate > 0
      ? new TokenBucket({
        capacity: rate * 2,
        refillPerSecond: rate,
        now: this.#now,
      })
      : undefined;
  }

  #rateOk(): boolean {
    return this.#statusBucket === undefined || this.#statusBucket.tryTake();
  }

  #send(
    data: Uint8Array,
    to: Peer,
    via: LocalEndpointId,
    kind: OutKind,
  ): void {
    try {
      this.#io.send(data, to, via);
      this.#counters.packetsOut[kind]++;
    } catch {
      this.#counters.sendErrors++;
    }
  }

  #emit(event: ReflectorEvent): void {
    try {
      this.#io.event!(event);
    } catch {
      this.#counters.eventErrors++;
    }
  }

  #accept(): HandleResult {
    this.#counters.accepted++;
    return "accepted";
  }

  #drop(reason: DropReason): HandleResult {
    this.#counters.drops[reason]++;
    return reason;
  }
}
