/**
 * The HTTP server every service runs: `Deno.serve` plus `/healthz`,
 * `/metrics`, handler error containment, tracked WebSockets and a shutdown
 * that finishes within a deadline.
 *
 * @module
 */

import {
  type HealthReport,
  healthResponse,
  metricsResponse,
  type MetricsSource,
} from "./health.ts";
import { settlesWithin } from "../settles_within.ts";
import { WebSocketSet } from "./websocket_set.ts";

/**
 * What a handler gets besides the request.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HttpContext } from "./server.ts";
 * function handler(_request: Request, context: HttpContext): Response {
 *   return new Response(context.signal.aborted ? "stopping" : "running");
 * }
 * equal(typeof handler, "function");
 * ```
 */
export interface HttpContext {
  /** Deno's per-request information (remote address, completion). */
  info: Deno.ServeHandlerInfo<Deno.NetAddr>;
  /** The server's WebSocket set: upgrade with `context.websockets.upgrade(request)`. */
  websockets: WebSocketSet;
  /** Aborted when the server starts shutting down; long responses should end. */
  signal: AbortSignal;
}

/**
 * A request handler. Exceptions become a 500 and are passed to `onError`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HttpHandler } from "./server.ts";
 * const handler: HttpHandler = () => new Response("hello");
 * equal(typeof handler, "function");
 * ```
 */
export type HttpHandler = (
  request: Request,
  context: HttpContext,
) => Response | Promise<Response>;

/**
 * Routes the server answers itself, before the handler.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HttpRoutes } from "./server.ts";
 * const routes: HttpRoutes = {
 *   healthz: () => ({ status: "ok", service: "ysf" }),
 *   metrics: { render: () => "up 1\n" },
 * };
 * equal(typeof routes.healthz, "function");
 * ```
 */
export interface HttpRoutes {
  /** Serves `GET /healthz` from this report. If it throws, the answer is a 503 `failing` report. */
  healthz?: () => HealthReport | Promise<HealthReport>;
  /** Serves `GET /metrics` from this registry. */
  metrics?: MetricsSource;
}

/**
 * Options for {@link startHttpServer}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HttpServerOptions } from "./server.ts";
 * const options: HttpServerOptions = { hostname: "127.0.0.1", port: 0, handler: () => new Response("hi") };
 * equal(options.port, 0);
 * ```
 */
export interface HttpServerOptions {
  /** Address to listen on. Default `0.0.0.0`. */
  hostname?: string;
  /** Port to listen on; `0` picks a free one (see `addr`). */
  port: number;
  /** Aborting it shuts the server down with the default deadline. */
  signal?: AbortSignal;
  /** Answers every request not taken by `routes`. */
  handler: HttpHandler;
  /** `/healthz` and `/metrics`. */
  routes?: HttpRoutes;
  /** Called once listening, with the real address. */
  onListen?: (addr: Deno.NetAddr) => void;
  /** Told about handler exceptions and shutdown trouble; the server keeps running. */
  onError?: (err: unknown, context: string) => void;
  /** Most WebSockets tracked by `context.websockets`. Default 1000. */
  maxConnections?: number;
  /** Deadline for a shutdown started by `signal` or `shutdown()`. Default 1000 ms. */
  shutdownDeadlineMs?: number;
  /** Service name used in the report when `healthz` throws. Default `"unknown"`. */
  service?: string;
}

/**
 * A running server from {@link startHttpServer}.
 *
 * @example Usage
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { startHttpServer } from "./server.ts";
 * const server = startHttpServer({ hostname: "127.0.0.1", port: 0, handler: () => new Response("hi") });
 * ok(server.addr.port > 0);
 * await server.shutdown();
 * ```
 */
export interface HttpServerHandle {
  /** The address actually listened on (the real port when `port` was 0). */
  readonly addr: Deno.NetAddr;
  /** The tracked WebSockets. */
  readonly websockets: WebSocketSet;
  /** Aborted when shutdown starts (the same as `HttpContext.signal`). */
  readonly signal: AbortSignal;
  /** Resolves when shutdown has completed or its deadline has passed; never rejects. */
  readonly finished: Promise<void>;
  /**
   * Resolves when Deno's server has closed its last connection. This can be
   * later than `finished`: a client that stalls in the middle of sending a
   * request body, or stops reading a response, keeps its connection until
   * it goes away or the process exits, because `Deno.serve` offers no way
   * to cut a connection from JavaScript. The server is then unref'ed so it
   * does not keep the process alive.
   */
  readonly drained: Promise<void>;
  /**
   * Shuts down (idempotent: later calls return the first promise).
   *
   * @param deadlineMs Time allowed; default `shutdownDeadlineMs`.
   */
  shutdown(deadlineMs?: number): Promise<void>;
}

/**
 * Starts `Deno.serve` with the shack conventions:
 *
 * - `GET /healthz` and `GET /metrics` are answered from `routes` when given;
 *   everything else goes to `handler`.
 * - A handler that throws (or returns something that is not a Response)
 *   gives a 500 and an `onError` call; the server keeps serving.
 * - Requests arriving during shutdown get a 503.
 * - Shutdown (on `signal` abort or `shutdown()`): aborts `context.signal`,
 *   closes tracked WebSockets with 1001 and waits for them up to a quarter
 *   of the deadline, then calls Deno's graceful `server.shutdown()` (which
 *   drops WebSockets still open). If requests are still in flight at half
 *   the deadline, every response body still streaming is cut. `finished`
 *   resolves by the deadline even if a stalled client still holds its
 *   connection (reported to `onError`; see `drained`).
 *
 * @param options Address, handler, routes and limits.
 * @returns The running server.
 * @throws {Deno.errors.AddrInUse} If the port is taken.
 * @throws {RangeError} If `shutdownDeadlineMs` or `maxConnections` is invalid.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { startHttpServer } from "./server.ts";
 * const server = startHttpServer({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   handler: () => new Response("hello"),
 *   routes: { healthz: () => ({ status: "ok", service: "demo" }) },
 * });
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/healthz`);
 * equal(response.status, 200);
 * equal((await response.json()).service, "demo");
 * await server.shutdown();
 * ```
 */
export function startHttpServer(options: HttpServerOptions): HttpServerHandle {
  const defaultDeadline = options.shutdownDeadlineMs ?? 1000;
  checkDeadline(defaultDeadline);
  const onError = options.onError ?? (() => {});
  const routes = options.routes ?? {};
  const handler = options.handler;
  const websockets = new WebSocketSet({
    maxConnections: options.maxConnections,
  });
  const stopping = new AbortController();
  const force = new AbortController();
  const finished = Promise.withResolvers<void>();

  async function route(
    request: Request,
    info: Deno.ServeHandlerInfo<Deno.NetAddr>,
  ): Promise<Response> {
    if (routes.healthz !== undefined || routes.metrics !== undefined) {
      const pathname = new URL(request.url).pathname;
      if (pathname === "/healthz" && routes.healthz !== undefined) {
        if (!isReadOnly(request)) return methodNotAllowed();
        try {
          return healthResponse(await routes.healthz());
        } catch (err) {
          onError(err, "healthz");
          return healthResponse({
            status: "failing",
            service: options.service ?? "unknown",
            checks: {
              healthz: { status: "failing", message: "Health check threw" },
            },
          });
        }
      }
      if (pathname === "/metrics" && routes.metrics !== undefined) {
        if (!isReadOnly(request)) return methodNotAllowed();
        return await metricsResponse(routes.metrics, { onError });
      }
    }
    return await handler(request, {
      info,
      websockets,
      signal: stopping.signal,
    });
  }

  async function handle(
    request: Request,
    info: Deno.ServeHandlerInfo<Deno.NetAddr>,
  ): Promise<Response> {
    if (stopping.signal.aborted) {
      return textResponse(503, "Server shutting down\n", {
        connection: "close",
      });
    }
    let response: unknown;
    try {
      response = await route(request, info);
    } catch (err) {
      onError(err, `handler ${request.method} ${describe(request)}`);
      return textResponse(500, "Internal server error\n");
    }
    if (!(response instanceof Response)) {
      onError(
        new TypeError(
          `Expected the handler to return a Response, found ${
            response === null ? "null" : typeof response
          }`,
        ),
        `handler ${request.method} ${describe(request)}`,
      );
      return textResponse(500, "Internal server error\n");
    }
    try {
      return track(response);
    } catch (err) {
      // A body that is already used or locked cannot be sent.
      onError(err, `handler ${request.method} ${describe(request)}`);
      return textResponse(500, "Internal server error\n");
    }
  }

  // Every streaming body goes through a pipe that shutdown can cut, so a
  // slow or endless response cannot hold Deno's graceful shutdown forever.
  function track(response: Response): Response {
    if (response.body === null || response.status === 101) return response;
    const body = response.body.pipeThrough(new TransformStream(), {
      signal: force.signal,
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  const server = Deno.serve({
    hostname: options.hostname ?? "0.0.0.0",
    port: options.port,
    onListen(addr) {
      options.onListen?.(addr);
    },
    onError(err) {
      // Cutting bodies at shutdown makes Deno report the abort: expected.
      if (!(force.signal.aborted && err === force.signal.reason)) {
        onError(err, "serve");
      }
      return textResponse(500, "Internal server error\n");
    },
  }, handle);
  const drained = server.finished.catch((err) => {
    onError(err, "serve finished");
  });

  let shutdownPromise: Promise<void> | null = null;

  async function runShutdown(deadlineMs: number): Promise<void> {
    try {
      options.signal?.removeEventListener("abort", onAbort);
      stopping.abort(new DOMException("Server shutting down", "AbortError"));
      await settlesWithin(websockets.closeAll(), deadlineMs / 4);
      server.shutdown().catch((err) => onError(err, "shutdown"));
      if (!(await settlesWithin(drained, deadlineMs / 4))) {
        force.abort(new DOMException("Server shutting down", "AbortError"));
        if (!(await settlesWithin(drained, deadlineMs / 2))) {
          server.unref();
          onError(
            new Error(
              `Cannot finish shutdown within ${deadlineMs} ms: connections still open`,
            ),
            "shutdown",
          );
        }
      }
    } catch (err) {
      onError(err, "shutdown");
    } finally {
      finished.resolve();
    }
  }

  function shutdown(deadlineMs: number = defaultDeadline): Promise<void> {
    if (shutdownPromise === null) {
      checkDeadline(deadlineMs);
      shutdownPromise = runShutdown(deadlineMs);
    }
    return shutdownPromise;
  }

  function onAbort() {
    shutdown();
  }
  if (options.signal?.aborted) shutdown();
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  return {
    addr: server.addr,
    websockets,
    signal: stopping.signal,
    finished: finished.promise,
    drained,
    shutdown,
  };
}

function checkDeadline(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(
      `Expected a non-negative shutdown deadline in ms, found ${ms}`,
    );
  }
}

function isReadOnly(request: Request): boolean {
  return request.method === "GET" || request.method === "HEAD";
}

function describe(request: Request): string {
  try {
    const pathname = new URL(request.url).pathname;
    return pathname.length > 200 ? pathname.slice(0, 200) + "…" : pathname;
  } catch {
    return "?";
  }
}

function methodNotAllowed(): Response {
  return textResponse(405, "Method not allowed\n", { allow: "GET, HEAD" });
}

function textResponse(
  status: number,
  text: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(text, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });
}
