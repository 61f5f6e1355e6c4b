// @ts-check
/**
 * Frequency labels: the listener's own bookmarks (kept in `localStorage`,
 * exported and imported as JSON files) and the server's markers
 * (PhantomSDR+'s `markers.json`, sent as a JSON string in the settings'
 * `markers` field; sdr-phantomsdr.md §2.3). Both are checked the same way
 * and bounded: names are cut at {@link MAX_NAME_LENGTH} characters, lists
 * at {@link MAX_BOOKMARKS} entries, entries without a finite non-negative
 * frequency are skipped.
 *
 * The export format is PhantomSDR+'s marker format,
 * `{"markers":[{"frequency":Hz,"name":"…","mode":"USB"},…]}`, so a
 * bookmark file can serve as a server's `markers.json` and the other way
 * round; a bare array of the same objects is read too.
 *
 * @module
 */

import { modeInfo } from "./modes.js";

/**
 * Most bookmarks kept (and most server markers shown).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_BOOKMARKS } from "./bookmarks.js";
 *
 * equal(MAX_BOOKMARKS, 10000);
 * ```
 */
export const MAX_BOOKMARKS = 10000;

/**
 * Longest name kept, characters.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_NAME_LENGTH } from "./bookmarks.js";
 *
 * equal(MAX_NAME_LENGTH, 128);
 * ```
 */
export const MAX_NAME_LENGTH = 128;

/**
 * A bookmark or marker.
 *
 * @typedef {object} Bookmark
 * @property {number} frequency Hz.
 * @property {string} name Label.
 * @property {string} mode Mode name of the client (`USB`, `CW`, …).
 */

/**
 * @param {unknown} entry An entry of an imported list.
 * @returns {Bookmark | undefined} The checked bookmark.
 */
function checkEntry(entry) {
  if (entry === null || typeof entry !== "object") return undefined;
  const record = /** @type {Record<string, unknown>} */ (entry);
  const frequency = typeof record.frequency === "string"
    ? Number(record.frequency)
    : record.frequency;
  if (
    typeof frequency !== "number" || !Number.isFinite(frequency) ||
    frequency < 0 || frequency >= 1e12
  ) return undefined;
  const name = typeof record.name === "string"
    ? record.name.slice(0, MAX_NAME_LENGTH)
    : "";
  const mode = modeInfo(record.mode)?.name ?? "USB";
  return { frequency: Math.round(frequency), name, mode };
}

/**
 * Reads a bookmark file or the server's `markers` string.
 *
 * @param {string} text JSON: `{"markers":[…]}` or `[…]`.
 * @returns {{ bookmarks: Bookmark[], skipped: number }} The good entries
 * (at most {@link MAX_BOOKMARKS}) and how many were left out.
 * @throws {SyntaxError} If the text is not JSON.
 * @throws {TypeError} If it holds no list of markers.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, throws } from "node:assert/strict";
 * import { parseBookmarks } from "./bookmarks.js";
 *
 * deepEqual(
 *   parseBookmarks('{"markers":[{"frequency":7074000,"name":"FT8","mode":"usb"},{"name":"no frequency"}]}'),
 *   { bookmarks: [{ frequency: 7074000, name: "FT8", mode: "USB" }], skipped: 1 },
 * );
 * throws(() => parseBookmarks('{"other":1}'), TypeError);
 * ```
 */
export function parseBookmarks(text) {
  const value = JSON.parse(text);
  const list = Array.isArray(value)
    ? value
    : value !== null && typeof value === "object" &&
        Array.isArray(value.markers)
    ? value.markers
    : undefined;
  if (list === undefined) {
    throw new TypeError(
      "Expected a JSON list of markers or an object with a markers list, found neither",
    );
  }
  /** @type {Bookmark[]} */
  const bookmarks = [];
  let skipped = 0;
  for (const entry of list) {
    const bookmark = bookmarks.length < MAX_BOOKMARKS
      ? checkEntry(entry)
      : undefined;
    if (bookmark === undefined) skipped++;
    else bookmarks.push(bookmark);
  }
  return { bookmarks, skipped };
}

/**
 * Writes bookmarks in PhantomSDR+'s marker format (pretty-printed).
 *
 * @param {ReadonlyArray<Bookmark>} bookmarks The bookmarks.
 * @returns {string} The JSON text.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseBookmarks, serializeBookmarks } from "./bookmarks.js";
 *
 * const list = [{ frequency: 7_100_000, name: "Net", mode: "LSB" }];
 * deepEqual(parseBookmarks(serializeBookmarks(list)).bookmarks, list);
 * ```
 */
export function serializeBookmarks(bookmarks) {
  return JSON.stringify(
    {
      markers: bookmarks.map(({ frequency, name, mode }) => ({
        frequency,
        name,
        mode,
      })),
    },
    null,
    2,
  );
}

/**
 * Adds or replaces a bookmark (same frequency and mode replaces), keeping
 * the list sorted by frequency and bounded (the oldest beyond the bound is
 * refused, not evicted).
 *
 * @param {ReadonlyArray<Bookmark>} bookmarks The list.
 * @param {Bookmark} bookmark The new bookmark.
 * @returns {Bookmark[] | undefined} The new list, or undefined if it is
 * full or the bookmark is invalid.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { addBookmark } from "./bookmarks.js";
 *
 * let list = addBookmark([], { frequency: 7_200_000, name: "B", mode: "AM" }) ?? [];
 * list = addBookmark(list, { frequency: 7_100_000, name: "A", mode: "LSB" }) ?? [];
 * list = addBookmark(list, { frequency: 7_200_000, name: "B2", mode: "AM" }) ?? [];
 * deepEqual(list.map((b) => b.name), ["A", "B2"]);
 * ```
 */
export function addBookmark(bookmarks, bookmark) {
  const checked = checkEntry(bookmark);
  if (checked === undefined) return undefined;
  const rest = bookmarks.filter((b) =>
    b.frequency !== checked.frequency || b.mode !== checked.mode
  );
  if (rest.length >= MAX_BOOKMARKS) return undefined;
  rest.push(checked);
  rest.sort((a, b) => a.frequency - b.frequency);
  return rest;
}

/**
 * Merges imported bookmarks into a list (imported ones replace same
 * frequency and mode), bounded.
 *
 * @param {ReadonlyArray<Bookmark>} bookmarks The list.
 * @param {ReadonlyArray<Bookmark>} imported New bookmarks.
 * @returns {{ bookmarks: Bookmark[], added: number, refused: number }} The
 * merged list, how many were added or replaced, how many did not fit.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { mergeBookmarks } from "./bookmarks.js";
 *
 * const merged = mergeBookmarks(
 *   [{ frequency: 1, name: "a", mode: "AM" }],
 *   [{ frequency: 1, name: "b", mode: "AM" }, { frequency: 2, name: "c", mode: "AM" }],
 * );
 * equal(merged.bookmarks.length, 2);
 * equal(merged.bookmarks[0].name, "b");
 * ```
 */
export function mergeBookmarks(bookmarks, imported) {
  /** @type {Map<string, Bookmark>} */
  const byKey = new Map();
  for (const b of bookmarks) byKey.set(`${b.frequency}|${b.mode}`, b);
  let added = 0;
  let refused = 0;
  for (const bookmark of imported) {
    const checked = checkEntry(bookmark);
    if (checked === undefined) {
      refused++;
      continue;
    }
    const key = `${checked.frequency}|${checked.mode}`;
    if (!byKey.has(key) && byKey.size >= MAX_BOOKMARKS) {
      refused++;
      continue;
    }
    byKey.set(key, checked);
    added++;
  }
  const list = [...byKey.values()].sort((a, b) => a.frequency - b.frequency);
  return { bookmarks: list, added, refused };
}

/**
 * Removes the bookmarks at a frequency and mode.
 *
 * @param {ReadonlyArray<Bookmark>} bookmarks The list.
 * @param {number} frequency Hz.
 * @param {string} mode Mode name.
 * @returns {Bookmark[]} The new list.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { removeBookmark } from "./bookmarks.js";
 *
 * equal(removeBookmark([{ frequency: 1, name: "a", mode: "AM" }], 1, "AM").length, 0);
 * ```
 */
export function removeBookmark(bookmarks, frequency, mode) {
  return bookmarks.filter((b) => b.frequency !== frequency || b.mode !== mode);
}
