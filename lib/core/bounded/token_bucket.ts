/**
 * A token-bucket rate limiter with lazy refill and an injectable clock.
 *
 * @module
 */

/**
 * Options of {@link TokenBucket}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TokenBucket, type TokenBucketOptions } from "./token_bucket.ts";
 *
 * const options: TokenBucketOptions = { capacity: 20, refillPerSecond: 5 };
 * equal(new TokenBucket(options).capacity, 20);
 * ```
 */
export interface TokenBucketOptions {
  /** The maximum number of tokens (the burst size), a finite number > 0. */
  capacity: number;
  /** Tokens added per second, a finite number >= 0. */
  refillPerSecond: number;
  /**
   * Tokens at creation, between 0 and `capacity`. Default `capacity` (a full
   * bucket).
   */
  initialTokens?: number;
  /**
   * The clock, in milliseconds. If it goes backwards, no tokens are added
   * until it passes its latest value again. Default: `performance.now`.
   */
  now?: () => number;
}

/**
 * Counters of a {@link TokenBucket}, since it was created.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TokenBucket, type TokenBucketStats } from "./token_bucket.ts";
 *
 * const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 0 });
 * bucket.tryTake();
 * bucket.tryTake();
 * const stats: TokenBucketStats = bucket.stats;
 * equal(stats.refused, 1);
 * ```
 */
export interface TokenBucketStats {
  /** Successful {@link TokenBucket.tryTake} calls. */
  taken: number;
  /** Refused {@link TokenBucket.tryTake} calls (not enough tokens). */
  refused: number;
}

/**
 * Tolerance for floating-point rounding of the refill, so that waiting
 * exactly {@link TokenBucket.timeUntil} is always enough.
 */
const EPSILON = 1e-9;

/**
 * A token bucket: allows bursts of up to `capacity` and a sustained rate of
 * `refillPerSecond`. The refill is computed from the clock when the bucket is
 * used, so it needs no timer. Tokens are fractional; they never exceed
 * `capacity` and never go below 0.
 *
 * @example Limiting requests from one address
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TokenBucket } from "./token_bucket.ts";
 *
 * let time = 0;
 * const bucket = new TokenBucket({
 *   capacity: 2,
 *   refillPerSecond: 1,
 *   now: () => time,
 * });
 * equal(bucket.tryTake(), true);
 * equal(bucket.tryTake(), true);
 * equal(bucket.tryTake(), false);
 * equal(bucket.timeUntil(1), 1000);
 * time = 1000;
 * equal(bucket.tryTake(), true);
 * ```
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #refillPerSecond: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;
  #taken = 0;
  #refused = 0;

  /**
   * Creates a bucket.
   *
   * @param options The capacity, refill rate, initial tokens and clock.
   * @throws {RangeError} If `capacity` is not a finite number > 0,
   * `refillPerSecond` is not a finite number >= 0 or `initialTokens` is not
   * between 0 and `capacity`.
   *
   * @example Starting with an empty bucket
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { TokenBucket } from "./token_bucket.ts";
   *
   * const bucket = new TokenBucket({
   *   capacity: 10,
   *   refillPerSecond: 5,
   *   initialTokens: 0,
   *   now: () => 0,
   * });
   * equal(bucket.available(), 0);
   * ```
   */
  constructor(options: TokenBucketOptions) {
    const { capacity, refillPerSecond, now } = options;
    if (
      typeof capacity !== "number" || !Number.isFinite(capacity) ||
      capacity <= 0
    ) {
      throw new RangeError(
        `Expected capacity to be a finite number > 0 but found ${capacity}`,
      );
    }
    if (
      typeof refillPerSecond !== "number" ||
      !Number.isFinite(refillPerSecond) || refillPerSecond < 0
    ) {
      throw new RangeError(
        `Expected refillPerSecond to be a finite number >= 0 but found ${refillPerSecond}`,
      );
    }
    const initialTokens = options.initialTokens ?? capacity;
    if (
      typeof initialTokens !== "number" || !(initialTokens >= 0) ||
      !(initialTokens <= capacity)
    ) {
      throw new RangeError(
        `Expected initialTokens to be between 0 and ${capacity} but found ${initialTokens}`,
      );
    }
    this.#capacity = capacity;
    this.#refillPerSecond = refillPerSecond;
    this.#now = now ?? (() => performance.now());
    this.#tokens = initialTokens;
    this.#last = this.#now();
  }

  /**
   * The maximum number of tokens.
   *
   * @example Reading the capacity
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { TokenBucket } from "./token_bucket.ts";
   *
   * equal(new TokenBucket({ capacity: 5, refillPerSecond: 1 }).capacity, 5);
   * ```
   */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * Tokens added per second.
   *
   * @example Reading the rate
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { TokenBucket } from "./token_bucket.ts";
   *
   * equal(new TokenBucket({ capacity: 5, refillPerSecond: 2 }).refillPerSecond, 2);
   * ```
   */
  get refillPerSecond(): number {
    return this.#refillPerSecond;
  }

  /**
   * A snapshot of the counters since the bucket was created.
   *
   * @example Reading the counters
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { TokenBucket } from "./token_bucket.ts";
   *
   * const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 0 });
   * bucket.tryTake();
   * bucket.tryTake();
   * deepEqual(bucket.stats, { taken: 1, refused: 1 });
   * ```
   */
  get stats(): TokenBucketStats {
    return { taken: this.#taken, refused: this.#refused };
  }

  /**
   * Takes `n` tokens if they are available; takes nothing otherwise.
   *
   * @param n The number of tokens, a finite number >= 0. Default 1.
   * @returns `true` if the tokens were taken.
   * @throws {RangeError} If `n` is negative or not finite.
   *
   * @example Taking more than one token
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { TokenBucket } from "./token_bucket.ts";
   *
   * const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 0 });
   * equal(bucket.tryTake(3), true);
   * equal(bucket.tryTake(3), false);
   * equal(bucket.available(), 2);
   * ```
   */
  tryTake(n: number = 1): boolean {
    this.#check(n);
    this.#refill();
    if (this.#tokens + EPSILON >= n) {
      this.#tokens = Math.max(0, this.#tokens - n);
      this.#taken++;
      return true;
    }
    this.#refused++;
    return false;
  }

  /**
   * The tokens available now (fractional).
   *
   * @returns A number between 0 and `capacity`.
   *
   * @example Watching the refill
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { TokenBucket } from "./token_bucket.ts";
   *
   * let time = 0;
   * const bucket = new TokenBucket({
   *   capacity: 4,
   *   refillPerSecond: 2,
   *   initialTokens: 0,
   *   now: () => time,
   * });
   * time = 250;
   * equal(bucket.available(), 0.5);
   * time = 10_000;
   * equal(bucket.available(), 4);
   * ```
   */
  available(): number {
    this.#refill();
    return this.#tokens;
  }

  /**
   * Milliseconds until `n` tokens are available: 0 if they are now,
   * `Infinity` if they never will be (`n > capacity`, or no refill).
   * After waiting this long, `tryTake(n)` succeeds if nothing else took
   * tokens meanwhile.
   *
   * @param n The number of tokens, a finite number >= 0. Default 1.
   * @returns The wait in milliseconds.
   * @throws {RangeError} If `n` is negative or not finite.
   *
   * @example Computing a retry delay
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { TokenBucket } from "./token_bucket.ts";
   *
   * const bucket = new TokenBucket({
   *   capacity: 10,
   *   refillPerSecond: 4,
   *   initialTokens: 0,
   *   now: () => 0,
   * });
   * equal(bucket.timeUntil(2), 500);
   * equal(bucket.timeUntil(11), Infinity);
   * ```
   */
  timeUntil(n: number = 1): number {
    this.#check(n);
    this.#refill();
    if (this.#tokens + EPSILON >= n) return 0;
    if (n > this.#capacity + EPSILON || this.#refillPerSecond === 0) {
      return Infinity;
    }
    return (n - this.#tokens) * 1000 / this.#refillPerSecond;
  }

  #check(n: number): void {
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0) {
      throw new RangeError(
        `Expected n to be a finite number >= 0 but found ${n}`,
      );
    }
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = now - this.#last;
    if (!(elapsed > 0)) return;
    this.#last = now;
    this.#tokens = Math.min(
      this.#capacity,
      this.#tokens + elapsed * this.#refillPerSecond / 1000,
    );
  }
}
