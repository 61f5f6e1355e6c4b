/**
 * A deadline clock that releases a byte stream at a fixed rate (a file or
 * the synthetic band played "live" at `sps`). Each chunk's deadline is
 * computed from the start time and the total bytes released so far, never
 * by adding up sleeps, so late timers cause no cumulative drift: after any
 * number of chunks the stream is at most one timer's lateness behind.
 *
 * @module
 */

import { abortableSleep, checkNonNegative, checkPositive } from "./_util.ts";

/**
 * `"realtime"`: paced at `sps`; `"fast"`: as fast as the reader reads.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PaceMode } from "./pacer.ts";
 *
 * const pace: PaceMode = "fast"; // benchmarks; "realtime" to play at sps
 * equal(pace, "fast");
 * ```
 */
export type PaceMode = "realtime" | "fast";

/**
 * Sleeps `ms` milliseconds; resolves early (never rejects) when `signal`
 * aborts. Injected in tests to drive time without sleeping.
 *
 * @example A fake clock's sleep
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Sleep } from "./pacer.ts";
 *
 * let now = 0;
 * const sleep: Sleep = (ms) => { now += ms; return Promise.resolve(); };
 * await sleep(5, new AbortController().signal);
 * equal(now, 5);
 * ```
 */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * Options of {@linkcode Pacer}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Pacer, type PacerOptions } from "./pacer.ts";
 *
 * const options: PacerOptions = { maxLagMs: 250 };
 * equal(new Pacer(4_096_000, options).overruns, 0);
 * ```
 */
export interface PacerOptions {
  /** Monotonic clock in milliseconds (default `performance.now`). */
  now?: () => number;
  /**
   * Sleeps `ms`, resolving early when the signal aborts (default: a timer).
   * Tests inject one that advances their clock.
   */
  sleep?: Sleep;
  /**
   * How far (ms) the reader may fall behind real time before the clock is
   * restarted from now, counted in {@linkcode Pacer.overruns}, instead of
   * releasing everything due at once (default 1000).
   */
  maxLagMs?: number;
}

/**
 * Releases bytes at `bytesPerSecond`: `await pacer.wait(n, signal)` returns
 * when the `n` bytes after everything released so far are due.
 *
 * @example With an injected clock that oversleeps by 3 ms every time
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Pacer } from "./pacer.ts";
 *
 * let t = 0;
 * const pacer = new Pacer(1000, {
 *   now: () => t,
 *   sleep: (ms) => { t += ms + 3; return Promise.resolve(); },
 * });
 * const signal = new AbortController().signal;
 * for (let i = 0; i < 100; i++) await pacer.wait(10, signal); // 10 ms each
 * equal(t, 1003); // 1000 ms of data, one timer's lateness, no drift
 * ```
 */
export class Pacer {
  /** Release rate in bytes per second. */
  readonly bytesPerSecond: number;
  #now: () => number;
  #sleep: Sleep;
  #maxLagMs: number;
  #msPerByte: number;
  #start = NaN;
  #released = 0;
  #overruns = 0;

  /**
   * @param bytesPerSecond Release rate.
   * @param options Clock, sleep and lag limit.
   * @throws {RangeError} For a rate that is not positive or a negative lag.
   */
  constructor(bytesPerSecond: number, options: PacerOptions = {}) {
    checkPositive("the pacing rate in bytes per second", bytesPerSecond);
    this.bytesPerSecond = bytesPerSecond;
    this.#msPerByte = 1000 / bytesPerSecond;
    this.#now = options.now ?? performance.now.bind(performance);
    this.#sleep = options.sleep ?? abortableSleep;
    this.#maxLagMs = options.maxLagMs ?? 1000;
    checkNonNegative("maxLagMs", this.#maxLagMs, true);
  }

  /** Times the clock was restarted because the reader fell behind. */
  get overruns(): number {
    return this.#overruns;
  }

  /** Bytes released since the clock (re)started. */
  get released(): number {
    return this.#released;
  }

  /**
   * Waits until the next `bytes` are due (the first call starts the clock,
   * so the first chunk is due one chunk's duration later).
   *
   * @param bytes Size of the chunk about to be released.
   * @param signal Ends the wait early.
   * @returns `false` if the signal aborted, else `true`.
   */
  async wait(bytes: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    const now = this.#now();
    if (Number.isNaN(this.#start)) this.#start = now;
    const released = this.#released + bytes;
    const due = this.#start + released * this.#msPerByte;
    if (now - due > this.#maxLagMs) {
      // The reader is far behind: restart the clock at now instead of
      // releasing a long burst.
      this.#overruns++;
      this.#start = now - bytes * this.#msPerByte;
      this.#released = bytes;
      return !signal.aborted;
    }
    this.#released = released;
    if (due > now) await this.#sleep(due - now, signal);
    return !signal.aborted;
  }

  /** Restarts the clock at the next `wait()`. */
  reset(): void {
    this.#start = NaN;
    this.#released = 0;
  }
}
