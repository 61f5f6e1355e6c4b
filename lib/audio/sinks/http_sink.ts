/**
 * {@link HttpSink}: lets browsers listen to a headless box. Its
 * {@link HttpSink.handler} serves a small embedded page at `/listen/` and a
 * WebSocket at `/listen/ws` that streams every block as s16le PCM. Each
 * listener's queue is bounded by the socket's `bufferedAmount`: blocks a
 * slow listener cannot take are dropped and counted, and a listener that
 * keeps falling behind is disconnected and counted.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/bounded_map.ts";
import { upgradeWebSocket } from "../../core/http/websocket.ts";
import page from "./http_sink_page.html" with { type: "text" };
import { encodePcm } from "./pcm.ts";
import {
  blockFrames,
  checkSinkFormat,
  type Sink,
  type SinkFormat,
  SinkStateError,
  type SinkStats,
} from "./sink.ts";

/**
 * The part of a WebSocket {@link HttpSink} uses (a real `WebSocket`, or a
 * stand-in in tests).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HttpSinkSocket } from "./http_sink.ts";
 *
 * const fake: HttpSinkSocket = {
 *   readyState: WebSocket.OPEN, bufferedAmount: 0,
 *   send() {}, close() {}, addEventListener() {},
 * };
 * equal(fake.readyState, 1);
 * ```
 */
export interface HttpSinkSocket {
  /** `WebSocket.CONNECTING`, `OPEN`, `CLOSING` or `CLOSED`. */
  readonly readyState: number;
  /** Bytes queued and not yet sent. */
  readonly bufferedAmount: number;
  /** Queues a frame. */
  send(data: Uint8Array | string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Listens for `open` and `close`. */
  addEventListener(
    type: "open" | "close",
    listener: () => void,
    options?: { once?: boolean },
  ): void;
}

/**
 * Options of {@link HttpSink}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HttpSinkOptions } from "./http_sink.ts";
 *
 * const options: HttpSinkOptions = { sampleRate: 48000, channels: 2, blockSize: 256, maxClients: 4 };
 * equal(options.maxClients, 4);
 * ```
 */
export interface HttpSinkOptions extends SinkFormat {
  /** Where the page is served; the socket is at `<path>/ws`. Default `/listen`. */
  path?: string;
  /** Most listeners at once; more get a 503. Default 16. */
  maxClients?: number;
  /**
   * A block is dropped for a listener whose socket already holds more than
   * this many unsent bytes. Default: 64 blocks.
   */
  maxBufferedBytes?: number;
  /**
   * A listener is disconnected (code 1013) after this many blocks dropped
   * in a row. Default 200 (about a second at 256 frames, 48 kHz).
   */
  maxConsecutiveDrops?: number;
  /** WebSocket keep-alive, as in `upgradeWebSocket`. Default 30. */
  idleTimeoutSeconds?: number;
}

/**
 * Counters of an {@link HttpSink}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HttpSinkStats } from "./http_sink.ts";
 *
 * const stats: HttpSinkStats = {
 *   blocks: 1, frames: 256, bytes: 1024, clients: 1, accepted: 1, rejected: 0,
 *   sentBlocks: 1, droppedBlocks: 0, slowClientsDropped: 0,
 * };
 * equal(stats.clients, 1);
 * ```
 */
export interface HttpSinkStats extends SinkStats {
  /** Listeners connected now. */
  clients: number;
  /** Listeners accepted since the start. */
  accepted: number;
  /** Listeners refused because the sink was full. */
  rejected: number;
  /** Blocks sent, counted once per listener. */
  sentBlocks: number;
  /** Blocks not sent to a listener that was behind, once per listener. */
  droppedBlocks: number;
  /** Listeners disconnected for falling behind. */
  slowClientsDropped: number;
}

interface ClientState {
  drops: number;
  greeted: boolean;
}

/**
 * Streams audio to browsers. Mount {@link HttpSink.handler} in the
 * service's HTTP server (it returns `undefined` for paths that are not its
 * own); `write` sends each block to every listener.
 *
 * @example Serving the page
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { HttpSink } from "./http_sink.ts";
 *
 * const sink = new HttpSink({ sampleRate: 48000, channels: 2, blockSize: 256 });
 * const response = sink.handler(new Request("http://localhost/listen/"));
 * equal(response?.headers.get("content-type"), "text/html; charset=utf-8");
 * await response?.body?.cancel();
 * equal(sink.handler(new Request("http://localhost/other")), undefined);
 * await sink.close();
 * ```
 */
export class HttpSink implements Sink {
  /** The stream format. */
  readonly format: Readonly<SinkFormat>;
  /** The page's path (the socket is at `<path>/ws`). */
  readonly path: string;
  readonly #clients: BoundedMap<HttpSinkSocket, ClientState>;
  readonly #maxBufferedBytes: number;
  readonly #maxConsecutiveDrops: number;
  readonly #idleTimeoutSeconds: number;
  readonly #greeting: string;
  #closing: Promise<void> | undefined;
  #stats = {
    blocks: 0,
    frames: 0,
    bytes: 0,
    accepted: 0,
    rejected: 0,
    sentBlocks: 0,
    droppedBlocks: 0,
    slowClientsDropped: 0,
  };

  /**
   * @param options Format, path and limits.
   * @throws {RangeError} If the format or a limit is invalid.
   * @throws {TypeError} If the path does not start with `/`.
   */
  constructor(options: HttpSinkOptions) {
    this.format = checkSinkFormat(options);
    const path = (options.path ?? "/listen").replace(/\/+$/, "");
    if (!path.startsWith("/")) {
      throw new TypeError(
        `Expected a path starting with "/", found ${
          JSON.stringify(options.path)
        }`,
      );
    }
    this.path = path;
    const positive = (value: number, what: string) => {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(
          `Expected ${what} to be a positive integer, found ${value}`,
        );
      }
      return value;
    };
    this.#clients = new BoundedMap({
      capacity: positive(options.maxClients ?? 16, "maxClients"),
      policy: "reject",
    });
    this.#maxBufferedBytes = positive(
      options.maxBufferedBytes ??
        64 * this.format.blockSize * this.format.channels * 2,
      "maxBufferedBytes",
    );
    this.#maxConsecutiveDrops = positive(
      options.maxConsecutiveDrops ?? 200,
      "maxConsecutiveDrops",
    );
    this.#idleTimeoutSeconds = options.idleTimeoutSeconds ?? 30;
    this.#greeting = JSON.stringify({
      type: "format",
      encoding: "s16le",
      sampleRate: this.format.sampleRate,
      channels: this.format.channels,
      blockSize: this.format.blockSize,
    });
  }

  /** The counters. */
  get stats(): HttpSinkStats {
    return { ...this.#stats, clients: this.#clients.size };
  }

  /**
   * Answers `GET`/`HEAD <path>` and `<path>/` with the page and
   * `GET <path>/ws` with a WebSocket upgrade (503 when full); returns
   * `undefined` for anything else so the caller can route it. A bound
   * function: pass it around as it is.
   *
   * @param request The request.
   * @returns The response, or `undefined`.
   */
  readonly handler = (request: Request): Response | undefined => {
    const { pathname } = new URL(request.url);
    if (pathname === this.path || pathname === `${this.path}/`) {
      if (request.method !== "GET" && request.method !== "HEAD") {
        return new Response("Method not allowed\n", {
          status: 405,
          headers: { allow: "GET, HEAD" },
        });
      }
      return new Response(request.method === "HEAD" ? null : page, {
        headers: {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-cache",
          "x-content-type-options": "nosniff",
        },
      });
    }
    if (pathname !== `${this.path}/ws`) return undefined;
    if (this.#closing || this.#clients.size >= this.#clients.capacity) {
      this.#stats.rejected++;
      return new Response("Too many listeners\n", {
        status: 503,
        headers: { "retry-after": "10" },
      });
    }
    const upgrade = upgradeWebSocket(request, {
      idleTimeoutSeconds: this.#idleTimeoutSeconds,
    });
    if (upgrade.ok) this.attach(upgrade.socket);
    return upgrade.response;
  };

  /**
   * Adds a listener's socket (one upgraded elsewhere, or a stand-in). The
   * format message is sent once it is open.
   *
   * @param socket The socket.
   * @returns `false` (and counts a rejection) if the sink is full or
   * closed; the caller should then close the socket.
   */
  attach(socket: HttpSinkSocket): boolean {
    if (
      this.#closing || !this.#clients.set(socket, { drops: 0, greeted: false })
    ) {
      this.#stats.rejected++;
      return false;
    }
    this.#stats.accepted++;
    socket.addEventListener("open", () => this.#greet(socket), { once: true });
    socket.addEventListener("close", () => this.#clients.delete(socket), {
      once: true,
    });
    if (socket.readyState === WebSocket.OPEN) this.#greet(socket);
    return true;
  }

  /**
   * Encodes the block as s16le once and sends it to every listener that is
   * keeping up.
   *
   * @param block Interleaved samples.
   * @throws {SinkStateError} After `close`.
   * @throws {RangeError} If the block is not whole frames.
   */
  write(block: Float32Array): void {
    if (this.#closing) {
      throw new SinkStateError("Expected an open HTTP sink, found it closed");
    }
    const frames = blockFrames(block, this.format.channels);
    this.#stats.blocks++;
    this.#stats.frames += frames;
    if (this.#clients.size === 0) return;
    // A fresh buffer per block: sockets may still hold the previous one.
    const bytes = new Uint8Array(block.length * 2);
    encodePcm(block, "s16le", bytes);
    for (const [socket, state] of this.#clients) {
      if (socket.readyState !== WebSocket.OPEN || !state.greeted) continue;
      if (socket.bufferedAmount > this.#maxBufferedBytes) {
        state.drops++;
        this.#stats.droppedBlocks++;
        if (state.drops >= this.#maxConsecutiveDrops) {
          this.#clients.delete(socket);
          this.#stats.slowClientsDropped++;
          safeClose(socket, 1013, "Listener too slow");
        }
        continue;
      }
      try {
        socket.send(bytes);
      } catch {
        continue; // closing: its close event removes it
      }
      state.drops = 0;
      this.#stats.sentBlocks++;
      this.#stats.bytes += bytes.length;
    }
  }

  /**
   * Closes every listener (1001) and waits up to 500 ms for them to go.
   * Idempotent.
   *
   * @returns A promise that resolves when the listeners are gone or the
   * wait is over.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const waits: Promise<void>[] = [];
      for (const [socket] of this.#clients) {
        if (socket.readyState === WebSocket.CLOSED) continue;
        waits.push(
          new Promise((resolve) =>
            socket.addEventListener("close", () => resolve(), { once: true })
          ),
        );
        if (socket.readyState === WebSocket.CONNECTING) {
          socket.addEventListener(
            "open",
            () => safeClose(socket, 1001, "Server shutting down"),
            { once: true },
          );
        } else safeClose(socket, 1001, "Server shutting down");
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(waits),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 500);
        }),
      ]);
      clearTimeout(timer);
      this.#clients.clear();
    })();
    return this.#closing;
  }

  #greet(socket: HttpSinkSocket): void {
    const state = this.#clients.peek(socket);
    if (state === undefined || state.greeted) return;
    state.greeted = true;
    try {
      socket.send(this.#greeting);
    } catch {
      // closing
    }
  }
}

function safeClose(socket: HttpSinkSocket, code: number, reason: string): void {
  try {
    if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
  } catch {
    // already closing
  }
}
