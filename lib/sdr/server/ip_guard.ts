/**
 * Per-address admission of new WebSockets for `shack sdr serve`
 * (PhantomSDR users ask for IP limits and bans, sdr-phantomsdr.md §5; the
 * keys follow sv1btl's `[limits] per_ip…`):
 *
 * - `sockets`: open sockets of any path from one address;
 * - `listeners`: open `/audio` sockets from one address;
 * - `connectionsPerMinute`: new sockets per minute from one address (a
 *   token bucket of that size, refilled over a minute);
 * - `banAfter` refusals by these checks within a minute ban the address
 *   for `banSeconds`: every upgrade from it is refused until then.
 *
 * 0 turns a check off. Everything is bounded: the open counts exist only
 * while an address has a socket (a `BoundedMap` refusing beyond
 * `maxAddresses`), the rate and refusal state of at most `maxTracked`
 * recent addresses (least recently seen forgotten first, after a minute of
 * silence anyway), and at most `maxTracked` bans. Limits can be replaced
 * while running ({@linkcode IpGuard.setLimits}): open sockets stay, new ones
 * obey the new limits. Clock injected.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/bounded_map.ts";
import { SlidingWindowCounter } from "../../core/bounded/sliding_window_counter.ts";
import { TokenBucket } from "../../core/bounded/token_bucket.ts";

/**
 * The per-address limits (0 = off).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { IpLimits } from "./ip_guard.ts";
 *
 * const limits: IpLimits = { sockets: 16, connectionsPerMinute: 40, banAfter: 10, banSeconds: 600 };
 * equal(limits.listeners, undefined);
 * ```
 */
export interface IpLimits {
  /** Open sockets of any path per address (default 64). */
  sockets?: number;
  /** Open `/audio` sockets per address (default 0: no cap). */
  listeners?: number;
  /** New sockets per minute per address (default 0: no limit). */
  connectionsPerMinute?: number;
  /** Refusals within a minute that ban the address (default 10; 0 = never). */
  banAfter?: number;
  /** Length of a ban, s (default 600; 0 = never ban). */
  banSeconds?: number;
}

/**
 * Why an address was refused.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { IpRefusal } from "./ip_guard.ts";
 *
 * const reason: IpRefusal = "banned";
 * equal(reason, "banned");
 * ```
 */
export type IpRefusal = "banned" | "rate" | "sockets" | "listeners";

/**
 * The answer of {@linkcode IpGuard.admit}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { IpVerdict } from "./ip_guard.ts";
 *
 * const verdict: IpVerdict = { ok: false, reason: "rate", retryAfterSeconds: 2, banned: false };
 * equal(verdict.ok, false);
 * ```
 */
export type IpVerdict =
  | { ok: true }
  | {
    ok: false;
    /** Which check refused. */
    reason: IpRefusal;
    /** When to try again (the HTTP `Retry-After`), s, at least 1. */
    retryAfterSeconds: number;
    /** Whether this refusal got the address banned. */
    banned: boolean;
  };

/**
 * Options of {@linkcode IpGuard}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { IpGuardOptions } from "./ip_guard.ts";
 *
 * const options: IpGuardOptions = { maxTracked: 1000 };
 * equal(options.maxAddresses, undefined);
 * ```
 */
export interface IpGuardOptions {
  /** Addresses with open sockets at once (default 65536; more are refused as `sockets`). */
  maxAddresses?: number;
  /** Recent addresses whose rate and refusals are remembered, and bans (default 10000). */
  maxTracked?: number;
  /** Clock, ms (default `performance.now`). */
  now?: () => number;
}

/**
 * Counters of an {@linkcode IpGuard}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { IpGuardStats } from "./ip_guard.ts";
 *
 * const stats: IpGuardStats = {
 *   refused: { banned: 0, rate: 3, sockets: 0, listeners: 0 }, bans: 1, banned: 1, addresses: 2,
 * };
 * equal(stats.bans, 1);
 * ```
 */
export interface IpGuardStats {
  /** Refusals by reason. */
  refused: Record<IpRefusal, number>;
  /** Bans given since start. */
  bans: number;
  /** Addresses banned now. */
  banned: number;
  /** Addresses with open sockets now. */
  addresses: number;
}

interface Open {
  sockets: number;
  listeners: number;
}

interface Recent {
  bucket: TokenBucket | undefined;
  refusals: SlidingWindowCounter;
}

const MINUTE_MS = 60_000;
/** Retry-After for a refusal by an open-socket cap, s. */
const BUSY_RETRY_SECONDS = 10;

/**
 * Admits or refuses new sockets by address.
 *
 * @example Three listeners per address, a ban after two refusals
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { IpGuard } from "./ip_guard.ts";
 *
 * let time = 0;
 * const guard = new IpGuard({ listeners: 1, banAfter: 2, banSeconds: 60 }, { now: () => time });
 * equal(guard.admit("192.0.2.1", true).ok, true);
 * equal(guard.admit("192.0.2.1", false).ok, true); // a waterfall is not a listener
 * deepEqual(guard.admit("192.0.2.1", true), {
 *   ok: false, reason: "listeners", retryAfterSeconds: 10, banned: false,
 * });
 * equal(guard.admit("192.0.2.1", true).ok, false); // second refusal: banned
 * guard.release("192.0.2.1", true);
 * deepEqual(guard.admit("192.0.2.1", true), {
 *   ok: false, reason: "banned", retryAfterSeconds: 60, banned: false,
 * });
 * time = 60_000;
 * equal(guard.admit("192.0.2.1", true).ok, true);
 * ```
 */
export class IpGuard {
  #limits: Required<IpLimits>;
  #now: () => number;
  #open: BoundedMap<string, Open>;
  #recent: BoundedMap<string, Recent>;
  #bans: BoundedMap<string, number>;
  #refused: Record<IpRefusal, number> = {
    banned: 0,
    rate: 0,
    sockets: 0,
    listeners: 0,
  };
  #bansGiven = 0;

  /**
   * Creates a guard.
   *
   * @param limits The limits.
   * @param options Bounds and clock.
   * @throws {RangeError} If a limit is not a non-negative integer or a bound
   * not a positive one.
   */
  constructor(limits: IpLimits = {}, options: IpGuardOptions = {}) {
    this.#limits = checkLimits(limits);
    this.#now = options.now ?? (() => performance.now());
    const maxTracked = options.maxTracked ?? 10_000;
    this.#open = new BoundedMap({
      capacity: options.maxAddresses ?? 65_536,
      policy: "reject",
    });
    this.#recent = new BoundedMap({
      capacity: maxTracked,
      ttlMs: MINUTE_MS,
      now: this.#now,
    });
    this.#bans = new BoundedMap({ capacity: maxTracked });
  }

  /** The limits in force. */
  get limits(): Readonly<Required<IpLimits>> {
    return this.#limits;
  }

  /**
   * Replaces the limits: open sockets stay, new ones obey the new limits.
   * A changed rate starts every address with a full allowance; bans stay.
   *
   * @param limits The new limits.
   * @throws {RangeError} If a limit is not a non-negative integer.
   */
  setLimits(limits: IpLimits): void {
    const next = checkLimits(limits);
    if (next.connectionsPerMinute !== this.#limits.connectionsPerMinute) {
      for (const recent of this.#recent.values()) recent.bucket = undefined;
    }
    this.#limits = next;
  }

  /**
   * Decides on a new socket from `ip`; when admitted, counts it open until
   * {@linkcode IpGuard.release}.
   *
   * @param ip The client's address.
   * @param listener Whether it is an `/audio` socket.
   * @returns The verdict.
   */
  admit(ip: string, listener: boolean): IpVerdict {
    const now = this.#now();
    const until = this.#bans.peek(ip);
    if (until !== undefined) {
      if (until > now) {
        this.#refused.banned++;
        return {
          ok: false,
          reason: "banned",
          retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)),
          banned: false,
        };
      }
      this.#bans.delete(ip);
    }
    const limits = this.#limits;
    const recent = this.#recentOf(ip);
    if (limits.connectionsPerMinute > 0) {
      recent.bucket ??= new TokenBucket({
        capacity: limits.connectionsPerMinute,
        refillPerSecond: limits.connectionsPerMinute / 60,
        now: this.#now,
      });
      if (!recent.bucket.tryTake()) {
        const wait = recent.bucket.timeUntil(1);
        return this.#refuse(ip, recent, "rate", Math.ceil(wait / 1000));
      }
    }
    const open = this.#open.peek(ip) ?? { sockets: 0, listeners: 0 };
    if (limits.sockets > 0 && open.sockets >= limits.sockets) {
      return this.#refuse(ip, recent, "sockets", BUSY_RETRY_SECONDS);
    }
    if (
      listener && limits.listeners > 0 && open.listeners >= limits.listeners
    ) {
      return this.#refuse(ip, recent, "listeners", BUSY_RETRY_SECONDS);
    }
    if (open.sockets === 0 && !this.#open.set(ip, open)) {
      return this.#refuse(ip, recent, "sockets", BUSY_RETRY_SECONDS);
    }
    open.sockets++;
    if (listener) open.listeners++;
    return { ok: true };
  }

  /**
   * Counts a refusal of `ip` by another per-address check (towards a ban).
   *
   * @param ip The client's address.
   * @returns Whether the address is banned now.
   */
  noteRefusal(ip: string): boolean {
    return this.#count(ip, this.#recentOf(ip));
  }

  /**
   * Gives back a socket admitted by {@linkcode IpGuard.admit}.
   *
   * @param ip The client's address.
   * @param listener Whether it was an `/audio` socket.
   */
  release(ip: string, listener: boolean): void {
    const open = this.#open.peek(ip);
    if (open === undefined) return;
    open.sockets--;
    if (listener && open.listeners > 0) open.listeners--;
    if (open.sockets <= 0) this.#open.delete(ip);
  }

  /**
   * Open sockets of an address.
   *
   * @param ip The address.
   * @returns Its sockets and listeners.
   */
  openOf(ip: string): { sockets: number; listeners: number } {
    const open = this.#open.peek(ip);
    return { sockets: open?.sockets ?? 0, listeners: open?.listeners ?? 0 };
  }

  /**
   * Whether an address is banned now.
   *
   * @param ip The address.
   * @returns True while banned.
   */
  isBanned(ip: string): boolean {
    const until = this.#bans.peek(ip);
    return until !== undefined && until > this.#now();
  }

  /**
   * Lifts every ban.
   */
  clearBans(): void {
    this.#bans.clear();
  }

  /**
   * Counters.
   *
   * @returns A snapshot.
   */
  stats(): IpGuardStats {
    const now = this.#now();
    let banned = 0;
    for (const until of this.#bans.values()) if (until > now) banned++;
    return {
      refused: { ...this.#refused },
      bans: this.#bansGiven,
      banned,
      addresses: this.#open.size,
    };
  }

  #recentOf(ip: string): Recent {
    let recent = this.#recent.get(ip);
    if (recent === undefined) {
      recent = {
        bucket: undefined,
        refusals: new SlidingWindowCounter({
          windowMs: MINUTE_MS,
          buckets: 12,
          now: this.#now,
        }),
      };
      this.#recent.set(ip, recent);
    } else {
      this.#recent.touch(ip);
    }
    return recent;
  }

  #refuse(
    ip: string,
    recent: Recent,
    reason: IpRefusal,
    retryAfterSeconds: number,
  ): IpVerdict {
    this.#refused[reason]++;
    const banned = this.#count(ip, recent);
    const retry = banned ? this.#limits.banSeconds : Math.max(
      1,
      Number.isFinite(retryAfterSeconds) ? retryAfterSeconds : 60,
    );
    return { ok: false, reason, retryAfterSeconds: retry, banned };
  }

  /** Counts a refusal; bans when the threshold is reached. */
  #count(ip: string, recent: Recent): boolean {
    const { banAfter, banSeconds } = this.#limits;
    if (banAfter === 0 || banSeconds === 0) return false;
    recent.refusals.add();
    if (recent.refusals.total() < banAfter) return false;
    recent.refusals.reset();
    this.#bans.set(ip, this.#now() + banSeconds * 1000);
    this.#bansGiven++;
    return true;
  }
}

function checkLimits(limits: IpLimits): Required<IpLimits> {
  const out = {
    sockets: limits.sockets ?? 64,
    listeners: limits.listeners ?? 0,
    connectionsPerMinute: limits.connectionsPerMinute ?? 0,
    banAfter: limits.banAfter ?? 10,
    banSeconds: limits.banSeconds ?? 600,
  };
  for (const [name, value] of Object.entries(out)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(
        `Expected the ${name} limit to be a non-negative integer, found ${value}`,
      );
    }
  }
  return out;
}
