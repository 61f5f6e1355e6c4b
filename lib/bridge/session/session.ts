/**
 * One client's tune: the channel, the client, bytes and activity, the state
 * machine of {@link SESSION_TRANSITIONS}, and an idempotent close that runs
 * the registered cleanups (upstream, child process, client stream) once,
 * within a deadline.
 *
 * @module
 */

import {
  isEnding,
  SESSION_TRANSITIONS,
  type SessionState,
  SessionStateError,
} from "./session_state.ts";

/**
 * Why a session ended; the label set of the `sessions_ended_total` metric.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { END_REASONS } from "./session.ts";
 *
 * equal(END_REASONS.includes("client_disconnect"), true);
 * ```
 */
export const END_REASONS = [
  "client_disconnect",
  "slow_client",
  "upstream_failed",
  "startup_failed",
  "startup_timeout",
  "idle",
  "shutdown",
  "terminated",
] as const;

/**
 * One of {@link END_REASONS}:
 *
 * - `client_disconnect`: the client closed its connection.
 * - `slow_client`: the client read too slowly and was dropped.
 * - `upstream_failed`: the upstream was lost and could not be reconnected.
 * - `startup_failed`: the upstream could not be opened.
 * - `startup_timeout`: the orphan sweep found the session stuck starting.
 * - `idle`: the orphan sweep found no byte delivered for too long.
 * - `shutdown`: the server is stopping.
 * - `terminated`: ended on request (API, dashboard).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EndReason } from "./session.ts";
 *
 * const reason: EndReason = "idle";
 * equal(reason, "idle");
 * ```
 */
export type EndReason = typeof END_REASONS[number];

/**
 * The channel a session tunes.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SessionChannel } from "./session.ts";
 *
 * const channel: SessionChannel = { id: "bbc1", guideNumber: "101", name: "BBC One" };
 * equal(channel.guideNumber, "101");
 * ```
 */
export interface SessionChannel {
  /** Channel id (`/stream/<id>`). */
  id: string;
  /** GuideNumber. */
  guideNumber: string;
  /** GuideName. */
  name: string;
}

/**
 * Who asked for the stream.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SessionClient } from "./session.ts";
 *
 * const client: SessionClient = { address: "192.0.2.7", userAgent: "Lavf/60.3.100" };
 * equal(client.userAgent?.startsWith("Lavf/"), true);
 * ```
 */
export interface SessionClient {
  /** Remote IP address. */
  address?: string;
  /** User-Agent header (truncated to 200 characters). */
  userAgent?: string;
}

/**
 * A plain snapshot of a session, for the API, the dashboard and the history.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SessionRecord } from "./session.ts";
 *
 * const record: SessionRecord = {
 *   id: "s1",
 *   channel: { id: "c", guideNumber: "1", name: "One" },
 *   client: {},
 *   tunerKey: "s1",
 *   state: "closed",
 *   startedAt: 0,
 *   lastActivityAt: 0,
 *   bytes: 0,
 *   endReason: "client_disconnect",
 * };
 * equal(record.state, "closed");
 * ```
 */
export interface SessionRecord {
  /** Session id. */
  id: string;
  /** The channel. */
  channel: SessionChannel;
  /** The client. */
  client: SessionClient;
  /** The tuner it holds (shared by the clients of one shared upstream). */
  tunerKey: string;
  /** The state at snapshot time. */
  state: SessionState;
  /** When the session was opened (clock ms). */
  startedAt: number;
  /** When the first byte was sent. */
  streamingAt?: number;
  /** When it reached `closed`. */
  endedAt?: number;
  /** When a byte was last delivered (or the session opened). */
  lastActivityAt: number;
  /** Bytes delivered to the client. */
  bytes: number;
  /** Why it ended. */
  endReason?: EndReason;
  /** The error message of a failed session. */
  error?: string;
}

/**
 * What a session reports to its registry.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SessionHooks } from "./session.ts";
 *
 * const hooks: SessionHooks = {
 *   now: () => 0,
 *   cleanupDeadlineMs: 500,
 *   onTransition: () => {},
 *   onClosed: () => {},
 * };
 * equal(hooks.cleanupDeadlineMs, 500);
 * ```
 */
export interface SessionHooks {
  /** Milliseconds clock. */
  now: () => number;
  /** Time the cleanups get before the session is declared closed anyway. */
  cleanupDeadlineMs: number;
  /** Called after every state change. */
  onTransition: (session: Session, from: SessionState) => void;
  /** Called once, when the session is closed, with the cleanup figures. */
  onClosed: (session: Session, result: CleanupResult) => void;
}

/**
 * How a session's cleanup went.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CleanupResult } from "./session.ts";
 *
 * const result: CleanupResult = { durationMs: 3, timedOut: false, errors: [] };
 * equal(result.timedOut, false);
 * ```
 */
export interface CleanupResult {
  /** From the close request to `closed`, ms. */
  durationMs: number;
  /** Whether the deadline ran out before every cleanup finished. */
  timedOut: boolean;
  /** Errors thrown by cleanups. */
  errors: unknown[];
}

/** A cleanup step: releases something the session holds. */
export type Cleanup = () => void | Promise<void>;

/**
 * A streaming session. Created by `SessionRegistry.open()`, which holds
 * its tuner until it is `closed`.
 *
 * `close()` and `fail()` are idempotent and safe under concurrent triggers
 * (client disconnect, upstream loss, sweep, shutdown at once): the first
 * call moves the state to `closing` or `failed` and starts the cleanups;
 * every call, first or later, returns the same promise, which resolves once
 * the session is `closed`. Cleanups run in reverse order of registration,
 * concurrently, each at most once; a cleanup registered after the close
 * began runs at once. If they do not finish within `cleanupDeadlineMs` the
 * session is declared closed anyway (counted as a cleanup timeout).
 *
 * @example Closing twice returns the same promise
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SessionRegistry } from "./session_registry.ts";
 *
 * const registry = new SessionRegistry({ tunerCount: 1 });
 * const session = registry.open({ channel: { id: "c", guideNumber: "1", name: "One" } });
 * let released = 0;
 * session.addCleanup(() => { released++; });
 * const first = session.close("client_disconnect");
 * equal(session.close("shutdown"), first);
 * await first;
 * equal(session.state, "closed");
 * equal(session.endReason, "client_disconnect");
 * equal(released, 1);
 * ```
 */
export class Session {
  /** Session id. */
  readonly id: string;
  /** The channel. */
  readonly channel: SessionChannel;
  /** The client. */
  readonly client: SessionClient;
  /** The tuner key it holds. */
  readonly tunerKey: string;
  /** When it was opened (clock ms). */
  readonly startedAt: number;
  readonly #hooks: SessionHooks;
  #state: SessionState = "starting";
  #streamingAt: number | undefined;
  #endedAt: number | undefined;
  #lastActivityAt: number;
  #endingSince = 0;
  #bytes = 0;
  #endReason: EndReason | undefined;
  #error: string | undefined;
  #cleanups: Cleanup[] = [];
  #closing: Promise<void> | undefined;
  #pendingCleanups: Promise<unknown>[] = [];
  #cleanupErrors: unknown[] = [];
  readonly #closed = Promise.withResolvers<void>();

  /**
   * Creates a session in state `starting`. Use `SessionRegistry.open()`.
   *
   * @param id The session id.
   * @param init Channel, client and tuner key.
   * @param hooks The registry's callbacks and clock.
   */
  constructor(
    id: string,
    init: {
      channel: SessionChannel;
      client: SessionClient;
      tunerKey: string;
    },
    hooks: SessionHooks,
  ) {
    this.id = id;
    this.channel = init.channel;
    this.client = init.client;
    this.tunerKey = init.tunerKey;
    this.#hooks = hooks;
    this.startedAt = hooks.now();
    this.#lastActivityAt = this.startedAt;
  }

  /** The current state. */
  get state(): SessionState {
    return this.#state;
  }

  /** Whether the session is closing, failed or closed. */
  get ending(): boolean {
    return isEnding(this.#state);
  }

  /** Bytes delivered to the client. */
  get bytes(): number {
    return this.#bytes;
  }

  /** When a byte was last delivered (or the session opened), clock ms. */
  get lastActivityAt(): number {
    return this.#lastActivityAt;
  }

  /** When the session entered `closing` or `failed`, clock ms (0 before). */
  get endingSince(): number {
    return this.#endingSince;
  }

  /** Why it ended, once it is ending. */
  get endReason(): EndReason | undefined {
    return this.#endReason;
  }

  /** The error message of a failed session. */
  get error(): string | undefined {
    return this.#error;
  }

  /** Resolves when the session is `closed`. */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /**
   * Moves `starting` → `streaming` (the first byte is on its way).
   *
   * @returns `true` if it moved, `false` if the session is already ending
   * (e.g. the client left during start-up).
   * @throws {SessionStateError} If the session is already streaming.
   */
  markStreaming(): boolean {
    if (this.ending) return false;
    this.#transition("streaming");
    this.#streamingAt = this.#hooks.now();
    this.#lastActivityAt = this.#streamingAt;
    return true;
  }

  /**
   * Counts bytes delivered to the client and marks the session active.
   *
   * @param count The number of bytes.
   */
  recordBytes(count: number): void {
    this.#bytes += count;
    this.#lastActivityAt = this.#hooks.now();
  }

  /**
   * Registers a cleanup step, run once when the session closes (or at once
   * if it is already closing).
   *
   * @param cleanup The step.
   */
  addCleanup(cleanup: Cleanup): void {
    if (this.#closing === undefined) {
      this.#cleanups.push(cleanup);
      return;
    }
    if (this.#state === "closed") {
      this.#runDetached(cleanup);
      return;
    }
    this.#pendingCleanups.push(this.#runOne(cleanup));
  }

  /**
   * Ends the session normally (client gone, shutdown, idle, terminated).
   *
   * @param reason Why.
   * @returns A promise that resolves when the session is closed; the same
   * promise for every call.
   */
  close(reason: EndReason): Promise<void> {
    return this.#end("closing", reason, undefined);
  }

  /**
   * Ends the session because of an error (upstream failure).
   *
   * @param reason Why.
   * @param error The error (its message is kept).
   * @returns The same promise as {@link Session.close}.
   */
  fail(reason: EndReason, error: unknown): Promise<void> {
    return this.#end("failed", reason, error);
  }

  /** A plain snapshot. */
  snapshot(): SessionRecord {
    const record: SessionRecord = {
      id: this.id,
      channel: { ...this.channel },
      client: { ...this.client },
      tunerKey: this.tunerKey,
      state: this.#state,
      startedAt: this.startedAt,
      lastActivityAt: this.#lastActivityAt,
      bytes: this.#bytes,
    };
    if (this.#streamingAt !== undefined) record.streamingAt = this.#streamingAt;
    if (this.#endedAt !== undefined) record.endedAt = this.#endedAt;
    if (this.#endReason !== undefined) record.endReason = this.#endReason;
    if (this.#error !== undefined) record.error = this.#error;
    return record;
  }

  #transition(to: SessionState): void {
    const from = this.#state;
    if (!(SESSION_TRANSITIONS[from] as readonly SessionState[]).includes(to)) {
      throw new SessionStateError(this.id, from, to);
    }
    this.#state = to;
    this.#hooks.onTransition(this, from);
  }

  #end(
    target: "closing" | "failed",
    reason: EndReason,
    error: unknown,
  ): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#endReason = reason;
    if (error !== undefined) {
      this.#error = error instanceof Error ? error.message : String(error);
    }
    this.#endingSince = this.#hooks.now();
    this.#transition(target);
    this.#closing = this.#runCleanups();
    return this.#closing;
  }

  async #runCleanups(): Promise<void> {
    const started = performance.now();
    const cleanups = this.#cleanups.reverse();
    this.#cleanups = [];
    this.#pendingCleanups = cleanups.map((cleanup) => this.#runOne(cleanup));
    let timedOut = false;
    const deadline = started + this.#hooks.cleanupDeadlineMs;
    // Cleanups registered while others run join the wait.
    while (this.#pendingCleanups.length > 0) {
      const batch = this.#pendingCleanups;
      this.#pendingCleanups = [];
      if (!await within(Promise.all(batch), deadline - performance.now())) {
        timedOut = true;
        break;
      }
    }
    this.#endedAt = this.#hooks.now();
    this.#transition("closed");
    this.#hooks.onClosed(this, {
      durationMs: performance.now() - started,
      timedOut,
      errors: this.#cleanupErrors,
    });
    this.#closed.resolve();
  }

  async #runOne(cleanup: Cleanup): Promise<void> {
    try {
      await cleanup();
    } catch (err) {
      this.#cleanupErrors.push(err);
    }
  }

  #runDetached(cleanup: Cleanup): void {
    this.#runOne(cleanup);
  }
}

/** Resolves `true` if `promise` settles within `ms`, else `false`; never leaves a timer behind. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms <= 0) {
    // Still give already-settled cleanups their chance.
    return await Promise.race([
      promise.then(() => true),
      Promise.resolve().then(() => false),
    ]);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
