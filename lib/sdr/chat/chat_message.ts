/**
 * One `/chat` message in PhantomSDR+ v2's JSON dialect
 * (sdr-phantomsdr.md §2.8), as broadcast and as kept in
 * `chat_history.json`.
 *
 * @module
 */

/**
 * A chat message, keys as on the wire.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ChatMessage } from "./chat_message.ts";
 *
 * const message: ChatMessage = {
 *   id: "1700000000000_1", username: "M0ABC", message: "Good signal on 7.1",
 *   timestamp: "2023-11-14 22:13:20", user_id: "", type: "message",
 *   reply_to_id: "", reply_to_username: "",
 * };
 * equal(message.type, "message");
 * ```
 */
export interface ChatMessage {
  /** `"<ms>_<n>"`: the server's clock in ms and a counter. */
  id: string;
  /** The sender's name (cleaned). */
  username: string;
  /** The text (cleaned, masked). */
  message: string;
  /** `"YYYY-MM-DD HH:MM:SS"`, the server's local time. */
  timestamp: string;
  /** The sender's id as the client gave it, or "". */
  user_id: string;
  /** Always `"message"`. */
  type: "message";
  /** Id of the message replied to, or "". */
  reply_to_id: string;
  /** Name of the sender replied to, or "". */
  reply_to_username: string;
}

const STRING_KEYS = [
  "id",
  "username",
  "message",
  "timestamp",
  "user_id",
  "reply_to_id",
  "reply_to_username",
] as const;

/**
 * `"YYYY-MM-DD HH:MM:SS"` in the server's local time.
 *
 * @param ms Milliseconds since the epoch.
 * @returns The timestamp.
 *
 * @example
 * ```ts
 * import { match } from "node:assert/strict";
 * import { chatTimestamp } from "./chat_message.ts";
 *
 * match(chatTimestamp(Date.now()), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
 * ```
 */
export function chatTimestamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(d.getFullYear()).padStart(4, "0")}-${
    two(d.getMonth() + 1)
  }-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${
    two(d.getSeconds())
  }`;
}

/**
 * Checks a value read from `chat_history.json`: every key a string of at
 * most 1024 characters, `type` `"message"` (absent keys become "").
 *
 * @param value A parsed JSON value.
 * @returns The message, or undefined when it is not one.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { toChatMessage } from "./chat_message.ts";
 *
 * equal(toChatMessage({ id: "1_1", username: "A", message: "hi" })?.user_id, "");
 * equal(toChatMessage({ id: 1, username: "A", message: "hi" }), undefined);
 * ```
 */
export function toChatMessage(value: unknown): ChatMessage | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return undefined;
  }
  const object = value as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const key of STRING_KEYS) {
    const item = object[key] ?? "";
    if (typeof item !== "string" || item.length > 1024) return undefined;
    out[key] = item;
  }
  if (out.id === "" || out.message === "") return undefined;
  if (object.type !== undefined && object.type !== "message") return undefined;
  return {
    id: out.id,
    username: out.username,
    message: out.message,
    timestamp: out.timestamp,
    user_id: out.user_id,
    type: "message",
    reply_to_id: out.reply_to_id,
    reply_to_username: out.reply_to_username,
  };
}
