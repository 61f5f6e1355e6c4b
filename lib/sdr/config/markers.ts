/**
 * PhantomSDR+'s `markers.json` ({@link parseMarkers}): the frequency
 * labels the frontend draws over the waterfall, sent to every client as the
 * settings JSON's `markers` field — a *string* holding
 * `{"markers":[{"frequency":Hz,"name":"…","mode":"USB"},…]}`
 * ({@link markersJson}).
 *
 * PhantomSDR+ sends the file's JSON as it is, whatever it holds; shack
 * checks it and rewrites it: at most 10 000 markers, each with a finite
 * frequency ≥ 0, a name of at most 128 characters (longer ones are cut) and
 * a mode of at most 16 (default `USB`). Bad entries are skipped with a
 * warning; a file that is not JSON, or not a `markers` list, is refused
 * as a whole (the caller keeps the markers it had).
 *
 * @module
 */

/**
 * One marker.
 *
 * @example A marker
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Marker } from "./markers.ts";
 *
 * const marker: Marker = { frequency: 7_074_000, name: "FT8", mode: "USB" };
 * equal(marker.name, "FT8");
 * ```
 */
export interface Marker {
  /** Frequency, Hz. */
  frequency: number;
  /** The label. */
  name: string;
  /** The mode the frontend tunes to when the label is clicked. */
  mode: string;
}

/**
 * Options of {@link parseMarkers}.
 *
 * @example Tighter limits
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ParseMarkersOptions } from "./markers.ts";
 *
 * const options: ParseMarkersOptions = { maxMarkers: 500, maxNameLength: 40 };
 * equal(options.maxMarkers, 500);
 * ```
 */
export interface ParseMarkersOptions {
  /** Most markers kept; later ones are dropped with a warning. Default 10 000. */
  maxMarkers?: number;
  /** Longest name, in characters; longer ones are cut. Default 128. */
  maxNameLength?: number;
}

/**
 * The result of {@link parseMarkers}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseMarkers, type ParsedMarkers } from "./markers.ts";
 *
 * const parsed: ParsedMarkers = parseMarkers('{"markers":[]}');
 * equal(parsed.markers.length, 0);
 * equal(parsed.warnings.length, 0);
 * ```
 */
export interface ParsedMarkers {
  /** The markers, in file order. */
  markers: Marker[];
  /** Entries skipped or shortened, one line each (at most 8 lines). */
  warnings: string[];
}

/**
 * Default most markers kept from one file.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_MARKERS } from "./markers.ts";
 *
 * equal(MAX_MARKERS, 10_000);
 * ```
 */
export const MAX_MARKERS = 10_000;

/**
 * Default longest marker name, in characters (longer names are cut).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_MARKER_NAME_LENGTH } from "./markers.ts";
 *
 * equal(MAX_MARKER_NAME_LENGTH, 128);
 * ```
 */
export const MAX_MARKER_NAME_LENGTH = 128;
/** Longest mode, characters. */
const MAX_MODE_LENGTH = 16;
/** Highest frequency accepted, Hz (1 THz). */
const MAX_FREQUENCY = 1e12;
/** Entry warnings given one by one; the rest are counted. */
const LISTED_WARNINGS = 5;

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    const text = value.length > 40 ? `${value.slice(0, 39)}…` : value;
    return `string ${JSON.stringify(text)}`;
  }
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join("");
}

function readFrequency(value: unknown): number | undefined {
  const number = typeof value === "number"
    ? value
    : typeof value === "string" && /^\s*\d+(?:\.\d*)?\s*$/.test(value)
    ? Number(value)
    : NaN;
  return Number.isFinite(number) && number >= 0 && number <= MAX_FREQUENCY
    ? number
    : undefined;
}

/**
 * Parses a PhantomSDR+ `markers.json`: `{"markers":[…]}` (or a bare list).
 * Each entry needs a `frequency` (a number, or a string of digits) and a
 * `name` (a string or number); `mode` defaults to `USB`; other keys are
 * dropped.
 *
 * @example A file with one bad entry
 * ```ts
 * import { deepEqual, equal, throws } from "node:assert/strict";
 * import { parseMarkers } from "./markers.ts";
 *
 * const { markers, warnings } = parseMarkers(JSON.stringify({
 *   markers: [
 *     { frequency: 7074000, name: "FT8", mode: "USB" },
 *     { frequency: "oops", name: "bad" },
 *     { frequency: 77500, name: "DCF77" },
 *   ],
 * }));
 * deepEqual(markers, [
 *   { frequency: 7074000, name: "FT8", mode: "USB" },
 *   { frequency: 77500, name: "DCF77", mode: "USB" },
 * ]);
 * equal(warnings.length, 1);
 * throws(() => parseMarkers("{ not json"), SyntaxError);
 * throws(() => parseMarkers('{"markers": 3}'), TypeError);
 * ```
 *
 * @param text The file's text.
 * @param options Limits.
 * @returns The markers and the warnings.
 * @throws {SyntaxError} If the text is not JSON.
 * @throws {TypeError} If it is not a `markers` list.
 */
export function parseMarkers(
  text: string,
  options: ParseMarkersOptions = {},
): ParsedMarkers {
  const maxMarkers = options.maxMarkers ?? MAX_MARKERS;
  const maxName = options.maxNameLength ?? MAX_MARKER_NAME_LENGTH;
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const document: unknown = JSON.parse(body);
  let entries: unknown;
  if (Array.isArray(document)) {
    entries = document;
  } else if (typeof document === "object" && document !== null) {
    entries = (document as Record<string, unknown>).markers;
  }
  if (!Array.isArray(entries)) {
    throw new TypeError(
      `Expected a JSON object with a "markers" list, found ${
        Array.isArray(document) || typeof document !== "object" ||
          document === null
          ? describe(document)
          : `"markers" ${
            entries === undefined ? "missing" : `as ${describe(entries)}`
          }`
      }`,
    );
  }
  const markers: Marker[] = [];
  const warnings: string[] = [];
  let skipped = 0;
  let shortened = 0;
  const skip = (index: number, why: string) => {
    skipped++;
    if (skipped <= LISTED_WARNINGS) {
      warnings.push(`marker ${index}: ${why}, ignored`);
    }
  };
  const count = Math.min(entries.length, maxMarkers);
  for (let index = 0; index < count; index++) {
    const entry: unknown = entries[index];
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      skip(index, `expected an object, found ${describe(entry)}`);
      continue;
    }
    const fields = entry as Record<string, unknown>;
    const frequency = readFrequency(fields.frequency);
    if (frequency === undefined) {
      skip(
        index,
        `expected a frequency in Hz from 0 to ${MAX_FREQUENCY}, found ${
          describe(fields.frequency)
        }`,
      );
      continue;
    }
    const rawName = fields.name;
    if (typeof rawName !== "string" && typeof rawName !== "number") {
      skip(index, `expected a name, found ${describe(rawName)}`);
      continue;
    }
    const rawMode = fields.mode;
    if (rawMode !== undefined && typeof rawMode !== "string") {
      skip(index, `expected a mode name, found ${describe(rawMode)}`);
      continue;
    }
    const fullName = String(rawName);
    const name = cut(fullName, maxName);
    if (name !== fullName) shortened++;
    const mode = cut((rawMode ?? "").trim(), MAX_MODE_LENGTH) || "USB";
    markers.push({ frequency, name, mode });
  }
  if (skipped > LISTED_WARNINGS) {
    warnings.push(`and ${skipped - LISTED_WARNINGS} more markers ignored`);
  }
  if (shortened > 0) {
    warnings.push(
      `${shortened} marker name(s) longer than ${maxName} characters cut`,
    );
  }
  if (entries.length > maxMarkers) {
    warnings.push(
      `${
        entries.length - maxMarkers
      } markers beyond the first ${maxMarkers} ignored`,
    );
  }
  return { markers, warnings };
}

/**
 * The settings JSON's `markers` value: a string holding
 * `{"markers":[…]}`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { markersJson } from "./markers.ts";
 *
 * equal(
 *   markersJson([{ frequency: 7074000, name: "FT8", mode: "USB" }]),
 *   '{"markers":[{"frequency":7074000,"name":"FT8","mode":"USB"}]}',
 * );
 * ```
 *
 * @param markers The markers.
 * @returns The JSON text.
 */
export function markersJson(markers: readonly Marker[]): string {
  return JSON.stringify({
    markers: markers.map((marker) => ({
      frequency: marker.frequency,
      name: marker.name,
      mode: marker.mode,
    })),
  });
}
