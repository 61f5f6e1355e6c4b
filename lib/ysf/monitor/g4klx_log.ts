/**
 * The G4KLX-format log file (`M: YYYY-MM-DD HH:MM:SS.mmm text`, UTC) that
 * the dg9vh YSFReflector-Dashboard reads: `<path>/<root>-YYYY-MM-DD.log`,
 * one file per UTC day (G4KLX `FileRotate=1`, pYSFReflector3 `FileRotate`
 * default), or `<path>/<root>.log`.
 *
 * Lines are buffered (bounded) and appended at most once a second from
 * {@link G4klxLogFile.tick} (or when many are waiting, or on close). Each
 * line goes to the file of its own UTC date, so a line written just before
 * midnight lands in that day's file. Before each write the file is checked:
 * deleted or moved away (logrotate) → a new one is created, as
 * pYSFReflector3 does. Write errors never reach the caller: they are
 * counted and reported through a callback, and the lines are dropped.
 *
 * @module
 */

import type { Registry } from "../../core/metrics.ts";
import type { ReflectorEvent } from "../reflector/events.ts";
import type { ReflectorSnapshot } from "../reflector/snapshot.ts";
import { VERSION } from "../../version.ts";
import {
  formatLogLine,
  formatUtcDate,
  type LogStyle,
  startLogText,
  streamIdSalt,
  toDumpLogLines,
  toLogLines,
} from "./format.ts";

/**
 * Options of {@link G4klxLogFile}.
 *
 * @example A daily file as G4KLX writes it
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { G4klxLogFileOptions } from "./g4klx_log.ts";
 *
 * const options: G4klxLogFileOptions = { filePath: "/var/log/mmdvm", fileRoot: "YSFReflector" };
 * equal(options.fileRotate ?? true, true);
 * ```
 */
export interface G4klxLogFileOptions {
  /** The directory of the log files (it must exist). */
  filePath: string;
  /** The file name stem. */
  fileRoot: string;
  /** `true`: `<root>-YYYY-MM-DD.log` per UTC day; `false`: `<root>.log` [true]. */
  fileRotate?: boolean;
  /** Line style ["g4klx"]. */
  style?: LogStyle;
  /** The reflector's state, for the 120 s linked-list dump; no dump without it. */
  snapshot?: () => ReflectorSnapshot | undefined;
  /** Period of the linked-list dump, ms [120 000]. */
  dumpIntervalMs?: number;
  /** The client expiry shown in the dump (`t/60`), seconds [60]. */
  clientExpirySeconds?: number;
  /** Least time between two appends from `tick()`, ms [1000]. */
  flushIntervalMs?: number;
  /** Most lines waiting; more are dropped and counted [10 000]. */
  maxBufferedLines?: number;
  /** Stream-id salt of `pysf3` lines; default drawn from `random`. */
  streamIdSalt?: number;
  /** Random source in [0, 1) for the stream-id salt [`Math.random`]. */
  random?: () => number;
  /** Wall-clock ms [`Date.now`]: line times, file dates, flush and dump periods. */
  now?: () => number;
  /**
   * Told about write failures: once when writing starts failing, and again
   * when the error changes or after writing worked again. Must not throw
   * (what it throws is ignored).
   */
  onError?: (error: unknown, path: string) => void;
}

/**
 * Counters of a {@link G4klxLogFile}, since it was created.
 *
 * @example Reading counters
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { G4klxLogFile, type G4klxLogCounters } from "./g4klx_log.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const log = new G4klxLogFile({ filePath: dir, fileRoot: "YSF" });
 * const counters: G4klxLogCounters = log.counters;
 * equal(counters.writeErrors, 0);
 * await log.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export interface G4klxLogCounters {
  /** Lines accepted into the buffer. */
  lines: number;
  /** Lines appended to a file. */
  written: number;
  /** Bytes appended. */
  bytes: number;
  /** Appends done (one per file per flush). */
  flushes: number;
  /** Failed opens or writes. */
  writeErrors: number;
  /** Lines lost: buffer full, failed write, or written after close. */
  droppedLines: number;
  /** Files opened (start, rotation, after deletion, after an error). */
  opens: number;
}

interface Pending {
  day: string;
  line: string;
}

const encoder = new TextEncoder();

/** Appends when this many lines wait, without waiting for `tick()`. */
const EAGER_FLUSH_LINES = 1000;

/**
 * A G4KLX-format log file. Create it, hand it reflector events with
 * {@link G4klxLogFile.writeEvent}, call {@link G4klxLogFile.tick} about
 * once a second, and {@link G4klxLogFile.close} at shutdown (it appends
 * what is left).
 *
 * @example Writing a line
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { G4klxLogFile } from "./g4klx_log.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const log = new G4klxLogFile({ filePath: dir, fileRoot: "YSFReflector", fileRotate: false, now: () => Date.UTC(2024, 4, 1, 12) });
 * log.write("Received end of transmission");
 * await log.close();
 * equal(await Deno.readTextFile(`${dir}/YSFReflector.log`), "M: 2024-05-01 12:00:00.000 Received end of transmission\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class G4klxLogFile {
  readonly #dir: string;
  readonly #root: string;
  readonly #rotate: boolean;
  readonly #style: LogStyle;
  readonly #salt: number;
  readonly #snapshot: (() => ReflectorSnapshot | undefined) | undefined;
  readonly #dumpIntervalMs: number;
  readonly #expirySeconds: number;
  readonly #flushIntervalMs: number;
  readonly #maxBuffered: number;
  readonly #now: () => number;
  readonly #onError: ((error: unknown, path: string) => void) | undefined;
  #buffer: Pending[] = [];
  #file: Deno.FsFile | undefined;
  #filePath: string | undefined;
  #fileId: { dev: number; ino: number } | undefined;
  #flushing: Promise<void> | undefined;
  #lastFlush: number;
  #nextDump: number;
  #closed = false;
  #closing: Promise<void> | undefined;
  #lastError: string | undefined;
  #counters: G4klxLogCounters = {
    lines: 0,
    written: 0,
    bytes: 0,
    flushes: 0,
    writeErrors: 0,
    droppedLines: 0,
    opens: 0,
  };

  /**
   * Creates the writer; nothing is opened until the first append.
   *
   * @param options Where and how to write.
   * @throws {TypeError} If `fileRoot` is empty or contains a path separator.
   * @throws {RangeError} If a period or limit is not positive.
   *
   * @example A daily file
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * const log = new G4klxLogFile({ filePath: "/tmp", fileRoot: "YSF", now: () => Date.UTC(2024, 0, 2) });
   * equal(log.path, "/tmp/YSF-2024-01-02.log");
   * await log.close();
   * ```
   */
  constructor(options: G4klxLogFileOptions) {
    if (
      typeof options.fileRoot !== "string" || options.fileRoot === "" ||
      /[\\/]/u.test(options.fileRoot)
    ) {
      throw new TypeError(
        `Expected fileRoot to be a file name stem without "/", found ${
          JSON.stringify(options.fileRoot)
        }`,
      );
    }
    for (
      const [name, value] of [
        ["dumpIntervalMs", options.dumpIntervalMs],
        ["flushIntervalMs", options.flushIntervalMs],
        ["maxBufferedLines", options.maxBufferedLines],
      ] as const
    ) {
      if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
        throw new RangeError(
          `Expected ${name} to be a finite number > 0, found ${value}`,
        );
      }
    }
    this.#dir = options.filePath.replace(/\/+$/u, "") || "/";
    this.#root = options.fileRoot;
    this.#rotate = options.fileRotate ?? true;
    this.#style = options.style ?? "g4klx";
    this.#salt = options.streamIdSalt ??
      streamIdSalt(options.random ?? Math.random);
    this.#snapshot = options.snapshot;
    this.#dumpIntervalMs = options.dumpIntervalMs ?? 120_000;
    this.#expirySeconds = options.clientExpirySeconds ?? 60;
    this.#flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.#maxBuffered = options.maxBufferedLines ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError;
    const now = this.#now();
    this.#lastFlush = now;
    this.#nextDump = now + this.#dumpIntervalMs;
  }

  /**
   * The file a line written now goes to.
   *
   * @example A single file
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * const log = new G4klxLogFile({ filePath: "/var/log/mmdvm/", fileRoot: "YSFReflector", fileRotate: false });
   * equal(log.path, "/var/log/mmdvm/YSFReflector.log");
   * await log.close();
   * ```
   */
  get path(): string {
    return this.#pathOf(formatUtcDate(this.#now()));
  }

  /**
   * Lines waiting to be appended.
   *
   * @example Buffered until a flush
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * const dir = await Deno.makeTempDir();
   * const log = new G4klxLogFile({ filePath: dir, fileRoot: "YSF" });
   * log.write("Hello");
   * equal(log.pendingLines, 1);
   * await log.close();
   * equal(log.pendingLines, 0);
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  get pendingLines(): number {
    return this.#buffer.length;
  }

  /**
   * A copy of the counters.
   *
   * @example After a write
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * const dir = await Deno.makeTempDir();
   * const log = new G4klxLogFile({ filePath: dir, fileRoot: "YSF" });
   * log.write("Hello");
   * await log.close();
   * equal(log.counters.written, 1);
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  get counters(): G4klxLogCounters {
    return { ...this.#counters };
  }

  /**
   * The stream-id salt of `pysf3` lines.
   *
   * @example A fixed salt
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * const log = new G4klxLogFile({ filePath: "/tmp", fileRoot: "YSF", streamIdSalt: 9 });
   * equal(log.streamIdSalt, 9);
   * await log.close();
   * ```
   */
  get streamIdSalt(): number {
    return this.#salt;
  }

  /**
   * Buffers one message, stamped with the current time. Never throws.
   *
   * @param text The message (control characters are shown as `<code>`).
   *
   * @example Writing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * const dir = await Deno.makeTempDir();
   * const log = new G4klxLogFile({ filePath: dir, fileRoot: "YSF" });
   * log.write("Network watchdog has expired");
   * equal(log.counters.lines, 1);
   * await log.close();
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  write(text: string): void {
    if (this.#closed) {
      this.#counters.droppedLines++;
      return;
    }
    if (this.#buffer.length >= this.#maxBuffered) {
      this.#counters.droppedLines++;
      return;
    }
    const now = this.#now();
    this.#buffer.push({
      day: formatUtcDate(now),
      line: formatLogLine(String(text), now),
    });
    this.#counters.lines++;
    if (this.#buffer.length >= EAGER_FLUSH_LINES && !this.#flushing) {
      void this.flush();
    }
  }

  /**
   * Buffers the log lines of one reflector event (see `toLogLines`).
   * Never throws.
   *
   * @param event The event.
   *
   * @example A link
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * const dir = await Deno.makeTempDir();
   * const log = new G4klxLogFile({ filePath: dir, fileRoot: "YSF" });
   * log.writeEvent({
   *   type: "client-linked",
   *   client: { id: 1, callsign: "GW1ABC", address: "192.0.2.1", port: 42000, via: "main", room: 0, hold: "dynamic" },
   *   source: "single-room",
   *   access: "full",
   * });
   * equal(log.pendingLines, 1);
   * await log.close();
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  writeEvent(event: ReflectorEvent): void {
    if (this.#closed) return;
    let lines: string[];
    try {
      lines = toLogLines(event, {
        style: this.#style,
        streamIdSalt: this.#salt,
      });
    } catch {
      return;
    }
    for (const line of lines) this.write(line);
  }

  /**
   * Buffers the start line (`Starting YSFReflector (shack <version>)`),
   * where the dg9vh dashboard resets its gateway lists.
   *
   * @param version shack's version [this build's].
   *
   * @example At start-up
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * const dir = await Deno.makeTempDir();
   * const log = new G4klxLogFile({ filePath: dir, fileRoot: "YSF" });
   * log.writeStart("1.0.0");
   * equal(log.pendingLines, 1);
   * await log.close();
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  writeStart(version: string = VERSION): void {
    this.write(startLogText(version));
  }

  /**
   * Runs the timers: every `dumpIntervalMs` buffers the linked-list dump,
   * and appends the buffer when `flushIntervalMs` has passed since the last
   * append. Call it about once a second. Never throws.
   *
   * @example Flushing on the second
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * let time = Date.UTC(2024, 4, 1);
   * const dir = await Deno.makeTempDir();
   * const log = new G4klxLogFile({ filePath: dir, fileRoot: "YSF", now: () => time });
   * log.write("Hello");
   * log.tick();
   * equal(log.pendingLines, 1);
   * time += 1000;
   * log.tick();
   * equal(log.pendingLines, 0);
   * await log.close();
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  tick(): void {
    if (this.#closed) return;
    const now = this.#now();
    if (this.#snapshot !== undefined && now >= this.#nextDump) {
      this.#nextDump = now + this.#dumpIntervalMs;
      try {
        const snapshot = this.#snapshot();
        if (snapshot !== undefined) {
          for (
            const line of toDumpLogLines(snapshot, {
              style: this.#style,
              clientExpirySeconds: this.#expirySeconds,
            })
          ) {
            this.write(line);
          }
        }
      } catch {
        // A snapshot failure costs one dump, never the reflector.
      }
    }
    if (
      this.#buffer.length > 0 && !this.#flushing &&
      now - this.#lastFlush >= this.#flushIntervalMs
    ) {
      void this.flush();
    }
  }

  /**
   * Appends every buffered line now (waiting for an append in progress
   * first). Never rejects.
   *
   * @returns When the lines buffered before the call are written (or dropped).
   *
   * @example Flushing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * const dir = await Deno.makeTempDir();
   * const log = new G4klxLogFile({ filePath: dir, fileRoot: "YSF", fileRotate: false });
   * log.write("Hello");
   * await log.flush();
   * equal((await Deno.readTextFile(`${dir}/YSF.log`)).endsWith(" Hello\n"), true);
   * await log.close();
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#buffer.length === 0) return;
    const run = this.#append();
    this.#flushing = run;
    try {
      await run;
    } finally {
      this.#flushing = undefined;
    }
  }

  /**
   * Registers the writer's counters in a metrics registry (names start
   * with `g4klx_log_`, after the registry's prefix).
   *
   * @param registry The registry.
   *
   * @example Registering
   * ```ts
   * import { match } from "node:assert/strict";
   * import { Registry } from "../../core/metrics.ts";
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * const log = new G4klxLogFile({ filePath: "/tmp", fileRoot: "YSF" });
   * const registry = new Registry({ prefix: "shack_ysf_" });
   * log.registerMetrics(registry);
   * match(registry.render(), /^shack_ysf_g4klx_log_write_errors_total 0$/m);
   * await log.close();
   * ```
   */
  registerMetrics(registry: Registry): void {
    const c = () => this.#counters;
    const counters: [string, string, () => number][] = [
      [
        "g4klx_log_lines_total",
        "G4KLX-format log lines buffered",
        () => c().lines,
      ],
      [
        "g4klx_log_written_lines_total",
        "G4KLX-format log lines appended to the file",
        () => c().written,
      ],
      [
        "g4klx_log_write_errors_total",
        "G4KLX-format log file open or write failures",
        () => c().writeErrors,
      ],
      [
        "g4klx_log_dropped_lines_total",
        "G4KLX-format log lines lost (buffer full, write failed, after close)",
        () => c().droppedLines,
      ],
      [
        "g4klx_log_opens_total",
        "G4KLX-format log files opened (rotation, recreation)",
        () => c().opens,
      ],
    ];
    for (const [name, help, collect] of counters) {
      registry.counter({ name, help, collect });
    }
    registry.gauge({
      name: "g4klx_log_pending_lines",
      help: "G4KLX-format log lines waiting to be appended",
      collect: () => this.#buffer.length,
    });
  }

  /**
   * Appends what is buffered and closes the file; later writes are dropped
   * and counted. Idempotent; never rejects.
   *
   * @example Closing
   * ```ts
   * import { G4klxLogFile } from "./g4klx_log.ts";
   *
   * const dir = await Deno.makeTempDir();
   * const log = new G4klxLogFile({ filePath: dir, fileRoot: "YSF" });
   * await Promise.all([log.close(), log.close()]);
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closing = (async () => {
      await this.flush();
      this.#closeFile();
    })();
    return this.#closing;
  }

  #pathOf(day: string): string {
    const name = this.#rotate
      ? `${this.#root}-${day}.log`
      : `${this.#root}.log`;
    return this.#dir === "/" ? `/${name}` : `${this.#dir}/${name}`;
  }

  async #append(): Promise<void> {
    const batch = this.#buffer;
    this.#buffer = [];
    this.#lastFlush = this.#now();
    let i = 0;
    while (i < batch.length) {
      const day = batch[i].day;
      const path = this.#pathOf(day);
      let j = i;
      let text = "";
      while (j < batch.length && this.#pathOf(batch[j].day) === path) {
        text += batch[j].line + "\n";
        j++;
      }
      const count = j - i;
      i = j;
      try {
        const file = await this.#fileFor(path);
        const bytes = encoder.encode(text);
        let offset = 0;
        while (offset < bytes.length) {
          offset += await file.write(bytes.subarray(offset));
        }
        this.#counters.written += count;
        this.#counters.bytes += bytes.length;
        this.#counters.flushes++;
        this.#lastError = undefined;
      } catch (error) {
        this.#counters.writeErrors++;
        this.#counters.droppedLines += count;
        this.#closeFile();
        this.#report(error, path);
      }
    }
  }

  /** The open file for `path`, reopened after rotation, deletion or a move. */
  async #fileFor(path: string): Promise<Deno.FsFile> {
    if (this.#file !== undefined && this.#filePath === path) {
      let same = false;
      try {
        const info = await Deno.stat(path);
        same = this.#fileId === undefined ||
          (info.ino === this.#fileId.ino && info.dev === this.#fileId.dev);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      if (same) return this.#file;
    }
    this.#closeFile();
    const file = await Deno.open(path, {
      write: true,
      append: true,
      create: true,
    });
    this.#counters.opens++;
    try {
      const info = await file.stat();
      this.#fileId = info.ino === null
        ? undefined
        : { dev: info.dev, ino: info.ino };
    } catch {
      this.#fileId = undefined;
    }
    this.#file = file;
    this.#filePath = path;
    return file;
  }

  #closeFile(): void {
    const file = this.#file;
    this.#file = undefined;
    this.#filePath = undefined;
    this.#fileId = undefined;
    if (file === undefined) return;
    try {
      file.close();
    } catch {
      // already closed
    }
  }

  #report(error: unknown, path: string): void {
    const message = `${path}: ${
      error instanceof Error ? error.message : String(error)
    }`;
    if (message === this.#lastError) return;
    this.#lastError = message;
    try {
      this.#onError?.(error, path);
    } catch {
      // The callback must not break the writer.
    }
  }
}
