/**
 * The bridge's management API and dashboard: one request handler for
 * `/api/*` (JSON endpoints and the `/api/live` websocket) and
 * `/dashboard/*` (the embedded page), with the API token rules of
 * `ApiAuth`. The HTTP server mounts it before its own routes; it returns
 * `undefined` for every other path.
 *
 * Endpoints:
 *
 * | method | path | answer |
 * |---|---|---|
 * | GET | `/api/status` | version, uptime, tuners, sessions by state, channel counts |
 * | GET | `/api/sources` | sources with their last refresh (credentials masked) |
 * | POST | `/api/sources/refresh` | 202: starts the refresh callback |
 * | GET | `/api/channels?q=&enabled=&limit=&offset=` | a page of matching channels |
 * | GET, PATCH | `/api/channels/<id>` | one channel; change `enabled`, `guideNumber`, `name` (409 on a number conflict) |
 * | GET | `/api/sessions` | live sessions (client, channel, state, bytes, bitrate, duration) |
 * | GET, DELETE | `/api/sessions/<id>` | one session; kill it (`terminated`) |
 * | GET | `/api/log?limit=&since=` | recent log lines |
 * | GET (upgrade) | `/api/live` | the live feed (see `LiveFeed`) |
 *
 * @module
 */

import { CompressionCache } from "../../core/http/compression_cache.ts";
import type { MemorySource } from "../../core/http/memory_source.ts";
import { serveStatic } from "../../core/http/static_files.ts";
import type { Logger } from "../../core/log.ts";
import { bridgeDashboardSource } from "../web/dashboard_assets.ts";
import { ApiAuth } from "./api_auth.ts";
import type { ApiLineup, ApiSessions, ApiStore } from "./api_deps.ts";
import { ApiError, errorResponse, jsonResponse } from "./api_error.ts";
import type { ApiStatus } from "./api_status.ts";
import { BitrateMeter } from "./bitrate_meter.ts";
import {
  guideNumberConflict,
  mergeChannelPatch,
  parseChannelPatch,
} from "./channel_patch.ts";
import {
  channelView,
  parseChannelQuery,
  searchChannels,
} from "./channel_search.ts";
import { readJsonObject } from "./json_body.ts";
import {
  LiveFeed,
  type LiveFeedCounters,
  type LiveFeedOptions,
} from "./live_feed.ts";
import type { LogRing } from "./log_ring.ts";
import { type SessionView, sessionView } from "./session_view.ts";
import { sourceView } from "./source_view.ts";

/**
 * Per-request information the handler uses (Deno's `ServeHandlerInfo`
 * fits).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ApiRequestInfo } from "./bridge_api.ts";
 *
 * const info: ApiRequestInfo = { remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 50000 } };
 * equal(info.remoteAddr.hostname, "127.0.0.1");
 * ```
 */
export interface ApiRequestInfo {
  /** The client's address. */
  remoteAddr: Deno.NetAddr;
}

/**
 * The outcome of the last refresh started from the API.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ApiRefreshResult } from "./bridge_api.ts";
 *
 * const result: ApiRefreshResult = { at: 1_700_000_000_000, ok: false, error: "HTTP 503" };
 * equal(result.ok, false);
 * ```
 */
export interface ApiRefreshResult {
  /** When it finished, ms since the epoch. */
  at: number;
  /** Whether the callback resolved. */
  ok: boolean;
  /** Its error message. */
  error?: string;
}

/**
 * Options of {@link BridgeApi}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BridgeApiOptions } from "./bridge_api.ts";
 * import { Lineup } from "../lineup/lineup.ts";
 * import { SessionRegistry } from "../session/session_registry.ts";
 * import { BridgeStore } from "../store/bridge_store.ts";
 *
 * const store = new BridgeStore(":memory:");
 * const options: BridgeApiOptions = {
 *   sessions: new SessionRegistry({ tunerCount: 2 }),
 *   store,
 *   lineup: new Lineup(),
 *   rebuildLineup: () => {},
 *   token: "0123456789abcdef0123",
 *   requireToken: true,
 * };
 * equal(options.requireToken, true);
 * store.close();
 * ```
 */
export interface BridgeApiOptions {
  /** The live sessions and tuners (a `SessionRegistry`). */
  sessions: ApiSessions;
  /** Sources and mappings (a `BridgeStore`). */
  store: ApiStore;
  /** The live lineup (a `Lineup`). */
  lineup: ApiLineup;
  /** Rebuilds the lineup from the stored mappings after a channel change; may be async. */
  rebuildLineup: () => void | Promise<void>;
  /** Refreshes every source (`POST /api/sources/refresh`); absent: 501. */
  refreshSources?: () => unknown;
  /** The API token (see `ensureApiToken`). */
  token: string;
  /** Whether requests need the token (false when bound to loopback only). */
  requireToken: boolean;
  /** Recent log lines for `/api/log` and the live feed. */
  log?: LogRing;
  /** Where the API logs kills, changes and refreshes. */
  logger?: Logger;
  /** The program version shown. Default empty. */
  version?: string;
  /** The session clock (the registry's `now`), ms. Default `performance.now`. */
  now?: () => number;
  /** The wall clock, ms since the epoch. Default `Date.now`. */
  wallNow?: () => number;
  /** Largest request body, bytes. Default 16 KiB. */
  maxBodyBytes?: number;
  /** Largest channel page. Default 200. */
  maxPageSize?: number;
  /** Sessions listed at most. Default 500. */
  maxSessionsShown?: number;
  /** The live feed's limits and periods. */
  live?: LiveFeedOptions;
  /** Aborting it closes the API (the live feed's sockets). */
  signal?: AbortSignal;
}

const ID_MAX = 200;

/**
 * The management API and dashboard of `shack bridge serve`.
 *
 * @example Status over a handler call
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BridgeApi } from "./bridge_api.ts";
 * import { Lineup } from "../lineup/lineup.ts";
 * import { SessionRegistry } from "../session/session_registry.ts";
 * import { BridgeStore } from "../store/bridge_store.ts";
 *
 * const store = new BridgeStore(":memory:");
 * const api = new BridgeApi({
 *   sessions: new SessionRegistry({ tunerCount: 2 }),
 *   store,
 *   lineup: new Lineup(),
 *   rebuildLineup: () => {},
 *   token: "0123456789abcdef0123",
 *   requireToken: true,
 * });
 * const info = { remoteAddr: { transport: "tcp" as const, hostname: "192.0.2.9", port: 40000 } };
 * equal((await api.handle(new Request("http://bridge/api/status"), info))?.status, 401);
 * const response = await api.handle(
 *   new Request("http://bridge/api/status", { headers: { authorization: "Bearer 0123456789abcdef0123" } }),
 *   info,
 * );
 * equal((await response?.json()).tuners.total, 2);
 * equal(await api.handle(new Request("http://bridge/lineup.json"), info), undefined);
 * await api.close();
 * store.close();
 * ```
 */
export class BridgeApi {
  readonly #sessions: ApiSessions;
  readonly #store: ApiStore;
  readonly #lineup: ApiLineup;
  readonly #rebuild: () => void | Promise<void>;
  readonly #refresh: (() => unknown) | undefined;
  readonly #auth: ApiAuth;
  readonly #log: LogRing | undefined;
  readonly #logger: Logger | undefined;
  readonly #version: string;
  readonly #now: () => number;
  readonly #wallNow: () => number;
  readonly #startedAt: number;
  readonly #maxBody: number;
  readonly #maxPage: number;
  readonly #maxSessions: number;
  readonly #meter = new BitrateMeter();
  readonly #live: LiveFeed;
  readonly #source: MemorySource = bridgeDashboardSource();
  readonly #compression = new CompressionCache();
  readonly #signal: AbortSignal | undefined;
  #serial: Promise<unknown> = Promise.resolve();
  #refreshing: Promise<void> | undefined;
  #lastRefresh: ApiRefreshResult | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  /**
   * Creates the API (no timer runs until a live viewer connects).
   *
   * @param options What it serves and how.
   * @throws {RangeError} If the token is empty or a limit is out of range.
   */
  constructor(options: BridgeApiOptions) {
    this.#sessions = options.sessions;
    this.#store = options.store;
    this.#lineup = options.lineup;
    this.#rebuild = options.rebuildLineup;
    this.#refresh = options.refreshSources;
    this.#auth = new ApiAuth({
      token: options.token,
      requireToken: options.requireToken,
    });
    this.#log = options.log;
    this.#logger = options.logger;
    this.#version = options.version ?? "";
    this.#now = options.now ?? (() => performance.now());
    this.#wallNow = options.wallNow ?? Date.now;
    this.#startedAt = this.#now();
    this.#maxBody = positiveInt(
      options.maxBodyBytes,
      16 * 1024,
      "maxBodyBytes",
    );
    this.#maxPage = positiveInt(options.maxPageSize, 200, "maxPageSize");
    this.#maxSessions = positiveInt(
      options.maxSessionsShown,
      500,
      "maxSessionsShown",
    );
    this.#live = new LiveFeed({
      status: () => this.status(),
      sessions: () => this.sessionViews(),
      log: this.#log,
      lineupVersion: () => this.#lineup.version,
    }, { now: this.#wallNow, ...options.live });
    this.#signal = options.signal;
    if (this.#signal?.aborted) this.close();
    else this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /**
   * Pass this as the `SessionRegistry`'s `onChange`: viewers get session
   * changes at once instead of on the next tick.
   */
  readonly onSessionChange = (_record?: unknown): void => {
    this.#live.notifySessions();
  };

  /** Whether requests need the token. */
  get requireToken(): boolean {
    return this.#auth.requireToken;
  }

  /** The live feed's counters. */
  get liveCounters(): LiveFeedCounters {
    return this.#live.counters;
  }

  /** Resolves when the refresh started from the API ends (now if none runs). */
  get refreshed(): Promise<void> {
    return this.#refreshing ?? Promise.resolve();
  }

  /** The status (`GET /api/status`). */
  status(): ApiStatus {
    let enabled = 0;
    const all = this.#lineup.all();
    for (const channel of all) if (channel.enabled) enabled++;
    const status: ApiStatus = {
      version: this.#version,
      uptimeSeconds: Math.floor((this.#now() - this.#startedAt) / 1000),
      tuners: {
        inUse: this.#sessions.tunersInUse,
        total: this.#sessions.tunerCount,
      },
      sessions: this.#sessions.countByState(),
      channels: { total: all.length, enabled },
      requireToken: this.#auth.requireToken,
      refreshing: this.#refreshing !== undefined,
      viewers: this.#live.viewers,
    };
    const version = this.#lineup.version;
    if (version !== undefined) status.lineupVersion = version;
    return status;
  }

  /** The live sessions as shown (`GET /api/sessions`), measuring bitrates. */
  sessionViews(): SessionView[] {
    const now = this.#now();
    const wallNow = this.#wallNow();
    const ids = new Set<string>();
    const views: SessionView[] = [];
    for (const session of this.#sessions.sessions()) {
      if (views.length >= this.#maxSessions) break;
      const record = session.snapshot();
      ids.add(record.id);
      const bitrate = record.state === "streaming"
        ? this.#meter.sample(record.id, record.bytes, now)
        : undefined;
      views.push(sessionView(record, { now, wallNow, bitrate }));
    }
    this.#meter.retain(ids);
    return views;
  }

  /**
   * Answers `/api/*` and `/dashboard/*`; `undefined` for any other path.
   * Never throws: unexpected errors become a 500 (logged).
   *
   * @param request The request.
   * @param info The client's address.
   * @returns The response, or `undefined` when the path is not the API's.
   */
  async handle(
    request: Request,
    info: ApiRequestInfo,
  ): Promise<Response | undefined> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return undefined;
    }
    const path = url.pathname;
    if (path === "/dashboard" || path.startsWith("/dashboard/")) {
      return await this.#dashboard(request, url);
    }
    if (path !== "/api" && !path.startsWith("/api/")) return undefined;
    if (this.#closed) {
      return errorResponse(
        503,
        "Expected the API to be running, found it stopping",
      );
    }
    const live = path === "/api/live";
    const refusal = this.#auth.check(request, { allowQuery: live });
    if (refusal !== undefined) {
      await request.body?.cancel().catch(() => {});
      return refusal;
    }
    if (live) return this.#live.upgrade(request);
    try {
      return await this.#route(request, url, info);
    } catch (err) {
      await request.body?.cancel().catch(() => {});
      if (err instanceof MethodNotAllowed) {
        return errorResponse(405, err.message, { allow: err.allow });
      }
      if (err instanceof ApiError) {
        return errorResponse(err.status, err.message);
      }
      this.#logger?.error("API request failed", {
        method: request.method,
        path: path.slice(0, 200),
        error: err,
      });
      return errorResponse(
        500,
        "Expected the request to succeed, found an internal error",
      );
    }
  }

  /**
   * Closes the live feed (viewers get 1001) and refuses further API
   * requests with 503. Idempotent.
   *
   * @returns Resolves when the viewers are closed (or after 500 ms).
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closed = true;
      this.#signal?.removeEventListener("abort", this.#onAbort);
      this.#closing = this.#live.close();
    }
    return this.#closing;
  }

  readonly #onAbort = () => {
    this.close();
  };

  async #route(
    request: Request,
    url: URL,
    info: ApiRequestInfo,
  ): Promise<Response> {
    const parts = url.pathname.split("/").slice(2); // after "", "api"
    const method = request.method;
    const [resource, id, extra] = parts;
    if (extra !== undefined) throw notFound(url.pathname);
    switch (resource) {
      case "status":
        if (id !== undefined) throw notFound(url.pathname);
        allow(method, ["GET"]);
        return jsonResponse(200, this.status());
      case "sources":
        if (id === undefined) {
          allow(method, ["GET"]);
          return jsonResponse(200, this.#sourcesBody());
        }
        if (id === "refresh") {
          allow(method, ["POST"]);
          await request.body?.cancel().catch(() => {});
          return this.#startRefresh(info);
        }
        throw notFound(url.pathname);
      case "channels":
        if (id === undefined) {
          allow(method, ["GET"]);
          const query = parseChannelQuery(url.searchParams, {
            maxLimit: this.#maxPage,
          });
          return jsonResponse(200, searchChannels(this.#lineup.all(), query));
        }
        allow(method, ["GET", "PATCH"]);
        if (method === "GET") {
          const channel = this.#channel(decodeId(id));
          return jsonResponse(200, { channel: channelView(channel) });
        }
        return await this.#patchChannel(request, decodeId(id), info);
      case "sessions":
        if (id === undefined) {
          allow(method, ["GET"]);
          return jsonResponse(200, {
            tuners: {
              inUse: this.#sessions.tunersInUse,
              total: this.#sessions.tunerCount,
            },
            sessions: this.sessionViews(),
          });
        }
        allow(method, ["GET", "DELETE"]);
        return await this.#session(method, decodeId(id), info);
      case "log":
        if (id !== undefined) throw notFound(url.pathname);
        allow(method, ["GET"]);
        return jsonResponse(200, this.#logBody(url.searchParams));
      default:
        throw notFound(url.pathname);
    }
  }

  #sourcesBody() {
    const body: {
      sources: ReturnType<typeof sourceView>[];
      refreshing: boolean;
      canRefresh: boolean;
      lastRefresh?: ApiRefreshResult;
    } = {
      sources: this.#store.sources().map(sourceView),
      refreshing: this.#refreshing !== undefined,
      canRefresh: this.#refresh !== undefined,
    };
    if (this.#lastRefresh !== undefined) body.lastRefresh = this.#lastRefresh;
    return body;
  }

  #startRefresh(info: ApiRequestInfo): Response {
    const refresh = this.#refresh;
    if (refresh === undefined) {
      return errorResponse(
        501,
        "Expected a source refresh to be configured, found none",
      );
    }
    if (this.#refreshing !== undefined) {
      return jsonResponse(202, { refreshing: true, alreadyRunning: true });
    }
    this.#logger?.info("source refresh requested from the API", {
      by: info.remoteAddr.hostname,
    });
    this.#refreshing = (async () => {
      try {
        await refresh();
        this.#lastRefresh = { at: this.#wallNow(), ok: true };
        this.#logger?.info("source refresh finished");
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        this.#lastRefresh = { at: this.#wallNow(), ok: false, error };
        this.#logger?.warn("source refresh failed", { error });
      } finally {
        this.#refreshing = undefined;
        this.#live.notifyChanged("sources");
        this.#live.notifySessions();
      }
    })();
    this.#live.notifySessions();
    return jsonResponse(202, { refreshing: true });
  }

  #channel(id: string) {
    const channel = this.#lineup.all().find((c) => c.id === id);
    if (channel === undefined) {
      throw new ApiError(
        404,
        `Expected a channel with id ${JSON.stringify(id)}, found none`,
      );
    }
    return channel;
  }

  async #patchChannel(
    request: Request,
    id: string,
    info: ApiRequestInfo,
  ): Promise<Response> {
    // The body is read before taking the lock: a slow upload holds nobody.
    const patch = parseChannelPatch(
      await readJsonObject(request, { maxBytes: this.#maxBody }),
    );
    return await this.#exclusive(async () => {
      const channel = this.#channel(id);
      const mappings = this.#store.mappings();
      if (typeof patch.guideNumber === "string") {
        const conflict = guideNumberConflict(
          patch.guideNumber,
          id,
          this.#lineup.all(),
          mappings,
        );
        if (conflict !== undefined) {
          throw new ApiError(
            409,
            `Expected GuideNumber ${patch.guideNumber} to be free, found it ${conflict}`,
          );
        }
      }
      const previous = mappings.find((m) => m.channelId === id);
      this.#store.setMapping(mergeChannelPatch(id, previous, patch));
      try {
        await this.#rebuild();
      } catch (err) {
        if (previous === undefined) this.#store.deleteMapping(id);
        else this.#store.setMapping(previous);
        this.#logger?.error("lineup rebuild failed after a channel change", {
          channel: id,
          error: err,
        });
        throw err;
      }
      this.#logger?.info("channel changed from the API", {
        channel: id,
        guideNumber: channel.guideNumber,
        name: channel.name,
        change: JSON.stringify(patch),
        by: info.remoteAddr.hostname,
      });
      this.#live.notifyChanged("lineup");
      const updated = this.#lineup.all().find((c) => c.id === id) ?? channel;
      return jsonResponse(200, { channel: channelView(updated) });
    });
  }

  async #session(
    method: string,
    id: string,
    info: ApiRequestInfo,
  ): Promise<Response> {
    const session = this.#sessions.get(id);
    if (session === undefined) {
      throw new ApiError(
        404,
        `Expected a live session with id ${JSON.stringify(id)}, found none`,
      );
    }
    const context = () => ({ now: this.#now(), wallNow: this.#wallNow() });
    if (method === "GET") {
      return jsonResponse(200, {
        session: sessionView(session.snapshot(), context()),
      });
    }
    const before = session.snapshot();
    this.#logger?.info("session killed from the API", {
      session: id,
      channel: before.channel.guideNumber,
      client: before.client.address,
      by: info.remoteAddr.hostname,
    });
    await session.close("terminated");
    this.#live.notifySessions();
    return jsonResponse(200, {
      session: sessionView(session.snapshot(), context()),
    });
  }

  #logBody(params: URLSearchParams) {
    const log = this.#log;
    if (log === undefined) return { lines: [], lastSeq: 0 };
    const limitText = params.get("limit");
    let limit = log.capacity;
    if (limitText !== null && limitText !== "") {
      if (!/^\d{1,9}$/.test(limitText) || Number(limitText) < 1) {
        throw new ApiError(
          400,
          `Expected limit to be a positive integer, found ${
            JSON.stringify(limitText.slice(0, 40))
          }`,
        );
      }
      limit = Math.min(Number(limitText), log.capacity);
    }
    const sinceText = params.get("since");
    let lines = log.tail(limit);
    if (sinceText !== null && sinceText !== "") {
      if (!/^\d{1,15}$/.test(sinceText)) {
        throw new ApiError(
          400,
          `Expected since to be a non-negative integer, found ${
            JSON.stringify(sinceText.slice(0, 40))
          }`,
        );
      }
      const since = Number(sinceText);
      lines = lines.filter((entry) => entry.seq > since);
    }
    return { lines, lastSeq: log.lastSeq };
  }

  async #dashboard(request: Request, url: URL): Promise<Response> {
    const token = url.searchParams.get("token");
    if (
      token !== null &&
      (request.method === "GET" || request.method === "HEAD")
    ) {
      // Sign in from the link in the log: set the cookie and drop the
      // token from the address bar (and from history and Referer).
      url.searchParams.delete("token");
      const headers: Record<string, string> = {
        location: url.pathname + url.search,
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
      };
      if (this.#auth.isToken(token)) {
        headers["set-cookie"] = this.#auth.cookie(request);
      }
      return new Response(null, { status: 303, headers });
    }
    const response = await serveStatic(request, this.#source, {
      prefix: "/dashboard",
      compression: this.#compression,
    });
    if (response === null) {
      return new Response("Not found\n", {
        status: 404,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    }
    const host = request.headers.get("host");
    const ws = host !== null && /^[A-Za-z0-9.:[\]-]{1,300}$/.test(host)
      ? ` ws://${host} wss://${host}`
      : "";
    response.headers.set(
      "content-security-policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
        `connect-src 'self'${ws}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    response.headers.set("referrer-policy", "no-referrer");
    response.headers.set("x-frame-options", "DENY");
    return response;
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(fn, fn);
    this.#serial = run.catch(() => {});
    return run;
  }
}

function notFound(path: string): ApiError {
  return new ApiError(
    404,
    `Expected a known API path, found ${JSON.stringify(path.slice(0, 100))}`,
  );
}

function allow(method: string, methods: readonly string[]): void {
  if (!methods.includes(method)) {
    throw new MethodNotAllowed(method, methods);
  }
}

class MethodNotAllowed extends ApiError {
  readonly allow: string;
  constructor(method: string, methods: readonly string[]) {
    super(
      405,
      `Expected ${methods.join(" or ")}, found ${method.slice(0, 20)}`,
    );
    this.name = "MethodNotAllowed";
    this.allow = methods.join(", ");
  }
}

function decodeId(segment: string): string {
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, "Expected a percent-encoded id, found bad escapes");
  }
  if (id === "" || id.length > ID_MAX) {
    throw new ApiError(
      404,
      `Expected an id of 1 to ${ID_MAX} characters, found ${id.length}`,
    );
  }
  return id;
}

function positiveInt(
  value: number | undefined,
  fallback: number,
  name: string,
): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new RangeError(`Expected ${name} to be an integer >= 1, found ${v}`);
  }
  return v;
}
