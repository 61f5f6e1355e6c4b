/**
 * The room database of the YSF reflector ({@link RoomMemoryFile}): the last
 * DG-ID of each gateway, kept in memory (bounded, least recently used
 * forgotten first) and persisted in pYSFReflector3's tinydb JSON file
 * format, so an existing `dgid.json` is read unchanged and an operator can
 * switch back:
 *
 * ```json
 * {"_default": {"1": {"gateway": "GWA", "dgid": "50"}, "2": {"gateway": "GWB", "dgid": "9"}}}
 * ```
 *
 * Writes are debounced (at most one per `minIntervalMs`, default 1 s) and
 * atomic (temporary file + rename); `close()` writes what is pending. A
 * missing, unreadable or corrupt file never stops the reflector: it starts
 * empty and says why through `onWarning`.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/mod.ts";
import type { RoomMemory } from "../reflector/rooms.ts";
import { writeFileAtomic } from "./atomic_file.ts";

/**
 * Cancels a timer armed by a {@link RoomMemoryTimer}.
 *
 * @example A no-op cancel
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CancelTimer } from "./room_memory_file.ts";
 *
 * const cancel: CancelTimer = () => {};
 * equal(cancel(), undefined);
 * ```
 */
export type CancelTimer = () => void;

/**
 * Arms a one-shot timer: calls `callback` after `delayMs`, unless cancelled.
 * Inject one to drive {@link RoomMemoryFile} without real time.
 *
 * @example A fake timer for tests
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RoomMemoryTimer } from "./room_memory_file.ts";
 *
 * const pending: (() => void)[] = [];
 * const timer: RoomMemoryTimer = (callback) => {
 *   pending.push(callback);
 *   return () => {};
 * };
 * timer(() => {}, 1000);
 * equal(pending.length, 1);
 * ```
 */
export type RoomMemoryTimer = (
  callback: () => void,
  delayMs: number,
) => CancelTimer;

/**
 * Options of {@link RoomMemoryFile.open}.
 *
 * @example Manual flushing, fake clock
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RoomMemoryFileOptions } from "./room_memory_file.ts";
 *
 * let time = 0;
 * const options: RoomMemoryFileOptions = { capacity: 100, autoFlush: false, now: () => time };
 * equal(options.capacity, 100);
 * ```
 */
export interface RoomMemoryFileOptions {
  /** Most gateways remembered; the least recently used go first. Default 10 000. */
  capacity?: number;
  /** Least time between two writes, ms. Default 1000. */
  minIntervalMs?: number;
  /** Time before another try after a failed write, ms. Default 30 000. */
  retryMs?: number;
  /** The clock, ms. Default `performance.now`. */
  now?: () => number;
  /**
   * Write by itself when a change is due (a timer per pending write).
   * Default true; with false the caller calls
   * {@link RoomMemoryFile.flushIfDue} (e.g. from its tick).
   */
  autoFlush?: boolean;
  /** The timer of `autoFlush`. Default `setTimeout`, unref'd. */
  setTimer?: RoomMemoryTimer;
  /** Told why the file was not used or not written (one line each). */
  onWarning?: (message: string) => void;
  /** The largest file read, bytes. Default 16 MiB. */
  maxFileBytes?: number;
}

/**
 * Counters of a {@link RoomMemoryFile}.
 *
 * @example Reading
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RoomMemoryFileStats } from "./room_memory_file.ts";
 *
 * const stats: RoomMemoryFileStats = { loaded: 2, skipped: 0, evicted: 0, rejected: 0, writes: 0, writeErrors: 0 };
 * equal(stats.loaded, 2);
 * ```
 */
export interface RoomMemoryFileStats {
  /** Records read from the file at open. */
  loaded: number;
  /** Records of the file that were not used (malformed, duplicate). */
  skipped: number;
  /** Gateways forgotten to stay within the capacity. */
  evicted: number;
  /** `set` calls ignored (not a gateway name or not a DG-ID 0..127). */
  rejected: number;
  /** Successful writes. */
  writes: number;
  /** Failed writes. */
  writeErrors: number;
}

interface Record_ {
  /** The tinydb document id. */
  id: number;
  dgid: number;
}

const MAX_GATEWAY_LENGTH = 64;
const DGID_TEXT = /^\s*\d{1,3}\s*$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON string as Python's `json.dumps` writes it (`ensure_ascii`). */
function pyJsonString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function defaultTimer(callback: () => void, delayMs: number): CancelTimer {
  const id = setTimeout(callback, delayMs);
  Deno.unrefTimer(id);
  return () => clearTimeout(id);
}

/**
 * A {@link RoomMemory} backed by a pYSFReflector3 tinydb JSON file. Open it
 * with {@link RoomMemoryFile.open}; `get` and `set` are synchronous and
 * never throw; writes happen in the background (or through
 * {@link RoomMemoryFile.flushIfDue}); {@link RoomMemoryFile.close} on
 * shutdown writes what is pending.
 *
 * @example Remembering across restarts
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RoomMemoryFile } from "./room_memory_file.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const path = `${dir}/dgid.json`;
 *   const first = await RoomMemoryFile.open(path, { autoFlush: false, onWarning: () => {} });
 *   first.set("GWA", 50);
 *   await first.close();
 *   equal(await Deno.readTextFile(path), '{"_default": {"1": {"gateway": "GWA", "dgid": "50"}}}');
 *   const second = await RoomMemoryFile.open(path, { autoFlush: false });
 *   equal(second.get("GWA"), 50);
 *   await second.close();
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export class RoomMemoryFile implements RoomMemory {
  readonly #path: string;
  readonly #map: BoundedMap<string, Record_>;
  readonly #minIntervalMs: number;
  readonly #retryMs: number;
  readonly #now: () => number;
  readonly #autoFlush: boolean;
  readonly #setTimer: RoomMemoryTimer;
  readonly #warn: (message: string) => void;
  readonly #maxFileBytes: number;
  readonly #stats: RoomMemoryFileStats = {
    loaded: 0,
    skipped: 0,
    evicted: 0,
    rejected: 0,
    writes: 0,
    writeErrors: 0,
  };
  #loading = false;
  #nextId = 1;
  #version = 0;
  #writtenVersion = 0;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #failing = false;
  #cancelTimer: CancelTimer | undefined;
  #writing: Promise<boolean> | undefined;
  #closed = false;

  /**
   * Creates an empty database that writes to `path`, without reading it:
   * its first write replaces the file. Use {@link RoomMemoryFile.open} to
   * start from the file's content.
   *
   * @param path The tinydb JSON file.
   * @param options Capacity, write pacing, clock, timer and warnings.
   * @throws {RangeError} If `capacity` is not an integer >= 1.
   *
   * @example A fresh database
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomMemoryFile } from "./room_memory_file.ts";
   *
   * const memory = new RoomMemoryFile("/nonexistent/dgid.json", { autoFlush: false });
   * equal(memory.size, 0);
   * ```
   */
  constructor(path: string, options: RoomMemoryFileOptions = {}) {
    const capacity = options.capacity ?? 10_000;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Expected capacity to be an integer >= 1, found ${capacity}`,
      );
    }
    this.#path = path;
    this.#minIntervalMs = options.minIntervalMs ?? 1000;
    this.#retryMs = options.retryMs ?? 30_000;
    this.#now = options.now ?? (() => performance.now());
    this.#autoFlush = options.autoFlush ?? true;
    this.#setTimer = options.setTimer ?? defaultTimer;
    this.#warn = options.onWarning ?? (() => {});
    this.#maxFileBytes = options.maxFileBytes ?? 16 * 1024 * 1024;
    this.#map = new BoundedMap<string, Record_>({
      capacity,
      onEvict: (_key, _value, reason) => {
        if (reason !== "capacity") return;
        this.#stats.evicted++;
        if (!this.#loading) this.#changed();
      },
    });
  }

  /**
   * Opens the database: reads the file if there is one (a missing, empty,
   * unreadable or corrupt file gives an empty database and a warning; a
   * corrupt one is renamed to `PATH.corrupt` so the next write does not
   * destroy it). Never throws for the file's sake.
   *
   * @example A missing file
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomMemoryFile } from "./room_memory_file.ts";
   *
   * const warnings: string[] = [];
   * const memory = await RoomMemoryFile.open("/nonexistent/dgid.json", {
   *   autoFlush: false,
   *   onWarning: (m) => warnings.push(m),
   * });
   * equal(memory.size, 0);
   * equal(warnings.length, 1);
   * ```
   *
   * @param path The tinydb JSON file (pYSFReflector3 `[DGID] database`).
   * @param options Capacity, write pacing, clock, timer and warnings.
   * @returns The database.
   * @throws {RangeError} If `capacity` is not an integer >= 1.
   */
  static async open(
    path: string,
    options: RoomMemoryFileOptions = {},
  ): Promise<RoomMemoryFile> {
    const memory = new RoomMemoryFile(path, options);
    await memory.#load();
    return memory;
  }

  /**
   * The file's path.
   *
   * @example Reading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomMemoryFile } from "./room_memory_file.ts";
   *
   * const memory = await RoomMemoryFile.open("/nonexistent/dgid.json", { autoFlush: false });
   * equal(memory.path, "/nonexistent/dgid.json");
   * ```
   */
  get path(): string {
    return this.#path;
  }

  /**
   * The number of gateways remembered.
   *
   * @example Counting
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomMemoryFile } from "./room_memory_file.ts";
   *
   * const memory = await RoomMemoryFile.open("/nonexistent/dgid.json", { autoFlush: false });
   * memory.set("GWA", 9);
   * equal(memory.size, 1);
   * ```
   */
  get size(): number {
    return this.#map.size;
  }

  /**
   * Whether changes are waiting to be written.
   *
   * @example After a change
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomMemoryFile } from "./room_memory_file.ts";
   *
   * const memory = await RoomMemoryFile.open("/nonexistent/dgid.json", { autoFlush: false });
   * memory.set("GWA", 9);
   * equal(memory.dirty, true);
   * ```
   */
  get dirty(): boolean {
    return this.#version !== this.#writtenVersion;
  }

  /**
   * The counters (a copy).
   *
   * @example Reading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomMemoryFile } from "./room_memory_file.ts";
   *
   * const memory = await RoomMemoryFile.open("/nonexistent/dgid.json", { autoFlush: false });
   * equal(memory.stats.writes, 0);
   * ```
   */
  get stats(): RoomMemoryFileStats {
    return { ...this.#stats };
  }

  /**
   * The remembered DG-ID of a gateway (exact callsign, as pYSFReflector3).
   *
   * @param gateway The gateway callsign.
   * @returns The DG-ID, if any.
   *
   * @example Reading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomMemoryFile } from "./room_memory_file.ts";
   *
   * const memory = await RoomMemoryFile.open("/nonexistent/dgid.json", { autoFlush: false });
   * memory.set("GWA", 50);
   * equal(memory.get("GWA"), 50);
   * equal(memory.get("gwa"), undefined);
   * ```
   */
  get(gateway: string): number | undefined {
    return this.#map.get(gateway)?.dgid;
  }

  /**
   * Remembers the DG-ID of a gateway; the file is written later. Invalid
   * input (an empty or over-long callsign, a DG-ID outside 0..127) is
   * ignored and counted in `stats.rejected`.
   *
   * @param gateway The gateway callsign.
   * @param dgid The DG-ID.
   *
   * @example Writing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomMemoryFile } from "./room_memory_file.ts";
   *
   * const memory = await RoomMemoryFile.open("/nonexistent/dgid.json", { autoFlush: false });
   * memory.set("GWA", 9);
   * memory.set("GWA", 200);
   * equal(memory.get("GWA"), 9);
   * equal(memory.stats.rejected, 1);
   * ```
   */
  set(gateway: string, dgid: number): void {
    if (
      typeof gateway !== "string" || gateway.trim() === "" ||
      gateway.length > MAX_GATEWAY_LENGTH || !Number.isInteger(dgid) ||
      dgid < 0 || dgid > 127
    ) {
      this.#stats.rejected++;
      return;
    }
    const existing = this.#map.get(gateway);
    if (existing !== undefined && existing.dgid === dgid) return;
    this.#map.set(gateway, { id: existing?.id ?? this.#nextId++, dgid });
    this.#changed();
  }

  /**
   * Writes the pending changes if the pacing allows it now (at least
   * `minIntervalMs` since the last write, `retryMs` after a failed one).
   * For callers that drive writes from their own tick (`autoFlush: false`).
   *
   * @param now The time, ms (default the clock of the options).
   * @returns `true` if a write happened and succeeded.
   *
   * @example Driven by the caller's clock
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomMemoryFile } from "./room_memory_file.ts";
   *
   * const dir = await Deno.makeTempDir();
   * try {
   *   let time = 0;
   *   const memory = await RoomMemoryFile.open(`${dir}/dgid.json`, {
   *     autoFlush: false,
   *     now: () => time,
   *   });
   *   memory.set("GWA", 9);
   *   equal(await memory.flushIfDue(), true);
   *   memory.set("GWA", 50);
   *   time = 500;
   *   equal(await memory.flushIfDue(), false);
   *   time = 1000;
   *   equal(await memory.flushIfDue(), true);
   *   await memory.close();
   * } finally {
   *   await Deno.remove(dir, { recursive: true });
   * }
   * ```
   */
  async flushIfDue(now: number = this.#now()): Promise<boolean> {
    if (!this.dirty || now < this.#nextAllowedAt()) return false;
    return await this.flush();
  }

  /**
   * Writes the pending changes now (waiting for a write in progress first).
   * Never throws: a failure is reported through `onWarning` and retried
   * later.
   *
   * @returns `true` if the file is up to date afterwards.
   *
   * @example Writing now
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomMemoryFile } from "./room_memory_file.ts";
   *
   * const dir = await Deno.makeTempDir();
   * try {
   *   const memory = await RoomMemoryFile.open(`${dir}/dgid.json`, { autoFlush: false });
   *   memory.set("GWA", 9);
   *   equal(await memory.flush(), true);
   *   equal(memory.dirty, false);
   *   await memory.close();
   * } finally {
   *   await Deno.remove(dir, { recursive: true });
   * }
   * ```
   */
  async flush(): Promise<boolean> {
    while (this.#writing !== undefined) await this.#writing;
    if (!this.dirty) return true;
    const writing = this.#write();
    this.#writing = writing;
    try {
      return await writing;
    } finally {
      this.#writing = undefined;
      if (this.dirty) this.#arm();
    }
  }

  /**
   * Stops the timer and writes what is pending (shutdown). The memory keeps
   * working afterwards, but nothing is written by itself any more.
   *
   * @returns `true` if the file is up to date.
   *
   * @example Closing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RoomMemoryFile } from "./room_memory_file.ts";
   *
   * const dir = await Deno.makeTempDir();
   * try {
   *   const memory = await RoomMemoryFile.open(`${dir}/dgid.json`);
   *   memory.set("GWA", 9);
   *   equal(await memory.close(), true);
   * } finally {
   *   await Deno.remove(dir, { recursive: true });
   * }
   * ```
   */
  async close(): Promise<boolean> {
    this.#closed = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    return await this.flush();
  }

  #nextAllowedAt(): number {
    return this.#lastAttemptAt +
      (this.#failing ? this.#retryMs : this.#minIntervalMs);
  }

  #changed(): void {
    this.#version++;
    this.#arm();
  }

  #arm(): void {
    if (!this.#autoFlush || this.#closed || this.#cancelTimer !== undefined) {
      return;
    }
    const delay = Math.max(0, this.#nextAllowedAt() - this.#now());
    this.#cancelTimer = this.#setTimer(() => this.#onTimer(), delay);
  }

  #onTimer(): void {
    this.#cancelTimer = undefined;
    if (this.#closed || !this.dirty) return;
    if (this.#now() < this.#nextAllowedAt()) {
      this.#arm();
      return;
    }
    this.flush().catch(() => {});
  }

  #serialize(): string {
    const records = [...this.#map.entries()]
      .sort((a, b) => a[1].id - b[1].id)
      .map(([gateway, record]) =>
        `"${record.id}": {"gateway": ${
          pyJsonString(gateway)
        }, "dgid": "${record.dgid}"}`
      );
    return `{"_default": {${records.join(", ")}}}`;
  }

  async #write(): Promise<boolean> {
    const version = this.#version;
    const text = this.#serialize();
    this.#lastAttemptAt = this.#now();
    try {
      await writeFileAtomic(this.#path, text);
    } catch (error) {
      this.#stats.writeErrors++;
      if (!this.#failing) {
        this.#warn(
          `Cannot write the room database ${this.#path}: ${
            message(error)
          } (retrying every ${this.#retryMs / 1000} s)`,
        );
      }
      this.#failing = true;
      return false;
    }
    if (this.#failing) {
      this.#warn(`Room database ${this.#path} written again`);
    }
    this.#failing = false;
    this.#stats.writes++;
    this.#writtenVersion = version;
    return version === this.#version;
  }

  async #load(): Promise<void> {
    let text: string;
    try {
      const info = await Deno.stat(this.#path);
      if (!info.isFile) {
        this.#warn(
          `Room database ${this.#path} is not a file, starting with no remembered rooms`,
        );
        return;
      }
      if (info.size > this.#maxFileBytes) {
        await this.#setAside(
          `is larger than ${this.#maxFileBytes} bytes (${info.size})`,
        );
        return;
      }
      text = await Deno.readTextFile(this.#path);
    } catch (error) {
      this.#warn(
        error instanceof Deno.errors.NotFound
          ? `Room database ${this.#path} not found, starting with no remembered rooms`
          : `Cannot read the room database ${this.#path}: ${
            message(error)
          }, starting with no remembered rooms`,
      );
      return;
    }
    if (text.trim() === "") return; // tinydb's empty database
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      await this.#setAside(`is not JSON (${message(error)})`);
      return;
    }
    const table = isObject(data) ? data._default : undefined;
    if (!isObject(data) || (table !== undefined && !isObject(table))) {
      await this.#setAside(
        'is not a tinydb file ({"_default": {"1": {...}, ...}})',
      );
      return;
    }
    const others = Object.keys(data).filter((name) => name !== "_default");
    if (others.length > 0) {
      this.#warn(
        `Room database ${this.#path}: tables other than _default (${
          others.slice(0, 5).join(", ")
        }) are not kept`,
      );
    }
    this.#loadTable(table ?? {});
  }

  #loadTable(table: Record<string, unknown>): void {
    const rows: [number, string, number][] = [];
    let maxId = 0;
    for (const [idText, record] of Object.entries(table)) {
      const id = /^\d{1,15}$/.test(idText) ? Number(idText) : 0;
      maxId = Math.max(maxId, id);
      const gateway = isObject(record) ? record.gateway : undefined;
      const dgidValue = isObject(record) ? record.dgid : undefined;
      const dgid = typeof dgidValue === "number"
        ? dgidValue
        : typeof dgidValue === "string" && DGID_TEXT.test(dgidValue)
        ? Number(dgidValue)
        : Number.NaN;
      if (
        id < 1 || typeof gateway !== "string" || gateway.trim() === "" ||
        gateway.length > MAX_GATEWAY_LENGTH || !Number.isInteger(dgid) ||
        dgid < 0 || dgid > 127
      ) {
        this.#stats.skipped++;
        continue;
      }
      rows.push([id, gateway, dgid]);
    }
    rows.sort((a, b) => a[0] - b[0]);
    this.#loading = true;
    try {
      for (const [id, gateway, dgid] of rows) {
        if (this.#map.has(gateway)) {
          this.#stats.skipped++; // pYSFReflector3 uses the first record
          continue;
        }
        this.#map.set(gateway, { id, dgid });
        this.#stats.loaded++;
      }
    } finally {
      this.#loading = false;
    }
    this.#nextId = maxId + 1;
    if (this.#stats.skipped > 0) {
      this.#warn(
        `Room database ${this.#path}: ${this.#stats.skipped} malformed or duplicate records ignored`,
      );
    }
    if (this.#stats.evicted > 0) {
      this.#warn(
        `Room database ${this.#path}: ${this.#stats.evicted} oldest records over the capacity of ${this.#map.capacity} ignored`,
      );
    }
  }

  async #setAside(why: string): Promise<void> {
    const aside = `${this.#path}.corrupt`;
    try {
      await Deno.rename(this.#path, aside);
      this.#warn(
        `Room database ${this.#path} ${why}: moved to ${aside}, starting with no remembered rooms`,
      );
    } catch (error) {
      this.#warn(
        `Room database ${this.#path} ${why}, and cannot be moved aside (${
          message(error)
        }): starting with no remembered rooms`,
      );
    }
  }
}
