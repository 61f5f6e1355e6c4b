/**
 * TOML loading with smol-toml: syntax errors become a {@link ConfigError}
 * with the file, line, column and smol-toml's message; tables come back as
 * ordinary objects. {@link locateTomlKeys} finds the line of a key for
 * validation messages.
 *
 * @module
 */

import { parse as parseTomlText, TomlError } from "smol-toml";
import {
  ConfigError,
  type ConfigIssue,
  type ConfigPathSegment,
} from "./errors.ts";
import { isTable, setOwn } from "./_object.ts";

/** Options of {@link parseToml}. */
export interface TomlParseOptions {
  /** The file name used in messages. */
  file?: string;
}

/**
 * Parses TOML text. Integers that do not fit a safe JavaScript integer,
 * unterminated strings, redefined tables and every other syntax error are
 * reported as a {@link ConfigError} (never another exception type); the
 * parser's own error is the `cause`. Dates are `TomlDate` objects (a `Date`
 * subclass).
 *
 * @example Usage
 * ```ts
 * import { deepEqual, throws } from "node:assert/strict";
 * import { parseToml } from "./toml.ts";
 *
 * deepEqual(parseToml('[server]\nport = 9002\nhtml_root = "html/"\n'), {
 *   server: { port: 9002, html_root: "html/" },
 * });
 * throws(() => parseToml("a = 1\nb = = 2\n", { file: "config.toml" }), {
 *   name: "ConfigError",
 *   message: "config.toml:2:5: Invalid TOML document: invalid value",
 * });
 * ```
 *
 * @param text The file's text.
 * @param options The file name for messages.
 * @returns The document as a plain object.
 * @throws {ConfigError} On any syntax error.
 */
export function parseToml(
  text: string,
  options: TomlParseOptions = {},
): Record<string, unknown> {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return toPlain(parseTomlText(source)) as Record<string, unknown>;
  } catch (error) {
    const issue: ConfigIssue = {};
    if (options.file !== undefined) issue.file = options.file;
    if (error instanceof TomlError) {
      issue.line = error.line;
      issue.column = error.column;
      issue.detail = firstLine(error.message);
    } else if (error instanceof RangeError) {
      // the call stack, on absurdly nested input (`a.a.a.….b = 1`)
      issue.detail = "Invalid TOML document: too deeply nested";
    } else {
      issue.detail = `Invalid TOML document: ${
        firstLine(error instanceof Error ? error.message : String(error))
      }`;
    }
    throw new ConfigError(issue, { cause: error });
  }
}

function firstLine(message: string): string {
  const end = message.indexOf("\n");
  return end < 0 ? message : message.slice(0, end);
}

/** Copies smol-toml's null-prototype tables into ordinary objects. */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (isTable(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(out, key, toPlain(value[key]));
    return out;
  }
  return value;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const KEY_CHARS = /^[A-Za-z0-9_.\s"'-]+$/;

/** Splits a dotted TOML key (bare or simply quoted parts), or undefined. */
function splitKey(text: string): string[] | undefined {
  const parts: string[] = [];
  for (const raw of text.split(".")) {
    const part = raw.trim();
    if (BARE_KEY.test(part)) parts.push(part);
    else if (/^"[^"\\]*"$|^'[^']*'$/.test(part)) parts.push(part.slice(1, -1));
    else return undefined;
  }
  return parts;
}

/**
 * Finds the line of each key of a TOML document, for validation messages:
 * returns a function from a path (`["server", "port"]`) to its 1-based line.
 * It reads `[table]` headers and `key = value` lines (bare, dotted or simply
 * quoted keys); keys it cannot place (arrays of tables, inline tables,
 * multi-line values) have no line. Only a hint: the values come from
 * {@link parseToml}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { locateTomlKeys } from "./toml.ts";
 *
 * const lineOf = locateTomlKeys("[server]\nport = 70000\n");
 * equal(lineOf(["server", "port"]), 2);
 * equal(lineOf(["server"]), 1);
 * equal(lineOf(["input"]), undefined);
 * ```
 *
 * @param text The file's text.
 * @returns A function from a key path to its line.
 */
export function locateTomlKeys(
  text: string,
): (path: readonly ConfigPathSegment[]) => number | undefined {
  const found = new Map<string, number>();
  const record = (parts: readonly string[], line: number): void => {
    const key = JSON.stringify(parts);
    if (!found.has(key)) found.set(key, line);
  };
  let table: string[] | undefined = [];
  let inMultiline = false;
  const rows = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index].trim();
    const quotes = (row.match(/"""|'''/g) ?? []).length;
    if (inMultiline) {
      if (quotes % 2 === 1) inMultiline = false;
      continue;
    }
    if (row === "" || row.startsWith("#")) continue;
    if (row.startsWith("[[")) {
      table = undefined; // arrays of tables: lines unknown
      continue;
    }
    if (row.startsWith("[")) {
      const close = row.indexOf("]");
      const rest = close < 0 ? "" : row.slice(close + 1).trim();
      table = close > 0 && (rest === "" || rest.startsWith("#"))
        ? splitKey(row.slice(1, close))
        : undefined;
      if (table !== undefined) {
        for (let depth = 1; depth <= table.length; depth++) {
          record(table.slice(0, depth), index + 1);
        }
      }
      continue;
    }
    const equals = row.indexOf("=");
    const keyText = equals > 0 ? row.slice(0, equals) : "";
    if (table !== undefined && KEY_CHARS.test(keyText)) {
      const parts = splitKey(keyText);
      if (parts !== undefined) {
        for (let depth = 1; depth <= parts.length; depth++) {
          record([...table, ...parts.slice(0, depth)], index + 1);
        }
      }
    }
    if (quotes % 2 === 1) inMultiline = true;
  }
  return (path) => {
    // The leading keys; a number after them is an item of an array value,
    // which is reported at the array's line.
    const parts: string[] = [];
    for (const segment of path) {
      if (typeof segment !== "string") break;
      parts.push(segment);
    }
    return parts.length === 0 ? undefined : found.get(JSON.stringify(parts));
  };
}
