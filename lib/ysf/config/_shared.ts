/**
 * Internal helpers shared by the three YSF configuration readers: text
 * schemas, path resolution, port-collision checks and note formatting.
 *
 * @module
 */

import { dirname, isAbsolute, resolve } from "node:path";
import type { ConfigIssue, ConfigPathSegment } from "../../core/config/mod.ts";
import { s, type Schema } from "../../core/config/mod.ts";

/**
 * Printable ASCII, what the YSFS reply can carry.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { PRINTABLE_ASCII } from "./_shared.ts";
 *
 * equal(PRINTABLE_ASCII.test("SHACK #1"), true);
 * equal(PRINTABLE_ASCII.test("Réflecteur"), false);
 * ```
 */
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * A printable-ASCII string schema, at most `maxLength` characters.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parse } from "../../core/config/mod.ts";
 * import { printableText } from "./_shared.ts";
 *
 * equal(parse(printableText(16), "SHACK"), "SHACK");
 * ```
 *
 * @param maxLength The most characters, if limited.
 * @returns The schema.
 */
export function printableText(maxLength?: number): Schema<string> {
  const limit = maxLength === undefined ? "" : `at most ${maxLength} `;
  return s.string({ maxLength }).refine(
    (value) => PRINTABLE_ASCII.test(value),
    `${limit}printable ASCII characters`,
  );
}

/**
 * Resolves a path found in a configuration file: absolute paths stay as
 * they are, relative ones are taken relative to the configuration file's
 * directory.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { resolveConfigPath } from "./_shared.ts";
 *
 * equal(resolveConfigPath("/etc/ysf/pysfreflector.ini", "deny.db"), "/etc/ysf/deny.db");
 * equal(resolveConfigPath("/etc/ysf/pysfreflector.ini", "/opt/deny.db"), "/opt/deny.db");
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
 * One UDP port of the configuration and the key that set it.
 *
 * @example A use
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PortUse } from "./_shared.ts";
 *
 * const use: PortUse = { port: 42000, what: "the main port", path: ["ysf", "port"], key: "ysf.port" };
 * equal(use.port, 42000);
 * ```
 */
export interface PortUse {
  /** The port. */
  port: number;
  /** What it is, e.g. `the main port`. */
  what: string;
  /** The key path that set it (for the line lookup). */
  path: readonly ConfigPathSegment[];
  /** The dotted key shown in messages. */
  key: string;
}

/**
 * Reports UDP ports used twice (main port, auxiliary ports, monitor feed):
 * each later use of a port is one issue naming the earlier one.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { portCollisions } from "./_shared.ts";
 *
 * const issues = portCollisions([
 *   { port: 42000, what: "the main port", path: ["port"], key: "port" },
 *   { port: 42000, what: "the monitor port", path: ["monitor"], key: "monitor.json_port" },
 * ], { file: "shack.toml" });
 * equal(issues[0].key, "monitor.json_port");
 * ```
 *
 * @param uses The ports in order of precedence.
 * @param options The file name and line lookup.
 * @returns The issues, empty when every port is distinct.
 */
export function portCollisions(
  uses: readonly PortUse[],
  options: {
    file: string;
    lineOf?: (path: readonly ConfigPathSegment[]) => number | undefined;
  },
): ConfigIssue[] {
  const seen = new Map<number, PortUse>();
  const issues: ConfigIssue[] = [];
  for (const use of uses) {
    const first = seen.get(use.port);
    if (first === undefined) {
      seen.set(use.port, use);
      continue;
    }
    const issue: ConfigIssue = { file: options.file };
    const line = options.lineOf?.(use.path);
    if (line !== undefined) issue.line = line;
    issue.key = use.key;
    issue.expected = `a UDP port other than ${first.what} (${first.key})`;
    issue.found = `port ${use.port}`;
    issues.push(issue);
  }
  return issues;
}

/**
 * Formats an unknown-key warning of the schema library as a note:
 * `FILE:LINE: KEY: unknown key, ignored`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { unknownKeyNote } from "./_shared.ts";
 *
 * equal(
 *   unknownKeyNote({ file: "a.ini", line: 3, key: "Network.Prot" }),
 *   "a.ini:3: Network.Prot: unknown key, ignored",
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
  const isSection = issue.path !== undefined && issue.path.length === 1;
  return `${where}${issue.key}: unknown ${
    isSection ? "section" : "key"
  }, ignored`;
}

/**
 * Copies INI sections leaving out keys with an empty value: both peers
 * treat `Key=` like an absent key (G4KLX skips the line, pYSFReflector3
 * falls back to its default when the value does not parse).
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { withoutEmptyValues } from "./_shared.ts";
 *
 * deepEqual(withoutEmptyValues({ Network: { Port: "", IP: "0.0.0.0" } }), {
 *   Network: { IP: "0.0.0.0" },
 * });
 * ```
 *
 * @param data Section → key → value.
 * @returns The copy.
 */
export function withoutEmptyValues(
  data: Record<string, unknown>,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, section] of Object.entries(data)) {
    const copy: Record<string, string> = {};
    for (const [key, value] of Object.entries(section as object)) {
      if (typeof value === "string" && value.trim() !== "") {
        Object.defineProperty(copy, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    Object.defineProperty(out, name, {
      value: copy,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Builds one configuration problem with the line of `path`, when known.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { issueAt } from "./_shared.ts";
 *
 * deepEqual(issueAt("a.ini", () => 4, ["Network", "port"], "a port", "port 0"), {
 *   file: "a.ini",
 *   line: 4,
 *   key: "Network.port",
 *   expected: "a port",
 *   found: "port 0",
 * });
 * ```
 *
 * @param file The file.
 * @param lineOf The line lookup.
 * @param path The key path (section, key).
 * @param expected What was expected.
 * @param found What was found.
 * @returns The problem.
 */
export function issueAt(
  file: string,
  lineOf:
    | ((path: readonly ConfigPathSegment[]) => number | undefined)
    | undefined,
  path: readonly ConfigPathSegment[],
  expected: string,
  found: string,
): ConfigIssue {
  const issue: ConfigIssue = { file };
  const line = lineOf?.(path);
  if (line !== undefined) issue.line = line;
  issue.key = path.join(".");
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
 * equal(whereOf("a.ini", () => 7, ["Info", "name"]), "a.ini:7: Info.name");
 * ```
 *
 * @param file The file.
 * @param lineOf The line lookup.
 * @param path The key path.
 * @returns The location text.
 */
export function whereOf(
  file: string,
  lineOf:
    | ((path: readonly ConfigPathSegment[]) => number | undefined)
    | undefined,
  path: readonly ConfigPathSegment[],
): string {
  const line = lineOf?.(path);
  return `${file}${line === undefined ? "" : `:${line}`}: ${path.join(".")}`;
}

/**
 * The default monitor port: the main port + 1 (pYSFReflector3), or 65534
 * when the main port is 65535.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { monitorPortAfter } from "./_shared.ts";
 *
 * equal(monitorPortAfter(42000), 42001);
 * equal(monitorPortAfter(65535), 65534);
 * ```
 *
 * @param port The main port.
 * @returns The monitor port.
 */
export function monitorPortAfter(port: number): number {
  return port < 65535 ? port + 1 : 65534;
}
