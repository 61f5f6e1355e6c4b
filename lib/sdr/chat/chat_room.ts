/**
 * The `/chat` socket of `shack sdr serve` in PhantomSDR+ v2's JSON dialect
 * (sdr-phantomsdr.md §2.8): a new socket gets `{"type":"history",
 * "messages":[…]}` when there is history; each `{"cmd":"chat",…}` becomes a
 * message (`id`, `username`, `message`, `timestamp`, `user_id`, `type`,
 * `reply_to_id`, `reply_to_username`) broadcast to every chat socket and
 * added to the history.
 *
 * Bounded: at most `maxSockets` sockets (a `WebSocketSet`), a token bucket
 * of messages per socket, commands of at most 1024 characters, frames for a
 * socket with more than `maxBufferedBytes` queued are dropped and counted.
 * Invalid, binary and rate-limited frames are ignored and counted.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/bounded_map.ts";
import { TokenBucket } from "../../core/bounded/token_bucket.ts";
import { WebSocketSet } from "../../core/http/websocket_set.ts";
import type { Logger } from "../../core/log.ts";
import { parseCommand } from "../wire/commands.ts";
import { ChatFilter } from "./chat_filter.ts";
import { ChatHistory } from "./chat_history.ts";
import { type ChatMessage, chatTimestamp } from "./chat_message.ts";

/**
 * Options of {@linkcode ChatRoom}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ChatRoomOptions } from "./chat_room.ts";
 *
 * const options: ChatRoomOptions = { maxSockets: 50, messagesPerMinute: 10 };
 * equal(options.burst, undefined);
 * ```
 */
export interface ChatRoomOptions {
  /** Kept messages (default: 20 in memory). */
  history?: ChatHistory;
  /** Words masked with `*` (default: the built-in short list). */
  maskedWords?: readonly string[];
  /** Reserved usernames (default: PhantomSDR+ v2's). */
  reservedNames?: readonly string[];
  /** Most chat sockets (default 200). */
  maxSockets?: number;
  /** Messages per minute per socket (default 12). */
  messagesPerMinute?: number;
  /** Messages a socket may send at once before the rate applies (default 4). */
  burst?: number;
  /** Skip a socket with more than this queued, bytes (default 65536). */
  maxBufferedBytes?: number;
  /** Wall clock, ms since the epoch (ids, timestamps, rates; default `Date.now`). */
  now?: () => number;
  /** Debug lines for rejected frames. */
  logger?: Logger;
}

/**
 * Counters of a {@linkcode ChatRoom}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ChatRoomStats } from "./chat_room.ts";
 *
 * const stats: ChatRoomStats = {
 *   sockets: 1, accepted: 1, refused: 0, messages: 2, rejected: { rate_limited: 1 }, dropped: 0,
 * };
 * equal(stats.rejected.rate_limited, 1);
 * ```
 */
export interface ChatRoomStats {
  /** Open chat sockets. */
  sockets: number;
  /** Sockets accepted since start. */
  accepted: number;
  /** Sockets refused because the room was full. */
  refused: number;
  /** Messages broadcast. */
  messages: number;
  /** Frames ignored, by reason (`binary`, `rate_limited`, `parseCommand` reasons, `empty`). */
  rejected: Record<string, number>;
  /** Frames not sent to a slow socket. */
  dropped: number;
}

interface Member {
  socket: WebSocket;
  ip: string;
  bucket: TokenBucket;
  standIn: string;
}

/**
 * The chat sockets and their history.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ChatRoom } from "./chat_room.ts";
 *
 * const room = new ChatRoom({ maxSockets: 1 });
 * equal(room.full, false);
 * equal(room.stats().sockets, 0);
 * await room.close();
 * ```
 */
export class ChatRoom {
  /** The kept messages. */
  readonly history: ChatHistory;
  #sockets: WebSocketSet;
  #members: BoundedMap<WebSocket, Member>;
  #filter: ChatFilter;
  #reservedNames: readonly string[] | undefined;
  #perMinute: number;
  #burst: number;
  #maxBuffered: number;
  #now: () => number;
  #log: Logger | undefined;
  #seq = 0;
  #messages = 0;
  #refused = 0;
  #dropped = 0;
  #rejected: Record<string, number> = {};
  #closing: Promise<void> | undefined;

  /**
   * Creates an empty room.
   *
   * @param options History, filters, bounds, clock.
   * @throws {RangeError} If a bound is not a positive number.
   */
  constructor(options: ChatRoomOptions = {}) {
    this.history = options.history ?? new ChatHistory();
    const maxSockets = positive("maxSockets", options.maxSockets ?? 200);
    this.#sockets = new WebSocketSet({ maxConnections: maxSockets });
    this.#members = new BoundedMap({ capacity: maxSockets, policy: "reject" });
    this.#reservedNames = options.reservedNames;
    this.#filter = new ChatFilter({
      ...(options.maskedWords ? { maskedWords: options.maskedWords } : {}),
      ...(options.reservedNames
        ? { reservedNames: options.reservedNames }
        : {}),
    });
    this.#perMinute = positive(
      "messagesPerMinute",
      options.messagesPerMinute ?? 12,
    );
    this.#burst = positive("burst", options.burst ?? 4);
    this.#maxBuffered = positive(
      "maxBufferedBytes",
      options.maxBufferedBytes ?? 65536,
    );
    this.#now = options.now ?? Date.now;
    this.#log = options.logger;
  }

  /** Whether another socket would be refused. */
  get full(): boolean {
    return this.#sockets.size >= this.#sockets.maxConnections;
  }

  /**
   * Replaces the masked words (SIGHUP); later messages use them.
   *
   * @param words The words.
   * @throws {RangeError} If there are too many.
   */
  setMaskedWords(words: readonly string[]): void {
    this.#filter = new ChatFilter({
      maskedWords: words,
      ...(this.#reservedNames ? { reservedNames: this.#reservedNames } : {}),
    });
  }

  /**
   * Takes an upgraded socket into the room (its history is sent once it is
   * open).
   *
   * @param socket The socket (connecting or open).
   * @param ip The client's address (for logs).
   * @returns False when the room is full or closing (the caller closes the
   * socket).
   */
  accept(socket: WebSocket, ip: string): boolean {
    if (this.#closing !== undefined || !this.#sockets.add(socket)) {
      this.#refused++;
      return false;
    }
    const member: Member = {
      socket,
      ip,
      bucket: new TokenBucket({
        capacity: this.#burst,
        refillPerSecond: this.#perMinute / 60,
        now: this.#now,
      }),
      standIn: `user${
        String(crypto.getRandomValues(new Uint32Array(1))[0] % 1_000_000)
          .padStart(6, "0")
      }`,
    };
    this.#members.set(socket, member); // room: the set above holds the bound
    const greet = () => {
      if (this.history.size === 0) return;
      this.#send(
        member,
        JSON.stringify({ type: "history", messages: this.history.messages() }),
      );
    };
    if (socket.readyState === WebSocket.OPEN) greet();
    else socket.addEventListener("open", greet, { once: true });
    socket.addEventListener(
      "message",
      (event) => this.#onMessage(member, event),
    );
    socket.addEventListener("close", () => this.#members.delete(socket), {
      once: true,
    });
    return true;
  }

  /**
   * Counters.
   *
   * @returns A snapshot.
   */
  stats(): ChatRoomStats {
    return {
      sockets: this.#sockets.size,
      accepted: this.#sockets.accepted,
      refused: this.#refused,
      messages: this.#messages,
      rejected: { ...this.#rejected },
      dropped: this.#dropped,
    };
  }

  /**
   * Closes every chat socket (1001) and waits for the history file.
   * Idempotent.
   *
   * @returns When done.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#sockets.closeAll(1001, "Server shutting down"),
        new Promise((resolve) => timer = setTimeout(resolve, 500)),
      ]);
      clearTimeout(timer);
      await this.history.flush();
    })();
    return this.#closing;
  }

  #reject(member: Member, reason: string, detail?: string): void {
    this.#rejected[reason] = (this.#rejected[reason] ?? 0) + 1;
    this.#log?.debug("chat frame ignored", { ip: member.ip, reason, detail });
  }

  #onMessage(member: Member, event: MessageEvent): void {
    if (this.#closing !== undefined) return;
    if (typeof event.data !== "string") {
      this.#reject(member, "binary");
      return;
    }
    const parsed = parseCommand(event.data, {
      socket: "chat",
      fftResultSize: 1,
      audioMaxFft: 1,
    });
    if (!parsed.ok) {
      this.#reject(member, parsed.reason, parsed.message);
      return;
    }
    const command = parsed.command;
    if (command.cmd !== "chat") {
      this.#reject(member, "wrong_socket");
      return;
    }
    if (!member.bucket.tryTake()) {
      this.#reject(member, "rate_limited");
      return;
    }
    const text = this.#filter.message(command.message);
    if (text.length === 0) {
      this.#reject(member, "empty");
      return;
    }
    const now = this.#now();
    const message: ChatMessage = {
      id: `${Math.floor(now)}_${++this.#seq}`,
      username: this.#filter.username(command.username, () => member.standIn),
      message: text,
      timestamp: chatTimestamp(now),
      user_id: command.userId ?? "",
      type: "message",
      reply_to_id: command.replyToId ?? "",
      reply_to_username: command.replyToUsername ?? "",
    };
    this.history.add(message);
    this.#messages++;
    const frame = JSON.stringify(message);
    for (const other of this.#members.values()) this.#send(other, frame);
  }

  #send(member: Member, frame: string): void {
    const socket = member.socket;
    if (
      socket.readyState !== WebSocket.OPEN ||
      socket.bufferedAmount > this.#maxBuffered
    ) {
      this.#dropped++;
      return;
    }
    try {
      socket.send(frame);
    } catch {
      this.#dropped++;
    }
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(Math.ceil(value)) || value <= 0) {
    throw new RangeError(
      `Expected ${name} to be a positive number, found ${value}`,
    );
  }
  return value;
}
