/**
 * Exponential reconnect backoff with jitter, as a pure function of the
 * attempt number.
 *
 * @module
 */

/**
 * Options of {@link backoffDelayMs}.
 *
 * @example The APRS-IS client's defaults
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BackoffOptions } from "./backoff.ts";
 *
 * const options: BackoffOptions = { initialMs: 1000, maxMs: 300_000 };
 * equal(options.maxMs, 300_000);
 * ```
 */
export interface BackoffOptions {
  /** The delay before the first retry (attempt 0), ms, > 0. */
  initialMs: number;
  /** The largest delay, ms, >= `initialMs`. */
  maxMs: number;
  /**
   * A uniform random number in [0, 1); the delay is scaled by
   * `1 − random()/2`, i.e. drawn from [½·d, d]. Default `Math.random`;
   * `() => 0` gives no jitter.
   */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (0-based): `initialMs · 2^attempt`
 * capped at `maxMs`, then jittered down by up to half, so it never exceeds
 * `maxMs` and never falls below half the un-jittered delay.
 *
 * @param attempt How many retries came before, an integer >= 0.
 * @param options The initial and largest delays and the random source.
 * @returns The delay in ms.
 * @throws {RangeError} If `attempt` is negative or not an integer, or the
 * delays are not `0 < initialMs <= maxMs`.
 *
 * @example 1 s doubling to 5 min
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { backoffDelayMs } from "./backoff.ts";
 *
 * const options = { initialMs: 1000, maxMs: 300_000, random: () => 0 };
 * deepEqual(
 *   [0, 1, 2, 8, 9, 50].map((attempt) => backoffDelayMs(attempt, options)),
 *   [1000, 2000, 4000, 256_000, 300_000, 300_000],
 * );
 * ```
 */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions,
): number {
  const { initialMs, maxMs } = options;
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`Expected an attempt >= 0, found ${attempt}`);
  }
  if (!(initialMs > 0) || !(maxMs >= initialMs) || !Number.isFinite(maxMs)) {
    throw new RangeError(
      `Expected 0 < initialMs <= maxMs, found initialMs ${initialMs} and maxMs ${maxMs}`,
    );
  }
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 64));
  const random = (options.random ?? Math.random)();
  return base * (1 - Math.min(Math.max(random, 0), 1) / 2);
}
