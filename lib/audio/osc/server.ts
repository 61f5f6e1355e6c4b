/**
 * {@link OscServer}: OSC over UDP. Datagrams are decoded as they arrive
 * (malformed ones are counted and ignored), queued in a bounded queue
 * (overflow is counted and dropped), and handed one message at a time, in
 * order, to a handler that may reply to the sender.
 *
 * @module
 */

import { BoundedQueue } from "../../core/bounded/bounded_queue.ts";
import {
  decodePacket,
  OSC_MAX_BUNDLE_DEPTH,
  OSC_MAX_PACKET_BYTES,
} from "./decode.ts";
import { encodePacket } from "./encode.ts";
import { flattenPacket, type TimedMessage } from "./flatten.ts";
import type { OscMessage, OscPacket } from "./packet.ts";

/** The default OSC port (Music Chronus's). */
const DEFAULT_PORT = 5005;
const RECEIVE_BUFFER_BYTES = 65536;

/**
 * What the handler gets for each message.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscEvent } from "./server.ts";
 *
 * function handle(event: OscEvent): void {
 *   if (event.message.address === "/sync") event.reply({ kind: "message", address: "/synced", args: event.message.args });
 * }
 * equal(typeof handle, "function");
 * ```
 */
export interface OscEvent {
  /** The message. */
  message: OscMessage;
  /** When it applies: its innermost bundle's timetag, `1n` = immediately. */
  timetag: bigint;
  /** Who sent it. */
  from: Deno.NetAddr;
  /** When the datagram arrived, by the server's clock (ms). */
  receivedAt: number;
  /**
   * Sends a packet back to the sender. Returns `false` (and counts a
   * dropped reply) if too many replies are waiting for the kernel or the
   * server is closed; never throws for network errors.
   */
  reply(packet: OscPacket): boolean;
}

/**
 * Handles one message. A returned promise is awaited before the next
 * message is handled (commands stay in order); an exception or rejection
 * is counted and reported to `onError`, and the server carries on.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscHandler } from "./server.ts";
 *
 * const seen: string[] = [];
 * const handler: OscHandler = (event) => { seen.push(event.message.address); };
 * equal(typeof handler, "function");
 * ```
 */
export type OscHandler = (event: OscEvent) => void | Promise<void>;

/**
 * Options of {@link OscServer}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscServerOptions } from "./server.ts";
 *
 * const options: OscServerOptions = { hostname: "127.0.0.1", port: 0, handler: () => {} };
 * equal(options.port, 0);
 * ```
 */
export interface OscServerOptions {
  /** Address to bind. Default `127.0.0.1`. */
  hostname?: string;
  /** UDP port; `0` lets the OS choose (see `addr`). Default 5005. */
  port?: number;
  /** Called for every message, in order. */
  handler: OscHandler;
  /** Largest datagram decoded; larger ones are malformed. Default 65507. */
  maxPacketBytes?: number;
  /** Deepest bundle nesting accepted. Default 8. */
  maxBundleDepth?: number;
  /** Packets waiting for the handler; more are dropped and counted. Default 1024. */
  queueCapacity?: number;
  /** Replies waiting for the kernel; more are dropped and counted. Default 256. */
  maxPendingReplies?: number;
  /** Told about handler failures and receive errors. */
  onError?: (error: unknown, context: string) => void;
  /** Aborting it closes the server. */
  signal?: AbortSignal;
  /** The clock for `receivedAt`, in ms. Default `performance.now`. */
  now?: () => number;
}

/**
 * Counters of an {@link OscServer}, since it started.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscServerStats } from "./server.ts";
 *
 * const stats: OscServerStats = {
 *   received: 2, malformed: 1, dropped: 0, messages: 1, handlerErrors: 0,
 *   replies: 0, repliesDropped: 0, replyErrors: 0, receiveErrors: 0,
 * };
 * equal(stats.received - stats.malformed, 1);
 * ```
 */
export interface OscServerStats {
  /** Datagrams received. */
  received: number;
  /** Datagrams that were not well-formed OSC (ignored). */
  malformed: number;
  /** Well-formed packets dropped because the queue was full. */
  dropped: number;
  /** Messages handed to the handler. */
  messages: number;
  /** Handler calls that threw or rejected. */
  handlerErrors: number;
  /** Replies handed to the kernel. */
  replies: number;
  /** Replies dropped (too many pending, or the server closed). */
  repliesDropped: number;
  /** Replies the kernel refused, or that could not be encoded. */
  replyErrors: number;
  /** Failed socket receives. */
  receiveErrors: number;
}

interface Queued {
  messages: TimedMessage[];
  from: Deno.NetAddr;
  receivedAt: number;
}

/**
 * An OSC server on one UDP socket. The socket is bound by the constructor;
 * {@link OscServer.close} stops it within one second whatever the handler
 * is doing.
 *
 * @example Answering `/sync` over real UDP
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodePacket } from "./decode.ts";
 * import { encodeMessage } from "./encode.ts";
 * import { syncedReply } from "./replies.ts";
 * import { OscServer } from "./server.ts";
 *
 * const server = new OscServer({
 *   port: 0,
 *   handler: ({ message, reply }) => {
 *     if (message.address === "/sync") reply(syncedReply(message.args[0].value as number));
 *   },
 * });
 * const client = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
 * try {
 *   await client.send(encodeMessage("/sync", [42]), server.addr);
 *   const [bytes] = await client.receive();
 *   const reply = decodePacket(bytes);
 *   equal(reply.kind === "message" && reply.address, "/synced");
 * } finally {
 *   client.close();
 *   await server.close();
 * }
 * ```
 */
export class OscServer {
  readonly #conn: Deno.DatagramConn;
  readonly #addr: Deno.NetAddr;
  readonly #handler: OscHandler;
  readonly #onError: (error: unknown, context: string) => void;
  readonly #now: () => number;
  readonly #maxPacketBytes: number;
  readonly #maxBundleDepth: number;
  readonly #maxPendingReplies: number;
  readonly #queue: BoundedQueue<Queued>;
  readonly #stop = new AbortController();
  readonly #loops: Promise<void>[];
  readonly #signal: AbortSignal | undefined;
  #closing: Promise<void> | undefined;
  #pendingReplies = 0;
  #stats: OscServerStats = {
    received: 0,
    malformed: 0,
    dropped: 0,
    messages: 0,
    handlerErrors: 0,
    replies: 0,
    repliesDropped: 0,
    replyErrors: 0,
    receiveErrors: 0,
  };

  /**
   * Binds the socket and starts receiving.
   *
   * @param options Address, handler and limits.
   * @throws {Deno.errors.AddrInUse} If the port is taken.
   * @throws {RangeError} If a limit is not a positive integer.
   */
  constructor(options: OscServerOptions) {
    const positive = (value: number, what: string) => {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(
          `Expected ${what} to be a positive integer, found ${value}`,
        );
      }
      return value;
    };
    this.#handler = options.handler;
    this.#onError = options.onError ?? (() => {});
    this.#now = options.now ?? (() => performance.now());
    this.#maxPacketBytes = positive(
      options.maxPacketBytes ?? OSC_MAX_PACKET_BYTES,
      "maxPacketBytes",
    );
    this.#maxBundleDepth = positive(
      options.maxBundleDepth ?? OSC_MAX_BUNDLE_DEPTH,
      "maxBundleDepth",
    );
    this.#maxPendingReplies = positive(
      options.maxPendingReplies ?? 256,
      "maxPendingReplies",
    );
    this.#queue = new BoundedQueue<Queued>({
      capacity: positive(options.queueCapacity ?? 1024, "queueCapacity"),
      policy: "drop-newest",
    });
    const port = options.port ?? DEFAULT_PORT;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(
        `Expected a port from 0 to 65535, found ${port}`,
      );
    }
    this.#conn = Deno.listenDatagram({
      transport: "udp",
      hostname: options.hostname ?? "127.0.0.1",
      port,
    });
    this.#addr = this.#conn.addr as Deno.NetAddr;
    this.#signal = options.signal;
    this.#loops = [this.#receiveLoop(), this.#dispatchLoop()];
    if (this.#signal?.aborted) void this.close();
    else this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** The bound address (with the real port when `port` was 0). */
  get addr(): Deno.NetAddr {
    return this.#addr;
  }

  /** A snapshot of the counters. */
  get stats(): OscServerStats {
    return { ...this.#stats };
  }

  /** Packets waiting for the handler. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Whether {@link OscServer.close} has been called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Sends a packet to any address from the server's socket (notifications
   * such as `/n_go` to registered clients). Same limits as `reply`.
   *
   * @param packet The packet.
   * @param to The destination.
   * @returns `false` if the send was dropped.
   */
  send(packet: OscPacket, to: Deno.NetAddr): boolean {
    if (this.#closing !== undefined) {
      this.#stats.repliesDropped++;
      return false;
    }
    if (this.#pendingReplies >= this.#maxPendingReplies) {
      this.#stats.repliesDropped++;
      return false;
    }
    let bytes: Uint8Array;
    try {
      bytes = encodePacket(packet);
    } catch (error) {
      this.#stats.replyErrors++;
      this.#onError(error, "encode reply");
      return false;
    }
    this.#pendingReplies++;
    this.#conn.send(bytes, {
      transport: "udp",
      hostname: to.hostname,
      port: to.port,
    }).then(this.#sent, this.#sendFailed);
    return true;
  }

  /**
   * Stops receiving, closes the socket and resolves once both loops have
   * ended, or after 900 ms if the handler is still busy (its result is
   * then ignored). Idempotent.
   *
   * @returns A promise that resolves when the server has stopped.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#stop.abort();
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
    this.#queue.clear();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 900);
    });
    this.#closing = Promise.race([
      Promise.all(this.#loops).then(() => {}),
      deadline,
    ]).finally(() => clearTimeout(timer));
    return this.#closing;
  }

  readonly #onAbort = (): void => {
    void this.close();
  };

  readonly #sent = (): void => {
    this.#pendingReplies--;
    this.#stats.replies++;
  };

  readonly #sendFailed = (): void => {
    this.#pendingReplies--;
    this.#stats.replyErrors++;
  };

  async #receiveLoop(): Promise<void> {
    const buffer = new Uint8Array(RECEIVE_BUFFER_BYTES);
    let consecutiveErrors = 0;
    while (!this.#stop.signal.aborted) {
      let received: [Uint8Array, Deno.Addr];
      try {
        received = await this.#conn.receive(buffer);
      } catch (error) {
        if (this.#stop.signal.aborted) return;
        this.#stats.receiveErrors++;
        consecutiveErrors++;
        this.#onError(error, "receive");
        await pause(Math.min(1000, 10 * consecutiveErrors), this.#stop.signal);
        continue;
      }
      consecutiveErrors = 0;
      this.#stats.received++;
      const receivedAt = this.#now();
      let packet: OscPacket;
      try {
        packet = decodePacket(received[0], {
          maxBytes: this.#maxPacketBytes,
          maxDepth: this.#maxBundleDepth,
        });
      } catch {
        this.#stats.malformed++;
        continue;
      }
      const messages = flattenPacket(packet);
      if (messages.length === 0) continue;
      if (
        !this.#queue.push({
          messages,
          from: received[1] as Deno.NetAddr,
          receivedAt,
        })
      ) {
        this.#stats.dropped++;
      }
    }
  }

  async #dispatchLoop(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      let item: Queued;
      try {
        item = await this.#queue.take(signal);
      } catch {
        return; // aborted
      }
      const reply = (packet: OscPacket) => this.send(packet, item.from);
      for (const { message, timetag } of item.messages) {
        if (signal.aborted) return;
        this.#stats.messages++;
        try {
          const result = this.#handler({
            message,
            timetag,
            from: item.from,
            receivedAt: item.receivedAt,
            reply,
          });
          if (result instanceof Promise) await result;
        } catch (error) {
          this.#stats.handlerErrors++;
          this.#onError(error, `handle ${message.address}`);
        }
      }
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
