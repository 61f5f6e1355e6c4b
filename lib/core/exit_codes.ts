/**
 * Process exit codes shared by every shack command.
 *
 * @module
 */

/**
 * The exit codes of every shack command. `doctor` uses {@link ExitCode.Ok},
 * {@link ExitCode.Warnings} and {@link ExitCode.Failures} for its verdict.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ExitCode } from "./exit_codes.ts";
 * equal(ExitCode.Config, 78);
 * ```
 */
export const ExitCode = {
  /** Success, also after a graceful stop on SIGINT or SIGTERM. */
  Ok: 0,
  /** A runtime failure. */
  Failure: 1,
  /** `doctor`: at least one check warned. */
  Warnings: 1,
  /** A usage error (unknown flag, bad value). `doctor`: a check failed. */
  Usage: 2,
  /** `doctor`: at least one check failed. */
  Failures: 2,
  /** EX_CONFIG: the configuration is invalid. */
  Config: 78,
  /** A second SIGINT forced the stop (128 + 2). */
  ForcedSigint: 130,
  /** A second SIGTERM forced the stop (128 + 15). */
  ForcedSigterm: 143,
} as const;
