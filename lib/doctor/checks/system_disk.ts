/**
 * The `system.disk` check: free space on the file systems holding the
 * working directory, the config file's directory, configured data
 * directories and `/var/lib/shack` (warn under 10 % free, fail under 2 %).
 *
 * @module
 */

import { statfs as nodeStatfs } from "node:fs/promises";
import { readConfiguredServices } from "../service_targets.ts";
import type { Check, CheckOutcome, CheckStatus } from "../types.ts";

/** Size and free space of a file system. */
export interface DiskSpace {
  /** Bytes in the file system. */
  totalBytes: number;
  /** Bytes an unprivileged process may still use. */
  freeBytes: number;
}

/** Options of {@link diskCheck}. */
export interface DiskCheckOptions {
  /** The directories to look at. Default: cwd, the config's directory, configured data directories, `/var/lib/shack`. */
  dirs?: readonly string[];
  /** Reads a file system's size. Default `statfs(2)` (needs `--allow-sys`). */
  statfs?: (path: string) => Promise<DiskSpace>;
  /** Warn below this percentage free. Default 10. */
  warnPercent?: number;
  /** Fail below this percentage free. Default 2. */
  failPercent?: number;
}

async function defaultStatfs(path: string): Promise<DiskSpace> {
  const s = await nodeStatfs(path);
  return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
}

/**
 * Formats a byte count with binary units (`20.1 GiB`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatBytes } from "./system_disk.ts";
 * equal(formatBytes(1536), "1.5 KiB");
 * equal(formatBytes(3 * 1024 ** 3), "3.0 GiB");
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${value} B` : `${value.toFixed(1)} ${units[i]}`;
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

async function defaultDirs(configPath: string | undefined): Promise<string[]> {
  const dirs: string[] = [];
  try {
    dirs.push(Deno.cwd());
  } catch {
    // no --allow-read for the working directory
  }
  if (configPath !== undefined) {
    dirs.push(dirname(configPath));
    dirs.push(...(await readConfiguredServices(configPath)).dataDirs);
  }
  dirs.push("/var/lib/shack");
  return dirs;
}

/**
 * Builds the `system.disk` check.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { diskCheck } from "./system_disk.ts";
 * const check = diskCheck({
 *   dirs: ["/"],
 *   statfs: () => Promise.resolve({ totalBytes: 100, freeBytes: 5 }),
 * });
 * equal((await check.run({ signal: new AbortController().signal })).status, "warn");
 * ```
 */
export function diskCheck(options: DiskCheckOptions = {}): Check {
  const warnPercent = options.warnPercent ?? 10;
  const failPercent = options.failPercent ?? 2;
  const statfs = options.statfs ?? defaultStatfs;
  return {
    name: "system.disk",
    description:
      `free space of the working and data directories (warn < ${warnPercent} %, fail < ${failPercent} %)`,
    async run(ctx): Promise<CheckOutcome> {
      const dirs = options.dirs ? [...options.dirs] : await defaultDirs(
        ctx.configPath,
      );
      const seen = new Set<string>();
      const rows: {
        path: string;
        totalBytes: number;
        freeBytes: number;
        freePercent: number;
        status: CheckStatus;
      }[] = [];
      const problems: string[] = [];
      for (const dir of dirs) {
        let key = dir;
        try {
          const info = await Deno.stat(dir);
          if (!info.isDirectory) continue;
          key = info.dev !== null ? `dev:${info.dev}` : dir;
        } catch {
          continue; // a directory that does not exist holds no data yet
        }
        if (seen.has(key)) continue;
        seen.add(key);
        try {
          const space = await statfs(dir);
          const freePercent = space.totalBytes > 0
            ? (space.freeBytes / space.totalBytes) * 100
            : 0;
          rows.push({
            path: dir,
            totalBytes: space.totalBytes,
            freeBytes: space.freeBytes,
            freePercent: Math.round(freePercent * 10) / 10,
            status: freePercent < failPercent
              ? "fail"
              : freePercent < warnPercent
              ? "warn"
              : "ok",
          });
        } catch (error) {
          problems.push(
            error instanceof Deno.errors.NotCapable
              ? `${dir}: needs --allow-sys (statfs)`
              : `${dir}: ${(error as Error).message}`,
          );
        }
      }
      if (rows.length === 0) {
        return {
          status: "skip",
          summary: problems.length > 0
            ? `cannot read free space: ${problems.join("; ")}`
            : "no directory to look at",
        };
      }
      const status: CheckStatus = rows.some((r) => r.status === "fail")
        ? "fail"
        : rows.some((r) => r.status === "warn")
        ? "warn"
        : "ok";
      return {
        status,
        summary: rows.map((r) =>
          `${r.path} ${r.freePercent.toFixed(0)} % free (${
            formatBytes(r.freeBytes)
          } of ${formatBytes(r.totalBytes)})`
        ).join("; "),
        ...(status !== "ok"
          ? {
            hint:
              "Free some space: old logs (journalctl --vacuum-size=100M), recordings, apt caches (apt clean)",
          }
          : {}),
        details: {
          filesystems: rows,
          ...(problems.length > 0 ? { problems } : {}),
        },
      };
    },
  };
}
