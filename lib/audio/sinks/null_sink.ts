/**
 * {@link NullSink}: discards audio, paced in real time by a
 * {@link DeadlineClock} like a device (or as fast as possible with
 * `realtime: false`). For headless runs, tests and benchmarks.
 *
 * @module
 */

import {
  type ClockSleep,
  DeadlineClock,
  type DeadlineClockStats,
} from "./deadline_clock.ts";
import {
  blockFrames,
  checkSinkFormat,
  type Sink,
  type SinkFormat,
  SinkStateError,
  type SinkStats,
} from "./sink.ts";

/**
 * Options of {@link NullSink}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { NullSinkOptions } from "./null_sink.ts";
 *
 * const options: NullSinkOptions = { sampleRate: 48000, channels: 2, blockSize: 256, realtime: false };
 * equal(options.realtime, false);
 * ```
 */
export interface NullSinkOptions extends SinkFormat {
  /** Pace writes in real time. Default `true`. */
  realtime?: boolean;
  /** Monotonic clock in ms for the pacing. Default `performance.now`. */
  now?: () => number;
  /** Sleep for the pacing. Default: a timer. */
  sleep?: ClockSleep;
  /** See `DeadlineClockOptions.maxLagMs`. Default 500. */
  maxLagMs?: number;
}

/**
 * Counters of a {@link NullSink}: frames taken and the pacing clock's.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { NullSinkStats } from "./null_sink.ts";
 *
 * const stats: NullSinkStats = {
 *   blocks: 1, frames: 256, bytes: 0,
 *   clock: { ticks: 1, late: 0, reanchors: 0, lastLatenessMs: 0, maxLatenessMs: 0 },
 * };
 * equal(stats.clock?.ticks, 1);
 * ```
 */
export interface NullSinkStats extends SinkStats {
  /** The pacing clock's counters; absent when not real time. */
  clock?: DeadlineClockStats;
}

/**
 * A sink that discards every block; `write` returns when the block's
 * real-time deadline has come (block n at start + n × block duration).
 *
 * @example As fast as possible
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { NullSink } from "./null_sink.ts";
 *
 * const sink = new NullSink({ sampleRate: 48000, channels: 2, blockSize: 256, realtime: false });
 * for (let i = 0; i < 100; i++) await sink.write(new Float32Array(512));
 * equal(sink.stats.frames, 25600);
 * await sink.close();
 * ```
 */
export class NullSink implements Sink {
  /** The stream format. */
  readonly format: Readonly<SinkFormat>;
  readonly #clock: DeadlineClock | undefined;
  readonly #stop = new AbortController();
  #blocks = 0;
  #frames = 0;
  #closed = false;

  /**
   * @param options Format and pacing.
   * @throws {RangeError} If the format is invalid.
   */
  constructor(options: NullSinkOptions) {
    this.format = checkSinkFormat(options);
    this.#clock = (options.realtime ?? true)
      ? new DeadlineClock({
        sampleRate: this.format.sampleRate,
        blockSize: this.format.blockSize,
        now: options.now,
        sleep: options.sleep,
        maxLagMs: options.maxLagMs,
      })
      : undefined;
  }

  /** The counters. */
  get stats(): NullSinkStats {
    const stats: NullSinkStats = {
      blocks: this.#blocks,
      frames: this.#frames,
      bytes: 0,
    };
    if (this.#clock) stats.clock = this.#clock.stats;
    return stats;
  }

  /**
   * Counts the block and waits for its deadline (when real time).
   *
   * @param block Interleaved samples.
   * @throws {SinkStateError} After `close`.
   * @throws {RangeError} If the block is not whole frames.
   */
  async write(block: Float32Array): Promise<void> {
    if (this.#closed) {
      throw new SinkStateError("Expected an open null sink, found it closed");
    }
    const frames = blockFrames(block, this.format.channels);
    this.#blocks++;
    this.#frames += frames;
    await this.#clock?.wait(this.#stop.signal);
  }

  /** Stops; a pending `write` returns at once. */
  close(): Promise<void> {
    this.#closed = true;
    this.#stop.abort();
    return Promise.resolve();
  }
}
