/**
 * Levelled logging as text or JSON lines, to stderr by default. Text output
 * is coloured only when the sink is a terminal and `NO_COLOR` is not set.
 *
 * @module
 */

/** Log levels, lowest first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** Output formats. */
export const LOG_FORMATS = ["text", "json"] as const;

/** One of {@link LOG_FORMATS}. */
export type LogFormat = typeof LOG_FORMATS[number];

/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** Options of {@link Logger}. */
export interface LoggerOptions {
  /** Lowest level written. Default "info". */
  level?: LogLevel;
  /** "text" (default) or "json" (one JSON object per line). */
  format?: LogFormat;
  /** Receives each finished line without its newline. Default: stderr. */
  sink?: (line: string) => void;
  /** Colour the level in text output. Default: stderr is a TTY and NO_COLOR is unset. */
  color?: boolean;
  /** Fields added to every line (e.g. `{ service: "ysf" }`). */
  fields?: LogFields;
  /** Wall clock in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

const RANK: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};
const COLOR: Record<LogLevel, string> = {
  debug: "\x1b[90m",
  info: "\x1b[36m",
  warn: "\x1b[33m",
  error: "\x1b[31m",
};
const encoder = new TextEncoder();

/**
 * The default log sink: writes one line to stderr, never throws (a closed
 * stderr must not stop a service). Useful to tee lines elsewhere too.
 *
 * @param line The formatted line, without its newline.
 *
 * @example Usage
 * ```ts
 * import { Logger, stderrSink } from "./log.ts";
 *
 * const lines: string[] = [];
 * const log = new Logger({ sink: (line) => { lines.push(line); stderrSink(line); } });
 * log.debug("not written at the default level");
 * ```
 */
export function stderrSink(line: string): void {
  try {
    Deno.stderr.writeSync(encoder.encode(line + "\n"));
  } catch {
    // stderr closed (e.g. the terminal went away): logging must never crash a service.
  }
}

function defaultColor(): boolean {
  try {
    return Deno.stderr.isTerminal() && !Deno.env.get("NO_COLOR");
  } catch {
    return false;
  }
}

/** Turns an error into plain data for a log line. */
function errorData(error: Error): Record<string, unknown> {
  const data: Record<string, unknown> = {
    name: error.name,
    message: error.message,
  };
  if (error.cause !== undefined) {
    data.cause = error.cause instanceof Error
      ? errorData(error.cause)
      : error.cause;
  }
  return data;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return errorData(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return value;
}

function textValue(value: unknown): string {
  if (value instanceof Error) {
    return JSON.stringify(`${value.name}: ${value.message}`);
  }
  if (typeof value === "string") {
    return /^[\w.:/@+-]+$/.test(value) ? value : JSON.stringify(value);
  }
  if (
    typeof value === "number" || typeof value === "boolean" || value === null ||
    value === undefined
  ) {
    return String(value);
  }
  if (typeof value === "bigint") return value.toString();
  try {
    return JSON.stringify(value, jsonReplacer) ?? String(value);
  } catch {
    return JSON.stringify(String(value));
  }
}

/**
 * Returns true when `value` names a log level.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isLogLevel } from "./log.ts";
 * equal(isLogLevel("warn"), true);
 * equal(isLogLevel("loud"), false);
 * ```
 */
export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * A logger writing one line per call. Children share the parent's level,
 * format and sink and add their own fields.
 *
 * @example Usage
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { Logger } from "./log.ts";
 * const lines: string[] = [];
 * const log = new Logger({ format: "json", sink: (l) => lines.push(l), now: () => 0 });
 * log.child({ service: "ysf" }).info("linked", { peer: "127.0.0.1:42000" });
 * log.debug("hidden");
 * equal(lines.length, 1);
 * match(lines[0], /"msg":"linked","service":"ysf","peer":"127.0.0.1:42000"/);
 * ```
 */
export class Logger {
  #state: {
    level: LogLevel;
    format: LogFormat;
    sink: (line: string) => void;
    color: boolean;
  };
  #fields: LogFields;
  #now: () => number;

  /** Creates a logger. */
  constructor(options: LoggerOptions = {}) {
    const format = options.format ?? "text";
    this.#state = {
      level: options.level ?? "info",
      format,
      sink: options.sink ?? stderrSink,
      color: format === "text" &&
        (options.color ?? (options.sink ? false : defaultColor())),
    };
    this.#fields = options.fields ?? {};
    this.#now = options.now ?? Date.now;
  }

  /** The lowest level written. Shared with children. */
  get level(): LogLevel {
    return this.#state.level;
  }

  /** Changes the level for this logger and all its children (e.g. on reload). */
  set level(level: LogLevel) {
    this.#state.level = level;
  }

  /** True when a line at `level` would be written. */
  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.#state.level];
  }

  /** A logger that adds `fields` to every line and shares this one's settings. */
  child(fields: LogFields): Logger {
    const child = new Logger({
      sink: this.#state.sink,
      color: false,
      fields: { ...this.#fields, ...fields },
      now: this.#now,
    });
    child.#state = this.#state;
    return child;
  }

  /** Logs at debug level. */
  debug(msg: string, fields?: LogFields): void {
    this.log("debug", msg, fields);
  }

  /** Logs at info level. */
  info(msg: string, fields?: LogFields): void {
    this.log("info", msg, fields);
  }

  /** Logs at warn level. */
  warn(msg: string, fields?: LogFields): void {
    this.log("warn", msg, fields);
  }

  /** Logs at error level. */
  error(msg: string, fields?: LogFields): void {
    this.log("error", msg, fields);
  }

  /** Logs `msg` at `level` with the logger's and the call's fields. */
  log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    const all = fields ? { ...this.#fields, ...fields } : this.#fields;
    const ts = new Date(this.#now()).toISOString();
    let line: string;
    if (this.#state.format === "json") {
      try {
        line = JSON.stringify({ ts, level, msg, ...all }, jsonReplacer);
      } catch {
        line = JSON.stringify({ ts, level, msg, fields: "<unserialisable>" });
      }
    } else {
      const name = level.toUpperCase().padEnd(5);
      const shown = this.#state.color ? `${COLOR[level]}${name}\x1b[0m` : name;
      const extra = Object.entries(all)
        .map(([k, v]) => `${k}=${textValue(v)}`)
        .join(" ");
      line = `${ts} ${shown} ${msg.replaceAll("\n", "\\n")}${
        extra ? " " + extra : ""
      }`;
    }
    this.#state.sink(line);
  }
}
