/**
 * The dashboard's live websocket (`/api/live`): a full snapshot when a
 * viewer connects (status, sessions, recent log), then deltas — sessions
 * added, changed or gone, new log lines — batched shortly after each
 * change and on a 1 s tick while anyone watches. Viewers are bounded; a
 * viewer that does not keep up has frames dropped (counted), gets no deltas
 * until it has drained, and then a fresh snapshot.
 *
 * Messages (JSON text frames):
 *
 * - `{"type":"snapshot","now",status,sessions,log}`
 * - `{"type":"sessions","now",status,"upsert":[...],"remove":[ids]}`
 * - `{"type":"log","lines":[{seq,level,line}]}`
 * - `{"type":"changed","what":"lineup"|"sources"}`: reload that list.
 *
 * @module
 */

import {
  createWsSendCounters,
  sendIfReady,
  type WsSendCounters,
} from "../../core/http/websocket_send.ts";
import { WebSocketSet } from "../../core/http/websocket_set.ts";
import { settlesWithin } from "../../core/settles_within.ts";
import { type ApiStatus, statusKey } from "./api_status.ts";
import type { LogEntry, LogRing } from "./log_ring.ts";
import type { SessionView } from "./session_view.ts";

/**
 * Where the feed reads what it sends.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LiveFeedSource } from "./live_feed.ts";
 *
 * const source: LiveFeedSource = {
 *   status: () => ({
 *     version: "x", uptimeSeconds: 0, tuners: { inUse: 0, total: 1 },
 *     sessions: { starting: 0, streaming: 0, closing: 0, failed: 0, closed: 0 },
 *     channels: { total: 0, enabled: 0 }, requireToken: false, refreshing: false, viewers: 0,
 *   }),
 *   sessions: () => [],
 * };
 * equal(source.sessions().length, 0);
 * ```
 */
export interface LiveFeedSource {
  /** The current status. */
  status(): ApiStatus;
  /** The live sessions now. */
  sessions(): SessionView[];
  /** Recent log lines, if kept. */
  log?: LogRing;
  /** The lineup version, to tell viewers to reload the channel list. */
  lineupVersion?(): number | undefined;
}

/**
 * Options of {@link LiveFeed}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LiveFeedOptions } from "./live_feed.ts";
 *
 * const options: LiveFeedOptions = { maxViewers: 10, tickMs: 1000 };
 * equal(options.maxViewers, 10);
 * ```
 */
export interface LiveFeedOptions {
  /** Most viewers; more get a 503. Default 20. */
  maxViewers?: number;
  /** Period of the diff tick while anyone watches, ms. Default 1000. */
  tickMs?: number;
  /** Delay between a change notice and its delta, ms (batches bursts). Default 50. */
  batchMs?: number;
  /** A viewer with more bytes queued than this gets no frame until it drains. Default 512 KiB. */
  maxBufferedBytes?: number;
  /** Log lines in a snapshot. Default 100. */
  logTail?: number;
  /** Websocket keep-alive (ping after half of it idle, close after all of it), s. Default 30. */
  idleTimeoutSeconds?: number;
  /** Wall clock for the `now` of messages, ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * Counters of the feed.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LiveFeedCounters } from "./live_feed.ts";
 * import { createWsSendCounters } from "../../core/http/websocket_send.ts";
 *
 * const counters: LiveFeedCounters = {
 *   ...createWsSendCounters(), viewers: 0, accepted: 0, rejected: 0, snapshots: 0, deltas: 0, resyncs: 0,
 * };
 * equal(counters.resyncs, 0);
 * ```
 */
export interface LiveFeedCounters extends WsSendCounters {
  /** Viewers connected now. */
  viewers: number;
  /** Viewers accepted since start. */
  accepted: number;
  /** Upgrades refused at the viewer limit. */
  rejected: number;
  /** Snapshot frames sent. */
  snapshots: number;
  /** Delta frames (sessions, log, changed) sent. */
  deltas: number;
  /** Snapshots sent to viewers that had missed a frame. */
  resyncs: number;
}

interface Viewer {
  greeted: boolean;
  dirty: boolean;
  logSeq: number;
}

/** The fields whose change makes a session worth re-sending. */
function viewKey(view: SessionView): string {
  return JSON.stringify([
    view.state,
    view.bytes,
    view.bitrate,
    view.channel,
    view.client,
    view.endReason,
    view.error,
  ]);
}

/**
 * The live feed. `BridgeApi` owns one; call {@link LiveFeed.notifySessions}
 * from the session registry's `onChange` so changes reach viewers at once
 * (the 1 s tick finds them otherwise).
 *
 * @example Nobody watching
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { LiveFeed } from "./live_feed.ts";
 *
 * const feed = new LiveFeed({
 *   status: () => ({
 *     version: "x", uptimeSeconds: 0, tuners: { inUse: 0, total: 1 },
 *     sessions: { starting: 0, streaming: 0, closing: 0, failed: 0, closed: 0 },
 *     channels: { total: 0, enabled: 0 }, requireToken: false, refreshing: false, viewers: 0,
 *   }),
 *   sessions: () => [],
 * });
 * feed.notifySessions();
 * equal(feed.counters.deltas, 0);
 * equal(feed.upgrade(new Request("http://localhost/api/live")).status, 426);
 * await feed.close();
 * ```
 */
export class LiveFeed {
  readonly #source: LiveFeedSource;
  readonly #sockets: WebSocketSet;
  readonly #viewers = new Map<WebSocket, Viewer>();
  readonly #send = createWsSendCounters();
  readonly #tickMs: number;
  readonly #batchMs: number;
  readonly #maxBuffered: number;
  readonly #logTail: number;
  readonly #idleTimeout: number;
  readonly #now: () => number;
  #last = new Map<string, string>();
  #lastStatus = "";
  #lastLineup: number | undefined;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #unsubscribe: (() => void) | undefined;
  #pending = new Set<"lineup" | "sources">();
  #closed = false;
  #closing: Promise<void> | undefined;
  #snapshots = 0;
  #deltas = 0;
  #resyncs = 0;

  /**
   * Creates the feed (no timer runs until a viewer connects).
   *
   * @param source What it sends.
   * @param options Limits and periods.
   * @throws {RangeError} If a limit or period is not a positive integer.
   */
  constructor(source: LiveFeedSource, options: LiveFeedOptions = {}) {
    this.#source = source;
    this.#sockets = new WebSocketSet({
      maxConnections: int(options.maxViewers, 20, "maxViewers", 1),
    });
    this.#tickMs = int(options.tickMs, 1000, "tickMs", 1);
    this.#batchMs = int(options.batchMs, 50, "batchMs", 0);
    this.#maxBuffered = int(
      options.maxBufferedBytes,
      512 * 1024,
      "maxBufferedBytes",
      0,
    );
    this.#logTail = int(options.logTail, 100, "logTail", 0);
    this.#idleTimeout = options.idleTimeoutSeconds ?? 30;
    this.#now = options.now ?? Date.now;
  }

  /** Viewers connected now. */
  get viewers(): number {
    return this.#sockets.size;
  }

  /** Counters of viewers and frames. */
  get counters(): LiveFeedCounters {
    return {
      ...this.#send,
      viewers: this.#sockets.size,
      accepted: this.#sockets.accepted,
      rejected: this.#sockets.rejected,
      snapshots: this.#snapshots,
      deltas: this.#deltas,
      resyncs: this.#resyncs,
    };
  }

  /**
   * Upgrades a request to a viewer (auth is the caller's job). 426 for a
   * plain request, 503 when full or closed.
   *
   * @param request The upgrade request.
   * @returns The response to return.
   */
  upgrade(request: Request): Response {
    if (this.#closed) {
      return new Response("Live feed closed\n", {
        status: 503,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    }
    const upgrade = this.#sockets.upgrade(request, {
      idleTimeoutSeconds: this.#idleTimeout,
    });
    if (upgrade.ok) this.#track(upgrade.socket);
    return upgrade.response;
  }

  /** Notes that sessions changed: a delta goes out after `batchMs`. */
  notifySessions(): void {
    this.#schedule();
  }

  /**
   * Tells viewers to reload a list (after a mapping change or a refresh).
   *
   * @param what `lineup` or `sources`.
   */
  notifyChanged(what: "lineup" | "sources"): void {
    if (this.#viewers.size === 0) return;
    this.#pending.add(what);
    this.#schedule();
  }

  /**
   * Sends what changed since the last call: sessions and status, new log
   * lines, reload notices. Viewers that missed a frame are skipped.
   */
  flush(): void {
    if (this.#flushTimer !== undefined) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    }
    if (this.#closed || this.#viewers.size === 0) {
      this.#pending.clear();
      return;
    }
    this.#flushSessions();
    this.#flushLog();
    const version = this.#source.lineupVersion?.();
    if (version !== undefined && version !== this.#lastLineup) {
      if (this.#lastLineup !== undefined) this.#pending.add("lineup");
      this.#lastLineup = version;
    }
    for (const what of this.#pending) {
      this.#broadcast(JSON.stringify({ type: "changed", what }));
    }
    this.#pending.clear();
  }

  /**
   * The tick's work: a flush, then a snapshot to each viewer that missed a
   * frame and has drained since.
   */
  tick(): void {
    if (this.#closed) return;
    this.flush();
    for (const [socket, viewer] of this.#viewers) {
      if (
        viewer.greeted && viewer.dirty &&
        socket.readyState === WebSocket.OPEN &&
        socket.bufferedAmount <= this.#maxBuffered
      ) {
        if (this.#greet(socket, viewer)) this.#resyncs++;
      }
    }
  }

  /**
   * Closes every viewer (1001) and stops the timers. Idempotent.
   *
   * @param deadlineMs Time given to the close handshakes. Default 500.
   * @returns Resolves when the viewers are closed or the deadline passed.
   */
  close(deadlineMs = 500): Promise<void> {
    if (this.#closing === undefined) {
      this.#closed = true;
      this.#stopTimers();
      this.#closing = settlesWithin(
        this.#sockets.closeAll(1001, "Server shutting down"),
        deadlineMs,
      ).then(() => {});
    }
    return this.#closing;
  }

  #schedule(): void {
    if (this.#closed || this.#viewers.size === 0) return;
    if (this.#flushTimer !== undefined) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.flush();
    }, this.#batchMs);
  }

  #flushSessions(): void {
    const views = this.#source.sessions();
    const status = this.#source.status();
    const next = new Map<string, string>();
    const upsert: SessionView[] = [];
    for (const view of views) {
      const key = viewKey(view);
      next.set(view.id, key);
      if (this.#last.get(view.id) !== key) upsert.push(view);
    }
    const remove = [...this.#last.keys()].filter((id) => !next.has(id));
    this.#last = next;
    const key = statusKey(status);
    if (
      upsert.length === 0 && remove.length === 0 && key === this.#lastStatus
    ) {
      return;
    }
    this.#lastStatus = key;
    this.#broadcast(
      JSON.stringify({
        type: "sessions",
        now: this.#now(),
        status,
        upsert,
        remove,
      }),
    );
  }

  #flushLog(): void {
    const log = this.#source.log;
    if (log === undefined) return;
    const last = log.lastSeq;
    const texts = new Map<number, string>();
    for (const [socket, viewer] of this.#viewers) {
      if (!viewer.greeted || viewer.dirty || viewer.logSeq >= last) continue;
      let text = texts.get(viewer.logSeq);
      if (text === undefined) {
        const lines = log.since(viewer.logSeq);
        text = JSON.stringify({ type: "log", lines });
        texts.set(viewer.logSeq, text);
      }
      if (this.#deliver(socket, viewer, text)) {
        this.#deltas++;
        viewer.logSeq = last;
      }
    }
  }

  #broadcast(text: string): void {
    for (const [socket, viewer] of this.#viewers) {
      if (!viewer.greeted || viewer.dirty) continue;
      if (this.#deliver(socket, viewer, text)) this.#deltas++;
    }
  }

  #deliver(socket: WebSocket, viewer: Viewer, text: string): boolean {
    const sent = sendIfReady(socket, text, {
      maxBufferedBytes: this.#maxBuffered,
      counters: this.#send,
    });
    if (!sent) viewer.dirty = true;
    return sent;
  }

  #greet(socket: WebSocket, viewer: Viewer): boolean {
    const sessions = this.#source.sessions();
    const log = this.#source.log;
    const lines: LogEntry[] = log === undefined ? [] : log.tail(this.#logTail);
    const text = JSON.stringify({
      type: "snapshot",
      now: this.#now(),
      status: this.#source.status(),
      sessions,
      log: lines,
    });
    if (this.#viewers.size === 1) {
      // A lone viewer sets the baseline deltas are computed from (with
      // others watching, their baseline stays: upserts are idempotent).
      this.#last = new Map(sessions.map((view) => [view.id, viewKey(view)]));
    }
    viewer.dirty = false;
    const sent = sendIfReady(socket, text, {
      maxBufferedBytes: this.#maxBuffered,
      counters: this.#send,
    });
    if (!sent) {
      viewer.dirty = true;
      return false;
    }
    viewer.greeted = true;
    viewer.logSeq = log?.lastSeq ?? 0;
    this.#snapshots++;
    return true;
  }

  #track(socket: WebSocket): void {
    const viewer: Viewer = { greeted: false, dirty: false, logSeq: 0 };
    this.#viewers.set(socket, viewer);
    this.#startTimers();
    socket.addEventListener("open", () => {
      if (this.#closed) return;
      if (!this.#greet(socket, viewer)) viewer.greeted = true;
      // Everyone else learns the viewer count changed.
      this.#schedule();
    }, { once: true });
    socket.addEventListener("close", () => {
      this.#viewers.delete(socket);
      if (this.#viewers.size === 0) this.#stopTimers();
      else this.#schedule();
    }, { once: true });
    // Viewers only listen; anything they send is ignored.
    socket.addEventListener("error", () => {});
  }

  #startTimers(): void {
    if (this.#closed) return;
    if (this.#ticker === undefined) {
      this.#ticker = setInterval(() => this.tick(), this.#tickMs);
    }
    if (this.#unsubscribe === undefined && this.#source.log !== undefined) {
      this.#unsubscribe = this.#source.log.subscribe(() => this.#schedule());
    }
  }

  #stopTimers(): void {
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}

function int(
  value: number | undefined,
  fallback: number,
  name: string,
  min: number,
): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min) {
    throw new RangeError(
      `Expected ${name} to be an integer >= ${min}, found ${v}`,
    );
  }
  return v;
}
