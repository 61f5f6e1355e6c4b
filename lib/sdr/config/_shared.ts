/**
 * Internal helpers shared by the SDR configuration readers: path
 * resolution, issue building with line numbers, note formatting.
 *
 * @module
 */

import { dirname, isAbsolute, resolve } from "node:path";
import type { ConfigIssue, ConfigPathSegment } from "../../core/config/mod.ts";
import type {
  SdrInputField,
  SdrInputNote,
  SdrInputProblem,
} from "./resolve_input.ts";

/**
 * A line lookup of a configuration file (see `locateTomlKeys`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LineOf } from "./_shared.ts";
 *
 * const lineOf: LineOf = (path) => path[0] === "input" ? 5 : undefined;
 * equal(lineOf(["input", "sps"]), 5);
 * ```
 */
export type LineOf = (
  path: readonly ConfigPathSegment[],
) => number | undefined;

/**
 * Resolves a path written in a configuration file: absolute paths stay,
 * relative ones are taken relative to the file's directory.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { resolveConfigPath } from "./_shared.ts";
 *
 * equal(resolveConfigPath("/opt/sdr/config.toml", "markers.json"), "/opt/sdr/markers.json");
 * equal(resolveConfigPath("/opt/sdr/config.toml", "/srv/www"), "/srv/www");
 * ```
 *
 * @param configFile The configuration file's path.
 * @param path The path written in it.
 * @returns The resolved path.
 */
export function resolveConfigPath(configFile: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(configFile), path);
}

/**
 * The line of a key, or of the nearest enclosing table that has one (an
 * absent key is reported at its table's header).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { lineNear } from "./_shared.ts";
 *
 * const lineOf = (path: readonly (string | number)[]) => path.length === 1 ? 3 : undefined;
 * equal(lineNear(lineOf, ["input", "sps"]), 3);
 * ```
 *
 * @param lineOf The line lookup.
 * @param path The key path.
 * @returns The line, when one is known.
 */
export function lineNear(
  lineOf: LineOf | undefined,
  path: readonly ConfigPathSegment[],
): number | undefined {
  if (lineOf === undefined) return undefined;
  for (let depth = path.length; depth > 0; depth--) {
    const line = lineOf(path.slice(0, depth));
    if (line !== undefined) return line;
  }
  return undefined;
}

/**
 * Builds one configuration problem at `path` (line of the key, or of its
 * table when the key is absent).
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { issueAt } from "./_shared.ts";
 *
 * deepEqual(issueAt("a.toml", () => 4, ["input", "sps"], "a rate", "number 0"), {
 *   file: "a.toml", line: 4, key: "input.sps", path: ["input", "sps"],
 *   expected: "a rate", found: "number 0",
 * });
 * ```
 *
 * @param file The file.
 * @param lineOf The line lookup.
 * @param path The key path.
 * @param expected What was expected.
 * @param found What was found.
 * @returns The problem.
 */
export function issueAt(
  file: string,
  lineOf: LineOf | undefined,
  path: readonly ConfigPathSegment[],
  expected: string,
  found: string,
): ConfigIssue {
  const issue: ConfigIssue = { file };
  const line = lineNear(lineOf, path);
  if (line !== undefined) issue.line = line;
  issue.key = path.join(".");
  issue.path = [...path];
  issue.expected = expected;
  issue.found = found;
  return issue;
}

/**
 * Formats where a key is, for notes: `FILE:LINE: KEY` (or `FILE: KEY`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { whereOf } from "./_shared.ts";
 *
 * equal(whereOf("config.toml", () => 7, ["input", "fft_threads"]), "config.toml:7: input.fft_threads");
 * ```
 *
 * @param file The file.
 * @param lineOf The line lookup.
 * @param path The key path.
 * @returns The location text.
 */
export function whereOf(
  file: string,
  lineOf: LineOf | undefined,
  path: readonly ConfigPathSegment[],
): string {
  const line = lineNear(lineOf, path);
  return `${file}${line === undefined ? "" : `:${line}`}: ${path.join(".")}`;
}

/**
 * Formats an unknown-key warning of the schema library as a note:
 * `FILE:LINE: KEY: unknown key, ignored` (`unknown table` at the top level).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { unknownKeyNote } from "./_shared.ts";
 *
 * equal(
 *   unknownKeyNote({ file: "config.toml", line: 3, key: "input.foo", path: ["input", "foo"] }),
 *   "config.toml:3: input.foo: unknown key, ignored",
 * );
 * ```
 *
 * @param issue The warning.
 * @returns The note.
 */
export function unknownKeyNote(issue: ConfigIssue): string {
  const where = issue.file === undefined
    ? ""
    : issue.line === undefined
    ? `${issue.file}: `
    : `${issue.file}:${issue.line}: `;
  const isTable = issue.path !== undefined && issue.path.length === 1;
  return `${where}${issue.key}: unknown ${isTable ? "table" : "key"}, ignored`;
}

/**
 * Tells whether `value` is a power of two from `min` to `max`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isPowerOfTwo } from "./_shared.ts";
 *
 * equal(isPowerOfTwo(131072, 32, 2 ** 23), true);
 * equal(isPowerOfTwo(100000, 32, 2 ** 23), false);
 * ```
 *
 * @param value The number.
 * @param min The smallest accepted.
 * @param max The largest accepted.
 * @returns Whether it is.
 */
export function isPowerOfTwo(value: number, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= min && value <= max &&
    Math.log2(value) % 1 === 0;
}

/**
 * Turns the problems and notes of `resolveSdrInput` into configuration
 * issues and note lines located at the keys of one file format.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { locateInputReport } from "./_shared.ts";
 *
 * const { issues, notes } = locateInputReport(
 *   { problems: [{ field: "sps", expected: "a rate", found: "number 0" }], notes: [] },
 *   { file: "config.toml", lineOf: () => 3, keyOf: (field) => ["input", field] },
 * );
 * equal(issues[0].key, "input.sps");
 * equal(notes.length, 0);
 * ```
 *
 * @param report The problems and notes.
 * @param options The file, its line lookup and the key path of each field.
 * @returns The issues and the note lines.
 */
export function locateInputReport(
  report: {
    problems: readonly SdrInputProblem[];
    notes: readonly SdrInputNote[];
  },
  options: {
    file: string;
    lineOf?: LineOf;
    keyOf: (field: SdrInputField) => readonly ConfigPathSegment[];
  },
): { issues: ConfigIssue[]; notes: string[] } {
  const { file, lineOf, keyOf } = options;
  return {
    issues: report.problems.map((problem) =>
      issueAt(
        file,
        lineOf,
        keyOf(problem.field),
        problem.expected,
        problem.found,
      )
    ),
    notes: report.notes.map((note) =>
      `${whereOf(file, lineOf, keyOf(note.field))}: ${note.text}`
    ),
  };
}
