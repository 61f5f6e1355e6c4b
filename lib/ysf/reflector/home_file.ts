/**
 * The pYSFReflector3 home file (`[DGID] home`, e.g. `home.db`): lines
 * `CALL:DGID:minutes` giving a gateway a home DG-ID, either fixed
 * (minutes < 0) or with a back-to-home timer (0 → 15 minutes) (reference
 * ysf.md §3.2). Pure: text in, entries out.
 *
 * @module
 */

import { type RuleFileWarning, RuleFileWarnings } from "./acl.ts";

/**
 * One home-file entry.
 *
 * @example An entry
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseHomeFile, type HomeEntry } from "./home_file.ts";
 *
 * const [entry]: HomeEntry[] = parseHomeFile("IK5XMK:9:10\n").entries;
 * deepEqual(entry, { gateway: "IK5XMK", dgid: 9, fixed: false, timeoutMs: 600_000 });
 * ```
 */
export interface HomeEntry {
  /** The gateway callsign (YSFP), upper-cased. */
  gateway: string;
  /** The home DG-ID, 1..127. */
  dgid: number;
  /** `true` for minutes < 0: the gateway always sits in `dgid`. */
  fixed: boolean;
  /** The back-to-home time in milliseconds (0 when fixed). */
  timeoutMs: number;
}

/**
 * What {@link parseHomeFile} returns.
 *
 * @example Result
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseHomeFile, type HomeFile } from "./home_file.ts";
 *
 * const file: HomeFile = parseHomeFile("# none\n");
 * equal(file.entries.length, 0);
 * ```
 */
export interface HomeFile {
  /** The entries, in file order; a gateway listed twice keeps its first. */
  entries: HomeEntry[];
  /** Lines that were not used. */
  warnings: RuleFileWarning[];
}

/**
 * Options of {@link parseHomeFile}.
 *
 * @example Restricting to listed DG-IDs
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseHomeFile, type HomeFileOptions } from "./home_file.ts";
 *
 * const options: HomeFileOptions = { allowedDgids: [1, 9, 50] };
 * equal(parseHomeFile("GW1:22:5\n", options).entries.length, 0);
 * ```
 */
export interface HomeFileOptions {
  /**
   * The reflector's DG-ID list; entries with another DG-ID are ignored with
   * a warning (as pYSFReflector3: "Invalid record in Home file"). Default:
   * any DG-ID 1..127.
   */
  allowedDgids?: readonly number[];
  /** The most entries kept; default 100 000. */
  maxEntries?: number;
}

const INTEGER = /^[+-]?\d+$/;

/**
 * Parses a home file. Lines of 3 characters or fewer and lines starting
 * with `#` are ignored; every other line must be `CALL:DGID:minutes` with
 * integer DG-ID (> 0) and minutes: minutes < 0 make the room fixed, 0 means
 * 15 minutes. Fields are trimmed and the callsign upper-cased (more
 * forgiving than pYSFReflector3, which compares exactly).
 *
 * @param text The file content.
 * @param options DG-ID list and entry cap.
 * @returns The entries and warnings.
 *
 * @example Fixed and back-to-home entries
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseHomeFile } from "./home_file.ts";
 *
 * const { entries } = parseHomeFile("# back to home\nGW1:9:-1\nGW2:50:0\n");
 * deepEqual(entries, [
 *   { gateway: "GW1", dgid: 9, fixed: true, timeoutMs: 0 },
 *   { gateway: "GW2", dgid: 50, fixed: false, timeoutMs: 900_000 },
 * ]);
 * ```
 */
export function parseHomeFile(
  text: string,
  options: HomeFileOptions = {},
): HomeFile {
  const allowed = options.allowedDgids === undefined
    ? undefined
    : new Set(options.allowedDgids);
  const max = options.maxEntries ?? 100_000;
  const entries: HomeEntry[] = [];
  const seen = new Set<string>();
  const warnings = new RuleFileWarnings();
  const lines = text.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.length <= 3 || line.startsWith("#")) continue;
    const parts = line.split(":").map((p) => p.trim());
    if (parts.length !== 3) {
      warnings.add(
        i + 1,
        line,
        `Expected CALL:DGID:minutes, found ${parts.length} fields`,
      );
      continue;
    }
    const [call, dgidText, minutesText] = parts;
    if (call === "" || !INTEGER.test(dgidText) || !INTEGER.test(minutesText)) {
      warnings.add(
        i + 1,
        line,
        "Expected a callsign and integer DG-ID and minutes",
      );
      continue;
    }
    const dgid = Number(dgidText);
    const minutes = Number(minutesText);
    if (
      dgid < 1 || dgid > 127 || (allowed !== undefined && !allowed.has(dgid))
    ) {
      warnings.add(
        i + 1,
        line,
        `Expected a DG-ID of the reflector's list, found ${dgid}`,
      );
      continue;
    }
    const gateway = call.toUpperCase();
    if (seen.has(gateway)) {
      warnings.add(i + 1, line, `Expected ${gateway} once, found it again`);
      continue;
    }
    if (entries.length >= max) {
      warnings.add(i + 1, line, `Expected at most ${max} entries`);
      continue;
    }
    seen.add(gateway);
    const fixed = minutes < 0;
    entries.push({
      gateway,
      dgid,
      fixed,
      timeoutMs: fixed ? 0 : (minutes === 0 ? 15 : minutes) * 60_000,
    });
  }
  return { entries, warnings: warnings.finish() };
}
