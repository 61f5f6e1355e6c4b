/**
 * The shapes shared by doctor checks, the runner and the renderers.
 *
 * @module
 */

/** A check's verdict. "skip" means the check did not apply (nothing configured). */
export type CheckStatus = "ok" | "warn" | "fail" | "skip";

/** What a check returns. */
export interface CheckOutcome {
  /** The verdict. */
  status: CheckStatus;
  /** One line for the table. */
  summary: string;
  /** Machine-readable facts behind the verdict (versions, counts, addresses). */
  details?: Record<string, unknown>;
  /** How to fix a warning or failure, shown under the table row. */
  hint?: string;
  /** Set when the failure is an invalid configuration (doctor then exits 78). */
  configError?: boolean;
}

/** A service to probe, from `--target KIND=ADDRESS` or the config file. */
export interface CheckTarget {
  /** The service kind: `ysf`, `sdr`, `audio`, `bridge`. */
  kind: string;
  /** Where it listens: `host:port` or a URL. */
  address: string;
  /** Where the target came from. */
  source: "command line" | "config";
  /**
   * The address the service binds, from the config file (`0.0.0.0`, `::`,
   * a host). When a configured service does not answer, doctor tries to bind
   * this address and port to tell "not running" from "port taken".
   */
  bind?: string;
}

/** What every check receives. */
export interface CheckContext {
  /** The `--config` file, when one was given. */
  configPath?: string;
  /** Services to probe. */
  targets?: readonly CheckTarget[];
  /** Aborted when the check's timeout passes or the run is cancelled. */
  signal: AbortSignal;
  /**
   * Milliseconds this check may take; probes inside a check keep below it so
   * the check can still explain a silence before it is cut off.
   */
  timeoutMs?: number;
}

/** One health check. */
export interface Check {
  /** Short stable name used by `--check NAME` and in JSON (`runtime.deno`). */
  name: string;
  /** What it checks, for `doctor --list`. */
  description: string;
  /** Milliseconds before the check is abandoned and reported as failed. */
  timeoutMs?: number;
  /** Runs the check. Exceptions become a "fail" outcome. */
  run(ctx: CheckContext): Promise<CheckOutcome> | CheckOutcome;
}

/** A finished check, as reported. */
export interface CheckResult extends CheckOutcome {
  /** The check's name. */
  name: string;
  /** Wall time the check took, in milliseconds. */
  durationMs: number;
}

/** Schema identifier of the JSON report; bumped on incompatible changes. */
export const DOCTOR_SCHEMA = "shack.doctor/v1";

/** The whole report (the `--json` document). */
export interface DoctorReport {
  /** Always {@link DOCTOR_SCHEMA}. */
  schema: typeof DOCTOR_SCHEMA;
  /** shack's version. */
  version: string;
  /** ISO 8601 time the run started. */
  startedAt: string;
  /** Wall time of the whole run, in milliseconds. */
  durationMs: number;
  /** Worst status of all checks ("skip" counts as ok). */
  status: "ok" | "warn" | "fail";
  /** The process exit code: 0 ok, 1 warnings, 2 failures, 78 config error. */
  exitCode: number;
  /** Every check in the order they were given. */
  checks: CheckResult[];
}
