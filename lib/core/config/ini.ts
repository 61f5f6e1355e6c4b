/**
 * An INI parser that reads the peers' files unchanged: G4KLX's
 * `YSFReflector.ini` (hand-written C++ parser) and pYSFReflector3's
 * `pysfreflector.ini` (Python `configparser`), keeping the line of every
 * section and key for error messages.
 *
 * Rules common to both dialects:
 * - a UTF-8 byte order mark is ignored; lines end with LF, CRLF or CR;
 * - blank lines and lines whose first non-blank character is `#` or `;` are
 *   comments (G4KLX only knows `#` in column 1; a `;` line there would be an
 *   unknown key, so treating it as a comment changes nothing);
 * - `[name]` opens a section (the name is trimmed; text after the last `]`
 *   is ignored, as both peers do); a section opened twice is merged;
 * - `key = value`: whitespace around the key and the value is removed
 *   (G4KLX keeps a space after `=` in the value and reads `Key = Value` as
 *   the key `Key` with value `= Value`; we are more lenient);
 * - a key set twice keeps the last value (configparser would refuse the file
 *   with a DuplicateOptionError; G4KLX keeps the last);
 * - keys before the first section go to the section `""` (configparser
 *   refuses them, G4KLX ignores them); `[DEFAULT]` is an ordinary section
 *   (configparser's fallback of every section to DEFAULT is not reproduced);
 * - a line that is not a comment, a section header or `key<separator>value`
 *   is an error naming the file and the line (configparser refuses it too;
 *   G4KLX ignores it); all such lines are reported at once;
 * - keys are case-sensitive unless `caseSensitiveKeys: false`, which lower-
 *   cases them as configparser's `optionxform` does (section names stay
 *   case-sensitive, as in configparser).
 *
 * Dialect `"configparser"` (default):
 * - `=` and `:` separate key and value (the first of either);
 * - no inline comments: `Port = 42000 # x` has the value `42000 # x`
 *   (configparser's default `inline_comment_prefixes=None`); quotes are kept;
 * - continuation lines: a line indented deeper than its key continues the
 *   value (joined with `\n`; blank lines inside are kept, trailing ones
 *   dropped); comment lines inside are skipped;
 * - no `%` interpolation (configparser's BasicInterpolation would turn `%%`
 *   into `%`).
 *
 * Dialect `"g4klx"`:
 * - only `=` separates key and value;
 * - a value in double quotes loses its quotes and keeps any `#`
 *   (`Name="YSF #1"` → `YSF #1`); an unquoted value ends at its first `#`
 *   (`Port=42000 # x` → `42000`), as in the current G4KLX `CConf::read()`;
 * - no continuation lines: an indented line is an ordinary line.
 *
 * @module
 */

import {
  ConfigError,
  type ConfigIssue,
  type ConfigPathSegment,
} from "./errors.ts";
import { setOwn } from "./_object.ts";

/** The INI dialect: which peer's parser to match. */
export type IniDialect = "configparser" | "g4klx";

/** Options of {@link parseIni}. */
export interface IniParseOptions {
  /** The file name used in messages. */
  file?: string;
  /** Which peer's rules to follow. Default `"configparser"`. */
  dialect?: IniDialect;
  /**
   * Keep the case of keys. Default true. Pass false for pYSFReflector3 files:
   * configparser lower-cases option names (`Name` is read as `name`).
   */
  caseSensitiveKeys?: boolean;
}

/** The values of an INI file: section → key → value. */
export type IniSections = Record<string, Record<string, string>>;

interface SectionLines {
  line: number;
  keys: Map<string, number>;
}

/**
 * A parsed INI file: its values ({@link IniDocument.sections}) and the line
 * of each section and key ({@link IniDocument.lineOf}).
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { parseIni } from "./ini.ts";
 *
 * const doc = parseIni("[Network]\nPort=42000\n");
 * deepEqual(doc.sections, { Network: { Port: "42000" } });
 * equal(doc.lineOf("Network", "Port"), 2);
 * ```
 */
export class IniDocument {
  /** The values: section → key → value. */
  readonly sections: IniSections;
  readonly #lines: Map<string, SectionLines>;
  readonly #caseSensitiveKeys: boolean;

  /**
   * Wraps parsed values; use {@link parseIni} rather than this constructor.
   *
   * @param sections The values.
   * @param lines Section → its first line and the last line of each key.
   * @param caseSensitiveKeys Whether keys kept their case.
   */
  constructor(
    sections: IniSections,
    lines: Map<string, SectionLines>,
    caseSensitiveKeys: boolean,
  ) {
    this.sections = sections;
    this.#lines = lines;
    this.#caseSensitiveKeys = caseSensitiveKeys;
  }

  /**
   * The 1-based line where a key was (last) set, or where a section was first
   * opened when `key` is omitted.
   *
   * @param section The section name (`""` for keys before any section).
   * @param key The key (lower-cased first when keys are case-insensitive).
   * @returns The line, or undefined when absent.
   */
  lineOf(section: string, key?: string): number | undefined {
    const entry = this.#lines.get(section);
    if (entry === undefined) return undefined;
    if (key === undefined) return entry.line;
    return entry.keys.get(this.#caseSensitiveKeys ? key : key.toLowerCase());
  }

  /**
   * The line of a schema path (`[section, key, ...]`), for
   * `parse(..., { lineOf })`: items inside a value report the key's line.
   *
   * @param path The path of a value.
   * @returns The line, or undefined when unknown.
   */
  lineOfPath(path: readonly ConfigPathSegment[]): number | undefined {
    const [section, key] = path;
    if (typeof section !== "string") return undefined;
    if (path.length === 1) return this.lineOf(section);
    return typeof key === "string" ? this.lineOf(section, key) : undefined;
  }
}

const MAX_QUOTED = 60;

function quoteLine(text: string): string {
  return JSON.stringify(
    text.length <= MAX_QUOTED ? text : `${text.slice(0, MAX_QUOTED - 1)}…`,
  );
}

function isComment(trimmed: string): boolean {
  return trimmed.startsWith("#") || trimmed.startsWith(";");
}

function g4klxValue(raw: string): string {
  const value = raw.trim();
  if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1);
  }
  const hash = value.indexOf("#");
  return (hash >= 0 ? value.slice(0, hash) : value).trimEnd();
}

function separatorIndex(text: string, dialect: IniDialect): number {
  const equals = text.indexOf("=");
  if (dialect === "g4klx") return equals;
  const colon = text.indexOf(":");
  if (equals < 0) return colon;
  if (colon < 0) return equals;
  return Math.min(equals, colon);
}

/**
 * Parses INI text into sections of string values, with line numbers. See the
 * module documentation for the exact rules of each dialect.
 *
 * @example A pYSFReflector3 file (configparser rules, keys lower-cased)
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseIni } from "./ini.ts";
 *
 * const doc = parseIni("[Info]\nName= My reflector\n[DGID]\nlist : 1,9,50\n", {
 *   caseSensitiveKeys: false,
 * });
 * equal(doc.sections.Info.name, "My reflector");
 * equal(doc.sections.DGID.list, "1,9,50");
 * ```
 *
 * @example A G4KLX file (quotes keep `#`, an unquoted `#` starts a comment)
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseIni } from "./ini.ts";
 *
 * const doc = parseIni('[Info]\nName="YSF #1"\nId=12345 # five digits\n', {
 *   dialect: "g4klx",
 * });
 * deepEqual(doc.sections, { Info: { Name: "YSF #1", Id: "12345" } });
 * ```
 *
 * @param text The file's text.
 * @param options File name, dialect and key case.
 * @returns The parsed document.
 * @throws {ConfigError} Listing every malformed line with its number.
 */
export function parseIni(
  text: string,
  options: IniParseOptions = {},
): IniDocument {
  const dialect = options.dialect ?? "configparser";
  const caseSensitiveKeys = options.caseSensitiveKeys ?? true;
  const file = options.file;
  const continuation = dialect === "configparser";

  const sections: IniSections = {};
  const lines = new Map<string, SectionLines>();
  const issues: ConfigIssue[] = [];

  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const rows = body.split(/\r\n|\r|\n/);

  let section = "";
  /** The key being read (configparser continuation lines). */
  let current:
    | { section: string; key: string; indent: number; parts: string[] }
    | undefined;

  const openSection = (name: string, line: number): void => {
    if (!lines.has(name)) {
      lines.set(name, { line, keys: new Map() });
      setOwn(sections, name, {});
    }
  };
  const finish = (): void => {
    if (current === undefined) return;
    const value = current.parts.length === 1
      ? current.parts[0]
      : current.parts.join("\n").trimEnd();
    setOwn(sections[current.section], current.key, value);
    current = undefined;
  };
  const report = (line: number, expected: string, found: string): void => {
    const issue: ConfigIssue = {};
    if (file !== undefined) issue.file = file;
    issue.line = line;
    issue.expected = expected;
    issue.found = found;
    issues.push(issue);
  };

  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    const line = index + 1;
    const trimmed = row.trim();
    if (trimmed === "") {
      if (current !== undefined) current.parts.push("");
      continue;
    }
    if (isComment(trimmed)) continue;
    const indent = row.length - row.trimStart().length;
    if (continuation && current !== undefined && indent > current.indent) {
      current.parts.push(trimmed);
      continue;
    }
    finish();

    if (trimmed.startsWith("[")) {
      const close = trimmed.lastIndexOf("]");
      const name = close > 0 ? trimmed.slice(1, close).trim() : "";
      if (close < 0) {
        report(
          line,
          "a section header like [name]",
          `text ${quoteLine(trimmed)}`,
        );
        continue;
      }
      if (name === "") {
        report(
          line,
          "a section name between [ and ]",
          `text ${quoteLine(trimmed)}`,
        );
        continue;
      }
      section = name;
      openSection(section, line);
      continue;
    }

    const separator = separatorIndex(trimmed, dialect);
    if (separator < 0) {
      report(
        line,
        dialect === "g4klx"
          ? "a [section] header, a Key=Value line or a # comment"
          : "a [section] header, a key = value line or a comment",
        `text ${quoteLine(trimmed)}`,
      );
      continue;
    }
    let key = trimmed.slice(0, separator).trim();
    if (key === "") {
      report(
        line,
        `a key before ${JSON.stringify(trimmed[separator])}`,
        `text ${quoteLine(trimmed)}`,
      );
      continue;
    }
    if (!caseSensitiveKeys) key = key.toLowerCase();
    const raw = trimmed.slice(separator + 1);
    const value = dialect === "g4klx" ? g4klxValue(raw) : raw.trim();

    openSection(section, line);
    lines.get(section)!.keys.set(key, line);
    if (continuation) {
      current = { section, key, indent, parts: [value] };
    } else {
      setOwn(sections[section], key, value);
    }
  }
  finish();

  if (issues.length > 0) throw new ConfigError(issues);
  return new IniDocument(sections, lines, caseSensitiveKeys);
}
