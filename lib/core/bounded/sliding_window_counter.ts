/**
 * A counter of events within a sliding time window, in constant memory.
 *
 * @module
 */

/**
 * Options of {@link SlidingWindowCounter}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import {
 *   SlidingWindowCounter,
 *   type SlidingWindowCounterOptions,
 * } from "./sliding_window_counter.ts";
 *
 * const options: SlidingWindowCounterOptions = { windowMs: 60_000, buckets: 12 };
 * equal(new SlidingWindowCounter(options).bucketMs, 5_000);
 * ```
 */
export interface SlidingWindowCounterOptions {
  /** The window length in milliseconds, a finite number > 0. */
  windowMs: number;
  /**
   * The number of buckets the window is divided into, an integer >= 1. More
   * buckets make the count more precise (see {@link SlidingWindowCounter}).
   * Default 10.
   */
  buckets?: number;
  /**
   * The clock, in milliseconds. If it goes backwards, events are counted in
   * the newest bucket. Default: `performance.now`.
   */
  now?: () => number;
}

/**
 * Counts events within the last `windowMs` milliseconds, e.g. "more than 10
 * key-ups within 60 s" or connections per minute from one address.
 *
 * Events are counted in a ring of time buckets of `bucketMs = windowMs /
 * buckets` each, so memory is O(buckets) whatever the event rate. `add` and
 * `total` are O(1), plus O(buckets) once per bucket period.
 *
 * Accuracy is one bucket, and errs on the side of counting: an event that
 * happened at most `windowMs` ago is always counted; an event that happened
 * `windowMs + bucketMs` ago or earlier never is; an event in between may be.
 *
 * @example Limiting key-ups per minute
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SlidingWindowCounter } from "./sliding_window_counter.ts";
 *
 * let time = 0;
 * const keyUps = new SlidingWindowCounter({
 *   windowMs: 60_000,
 *   buckets: 60,
 *   now: () => time,
 * });
 * keyUps.add();
 * time = 30_000;
 * keyUps.add(2);
 * equal(keyUps.total(), 3);
 * time = 61_000;
 * equal(keyUps.total(), 2);
 * ```
 */
export class SlidingWindowCounter {
  readonly #windowMs: number;
  readonly #bucketMs: number;
  readonly #buckets: number;
  readonly #now: () => number;
  /** `buckets + 1` slots: the partial newest bucket plus `buckets` full ones. */
  readonly #counts: Float64Array;
  /** The absolute index (`floor(time / bucketMs)`) of the newest bucket. */
  #newest = -Infinity;
  /** The sum of `#counts`, recomputed whenever the newest bucket moves. */
  #sum = 0;

  /**
   * Creates a counter with no events.
   *
   * @param options The window length, number of buckets and clock.
   * @throws {RangeError} If `windowMs` is not a finite number > 0 or
   * `buckets` is not an integer >= 1.
   *
   * @example Creating a counter
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { SlidingWindowCounter } from "./sliding_window_counter.ts";
   *
   * const counter = new SlidingWindowCounter({ windowMs: 1000, buckets: 4 });
   * equal(counter.bucketMs, 250);
   * ```
   */
  constructor(options: SlidingWindowCounterOptions) {
    const { windowMs, buckets = 10, now } = options;
    if (
      typeof windowMs !== "number" || !Number.isFinite(windowMs) ||
      windowMs <= 0
    ) {
      throw new RangeError(
        `Expected windowMs to be a finite number > 0 but found ${windowMs}`,
      );
    }
    if (!Number.isSafeInteger(buckets) || buckets < 1) {
      throw new RangeError(
        `Expected buckets to be an integer >= 1 but found ${buckets}`,
      );
    }
    this.#windowMs = windowMs;
    this.#bucketMs = windowMs / buckets;
    this.#buckets = buckets;
    this.#now = now ?? (() => performance.now());
    this.#counts = new Float64Array(buckets + 1);
  }

  /**
   * The window length in milliseconds.
   *
   * @example Reading the window
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { SlidingWindowCounter } from "./sliding_window_counter.ts";
   *
   * equal(new SlidingWindowCounter({ windowMs: 1000 }).windowMs, 1000);
   * ```
   */
  get windowMs(): number {
    return this.#windowMs;
  }

  /**
   * The length of one bucket in milliseconds: the precision of
   * {@link SlidingWindowCounter.total}.
   *
   * @example Reading the bucket length
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { SlidingWindowCounter } from "./sliding_window_counter.ts";
   *
   * equal(new SlidingWindowCounter({ windowMs: 1000 }).bucketMs, 100);
   * ```
   */
  get bucketMs(): number {
    return this.#bucketMs;
  }

  /**
   * Records `n` events now.
   *
   * @param n The number of events, a finite number >= 0. Default 1.
   * @throws {RangeError} If `n` is negative or not finite.
   *
   * @example Adding events
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { SlidingWindowCounter } from "./sliding_window_counter.ts";
   *
   * const counter = new SlidingWindowCounter({ windowMs: 1000, now: () => 0 });
   * counter.add();
   * counter.add(4);
   * equal(counter.total(), 5);
   * ```
   */
  add(n: number = 1): void {
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0) {
      throw new RangeError(
        `Expected n to be a finite number >= 0 but found ${n}`,
      );
    }
    this.#advance(this.#now());
    this.#counts[this.#slot(this.#newest)] += n;
    this.#sum += n;
  }

  /**
   * The number of events within the window, to one bucket of precision (see
   * {@link SlidingWindowCounter}).
   *
   * @returns The count.
   *
   * @example Events leave the window
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { SlidingWindowCounter } from "./sliding_window_counter.ts";
   *
   * let time = 0;
   * const counter = new SlidingWindowCounter({
   *   windowMs: 1000,
   *   buckets: 10,
   *   now: () => time,
   * });
   * counter.add();
   * time = 1000;
   * equal(counter.total(), 1);
   * time = 1100;
   * equal(counter.total(), 0);
   * ```
   */
  total(): number {
    this.#advance(this.#now());
    return this.#sum;
  }

  /**
   * Forgets every event.
   *
   * @example Resetting the counter
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { SlidingWindowCounter } from "./sliding_window_counter.ts";
   *
   * const counter = new SlidingWindowCounter({ windowMs: 1000 });
   * counter.add(3);
   * counter.reset();
   * equal(counter.total(), 0);
   * ```
   */
  reset(): void {
    this.#counts.fill(0);
    this.#newest = -Infinity;
    this.#sum = 0;
  }

  #slot(bucket: number): number {
    const length = this.#counts.length;
    return ((bucket % length) + length) % length;
  }

  /** Moves the newest bucket to the one holding `now`, zeroing those skipped. */
  #advance(now: number): void {
    // `now * buckets / windowMs` rather than `now / bucketMs`: exact on
    // bucket boundaries for integer times, whatever the bucket length.
    const bucket = Math.floor((now * this.#buckets) / this.#windowMs);
    if (bucket <= this.#newest) return;
    const steps = bucket - this.#newest;
    this.#newest = bucket;
    if (steps >= this.#counts.length) {
      this.#counts.fill(0);
      this.#sum = 0;
      return;
    }
    for (let b = bucket - steps + 1; b <= bucket; b++) {
      this.#counts[this.#slot(b)] = 0;
    }
    // Summing afresh (rather than subtracting) keeps fractional counts from
    // drifting.
    let sum = 0;
    for (const count of this.#counts) sum += count;
    this.#sum = sum;
  }
}
