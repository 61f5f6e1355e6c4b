/**
 * lib/sdr/chat: the `/chat` socket of `shack sdr serve` in PhantomSDR+ v2's
 * JSON dialect (sdr-phantomsdr.md §2.8): message cleaning (`chat_filter`),
 * the message shape (`chat_message`), the last 20 messages kept in
 * `chat_history.json` (`chat_history`) and the bounded, rate-limited room
 * (`chat_room`).
 *
 * @example Cleaning a message
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ChatFilter } from "./mod.ts";
 *
 * equal(new ChatFilter({ maskedWords: ["qrm"] }).message("no QRM here"), "no *** here");
 * ```
 *
 * @module
 */

export * from "./chat_filter.ts";
export * from "./chat_message.ts";
export * from "./chat_history.ts";
export * from "./chat_room.ts";
