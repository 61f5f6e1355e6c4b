/**
 * The live web dashboard of `shack ysf reflect`: serves one page (embedded
 * in the program) and a websocket at `/api/ws` that pushes the reflector's
 * state to every viewer: a full snapshot on connect and every few seconds,
 * batched deltas made from reflector events in between, counters on a
 * timer. Viewers are bounded; a viewer that does not keep up has frames
 * dropped (counted), skips deltas until it has drained, and then gets a
 * fresh snapshot. It never makes the reflector wait, and never calls back
 * into it from an event.
 *
 * @module
 */

import type { Registry } from "../../core/metrics.ts";
import { CompressionCache } from "../../core/http/compression_cache.ts";
import type { MemorySource } from "../../core/http/memory_source.ts";
import { serveStatic } from "../../core/http/static_files.ts";
import {
  createWsSendCounters,
  sendIfReady,
  type WsSendCounters,
} from "../../core/http/websocket_send.ts";
import { WebSocketSet } from "../../core/http/websocket_set.ts";
import { settlesWithin } from "../../core/settles_within.ts";
import type { ReflectorCounters } from "../reflector/counters.ts";
import type { ReflectorEvent } from "../reflector/events.ts";
import type { ReflectorSnapshot } from "../reflector/snapshot.ts";
import { DASHBOARD_PATHS, dashboardSource } from "./dashboard_assets.ts";
import {
  type AddressDisplay,
  countersMessage,
  type DashboardDelta,
  type DashboardRefusal,
  eventToDelta,
  snapshotMessage,
} from "./dashboard_messages.ts";

/**
 * Options of {@link YsfDashboard}.
 *
 * @example Masked addresses and 20 viewers
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { YsfDashboardOptions } from "./dashboard.ts";
 *
 * const options: YsfDashboardOptions = { maxClients: 20, addresses: "masked" };
 * equal(options.maxClients, 20);
 * ```
 */
export interface YsfDashboardOptions {
  /** Most websocket viewers; more get a 503. Default 100. */
  maxClients?: number;
  /** Milliseconds clock; use the reflector's (default `Date.now`). */
  now?: () => number;
  /** The reflector's counters, read on the counters timer. Default `getSnapshot().counters`. */
  counters?: () => ReflectorCounters;
  /** Period of the full snapshot to every viewer, ms. Default 10,000. */
  snapshotIntervalMs?: number;
  /** Period of the counters message, ms. Default 2,000. */
  countersIntervalMs?: number;
  /** Period of the timer that sends snapshots, counters and resyncs, ms. Default 1,000. */
  tickMs?: number;
  /** Events are batched for this long before they are sent, ms; 0 sends each at once. Default 100. */
  batchMs?: number;
  /** Most deltas waiting for a batch; beyond, the batch is dropped and every viewer resynced. Default 1,000. */
  maxQueuedEvents?: number;
  /** A viewer with more bytes queued than this gets no more frames until it drains. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Last-heard rows shown. Default 30. */
  lastHeardRows?: number;
  /** Refused transmissions shown. Default 20. */
  refusedRows?: number;
  /** How client addresses are shown. Default `full`. */
  addresses?: AddressDisplay;
  /** Program version shown in the footer. Default empty. */
  version?: string;
  /** Websocket keep-alive (see `upgradeWebSocket`), s. Default 30. */
  idleTimeoutSeconds?: number;
}

/**
 * The dashboard's counters.
 *
 * @example Reading them
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YsfDashboard } from "./dashboard.ts";
 * import { YsfReflectorCore } from "../reflector/reflector.ts";
 *
 * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
 * const dashboard = new YsfDashboard(() => core.snapshot());
 * equal(dashboard.counters.viewers, 0);
 * await dashboard.close();
 * ```
 */
export interface YsfDashboardCounters extends WsSendCounters {
  /** Viewers connected now. */
  viewers: number;
  /** Viewers accepted since start. */
  accepted: number;
  /** Upgrades refused because the viewer limit was reached. */
  rejected: number;
  /** Reflector events received. */
  events: number;
  /** Snapshot frames handed to sockets. */
  snapshots: number;
  /** Delta frames handed to sockets. */
  deltas: number;
  /** Snapshots sent to viewers that had missed a frame. */
  resyncs: number;
  /** Batches dropped because more than `maxQueuedEvents` deltas waited. */
  queueOverflows: number;
}

interface Viewer {
  /** Got its first snapshot. */
  greeted: boolean;
  /** Missed a frame: gets no deltas until a snapshot reaches it. */
  dirty: boolean;
}

/**
 * Headers of the page and its files: nothing may load from elsewhere. The
 * websocket's own origin is named as well as `'self'` (older Safari does not
 * match `ws:` against `'self'`). Embedding in another site's frame is
 * allowed: the page is read-only.
 */
function securityHeaders(host: string | null): Record<string, string> {
  const ws = host !== null && /^[A-Za-z0-9.:[\]-]{1,300}$/.test(host)
    ? ` ws://${host} wss://${host}`
    : "";
  return {
    "content-security-policy":
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
      `connect-src 'self'${ws}; base-uri 'none'; form-action 'none'`,
    "referrer-policy": "no-referrer",
  };
}

/**
 * The YSF web dashboard. Route requests to {@link YsfDashboard.handle}
 * (it answers `/`, the page's files and `/api/ws`, and returns `null` for
 * everything else), feed it every reflector event with
 * {@link YsfDashboard.onEvent}, and {@link YsfDashboard.close} it on
 * shutdown. No timer runs while nobody watches.
 *
 * @example Serving the page
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YsfReflectorCore } from "../reflector/reflector.ts";
 * import { YsfDashboard } from "./dashboard.ts";
 *
 * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
 * const dashboard = new YsfDashboard(() => core.snapshot());
 * const page = await dashboard.handle(new Request("http://localhost/"));
 * equal(page?.status, 200);
 * equal(await dashboard.handle(new Request("http://localhost/api/status")), null);
 * await page?.body?.cancel();
 * await dashboard.close();
 * ```
 */
export class YsfDashboard {
  #getSnapshot: () => ReflectorSnapshot;
  #getCounters: () => ReflectorCounters;
  #now: () => number;
  #sockets: WebSocketSet;
  #viewers = new Map<WebSocket, Viewer>();
  #source: MemorySource = dashboardSource();
  #compression = new CompressionCache({ maxBytes: 1024 * 1024 });
  #send: WsSendCounters = createWsSendCounters();
  #queue: DashboardDelta[] = [];
  #refused: DashboardRefusal[] = [];
  #snapshotIntervalMs: number;
  #countersIntervalMs: number;
  #tickMs: number;
  #batchMs: number;
  #maxQueued: number;
  #maxBuffered: number;
  #lastHeardRows: number;
  #refusedRows: number;
  #addresses: AddressDisplay;
  #version: string;
  #idleTimeout: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #lastSnapshotAt = -Infinity;
  #lastCountersAt = -Infinity;
  #epoch = 0;
  #cached: { epoch: number; at: number; text: string } | undefined;
  #events = 0;
  #snapshots = 0;
  #deltas = 0;
  #resyncs = 0;
  #overflows = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  /**
   * @param getSnapshot The reflector's state (`() => core.snapshot()`);
   *   called on connect and on the timer, never from {@link onEvent}.
   * @param options Limits, periods, clock and display.
   * @throws {RangeError} If a limit or period is not a non-negative integer
   *   (`maxClients`, `lastHeardRows`, `refusedRows` and the periods but
   *   `batchMs` must be positive).
   */
  constructor(
    getSnapshot: () => ReflectorSnapshot,
    options: YsfDashboardOptions = {},
  ) {
    this.#getSnapshot = getSnapshot;
    this.#getCounters = options.counters ?? (() => getSnapshot().counters);
    this.#now = options.now ?? Date.now;
    const maxClients = int(options.maxClients, 100, "maxClients", 1);
    this.#sockets = new WebSocketSet({ maxConnections: maxClients });
    this.#snapshotIntervalMs = int(
      options.snapshotIntervalMs,
      10_000,
      "snapshotIntervalMs",
      1,
    );
    this.#countersIntervalMs = int(
      options.countersIntervalMs,
      2_000,
      "countersIntervalMs",
      1,
    );
    this.#tickMs = int(options.tickMs, 1_000, "tickMs", 1);
    this.#batchMs = int(options.batchMs, 100, "batchMs", 0);
    this.#maxQueued = int(options.maxQueuedEvents, 1_000, "maxQueuedEvents", 1);
    this.#maxBuffered = int(
      options.maxBufferedBytes,
      1024 * 1024,
      "maxBufferedBytes",
      0,
    );
    this.#lastHeardRows = int(options.lastHeardRows, 30, "lastHeardRows", 1);
    this.#refusedRows = int(options.refusedRows, 20, "refusedRows", 1);
    this.#addresses = options.addresses ?? "full";
    if (!["full", "masked", "hidden"].includes(this.#addresses)) {
      throw new RangeError(
        `Expected addresses to be full, masked or hidden, found ${
          String(this.#addresses)
        }`,
      );
    }
    this.#version = options.version ?? "";
    this.#idleTimeout = options.idleTimeoutSeconds ?? 30;
  }

  /** Counters of viewers, frames and drops. */
  get counters(): YsfDashboardCounters {
    return {
      ...this.#send,
      viewers: this.#sockets.size,
      accepted: this.#sockets.accepted,
      rejected: this.#sockets.rejected,
      events: this.#events,
      snapshots: this.#snapshots,
      deltas: this.#deltas,
      resyncs: this.#resyncs,
      queueOverflows: this.#overflows,
    };
  }

  /**
   * Answers the dashboard's requests: `/` (the page), its files, and
   * `/api/ws` (the websocket; 503 when the viewer limit is reached or the
   * dashboard is closed, 426 for a plain request). Returns `null` for any
   * other path so the caller's own routes keep working.
   *
   * @param request The request.
   * @returns The response, or `null` when the path is not the dashboard's.
   *
   * @example Not a dashboard path
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { YsfReflectorCore } from "../reflector/reflector.ts";
   * import { YsfDashboard } from "./dashboard.ts";
   *
   * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
   * const dashboard = new YsfDashboard(() => core.snapshot());
   * equal(await dashboard.handle(new Request("http://localhost/metrics")), null);
   * equal((await dashboard.handle(new Request("http://localhost/api/ws")))?.status, 426);
   * await dashboard.close();
   * ```
   */
  async handle(request: Request): Promise<Response | null> {
    let pathname: string;
    try {
      pathname = new URL(request.url).pathname;
    } catch {
      return null;
    }
    if (pathname === "/api/ws") {
      if (this.#closed) {
        return new Response("Dashboard closed\n", {
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
    if (!DASHBOARD_PATHS.has(pathname)) return null;
    const response = await serveStatic(request, this.#source, {
      compression: this.#compression,
    });
    if (response === null) return null;
    const headers = securityHeaders(request.headers.get("host"));
    for (const [name, value] of Object.entries(headers)) {
      response.headers.set(name, value);
    }
    return response;
  }

  /**
   * Adds a websocket upgraded elsewhere (it gets the snapshot once open).
   *
   * @param socket The server side of the connection.
   * @returns `false` if the viewer limit is reached or the dashboard is
   *   closed; the caller should then close the socket.
   *
   * @example A full dashboard refuses
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { YsfReflectorCore } from "../reflector/reflector.ts";
   * import { YsfDashboard } from "./dashboard.ts";
   *
   * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
   * const dashboard = new YsfDashboard(() => core.snapshot());
   * await dashboard.close();
   * equal(dashboard.attach(new EventTarget() as unknown as WebSocket), false);
   * ```
   */
  attach(socket: WebSocket): boolean {
    if (this.#closed || !this.#sockets.add(socket)) return false;
    this.#track(socket);
    return true;
  }

  /**
   * Takes one reflector event (pass it every event of `onEvent`). Cheap and
   * synchronous: the delta is queued and sent after `batchMs`; nothing is
   * serialized while nobody watches. Never calls `getSnapshot`.
   *
   * @param event The event.
   *
   * @example Counting events
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { YsfReflectorCore } from "../reflector/reflector.ts";
   * import { YsfDashboard } from "./dashboard.ts";
   *
   * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
   * const dashboard = new YsfDashboard(() => core.snapshot());
   * dashboard.onEvent({ type: "temp-block-removed", block: { callsign: "G4ABC", reason: "timeout", since: 0, until: 1 }, reason: "expired" });
   * equal(dashboard.counters.events, 1);
   * await dashboard.close();
   * ```
   */
  onEvent(event: ReflectorEvent): void {
    this.#events++;
    this.#epoch++;
    if (this.#closed) return;
    const now = this.#now();
    if (event.type === "blocked" || event.type === "dropped") {
      const delta = eventToDelta(event, { now, addresses: this.#addresses });
      if (delta.kind === "refused") {
        this.#refused.unshift(delta.refusal);
        if (this.#refused.length > this.#refusedRows) {
          this.#refused.length = this.#refusedRows;
        }
      }
      if (this.#viewers.size > 0) this.#enqueue(delta);
      return;
    }
    if (this.#viewers.size === 0) return;
    this.#enqueue(eventToDelta(event, { now, addresses: this.#addresses }));
  }

  /**
   * Sends the queued deltas now (the batch timer calls it). Viewers that
   * missed a frame are skipped until a snapshot reaches them.
   *
   * @example Flushing with nobody watching
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { YsfReflectorCore } from "../reflector/reflector.ts";
   * import { YsfDashboard } from "./dashboard.ts";
   *
   * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
   * const dashboard = new YsfDashboard(() => core.snapshot());
   * dashboard.flush();
   * equal(dashboard.counters.deltas, 0);
   * await dashboard.close();
   * ```
   */
  flush(): void {
    if (this.#flushTimer !== undefined) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    }
    if (this.#queue.length === 0) return;
    const events = this.#queue;
    this.#queue = [];
    let text: string | undefined;
    for (const [socket, viewer] of this.#viewers) {
      if (!viewer.greeted || viewer.dirty) continue;
      text ??= JSON.stringify({ type: "delta", now: this.#now(), events });
      if (this.#deliver(socket, viewer, text)) this.#deltas++;
    }
  }

  /**
   * The timer's work (runs every `tickMs` while anyone watches): sends the
   * queued deltas, then the periodic snapshot, or snapshots to viewers that
   * missed a frame and have drained, and the counters when due.
   *
   * @example Nothing to do
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { YsfReflectorCore } from "../reflector/reflector.ts";
   * import { YsfDashboard } from "./dashboard.ts";
   *
   * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
   * const dashboard = new YsfDashboard(() => core.snapshot());
   * dashboard.tick();
   * equal(dashboard.counters.snapshots, 0);
   * await dashboard.close();
   * ```
   */
  tick(): void {
    if (this.#closed) return;
    this.flush();
    if (this.#viewers.size === 0) return;
    const now = this.#now();
    if (now - this.#lastSnapshotAt >= this.#snapshotIntervalMs) {
      this.#lastSnapshotAt = now;
      this.#lastCountersAt = now;
      for (const [socket, viewer] of this.#viewers) {
        if (viewer.greeted) this.#sendSnapshot(socket, viewer);
      }
      return;
    }
    for (const [socket, viewer] of this.#viewers) {
      if (
        viewer.greeted && viewer.dirty &&
        socket.readyState === WebSocket.OPEN &&
        socket.bufferedAmount <= this.#maxBuffered
      ) {
        if (this.#sendSnapshot(socket, viewer)) this.#resyncs++;
      }
    }
    if (now - this.#lastCountersAt >= this.#countersIntervalMs) {
      this.#lastCountersAt = now;
      let text: string | undefined;
      for (const [socket, viewer] of this.#viewers) {
        if (!viewer.greeted || viewer.dirty) continue;
        text ??= JSON.stringify(
          countersMessage(this.#getCounters(), now, this.#sockets.size),
        );
        this.#deliver(socket, viewer, text);
      }
    }
  }

  /**
   * Registers the dashboard's metrics (`dashboard_viewers`,
   * `dashboard_frames_sent_total`, `dashboard_frames_dropped_total` by
   * reason, `dashboard_rejected_total`, `dashboard_resyncs_total`) in a
   * registry; the registry's prefix applies.
   *
   * @param registry The registry (e.g. `YsfServer.metrics`).
   * @throws {TypeError} If they are already registered there.
   *
   * @example Usage
   * ```ts
   * import { match } from "node:assert/strict";
   * import { Registry } from "../../core/metrics.ts";
   * import { YsfReflectorCore } from "../reflector/reflector.ts";
   * import { YsfDashboard } from "./dashboard.ts";
   *
   * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
   * const dashboard = new YsfDashboard(() => core.snapshot());
   * const registry = new Registry({ prefix: "shack_ysf_" });
   * dashboard.registerMetrics(registry);
   * match(registry.render(), /^shack_ysf_dashboard_viewers 0$/m);
   * await dashboard.close();
   * ```
   */
  registerMetrics(registry: Registry): void {
    registry.gauge({
      name: "dashboard_viewers",
      help: "Dashboard websocket viewers connected",
      collect: () => this.#sockets.size,
    });
    registry.counter({
      name: "dashboard_frames_sent_total",
      help: "Dashboard websocket frames sent",
      collect: () => this.#send.sent,
    });
    registry.counter({
      name: "dashboard_frames_dropped_total",
      help: "Dashboard websocket frames dropped, by reason",
      labelNames: ["reason"],
      collect: () => [
        {
          labels: { reason: "backpressure" },
          value: this.#send.droppedBackpressure,
        },
        { labels: { reason: "not_open" }, value: this.#send.droppedNotOpen },
        { labels: { reason: "failed" }, value: this.#send.failed },
      ],
    });
    registry.counter({
      name: "dashboard_rejected_total",
      help: "Dashboard websocket upgrades refused at the viewer limit",
      collect: () => this.#sockets.rejected,
    });
    registry.counter({
      name: "dashboard_resyncs_total",
      help: "Snapshots sent to dashboard viewers that had missed a frame",
      collect: () => this.#resyncs,
    });
  }

  /**
   * Stops the timers and closes every websocket (1001), waiting at most
   * 500 ms for the close handshakes. Idempotent.
   *
   * @returns A promise that resolves when done.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { YsfReflectorCore } from "../reflector/reflector.ts";
   * import { YsfDashboard } from "./dashboard.ts";
   *
   * const core = new YsfReflectorCore({ name: "R" }, { send() {} });
   * const dashboard = new YsfDashboard(() => core.snapshot());
   * await dashboard.close();
   * equal((await dashboard.handle(new Request("http://localhost/api/ws")))?.status, 503);
   * ```
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#queue = [];
    this.#stopTimers();
    this.#closing = settlesWithin(
      this.#sockets.closeAll(1001, "Dashboard closing"),
      500,
    ).then(() => {});
    return this.#closing;
  }

  #enqueue(delta: DashboardDelta): void {
    if (this.#queue.length >= this.#maxQueued) {
      this.#queue = [];
      this.#overflows++;
      for (const viewer of this.#viewers.values()) viewer.dirty = true;
      return;
    }
    this.#queue.push(delta);
    if (this.#batchMs === 0) this.flush();
    else if (this.#flushTimer === undefined) {
      this.#flushTimer = setTimeout(() => {
        this.#flushTimer = undefined;
        this.flush();
      }, this.#batchMs);
    }
  }

  #track(socket: WebSocket): void {
    const viewer: Viewer = { greeted: false, dirty: true };
    this.#viewers.set(socket, viewer);
    socket.addEventListener("close", () => {
      this.#viewers.delete(socket);
      if (this.#viewers.size === 0) this.#stopTimers();
    }, { once: true });
    socket.addEventListener("error", () => {
      // The close event follows; nothing else to do.
    });
    if (socket.readyState === WebSocket.OPEN) this.#greet(socket, viewer);
    else {
      socket.addEventListener("open", () => this.#greet(socket, viewer), {
        once: true,
      });
    }
    if (this.#timer === undefined) {
      // The greeting is this viewer's first snapshot: the periodic ones start from now.
      this.#lastSnapshotAt = this.#lastCountersAt = this.#now();
      this.#timer = setInterval(() => this.tick(), this.#tickMs);
    }
  }

  #greet(socket: WebSocket, viewer: Viewer): void {
    if (this.#closed || !this.#viewers.has(socket)) return;
    // Deltas older than the snapshot must not reach this viewer after it.
    this.flush();
    viewer.greeted = true;
    this.#sendSnapshot(socket, viewer);
  }

  #sendSnapshot(socket: WebSocket, viewer: Viewer): boolean {
    const text = this.#snapshotText();
    if (this.#deliver(socket, viewer, text)) {
      viewer.dirty = false;
      this.#snapshots++;
      return true;
    }
    return false;
  }

  #deliver(socket: WebSocket, viewer: Viewer, text: string): boolean {
    if (
      sendIfReady(socket, text, {
        maxBufferedBytes: this.#maxBuffered,
        counters: this.#send,
      })
    ) {
      return true;
    }
    if (socket.readyState === WebSocket.OPEN) viewer.dirty = true;
    return false;
  }

  /** One serialization per state change, shared by every viewer (≤ 1 s old). */
  #snapshotText(): string {
    const now = this.#now();
    const cached = this.#cached;
    if (
      cached !== undefined && cached.epoch === this.#epoch &&
      now >= cached.at && now - cached.at < 1000
    ) {
      return cached.text;
    }
    const text = JSON.stringify(
      snapshotMessage(this.#getSnapshot(), {
        now,
        lastHeardMax: this.#lastHeardRows,
        refused: this.#refused,
        refusedMax: this.#refusedRows,
        addresses: this.#addresses,
        viewers: this.#sockets.size,
        version: this.#version,
      }),
    );
    this.#cached = { epoch: this.#epoch, at: now, text };
    return text;
  }

  #stopTimers(): void {
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    if (this.#flushTimer !== undefined) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    }
    this.#queue = [];
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
      `Expected ${name} to be an integer of at least ${min}, found ${v}`,
    );
  }
  return v;
}
