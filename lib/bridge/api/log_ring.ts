/**
 * The recent log lines the dashboard shows: a bounded ring fed by a
 * `Logger` sink, with sequence numbers so a viewer can ask for the lines it
 * has not seen yet.
 *
 * @module
 */

import { BoundedQueue } from "../../core/bounded/bounded_queue.ts";
import type { LogLevel } from "../../core/log.ts";

/**
 * One kept log line.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LogEntry } from "./log_ring.ts";
 *
 * const entry: LogEntry = { seq: 1, level: "info", line: "2024-01-01T00:00:00.000Z INFO  started" };
 * equal(entry.seq, 1);
 * ```
 */
export interface LogEntry {
  /** 1 for the first line pushed, then +1 per line. */
  seq: number;
  /** The level read from the line, when it could be read. */
  level?: LogLevel;
  /** The line as the logger wrote it (cut to `maxLineLength`). */
  line: string;
}

/**
 * Options of {@link LogRing}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LogRingOptions } from "./log_ring.ts";
 *
 * const options: LogRingOptions = { capacity: 200, maxLineLength: 1000 };
 * equal(options.capacity, 200);
 * ```
 */
export interface LogRingOptions {
  /** Lines kept; the oldest is dropped first. Default 500. */
  capacity?: number;
  /** Longer lines are cut (with `…`). Default 2000 characters. */
  maxLineLength?: number;
  /** Most listeners. Default 16. */
  maxListeners?: number;
}

const TEXT_LEVEL = /^\S+ (DEBUG|INFO|WARN|ERROR)\b/;
const JSON_LEVEL = /"level":"(debug|info|warn|error)"/;

/**
 * Reads the level of a line written by `Logger` (text or JSON format).
 *
 * @param line The line.
 * @returns The level, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { logLineLevel } from "./log_ring.ts";
 *
 * equal(logLineLevel("2024-01-01T00:00:00.000Z WARN  slow client"), "warn");
 * equal(logLineLevel('{"ts":"x","level":"error","msg":"boom"}'), "error");
 * equal(logLineLevel("plain text"), undefined);
 * ```
 */
export function logLineLevel(line: string): LogLevel | undefined {
  const text = TEXT_LEVEL.exec(line);
  if (text) return text[1].toLowerCase() as LogLevel;
  if (line.startsWith("{")) {
    const json = JSON_LEVEL.exec(line.slice(0, 200));
    if (json) return json[1] as LogLevel;
  }
  return undefined;
}

/**
 * A bounded ring of recent log lines. Pass {@link LogRing.sink} (or
 * {@link LogRing.tee} to keep writing to stderr too) as a `Logger` sink.
 *
 * @example Feeding it from a Logger
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Logger } from "../../core/log.ts";
 * import { LogRing } from "./log_ring.ts";
 *
 * const ring = new LogRing({ capacity: 2 });
 * const log = new Logger({ sink: ring.sink, now: () => 0 });
 * log.info("one");
 * log.warn("two");
 * log.error("three");
 * equal(ring.size, 2);
 * equal(ring.tail()[0].level, "warn");
 * equal(ring.since(2).length, 1);
 * equal(ring.dropped, 1);
 * ```
 */
export class LogRing {
  readonly #lines: BoundedQueue<LogEntry>;
  readonly #maxLineLength: number;
  readonly #maxListeners: number;
  readonly #listeners = new Set<(entry: LogEntry) => void>();
  #seq = 0;
  #dropped = 0;

  /**
   * Creates an empty ring.
   *
   * @param options Capacity and line length.
   * @throws {RangeError} If a limit is not a positive integer.
   */
  constructor(options: LogRingOptions = {}) {
    const capacity = options.capacity ?? 500;
    const maxLineLength = options.maxLineLength ?? 2000;
    const maxListeners = options.maxListeners ?? 16;
    for (
      const [name, value] of [
        ["capacity", capacity],
        ["maxLineLength", maxLineLength],
        ["maxListeners", maxListeners],
      ] as const
    ) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(
          `Expected ${name} to be an integer >= 1, found ${value}`,
        );
      }
    }
    this.#lines = new BoundedQueue({ capacity, policy: "drop-oldest" });
    this.#maxLineLength = maxLineLength;
    this.#maxListeners = maxListeners;
  }

  /** A `Logger` sink that keeps each line here. */
  readonly sink = (line: string): void => {
    this.push(line);
  };

  /** Lines kept at most. */
  get capacity(): number {
    return this.#lines.capacity;
  }

  /** Lines kept now. */
  get size(): number {
    return this.#lines.size;
  }

  /** The sequence number of the newest line (0 before the first). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Lines dropped to make room. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * A sink that keeps each line here and passes it on.
   *
   * @param next Where lines go as well (e.g. stderr).
   * @returns The sink.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { LogRing } from "./log_ring.ts";
   *
   * const seen: string[] = [];
   * const ring = new LogRing();
   * ring.tee((line) => seen.push(line))("hello");
   * equal(seen[0], "hello");
   * equal(ring.tail()[0].line, "hello");
   * ```
   */
  tee(next: (line: string) => void): (line: string) => void {
    return (line) => {
      this.push(line);
      next(line);
    };
  }

  /**
   * Keeps a line (dropping the oldest when full) and tells the listeners.
   *
   * @param line The line.
   * @returns The kept entry.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { LogRing } from "./log_ring.ts";
   *
   * const ring = new LogRing({ maxLineLength: 5 });
   * equal(ring.push("abcdefgh").line, "abcd…");
   * ```
   */
  push(line: string): LogEntry {
    const text = line.length > this.#maxLineLength
      ? line.slice(0, this.#maxLineLength - 1) + "…"
      : line;
    const entry: LogEntry = { seq: ++this.#seq, line: text };
    const level = logLineLevel(text);
    if (level !== undefined) entry.level = level;
    if (this.#lines.size >= this.#lines.capacity) this.#dropped++;
    this.#lines.push(entry);
    for (const listener of this.#listeners) {
      try {
        listener(entry);
      } catch {
        // A listener must never break logging.
      }
    }
    return entry;
  }

  /**
   * The newest lines, oldest first.
   *
   * @param limit Most lines returned. Default: all kept.
   * @returns The entries.
   *
   * @example Usage
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { LogRing } from "./log_ring.ts";
   *
   * const ring = new LogRing();
   * for (const line of ["a", "b", "c"]) ring.push(line);
   * deepEqual(ring.tail(2).map((e) => e.line), ["b", "c"]);
   * ```
   */
  tail(limit: number = this.#lines.capacity): LogEntry[] {
    const all = [...this.#lines];
    const n = Math.max(0, Math.floor(limit));
    return n >= all.length ? all : all.slice(all.length - n);
  }

  /**
   * The kept lines newer than `seq`, oldest first (lines already dropped
   * are not returned).
   *
   * @param seq The last sequence number seen.
   * @returns The entries.
   *
   * @example Usage
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { LogRing } from "./log_ring.ts";
   *
   * const ring = new LogRing();
   * for (const line of ["a", "b", "c"]) ring.push(line);
   * deepEqual(ring.since(1).map((e) => e.line), ["b", "c"]);
   * ```
   */
  since(seq: number): LogEntry[] {
    if (seq >= this.#seq) return [];
    const out: LogEntry[] = [];
    for (const entry of this.#lines) if (entry.seq > seq) out.push(entry);
    return out;
  }

  /**
   * Calls `listener` for every line pushed from now on (synchronously: it
   * should only note that there is news).
   *
   * @param listener The callback.
   * @returns A function that removes the listener.
   * @throws {RangeError} If `maxListeners` are already registered.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { LogRing } from "./log_ring.ts";
   *
   * const ring = new LogRing();
   * let count = 0;
   * const stop = ring.subscribe(() => count++);
   * ring.push("a");
   * stop();
   * ring.push("b");
   * equal(count, 1);
   * ```
   */
  subscribe(listener: (entry: LogEntry) => void): () => void {
    if (this.#listeners.size >= this.#maxListeners) {
      throw new RangeError(
        `Expected at most ${this.#maxListeners} log listeners, found one more`,
      );
    }
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
