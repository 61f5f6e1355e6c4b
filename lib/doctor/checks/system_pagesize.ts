/**
 * The `system.pagesize` check: the kernel's memory page size. 16 KB pages
 * (the Raspberry Pi 5's default kernel, `kernel_2712.img`) are a warning:
 * V8-based runtimes such as Deno have been reported to crash there. The
 * fix on a Pi 5 is booting the 4 KB-page kernel.
 *
 * The size comes from `/proc/self/smaps` (`KernelPageSize`), else
 * `getconf PAGESIZE`, else the kernel release name (`…-2712`, `…-16k`),
 * else the architecture (x86_64 pages are always 4 KB).
 *
 * @module
 */

import { type CommandRunner, runCommand } from "../command_runner.ts";
import {
  detectRaspberryPi,
  type DetectRaspberryPiOptions,
} from "../raspberry_pi.ts";
import { readSystemText } from "../system_text.ts";
import type { Check, CheckOutcome } from "../types.ts";
import { probeBudget } from "./probe_budget.ts";

/** Options of {@link pageSizeCheck}. */
export interface PageSizeCheckOptions extends DetectRaspberryPiOptions {
  /** A smaps file. Default `/proc/self/smaps`. */
  smapsPath?: string;
  /** Runs `getconf PAGESIZE`. Default {@link runCommand}. */
  run?: CommandRunner;
  /** The operating system. Default `Deno.build.os`. */
  os?: string;
  /** The CPU architecture. Default `Deno.build.arch` (x86_64 always has 4 KB pages). */
  arch?: string;
}

/** The fix for 16 KB pages on a Raspberry Pi 5, as doctor prints it. */
export const PI5_PAGE_SIZE_FIX =
  "On a Raspberry Pi 5 boot the 4 KB-page kernel: add `kernel=kernel8.img` to /boot/firmware/config.txt (under [all]), then reboot; `getconf PAGESIZE` then prints 4096";

/** A page size and how it was found. */
export interface PageSize {
  /** Bytes per page. */
  bytes: number;
  /** Where it came from. */
  source: string;
}

/**
 * Reads the page size from `KernelPageSize` in smaps text.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseSmapsPageSize } from "./system_pagesize.ts";
 * equal(parseSmapsPageSize("Size: 132 kB\nKernelPageSize:       16 kB\n"), 16384);
 * equal(parseSmapsPageSize("Size: 132 kB\n"), undefined);
 * ```
 */
export function parseSmapsPageSize(text: string): number | undefined {
  const m = /^KernelPageSize:\s+(\d+)\s*kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

/**
 * Guesses the page size from a kernel release name: Raspberry Pi OS's Pi 5
 * kernel (`…-rpi-2712`, `…-v8-16k`) uses 16 KB pages; other names give
 * undefined (no guess).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { pageSizeFromRelease } from "./system_pagesize.ts";
 * equal(pageSizeFromRelease("6.6.51+rpt-rpi-2712"), 16384);
 * equal(pageSizeFromRelease("6.6.51+rpt-rpi-v8"), 4096);
 * equal(pageSizeFromRelease("6.1.0-26-amd64"), undefined);
 * ```
 */
export function pageSizeFromRelease(release: string): number | undefined {
  if (/16k/i.test(release) || /rpi-2712|-2712\b/.test(release)) return 16384;
  if (/rpi-v[678]\b|-v8\+?$/.test(release)) return 4096;
  return undefined;
}

async function findPageSize(
  options: PageSizeCheckOptions,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<PageSize | undefined> {
  const smapsPath = options.smapsPath ?? "/proc/self/smaps";
  const smaps = await readSystemText(smapsPath);
  if (smaps.ok) {
    const bytes = parseSmapsPageSize(smaps.text);
    if (bytes) return { bytes, source: smapsPath };
  }
  try {
    const result = await (options.run ?? runCommand)("getconf", ["PAGESIZE"], {
      signal,
      timeoutMs,
    });
    const bytes = Number(result.stdout.trim());
    if (result.code === 0 && Number.isInteger(bytes) && bytes > 0) {
      return { bytes, source: "getconf PAGESIZE" };
    }
  } catch {
    // no getconf, or no --allow-run
  }
  try {
    const release = (options.osRelease ?? Deno.osRelease)();
    const bytes = pageSizeFromRelease(release);
    if (bytes) return { bytes, source: `kernel release ${release}` };
  } catch {
    // no --allow-sys
  }
  const arch = options.arch ?? Deno.build.arch;
  if (arch === "x86_64") return { bytes: 4096, source: "x86_64 architecture" };
  return undefined;
}

/**
 * Builds the `system.pagesize` check (Linux only; "skip" elsewhere).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { pageSizeCheck } from "./system_pagesize.ts";
 * const check = pageSizeCheck({ os: "darwin" });
 * equal((await check.run({ signal: new AbortController().signal })).status, "skip");
 * ```
 */
export function pageSizeCheck(options: PageSizeCheckOptions = {}): Check {
  return {
    name: "system.pagesize",
    description:
      "the kernel uses 4 KB memory pages (16 KB pages can crash V8, the Pi 5 default)",
    async run(ctx): Promise<CheckOutcome> {
      const os = options.os ?? Deno.build.os;
      if (os !== "linux") {
        return { status: "skip", summary: `not Linux (${os})` };
      }
      const size = await findPageSize(
        options,
        ctx.signal,
        probeBudget(ctx, 2000),
      );
      if (!size) {
        return {
          status: "skip",
          summary:
            "page size unknown (needs --allow-all for /proc, or --allow-run=getconf)",
        };
      }
      const kb = size.bytes / 1024;
      const details = { bytes: size.bytes, source: size.source };
      if (size.bytes === 4096) {
        return { status: "ok", summary: "4 KB pages", details };
      }
      const pi = await detectRaspberryPi(options);
      return {
        status: "warn",
        summary:
          `${kb} KB memory pages: V8-based runtimes (Deno) have been reported to crash with them`,
        hint: pi?.pi5
          ? PI5_PAGE_SIZE_FIX
          : `Boot a kernel built with 4 KB pages.\n${PI5_PAGE_SIZE_FIX}`,
        details: { ...details, ...(pi ? { model: pi.model } : {}) },
      };
    },
  };
}
