/**
 * The external tools the services need, found on `PATH` with their
 * versions: `tools.ffmpeg` (bridge), `tools.audio` (audio engine: pw-cat,
 * pacat or aplay, any one will do) and `tools.rtl_sdr` (sdr: `rtl_sdr` for
 * a stdin source, or a reachable `rtl_tcp` endpoint).
 *
 * A missing tool is a warning when its service is configured (or when
 * nothing is configured at all: a bare `shack doctor` checks for
 * everything) and "skip" otherwise.
 *
 * @module
 */

import {
  type CommandRunner,
  findExecutable,
  runCommand,
} from "../command_runner.ts";
import { parseHostPort } from "../host_port.ts";
import { readConfiguredServices, serviceWanted } from "../service_targets.ts";
import type { Check, CheckContext, CheckOutcome } from "../types.ts";
import { probeBudget } from "./probe_budget.ts";

/** Options of {@link toolChecks}. */
export interface ToolChecksOptions {
  /** Directories searched instead of `PATH` (colon-separated). */
  searchPath?: string;
  /** Runs `TOOL --version`. Default {@link runCommand}. */
  run?: CommandRunner;
}

/** A tool as found. */
export interface ToolInfo {
  /** The command name (`ffmpeg`). */
  name: string;
  /** Where it is, when found. */
  path?: string;
  /** Its version (`6.1.1-3`), when it printed one. */
  version?: string;
  /** The line the version came from. */
  versionLine?: string;
  /** Why the version is unknown, when it is. */
  versionError?: string;
}

const VERSION_RE = /\bv?(\d+\.\d+(?:\.\d+)?(?:[-+~][0-9A-Za-z.+~-]*)?)/;

/**
 * Picks the version out of `TOOL --version` output: the first
 * `major.minor[.patch]` on any line.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseToolVersion } from "./tools.ts";
 * deepEqual(parseToolVersion("ffmpeg version 6.1.1-3ubuntu5 Copyright (c) 2000-2023"), {
 *   version: "6.1.1-3ubuntu5", line: "ffmpeg version 6.1.1-3ubuntu5",
 * });
 * deepEqual(parseToolVersion("pw-cat\nCompiled with libpipewire 1.0.5\n")?.version, "1.0.5");
 * ```
 */
export function parseToolVersion(
  output: string,
): { version: string; line: string } | undefined {
  for (const raw of output.split("\n")) {
    const line = raw.replace(/\s+Copyright.*$/i, "").trim();
    const m = VERSION_RE.exec(line);
    if (m) return { version: m[1], line: line.slice(0, 120) };
  }
  return undefined;
}

/**
 * Finds `name` on the search path and, when `versionArgs` is given, runs it
 * to read its version.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { probeTool } from "./tools.ts";
 * const info = await probeTool("no-such-tool-here", ["--version"], { searchPath: "/usr/bin" });
 * equal(info.path, undefined);
 * ```
 */
export async function probeTool(
  name: string,
  versionArgs: readonly string[] | undefined,
  options: ToolChecksOptions & { signal?: AbortSignal; timeoutMs?: number } =
    {},
): Promise<ToolInfo> {
  const path = await findExecutable(name, {
    ...(options.searchPath !== undefined
      ? { searchPath: options.searchPath }
      : {}),
  });
  if (!path) return { name };
  if (!versionArgs) return { name, path };
  const run = options.run ?? runCommand;
  try {
    const result = await run(path, versionArgs, {
      timeoutMs: options.timeoutMs ?? 2000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const parsed = parseToolVersion(`${result.stdout}\n${result.stderr}`);
    return parsed
      ? { name, path, version: parsed.version, versionLine: parsed.line }
      : { name, path, versionError: `no version in its output` };
  } catch (error) {
    const text = error instanceof Deno.errors.NotCapable
      ? "not run (needs --allow-run)"
      : (error as Error).message;
    return { name, path, versionError: text };
  }
}

function describeTool(info: ToolInfo): string {
  return `${info.name} ${info.version ?? "(version unknown)"} (${info.path})`;
}

function toolDetails(info: ToolInfo): Record<string, unknown> {
  return { ...info };
}

async function wanted(
  kind: "sdr" | "audio" | "bridge",
  ctx: CheckContext,
): Promise<{ wanted: boolean; sdrSource?: string }> {
  const configured = ctx.configPath !== undefined
    ? await readConfiguredServices(ctx.configPath)
    : undefined;
  return {
    wanted: serviceWanted(kind, {
      ...(ctx.targets ? { targets: ctx.targets } : {}),
      ...(ctx.configPath !== undefined ? { configPath: ctx.configPath } : {}),
      ...(configured ? { configuredKinds: configured.kinds } : {}),
    }),
    ...(configured?.sdrSource !== undefined
      ? { sdrSource: configured.sdrSource }
      : {}),
  };
}

function ffmpegCheck(options: ToolChecksOptions): Check {
  return {
    name: "tools.ffmpeg",
    description: "ffmpeg is on PATH (the bridge needs it for HLS and remuxing)",
    async run(ctx): Promise<CheckOutcome> {
      const info = await probeTool("ffmpeg", ["-version"], {
        ...options,
        signal: ctx.signal,
        timeoutMs: probeBudget(ctx, 2000),
      });
      if (info.path) {
        return {
          status: "ok",
          summary: describeTool(info),
          details: toolDetails(info),
        };
      }
      const { wanted: needed } = await wanted("bridge", ctx);
      return needed
        ? {
          status: "warn",
          summary: "ffmpeg not found on PATH",
          hint:
            "The bridge needs ffmpeg for HLS and non-MPEG-TS streams: sudo apt install ffmpeg",
          details: toolDetails(info),
        }
        : {
          status: "skip",
          summary: "ffmpeg not found; not needed (no bridge configured)",
          details: toolDetails(info),
        };
    },
  };
}

/** The audio players the engine can pipe into, in order of preference. */
export const AUDIO_PLAYERS = ["pw-cat", "pacat", "aplay"] as const;

function audioCheck(options: ToolChecksOptions): Check {
  return {
    name: "tools.audio",
    description: `an audio player is on PATH (${AUDIO_PLAYERS.join(", ")})`,
    async run(ctx): Promise<CheckOutcome> {
      const infos = await Promise.all(
        AUDIO_PLAYERS.map((name) =>
          probeTool(name, ["--version"], {
            ...options,
            signal: ctx.signal,
            timeoutMs: probeBudget(ctx, 2000),
          })
        ),
      );
      const found = infos.filter((i) => i.path);
      const details = { players: infos.map(toolDetails) };
      if (found.length > 0) {
        return {
          status: "ok",
          summary: found.map(describeTool).join(", "),
          details,
        };
      }
      const { wanted: needed } = await wanted("audio", ctx);
      return needed
        ? {
          status: "warn",
          summary: `no audio player found on PATH (${
            AUDIO_PLAYERS.join(", ")
          })`,
          hint:
            "The audio engine plays through one of them: sudo apt install pipewire-bin (pw-cat), pulseaudio-utils (pacat) or alsa-utils (aplay)",
          details,
        }
        : {
          status: "skip",
          summary: "no audio player found; not needed (no audio configured)",
          details,
        };
    },
  };
}

async function tcpReachable(
  hostname: string,
  port: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<string | undefined> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const conn = await Deno.connect({
      hostname,
      port,
      signal: AbortSignal.any([signal, timeout]),
    });
    conn.close();
    return undefined;
  } catch (error) {
    return timeout.aborted
      ? `no connection within ${timeoutMs} ms`
      : (error as Error).message;
  }
}

function rtlSdrCheck(options: ToolChecksOptions): Check {
  return {
    name: "tools.rtl_sdr",
    description:
      "rtl_sdr is on PATH for a stdin source, or the rtl_tcp endpoint accepts connections",
    async run(ctx): Promise<CheckOutcome> {
      const { wanted: needed, sdrSource } = await wanted("sdr", ctx);
      if (sdrSource?.startsWith("rtl_tcp:")) {
        const endpoint = sdrSource.slice("rtl_tcp:".length);
        let hostname: string;
        let port: number;
        try {
          ({ hostname, port } = parseHostPort(endpoint, 1234));
        } catch {
          return {
            status: "fail",
            summary: `cannot read the rtl_tcp endpoint "${endpoint}"`,
          };
        }
        const error = await tcpReachable(
          hostname,
          port,
          ctx.signal,
          probeBudget(ctx, 2000),
        );
        const details = { source: sdrSource, endpoint };
        return error === undefined
          ? {
            status: "ok",
            summary: `rtl_tcp ${endpoint} accepts connections`,
            details,
          }
          : {
            status: "warn",
            summary: `rtl_tcp ${endpoint}: ${error}`,
            hint:
              `Start rtl_tcp on that host (rtl_tcp -a ${hostname} -p ${port}) or change [sdr.input] source`,
            details: { ...details, error },
          };
      }
      const info = await probeTool("rtl_sdr", undefined, options);
      const usesStdin = sdrSource === "stdin" ||
        (sdrSource === undefined && needed);
      const details = {
        ...toolDetails(info),
        ...(sdrSource !== undefined ? { source: sdrSource } : {}),
      };
      if (info.path) {
        return {
          status: "ok",
          summary: `rtl_sdr (${info.path})${
            usesStdin ? "" : `; not needed (source ${sdrSource ?? "none"})`
          }`,
          details,
        };
      }
      if (usesStdin) {
        return {
          status: "warn",
          summary: "rtl_sdr not found on PATH",
          hint:
            "A stdin source is usually fed by rtl_sdr (rtl_sdr -s 2048000 -f 14200000 - | shack sdr serve): sudo apt install rtl-sdr",
          details,
        };
      }
      return {
        status: "skip",
        summary: `rtl_sdr not found; not needed (${
          sdrSource !== undefined ? `source ${sdrSource}` : "no sdr configured"
        })`,
        details,
      };
    },
  };
}

/**
 * The tool checks: `tools.ffmpeg`, `tools.audio`, `tools.rtl_sdr`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { toolChecks } from "./tools.ts";
 * deepEqual(toolChecks().map((c) => c.name), ["tools.ffmpeg", "tools.audio", "tools.rtl_sdr"]);
 * ```
 */
export function toolChecks(options: ToolChecksOptions = {}): Check[] {
  return [ffmpegCheck(options), audioCheck(options), rtlSdrCheck(options)];
}
