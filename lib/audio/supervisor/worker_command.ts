/**
 * How the supervisor starts a worker from the same program it runs in:
 * `Deno.execPath()` is either `deno` (running `cli/main.ts` or the bundle:
 * pass `run`, the flags and `Deno.mainModule`) or the compiled `shack`
 * binary (pass just the arguments). The worker needs no permissions, so
 * under `deno` it runs with none (`--no-prompt` denies every request).
 *
 * @module
 */

/**
 * A program and its arguments.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WorkerCommand } from "./worker_command.ts";
 * const c: WorkerCommand = { command: "/usr/bin/shack", args: ["audio", "worker"] };
 * equal(c.args.length, 2);
 * ```
 */
export interface WorkerCommand {
  /** The executable. */
  command: string;
  /** Its arguments. */
  args: string[];
}

/**
 * Options of {@linkcode workerCommand}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WorkerCommandOptions } from "./worker_command.ts";
 * const o: WorkerCommandOptions = { execPath: "/usr/bin/deno" };
 * equal(o.execPath, "/usr/bin/deno");
 * ```
 */
export interface WorkerCommandOptions {
  /** The running executable. Default `Deno.execPath()`. */
  execPath?: string;
  /** The main module when `execPath` is deno. Default `Deno.mainModule`. */
  mainModule?: string;
  /** The subcommand's arguments. Default `["audio", "worker"]`. */
  args?: string[];
  /**
   * A module that runs a worker by itself (`lib/audio/worker/main.ts`):
   * used instead of the main module, with no subcommand arguments (a
   * compiled binary ignores it).
   */
  entry?: string | URL;
  /** Extra runtime flags when `execPath` is deno (before the module). */
  denoFlags?: string[];
}

/**
 * Builds the command line of a worker process.
 *
 * @param options Executable, main module and arguments.
 * @returns The command.
 *
 * @example Under deno and compiled
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { workerCommand } from "./worker_command.ts";
 * deepEqual(
 *   workerCommand({ execPath: "/opt/deno", mainModule: "file:///app/cli/main.ts" }),
 *   { command: "/opt/deno", args: ["run", "-q", "--no-prompt", "--unstable-net", "file:///app/cli/main.ts", "audio", "worker"] },
 * );
 * deepEqual(
 *   workerCommand({ execPath: "/usr/local/bin/shack", mainModule: "file:///x" }),
 *   { command: "/usr/local/bin/shack", args: ["audio", "worker"] },
 * );
 * ```
 */
export function workerCommand(
  options: WorkerCommandOptions = {},
): WorkerCommand {
  const execPath = options.execPath ?? Deno.execPath();
  const base = execPath.split(/[\\/]/).pop()!.toLowerCase();
  const isDeno = base === "deno" || base === "deno.exe";
  const entry = options.entry === undefined ? undefined : String(options.entry);
  const args = options.args ?? ["audio", "worker"];
  if (!isDeno) return { command: execPath, args };
  return {
    command: execPath,
    args: [
      "run",
      "-q",
      "--no-prompt",
      "--unstable-net",
      ...(options.denoFlags ?? []),
      ...(entry !== undefined
        ? [entry]
        : [options.mainModule ?? Deno.mainModule, ...args]),
    ],
  };
}
