/**
 * Running external tools for doctor (`ffmpeg -version`, `vcgencmd
 * get_throttled`) with a timeout and bounded output, and finding them on
 * `PATH`. Checks take a {@link CommandRunner} so tests can swap in fakes.
 *
 * @module
 */

/** What a command printed and how it ended. */
export interface CommandResult {
  /** The exit code (128 + signal number when killed). */
  code: number;
  /** Standard output, at most `maxBytes` of it, decoded as UTF-8. */
  stdout: string;
  /** Standard error, at most `maxBytes` of it. */
  stderr: string;
}

/** Options of a {@link CommandRunner} call. */
export interface RunCommandOptions {
  /** Kills the command when aborted. */
  signal?: AbortSignal;
  /** Kills the command after this many milliseconds. Default 2000. */
  timeoutMs?: number;
  /** Most bytes kept of each output stream. Default 65536. */
  maxBytes?: number;
}

/** Runs a command to completion; rejects when it cannot be started. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  options?: RunCommandOptions,
) => Promise<CommandResult>;

/** Reads a stream, keeping its first `maxBytes`; `stop()` ends the read early. */
function readBounded(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): { text: Promise<string>; stop: () => void } {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const text = (async () => {
    try {
      // Read to the end so the child never blocks on a full pipe; keep the first maxBytes.
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        if (size < maxBytes) {
          const part = value.subarray(0, maxBytes - size);
          chunks.push(part);
          size += part.length;
        }
      }
    } catch {
      // cancelled
    }
    const out = new Uint8Array(size);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return new TextDecoder().decode(out);
  })();
  return { text, stop: () => void reader.cancel().catch(() => {}) };
}

/**
 * The default {@link CommandRunner}: `Deno.Command` with stdin closed,
 * killed (SIGKILL) on timeout or abort.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { runCommand } from "./command_runner.ts";
 * const result = await runCommand(Deno.execPath(), ["eval", "console.log(6 * 7)"]);
 * equal(result.stdout.trim(), "42");
 * equal(result.code, 0);
 * ```
 *
 * @throws {Deno.errors.NotFound} When the command does not exist.
 * @throws {Deno.errors.NotCapable} When `--allow-run` does not cover it.
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 2000);
  const signal = options.signal
    ? AbortSignal.any([options.signal, timeout])
    : timeout;
  signal.throwIfAborted();
  const child = new Deno.Command(command, {
    args: [...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
  };
  signal.addEventListener("abort", kill, { once: true });
  try {
    const maxBytes = options.maxBytes ?? 65536;
    const out = readBounded(child.stdout, maxBytes);
    const err = readBounded(child.stderr, maxBytes);
    const status = await child.status;
    // A grandchild (sh -c "sleep 9") may still hold the pipes: stop reading soon.
    const grace = setTimeout(() => {
      out.stop();
      err.stop();
    }, 100);
    try {
      const [stdout, stderr] = await Promise.all([out.text, err.text]);
      return { code: status.code, stdout, stderr };
    } finally {
      clearTimeout(grace);
    }
  } finally {
    signal.removeEventListener("abort", kill);
  }
}

/** Options of {@link findExecutable}. */
export interface FindExecutableOptions {
  /**
   * The directories to search, `PATH`-style (colon-separated). Default the
   * `PATH` environment variable, or the usual system directories when it
   * cannot be read (no `--allow-env=PATH`).
   */
  searchPath?: string;
}

/** Directories searched when `PATH` cannot be read (what systemd gives services). */
export const DEFAULT_SEARCH_PATH =
  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

function envPath(): string {
  try {
    return Deno.env.get("PATH") ?? DEFAULT_SEARCH_PATH;
  } catch {
    return DEFAULT_SEARCH_PATH;
  }
}

/**
 * Finds an executable file named `name` on the search path, like `which`.
 * Returns its path, or undefined.
 *
 * @example Usage
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { findExecutable } from "./command_runner.ts";
 * ok((await findExecutable("sh", { searchPath: "/usr/bin:/bin" }))?.endsWith("/sh"));
 * equal(await findExecutable("no-such-tool-here", { searchPath: "/usr/bin" }), undefined);
 * ```
 */
export async function findExecutable(
  name: string,
  options: FindExecutableOptions = {},
): Promise<string | undefined> {
  if (name.includes("/")) {
    return await isExecutable(name) ? name : undefined;
  }
  const dirs = (options.searchPath ?? envPath()).split(":").filter((d) =>
    d !== ""
  );
  for (const dir of dirs) {
    const candidate = `${dir.replace(/\/+$/, "")}/${name}`;
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}
