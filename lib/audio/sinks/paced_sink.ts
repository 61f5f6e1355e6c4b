/**
 * {@link PacedSink}: wraps a sink that takes data as fast as it comes (a
 * WAV file, stdout, browsers) so that it takes blocks in real time, like a
 * device. `--no-realtime` simply leaves the wrapper out.
 *
 * @module
 */

import {
  type ClockSleep,
  DeadlineClock,
  type DeadlineClockStats,
} from "./deadline_clock.ts";
import type { Sink, SinkFormat, SinkStats } from "./sink.ts";

/**
 * Options of {@link PacedSink}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PacedSinkOptions } from "./paced_sink.ts";
 *
 * const options: PacedSinkOptions = { maxLagMs: 250 };
 * equal(options.maxLagMs, 250);
 * ```
 */
export interface PacedSinkOptions {
  /** Monotonic clock in ms. Default `performance.now`. */
  now?: () => number;
  /** Sleep. Default: a timer. */
  sleep?: ClockSleep;
  /** See `DeadlineClockOptions.maxLagMs`. Default 500. */
  maxLagMs?: number;
}

/**
 * A sink's counters plus the pacing clock's.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PacedSinkStats } from "./paced_sink.ts";
 *
 * const stats: PacedSinkStats = {
 *   blocks: 0, frames: 0, bytes: 0,
 *   clock: { ticks: 0, late: 0, reanchors: 0, lastLatenessMs: 0, maxLatenessMs: 0 },
 * };
 * equal(stats.clock.late, 0);
 * ```
 */
export interface PacedSinkStats extends SinkStats {
  /** The pacing clock's counters. */
  clock: DeadlineClockStats;
}

/**
 * Hands block n to the inner sink at its deadline, start + n × block
 * duration (the first block starts the clock and goes at once), like a
 * device with one block of buffer. `close` ends a pending wait and closes
 * the inner sink.
 *
 * @example Pacing a sink with a fake clock
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { NullSink } from "./null_sink.ts";
 * import { PacedSink } from "./paced_sink.ts";
 *
 * let t = 0;
 * const inner = new NullSink({ sampleRate: 48000, channels: 1, blockSize: 48, realtime: false });
 * const sink = new PacedSink(inner, { now: () => t, sleep: (ms) => { t += ms; return Promise.resolve(); } });
 * for (let i = 0; i < 10; i++) await sink.write(new Float32Array(48));
 * equal(t, 9); // ten 1 ms blocks: the tenth is handed over at 9 ms
 * await sink.close();
 * ```
 */
export class PacedSink<S extends Sink = Sink> implements Sink {
  /** The wrapped sink. */
  readonly inner: S;
  readonly #clock: DeadlineClock;
  readonly #stop = new AbortController();

  /**
   * @param inner The sink to pace.
   * @param options Clock, sleep and lag limit.
   */
  constructor(inner: S, options: PacedSinkOptions = {}) {
    this.inner = inner;
    this.#clock = new DeadlineClock({
      sampleRate: inner.format.sampleRate,
      blockSize: inner.format.blockSize,
      now: options.now,
      sleep: options.sleep,
      maxLagMs: options.maxLagMs,
    });
  }

  /** The inner sink's format. */
  get format(): Readonly<SinkFormat> {
    return this.inner.format;
  }

  /** The inner sink's counters and the clock's. */
  get stats(): PacedSinkStats {
    return { ...this.inner.stats, clock: this.#clock.stats };
  }

  /**
   * Waits until the block is due (block n at start + n × block duration;
   * the first block starts the clock), then writes it.
   *
   * @param block Interleaved samples.
   */
  async write(block: Float32Array): Promise<void> {
    await this.#clock.wait(this.#stop.signal);
    await this.inner.write(block);
  }

  /** Ends a pending wait and closes the inner sink. */
  close(): Promise<void> {
    this.#stop.abort();
    return this.inner.close();
  }
}
