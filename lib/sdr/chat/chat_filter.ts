/**
 * What PhantomSDR+ v2's `/chat` does to a message before it is broadcast
 * (sdr-phantomsdr.md §2.8): the username trimmed to 14 characters, reserved
 * names (admin, operator, host, root, system, moderator) replaced by
 * `userNNNNNN`, the message trimmed to 200 characters, and a short list of
 * words masked with `*`. Pure: text in, text out.
 *
 * @module
 */

/**
 * The names PhantomSDR+ v2 does not let a listener use (any case).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { RESERVED_CHAT_NAMES } from "./chat_filter.ts";
 *
 * ok(RESERVED_CHAT_NAMES.includes("admin"));
 * ```
 */
export const RESERVED_CHAT_NAMES: readonly string[] = Object.freeze([
  "admin",
  "operator",
  "host",
  "root",
  "system",
  "moderator",
]);

/**
 * The words masked by default (a short list; `chat_masked_words` replaces
 * it).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { DEFAULT_CHAT_MASKED_WORDS } from "./chat_filter.ts";
 *
 * ok(DEFAULT_CHAT_MASKED_WORDS.length < 20);
 * ```
 */
export const DEFAULT_CHAT_MASKED_WORDS: readonly string[] = Object.freeze([
  "fuck",
  "fucking",
  "motherfucker",
  "shit",
  "cunt",
  "bitch",
  "asshole",
  "bastard",
  "wanker",
  "dickhead",
]);

/** Longest username, characters (PhantomSDR+ v2). */
export const MAX_CHAT_USERNAME = 14;
/** Longest message, characters (PhantomSDR+ v2). */
export const MAX_CHAT_MESSAGE = 200;
/** Most masked words. */
export const MAX_CHAT_MASKED_WORDS = 500;

/**
 * Options of {@linkcode ChatFilter}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ChatFilterOptions } from "./chat_filter.ts";
 *
 * const options: ChatFilterOptions = { maskedWords: ["qrm"] };
 * equal(options.reservedNames, undefined);
 * ```
 */
export interface ChatFilterOptions {
  /** Words to mask (default {@linkcode DEFAULT_CHAT_MASKED_WORDS}). */
  maskedWords?: readonly string[];
  /** Reserved usernames (default {@linkcode RESERVED_CHAT_NAMES}). */
  reservedNames?: readonly string[];
}

// Control characters (C0, DEL, C1) and bidirectional overrides.
// deno-lint-ignore no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function firstCodePoints(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max).join("");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Cleans chat usernames and messages.
 *
 * @example
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { ChatFilter } from "./chat_filter.ts";
 *
 * const filter = new ChatFilter({ maskedWords: ["darn"] });
 * equal(filter.message("  Darn QRM, darnit  "), "**** QRM, darnit");
 * equal(filter.username("  M0ABC  ", () => "user000001"), "M0ABC");
 * equal(filter.username("Admin", () => "user123456"), "user123456");
 * match(filter.username("a very long name indeed", () => "x"), /^a very long na$/);
 * ```
 */
export class ChatFilter {
  #reserved: Set<string>;
  #mask: RegExp | undefined;

  /**
   * Creates a filter.
   *
   * @param options Masked words and reserved names.
   * @throws {RangeError} If there are more than
   * {@linkcode MAX_CHAT_MASKED_WORDS} masked words.
   */
  constructor(options: ChatFilterOptions = {}) {
    const words = (options.maskedWords ?? DEFAULT_CHAT_MASKED_WORDS)
      .map((word) => word.trim())
      .filter((word) => word.length > 0);
    if (words.length > MAX_CHAT_MASKED_WORDS) {
      throw new RangeError(
        `Expected at most ${MAX_CHAT_MASKED_WORDS} masked words, found ${words.length}`,
      );
    }
    this.#reserved = new Set(
      (options.reservedNames ?? RESERVED_CHAT_NAMES).map((name) =>
        name.trim().toLowerCase()
      ),
    );
    if (words.length > 0) {
      // Longest first, so "motherfucker" is not masked as "mother" + "fucker".
      const alternatives = [...new Set(words)]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join("|");
      this.#mask = new RegExp(
        `(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`,
        "giu",
      );
    }
  }

  /**
   * Whether a name is reserved (any case, surrounding spaces ignored).
   *
   * @param name A username.
   * @returns True when reserved.
   */
  isReserved(name: string): boolean {
    return this.#reserved.has(name.trim().toLowerCase());
  }

  /**
   * The name to show: unprintable characters removed, trimmed, at most 14
   * characters; a reserved or empty name becomes `replacement()`.
   *
   * @param name The name the client sent.
   * @param replacement The stand-in name (PhantomSDR+: `userNNNNNN`).
   * @returns The name.
   */
  username(name: string, replacement: () => string): string {
    const clean = firstCodePoints(
      name.replace(UNPRINTABLE, "").trim(),
      MAX_CHAT_USERNAME,
    ).trim();
    if (clean.length === 0 || this.isReserved(clean)) return replacement();
    return clean;
  }

  /**
   * The message to broadcast: unprintable characters removed, trimmed, at
   * most 200 characters, masked words replaced by as many `*`.
   *
   * @param text The message the client sent.
   * @returns The message (empty when nothing printable was left).
   */
  message(text: string): string {
    const clean = firstCodePoints(
      text.replace(UNPRINTABLE, " ").trim(),
      MAX_CHAT_MESSAGE,
    );
    if (this.#mask === undefined) return clean;
    return clean.replace(
      this.#mask,
      (word) => "*".repeat(Array.from(word).length),
    );
  }
}
