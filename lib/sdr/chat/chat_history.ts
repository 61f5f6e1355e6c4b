/**
 * The last messages of `/chat` (PhantomSDR+ v2 keeps 20), sent to every
 * new chat socket and kept across restarts in `chat_history.json` (a JSON
 * array of messages), written atomically (a temporary file renamed over
 * the old one) after each new message, one write at a time.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/bounded_map.ts";
import { readFileSnapshot } from "../../core/file_snapshot.ts";
import { type ChatMessage, toChatMessage } from "./chat_message.ts";

/** Largest `chat_history.json` read, bytes. */
const MAX_FILE_BYTES = 1 << 20;

/**
 * Options of {@linkcode ChatHistory}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ChatHistoryOptions } from "./chat_history.ts";
 *
 * const options: ChatHistoryOptions = { file: "/var/lib/shack/chat_history.json" };
 * equal(options.capacity, undefined);
 * ```
 */
export interface ChatHistoryOptions {
  /** Where the messages are kept; absent = memory only. */
  file?: string;
  /** Messages kept (default 20). */
  capacity?: number;
  /** Told about an unreadable file or a failed write. */
  onWarning?: (message: string) => void;
}

/**
 * The last `capacity` chat messages, optionally persisted.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { ChatHistory } from "./chat_history.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const file = `${dir}/chat_history.json`;
 *   const history = await ChatHistory.load({ file, capacity: 2 });
 *   for (const n of [1, 2, 3]) {
 *     history.add({
 *       id: `0_${n}`, username: "A", message: `m${n}`, timestamp: "", user_id: "",
 *       type: "message", reply_to_id: "", reply_to_username: "",
 *     });
 *   }
 *   await history.flush();
 *   const again = await ChatHistory.load({ file, capacity: 2 });
 *   deepEqual(again.messages().map((m) => m.message), ["m2", "m3"]);
 *   equal(again.size, 2);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export class ChatHistory {
  /** The file, if persisted. */
  readonly file: string | undefined;
  /** Messages kept. */
  readonly capacity: number;
  #messages: BoundedMap<string, ChatMessage>;
  #onWarning: ((message: string) => void) | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #writes = 0;
  #writeErrors = 0;

  /**
   * An empty history (use {@linkcode ChatHistory.load} to read the file).
   *
   * @param options File, capacity, warnings.
   * @throws {RangeError} If `capacity` is not an integer from 1 to 1000.
   */
  constructor(options: ChatHistoryOptions = {}) {
    const capacity = options.capacity ?? 20;
    if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > 1000) {
      throw new RangeError(
        `Expected a chat history capacity from 1 to 1000, found ${capacity}`,
      );
    }
    this.capacity = capacity;
    this.file = options.file;
    this.#onWarning = options.onWarning;
    this.#messages = new BoundedMap({ capacity });
  }

  /**
   * A history with the messages of `options.file` (a missing file is an
   * empty history; an unreadable or malformed one is a warning and an empty
   * history; malformed entries are skipped).
   *
   * @param options File, capacity, warnings.
   * @returns The history.
   */
  static async load(options: ChatHistoryOptions = {}): Promise<ChatHistory> {
    const history = new ChatHistory(options);
    if (options.file === undefined) return history;
    const snapshot = await readFileSnapshot(options.file, MAX_FILE_BYTES);
    if (snapshot.status === "missing") return history;
    if (snapshot.status === "error") {
      history.#warn(`cannot read ${options.file}: ${snapshot.reason}`);
      return history;
    }
    let value: unknown;
    try {
      value = JSON.parse(snapshot.text);
    } catch {
      history.#warn(`${options.file}: not JSON, starting an empty history`);
      return history;
    }
    const list = Array.isArray(value)
      ? value
      : (value as { messages?: unknown })?.messages;
    if (!Array.isArray(list)) {
      history.#warn(
        `${options.file}: expected a JSON array of messages, starting an empty history`,
      );
      return history;
    }
    let skipped = 0;
    for (const item of list.slice(-history.capacity)) {
      const message = toChatMessage(item);
      if (message === undefined) skipped++;
      else history.#messages.set(message.id, message);
    }
    if (skipped > 0) {
      history.#warn(`${options.file}: ${skipped} malformed message(s) skipped`);
    }
    return history;
  }

  /** Messages kept now. */
  get size(): number {
    return this.#messages.size;
  }

  /** Completed and failed writes of the file. */
  get stats(): { writes: number; writeErrors: number } {
    return { writes: this.#writes, writeErrors: this.#writeErrors };
  }

  /**
   * The messages, oldest first.
   *
   * @returns A new array.
   */
  messages(): ChatMessage[] {
    return [...this.#messages.values()];
  }

  /**
   * Adds a message (the oldest goes when full) and schedules a write.
   *
   * @param message The message.
   */
  add(message: ChatMessage): void {
    this.#messages.set(message.id, message);
    if (this.file === undefined) return;
    this.#dirty = true;
    this.#writing ??= this.#writeLoop();
  }

  /**
   * Waits until the file holds every message added so far (or the last
   * write failed).
   */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
  }

  async #writeLoop(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        await this.#write();
      }
    } finally {
      this.#writing = undefined;
    }
  }

  async #write(): Promise<void> {
    const file = this.file!;
    const temporary = `${file}.${Deno.pid}.tmp`;
    try {
      await Deno.writeTextFile(
        temporary,
        JSON.stringify(this.messages(), null, 1) + "\n",
      );
      await Deno.rename(temporary, file);
      this.#writes++;
    } catch (error) {
      this.#writeErrors++;
      this.#warn(
        `cannot write ${file}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
      await Deno.remove(temporary).catch(() => {});
    }
  }

  #warn(message: string): void {
    this.#onWarning?.(message);
  }
}
