/**
 * The error of a bad configuration ({@link ConfigError}, exit code 78,
 * EX_CONFIG) and the helpers that render its problems as
 * `FILE[:LINE[:COLUMN]]: KEY: expected X, found Y`.
 *
 * @module
 */

import { ExitCode } from "../exit_codes.ts";

/** One step of a path into a configuration: a key, or an array index. */
export type ConfigPathSegment = string | number;

/**
 * One problem found in a configuration. A problem either has `expected` and
 * `found` (a value of the wrong type or out of range, an unknown key, a
 * malformed line), or a free-form `detail` (a missing file, a TOML syntax
 * error).
 */
export interface ConfigIssue {
  /** The file the problem is in, as given by the caller. */
  file?: string;
  /** The 1-based line, when known. */
  line?: number;
  /** The 1-based column, when known (syntax errors). */
  column?: number;
  /** The dotted path of the key: `server.port`, `General.Port`, `list[2]`. */
  key?: string;
  /** The path of the key as segments, when it came from a schema. */
  path?: readonly ConfigPathSegment[];
  /** What was expected, e.g. `an integer from 1 to 65535`. */
  expected?: string;
  /** What was found, e.g. `number 70000` (see {@link describeFound}). */
  found?: string;
  /** The problem in words, when `expected` / `found` do not fit. */
  detail?: string;
}

/** The most problems listed in a {@link ConfigError} message. */
const MAX_LISTED_ISSUES = 50;
/** The longest rendering of a found value, in characters. */
const MAX_FOUND_LENGTH = 60;

/**
 * Formats a path as a dotted key: strings joined with `.`, array indexes as
 * `[n]`. The empty path is the empty string.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatConfigPath } from "./errors.ts";
 *
 * equal(formatConfigPath(["server", "port"]), "server.port");
 * equal(formatConfigPath(["DGID", "list", 2]), "DGID.list[2]");
 * ```
 *
 * @param path The segments of the path.
 * @returns The dotted key.
 */
export function formatConfigPath(
  path: readonly ConfigPathSegment[],
): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}

/**
 * Renders a value as its type and a short JSON form, for the "found" part of
 * a message: `string "abc"`, `number 70000`, `boolean true`, `array [1,2]`,
 * `table {"a":1}`, `null`, and `nothing` for a missing value (`undefined`).
 * Long renderings are cut to 60 characters and end with `…`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { describeFound } from "./errors.ts";
 *
 * equal(describeFound("abc"), 'string "abc"');
 * equal(describeFound(70000), "number 70000");
 * equal(describeFound(undefined), "nothing");
 * ```
 *
 * @param value Any value.
 * @returns The value's type and a short rendering of it.
 */
export function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return `string ${shorten(JSON.stringify(value))}`;
    case "number":
      return `number ${String(value)}`;
    case "bigint":
      return `integer ${shorten(String(value))}`;
    case "boolean":
      return `boolean ${value}`;
    case "function":
    case "symbol":
      return typeof value;
  }
  if (value instanceof Date) {
    const time = value.getTime();
    return `date ${Number.isNaN(time) ? "(invalid)" : shorten(String(value))}`;
  }
  const kind = Array.isArray(value) ? "array" : "table";
  return `${kind} ${shorten(safeJson(value))}`;
}

/**
 * Formats one problem as one line:
 * `FILE[:LINE[:COLUMN]]: KEY: expected X, found Y` (or the `detail` in place
 * of the expected/found part). Absent parts are left out.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatConfigIssue } from "./errors.ts";
 *
 * equal(
 *   formatConfigIssue({
 *     file: "shack.toml",
 *     line: 3,
 *     key: "server.port",
 *     expected: "an integer from 1 to 65535",
 *     found: "number 70000",
 *   }),
 *   "shack.toml:3: server.port: expected an integer from 1 to 65535, found number 70000",
 * );
 * ```
 *
 * @param issue The problem.
 * @returns The problem as one line.
 */
export function formatConfigIssue(issue: ConfigIssue): string {
  const parts: string[] = [];
  if (issue.file !== undefined) {
    let where = issue.file;
    if (issue.line !== undefined) {
      where += `:${issue.line}`;
      if (issue.column !== undefined) where += `:${issue.column}`;
    }
    parts.push(where);
  } else if (issue.line !== undefined) {
    parts.push(
      issue.column !== undefined
        ? `line ${issue.line}, column ${issue.column}`
        : `line ${issue.line}`,
    );
  }
  if (issue.key !== undefined && issue.key !== "") parts.push(issue.key);
  if (issue.expected !== undefined || issue.found !== undefined) {
    const body = [
      issue.expected !== undefined ? `expected ${issue.expected}` : undefined,
      issue.found !== undefined ? `found ${issue.found}` : undefined,
    ].filter((part) => part !== undefined).join(", ");
    parts.push(
      issue.detail !== undefined ? `${issue.detail}: ${body}` : body,
    );
  } else {
    parts.push(issue.detail ?? "invalid configuration");
  }
  return parts.join(": ");
}

/**
 * A bad configuration: a missing or unreadable file, a syntax error, or
 * values that do not match the schema. The CLI catches it and exits with
 * {@link ConfigError.exitCode} (78, EX_CONFIG).
 *
 * `issues` lists every problem found (at least one); the message lists them
 * all, one per line (at most 50, then a count of the rest). The `file`,
 * `key`, `line`, `column`, `expected` and `found` fields are those of the
 * first problem.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ConfigError } from "./errors.ts";
 *
 * const error = new ConfigError([
 *   { file: "a.toml", key: "port", expected: "an integer", found: 'string "x"' },
 *   { file: "a.toml", key: "host", expected: "a string", found: "number 1" },
 * ]);
 * equal(error.exitCode, 78);
 * equal(error.key, "port");
 * equal(
 *   error.message,
 *   "2 problems in the configuration\n" +
 *     '  a.toml: port: expected an integer, found string "x"\n' +
 *     "  a.toml: host: expected a string, found number 1",
 * );
 * ```
 */
export class ConfigError extends Error {
  /** The process exit code for a bad configuration: 78 (EX_CONFIG). */
  readonly exitCode: typeof ExitCode.Config = ExitCode.Config;
  /** The file of the first problem. */
  readonly file?: string;
  /** The dotted key of the first problem. */
  readonly key?: string;
  /** The 1-based line of the first problem, when known. */
  readonly line?: number;
  /** The 1-based column of the first problem, when known. */
  readonly column?: number;
  /** What was expected at the first problem. */
  readonly expected?: string;
  /** What was found at the first problem. */
  readonly found?: string;
  /** Every problem found, at least one. */
  readonly issues: readonly ConfigIssue[];

  /**
   * Creates the error from one problem or from a list of problems.
   *
   * @param issues One problem, or all the problems found (an empty list is
   * treated as one problem without details).
   * @param options `cause`, e.g. the parser's own error.
   */
  constructor(
    issues: ConfigIssue | readonly ConfigIssue[],
    options?: ErrorOptions,
  ) {
    const list: readonly ConfigIssue[] = Array.isArray(issues)
      ? (issues.length > 0 ? [...issues] : [{}])
      : [issues as ConfigIssue];
    super(formatMessage(list), options);
    this.name = "ConfigError";
    this.issues = list;
    const first = list[0];
    this.file = first.file;
    this.key = first.key;
    this.line = first.line;
    this.column = first.column;
    this.expected = first.expected;
    this.found = first.found;
  }
}

function formatMessage(issues: readonly ConfigIssue[]): string {
  if (issues.length === 1) return formatConfigIssue(issues[0]);
  const lines = [`${issues.length} problems in the configuration`];
  for (const issue of issues.slice(0, MAX_LISTED_ISSUES)) {
    lines.push(`  ${formatConfigIssue(issue)}`);
  }
  if (issues.length > MAX_LISTED_ISSUES) {
    lines.push(`  and ${issues.length - MAX_LISTED_ISSUES} more`);
  }
  return lines.join("\n");
}

function shorten(text: string): string {
  return text.length <= MAX_FOUND_LENGTH
    ? text
    : `${text.slice(0, MAX_FOUND_LENGTH - 1)}…`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(
      value,
      (_key, item) => typeof item === "bigint" ? String(item) : item,
    ) ?? String(value);
  } catch {
    return "(unprintable)";
  }
}
