/**
 * Import progress on the terminal: {@link formatProgress} builds a
 * one-line summary of a long import (bytes read, channels, programmes), and
 * {@link renderProgress} rewrites it in place on stderr — only when stderr
 * is a terminal, so logs and pipes stay clean.
 *
 * @module
 */

/**
 * What an import has done so far.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ImportProgress } from "./progress.ts";
 *
 * const progress: ImportProgress = { bytes: 5_000_000, programmes: 1200, done: false };
 * equal(progress.done, false);
 * ```
 */
export interface ImportProgress {
  /** Bytes read. */
  bytes: number;
  /** Total bytes, when known (e.g. from Content-Length). */
  totalBytes?: number;
  /** Playlist entries so far. */
  entries?: number;
  /** Channels so far. */
  channels?: number;
  /** Programmes so far. */
  programmes?: number;
  /** True on the last report. */
  done?: boolean;
}

/**
 * Where {@link renderProgress} writes (default `Deno.stderr`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ProgressOutput } from "./progress.ts";
 *
 * const output: ProgressOutput = { isTerminal: () => false, writeSync: (p) => p.length };
 * equal(output.isTerminal(), false);
 * ```
 */
export interface ProgressOutput {
  /** Whether the output is a terminal. */
  isTerminal(): boolean;
  /** Writes bytes; returns how many were written. */
  writeSync(p: Uint8Array): number;
}

/**
 * Options of {@link renderProgress}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RenderProgressOptions } from "./progress.ts";
 *
 * const options: RenderProgressOptions = { label: "guide" };
 * equal(options.label, "guide");
 * ```
 */
export interface RenderProgressOptions {
  /** What is being imported, e.g. the source id. Default `"import"`. */
  label?: string;
  /** The output. Default `Deno.stderr`. */
  output?: ProgressOutput;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * The one-line summary of an import.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatProgress } from "./progress.ts";
 *
 * equal(
 *   formatProgress({ bytes: 3_145_728, totalBytes: 6_291_456, channels: 12, programmes: 4500 }, "epg"),
 *   "epg: 3.0 MB of 6.0 MB (50%), 12 channels, 4,500 programmes",
 * );
 * ```
 *
 * @param progress The counters.
 * @param label What is being imported.
 * @returns The line, without a line ending.
 */
export function formatProgress(
  progress: ImportProgress,
  label = "import",
): string {
  let line = `${label}: ${megabytes(progress.bytes)}`;
  if (progress.totalBytes !== undefined && progress.totalBytes > 0) {
    const percent = Math.min(
      100,
      Math.floor((progress.bytes / progress.totalBytes) * 100),
    );
    line += ` of ${megabytes(progress.totalBytes)} (${percent}%)`;
  }
  if (progress.entries !== undefined) {
    line += `, ${count(progress.entries)} entries`;
  }
  if (progress.channels !== undefined) {
    line += `, ${count(progress.channels)} channels`;
  }
  if (progress.programmes !== undefined) {
    line += `, ${count(progress.programmes)} programmes`;
  }
  if (progress.done) line += ", done";
  return line;
}

const encoder = new TextEncoder();

/**
 * Rewrites the progress line in place (carriage return, erase line) when
 * the output is a terminal; ends it with a newline when `done`. Does nothing
 * otherwise. Never throws (a closed terminal must not break an import).
 *
 * @example Nothing is written to a pipe
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { renderProgress } from "./progress.ts";
 *
 * let written = "";
 * const tty = {
 *   isTerminal: () => true,
 *   writeSync: (p: Uint8Array) => (written += new TextDecoder().decode(p), p.length),
 * };
 * equal(renderProgress({ bytes: 0, programmes: 1, done: true }, { label: "epg", output: tty }), true);
 * equal(written, "\r\x1b[2Kepg: 0.0 MB, 1 programmes, done\n");
 * const pipe = { isTerminal: () => false, writeSync: () => { throw new Error("not called"); } };
 * equal(renderProgress({ bytes: 0 }, { output: pipe }), false);
 * ```
 *
 * @param progress The counters.
 * @param options Label and output.
 * @returns Whether anything was written.
 */
export function renderProgress(
  progress: ImportProgress,
  options: RenderProgressOptions = {},
): boolean {
  const output = options.output ?? Deno.stderr;
  try {
    if (!output.isTerminal()) return false;
    const line = `\r\x1b[2K${formatProgress(progress, options.label)}${
      progress.done ? "\n" : ""
    }`;
    const bytes = encoder.encode(line);
    let offset = 0;
    while (offset < bytes.length) {
      offset += output.writeSync(bytes.subarray(offset));
    }
    return true;
  } catch {
    return false;
  }
}
