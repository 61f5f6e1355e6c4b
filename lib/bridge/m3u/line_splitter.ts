/**
 * A bounded line splitter for text that arrives in chunks: `\n`, `\r\n` and
 * a lone `\r` end a line (also across chunk boundaries), and a line longer
 * than the limit is never buffered whole — it is reported once, as
 * overlong, with its first characters only.
 *
 * @module
 */

/**
 * Options of {@link LineSplitter}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LineSplitterOptions } from "./line_splitter.ts";
 *
 * const options: LineSplitterOptions = { maxLineLength: 4096 };
 * equal(options.maxLineLength, 4096);
 * ```
 */
export interface LineSplitterOptions {
  /** The longest line kept, in UTF-16 code units. Default 16 384. */
  maxLineLength?: number;
  /** How many leading characters of an overlong line are reported. Default 80. */
  overlongPrefix?: number;
}

/**
 * Receives each line without its line ending. `overlong` is true when the
 * line was longer than the limit; `line` then holds only its beginning.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LineCallback } from "./line_splitter.ts";
 *
 * const seen: string[] = [];
 * const onLine: LineCallback = (line, overlong) => seen.push(overlong ? "!" : line);
 * onLine("a", false);
 * equal(seen[0], "a");
 * ```
 */
export type LineCallback = (line: string, overlong: boolean) => void;

/**
 * Splits chunked text into lines with bounded memory.
 *
 * @example Lines across chunk boundaries, CRLF split in two
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { LineSplitter } from "./line_splitter.ts";
 *
 * const lines: string[] = [];
 * const splitter = new LineSplitter({ maxLineLength: 5 });
 * const onLine = (line: string, overlong: boolean) =>
 *   lines.push(overlong ? `!${line}` : line);
 * splitter.push("ab\r", onLine);
 * splitter.push("\ncd\n0123456789\nlast", onLine);
 * splitter.flush(onLine);
 * deepEqual(lines, ["ab", "cd", "!01234", "last"]);
 * ```
 */
export class LineSplitter {
  readonly #max: number;
  readonly #prefix: number;
  #buffer = "";
  #skipping = false;
  #head = "";
  #pendingCr = false;

  /**
   * Creates a splitter.
   *
   * @param options Limits.
   * @throws {RangeError} If `maxLineLength` is not an integer >= 1.
   */
  constructor(options: LineSplitterOptions = {}) {
    const max = options.maxLineLength ?? 16_384;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(
        `Expected maxLineLength to be an integer >= 1, found ${max}`,
      );
    }
    this.#max = max;
    this.#prefix = Math.min(max, options.overlongPrefix ?? 80);
  }

  /**
   * Feeds a chunk; calls `onLine` for every line it completes.
   *
   * @param chunk The next piece of text.
   * @param onLine Receives each completed line.
   */
  push(chunk: string, onLine: LineCallback): void {
    let start = 0;
    if (this.#pendingCr && chunk.length > 0) {
      if (chunk.charCodeAt(0) === 10) start = 1;
      this.#pendingCr = false;
    }
    let nextLf = chunk.indexOf("\n", start);
    let nextCr = chunk.indexOf("\r", start);
    while (nextLf >= 0 || nextCr >= 0) {
      let end: number;
      let after: number;
      if (nextCr >= 0 && (nextLf < 0 || nextCr < nextLf)) {
        end = nextCr;
        if (end + 1 < chunk.length) {
          after = chunk.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
        } else {
          after = end + 1;
          this.#pendingCr = true;
        }
      } else {
        end = nextLf;
        after = end + 1;
      }
      this.#emit(chunk, start, end, onLine);
      start = after;
      if (nextLf >= 0 && nextLf < start) nextLf = chunk.indexOf("\n", start);
      if (nextCr >= 0 && nextCr < start) nextCr = chunk.indexOf("\r", start);
    }
    if (start < chunk.length) this.#append(chunk.slice(start));
  }

  /**
   * Ends the input: the last line, if it has no line ending, is passed to
   * `onLine`. The splitter can then be reused.
   *
   * @param onLine Receives the last line.
   */
  flush(onLine: LineCallback): void {
    if (this.#skipping) {
      onLine(this.#head, true);
    } else if (this.#buffer.length > 0) {
      onLine(this.#buffer, false);
    }
    this.#buffer = "";
    this.#skipping = false;
    this.#head = "";
    this.#pendingCr = false;
  }

  #emit(chunk: string, start: number, end: number, onLine: LineCallback) {
    if (this.#skipping) {
      const head = this.#head;
      this.#skipping = false;
      this.#head = "";
      onLine(head, true);
      return;
    }
    const length = this.#buffer.length + (end - start);
    if (length > this.#max) {
      const line = (this.#buffer + chunk.slice(start, start + this.#prefix))
        .slice(0, this.#prefix);
      this.#buffer = "";
      onLine(line, true);
      return;
    }
    const line = this.#buffer.length > 0
      ? this.#buffer + chunk.slice(start, end)
      : chunk.slice(start, end);
    this.#buffer = "";
    onLine(line, false);
  }

  #append(rest: string): void {
    if (this.#skipping) return;
    if (this.#buffer.length + rest.length > this.#max) {
      this.#head = (this.#buffer + rest.slice(0, this.#prefix)).slice(
        0,
        this.#prefix,
      );
      this.#buffer = "";
      this.#skipping = true;
      return;
    }
    this.#buffer += rest;
  }
}
