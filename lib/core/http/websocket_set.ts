/**
 * A bounded set of live WebSockets: refuses upgrades beyond a maximum and
 * closes them all on shutdown.
 *
 * @module
 */

import {
  isWebSocketRequest,
  upgradeWebSocket,
  type UpgradeWebSocketOptions,
  type WebSocketUpgrade,
} from "./websocket.ts";

/**
 * Options for {@link WebSocketSet}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WebSocketSetOptions } from "./websocket_set.ts";
 * const options: WebSocketSetOptions = { maxConnections: 1000 };
 * equal(options.maxConnections, 1000);
 * ```
 */
export interface WebSocketSetOptions {
  /** Most sockets tracked at once; further upgrades get a 503. Default 1000. */
  maxConnections?: number;
}

/**
 * Tracks live WebSockets up to `maxConnections`. A socket leaves the set
 * when it closes (also when the peer vanishes during the handshake). Use
 * {@link WebSocketSet.upgrade} in a handler, or {@link WebSocketSet.add} for
 * a socket upgraded elsewhere, and {@link WebSocketSet.closeAll} on shutdown.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { WebSocketSet } from "./websocket_set.ts";
 * const sockets = new WebSocketSet({ maxConnections: 2 });
 * const upgrade = sockets.upgrade(new Request("http://localhost/audio"));
 * equal(upgrade.response.status, 426); // not an upgrade request
 * equal(sockets.size, 0);
 * ```
 */
export class WebSocketSet {
  #sockets = new Set<WebSocket>();
  #maxConnections: number;
  #accepted = 0;
  #rejected = 0;

  /**
   * @param options The connection limit.
   * @throws {RangeError} If `maxConnections` is not a non-negative integer.
   */
  constructor(options: WebSocketSetOptions = {}) {
    const max = options.maxConnections ?? 1000;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new RangeError(
        `Expected maxConnections to be a non-negative integer, found ${max}`,
      );
    }
    this.#maxConnections = max;
  }

  /** Sockets tracked now. */
  get size(): number {
    return this.#sockets.size;
  }

  /** The connection limit. */
  get maxConnections(): number {
    return this.#maxConnections;
  }

  /** Sockets accepted since creation. */
  get accepted(): number {
    return this.#accepted;
  }

  /** Upgrades refused because the set was full. */
  get rejected(): number {
    return this.#rejected;
  }

  /**
   * Upgrades the request and tracks the socket, or answers 503 (with
   * `retry-after`) when the set is full. Not-upgrade requests get a 426 and
   * malformed handshakes a 400, as with `upgradeWebSocket`.
   *
   * @param request The incoming request.
   * @param options Keep-alive and sub-protocols.
   * @returns The socket and the response to return, or an error response.
   */
  upgrade(
    request: Request,
    options: UpgradeWebSocketOptions = {},
  ): WebSocketUpgrade {
    if (isWebSocketRequest(request) && this.#isFull()) {
      this.#rejected++;
      return {
        ok: false,
        socket: null,
        response: new Response("Too many WebSocket connections\n", {
          status: 503,
          headers: {
            "content-type": "text/plain; charset=utf-8",
            "retry-after": "10",
          },
        }),
      };
    }
    const upgrade = upgradeWebSocket(request, options);
    if (upgrade.ok) this.#track(upgrade.socket);
    return upgrade;
  }

  /**
   * Tracks a socket upgraded elsewhere.
   *
   * @param socket The socket.
   * @returns `false` (and counts a rejection) if the set is full; the caller
   *   should then close the socket.
   */
  add(socket: WebSocket): boolean {
    if (this.#sockets.has(socket)) return true;
    if (this.#isFull()) {
      this.#rejected++;
      return false;
    }
    this.#track(socket);
    return true;
  }

  /**
   * Closes every tracked socket with `code` and `reason`. Sockets still in
   * the handshake are closed as soon as they open (closing them earlier
   * stalls Deno's handshake). Resolves when all of them have closed; a peer
   * that has stopped reading may never complete the close handshake, so
   * race this with a timeout (the HTTP server's shutdown then drops the
   * connection).
   *
   * @param code The close code. Default 1001 (going away).
   * @param reason The close reason (at most 123 bytes of UTF-8).
   * @returns A promise that resolves once every socket has closed.
   */
  closeAll(
    code = 1001,
    reason = "Server shutting down",
  ): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const socket of this.#sockets) {
      if (socket.readyState === WebSocket.CLOSED) continue;
      waits.push(
        new Promise<void>((resolve) => {
          socket.addEventListener("close", () => resolve(), { once: true });
        }),
      );
      if (socket.readyState === WebSocket.CONNECTING) {
        socket.addEventListener("open", () => safeClose(socket, code, reason), {
          once: true,
        });
      } else {
        safeClose(socket, code, reason);
      }
    }
    return Promise.all(waits).then(() => {});
  }

  /** Iterates over the tracked sockets. */
  [Symbol.iterator](): IterableIterator<WebSocket> {
    return this.#sockets.values();
  }

  #isFull(): boolean {
    return this.#sockets.size >= this.#maxConnections;
  }

  #track(socket: WebSocket): void {
    this.#sockets.add(socket);
    this.#accepted++;
    socket.addEventListener("close", () => this.#sockets.delete(socket), {
      once: true,
    });
  }
}

function safeClose(socket: WebSocket, code: number, reason: string): void {
  try {
    if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
  } catch {
    // Already closing, or an invalid code: nothing more to do.
  }
}
