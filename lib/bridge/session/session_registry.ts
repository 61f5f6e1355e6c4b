/**
 * The one registry of streaming sessions: tuner accounting (every stream
 * path opens its session here, so the TunerCount limit holds everywhere),
 * the live sessions, a bounded history of ended ones, metrics, and an
 * orphan sweep driven by an injected clock.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/bounded_map.ts";
import { BoundedQueue } from "../../core/bounded/bounded_queue.ts";
import type { Logger } from "../../core/log.ts";
import type { Registry } from "../../core/metrics.ts";
import {
  type CleanupResult,
  END_REASONS,
  type EndReason,
  Session,
  type SessionChannel,
  type SessionClient,
  type SessionRecord,
} from "./session.ts";
import { SESSION_STATES, type SessionState } from "./session_state.ts";

/**
 * Thrown by {@link SessionRegistry.open} when no tuner is free (every
 * tuner holds a session) or the registry is closed. The HTTP side answers
 * it with 503 and an `X-HDHomeRun-Error` header, like a real HDHomeRun.
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { SessionRegistry, TunerUnavailableError } from "./session_registry.ts";
 *
 * const registry = new SessionRegistry({ tunerCount: 1 });
 * const channel = { id: "c", guideNumber: "1", name: "One" };
 * registry.open({ channel });
 * throws(() => registry.open({ channel }), TunerUnavailableError);
 * equal(new TunerUnavailableError("no_tuner", 2).tunerCount, 2);
 * await registry.close();
 * ```
 */
export class TunerUnavailableError extends Error {
  /** `no_tuner`: all tuners busy; `session_limit`: too many clients; `closed`: shutting down. */
  readonly reason: "no_tuner" | "session_limit" | "closed";
  /** The number of tuners. */
  readonly tunerCount: number;

  /**
   * Creates the error.
   *
   * @param reason Why no tuner could be given.
   * @param tunerCount The number of tuners.
   */
  constructor(
    reason: "no_tuner" | "session_limit" | "closed",
    tunerCount: number,
  ) {
    const found = reason === "no_tuner"
      ? `all ${tunerCount} in use`
      : reason === "session_limit"
      ? "the session limit reached"
      : "the bridge shutting down";
    super(`Expected a free tuner but found ${found}`);
    this.name = "TunerUnavailableError";
    this.reason = reason;
    this.tunerCount = tunerCount;
  }
}

/**
 * What {@link SessionRegistry.open} needs.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SessionRequest } from "./session_registry.ts";
 *
 * const request: SessionRequest = {
 *   channel: { id: "c", guideNumber: "1", name: "One" },
 *   client: { address: "192.0.2.7", userAgent: "Lavf/60" },
 *   shareKey: "channel:c",
 * };
 * equal(request.shareKey, "channel:c");
 * ```
 */
export interface SessionRequest {
  /** The channel. */
  channel: SessionChannel;
  /** The client. */
  client?: SessionClient;
  /**
   * Sessions with the same key share one tuner (one upstream): a second
   * client of a shared channel does not need a free tuner. Omitted: the
   * session holds a tuner of its own.
   */
  shareKey?: string;
}

/**
 * Options of {@link SessionRegistry}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SessionRegistry, type SessionRegistryOptions } from "./session_registry.ts";
 *
 * const options: SessionRegistryOptions = { tunerCount: 4, idleTimeoutMs: 30_000 };
 * equal(new SessionRegistry(options).tunerCount, 4);
 * ```
 */
export interface SessionRegistryOptions {
  /** Tuners (concurrent upstreams), an integer >= 1: the advertised TunerCount. */
  tunerCount: number;
  /** Most live sessions (clients), >= tunerCount. Default `tunerCount × 4`. */
  maxSessions?: number;
  /** Ended sessions kept for the API. Default 100. */
  historySize?: number;
  /** A streaming session with no byte delivered for this long is swept (`idle`). Default 60,000 ms. */
  idleTimeoutMs?: number;
  /** A session still `starting` after this long is swept (`startup_timeout`). Default 30,000 ms. */
  startTimeoutMs?: number;
  /** Time the cleanups of one session get before it is declared closed. Default 800 ms. */
  cleanupDeadlineMs?: number;
  /** Called after every state change, with a snapshot. */
  onChange?: (record: SessionRecord) => void;
  /** Cleanup errors and timeouts are logged here. */
  logger?: Logger;
  /** Milliseconds clock for activity, sweep and records. Default `performance.now`. */
  now?: () => number;
}

/**
 * Counters of a {@link SessionRegistry}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SessionRegistry, type SessionRegistryStats } from "./session_registry.ts";
 *
 * const stats: SessionRegistryStats = new SessionRegistry({ tunerCount: 1 }).stats;
 * equal(stats.opened, 0);
 * ```
 */
export interface SessionRegistryStats {
  /** Sessions opened. */
  opened: number;
  /** Opens refused, by reason. */
  rejected: Record<TunerUnavailableError["reason"], number>;
  /** Sessions closed, by end reason. */
  ended: Record<EndReason, number>;
  /** Cleanups that did not finish within the deadline. */
  cleanupTimeouts: number;
  /** Errors thrown by cleanups. */
  cleanupErrors: number;
  /** Bytes delivered to clients by every session, live or ended. */
  bytes: number;
}

const CLEANUP_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2];

/**
 * Holds every live session and the tuners they use.
 *
 * - Tuners: a session holds its tuner (its `shareKey`, or its own id) from
 *   `open()` until it is `closed`, i.e. until its upstream and child
 *   process are released. `open()` throws {@link TunerUnavailableError}
 *   when none is free.
 * - Bounded: at most `maxSessions` live sessions and `historySize` ended
 *   ones; the tuner table has `tunerCount` entries.
 * - Orphan sweep ({@link SessionRegistry.sweep}, or every `intervalMs`
 *   after {@link SessionRegistry.startSweeper}): closes streaming sessions
 *   idle for `idleTimeoutMs`, fails sessions stuck `starting` for
 *   `startTimeoutMs`. There is no absolute age limit: a session that keeps
 *   delivering bytes lives as long as its client.
 *
 * @example Tuners are freed when sessions close
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SessionRegistry } from "./session_registry.ts";
 *
 * const registry = new SessionRegistry({ tunerCount: 2 });
 * const channel = { id: "c", guideNumber: "1", name: "One" };
 * const a = registry.open({ channel });
 * registry.open({ channel });
 * equal(registry.tunersInUse, 2);
 * await a.close("client_disconnect");
 * equal(registry.tunersInUse, 1);
 * equal(registry.history()[0].endReason, "client_disconnect");
 * await registry.close();
 * equal(registry.size, 0);
 * ```
 */
export class SessionRegistry {
  readonly #tunerCount: number;
  readonly #maxSessions: number;
  readonly #idleTimeoutMs: number;
  readonly #startTimeoutMs: number;
  readonly #cleanupDeadlineMs: number;
  readonly #now: () => number;
  readonly #log: Logger | undefined;
  readonly #onChange: ((record: SessionRecord) => void) | undefined;
  readonly #sessions: BoundedMap<string, Session>;
  readonly #tuners: BoundedMap<string, number>;
  readonly #history: BoundedQueue<SessionRecord>;
  readonly #cleanupSeconds: number[] = [];
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #closing: Promise<void> | undefined;
  #opened = 0;
  #rejected = { no_tuner: 0, session_limit: 0, closed: 0 };
  #ended = Object.fromEntries(END_REASONS.map((r) => [r, 0])) as Record<
    EndReason,
    number
  >;
  #cleanupTimeouts = 0;
  #cleanupErrors = 0;
  #bytesOfEnded = 0;
  #observeCleanup: ((seconds: number) => void) | undefined;

  /**
   * Creates an empty registry (no timer runs until `startSweeper()`).
   *
   * @param options Tuners, limits, timeouts and clock.
   * @throws {RangeError} If a count or timeout is out of range.
   */
  constructor(options: SessionRegistryOptions) {
    const { tunerCount } = options;
    if (!Number.isSafeInteger(tunerCount) || tunerCount < 1) {
      throw new RangeError(
        `Expected tunerCount to be an integer >= 1 but found ${tunerCount}`,
      );
    }
    const maxSessions = options.maxSessions ?? tunerCount * 4;
    if (!Number.isSafeInteger(maxSessions) || maxSessions < tunerCount) {
      throw new RangeError(
        `Expected maxSessions to be an integer >= tunerCount (${tunerCount}) but found ${maxSessions}`,
      );
    }
    const historySize = options.historySize ?? 100;
    if (!Number.isSafeInteger(historySize) || historySize < 1) {
      throw new RangeError(
        `Expected historySize to be an integer >= 1 but found ${historySize}`,
      );
    }
    this.#idleTimeoutMs = positive(
      "idleTimeoutMs",
      options.idleTimeoutMs,
      60_000,
    );
    this.#startTimeoutMs = positive(
      "startTimeoutMs",
      options.startTimeoutMs,
      30_000,
    );
    this.#cleanupDeadlineMs = positive(
      "cleanupDeadlineMs",
      options.cleanupDeadlineMs,
      800,
    );
    this.#tunerCount = tunerCount;
    this.#maxSessions = maxSessions;
    this.#now = options.now ?? (() => performance.now());
    this.#log = options.logger;
    this.#onChange = options.onChange;
    this.#sessions = new BoundedMap({
      capacity: maxSessions,
      policy: "reject",
    });
    this.#tuners = new BoundedMap({ capacity: tunerCount, policy: "reject" });
    this.#history = new BoundedQueue({
      capacity: historySize,
      policy: "drop-oldest",
    });
  }

  /** The number of tuners (the advertised TunerCount). */
  get tunerCount(): number {
    return this.#tunerCount;
  }

  /** Tuners held by live sessions (including those still cleaning up). */
  get tunersInUse(): number {
    return this.#tuners.size;
  }

  /** Live sessions (every state but `closed`). */
  get size(): number {
    return this.#sessions.size;
  }

  /** Whether `close()` was called. */
  get closing(): boolean {
    return this.#closing !== undefined;
  }

  /** A snapshot of the counters. */
  get stats(): SessionRegistryStats {
    let live = 0;
    for (const [, session] of this.#sessions) live += session.bytes;
    return {
      opened: this.#opened,
      rejected: { ...this.#rejected },
      ended: { ...this.#ended },
      cleanupTimeouts: this.#cleanupTimeouts,
      cleanupErrors: this.#cleanupErrors,
      bytes: this.#bytesOfEnded + live,
    };
  }

  /**
   * Whether {@link SessionRegistry.open} would succeed now (a `HEAD` asks
   * this without holding anything).
   *
   * @param shareKey The share key the open would use.
   * @returns `true` if a tuner is free (or shared) and the limits allow it.
   */
  available(shareKey?: string): boolean {
    if (this.#closing !== undefined) return false;
    if (this.#sessions.size >= this.#maxSessions) return false;
    if (shareKey !== undefined && this.#tuners.has(shareKey)) return true;
    return this.#tuners.size < this.#tunerCount;
  }

  /**
   * Opens a session in state `starting`, holding a tuner.
   *
   * @param request Channel, client and optional share key.
   * @returns The session.
   * @throws {TunerUnavailableError} If no tuner is free, the session limit
   * is reached or the registry is closing.
   */
  open(request: SessionRequest): Session {
    if (this.#closing !== undefined) {
      this.#rejected.closed++;
      throw new TunerUnavailableError("closed", this.#tunerCount);
    }
    if (this.#sessions.size >= this.#maxSessions) {
      this.#rejected.session_limit++;
      throw new TunerUnavailableError("session_limit", this.#tunerCount);
    }
    const id = crypto.randomUUID();
    const tunerKey = request.shareKey ?? id;
    const holders = this.#tuners.peek(tunerKey);
    if (holders === undefined && this.#tuners.size >= this.#tunerCount) {
      this.#rejected.no_tuner++;
      throw new TunerUnavailableError("no_tuner", this.#tunerCount);
    }
    const session = new Session(id, {
      channel: { ...request.channel },
      client: {
        ...(request.client?.address !== undefined
          ? { address: request.client.address }
          : {}),
        ...(request.client?.userAgent !== undefined
          ? { userAgent: request.client.userAgent.slice(0, 200) }
          : {}),
      },
      tunerKey,
    }, {
      now: this.#now,
      cleanupDeadlineMs: this.#cleanupDeadlineMs,
      onTransition: (s) => this.#onChange?.(s.snapshot()),
      onClosed: (s, result) => this.#closed(s, result),
    });
    this.#tuners.set(tunerKey, (holders ?? 0) + 1);
    this.#sessions.set(id, session);
    this.#opened++;
    this.#onChange?.(session.snapshot());
    return session;
  }

  /**
   * The live session with this id.
   *
   * @param id The session id.
   * @returns The session, or `undefined` if unknown or closed.
   */
  get(id: string): Session | undefined {
    return this.#sessions.peek(id);
  }

  /** The live sessions, oldest first. */
  sessions(): Session[] {
    return [...this.#sessions].map(([, session]) => session);
  }

  /** Snapshots of ended sessions, oldest first (at most `historySize`). */
  history(): SessionRecord[] {
    return [...this.#history];
  }

  /** Live sessions per state (every state present, `closed` is always 0). */
  countByState(): Record<SessionState, number> {
    const counts = Object.fromEntries(
      SESSION_STATES.map((s) => [s, 0]),
    ) as Record<SessionState, number>;
    for (const [, session] of this.#sessions) counts[session.state]++;
    return counts;
  }

  /**
   * The orphan sweep: closes streaming sessions idle for `idleTimeoutMs`
   * and fails sessions `starting` for longer than `startTimeoutMs`.
   * Sessions already ending are left to their own close.
   *
   * @returns The number of sessions it ended.
   */
  sweep(): number {
    const now = this.#now();
    let ended = 0;
    for (const session of this.sessions()) {
      if (
        session.state === "streaming" &&
        now - session.lastActivityAt >= this.#idleTimeoutMs
      ) {
        session.close("idle");
        ended++;
      } else if (
        session.state === "starting" &&
        now - session.startedAt >= this.#startTimeoutMs
      ) {
        session.fail(
          "startup_timeout",
          new Error(
            `Expected the upstream to start within ${this.#startTimeoutMs} ms but found the session still starting`,
          ),
        );
        ended++;
      }
    }
    if (ended > 0) {
      this.#log?.warn("orphan sweep ended sessions", { count: ended });
    }
    return ended;
  }

  /**
   * Runs {@link SessionRegistry.sweep} every `intervalMs` until `close()`.
   * Calling it again replaces the interval.
   *
   * @param intervalMs The period, ms. Default 15,000.
   */
  startSweeper(intervalMs = 15_000): void {
    positive("intervalMs", intervalMs, 1);
    this.stopSweeper();
    this.#sweeper = setInterval(() => this.sweep(), intervalMs);
  }

  /** Stops the periodic sweep. */
  stopSweeper(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  /**
   * Refuses new sessions, stops the sweeper and closes every live session.
   * Idempotent: later calls return the first promise.
   *
   * @param reason The end reason given to the sessions. Default `shutdown`.
   * @returns Resolves when every session is closed.
   */
  close(reason: EndReason = "shutdown"): Promise<void> {
    if (this.#closing === undefined) {
      this.stopSweeper();
      this.#closing = Promise.all(
        this.sessions().map((session) => session.close(reason)),
      ).then(() => {});
    }
    return this.#closing;
  }

  /**
   * Registers the registry's figures: `sessions{state}`, `tuners`,
   * `tuners_in_use`, `bytes_proxied_total`, `sessions_opened_total`,
   * `sessions_rejected_total{reason}`, `sessions_ended_total{reason}`,
   * `session_cleanup_seconds`, `session_cleanup_timeouts_total`.
   *
   * @param registry The metrics registry (e.g. prefix `shack_bridge_`).
   *
   * @example Usage
   * ```ts
   * import { match } from "node:assert/strict";
   * import { Registry } from "../../core/metrics.ts";
   * import { SessionRegistry } from "./session_registry.ts";
   *
   * const metrics = new Registry({ prefix: "shack_bridge_" });
   * const sessions = new SessionRegistry({ tunerCount: 3 });
   * sessions.registerMetrics(metrics);
   * match(metrics.render(), /^shack_bridge_tuners 3$/m);
   * match(metrics.render(), /^shack_bridge_sessions\{state="streaming"\} 0$/m);
   * ```
   */
  registerMetrics(registry: Registry): void {
    registry.gauge<"state">({
      name: "sessions",
      help: "Live streaming sessions by state",
      labelNames: ["state"],
      collect: () =>
        Object.entries(this.countByState()).map(([state, value]) => ({
          labels: { state },
          value,
        })),
    });
    registry.gauge({
      name: "tuners",
      help: "Tuners advertised (TunerCount)",
      collect: () => this.#tunerCount,
    });
    registry.gauge({
      name: "tuners_in_use",
      help: "Tuners held by live sessions",
      collect: () => this.tunersInUse,
    });
    registry.counter({
      name: "bytes_proxied_total",
      help: "Bytes delivered to stream clients",
      collect: () => this.stats.bytes,
    });
    registry.counter({
      name: "sessions_opened_total",
      help: "Streaming sessions opened",
      collect: () => this.#opened,
    });
    registry.counter<"reason">({
      name: "sessions_rejected_total",
      help: "Stream requests refused for want of a tuner",
      labelNames: ["reason"],
      collect: () =>
        Object.entries(this.#rejected).map(([reason, value]) => ({
          labels: { reason },
          value,
        })),
    });
    registry.counter<"reason">({
      name: "sessions_ended_total",
      help: "Streaming sessions closed, by reason",
      labelNames: ["reason"],
      collect: () =>
        Object.entries(this.#ended).map(([reason, value]) => ({
          labels: { reason },
          value,
        })),
    });
    registry.counter({
      name: "session_cleanup_timeouts_total",
      help: "Session cleanups that missed their deadline",
      collect: () => this.#cleanupTimeouts,
    });
    const histogram = registry.histogram({
      name: "session_cleanup_seconds",
      help:
        "Time from a session's close request to closed (tuner free, child reaped)",
      buckets: CLEANUP_BUCKETS,
    });
    for (const seconds of this.#cleanupSeconds) histogram.observe(seconds);
    this.#cleanupSeconds.length = 0;
    this.#observeCleanup = (seconds) => histogram.observe(seconds);
  }

  #closed(session: Session, result: CleanupResult): void {
    this.#sessions.delete(session.id);
    const holders = this.#tuners.peek(session.tunerKey) ?? 0;
    if (holders <= 1) this.#tuners.delete(session.tunerKey);
    else this.#tuners.set(session.tunerKey, holders - 1);
    this.#bytesOfEnded += session.bytes;
    const reason = session.endReason ?? "terminated";
    this.#ended[reason]++;
    this.#history.push(session.snapshot());
    const seconds = result.durationMs / 1000;
    if (this.#observeCleanup !== undefined) this.#observeCleanup(seconds);
    else if (this.#cleanupSeconds.length < 1000) {
      this.#cleanupSeconds.push(seconds);
    }
    if (result.timedOut) {
      this.#cleanupTimeouts++;
      this.#log?.warn("session cleanup missed its deadline", {
        session: session.id,
        channel: session.channel.guideNumber,
        deadlineMs: this.#cleanupDeadlineMs,
      });
    }
    this.#cleanupErrors += result.errors.length;
    for (const error of result.errors) {
      this.#log?.warn("session cleanup failed", {
        session: session.id,
        error,
      });
    }
  }
}

function positive(name: string, value: number | undefined, fallback: number) {
  const v = value ?? fallback;
  if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
    throw new RangeError(`Expected ${name} to be a number > 0 but found ${v}`);
  }
  return v;
}
