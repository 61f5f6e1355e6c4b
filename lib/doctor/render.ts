/**
 * Renders a doctor report as a table for people or as JSON for scripts.
 *
 * @module
 */

import type { CheckStatus, DoctorReport } from "./types.ts";

/** Options of {@link renderTable}. */
export interface RenderTableOptions {
  /** Use ANSI colours. */
  color?: boolean;
  /** Print only checks that are not ok, and no footer when all is well. */
  quiet?: boolean;
}

const SYMBOL: Record<CheckStatus, string> = {
  ok: "✓",
  warn: "⚠",
  fail: "✗",
  skip: "-",
};
const COLOR: Record<CheckStatus, string> = {
  ok: "\x1b[32m",
  warn: "\x1b[33m",
  fail: "\x1b[31m",
  skip: "\x1b[90m",
};

/**
 * Renders the report as an aligned table, one row per check, with hints
 * under failing rows and a one-line verdict at the end.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { renderTable } from "./render.ts";
 * const text = renderTable({
 *   schema: "shack.doctor/v1", version: "0.1.0", startedAt: "", durationMs: 3,
 *   status: "ok", exitCode: 0,
 *   checks: [{ name: "runtime.deno", status: "ok", summary: "deno 2.9.5", durationMs: 1 }],
 * });
 * match(text, /✓ runtime\.deno +deno 2\.9\.5/);
 * ```
 */
export function renderTable(
  report: DoctorReport,
  options: RenderTableOptions = {},
): string {
  const rows = options.quiet
    ? report.checks.filter((c) => c.status === "warn" || c.status === "fail")
    : report.checks;
  const width = Math.max(0, ...rows.map((c) => c.name.length));
  const paint = (status: CheckStatus, text: string) =>
    options.color ? `${COLOR[status]}${text}\x1b[0m` : text;
  const lines: string[] = [];
  for (const check of rows) {
    lines.push(
      `${paint(check.status, SYMBOL[check.status])} ${
        check.name.padEnd(width)
      }  ${check.summary}`,
    );
    if (check.hint && (check.status === "warn" || check.status === "fail")) {
      for (const hintLine of check.hint.split("\n")) {
        lines.push(`  ${" ".repeat(width)}  ${hintLine}`);
      }
    }
  }
  if (!options.quiet || report.status !== "ok") {
    const counts = { ok: 0, warn: 0, fail: 0, skip: 0 };
    for (const c of report.checks) counts[c.status]++;
    lines.push(
      `${
        paint(report.status, report.status.toUpperCase())
      }: ${counts.ok} ok, ${counts.warn} warning${
        counts.warn === 1 ? "" : "s"
      }, ${counts.fail} failed, ${counts.skip} skipped (${report.durationMs} ms)`,
    );
  }
  return lines.join("\n");
}

/**
 * Renders the report as the versioned JSON document (`schema` names the version).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { renderJson } from "./render.ts";
 * const doc = JSON.parse(renderJson({
 *   schema: "shack.doctor/v1", version: "0.1.0", startedAt: "", durationMs: 0,
 *   status: "ok", exitCode: 0, checks: [],
 * }));
 * equal(doc.schema, "shack.doctor/v1");
 * ```
 */
export function renderJson(report: DoctorReport): string {
  return JSON.stringify(report, null, 2);
}
