/**
 * WebSocket upgrade with keep-alive pings, answering bad upgrade requests
 * instead of throwing.
 *
 * @module
 */

/**
 * Options for {@link upgradeWebSocket}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UpgradeWebSocketOptions } from "./websocket.ts";
 * const options: UpgradeWebSocketOptions = { idleTimeoutSeconds: 30, protocol: ["v2", "v1"] };
 * equal(options.idleTimeoutSeconds, 30);
 * ```
 */
export interface UpgradeWebSocketOptions {
  /**
   * Keep-alive: after `idleTimeoutSeconds / 2` without a frame from the peer
   * the server sends a ping, and closes the socket (code 1001) if nothing
   * arrives within another `idleTimeoutSeconds / 2`. Browsers answer pings
   * by themselves. Default 30; `0` disables it. Deno's ping waits behind
   * queued data, so a peer that stopped reading is not detected this way:
   * keep `bufferedAmount` bounded with `sendIfReady`.
   */
  idleTimeoutSeconds?: number;
  /**
   * Sub-protocols the server speaks, most preferred first. The first one the
   * client offers in `Sec-WebSocket-Protocol` is selected; if none matches,
   * no protocol is selected.
   */
  protocol?: string | readonly string[];
}

/**
 * The result of {@link upgradeWebSocket}: either a socket and the 101
 * response, or an error response. Return `response` from the handler in
 * both cases.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { upgradeWebSocket } from "./websocket.ts";
 * const upgrade = upgradeWebSocket(new Request("http://localhost/audio"));
 * equal(upgrade.ok, false);
 * equal(upgrade.response.status, 426);
 * ```
 */
export type WebSocketUpgrade =
  | {
    /** The upgrade succeeded. */
    ok: true;
    /** The server side of the connection (CONNECTING until the 101 is sent). */
    socket: WebSocket;
    /** The 101 response to return from the handler. */
    response: Response;
    /** The selected sub-protocol, or `""`. */
    protocol: string;
  }
  | {
    /** The upgrade was refused. */
    ok: false;
    /** No socket. */
    socket: null;
    /** 426 (not an upgrade request), 400 (bad handshake) or 503 (full). */
    response: Response;
  };

/**
 * Tells whether a request asks for a WebSocket upgrade (`GET` with
 * `Upgrade: websocket`).
 *
 * @param request The incoming request.
 * @returns `true` for an upgrade request.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isWebSocketRequest } from "./websocket.ts";
 * const request = new Request("http://localhost/events", { headers: { upgrade: "websocket" } });
 * equal(isWebSocketRequest(request), true);
 * ```
 */
export function isWebSocketRequest(request: Request): boolean {
  return request.method === "GET" &&
    (request.headers.get("upgrade") ?? "").toLowerCase().split(",").some((
      token,
    ) => token.trim() === "websocket");
}

/**
 * Upgrades a request to a WebSocket (wrapping `Deno.upgradeWebSocket`) with
 * keep-alive pings and sub-protocol selection. Never throws for bad input:
 * a request that is not an upgrade gets a 426, a malformed handshake a 400.
 *
 * @param request The incoming request.
 * @param options Keep-alive and sub-protocols.
 * @returns The socket and the response to return, or an error response.
 * @throws {RangeError} If `idleTimeoutSeconds` is negative or not finite.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { upgradeWebSocket } from "./websocket.ts";
 * const request = new Request("http://localhost/events", { method: "POST" });
 * equal(upgradeWebSocket(request).response.status, 426);
 * ```
 */
export function upgradeWebSocket(
  request: Request,
  options: UpgradeWebSocketOptions = {},
): WebSocketUpgrade {
  const idleTimeout = options.idleTimeoutSeconds ?? 30;
  if (!Number.isFinite(idleTimeout) || idleTimeout < 0) {
    throw new RangeError(
      `Expected idleTimeoutSeconds to be a non-negative number, found ${idleTimeout}`,
    );
  }
  if (!isWebSocketRequest(request)) {
    return {
      ok: false,
      socket: null,
      response: new Response("Expected a WebSocket upgrade request\n", {
        status: 426,
        headers: {
          "content-type": "text/plain; charset=utf-8",
          upgrade: "websocket",
          connection: "Upgrade",
        },
      }),
    };
  }
  const protocol = selectProtocol(
    request.headers.get("sec-websocket-protocol"),
    options.protocol,
  );
  try {
    const { socket, response } = Deno.upgradeWebSocket(request, {
      idleTimeout,
      ...(protocol === "" ? {} : { protocol }),
    });
    return { ok: true, socket, response, protocol };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      socket: null,
      response: new Response(`Bad WebSocket handshake: ${reason}\n`, {
        status: 400,
        headers: { "content-type": "text/plain; charset=utf-8" },
      }),
    };
  }
}

function selectProtocol(
  offered: string | null,
  accepted: string | readonly string[] | undefined,
): string {
  if (offered === null || accepted === undefined) return "";
  const offers = new Set(offered.split(",").map((p) => p.trim()));
  const list = typeof accepted === "string" ? [accepted] : accepted;
  return list.find((p) => offers.has(p)) ?? "";
}
