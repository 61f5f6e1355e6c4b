/**
 * Connection limits of `shack sdr serve`: at most so many `/audio`,
 * `/waterfall` and `/events` sockets (PhantomSDR's `[limits]`, which
 * PhantomSDR parses but never enforces), and at most so many of each from
 * one IP address. The per-address counts exist only while an address has a
 * connection, so they are bounded by the limits themselves. The limits can
 * be replaced while running ({@linkcode ConnectionLimits.setLimits}, on
 * SIGHUP): open connections stay, new ones obey the new limits, up to
 * {@linkcode MAX_CONNECTIONS_PER_KIND} per kind (what the Worker, the
 * `/events` table and the socket set are sized for).
 *
 * @module
 */

/**
 * The PhantomSDR sockets.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrSocketKind } from "./connection_limits.ts";
 *
 * const kind: SdrSocketKind = "waterfall";
 * equal(kind, "waterfall");
 * ```
 */
export type SdrSocketKind = "audio" | "waterfall" | "events";

/**
 * The socket kinds, in a fixed order.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SDR_SOCKET_KINDS } from "./connection_limits.ts";
 *
 * equal(SDR_SOCKET_KINDS.join(), "audio,waterfall,events");
 * ```
 */
export const SDR_SOCKET_KINDS: readonly SdrSocketKind[] = Object.freeze([
  "audio",
  "waterfall",
  "events",
]);

/**
 * The highest per-kind limit (the configuration's maximum), so that what is
 * sized at start (the DSP Worker's listener table, the `/events` table, the
 * HTTP server's socket set) never needs to grow on a reload.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_CONNECTIONS_PER_KIND } from "./connection_limits.ts";
 *
 * equal(MAX_CONNECTIONS_PER_KIND, 100_000);
 * ```
 */
export const MAX_CONNECTIONS_PER_KIND = 100_000;

/**
 * Limits of {@linkcode ConnectionLimits} (all optional).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ConnectionLimits, type SdrLimits } from "./connection_limits.ts";
 *
 * const limits: SdrLimits = { audio: 100, perIp: 4 };
 * equal(new ConnectionLimits(limits).max.audio, 100);
 * ```
 */
export interface SdrLimits {
  /** Most `/audio` sockets (default 1000, PhantomSDR's `[limits] audio`). */
  audio?: number;
  /** Most `/waterfall` sockets (default 1000). */
  waterfall?: number;
  /** Most `/events` sockets (default 1000). */
  events?: number;
  /** Most sockets of one kind from one IP address (default 20; 0 = no cap). */
  perIp?: number;
}

/**
 * Why a connection was refused.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LimitRefusal } from "./connection_limits.ts";
 *
 * const refusal: LimitRefusal = "per_ip";
 * equal(refusal, "per_ip");
 * ```
 */
export type LimitRefusal = "limit" | "per_ip";

/**
 * Counts connections per kind and per (kind, address).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ConnectionLimits } from "./connection_limits.ts";
 *
 * const limits = new ConnectionLimits({ audio: 2, perIp: 1 });
 * equal(limits.tryAcquire("audio", "10.0.0.1"), undefined);
 * equal(limits.tryAcquire("audio", "10.0.0.1"), "per_ip");
 * equal(limits.tryAcquire("audio", "10.0.0.2"), undefined);
 * equal(limits.tryAcquire("audio", "10.0.0.3"), "limit");
 * limits.release("audio", "10.0.0.1");
 * equal(limits.count("audio"), 1);
 * ```
 */
export class ConnectionLimits {
  #max: Readonly<Record<SdrSocketKind, number>>;
  #perIpMax: number;
  #counts: Record<SdrSocketKind, number> = {
    audio: 0,
    waterfall: 0,
    events: 0,
  };
  #perIp = new Map<string, number>();

  /**
   * @param limits The limits.
   * @throws {RangeError} If a limit is not a non-negative integer, or a
   * per-kind limit is above {@linkcode MAX_CONNECTIONS_PER_KIND}.
   */
  constructor(limits: SdrLimits = {}) {
    this.#max = maxOf(limits);
    this.#perIpMax = check("perIp", limits.perIp ?? 20);
  }

  /** The limit per kind. */
  get max(): Readonly<Record<SdrSocketKind, number>> {
    return this.#max;
  }

  /** The limit per kind and address (0 = no cap). */
  get perIp(): number {
    return this.#perIpMax;
  }

  /** Sum of the per-kind limits. */
  get total(): number {
    return this.#max.audio + this.#max.waterfall + this.#max.events;
  }

  /**
   * Replaces the limits (absent ones get their defaults): open
   * connections stay, even above a lowered limit; new ones obey.
   *
   * @param limits The new limits.
   * @throws {RangeError} As the constructor; nothing changes then.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ConnectionLimits } from "./connection_limits.ts";
   *
   * const limits = new ConnectionLimits({ audio: 2 });
   * equal(limits.tryAcquire("audio", "a"), undefined);
   * equal(limits.tryAcquire("audio", "b"), undefined);
   * limits.setLimits({ audio: 1 });
   * equal(limits.count("audio"), 2); // they stay
   * equal(limits.tryAcquire("audio", "c"), "limit");
   * ```
   */
  setLimits(limits: SdrLimits): void {
    const max = maxOf(limits);
    const perIp = check("perIp", limits.perIp ?? 20);
    this.#max = max;
    this.#perIpMax = perIp;
  }

  /**
   * Connections of a kind now.
   *
   * @param kind The socket kind.
   * @returns The count.
   */
  count(kind: SdrSocketKind): number {
    return this.#counts[kind];
  }

  /**
   * Takes a slot for a new connection.
   *
   * @param kind The socket kind.
   * @param ip The client's address.
   * @returns undefined when taken, else why not.
   */
  tryAcquire(kind: SdrSocketKind, ip: string): LimitRefusal | undefined {
    if (this.#counts[kind] >= this.#max[kind]) return "limit";
    const key = `${kind} ${ip}`;
    const current = this.#perIp.get(key) ?? 0;
    if (this.#perIpMax > 0 && current >= this.#perIpMax) return "per_ip";
    this.#perIp.set(key, current + 1);
    this.#counts[kind]++;
    return undefined;
  }

  /**
   * Gives a slot back (once per successful `tryAcquire`).
   *
   * @param kind The socket kind.
   * @param ip The client's address.
   */
  release(kind: SdrSocketKind, ip: string): void {
    const key = `${kind} ${ip}`;
    const current = this.#perIp.get(key);
    if (current === undefined) return;
    if (current <= 1) this.#perIp.delete(key);
    else this.#perIp.set(key, current - 1);
    this.#counts[kind]--;
  }
}

function maxOf(limits: SdrLimits): Readonly<Record<SdrSocketKind, number>> {
  const max = {
    audio: check("audio", limits.audio ?? 1000),
    waterfall: check("waterfall", limits.waterfall ?? 1000),
    events: check("events", limits.events ?? 1000),
  };
  for (const [kind, value] of Object.entries(max)) {
    if (value > MAX_CONNECTIONS_PER_KIND) {
      throw new RangeError(
        `Expected the ${kind} limit to be at most ${MAX_CONNECTIONS_PER_KIND}, found ${value}`,
      );
    }
  }
  return Object.freeze(max);
}

function check(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `Expected the ${name} limit to be a non-negative integer, found ${value}`,
    );
  }
  return value;
}
