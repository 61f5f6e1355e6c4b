/**
 * Connection limits of `shack sdr serve`: at most so many `/audio`,
 * `/waterfall` and `/events` sockets (PhantomSDR's `[limits]`, which
 * PhantomSDR parses but never enforces), and at most so many of each from
 * one IP address. The per-address counts exist only while an address has a
 * connection, so they are bounded by the limits themselves.
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
  /** Most sockets of one kind from one IP address (default 20). */
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
  /** The limit per kind. */
  readonly max: Readonly<Record<SdrSocketKind, number>>;
  /** The limit per kind and address. */
  readonly perIp: number;
  #counts: Record<SdrSocketKind, number> = {
    audio: 0,
    waterfall: 0,
    events: 0,
  };
  #perIp = new Map<string, number>();

  /**
   * @param limits The limits.
   * @throws {RangeError} If a limit is not a non-negative integer.
   */
  constructor(limits: SdrLimits = {}) {
    this.max = Object.freeze({
      audio: check("audio", limits.audio ?? 1000),
      waterfall: check("waterfall", limits.waterfall ?? 1000),
      events: check("events", limits.events ?? 1000),
    });
    this.perIp = check("perIp", limits.perIp ?? 20);
  }

  /** Sum of the per-kind limits. */
  get total(): number {
    return this.max.audio + this.max.waterfall + this.max.events;
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
    if (this.#counts[kind] >= this.max[kind]) return "limit";
    const key = `${kind} ${ip}`;
    const current = this.#perIp.get(key) ?? 0;
    if (current >= this.perIp) return "per_ip";
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

function check(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `Expected the ${name} limit to be a non-negative integer, found ${value}`,
    );
  }
  return value;
}
