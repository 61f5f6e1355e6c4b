/**
 * The playback tools a {@link PipeTool} names (`pw-cat`, `pacat`, `aplay`),
 * their command lines for raw PCM on stdin ({@link pipeToolArgs}), and
 * finding them on `PATH` ({@link findExecutable}, {@link detectPipeTool}).
 *
 * @module
 */

import type { SampleEncoding, SinkFormat } from "./sink.ts";

/**
 * A playback tool that reads raw PCM from stdin.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PipeTool } from "./pipe_tools.ts";
 *
 * const tool: PipeTool = "pw-cat";
 * equal(tool, "pw-cat");
 * ```
 */
export type PipeTool = "pw-cat" | "pacat" | "aplay";

/**
 * The order in which tools are tried when none is named: PipeWire first,
 * then PulseAudio, then ALSA.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { PIPE_TOOLS } from "./pipe_tools.ts";
 *
 * deepEqual(PIPE_TOOLS, ["pw-cat", "pacat", "aplay"]);
 * ```
 */
export const PIPE_TOOLS: readonly PipeTool[] = Object.freeze([
  "pw-cat",
  "pacat",
  "aplay",
]);

/**
 * None of the requested tools is on `PATH`. `tools` lists what was
 * searched for and `directories` where.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { PipeToolNotFoundError } from "./pipe_tools.ts";
 *
 * const error = new PipeToolNotFoundError(["pw-cat", "pacat", "aplay"], ["/usr/bin"]);
 * equal(error.message, "Expected one of pw-cat, pacat or aplay on PATH, found none (searched /usr/bin)");
 * ```
 */
export class PipeToolNotFoundError extends Error {
  /** The tools searched for. */
  readonly tools: readonly string[];
  /** The directories searched. */
  readonly directories: readonly string[];

  /**
   * @param tools The tools searched for.
   * @param directories The directories searched.
   */
  constructor(tools: readonly string[], directories: readonly string[]) {
    const names = tools.length === 1
      ? tools[0]
      : `one of ${tools.slice(0, -1).join(", ")} or ${tools.at(-1)}`;
    const where = directories.length === 0
      ? "PATH is empty"
      : `searched ${directories.join(":")}`;
    super(`Expected ${names} on PATH, found none (${where})`);
    this.name = "PipeToolNotFoundError";
    this.tools = [...tools];
    this.directories = [...directories];
  }
}

/**
 * The arguments that make a tool play raw interleaved PCM from stdin:
 *
 * - `pw-cat --playback --rate R --channels C --format s16|f32 -`
 * - `pacat --playback --raw --rate=R --channels=C --format=s16le|float32le`
 * - `aplay -q -t raw -r R -c C -f S16_LE|FLOAT_LE -`
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { pipeToolArgs } from "./pipe_tools.ts";
 *
 * deepEqual(
 *   pipeToolArgs("aplay", { sampleRate: 48000, channels: 2 }, "s16le"),
 *   ["-q", "-t", "raw", "-r", "48000", "-c", "2", "-f", "S16_LE", "-"],
 * );
 * ```
 *
 * @param tool The tool.
 * @param format Rate and channels.
 * @param encoding The sample encoding.
 * @returns The arguments (without the program name).
 */
export function pipeToolArgs(
  tool: PipeTool,
  format: Pick<SinkFormat, "sampleRate" | "channels">,
  encoding: SampleEncoding,
): string[] {
  const rate = String(format.sampleRate);
  const channels = String(format.channels);
  switch (tool) {
    case "pw-cat":
      return [
        "--playback",
        "--rate",
        rate,
        "--channels",
        channels,
        "--format",
        encoding === "s16le" ? "s16" : "f32",
        "-",
      ];
    case "pacat":
      return [
        "--playback",
        "--raw",
        `--rate=${rate}`,
        `--channels=${channels}`,
        `--format=${encoding === "s16le" ? "s16le" : "float32le"}`,
      ];
    case "aplay":
      return [
        "-q",
        "-t",
        "raw",
        "-r",
        rate,
        "-c",
        channels,
        "-f",
        encoding === "s16le" ? "S16_LE" : "FLOAT_LE",
        "-",
      ];
  }
}

/**
 * Finds an executable file named `name` in the directories of a `PATH`
 * value (empty entries are skipped; a name with a `/` is not searched).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { findExecutable } from "./pipe_tools.ts";
 *
 * equal(findExecutable("no-such-tool-here", "/nonexistent"), undefined);
 * ```
 *
 * @param name The program name.
 * @param path A `PATH` value. Default: the `PATH` environment variable
 * (needs `--allow-env=PATH`).
 * @returns The full path, or `undefined`.
 */
export function findExecutable(
  name: string,
  path: string = Deno.env.get("PATH") ?? "",
): string | undefined {
  if (name === "" || name.includes("/")) return undefined;
  for (const dir of pathDirectories(path)) {
    const candidate = `${dir.replace(/\/+$/, "")}/${name}`;
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && (info.mode === null || (info.mode & 0o111) !== 0)) {
        return candidate;
      }
    } catch {
      // not there, or not readable
    }
  }
  return undefined;
}

/**
 * Picks the tool to play through: the named one, or for `"auto"` the first
 * of {@link PIPE_TOOLS} found on `PATH`.
 *
 * @example Usage
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { detectPipeTool } from "./pipe_tools.ts";
 *
 * throws(() => detectPipeTool("auto", "/nonexistent"), {
 *   name: "PipeToolNotFoundError",
 *   message: "Expected one of pw-cat, pacat or aplay on PATH, found none (searched /nonexistent)",
 * });
 * ```
 *
 * @param tool A tool name or `"auto"`.
 * @param path A `PATH` value. Default: the `PATH` environment variable.
 * @returns The tool and its full path.
 * @throws {PipeToolNotFoundError} If no such tool is on `PATH`.
 */
export function detectPipeTool(
  tool: PipeTool | "auto",
  path: string = Deno.env.get("PATH") ?? "",
): { tool: PipeTool; executable: string } {
  const candidates = tool === "auto" ? PIPE_TOOLS : [tool];
  for (const candidate of candidates) {
    const executable = findExecutable(candidate, path);
    if (executable !== undefined) return { tool: candidate, executable };
  }
  throw new PipeToolNotFoundError(candidates, pathDirectories(path));
}

function pathDirectories(path: string): string[] {
  return path.split(":").filter((dir) => dir !== "");
}
