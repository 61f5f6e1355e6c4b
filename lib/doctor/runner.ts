/**
 * Runs doctor checks concurrently, each under its own timeout, and folds
 * the results into a {@link DoctorReport}.
 *
 * @module
 */

import { ExitCode } from "../core/exit_codes.ts";
import {
  type Check,
  type CheckOutcome,
  type CheckResult,
  type CheckTarget,
  DOCTOR_SCHEMA,
  type DoctorReport,
} from "./types.ts";

/** Options of {@link runChecks}. */
export interface RunChecksOptions {
  /** The `--config` file, passed to every check. */
  configPath?: string;
  /** Services to probe, passed to every check. */
  targets?: readonly CheckTarget[];
  /** Default per-check timeout in milliseconds (a check's own `timeoutMs` wins). Default 5000. */
  timeoutMs?: number;
  /** Cancels every running check. */
  signal?: AbortSignal;
  /** shack's version, copied into the report. */
  version?: string;
  /** Wall clock. Default `Date.now`. */
  now?: () => number;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function runOne(
  check: Check,
  options: RunChecksOptions,
  now: () => number,
): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? options.timeoutMs ?? 5000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal
    ? AbortSignal.any([options.signal, timeout])
    : timeout;
  const started = now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() =>
      resolve({
        status: "fail",
        summary: `timed out after ${timeoutMs} ms`,
      }), timeoutMs);
  });
  let outcome: CheckOutcome;
  try {
    outcome = await Promise.race([
      Promise.resolve().then(() =>
        check.run({
          ...(options.configPath !== undefined
            ? { configPath: options.configPath }
            : {}),
          ...(options.targets !== undefined
            ? { targets: options.targets }
            : {}),
          signal,
          timeoutMs,
        })
      ),
      expired,
    ]);
  } catch (error) {
    outcome = { status: "fail", summary: errorText(error) };
  } finally {
    clearTimeout(timer);
  }
  return {
    name: check.name,
    ...outcome,
    durationMs: Math.round(now() - started),
  };
}

/**
 * Runs `checks` concurrently and returns the report. Never throws for a
 * failing check: a thrown error or a timeout becomes a "fail" result.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { runChecks } from "./runner.ts";
 * const report = await runChecks([
 *   { name: "a", description: "always fine", run: () => ({ status: "ok", summary: "fine" }) },
 *   { name: "b", description: "warns", run: () => ({ status: "warn", summary: "low disk" }) },
 * ]);
 * equal(report.status, "warn");
 * equal(report.exitCode, 1);
 * ```
 */
export async function runChecks(
  checks: readonly Check[],
  options: RunChecksOptions = {},
): Promise<DoctorReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const results = await Promise.all(checks.map((c) => runOne(c, options, now)));
  const failed = results.some((r) => r.status === "fail");
  const warned = results.some((r) => r.status === "warn");
  const configError = results.some((r) => r.status === "fail" && r.configError);
  return {
    schema: DOCTOR_SCHEMA,
    version: options.version ?? "unknown",
    startedAt: new Date(started).toISOString(),
    durationMs: Math.round(now() - started),
    status: failed ? "fail" : warned ? "warn" : "ok",
    exitCode: configError
      ? ExitCode.Config
      : failed
      ? ExitCode.Failures
      : warned
      ? ExitCode.Warnings
      : ExitCode.Ok,
    checks: results,
  };
}
