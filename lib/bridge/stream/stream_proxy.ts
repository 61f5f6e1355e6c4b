/**
 * The stream proxy: turns a stream request for a channel into a session,
 * an upstream feed (direct or ffmpeg, optionally shared by the clients of
 * one channel) and an HTTP response of MPEG-TS, with HDHomeRun's error
 * semantics (503 + `X-HDHomeRun-Error` when no tuner is free or the
 * upstream cannot be started). Every stream path goes through here, so the
 * tuner limit holds everywhere.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/bounded_map.ts";
import type { Logger } from "../../core/log.ts";
import type { Registry } from "../../core/metrics.ts";
import type { Channel } from "../channel.ts";
import type { Session } from "../session/session.ts";
import {
  type SessionRegistry,
  TunerUnavailableError,
} from "../session/session_registry.ts";
import { ClientStream, type ClientStreamOptions } from "./client_stream.ts";
import { createUpstreamOpener } from "./select_upstream.ts";
import type { UpstreamOpener } from "./upstream.ts";
import {
  UPSTREAM_ERROR_KINDS,
  UpstreamError,
  type UpstreamErrorKind,
} from "./upstream_error.ts";
import { UpstreamFeed, type UpstreamFeedOptions } from "./upstream_feed.ts";

/** The header a real HDHomeRun uses for error details. */
export const HDHOMERUN_ERROR_HEADER = "X-HDHomeRun-Error";

/**
 * Options of {@link StreamProxy}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SessionRegistry } from "../session/session_registry.ts";
 * import type { StreamProxyOptions } from "./stream_proxy.ts";
 *
 * const options: StreamProxyOptions = {
 *   sessions: new SessionRegistry({ tunerCount: 2 }),
 *   share: true,
 *   feed: { startupTimeoutMs: 5_000 },
 * };
 * equal(options.share, true);
 * ```
 */
export interface StreamProxyOptions {
  /** The session registry (tuner accounting). */
  sessions: SessionRegistry;
  /** Opens upstreams. Default {@link createUpstreamOpener} with its defaults. */
  open?: UpstreamOpener;
  /** One upstream per channel, shared by its clients. Default `false`. */
  share?: boolean;
  /** Deadlines and reconnect budget of the feeds. */
  feed?: Omit<
    UpstreamFeedOptions,
    "channel" | "open" | "onUpstreamError" | "logger" | "now"
  >;
  /** Queue limits of each client. */
  client?: Pick<ClientStreamOptions, "maxQueuedBytes" | "maxQueuedChunks">;
  /** Logs tunes, failures and drops. */
  logger?: Logger;
  /** Milliseconds clock of the feeds' watchdogs. Default `performance.now`. */
  now?: () => number;
}

/**
 * Where a stream request came from.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StreamRequestInfo } from "./stream_proxy.ts";
 *
 * const info: StreamRequestInfo = { remoteAddress: "192.0.2.7" };
 * equal(info.remoteAddress, "192.0.2.7");
 * ```
 */
export interface StreamRequestInfo {
  /** The client's IP address. */
  remoteAddress?: string;
}

/**
 * Counters of a {@link StreamProxy}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SessionRegistry } from "../session/session_registry.ts";
 * import { StreamProxy, type StreamProxyStats } from "./stream_proxy.ts";
 *
 * const stats: StreamProxyStats = new StreamProxy({ sessions: new SessionRegistry({ tunerCount: 1 }) }).stats;
 * equal(stats.upstreamErrors.stall, 0);
 * ```
 */
export interface StreamProxyStats {
  /** Upstream errors by kind (including those followed by a reconnect). */
  upstreamErrors: Record<UpstreamErrorKind, number>;
  /** Upstream reconnects. */
  reconnects: number;
  /** Clients dropped for reading too slowly. */
  slowClients: number;
  /** HEAD requests answered (no upstream opened). */
  heads: number;
  /** Live feeds (upstream connections). */
  feeds: number;
}

const STREAM_HEADERS = {
  "content-type": "video/mp2t",
  "cache-control": "no-cache, no-store",
  "accept-ranges": "none",
  "x-content-type-options": "nosniff",
};

const STARTUP_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Serves channel streams.
 *
 * - `HEAD`: 200 `video/mp2t` (or 503 when no tuner is free), no session,
 *   no upstream.
 * - `GET`: opens a session (503 `All tuners in use` if none is free), gets
 *   or creates the feed, waits for the first packet (503 `Upstream
 *   unavailable` if it does not come) and answers 200 with the MPEG-TS
 *   body. The client's disconnect (body cancel) closes the session: the
 *   feed is closed when its last client leaves, which kills and reaps an
 *   ffmpeg child.
 * - A lost upstream that cannot be reconnected ends the response cleanly
 *   (the body closes) and the session fails; a slow client is cut and its
 *   session closed.
 *
 * @example Proxying a local MPEG-TS upstream
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SessionRegistry } from "../session/session_registry.ts";
 * import { TsChannelGenerator } from "../mpegts/ts_generator.ts";
 * import { StreamProxy } from "./stream_proxy.ts";
 *
 * const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
 *   const generator = new TsChannelGenerator();
 *   let timer: ReturnType<typeof setTimeout> | undefined;
 *   return new Response(new ReadableStream({
 *     pull: (c) =>
 *       new Promise<void>((done) => {
 *         timer = setTimeout(() => { c.enqueue(generator.next(50)); done(); }, 5);
 *       }),
 *     cancel: () => clearTimeout(timer),
 *   }));
 * });
 * const sessions = new SessionRegistry({ tunerCount: 1 });
 * const proxy = new StreamProxy({ sessions });
 * const channel = {
 *   id: "c", guideNumber: "1", name: "One", enabled: true, headers: {},
 *   url: `http://127.0.0.1:${upstream.addr.port}/live.ts`,
 * };
 * const response = await proxy.serve(channel, new Request("http://bridge/auto/v1"));
 * equal(response.status, 200);
 * const reader = response.body!.getReader();
 * equal((await reader.read()).value![0], 0x47);
 * await reader.cancel();
 * await proxy.close();
 * equal(sessions.size, 0);
 * await upstream.shutdown();
 * ```
 */
export class StreamProxy {
  readonly #sessions: SessionRegistry;
  readonly #open: UpstreamOpener;
  readonly #share: boolean;
  readonly #feedOptions: StreamProxyOptions["feed"];
  readonly #clientOptions: StreamProxyOptions["client"];
  readonly #log: Logger | undefined;
  readonly #now: () => number;
  /** Shared feeds by channel id. */
  readonly #shared: BoundedMap<string, UpstreamFeed>;
  /** Every live feed. */
  readonly #feeds: BoundedMap<UpstreamFeed, true>;
  readonly #upstreamErrors = Object.fromEntries(
    UPSTREAM_ERROR_KINDS.map((k) => [k, 0]),
  ) as Record<UpstreamErrorKind, number>;
  #slowClients = 0;
  #heads = 0;
  #reconnectsOfClosed = 0;
  #startupSeconds: ((seconds: number) => void) | undefined;
  #closing: Promise<void> | undefined;

  /**
   * Creates a proxy.
   *
   * @param options Sessions, opener, sharing, limits.
   */
  constructor(options: StreamProxyOptions) {
    this.#sessions = options.sessions;
    this.#open = options.open ?? createUpstreamOpener();
    this.#share = options.share ?? false;
    this.#feedOptions = options.feed;
    this.#clientOptions = options.client;
    this.#log = options.logger;
    this.#now = options.now ?? (() => performance.now());
    const capacity = this.#sessions.tunerCount;
    this.#shared = new BoundedMap({ capacity, policy: "reject" });
    // Feeds hold tuners, but closing ones may overlap their replacements.
    this.#feeds = new BoundedMap({
      capacity: capacity * 4 + 4,
      policy: "reject",
    });
  }

  /** A snapshot of the counters. */
  get stats(): StreamProxyStats {
    let reconnects = 0;
    for (const [feed] of this.#feeds) reconnects += feed.stats.reconnects;
    return {
      upstreamErrors: { ...this.#upstreamErrors },
      reconnects: this.#reconnectsOfClosed + reconnects,
      slowClients: this.#slowClients,
      heads: this.#heads,
      feeds: this.#feeds.size,
    };
  }

  /**
   * Answers a stream request for `channel`.
   *
   * @param channel The channel (already looked up; unknown channels are the
   * caller's 404).
   * @param request The HTTP request (`GET` or `HEAD`).
   * @param info Where it came from.
   * @returns The response: 200 MPEG-TS, or 503 with `X-HDHomeRun-Error`.
   */
  async serve(
    channel: Channel,
    request: Request,
    info: StreamRequestInfo = {},
  ): Promise<Response> {
    const shareKey = this.#share ? `channel:${channel.id}` : undefined;
    if (request.method === "HEAD") {
      this.#heads++;
      if (!this.#sessions.available(shareKey)) return busy(null);
      return new Response(null, { status: 200, headers: STREAM_HEADERS });
    }
    let session: Session;
    try {
      session = this.#sessions.open({
        channel: {
          id: channel.id,
          guideNumber: channel.guideNumber,
          name: channel.name,
        },
        client: {
          ...(info.remoteAddress !== undefined
            ? { address: info.remoteAddress }
            : {}),
          ...(request.headers.has("user-agent")
            ? { userAgent: request.headers.get("user-agent")! }
            : {}),
        },
        ...(shareKey !== undefined ? { shareKey } : {}),
      });
    } catch (err) {
      if (err instanceof TunerUnavailableError) {
        this.#log?.info("stream refused: no tuner", {
          channel: channel.guideNumber,
          reason: err.reason,
        });
        return busy(err);
      }
      throw err;
    }
    const startedAt = performance.now();
    const feed = this.#feedFor(channel);
    const client = new ClientStream({
      ...this.#clientOptions,
      onBytes: (n) => session.recordBytes(n),
      onCancel: () => void session.close("client_disconnect"),
      onOverflow: () => {
        this.#slowClients++;
        this.#log?.warn("slow stream client dropped", {
          session: session.id,
          channel: channel.guideNumber,
        });
        void session.close("slow_client");
      },
    });
    const sink = {
      push: (piece: Uint8Array) => client.push(piece),
      end: (error: UpstreamError | undefined) => {
        client.finish();
        if (error !== undefined) {
          void session.fail(
            session.state === "starting" ? "startup_failed" : "upstream_failed",
            error,
          );
        } else {
          void session.close("shutdown");
        }
      },
    };
    session.addCleanup(async () => {
      client.finish();
      if (feed.detach(sink) === 0) {
        if (this.#shared.peek(channel.id) === feed) {
          this.#shared.delete(channel.id);
        }
        await feed.close();
      }
    });
    if (!feed.attach(sink)) {
      await session.close("terminated");
      return busy(new TunerUnavailableError("session_limit", 0));
    }
    // Start (or join) the feed. A client that leaves meanwhile is noticed
    // at the first write after start-up (request.signal is not used: in
    // Deno 2 it also aborts on every completed response, and reading it
    // prints a deprecation warning), so start-up bounds how long it holds
    // its tuner.
    let outcome: "started" | "ended" | UpstreamError;
    try {
      outcome = await Promise.race([
        feed.start().then(() => "started" as const),
        session.closed.then(() => "ended" as const),
      ]);
    } catch (err) {
      outcome = err instanceof UpstreamError
        ? err
        : new UpstreamError("network", String(err));
    }
    if (outcome instanceof UpstreamError) {
      this.#log?.warn("stream start failed", {
        channel: channel.guideNumber,
        kind: outcome.kind,
        error: outcome.message,
      });
      await session.fail("startup_failed", outcome);
      return unavailable(`Upstream unavailable (${outcome.kind})`);
    }
    if (outcome === "ended" || !session.markStreaming()) {
      await session.closed;
      return unavailable("Session ended");
    }
    this.#startupSeconds?.((performance.now() - startedAt) / 1000);
    this.#log?.info("stream started", {
      session: session.id,
      channel: channel.guideNumber,
      client: info.remoteAddress,
      shared: feed.sinkCount > 1,
    });
    return new Response(client.body, { status: 200, headers: STREAM_HEADERS });
  }

  /**
   * Ends every session (their feeds close with them) and refuses new ones.
   * Idempotent.
   *
   * @returns Resolves when every feed has released its upstream.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#sessions.close("shutdown");
      await Promise.all([...this.#feeds].map(([feed]) => feed.close()));
    })();
    return this.#closing;
  }

  /**
   * Registers `upstream_errors_total{kind}`, `upstream_reconnects_total`,
   * `upstream_feeds`, `slow_clients_total` and `stream_startup_seconds`.
   *
   * @param registry The metrics registry.
   *
   * @example Usage
   * ```ts
   * import { match } from "node:assert/strict";
   * import { Registry } from "../../core/metrics.ts";
   * import { SessionRegistry } from "../session/session_registry.ts";
   * import { StreamProxy } from "./stream_proxy.ts";
   *
   * const metrics = new Registry({ prefix: "shack_bridge_" });
   * new StreamProxy({ sessions: new SessionRegistry({ tunerCount: 1 }) }).registerMetrics(metrics);
   * match(metrics.render(), /^shack_bridge_upstream_errors_total\{kind="stall"\} 0$/m);
   * ```
   */
  registerMetrics(registry: Registry): void {
    registry.counter<"kind">({
      name: "upstream_errors_total",
      help:
        "Upstream failures by kind (including those followed by a reconnect)",
      labelNames: ["kind"],
      collect: () =>
        Object.entries(this.#upstreamErrors).map(([kind, value]) => ({
          labels: { kind },
          value,
        })),
    });
    registry.counter({
      name: "upstream_reconnects_total",
      help: "Upstream reconnects after a drop",
      collect: () => this.stats.reconnects,
    });
    registry.gauge({
      name: "upstream_feeds",
      help: "Open upstream connections (feeds)",
      collect: () => this.#feeds.size,
    });
    registry.counter({
      name: "slow_clients_total",
      help: "Stream clients dropped for reading too slowly",
      collect: () => this.#slowClients,
    });
    const startup = registry.histogram({
      name: "stream_startup_seconds",
      help: "Time from a stream request to its first packet",
      buckets: STARTUP_BUCKETS,
    });
    this.#startupSeconds = (seconds) => startup.observe(seconds);
  }

  #feedFor(channel: Channel): UpstreamFeed {
    if (this.#share) {
      const existing = this.#shared.peek(channel.id);
      if (existing !== undefined && !existing.ended) return existing;
    }
    const feed = new UpstreamFeed({
      ...this.#feedOptions,
      channel,
      open: this.#open,
      now: this.#now,
      ...(this.#log ? { logger: this.#log } : {}),
      onUpstreamError: (error) => {
        this.#upstreamErrors[error.kind]++;
      },
    });
    this.#feeds.set(feed, true);
    feed.done.then(() => {
      this.#reconnectsOfClosed += feed.stats.reconnects;
      this.#feeds.delete(feed);
      if (this.#shared.peek(channel.id) === feed) {
        this.#shared.delete(channel.id);
      }
    });
    if (this.#share) {
      this.#shared.delete(channel.id);
      this.#shared.set(channel.id, feed);
    }
    return feed;
  }
}

function busy(error: TunerUnavailableError | null): Response {
  const detail = error?.reason === "closed"
    ? "Bridge shutting down"
    : "All tuners in use";
  return new Response(error === null ? null : `${detail}\n`, {
    status: 503,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      [HDHOMERUN_ERROR_HEADER]: detail,
      "retry-after": "5",
    },
  });
}

function unavailable(detail: string): Response {
  return new Response(`${detail}\n`, {
    status: 503,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      [HDHOMERUN_ERROR_HEADER]: detail,
    },
  });
}
