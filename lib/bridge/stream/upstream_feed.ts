/**
 * One upstream connection and the clients it feeds: opens the channel,
 * aligns its bytes to whole MPEG-TS packets, fans them out to every
 * attached sink, watches for a slow start and for stalls, and reconnects
 * within a budget when the upstream drops. With sharing on, several clients
 * of one channel attach to the same feed; otherwise each has its own.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/bounded_map.ts";
import { SlidingWindowCounter } from "../../core/bounded/sliding_window_counter.ts";
import type { Logger } from "../../core/log.ts";
import type { Channel } from "../channel.ts";
import {
  TsPacketAligner,
  type TsPacketAlignerStats,
} from "../mpegts/packet_aligner.ts";
import type { UpstreamOpener, UpstreamReader } from "./upstream.ts";
import { toUpstreamError, UpstreamError } from "./upstream_error.ts";

/**
 * A consumer of a feed (usually a client's response stream).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FeedSink } from "./upstream_feed.ts";
 *
 * let bytes = 0;
 * const sink: FeedSink = { push: (piece) => { bytes += piece.length; }, end: () => {} };
 * sink.push(new Uint8Array(188));
 * equal(bytes, 188);
 * ```
 */
export interface FeedSink {
  /** Takes whole packets (the piece may be reused by other sinks: do not modify it). */
  push(piece: Uint8Array): void;
  /** The feed ended: `error` says why, `undefined` when it was closed on purpose. */
  end(error: UpstreamError | undefined): void;
}

/**
 * The life of a feed.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FeedState } from "./upstream_feed.ts";
 *
 * const state: FeedState = "reconnecting";
 * equal(state, "reconnecting");
 * ```
 */
export type FeedState =
  | "idle"
  | "starting"
  | "streaming"
  | "reconnecting"
  | "ended";

/**
 * Options of {@link UpstreamFeed}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UpstreamFeedOptions } from "./upstream_feed.ts";
 *
 * const options: Omit<UpstreamFeedOptions, "channel" | "open"> = {
 *   startupTimeoutMs: 5_000,
 *   stallTimeoutMs: 8_000,
 *   maxReconnects: 3,
 * };
 * equal(options.maxReconnects, 3);
 * ```
 */
export interface UpstreamFeedOptions {
  /** The channel. */
  channel: Channel;
  /** Opens the upstream (direct or ffmpeg). */
  open: UpstreamOpener;
  /** First packet must arrive within this (also after a reconnect). Default 10,000 ms. */
  startupTimeoutMs?: number;
  /** While streaming, a gap longer than this counts as a drop. Default 10,000 ms. */
  stallTimeoutMs?: number;
  /** Reconnects allowed per `reconnectWindowMs`; more end the feed. Default 5. */
  maxReconnects?: number;
  /** The window of the reconnect budget. Default 60,000 ms. */
  reconnectWindowMs?: number;
  /** First delay before a reconnect, doubled each time up to 2 s. Default 250 ms. */
  reconnectDelayMs?: number;
  /** Most sinks attached at once. Default 64. */
  maxSinks?: number;
  /** Bytes skipped while looking for the first packet before giving up (`not_mpegts`). Default 1 MiB. */
  maxUnalignedBytes?: number;
  /** Told about every upstream error, including those followed by a reconnect. */
  onUpstreamError?: (error: UpstreamError) => void;
  /** Reconnects and failures are logged here. */
  logger?: Logger;
  /** Milliseconds clock of the watchdogs. Default `performance.now`. */
  now?: () => number;
}

/**
 * Counters of a feed.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UpstreamFeedStats } from "./upstream_feed.ts";
 *
 * const stats: UpstreamFeedStats = {
 *   bytesIn: 0, reconnects: 0, connects: 0,
 *   aligner: { packets: 0, droppedBytes: 0, syncLosses: 0 },
 * };
 * equal(stats.bytesIn, 0);
 * ```
 */
export interface UpstreamFeedStats {
  /** Bytes read from the upstream. */
  bytesIn: number;
  /** Connections opened (the first one included). */
  connects: number;
  /** Reconnects after a drop. */
  reconnects: number;
  /** The packet aligner's counters. */
  aligner: TsPacketAlignerStats;
}

/**
 * A fan-out from one upstream connection to its sinks.
 *
 * Life: `start()` opens the upstream and resolves at the first whole
 * packet (or rejects with the {@link UpstreamError} that prevented it; a
 * failed start is not retried, the client gets its 503 at once). While
 * streaming, a drop (error, end, stall) is followed by a reconnect after a
 * back-off, as long as the budget allows; the aligner is reset so clients
 * only ever get whole packets. When the budget is spent the feed ends and
 * every sink gets `end(error)`. `close()` stops everything, releases the
 * upstream (killing and reaping an ffmpeg child) and resolves when done.
 *
 * @example Feeding two sinks from one upstream
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { UpstreamFeed } from "./upstream_feed.ts";
 * import { TsChannelGenerator } from "../mpegts/ts_generator.ts";
 *
 * const chunks = [new TsChannelGenerator().next(10)];
 * let release = (_end: null) => {};
 * const feed = new UpstreamFeed({
 *   channel: { id: "c", guideNumber: "1", name: "One", url: "memory:", enabled: true, headers: {} },
 *   open: () => Promise.resolve({
 *     description: "memory",
 *     // One chunk, then nothing until closed (a live stream that went quiet).
 *     read: () =>
 *       chunks.length > 0
 *         ? Promise.resolve(chunks.shift()!)
 *         : new Promise<null>((resolve) => { release = resolve; }),
 *     close: () => { release(null); return Promise.resolve(); },
 *   }),
 * });
 * let a = 0, b = 0;
 * feed.attach({ push: (p) => { a += p.length; }, end: () => {} });
 * feed.attach({ push: (p) => { b += p.length; }, end: () => {} });
 * await feed.start();
 * equal(a, 1880);
 * equal(b, 1880);
 * await feed.close();
 * equal(feed.state, "ended");
 * ```
 */
export class UpstreamFeed {
  /** The channel. */
  readonly channel: Channel;
  readonly #open: UpstreamOpener;
  readonly #startupTimeoutMs: number;
  readonly #stallTimeoutMs: number;
  readonly #reconnectDelayMs: number;
  readonly #maxReconnects: number;
  readonly #maxUnalignedBytes: number;
  readonly #reconnectBudget: SlidingWindowCounter;
  readonly #onUpstreamError: ((error: UpstreamError) => void) | undefined;
  readonly #log: Logger | undefined;
  readonly #now: () => number;
  readonly #aligner = new TsPacketAligner();
  readonly #sinks: BoundedMap<FeedSink, true>;
  #sinkList: FeedSink[] = [];
  #state: FeedState = "idle";
  #started = Promise.withResolvers<void>();
  #done = Promise.withResolvers<void>();
  #running: Promise<void> | undefined;
  #closed = false;
  #attempt: AbortController | undefined;
  #reader: UpstreamReader | undefined;
  #attemptActive = false;
  #phaseStartedAt = 0;
  #lastDataAt = 0;
  #timeout: UpstreamError | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #wakeDelay: (() => void) | undefined;
  #bytesIn = 0;
  #connects = 0;
  #reconnects = 0;

  /**
   * Creates an idle feed.
   *
   * @param options Channel, opener, deadlines and reconnect budget.
   * @throws {RangeError} If a deadline or count is out of range.
   */
  constructor(options: UpstreamFeedOptions) {
    this.channel = options.channel;
    this.#open = options.open;
    this.#startupTimeoutMs = positive(
      "startupTimeoutMs",
      options.startupTimeoutMs ?? 10_000,
    );
    this.#stallTimeoutMs = positive(
      "stallTimeoutMs",
      options.stallTimeoutMs ?? 10_000,
    );
    this.#reconnectDelayMs = positive(
      "reconnectDelayMs",
      options.reconnectDelayMs ?? 250,
    );
    const maxReconnects = options.maxReconnects ?? 5;
    if (!Number.isSafeInteger(maxReconnects) || maxReconnects < 0) {
      throw new RangeError(
        `Expected maxReconnects to be an integer >= 0 but found ${maxReconnects}`,
      );
    }
    this.#maxReconnects = maxReconnects;
    this.#maxUnalignedBytes = positive(
      "maxUnalignedBytes",
      options.maxUnalignedBytes ?? 1 << 20,
    );
    this.#now = options.now ?? (() => performance.now());
    this.#reconnectBudget = new SlidingWindowCounter({
      windowMs: positive(
        "reconnectWindowMs",
        options.reconnectWindowMs ?? 60_000,
      ),
      now: this.#now,
    });
    this.#sinks = new BoundedMap({
      capacity: options.maxSinks ?? 64,
      policy: "reject",
    });
    this.#onUpstreamError = options.onUpstreamError;
    this.#log = options.logger;
    // A start that nobody awaits must not become an unhandled rejection.
    this.#started.promise.catch(() => {});
  }

  /** The current state. */
  get state(): FeedState {
    return this.#state;
  }

  /** Attached sinks. */
  get sinkCount(): number {
    return this.#sinkList.length;
  }

  /** Whether the feed has ended (failed or closed). */
  get ended(): boolean {
    return this.#state === "ended";
  }

  /** A snapshot of the counters. */
  get stats(): UpstreamFeedStats {
    return {
      bytesIn: this.#bytesIn,
      connects: this.#connects,
      reconnects: this.#reconnects,
      aligner: this.#aligner.stats,
    };
  }

  /** Resolves when the pump has stopped and the upstream is released. */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /**
   * Adds a sink; it gets every packet from now on.
   *
   * @param sink The sink.
   * @returns `false` if the feed has ended or has `maxSinks` sinks already.
   */
  attach(sink: FeedSink): boolean {
    if (this.#state === "ended" || this.#closed) return false;
    if (!this.#sinks.set(sink, true)) return false;
    this.#sinkList = [...this.#sinks.keys()];
    return true;
  }

  /**
   * Removes a sink (it gets no `end` call).
   *
   * @param sink The sink.
   * @returns The number of sinks left.
   */
  detach(sink: FeedSink): number {
    if (this.#sinks.delete(sink)) this.#sinkList = [...this.#sinks.keys()];
    return this.#sinkList.length;
  }

  /**
   * Opens the upstream and starts pumping (once; later calls return the
   * same promise).
   *
   * @returns Resolves at the first whole packet.
   * @throws {UpstreamError} (as a rejection) If the upstream could not be
   * started, or the feed was closed first.
   */
  start(): Promise<void> {
    if (this.#running === undefined) {
      this.#state = "starting";
      const period = Math.max(
        5,
        Math.min(this.#startupTimeoutMs, this.#stallTimeoutMs) / 4,
      );
      this.#watchdog = setInterval(() => this.#watch(), period);
      this.#running = this.#run().finally(() => {
        clearInterval(this.#watchdog);
        this.#done.resolve();
      });
    }
    return this.#started.promise;
  }

  /**
   * Stops the feed: no more packets, sinks get `end(undefined)`, the
   * upstream is released. Idempotent.
   *
   * @returns Resolves when the upstream is released (child reaped).
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#started.reject(
        new UpstreamError(
          "ended",
          "Expected the feed to start but found it closed first",
        ),
      );
      this.#attempt?.abort();
      this.#wakeDelay?.();
      const reader = this.#reader;
      if (reader !== undefined) await reader.close().catch(() => {});
      if (this.#running === undefined) {
        this.#finish(undefined);
        this.#done.resolve();
      }
    }
    await this.#done.promise;
  }

  #watch(): void {
    if (!this.#attemptActive || this.#timeout !== undefined) return;
    const now = this.#now();
    let error: UpstreamError | undefined;
    if (this.#state === "streaming") {
      if (now - this.#lastDataAt >= this.#stallTimeoutMs) {
        error = new UpstreamError(
          "stall",
          `Expected upstream data at least every ${this.#stallTimeoutMs} ms but found none for ${
            Math.round(now - this.#lastDataAt)
          } ms`,
        );
      }
    } else if (now - this.#phaseStartedAt >= this.#startupTimeoutMs) {
      error = new UpstreamError(
        "startup_timeout",
        `Expected the first packet within ${this.#startupTimeoutMs} ms but found none`,
      );
    }
    if (error === undefined) return;
    this.#timeout = error;
    this.#attempt?.abort(error);
    this.#reader?.close().catch(() => {});
  }

  async #run(): Promise<void> {
    let failure: UpstreamError | undefined;
    let delayMs = this.#reconnectDelayMs;
    let streamed = false;
    while (!this.#closed) {
      const attempt = new AbortController();
      this.#attempt = attempt;
      this.#timeout = undefined;
      this.#phaseStartedAt = this.#now();
      this.#attemptActive = true;
      let reader: UpstreamReader | undefined;
      let error: UpstreamError | undefined;
      try {
        this.#connects++;
        reader = await this.#open(this.channel, { signal: attempt.signal });
        this.#reader = reader;
        if (this.#closed) break;
        this.#lastDataAt = this.#now();
        for (;;) {
          const chunk = await reader.read();
          if (chunk === null) break;
          this.#lastDataAt = this.#now();
          this.#bytesIn += chunk.length;
          const pieces = this.#aligner.push(chunk);
          if (pieces.length === 0) {
            if (
              this.#state !== "streaming" &&
              this.#aligner.stats.droppedBytes > this.#maxUnalignedBytes
            ) {
              throw new UpstreamError(
                "not_mpegts",
                `Expected MPEG-TS sync bytes within ${this.#maxUnalignedBytes} bytes but found none`,
              );
            }
            continue;
          }
          if (this.#state !== "streaming") {
            this.#state = "streaming";
            streamed = true;
            delayMs = this.#reconnectDelayMs;
            this.#started.resolve();
          }
          const sinks = this.#sinkList;
          for (const piece of pieces) {
            for (let i = 0; i < sinks.length; i++) sinks[i].push(piece);
          }
        }
        if (this.#closed) break;
        error = this.#timeout ??
          new UpstreamError(
            "ended",
            "Expected a live upstream but found the stream ended",
          );
      } catch (err) {
        if (this.#closed) break;
        error = this.#timeout ?? toUpstreamError(err);
      } finally {
        this.#attemptActive = false;
        this.#reader = undefined;
        await reader?.close().catch(() => {});
      }
      this.#onUpstreamError?.(error);
      if (!streamed) {
        failure = error;
        break;
      }
      if (this.#reconnectBudget.total() >= this.#maxReconnects) {
        this.#log?.warn("upstream lost, reconnect budget spent", {
          channel: this.channel.guideNumber,
          kind: error.kind,
          error: error.message,
        });
        failure = error;
        break;
      }
      this.#log?.info("upstream lost, reconnecting", {
        channel: this.channel.guideNumber,
        kind: error.kind,
        delayMs,
      });
      this.#reconnectBudget.add();
      this.#reconnects++;
      this.#state = "reconnecting";
      this.#aligner.reset();
      await this.#delay(delayMs);
      delayMs = Math.min(delayMs * 2, 2_000);
    }
    this.#started.reject(
      failure ??
        new UpstreamError(
          "ended",
          "Expected the feed to start but found it closed first",
        ),
    );
    this.#finish(failure);
  }

  #finish(failure: UpstreamError | undefined): void {
    this.#state = "ended";
    const sinks = this.#sinkList;
    this.#sinkList = [];
    this.#sinks.clear();
    for (const sink of sinks) {
      try {
        sink.end(failure);
      } catch (err) {
        this.#log?.warn("feed sink end failed", { error: err });
      }
    }
  }

  #delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.#wakeDelay === done) this.#wakeDelay = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakeDelay = done;
    });
  }
}

function positive(name: string, value: number): number {
  if (!(typeof value === "number" && Number.isFinite(value) && value > 0)) {
    throw new RangeError(
      `Expected ${name} to be a number > 0 but found ${value}`,
    );
  }
  return value;
}
