/**
 * The error every upstream reader throws, with a kind from a fixed set so
 * that metrics (`upstream_errors_total{kind}`) stay bounded and the proxy
 * can tell a dead channel from a network blip.
 *
 * @module
 */

/**
 * Every kind of upstream failure:
 *
 * - `http_status`: the upstream answered with a non-2xx status.
 * - `redirect_limit`: too many redirects (a loop).
 * - `network`: connection refused, reset, DNS, TLS, body read error.
 * - `startup_timeout`: no byte within the startup deadline.
 * - `stall`: no byte for the stall deadline while streaming.
 * - `ended`: the upstream closed a live stream.
 * - `not_mpegts`: the upstream is not MPEG-TS (an HLS playlist, or no sync).
 * - `spawn`: the remux process could not be started (no ffmpeg).
 * - `exit`: the remux process exited with an error.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { UPSTREAM_ERROR_KINDS } from "./upstream_error.ts";
 *
 * equal(UPSTREAM_ERROR_KINDS.includes("stall"), true);
 * ```
 */
export const UPSTREAM_ERROR_KINDS = [
  "http_status",
  "redirect_limit",
  "network",
  "startup_timeout",
  "stall",
  "ended",
  "not_mpegts",
  "spawn",
  "exit",
] as const;

/**
 * One of {@link UPSTREAM_ERROR_KINDS}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UpstreamErrorKind } from "./upstream_error.ts";
 *
 * const kind: UpstreamErrorKind = "http_status";
 * equal(kind, "http_status");
 * ```
 */
export type UpstreamErrorKind = typeof UPSTREAM_ERROR_KINDS[number];

/**
 * An upstream failure.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { UpstreamError } from "./upstream_error.ts";
 *
 * const error = new UpstreamError("http_status", "Expected a 2xx upstream status but found 404", { status: 404 });
 * equal(error.name, "UpstreamError");
 * equal(error.kind, "http_status");
 * equal(error.status, 404);
 * ```
 */
export class UpstreamError extends Error {
  /** What went wrong. */
  readonly kind: UpstreamErrorKind;
  /** The HTTP status, for `http_status`. */
  readonly status: number | undefined;

  /**
   * Creates the error.
   *
   * @param kind What went wrong.
   * @param message What was expected and what was found.
   * @param options The HTTP status and the cause.
   */
  constructor(
    kind: UpstreamErrorKind,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "UpstreamError";
    this.kind = kind;
    this.status = options.status;
  }
}

/**
 * Wraps anything thrown by an upstream in an {@link UpstreamError}
 * (`network` unless it already is one).
 *
 * @param error What was thrown.
 * @returns The upstream error.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { toUpstreamError } from "./upstream_error.ts";
 *
 * const error = toUpstreamError(new TypeError("error sending request"));
 * equal(error.kind, "network");
 * equal(error.message, "Expected the upstream to keep the connection but found: error sending request");
 * ```
 */
export function toUpstreamError(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(
    "network",
    `Expected the upstream to keep the connection but found: ${message}`,
    { cause: error },
  );
}
