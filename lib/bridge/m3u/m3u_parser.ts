/**
 * The M3U playlist parser: an incremental {@link M3uParser} fed line by
 * line (so the streaming reader never holds the playlist twice) and
 * {@link parseM3u} for a playlist already in memory.
 *
 * Tolerated: a byte-order mark, CRLF or CR line endings, blank lines and
 * comments, a missing `#EXTM3U` header, URLs without `#EXTINF`, options
 * (`#EXTVLCOPT`, `#KODIPROP`, `#EXTGRP`) before or after `#EXTINF`. Bounded:
 * at most `maxEntries` entries and `maxLineLength` characters per line
 * (an overlong entry is dropped and counted), at most `maxWarnings`
 * warnings. Never throws on input.
 *
 * @module
 */

import { parseExtinf, parseM3uAttributes } from "./extinf.ts";
import type { ExtinfLine } from "./extinf.ts";
import { LineSplitter } from "./line_splitter.ts";
import type { M3uEntry, M3uParseResult, M3uParseStats } from "./m3u_entry.ts";

/**
 * Options of {@link M3uParser} and {@link parseM3u}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { M3uParseOptions } from "./m3u_parser.ts";
 *
 * const options: M3uParseOptions = {
 *   sourceId: "uk",
 *   maxEntries: 5000,
 *   filter: (entry) => entry.group !== "Adult",
 * };
 * equal(options.maxEntries, 5000);
 * ```
 */
export interface M3uParseOptions {
  /** The id of the playlist, copied into every entry. */
  sourceId: string;
  /** Entries kept at most; later ones are dropped and counted. Default 100 000. */
  maxEntries?: number;
  /** The longest line accepted, in characters. Default 16 384. */
  maxLineLength?: number;
  /** Warnings kept at most. Default 100. */
  maxWarnings?: number;
  /**
   * Called for each complete entry; entries for which it returns false are
   * not kept (counted as `filtered`, and not against `maxEntries`), so a
   * huge playlist filtered down to a few channels stays small in memory.
   */
  filter?: (entry: M3uEntry) => boolean;
}

const VLC_HEADERS: Record<string, string> = {
  "http-user-agent": "User-Agent",
  "http-referrer": "Referer",
  "http-referer": "Referer",
  "http-origin": "Origin",
};
const KODI_HEADER_PROPS = [
  "inputstream.adaptive.common_headers",
  "inputstream.adaptive.manifest_headers",
  "inputstream.adaptive.stream_headers",
];
const MAX_OPTIONS = 32;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Parses `Key=value&Key2=value2` (values URL-encoded) into `headers`,
 * skipping names that are not tokens and values with control characters.
 */
function addEncodedHeaders(text: string, headers: Record<string, string>) {
  for (const pair of text.split("&")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value.replaceAll("+", " "));
    } catch {
      // keep the raw value
    }
    addHeader(headers, canonicalHeader(name), value);
  }
}

function canonicalHeader(name: string): string {
  const lower = name.toLowerCase();
  if (lower === "user-agent") return "User-Agent";
  if (lower === "referer" || lower === "referrer") return "Referer";
  if (lower === "origin") return "Origin";
  if (lower === "cookie") return "Cookie";
  return name;
}

function addHeader(
  headers: Record<string, string>,
  name: string,
  value: string,
): void {
  if (!HEADER_NAME.test(name) || CONTROL.test(value) || value.length === 0) {
    return;
  }
  if (Object.keys(headers).length >= MAX_OPTIONS && !(name in headers)) return;
  headers[name] = value;
}

/** Parses `key=value` after `#EXTVLCOPT:` / `#KODIPROP:`. */
function addOption(
  text: string,
  into: Record<string, string>,
): void {
  const eq = text.indexOf("=");
  if (eq <= 0) return;
  const key = text.slice(0, eq).trim().toLowerCase();
  if (key === "__proto__" || key.length === 0) return;
  if (Object.keys(into).length >= MAX_OPTIONS && !Object.hasOwn(into, key)) {
    return;
  }
  into[key] = text.slice(eq + 1).trim();
}

/**
 * An incremental M3U parser: feed it lines with {@link M3uParser.line},
 * then call {@link M3uParser.finish}.
 *
 * @example Line by line
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { M3uParser } from "./m3u_parser.ts";
 *
 * const parser = new M3uParser({ sourceId: "iptv" });
 * parser.line("#EXTM3U");
 * parser.line('#EXTINF:-1 tvg-chno="7",Seven');
 * parser.line("#EXTVLCOPT:http-user-agent=VLC/3.0");
 * parser.line("http://upstream.example/7.ts");
 * const [entry] = parser.finish().entries;
 * equal(entry.tvgChno, "7");
 * equal(entry.headers["User-Agent"], "VLC/3.0");
 * ```
 */
export class M3uParser {
  readonly #sourceId: string;
  readonly #maxEntries: number;
  readonly #maxLineLength: number;
  readonly #maxWarnings: number;
  readonly #filter?: (entry: M3uEntry) => boolean;
  readonly #entries: M3uEntry[] = [];
  readonly #warnings: string[] = [];
  readonly #stats: M3uParseStats = {
    lines: 0,
    entries: 0,
    filtered: 0,
    droppedOverlong: 0,
    droppedOverLimit: 0,
    droppedNoUrl: 0,
    warningsDropped: 0,
  };
  #header: Record<string, string> | undefined;
  #pending: { line: number; ext: ExtinfLine } | undefined;
  #skipNextUrl = false;
  #vlc: Record<string, string> = {};
  #kodi: Record<string, string> = {};
  #extgrp: string | undefined;
  #finished = false;

  /**
   * Creates a parser.
   *
   * @param options The source id and bounds.
   * @throws {RangeError} If a bound is not a positive integer.
   */
  constructor(options: M3uParseOptions) {
    this.#sourceId = options.sourceId;
    this.#maxEntries = positive("maxEntries", options.maxEntries ?? 100_000);
    this.#maxLineLength = positive(
      "maxLineLength",
      options.maxLineLength ?? 16_384,
    );
    this.#maxWarnings = nonNegative("maxWarnings", options.maxWarnings ?? 100);
    this.#filter = options.filter;
  }

  /** The longest line accepted (to configure a {@link LineSplitter}). */
  get maxLineLength(): number {
    return this.#maxLineLength;
  }

  /** Entries kept so far. */
  get entryCount(): number {
    return this.#entries.length;
  }

  /**
   * Feeds one line, without its line ending.
   *
   * @param text The line (or, if `overlong`, its beginning).
   * @param overlong True when the line was longer than the limit and cut.
   */
  line(text: string, overlong = false): void {
    const number = ++this.#stats.lines;
    if (number === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!overlong && text.length > this.#maxLineLength) {
      overlong = true;
      text = text.slice(0, 80);
    }
    const trimmed = text.trim();
    if (overlong) {
      this.#overlong(number, trimmed);
      return;
    }
    if (trimmed.length === 0) return;
    if (trimmed.charCodeAt(0) === 35) { // '#'
      this.#directive(number, trimmed);
      return;
    }
    this.#url(number, trimmed);
  }

  /**
   * Ends the input and returns the result. Further calls return the same
   * entries.
   *
   * @returns Entries, header attributes, counters and warnings.
   */
  finish(): M3uParseResult {
    if (!this.#finished) {
      this.#finished = true;
      if (this.#pending) {
        this.#stats.droppedNoUrl++;
        this.#warn(this.#pending.line, "#EXTINF without a URL was dropped");
        this.#pending = undefined;
      }
    }
    return {
      entries: this.#entries,
      header: this.#header ?? {},
      stats: { ...this.#stats, entries: this.#entries.length },
      warnings: this.#warnings,
    };
  }

  #warn(line: number, message: string): void {
    if (this.#warnings.length < this.#maxWarnings) {
      this.#warnings.push(`line ${line}: ${message}`);
    } else {
      this.#stats.warningsDropped++;
    }
  }

  #overlong(number: number, head: string): void {
    const upper = head.slice(0, 16).toUpperCase();
    const shown = JSON.stringify(head.slice(0, 40));
    if (upper.startsWith("#EXTINF")) {
      if (this.#pending) this.#noUrl();
      this.#stats.droppedOverlong++;
      this.#skipNextUrl = true;
      this.#warn(
        number,
        `expected an #EXTINF line of at most ${this.#maxLineLength} characters, found a longer one (${shown}); its entry was dropped`,
      );
    } else if (upper.startsWith("#")) {
      this.#warn(
        number,
        `expected a directive of at most ${this.#maxLineLength} characters, found a longer one (${shown}); it was ignored`,
      );
    } else {
      if (!this.#skipNextUrl) this.#stats.droppedOverlong++;
      this.#pending = undefined;
      this.#skipNextUrl = false;
      this.#resetOptions();
      this.#warn(
        number,
        `expected a URL of at most ${this.#maxLineLength} characters, found a longer one (${shown}); its entry was dropped`,
      );
    }
  }

  #noUrl(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#stats.droppedNoUrl++;
    this.#warn(pending.line, "#EXTINF without a URL was dropped");
    this.#pending = undefined;
  }

  #directive(number: number, text: string): void {
    const head = text.slice(0, 12).toUpperCase();
    if (head.startsWith("#EXTINF")) {
      // "#EXTINF:-1 ...", also the sloppy "#EXTINF -1 ..." and "#EXTINF-1,...".
      const next = head.charCodeAt(7);
      if (
        !(next === 58 || next === 32 || next === 45 || Number.isNaN(next))
      ) {
        return; // e.g. "#EXTINFO": an unknown tag
      }
      if (this.#pending) this.#noUrl();
      this.#skipNextUrl = false;
      this.#pending = { line: number, ext: parseExtinf(text) };
    } else if (head.startsWith("#EXTM3U")) {
      this.#header ??= parseM3uAttributes(text.slice(7));
    } else if (head.startsWith("#EXTVLCOPT:")) {
      addOption(text.slice(11), this.#vlc);
    } else if (head.startsWith("#EXTVLCOPT--")) {
      addOption(text.slice(12), this.#vlc);
    } else if (head.startsWith("#KODIPROP:")) {
      addOption(text.slice(10), this.#kodi);
    } else if (head.startsWith("#EXTGRP:")) {
      const group = text.slice(8).trim();
      if (group.length > 0) this.#extgrp = group;
    }
    // Any other line starting with '#' is a comment or an unknown tag.
  }

  #resetOptions(): void {
    this.#vlc = {};
    this.#kodi = {};
    this.#extgrp = undefined;
  }

  #url(number: number, text: string): void {
    if (this.#skipNextUrl) {
      this.#skipNextUrl = false;
      this.#resetOptions();
      return;
    }
    let url = text;
    let pipeHeaders: string | undefined;
    const pipe = text.indexOf("|");
    if (pipe >= 0 && text.indexOf("=", pipe) > pipe) {
      url = text.slice(0, pipe).trim();
      pipeHeaders = text.slice(pipe + 1);
    }
    const pending = this.#pending;
    this.#pending = undefined;
    const vlcOptions = this.#vlc;
    const kodiProps = this.#kodi;
    const extgrp = this.#extgrp;
    this.#resetOptions();
    if (url.length === 0) {
      this.#warn(number, "expected a URL, found an empty one");
      if (pending) this.#stats.droppedNoUrl++;
      return;
    }
    const attributes = pending?.ext.attributes ?? {};
    const headers: Record<string, string> = {};
    for (const prop of KODI_HEADER_PROPS) {
      const value = kodiProps[prop];
      if (value !== undefined) addEncodedHeaders(value, headers);
    }
    for (const [key, name] of Object.entries(VLC_HEADERS)) {
      const value = vlcOptions[key];
      if (value !== undefined) addHeader(headers, name, value);
    }
    if (pipeHeaders !== undefined) addEncodedHeaders(pipeHeaders, headers);
    const tvgId = nonEmpty(attributes["tvg-id"]);
    const tvgName = nonEmpty(attributes["tvg-name"]);
    const entry: M3uEntry = {
      sourceId: this.#sourceId,
      line: pending?.line ?? number,
      duration: pending?.ext.duration ?? -1,
      name: nonEmpty(pending?.ext.name) ?? tvgName ?? tvgId ?? url,
      url,
      attributes,
      headers,
      vlcOptions,
      kodiProps,
    };
    if (tvgId !== undefined) entry.tvgId = tvgId;
    if (tvgName !== undefined) entry.tvgName = tvgName;
    const logo = nonEmpty(attributes["tvg-logo"]);
    if (logo !== undefined) entry.tvgLogo = logo;
    const chno = nonEmpty(attributes["tvg-chno"]) ??
      nonEmpty(attributes["channel-number"]);
    if (chno !== undefined) entry.tvgChno = chno;
    const group = nonEmpty(attributes["group-title"]) ?? extgrp;
    if (group !== undefined) entry.group = group;
    if (this.#filter && !this.#filter(entry)) {
      this.#stats.filtered++;
      return;
    }
    if (this.#entries.length >= this.#maxEntries) {
      if (this.#stats.droppedOverLimit === 0) {
        this.#warn(
          number,
          `expected at most ${this.#maxEntries} entries, found more; the rest were dropped`,
        );
      }
      this.#stats.droppedOverLimit++;
      return;
    }
    this.#entries.push(entry);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Expected ${name} to be an integer >= 1, found ${value}`,
    );
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `Expected ${name} to be an integer >= 0, found ${value}`,
    );
  }
  return value;
}

/**
 * Parses a whole playlist held in memory. Never throws on input.
 *
 * @example Quoted commas, CRLF, BOM, options and a missing header
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { parseM3u } from "./m3u_parser.ts";
 *
 * const text = "\uFEFF" +
 *   '#EXTINF:-1 tvg-id="cnn.us" group-title="News, US",CNN International\r\n' +
 *   "#EXTVLCOPT:http-referrer=http://portal.example/\r\n" +
 *   "http://upstream.example/cnn.ts\r\n";
 * const { entries } = parseM3u(text, { sourceId: "iptv" });
 * equal(entries[0].name, "CNN International");
 * equal(entries[0].group, "News, US");
 * deepEqual(entries[0].headers, { Referer: "http://portal.example/" });
 * ```
 *
 * @param text The playlist.
 * @param options The source id, bounds and an optional filter.
 * @returns Entries, header attributes, counters and warnings.
 * @throws {RangeError} If a bound option is invalid.
 */
export function parseM3u(
  text: string,
  options: M3uParseOptions,
): M3uParseResult {
  const parser = new M3uParser(options);
  const splitter = new LineSplitter({ maxLineLength: parser.maxLineLength });
  const onLine = (line: string, overlong: boolean) =>
    parser.line(line, overlong);
  splitter.push(text, onLine);
  splitter.flush(onLine);
  return parser.finish();
}
