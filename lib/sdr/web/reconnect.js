// @ts-check
/**
 * Reconnect delays: exponential backoff with jitter, reset once a
 * connection has stayed up for a while, so a restarted server is rejoined
 * within seconds and a server that is down is not hammered.
 *
 * @module
 */

/**
 * Options of {@link Backoff}.
 *
 * @typedef {object} BackoffOptions
 * @property {number} [initialMs] First delay (default 500).
 * @property {number} [maxMs] Longest delay (default 30000).
 * @property {number} [factor] Growth per failed attempt (default 2).
 * @property {number} [jitter] Random spread, 0…1 of the delay (default 0.25).
 * @property {number} [stableMs] A connection up this long resets the
 * delay (default 10000).
 * @property {() => number} [random] Uniform 0…1 (default `Math.random`).
 * @property {() => number} [now] Clock, ms (default `performance.now`).
 */

/**
 * Reconnect delays.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { Backoff } from "./reconnect.js";
 *
 * let t = 0;
 * const backoff = new Backoff({ random: () => 0.5, now: () => t });
 * deepEqual([backoff.next(), backoff.next(), backoff.next()], [500, 1000, 2000]);
 * backoff.connected();
 * t = 20_000; // up for 20 s, then lost
 * equal(backoff.next(), 500);
 * ```
 */
export class Backoff {
  #initial;
  #max;
  #factor;
  #jitter;
  #stable;
  #random;
  #now;
  #attempt = 0;
  /** @type {number | undefined} */
  #upSince;

  /**
   * @param {BackoffOptions} [options] Delays, jitter, clock.
   */
  constructor(options = {}) {
    this.#initial = options.initialMs ?? 500;
    this.#max = options.maxMs ?? 30_000;
    this.#factor = options.factor ?? 2;
    this.#jitter = Math.min(1, Math.max(0, options.jitter ?? 0.25));
    this.#stable = options.stableMs ?? 10_000;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Failed attempts since the last stable connection.
   *
   * @returns {number} The count.
   */
  get attempt() {
    return this.#attempt;
  }

  /** Call when a connection is up. */
  connected() {
    this.#upSince = this.#now();
  }

  /**
   * The delay before the next attempt (call when a connection failed or
   * was lost).
   *
   * @returns {number} Milliseconds.
   */
  next() {
    if (
      this.#upSince !== undefined &&
      this.#now() - this.#upSince >= this.#stable
    ) {
      this.#attempt = 0;
    }
    this.#upSince = undefined;
    const base = Math.min(
      this.#max,
      this.#initial * this.#factor ** Math.min(this.#attempt, 30),
    );
    this.#attempt++;
    const spread = base * this.#jitter * (2 * this.#random() - 1);
    return Math.max(0, Math.round(Math.min(this.#max, base + spread)));
  }
}
