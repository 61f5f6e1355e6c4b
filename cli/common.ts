/**
 * Options and helpers every shack command shares: `--config`,
 * `--log-level`, `--log-format` (each also a `SHACK_…` environment variable),
 * logger construction and the mapping of errors to exit codes.
 *
 * @module
 */

import {
  type Command,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import { LOG_FORMATS, LOG_LEVELS, Logger } from "../lib/core/log.ts";
import { ExitCode } from "../lib/core/exit_codes.ts";
import { Shutdown } from "../lib/core/shutdown.ts";

/** `--config FILE` (env `SHACK_CONFIG`). */
export function configOption() {
  return new Option(
    "-c, --config <file>",
    "configuration file (TOML, or a peer's INI)",
  )
    .env("SHACK_CONFIG");
}

/** `--log-level LEVEL` (env `SHACK_LOG_LEVEL`). */
export function logLevelOption() {
  return new Option("--log-level <level>", "lowest log level written")
    .choices(LOG_LEVELS)
    .default("info" as const)
    .env("SHACK_LOG_LEVEL");
}

/** `--log-format FORMAT` (env `SHACK_LOG_FORMAT`). */
export function logFormatOption() {
  return new Option("--log-format <format>", "log line format")
    .choices(LOG_FORMATS)
    .default("text" as const)
    .env("SHACK_LOG_FORMAT");
}

/**
 * Parses a whole number within bounds for commander (`--port 8073`).
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { intInRange } from "./common.ts";
 * equal(intInRange(1, 65535)("8073"), 8073);
 * throws(() => intInRange(1, 65535)("70000"));
 * ```
 */
export function intInRange(
  min: number,
  max: number,
): (value: string) => number {
  return (value: string) => {
    const trimmed = value.trim();
    const n = Number(trimmed);
    if (trimmed === "" || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `expected a whole number from ${min} to ${max}`,
      );
    }
    return n;
  };
}

/**
 * Parses a positive number of seconds for commander (`--timeout 2.5`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { positiveSeconds } from "./common.ts";
 * equal(positiveSeconds("0.5"), 0.5);
 * ```
 */
export function positiveSeconds(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(
      "expected a number of seconds greater than 0",
    );
  }
  return n;
}

/** Builds the process logger from the common options. */
export function makeLogger(
  options: {
    logLevel: typeof LOG_LEVELS[number];
    logFormat: typeof LOG_FORMATS[number];
  },
  fields?: Record<string, unknown>,
): Logger {
  return new Logger({
    level: options.logLevel,
    format: options.logFormat,
    ...(fields ? { fields } : {}),
  });
}

/** True when text written to stdout may carry ANSI colours. */
export function stdoutColor(): boolean {
  try {
    return Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
  } catch {
    return false;
  }
}

/** Writes all of `text` to stdout (a pipe may take it in several writes). */
export function writeStdout(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let off = 0;
  while (off < bytes.length) off += Deno.stdout.writeSync(bytes.subarray(off));
}

const FALSE_WORDS = new Set(["", "0", "false", "no", "off"]);

/**
 * Commander sets a boolean option to true whenever its environment variable
 * exists, even as `SHACK_DOCTOR_JSON=0`. This turns `0`, `false`, `no`, `off`
 * and the empty string back into false (run before each action).
 */
export function applyBooleanEnv(cmd: Command): void {
  for (const option of cmd.options) {
    if (!option.envVar || option.required || option.optional) continue;
    const key = option.attributeName();
    if (cmd.getOptionValueSource(key) !== "env") continue;
    const raw = Deno.env.get(option.envVar) ?? "";
    if (FALSE_WORDS.has(raw.trim().toLowerCase())) {
      cmd.setOptionValueWithSource(key, false, "env");
    }
  }
}

/** What {@link runService} needs from a started service. */
export interface RunnableService {
  /** Stops everything; registered as the shutdown closer. */
  close(): Promise<void>;
  /** SIGHUP. */
  reload(): Promise<void>;
}

/**
 * Builds a service's configuration, mapping RangeError/TypeError (bad flag
 * values found while applying them) to a usage error (exit 2). ConfigError
 * propagates to main (exit 78). Returns undefined after a usage error.
 */
export async function configOrUsageError<T>(
  build: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await build();
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      console.error(`error: ${error.message}`);
      Deno.exitCode = ExitCode.Usage;
      return undefined;
    }
    throw error;
  }
}

/**
 * Runs a service until SIGINT/SIGTERM (or `stop` resolving): installs the
 * shutdown coordinator with the 1 s budget every service has, starts the
 * service, wires SIGHUP to its reload, and sets the exit code (0 after a
 * graceful stop, 1 when it could not start or the stop was forced).
 */
export async function runService<S extends RunnableService>(
  log: Logger,
  start: () => Promise<S>,
  options: { stop?: (service: S) => Promise<string>; deadlineMs?: number } = {},
): Promise<void> {
  const shutdown = new Shutdown({
    deadlineMs: options.deadlineMs ?? 1000,
    onEvent: (e) => {
      if (e.type === "signal") log.info("signal", { signal: e.signal });
      if (e.type === "deadline") {
        log.error("stop forced", { pending: e.pending });
      }
      if (e.type === "reload-failed") {
        log.error("reload failed", { error: e.error });
      }
    },
  }).install();
  let service: S;
  try {
    service = await start();
  } catch (error) {
    shutdown.uninstall();
    log.error("cannot start", { error });
    Deno.exitCode = ExitCode.Failure;
    return;
  }
  shutdown.onClose("service", () => service.close());
  shutdown.onReload(() => service.reload());
  if (options.stop) {
    void options.stop(service).then((reason) => {
      if (!shutdown.stopping) void shutdown.trigger(reason);
    });
  }
  const result = await shutdown.done;
  log.info("stopped", {
    reason: result.reason,
    ms: Math.round(result.elapsedMs),
  });
  Deno.exitCode = result.exitCode;
}
