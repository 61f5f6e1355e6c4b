/**
 * The `--script FILE` format of `shack audio run`: a timed list of OSC
 * commands for reproducible renders, one per line.
 *
 * ```text
 * # time      address            arguments
 * 0           /s_new             voice 1000 0 0 freq 220.0
 * 0.5         /gate/voice1       1
 * @48000      /mod/voice1/freq   f:330        # frame 48000 = 1 s at 48 kHz
 * 1.25        /record/start      "take 1.wav"
 * ```
 *
 * - The time is seconds from the start (`0`, `0.5`, `1e-3`) or an absolute
 *   frame (`@48000`); entries are sorted by frame, lines with equal frames
 *   keep their order.
 * - Arguments are typed by their form: `440` is an int32 (`i`), `440.0`
 *   or `4.4e2` a float32 (`f`), `"quoted text"` a string (with `\"`,
 *   `\\`, `\n`, `\t` escapes), and a bare word that does not start like a
 *   number (`voice`) a string too. Prefixes force a type: `s:440` (string),
 *   `i:3`, `f:1` (float32), `d:0.1` (float64), `h:9007199254740993`
 *   (int64).
 * - `#` after whitespace (or at the start of a line) starts a comment;
 *   blank lines are ignored.
 *
 * Every problem is reported at once as a {@link ConfigError} naming the
 * file and line, what was expected and what was found.
 *
 * @module
 */

import { ConfigError, type ConfigIssue } from "../core/config/errors.ts";
import type { OscArgument, OscMessage } from "./osc/packet.ts";

/**
 * One command of a script.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ScriptEntry } from "./script.ts";
 *
 * const entry: ScriptEntry = {
 *   line: 3,
 *   frame: 24000,
 *   seconds: 0.5,
 *   message: { kind: "message", address: "/gate/adsr", args: [{ type: "i", value: 1 }] },
 * };
 * equal(entry.frame, 24000);
 * ```
 */
export interface ScriptEntry {
  /** The 1-based line in the file. */
  line: number;
  /** The frame at which it applies. */
  frame: number;
  /** The same time in seconds (`frame / sampleRate` for `@frame` times). */
  seconds: number;
  /** The OSC message. */
  message: OscMessage;
}

/**
 * Options of {@link parseScript}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ParseScriptOptions } from "./script.ts";
 *
 * const options: ParseScriptOptions = { file: "demo.osc", sampleRate: 44100 };
 * equal(options.sampleRate, 44100);
 * ```
 */
export interface ParseScriptOptions {
  /** The file name used in messages. */
  file?: string;
  /** Turns seconds into frames. Default 48000. */
  sampleRate?: number;
  /** The most entries accepted. Default 100,000. */
  maxEntries?: number;
}

const MAX_ISSUES = 100;
const INT = /^[+-]?\d+$/;
const FLOAT =
  /^[+-]?(?:\d+\.\d*|\.\d+|\d+(?:\.\d*)?[eE][+-]?\d+|\.\d+[eE][+-]?\d+)$/;
const NUMBERISH = /^[+\-.\d]/;
const SECONDS = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const FRAME = /^@\d+$/;
const ADDRESS = /^\/[!-~]*$/;

/**
 * Parses a script into entries sorted by frame.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal, throws } from "node:assert/strict";
 * import { parseScript } from "./script.ts";
 *
 * const entries = parseScript(
 *   "# demo\n1.0 /gate/adsr 0\n0 /mod/sine/freq 440.0 # A4\n@24000 /n_set 1000 \"freq\" i:220\n",
 *   { file: "demo.osc" },
 * );
 * deepEqual(entries.map((e) => [e.line, e.frame, e.message.address]), [
 *   [3, 0, "/mod/sine/freq"],
 *   [4, 24000, "/n_set"],
 *   [2, 48000, "/gate/adsr"],
 * ]);
 * deepEqual(entries[1].message.args.map((a) => a.type), ["i", "s", "i"]);
 * throws(() => parseScript("soon /quit\n", { file: "bad.osc" }), {
 *   name: "ConfigError",
 *   message: 'bad.osc:1: expected a time in seconds (0.5) or a frame (@24000), found "soon"',
 * });
 * ```
 *
 * @param text The script.
 * @param options File name, sample rate and entry limit.
 * @returns The entries, sorted by frame (stable).
 * @throws {ConfigError} Listing every malformed line.
 * @throws {RangeError} If the sample rate or limit is not a positive
 * integer.
 */
export function parseScript(
  text: string,
  options: ParseScriptOptions = {},
): ScriptEntry[] {
  const sampleRate = options.sampleRate ?? 48000;
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(sampleRate) || sampleRate <= 0) {
    throw new RangeError(
      `Expected sampleRate to be a positive integer, found ${sampleRate}`,
    );
  }
  if (!Number.isSafeInteger(maxEntries) || maxEntries <= 0) {
    throw new RangeError(
      `Expected maxEntries to be a positive integer, found ${maxEntries}`,
    );
  }
  const file = options.file;
  const issues: ConfigIssue[] = [];
  const entries: ScriptEntry[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    if (issues.length >= MAX_ISSUES) break;
    const line = index + 1;
    const problem = (expected: string, found: string): void => {
      const issue: ConfigIssue = { line, expected, found };
      if (file !== undefined) issue.file = file;
      issues.push(issue);
    };
    let tokens: Token[];
    try {
      tokens = tokenize(lines[index]);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      problem(error.expected, error.found);
      continue;
    }
    if (tokens.length === 0) continue;
    if (entries.length >= maxEntries) {
      problem(`at most ${maxEntries} commands`, "more");
      break;
    }
    const [time, address, ...rest] = tokens;
    let frame: number;
    let seconds: number;
    if (!time.quoted && FRAME.test(time.text)) {
      frame = Number(time.text.slice(1));
      if (!Number.isSafeInteger(frame)) {
        problem("a frame that is a safe integer", JSON.stringify(time.text));
        continue;
      }
      seconds = frame / sampleRate;
    } else if (!time.quoted && SECONDS.test(time.text)) {
      seconds = Number(time.text);
      frame = Math.round(seconds * sampleRate);
      if (!Number.isSafeInteger(frame)) {
        problem("a time of a safe number of frames", JSON.stringify(time.text));
        continue;
      }
    } else {
      problem(
        "a time in seconds (0.5) or a frame (@24000)",
        JSON.stringify(time.text),
      );
      continue;
    }
    if (address === undefined) {
      problem("an OSC address after the time", "nothing");
      continue;
    }
    if (address.quoted || !ADDRESS.test(address.text)) {
      problem(
        'an OSC address starting with "/" (printable ASCII)',
        JSON.stringify(address.text),
      );
      continue;
    }
    const args: OscArgument[] = [];
    let bad = false;
    for (const token of rest) {
      const result = argument(token);
      if (typeof result === "string") {
        problem(result, JSON.stringify(token.raw));
        bad = true;
        break;
      }
      args.push(result);
    }
    if (bad) continue;
    entries.push({
      line,
      frame,
      seconds,
      message: { kind: "message", address: address.text, args },
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return entries.sort((a, b) => a.frame - b.frame);
}

/**
 * Reads and parses a script file (at most 16 MiB).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadScript } from "./script.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".osc" });
 * try {
 *   await Deno.writeTextFile(path, "0 /status\n");
 *   equal((await loadScript(path))[0].message.address, "/status");
 * } finally {
 *   await Deno.remove(path);
 * }
 * ```
 *
 * @param path The file.
 * @param options Sample rate and entry limit (the file name is `path`).
 * @returns The entries, sorted by frame.
 * @throws {ConfigError} If the file cannot be read, is too large, or has
 * malformed lines.
 */
export async function loadScript(
  path: string,
  options: Omit<ParseScriptOptions, "file"> = {},
): Promise<ScriptEntry[]> {
  const maxBytes = 16 * 1024 * 1024;
  let text: string;
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      throw new ConfigError({
        file: path,
        expected: "a file",
        found: "a directory",
      });
    }
    if (info.size > maxBytes) {
      throw new ConfigError({
        file: path,
        expected: `a script of at most ${maxBytes} bytes`,
        found: `${info.size} bytes`,
      });
    }
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const detail = error instanceof Deno.errors.NotFound
      ? "file not found"
      : `cannot read the file: ${
        error instanceof Error ? error.message : String(error)
      }`;
    throw new ConfigError({ file: path, detail }, { cause: error });
  }
  return parseScript(text, { ...options, file: path });
}

interface Token {
  /** The value (unquoted, escapes resolved). */
  text: string;
  /** The token as written. */
  raw: string;
  /** Whether it was a quoted string (possibly after a prefix). */
  quoted: boolean;
  /** A type prefix (`s`, `i`, `f`, `d`, `h`), if any. */
  prefix?: string;
}

class TokenError extends Error {
  constructor(readonly expected: string, readonly found: string) {
    super(`Expected ${expected}, found ${found}`);
    this.name = "TokenError";
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  n: "\n",
  t: "\t",
};

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === "#") break; // a comment
    const start = i;
    let prefix: string | undefined;
    const prefixed = /^([sifdh]):/.exec(line.slice(i, i + 2));
    if (prefixed) {
      prefix = prefixed[1];
      i += 2;
    }
    if (line[i] === '"') {
      i++;
      let text = "";
      let closed = false;
      while (i < line.length) {
        const ch = line[i];
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        if (ch === "\\") {
          const escaped = ESCAPES[line[i + 1]];
          if (escaped === undefined) {
            throw new TokenError(
              'an escape \\", \\\\, \\n or \\t',
              JSON.stringify(line.slice(i, i + 2)),
            );
          }
          text += escaped;
          i += 2;
          continue;
        }
        text += ch;
        i++;
      }
      if (!closed) {
        throw new TokenError(
          "a closing quote",
          `the end of the line after ${JSON.stringify(line.slice(start))}`,
        );
      }
      if (i < line.length && line[i] !== " " && line[i] !== "\t") {
        throw new TokenError(
          "a space after a quoted string",
          JSON.stringify(line.slice(start, i + 1)),
        );
      }
      tokens.push({ text, raw: line.slice(start, i), quoted: true, prefix });
      continue;
    }
    while (i < line.length && line[i] !== " " && line[i] !== "\t") i++;
    const raw = line.slice(start, i);
    tokens.push({
      text: prefix === undefined ? raw : raw.slice(2),
      raw,
      quoted: false,
      prefix,
    });
  }
  return tokens;
}

/** The argument, or what was expected. */
function argument(token: Token): OscArgument | string {
  const { text, prefix, quoted } = token;
  if (text.includes("\0")) return "an argument without NUL characters";
  switch (prefix) {
    case "s":
      return { type: "s", value: text };
    case "i": {
      const value = Number(text);
      return !quoted && INT.test(text) && value >= -0x8000_0000 &&
          value <= 0x7fff_ffff
        ? { type: "i", value }
        : "an int32 after i: (-2147483648 to 2147483647)";
    }
    case "f":
    case "d":
      return !quoted && (INT.test(text) || FLOAT.test(text))
        ? { type: prefix, value: Number(text) }
        : `a number after ${prefix}:`;
    case "h":
      if (!quoted && INT.test(text)) {
        const value = BigInt(text);
        if (value >= -(2n ** 63n) && value < 2n ** 63n) {
          return { type: "h", value };
        }
      }
      return "an int64 after h:";
  }
  if (quoted) return { type: "s", value: text };
  if (INT.test(text)) {
    const value = Number(text);
    return value >= -0x8000_0000 && value <= 0x7fff_ffff
      ? { type: "i", value }
      : "an int32 (use h: for 64-bit integers)";
  }
  if (FLOAT.test(text)) return { type: "f", value: Number(text) };
  if (NUMBERISH.test(text)) {
    return "a number (440, 440.0, 4.4e2), a quoted string or a word";
  }
  return { type: "s", value: text };
}
