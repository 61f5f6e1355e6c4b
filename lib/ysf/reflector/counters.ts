/**
 * Counters of the reflector state machine: datagrams in by type, packets
 * out by kind, drops by reason (a fixed set, so metrics have bounded label
 * cardinality) and blocked streams by ACL reason. Every datagram handed to
 * the reflector is either accepted or dropped under exactly one reason:
 * `datagrams === accepted + Σ drops`.
 *
 * @module
 */

import { BLOCK_REASONS, type BlockReason } from "./acl.ts";

/**
 * Every reason a datagram can be dropped for:
 *
 * - `runt`, `unknown_tag`, `too_short`, `too_long`, `bad_field`: malformed
 *   (the codec's parse reasons; a YSFD must be exactly 155 bytes).
 * - `closed`: the reflector was closed.
 * - `unexpected`: a reply sent to us (42-byte YSFS, YSFV with text, YSFP
 *   from `REFLECTOR`): not answered, so two reflectors cannot loop.
 * - `unlinked`: YSFD/YSFU/YSFO/YSFI from an address that is not linked.
 * - `refused_capacity`, `refused_per_ip`, `refused_blocked`: a YSFP that
 *   would link a new client, refused (no reply) because the reflector is
 *   full, the address has too many clients, or `refuseBlockedLinks`.
 * - `rate_limited`: a YSFS/YSFV query beyond the reply rate limit.
 * - `fich`: the FICH failed its CRC (rooms mode).
 * - `no_header`: a frame of a transmission whose header was not seen (late
 *   entry; pYSFReflector3 drops these too).
 * - `reserved_dgid`: a header with DG-ID 127.
 * - `blocked`: a frame of a transmission the ACL or a temporary block
 *   refused (and the rest of it, until 1.5 s of silence).
 * - `busy`: the room already has a talker.
 * - `stream_limit`: the stream table is full.
 * - `dgid_switch`: a transmission that moved its client to another room
 *   (the first PTT after a DG-ID change is not relayed).
 * - `timeout`: the rest of a transmission cut by the TOT.
 *
 * @example Checking a reason
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DROP_REASONS } from "./counters.ts";
 *
 * equal(DROP_REASONS.includes("busy"), true);
 * ```
 */
export const DROP_REASONS = [
  "runt",
  "unknown_tag",
  "too_short",
  "too_long",
  "bad_field",
  "closed",
  "unexpected",
  "unlinked",
  "refused_capacity",
  "refused_per_ip",
  "refused_blocked",
  "rate_limited",
  "fich",
  "no_header",
  "reserved_dgid",
  "blocked",
  "busy",
  "stream_limit",
  "dgid_switch",
  "timeout",
] as const;

/** One of {@link DROP_REASONS}. */
export type DropReason = (typeof DROP_REASONS)[number];

/**
 * What {@link YsfReflectorCore.handle} did with a datagram: `accepted`, or
 * the reason it was dropped.
 *
 * @example A result
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HandleResult } from "./counters.ts";
 *
 * const result: HandleResult = "accepted";
 * equal(result, "accepted");
 * ```
 */
export type HandleResult = "accepted" | DropReason;

/**
 * The kinds of datagram counted on the way in (the codec's packet types,
 * `invalid` for anything it rejected).
 *
 * @example Kinds
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { PACKET_KINDS } from "./counters.ts";
 *
 * equal(PACKET_KINDS[0], "poll");
 * ```
 */
export const PACKET_KINDS = [
  "poll",
  "unlink",
  "data",
  "statusQuery",
  "statusReply",
  "options",
  "info",
  "versionQuery",
  "versionReply",
  "invalid",
] as const;

/** One of {@link PACKET_KINDS}. */
export type PacketKind = (typeof PACKET_KINDS)[number];

/**
 * The kinds of packet sent: YSFP replies, keep-alive polls, relayed YSFD,
 * status and version replies.
 *
 * @example Kinds
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { OUT_KINDS } from "./counters.ts";
 *
 * equal(OUT_KINDS.includes("keepAlive"), true);
 * ```
 */
export const OUT_KINDS = [
  "pollReply",
  "keepAlive",
  "data",
  "status",
  "version",
] as const;

/** One of {@link OUT_KINDS}. */
export type OutKind = (typeof OUT_KINDS)[number];

/**
 * The reflector's counters, since it was created (a copy when read from
 * {@link YsfReflectorCore.counters}).
 *
 * @example Reading
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createCounters, type ReflectorCounters } from "./counters.ts";
 *
 * const counters: ReflectorCounters = createCounters();
 * equal(counters.drops.busy, 0);
 * ```
 */
export interface ReflectorCounters {
  /** Datagrams handed to `handle()`. */
  datagrams: number;
  /** Datagrams acted on (not dropped). */
  accepted: number;
  /** Datagrams in, by parsed type. */
  packetsIn: Record<PacketKind, number>;
  /** Packets sent, by kind (each receiver counts). */
  packetsOut: Record<OutKind, number>;
  /** Dropped datagrams, by reason. */
  drops: Record<DropReason, number>;
  /** Refused transmissions (one per transmission), by ACL reason. */
  blockedStreams: Record<BlockReason, number>;
  /** YSFD frames relayed (each frame once, whatever the receivers). */
  relayedFrames: number;
  /** Streams opened. */
  streams: number;
  /** Clients linked. */
  linked: number;
  /** Clients that unlinked with YSFU. */
  unlinked: number;
  /** Clients removed after 60 s without a poll. */
  expired: number;
  /** Exceptions thrown by `io.send` (caught). */
  sendErrors: number;
  /** Exceptions thrown by `io.event` (caught). */
  eventErrors: number;
  /** Exceptions thrown by the injected `roomMemory` (caught). */
  memoryErrors: number;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = 0;
  return out;
}

/**
 * A fresh set of counters, all zero.
 *
 * @returns The counters.
 *
 * @example Fresh counters
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createCounters } from "./counters.ts";
 *
 * equal(createCounters().datagrams, 0);
 * ```
 */
export function createCounters(): ReflectorCounters {
  return {
    datagrams: 0,
    accepted: 0,
    packetsIn: zeros(PACKET_KINDS),
    packetsOut: zeros(OUT_KINDS),
    drops: zeros(DROP_REASONS),
    blockedStreams: zeros(BLOCK_REASONS),
    relayedFrames: 0,
    streams: 0,
    linked: 0,
    unlinked: 0,
    expired: 0,
    sendErrors: 0,
    eventErrors: 0,
    memoryErrors: 0,
  };
}

/**
 * A deep copy of counters.
 *
 * @param counters The counters.
 * @returns The copy.
 *
 * @example Copying
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { copyCounters, createCounters } from "./counters.ts";
 *
 * const live = createCounters();
 * const copy = copyCounters(live);
 * live.drops.busy++;
 * equal(copy.drops.busy, 0);
 * ```
 */
export function copyCounters(counters: ReflectorCounters): ReflectorCounters {
  return {
    ...counters,
    packetsIn: { ...counters.packetsIn },
    packetsOut: { ...counters.packetsOut },
    drops: { ...counters.drops },
    blockedStreams: { ...counters.blockedStreams },
  };
}
