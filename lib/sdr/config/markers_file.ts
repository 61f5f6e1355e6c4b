/**
 * A watched `markers.json` ({@link MarkersFile}): read at start, re-read
 * when it changes, the current markers and their settings-JSON text always
 * at hand.
 *
 * It only reads the file; the service owns the timer that calls
 * {@link MarkersFile.checkForChanges} (PhantomSDR+ polls every 60 s) and
 * calls {@link MarkersFile.reloadNow} on SIGHUP.
 *
 * - A file missing at start gives no markers and one warning (PhantomSDR+
 *   complains every minute); it is read as soon as it appears.
 * - A file is re-read when its modification time or its content (SHA-256)
 *   changed, so an edit within one mtime tick is caught too.
 * - A file that is not valid (not JSON, no `markers` list, too large) is
 *   refused with one warning and the markers loaded before are kept; a
 *   file that disappears or becomes unreadable keeps them too.
 *
 * @module
 */

import { readFileSnapshot } from "../../core/file_snapshot.ts";
import {
  type Marker,
  markersJson,
  MAX_MARKER_NAME_LENGTH,
  MAX_MARKERS,
  parseMarkers,
} from "./markers.ts";

/**
 * Options of {@link MarkersFile}.
 *
 * @example Options
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MarkersFileOptions } from "./markers_file.ts";
 *
 * const warnings: string[] = [];
 * const options: MarkersFileOptions = { maxMarkers: 1000, onWarning: (m) => warnings.push(m) };
 * equal(options.maxMarkers, 1000);
 * ```
 */
export interface MarkersFileOptions {
  /** The largest file read, bytes. Default 1 MiB. */
  maxFileBytes?: number;
  /** Most markers kept. Default 10 000. */
  maxMarkers?: number;
  /** Longest marker name, characters. Default 128. */
  maxNameLength?: number;
  /** Told about missing, refused and partly ignored files (one line each). */
  onWarning?: (message: string) => void;
}

const EMPTY_JSON = markersJson([]);

/**
 * A `markers.json` that is read at start and re-read when it changes.
 * Calls are serialised (a SIGHUP during a periodic check waits for it).
 *
 * @example Start, edit, reload, a bad edit
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MarkersFile } from "./markers_file.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const path = `${dir}/markers.json`;
 *   await Deno.writeTextFile(path, '{"markers":[{"frequency":7074000,"name":"FT8","mode":"USB"}]}');
 *   const warnings: string[] = [];
 *   const file = new MarkersFile(path, { onWarning: (m) => warnings.push(m) });
 *   equal(await file.load(), true);
 *   equal(file.markers[0].name, "FT8");
 *   equal(await file.checkForChanges(), false);
 *   await Deno.writeTextFile(path, '{"markers":[{"frequency":14074000,"name":"FT8 20m"}]}');
 *   equal(await file.checkForChanges(), true);
 *   equal(file.markers[0].frequency, 14074000);
 *   await Deno.writeTextFile(path, "{ broken");
 *   equal(await file.checkForChanges(), false);
 *   equal(file.markers[0].frequency, 14074000); // kept
 *   equal(warnings.length, 1);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export class MarkersFile {
  /** The file's path. */
  readonly path: string;
  readonly #maxFileBytes: number;
  readonly #maxMarkers: number;
  readonly #maxNameLength: number;
  readonly #warn: (message: string) => void;
  #markers: readonly Marker[] = [];
  #json: string = EMPTY_JSON;
  #version = 0;
  #seen = false;
  #mtimeMs: number | undefined;
  #checksum: string | undefined;
  /** Why the last read failed (a warning was given), if it did. */
  #failure: "unavailable" | "invalid" | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * Sets up the file to watch; nothing is read until
   * {@link MarkersFile.load}.
   *
   * @param path The `markers.json` path.
   * @param options Limits and the warning callback.
   * @throws {RangeError} If a limit is not a positive integer.
   *
   * @example Nothing loaded yet
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { MarkersFile } from "./markers_file.ts";
   *
   * const file = new MarkersFile("/nonexistent/markers.json");
   * equal(file.json, '{"markers":[]}');
   * ```
   */
  constructor(path: string, options: MarkersFileOptions = {}) {
    this.path = path;
    this.#maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
    this.#maxMarkers = options.maxMarkers ?? MAX_MARKERS;
    this.#maxNameLength = options.maxNameLength ?? MAX_MARKER_NAME_LENGTH;
    for (
      const [name, value] of [
        ["maxFileBytes", this.#maxFileBytes],
        ["maxMarkers", this.#maxMarkers],
        ["maxNameLength", this.#maxNameLength],
      ] as const
    ) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(
          `Expected ${name} to be a positive integer, found ${value}`,
        );
      }
    }
    this.#warn = options.onWarning ?? (() => {});
  }

  /**
   * The current markers.
   *
   * @example Before loading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { MarkersFile } from "./markers_file.ts";
   *
   * equal(new MarkersFile("markers.json").markers.length, 0);
   * ```
   */
  get markers(): readonly Marker[] {
    return this.#markers;
  }

  /**
   * The settings JSON's `markers` string for the current markers
   * (`{"markers":[…]}`), computed once per change.
   *
   * @example Before loading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { MarkersFile } from "./markers_file.ts";
   *
   * equal(new MarkersFile("markers.json").json, '{"markers":[]}');
   * ```
   */
  get json(): string {
    return this.#json;
  }

  /**
   * How many times the markers changed (0 before the first markers).
   *
   * @example Before loading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { MarkersFile } from "./markers_file.ts";
   *
   * equal(new MarkersFile("markers.json").version, 0);
   * ```
   */
  get version(): number {
    return this.#version;
  }

  /**
   * Reads the file (start). A missing, unreadable or invalid file gives no
   * markers and a warning.
   *
   * @returns Whether markers were loaded (changed from none).
   *
   * @example A missing file
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { MarkersFile } from "./markers_file.ts";
   *
   * const warnings: string[] = [];
   * const file = new MarkersFile("/nonexistent/markers.json", { onWarning: (m) => warnings.push(m) });
   * equal(await file.load(), false);
   * equal(warnings.length, 1);
   * ```
   */
  load(): Promise<boolean> {
    return this.#serial(() => this.#refresh(true));
  }

  /**
   * Re-reads the file when its modification time or content changed since
   * it was last read (or it appeared). For the periodic check.
   *
   * @returns Whether the markers changed.
   *
   * @example Nothing changed
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { MarkersFile } from "./markers_file.ts";
   *
   * const file = new MarkersFile("/nonexistent/markers.json");
   * await file.load();
   * equal(await file.checkForChanges(), false);
   * ```
   */
  checkForChanges(): Promise<boolean> {
    return this.#serial(() => this.#refresh(false));
  }

  /**
   * Re-reads and re-parses the file now, changed or not (SIGHUP).
   *
   * @returns Whether the markers changed.
   *
   * @example SIGHUP with an unchanged file
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { MarkersFile } from "./markers_file.ts";
   *
   * const dir = await Deno.makeTempDir();
   * try {
   *   await Deno.writeTextFile(`${dir}/markers.json`, '{"markers":[{"frequency":1,"name":"A"}]}');
   *   const file = new MarkersFile(`${dir}/markers.json`);
   *   await file.load();
   *   equal(await file.reloadNow(), false);
   *   equal(file.markers.length, 1);
   * } finally {
   *   await Deno.remove(dir, { recursive: true });
   * }
   * ```
   */
  reloadNow(): Promise<boolean> {
    return this.#serial(() => this.#refresh(true));
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #refresh(force: boolean): Promise<boolean> {
    const result = await readFileSnapshot(this.path, this.#maxFileBytes);
    if (result.status !== "ok") {
      this.#unavailable(result);
      return false;
    }
    const same = this.#seen && result.mtimeMs === this.#mtimeMs &&
      result.checksum === this.#checksum;
    if (same && !force) return false;
    const failure = this.#failure;
    const firstRead = !this.#seen;
    this.#seen = true;
    this.#mtimeMs = result.mtimeMs;
    this.#checksum = result.checksum;
    let parsed: ReturnType<typeof parseMarkers>;
    try {
      parsed = parseMarkers(result.text, {
        maxMarkers: this.#maxMarkers,
        maxNameLength: this.#maxNameLength,
      });
    } catch (error) {
      // Warn once per bad content (the checksum is recorded above).
      if (!(same && failure === "invalid")) {
        const reason = error instanceof Error ? error.message : String(error);
        this.#warn(
          `${this.path}: ${reason}; keeping the ${this.#markers.length} markers loaded before`,
        );
      }
      this.#failure = "invalid";
      return false;
    }
    if (failure !== undefined) {
      this.#warn(
        firstRead
          ? `${this.path} found`
          : `${this.path} is ${
            failure === "invalid" ? "valid" : "readable"
          } again`,
      );
    }
    this.#failure = undefined;
    for (const warning of parsed.warnings) {
      this.#warn(`${this.path}: ${warning}`);
    }
    const json = markersJson(parsed.markers);
    if (json === this.#json) return false;
    this.#markers = Object.freeze(parsed.markers);
    this.#json = json;
    this.#version++;
    return true;
  }

  #unavailable(
    result: { status: "missing" } | { status: "error"; reason: string },
  ): void {
    if (this.#failure === "unavailable") return; // warned already
    this.#failure = "unavailable";
    // The next successful read must parse even if the content is the same.
    this.#checksum = undefined;
    const what = result.status === "missing"
      ? "not found"
      : `cannot be read (${result.reason})`;
    this.#warn(
      this.#markers.length > 0
        ? `${this.path} ${what}: keeping its last ${this.#markers.length} markers`
        : `${this.path} ${what}: no markers until it can be read`,
    );
  }
}
