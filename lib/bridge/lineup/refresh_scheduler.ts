/**
 * Scheduled refresh of playlists and guides: {@link RefreshScheduler} runs
 * a job every `intervalMs`, never two at once, retries a failed run with
 * exponential backoff, and stops at once on {@link RefreshScheduler.close}
 * (the running job's signal is aborted). The clock and timers are
 * injectable so tests drive time without sleeping.
 *
 * @module
 */

/**
 * The timer functions the scheduler uses (default: the global ones).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SchedulerTimers } from "./refresh_scheduler.ts";
 *
 * const timers: SchedulerTimers = {
 *   setTimeout: (callback, ms) => setTimeout(callback, ms),
 *   clearTimeout: (handle) => clearTimeout(handle as number),
 * };
 * equal(typeof timers.setTimeout, "function");
 * ```
 */
export interface SchedulerTimers {
  /** Arms a one-shot timer; returns a handle. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Disarms a timer by its handle. */
  clearTimeout(handle: unknown): void;
}

/**
 * Options of {@link RefreshScheduler}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RefreshSchedulerOptions } from "./refresh_scheduler.ts";
 *
 * const options: RefreshSchedulerOptions = {
 *   intervalMs: 4 * 3600_000,
 *   run: async () => {},
 * };
 * equal(options.retryInitialMs, undefined);
 * ```
 */
export interface RefreshSchedulerOptions {
  /** Time from the end of a successful run to the next one, > 0. */
  intervalMs: number;
  /** The job; it should stop soon after `signal` aborts. */
  run: (signal: AbortSignal) => Promise<void>;
  /** Delay of the first run after {@link RefreshScheduler.start}. Default 0. */
  initialDelayMs?: number;
  /** Delay after the first failure; doubled after each further one. Default 30 s (at most `intervalMs`). */
  retryInitialMs?: number;
  /** The longest delay after failures. Default `intervalMs`. */
  retryMaxMs?: number;
  /** Aborts a run that takes longer (counted as a failure). Default: none. */
  timeoutMs?: number;
  /** Wall clock in ms. Default `Date.now`. */
  now?: () => number;
  /** Timer functions. Default: the global ones. */
  timers?: SchedulerTimers;
  /** Called after every run (errors it throws are ignored). */
  onResult?: (result: RefreshResult) => void;
}

/**
 * The outcome of one run.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RefreshResult } from "./refresh_scheduler.ts";
 *
 * const result: RefreshResult = { ok: true, startedAt: 0, finishedAt: 5, consecutiveFailures: 0 };
 * equal(result.ok, true);
 * ```
 */
export interface RefreshResult {
  /** True when the job resolved. */
  ok: boolean;
  /** When it started (clock ms). */
  startedAt: number;
  /** When it settled (clock ms). */
  finishedAt: number;
  /** Why it failed. */
  error?: unknown;
  /** Failures in a row, this one included (0 after a success). */
  consecutiveFailures: number;
  /** When the next run is due, when one is scheduled. */
  nextRunAt?: number;
}

/**
 * A snapshot of the scheduler, for status pages.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RefreshScheduler } from "./refresh_scheduler.ts";
 *
 * const scheduler = new RefreshScheduler({ intervalMs: 1000, run: async () => {} });
 * equal(scheduler.state.runs, 0);
 * await scheduler.close();
 * ```
 */
export interface RefreshSchedulerState {
  /** A run is in progress. */
  running: boolean;
  /** Runs finished. */
  runs: number;
  /** Runs that failed. */
  failures: number;
  /** Failures in a row. */
  consecutiveFailures: number;
  /** When the last successful run finished. */
  lastSuccessAt?: number;
  /** When the last failed run finished. */
  lastFailureAt?: number;
  /** The error of the last failed run. */
  lastError?: unknown;
  /** When the next run is due. */
  nextRunAt?: number;
  /** {@link RefreshScheduler.close} was called. */
  closed: boolean;
}

const GLOBAL_TIMERS: SchedulerTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) =>
    clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs a refresh job periodically, without overlap, with backoff.
 *
 * @example A manual refresh
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RefreshScheduler } from "./refresh_scheduler.ts";
 *
 * let runs = 0;
 * const scheduler = new RefreshScheduler({
 *   intervalMs: 3600_000,
 *   run: async () => {
 *     runs++;
 *   },
 * });
 * const [a, b] = await Promise.all([scheduler.refreshNow(), scheduler.refreshNow()]);
 * equal(runs, 1); // the second call joined the first run
 * equal(a, b);
 * await scheduler.close();
 * ```
 */
export class RefreshScheduler {
  readonly #intervalMs: number;
  readonly #run: (signal: AbortSignal) => Promise<void>;
  readonly #initialDelayMs: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #timeoutMs: number | undefined;
  readonly #now: () => number;
  readonly #timers: SchedulerTimers;
  readonly #onResult?: (result: RefreshResult) => void;
  #timer: unknown;
  #timerSet = false;
  #started = false;
  #inFlight: Promise<RefreshResult> | undefined;
  #controller: AbortController | undefined;
  readonly #state: RefreshSchedulerState = {
    running: false,
    runs: 0,
    failures: 0,
    consecutiveFailures: 0,
    closed: false,
  };

  /**
   * Creates a scheduler; nothing runs before {@link RefreshScheduler.start}
   * or {@link RefreshScheduler.refreshNow}.
   *
   * @param options Interval, job, backoff, clock and timers.
   * @throws {RangeError} If an interval or delay is not a positive number.
   */
  constructor(options: RefreshSchedulerOptions) {
    const positive = (name: string, value: number) => {
      if (!(value > 0) || !Number.isFinite(value)) {
        throw new RangeError(
          `Expected ${name} to be a finite number > 0, found ${value}`,
        );
      }
      return value;
    };
    this.#intervalMs = positive("intervalMs", options.intervalMs);
    this.#run = options.run;
    this.#initialDelayMs = Math.max(0, options.initialDelayMs ?? 0);
    this.#retryMaxMs = positive(
      "retryMaxMs",
      options.retryMaxMs ?? this.#intervalMs,
    );
    this.#retryInitialMs = positive(
      "retryInitialMs",
      options.retryInitialMs ?? Math.min(30_000, this.#intervalMs),
    );
    this.#timeoutMs = options.timeoutMs === undefined
      ? undefined
      : positive("timeoutMs", options.timeoutMs);
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? GLOBAL_TIMERS;
    this.#onResult = options.onResult;
  }

  /** A copy of the current state. */
  get state(): RefreshSchedulerState {
    return { ...this.#state };
  }

  /**
   * Starts the schedule: the first run after `initialDelayMs`. Calling it
   * again, or after {@link RefreshScheduler.close}, does nothing.
   */
  start(): void {
    if (this.#started || this.#state.closed) return;
    this.#started = true;
    if (!this.#inFlight) this.#arm(this.#initialDelayMs);
  }

  /**
   * Runs the job now, or joins the run in progress. When started, the next
   * run is scheduled from the end of this one.
   *
   * @returns The outcome of the run (never rejects because the job failed).
   * @throws {Error} If the scheduler is closed.
   */
  refreshNow(): Promise<RefreshResult> {
    if (this.#state.closed) {
      return Promise.reject(
        new Error("Expected an open RefreshScheduler, found a closed one"),
      );
    }
    if (this.#inFlight) return this.#inFlight;
    this.#disarm();
    const promise = this.#execute();
    this.#inFlight = promise;
    return promise;
  }

  /**
   * Stops the schedule, aborts the running job and waits for it to settle.
   * Idempotent.
   */
  async close(): Promise<void> {
    this.#state.closed = true;
    this.#disarm();
    this.#controller?.abort(new DOMException("Refresh closed", "AbortError"));
    await this.#inFlight?.catch(() => {});
  }

  async #execute(): Promise<RefreshResult> {
    const controller = new AbortController();
    this.#controller = controller;
    this.#state.running = true;
    const startedAt = this.#now();
    let timeout: unknown;
    let timeoutSet = false;
    if (this.#timeoutMs !== undefined) {
      const ms = this.#timeoutMs;
      timeout = this.#timers.setTimeout(() => {
        controller.abort(
          new DOMException(
            `Expected the refresh to finish within ${ms} ms, found it still running`,
            "TimeoutError",
          ),
        );
      }, ms);
      timeoutSet = true;
    }
    let ok = true;
    let error: unknown;
    try {
      await Promise.resolve().then(() => this.#run(controller.signal));
      if (controller.signal.aborted) throw controller.signal.reason;
    } catch (e) {
      ok = false;
      error = e;
    } finally {
      if (timeoutSet) this.#timers.clearTimeout(timeout);
    }
    const finishedAt = this.#now();
    const state = this.#state;
    state.running = false;
    state.runs++;
    if (ok) {
      state.consecutiveFailures = 0;
      state.lastSuccessAt = finishedAt;
    } else {
      state.failures++;
      state.consecutiveFailures++;
      state.lastFailureAt = finishedAt;
      state.lastError = error;
    }
    this.#controller = undefined;
    this.#inFlight = undefined;
    if (this.#started && !state.closed) {
      const delay = ok ? this.#intervalMs : Math.min(
        this.#retryMaxMs,
        this.#retryInitialMs * 2 ** (state.consecutiveFailures - 1),
      );
      this.#arm(delay);
    }
    const result: RefreshResult = {
      ok,
      startedAt,
      finishedAt,
      consecutiveFailures: state.consecutiveFailures,
    };
    if (!ok) result.error = error;
    if (state.nextRunAt !== undefined) result.nextRunAt = state.nextRunAt;
    try {
      this.#onResult?.(result);
    } catch {
      // A status callback must not break the schedule.
    }
    return result;
  }

  #arm(delay: number): void {
    this.#disarm();
    this.#state.nextRunAt = this.#now() + delay;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timerSet = false;
      this.#timer = undefined;
      this.#state.nextRunAt = undefined;
      if (!this.#state.closed) this.refreshNow().catch(() => {});
    }, delay);
    this.#timerSet = true;
  }

  #disarm(): void {
    if (this.#timerSet) this.#timers.clearTimeout(this.#timer);
    this.#timerSet = false;
    this.#timer = undefined;
    this.#state.nextRunAt = undefined;
  }
}
