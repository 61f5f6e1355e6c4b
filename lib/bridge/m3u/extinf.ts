/**
 * The tokenizer of an M3U `#EXTINF` line (duration, `key="value"`
 * attributes, display name) and of the attributes of an `#EXTM3U` header.
 *
 * Real playlists are sloppy, so the rules are tolerant and never throw:
 *
 * - keys are case-insensitive (stored lower-cased), the first of duplicates
 *   wins;
 * - values may be double-quoted, single-quoted or unquoted; a quoted value
 *   may contain commas and `\"`-escaped quotes; a quote that is not followed
 *   by a space, a comma, the end of the line or another `key=` is part of the
 *   value;
 * - a missing closing quote is tolerated: the value ends before the next
 *   ` key=` (or at the last comma of the line);
 * - the display name is the text after the first comma that is neither
 *   inside a quoted value nor inside an attribute (so a name may contain
 *   commas); without such a comma the loose words of the line are the name.
 *
 * @module
 */

/**
 * What {@link parseExtinf} finds on one `#EXTINF` line.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ExtinfLine } from "./extinf.ts";
 *
 * const line: ExtinfLine = { duration: -1, attributes: { "tvg-id": "a" }, name: "A" };
 * equal(line.attributes["tvg-id"], "a");
 * ```
 */
export interface ExtinfLine {
  /** The duration in seconds; `-1` (live) when missing or not a number. */
  duration: number;
  /** Attributes by lower-cased key (`tvg-id`, `group-title`, ...). */
  attributes: Record<string, string>;
  /** The display name (trimmed), `""` when there is none. */
  name: string;
}

/**
 * Options of {@link parseExtinf} and {@link parseM3uAttributes}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseExtinf, type ParseExtinfOptions } from "./extinf.ts";
 *
 * const options: ParseExtinfOptions = { maxAttributes: 1 };
 * equal(Object.keys(parseExtinf('#EXTINF:-1 a="1" b="2",N', options).attributes).length, 1);
 * ```
 */
export interface ParseExtinfOptions {
  /** Attributes kept per line; the rest are ignored. Default 64. */
  maxAttributes?: number;
}

const DEFAULT_MAX_ATTRIBUTES = 64;
const DURATION = /^[+-]?\d+(?:\.\d+)?/;
const KEY_AHEAD = /^[A-Za-z][A-Za-z0-9_.:-]*\s*=/;
const MISSING_CLOSE = /\s[A-Za-z][A-Za-z0-9_.:-]*\s*=\s*["']/;
const PREFIX = /^#EXTINF\s*:?/i;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 11 || code === 12 ||
    code === 0xa0 || code === 0xfeff;
}

function isKeyEnd(code: number): boolean {
  // whitespace, '=', ',', '"', "'"
  return isSpace(code) || code === 61 || code === 44 || code === 34 ||
    code === 39;
}

/**
 * Where a quoted value that starts after `open` (the index of its quote)
 * ends: `[value, indexAfter]`.
 */
function readQuoted(s: string, open: number): [string, number] {
  const quote = s[open];
  let value = "";
  let i = open + 1;
  let closedAt = -1;
  while (i < s.length) {
    const ch = s[i];
    if (ch === "\\" && s[i + 1] === quote) {
      value += quote;
      i += 2;
      continue;
    }
    if (ch === quote) {
      const next = s.charCodeAt(i + 1);
      if (
        i + 1 >= s.length || isSpace(next) || next === 44 ||
        KEY_AHEAD.test(s.slice(i + 1, i + 65))
      ) {
        closedAt = i;
        break;
      }
    }
    value += ch;
    i++;
  }
  // A missing closing quote swallowed the next attribute: cut before it.
  const end = closedAt >= 0 ? closedAt : s.length;
  if (MISSING_CLOSE.test(value)) {
    const scan = new RegExp(MISSING_CLOSE.source, "g");
    scan.lastIndex = open + 1;
    const found = scan.exec(s);
    if (found && found.index < end) {
      return [s.slice(open + 1, found.index), found.index];
    }
  }
  if (closedAt >= 0) return [value, closedAt + 1];
  // No closing quote: the value ends at the last comma (the name follows).
  const comma = s.lastIndexOf(",");
  if (comma > open) return [s.slice(open + 1, comma).trimEnd(), comma];
  return [value.trimEnd(), s.length];
}

function tokenize(
  s: string,
  start: number,
  withDuration: boolean,
  maxAttributes: number,
): ExtinfLine {
  const attributes: Record<string, string> = {};
  let count = 0;
  const loose: string[] = [];
  let duration = -1;
  let i = start;
  const n = s.length;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  if (withDuration) {
    const match = DURATION.exec(s.slice(i, i + 32));
    if (match) {
      duration = Number(match[0]);
      i += match[0].length;
    }
  }
  let name: string | undefined;
  while (i < n) {
    const code = s.charCodeAt(i);
    if (isSpace(code)) {
      i++;
      continue;
    }
    if (code === 44) { // ','
      name = s.slice(i + 1);
      break;
    }
    if (code === 34 || code === 39 || code === 61) { // stray quote or '='
      i++;
      continue;
    }
    let j = i;
    while (j < n && !isKeyEnd(s.charCodeAt(j))) j++;
    const key = s.slice(i, j);
    let k = j;
    while (k < n && isSpace(s.charCodeAt(k))) k++;
    if (s.charCodeAt(k) !== 61) { // not followed by '=': a loose word
      loose.push(key);
      i = j;
      continue;
    }
    k++;
    while (k < n && isSpace(s.charCodeAt(k))) k++;
    let value: string;
    const q = s.charCodeAt(k);
    if (q === 34 || q === 39) {
      [value, i] = readQuoted(s, k);
    } else {
      let e = k;
      while (e < n && !isSpace(s.charCodeAt(e)) && s.charCodeAt(e) !== 44) e++;
      value = s.slice(k, e);
      i = e;
    }
    const lower = key.toLowerCase();
    if (
      lower !== "__proto__" && count < maxAttributes &&
      !Object.hasOwn(attributes, lower)
    ) {
      attributes[lower] = value;
      count++;
    }
  }
  return {
    duration: Number.isFinite(duration) ? duration : -1,
    attributes,
    name: (name ?? loose.join(" ")).trim(),
  };
}

/**
 * Tokenizes one `#EXTINF` line (with or without its `#EXTINF:` prefix).
 * Never throws.
 *
 * @example A comma inside a quoted value
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseExtinf } from "./extinf.ts";
 *
 * deepEqual(
 *   parseExtinf('#EXTINF:-1 TVG-ID="cnn.us" group-title="News, US",CNN'),
 *   {
 *     duration: -1,
 *     attributes: { "tvg-id": "cnn.us", "group-title": "News, US" },
 *     name: "CNN",
 *   },
 * );
 * ```
 *
 * @param line The line.
 * @param options Bounds.
 * @returns The duration, attributes and display name.
 */
export function parseExtinf(
  line: string,
  options: ParseExtinfOptions = {},
): ExtinfLine {
  const prefix = PREFIX.exec(line);
  return tokenize(
    line,
    prefix ? prefix[0].length : 0,
    true,
    options.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES,
  );
}

/**
 * Tokenizes `key="value"` attributes, e.g. those of an `#EXTM3U` header
 * line (`url-tvg`, `x-tvg-url`). Text after an unquoted comma is ignored.
 * Never throws.
 *
 * @example The guide URL of a playlist header
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseM3uAttributes } from "./extinf.ts";
 *
 * const attrs = parseM3uAttributes('url-tvg="http://epg.example/guide.xml.gz"');
 * equal(attrs["url-tvg"], "http://epg.example/guide.xml.gz");
 * ```
 *
 * @param text The attribute text.
 * @param options Bounds.
 * @returns The attributes by lower-cased key.
 */
export function parseM3uAttributes(
  text: string,
  options: ParseExtinfOptions = {},
): Record<string, string> {
  return tokenize(
    text,
    0,
    false,
    options.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES,
  ).attributes;
}
