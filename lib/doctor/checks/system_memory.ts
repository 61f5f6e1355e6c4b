/**
 * The `system.memory` check: `MemAvailable` of `/proc/meminfo` against
 * `MemTotal` (warn under 10 %). When `/proc` cannot be read (Deno wants
 * `--allow-all` for it) the figures come from `Deno.systemMemoryInfo()`.
 *
 * @module
 */

import { readSystemText } from "../system_text.ts";
import type { Check, CheckOutcome } from "../types.ts";
import { formatBytes } from "./system_disk.ts";

/** Total and available memory, in bytes. */
export interface MemoryFigures {
  /** `MemTotal`. */
  totalBytes: number;
  /** `MemAvailable`: what new processes can get without swapping. */
  availableBytes: number;
}

/** Options of {@link memoryCheck}. */
export interface MemoryCheckOptions {
  /** The meminfo file. Default `/proc/meminfo`. */
  meminfoPath?: string;
  /** Used when the file cannot be read. Default `Deno.systemMemoryInfo()`. */
  memoryInfo?: () => MemoryFigures;
  /** Warn below this percentage available. Default 10. */
  warnPercent?: number;
}

/**
 * Reads `MemTotal` and `MemAvailable` (kB) from `/proc/meminfo` text.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseMeminfo } from "./system_memory.ts";
 * deepEqual(parseMeminfo("MemTotal: 1000 kB\nMemFree: 10 kB\nMemAvailable: 250 kB\n"), {
 *   totalBytes: 1024000, availableBytes: 256000,
 * });
 * ```
 */
export function parseMeminfo(text: string): MemoryFigures | undefined {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const totalBytes = field("MemTotal");
  const availableBytes = field("MemAvailable");
  return totalBytes !== undefined && availableBytes !== undefined
    ? { totalBytes, availableBytes }
    : undefined;
}

function systemMemory(): MemoryFigures {
  const info = Deno.systemMemoryInfo();
  return { totalBytes: info.total, availableBytes: info.available };
}

/**
 * Builds the `system.memory` check.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { memoryCheck } from "./system_memory.ts";
 * const check = memoryCheck({
 *   meminfoPath: "/nonexistent/meminfo",
 *   memoryInfo: () => ({ totalBytes: 4 * 1024 ** 3, availableBytes: 3 * 1024 ** 3 }),
 * });
 * const outcome = await check.run({ signal: new AbortController().signal });
 * equal(outcome.status, "ok");
 * equal(outcome.summary, "3.0 GiB of 4.0 GiB available (75 %)");
 * ```
 */
export function memoryCheck(options: MemoryCheckOptions = {}): Check {
  const warnPercent = options.warnPercent ?? 10;
  const path = options.meminfoPath ?? "/proc/meminfo";
  return {
    name: "system.memory",
    description: `available memory (warn < ${warnPercent} %)`,
    async run(): Promise<CheckOutcome> {
      const read = await readSystemText(path);
      let figures = read.ok ? parseMeminfo(read.text) : undefined;
      let source = path;
      if (!figures) {
        try {
          figures = (options.memoryInfo ?? systemMemory)();
          source = "Deno.systemMemoryInfo()";
        } catch (error) {
          return {
            status: "skip",
            summary: `cannot read memory figures: ${
              read.ok ? `no MemAvailable in ${path}` : read.error
            }; ${
              error instanceof Deno.errors.NotCapable
                ? "Deno.systemMemoryInfo() needs --allow-sys"
                : (error as Error).message
            }`,
          };
        }
      }
      const percent = figures.totalBytes > 0
        ? (figures.availableBytes / figures.totalBytes) * 100
        : 0;
      const status = percent < warnPercent ? "warn" : "ok";
      return {
        status,
        summary: `${formatBytes(figures.availableBytes)} of ${
          formatBytes(figures.totalBytes)
        } available (${percent.toFixed(0)} %)`,
        ...(status === "warn"
          ? {
            hint:
              "Little memory is left: stop what is not needed, lower [sdr.input] fft_size or add swap (zram)",
          }
          : {}),
        details: {
          ...figures,
          availablePercent: Math.round(percent * 10) / 10,
          source,
        },
      };
    },
  };
}
