/**
 * {@link DeadlineClock}: paces blocks in real time from absolute deadlines,
 * `deadline(n) = start + n × blockSize / sampleRate`, computed from the
 * block count each time and never by adding up sleeps, so timer lateness
 * never accumulates: after any number of blocks the clock is behind by at
 * most one timer's lateness.
 *
 * @module
 */

/**
 * Sleeps `ms` milliseconds, resolving early (never rejecting) when `signal`
 * aborts. Tests inject one that advances a fake clock.
 *
 * @example A fake sleep
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ClockSleep } from "./deadline_clock.ts";
 *
 * let now = 0;
 * const sleep: ClockSleep = (ms) => { now += ms; return Promise.resolve(); };
 * await sleep(5);
 * equal(now, 5);
 * ```
 */
export type ClockSleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Options of {@link DeadlineClock}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DeadlineClockOptions } from "./deadline_clock.ts";
 *
 * const options: DeadlineClockOptions = { sampleRate: 48000, blockSize: 256 };
 * equal(options.blockSize, 256);
 * ```
 */
export interface DeadlineClockOptions {
  /** Frames per second. */
  sampleRate: number;
  /** Frames per block. */
  blockSize: number;
  /** Monotonic clock in ms. Default `performance.now`. */
  now?: () => number;
  /** Sleep. Default: an abortable `setTimeout`. */
  sleep?: ClockSleep;
  /**
   * How far behind (ms) the caller may fall before the clock restarts from
   * now (counted in `reanchors`) instead of releasing a burst of overdue
   * blocks. Default 500.
   */
  maxLagMs?: number;
}

/**
 * Counters of a {@link DeadlineClock}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DeadlineClockStats } from "./deadline_clock.ts";
 *
 * const stats: DeadlineClockStats = { ticks: 10, late: 1, reanchors: 0, lastLatenessMs: 0.2, maxLatenessMs: 1.5 };
 * equal(stats.ticks, 10);
 * ```
 */
export interface DeadlineClockStats {
  /** Blocks released. */
  ticks: number;
  /** Blocks whose deadline had already passed when `wait` was called. */
  late: number;
  /** Times the clock restarted because the caller fell too far behind. */
  reanchors: number;
  /** How late (ms) the last release was compared with its deadline. */
  lastLatenessMs: number;
  /** The largest lateness seen (ms), re-anchors aside. */
  maxLatenessMs: number;
}

/**
 * A real-time pacer for blocks. The first `wait()` starts the clock and
 * returns at once (block 0 is due at the start); the n-th returns at
 * `start + n × blockDuration` or later.
 *
 * @example With a fake clock whose sleeps overshoot by 2 ms
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { DeadlineClock } from "./deadline_clock.ts";
 *
 * let t = 0;
 * const clock = new DeadlineClock({
 *   sampleRate: 48000,
 *   blockSize: 480, // 10 ms
 *   now: () => t,
 *   sleep: (ms) => { t += ms + 2; return Promise.resolve(); },
 * });
 * for (let i = 0; i < 1000; i++) await clock.wait();
 * // 999 blocks after the start, late by one overshoot, not by 999 of them
 * ok(t >= 9990 && t <= 9990 + 3);
 * ```
 */
export class DeadlineClock {
  /** Duration of one block in ms. */
  readonly blockDurationMs: number;
  readonly #framesPerBlock: number;
  readonly #sampleRate: number;
  readonly #now: () => number;
  readonly #sleep: ClockSleep;
  readonly #maxLagMs: number;
  #start = NaN;
  #next = 0;
  #stats: DeadlineClockStats = {
    ticks: 0,
    late: 0,
    reanchors: 0,
    lastLatenessMs: 0,
    maxLatenessMs: 0,
  };

  /**
   * @param options Rate, block size, clock, sleep and lag limit.
   * @throws {RangeError} If the rate or block size is not a positive
   * integer, or `maxLagMs` is negative.
   */
  constructor(options: DeadlineClockOptions) {
    const { sampleRate, blockSize } = options;
    if (!Number.isSafeInteger(sampleRate) || sampleRate <= 0) {
      throw new RangeError(
        `Expected sampleRate to be a positive integer, found ${sampleRate}`,
      );
    }
    if (!Number.isSafeInteger(blockSize) || blockSize <= 0) {
      throw new RangeError(
        `Expected blockSize to be a positive integer, found ${blockSize}`,
      );
    }
    const maxLagMs = options.maxLagMs ?? 500;
    if (!(maxLagMs >= 0)) {
      throw new RangeError(
        `Expected maxLagMs to be a non-negative number, found ${maxLagMs}`,
      );
    }
    this.#sampleRate = sampleRate;
    this.#framesPerBlock = blockSize;
    this.blockDurationMs = blockSize * 1000 / sampleRate;
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? abortableSleep;
    this.#maxLagMs = maxLagMs;
  }

  /** A snapshot of the counters. */
  get stats(): DeadlineClockStats {
    return { ...this.#stats };
  }

  /** The clock's start (ms), or `NaN` before the first `wait`. */
  get start(): number {
    return this.#start;
  }

  /**
   * The deadline of block `n` since the (last) start:
   * `start + n × blockSize × 1000 / sampleRate`, one multiplication and
   * one division from integers, so no rounding error builds up.
   *
   * @param n The block index.
   * @returns The deadline in ms (`NaN` before the first `wait`).
   */
  deadline(n: number): number {
    return this.#start + n * this.#framesPerBlock * 1000 / this.#sampleRate;
  }

  /**
   * Waits until the next block is due.
   *
   * @param signal Ends the wait early.
   * @returns `false` if the signal aborted, else `true`.
   */
  async wait(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    let now = this.#now();
    if (Number.isNaN(this.#start)) {
      this.#start = now;
      this.#next = 0;
    }
    let due = this.deadline(this.#next);
    if (now - due > this.#maxLagMs) {
      // Far behind (a suspended process, a stalled disk): restart here
      // rather than releasing a burst of overdue blocks.
      this.#stats.reanchors++;
      this.#start = now;
      this.#next = 0;
      due = now;
    }
    if (now > due) this.#stats.late++;
    while (now < due) {
      await this.#sleep(Math.ceil(due - now), signal);
      if (signal?.aborted) return false;
      now = this.#now();
    }
    this.#next++;
    this.#stats.ticks++;
    const lateness = now - due;
    this.#stats.lastLatenessMs = lateness;
    if (lateness > this.#stats.maxLatenessMs) {
      this.#stats.maxLatenessMs = lateness;
    }
    return true;
  }

  /** Restarts the clock at the next `wait()`. */
  reset(): void {
    this.#start = NaN;
    this.#next = 0;
  }
}

/**
 * The default sleep: a timer that resolves early when the signal aborts.
 *
 * @example Usage
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { abortableSleep } from "./deadline_clock.ts";
 *
 * const controller = new AbortController();
 * controller.abort();
 * const start = performance.now();
 * await abortableSleep(10_000, controller.signal);
 * ok(performance.now() - start < 5_000);
 * ```
 *
 * @param ms How long to sleep.
 * @param signal Ends the sleep early.
 * @returns A promise that resolves when the time is up or the signal aborts.
 */
export function abortableSleep(
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
