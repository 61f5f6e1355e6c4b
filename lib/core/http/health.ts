/**
 * `/healthz` JSON and `/metrics` Prometheus text responses.
 *
 * @module
 */

/** The overall or per-check state of a service. */
export type HealthStatus = "ok" | "degraded" | "failing";

/**
 * One named check inside a {@link HealthReport}: a status plus any
 * JSON-serialisable details.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HealthCheck } from "./health.ts";
 * const check: HealthCheck = { status: "degraded", message: "Upstream slow", latencyMs: 900 };
 * equal(check.status, "degraded");
 * ```
 */
export interface HealthCheck {
  /** The state of this check. */
  status: HealthStatus;
  /** A short human-readable explanation. */
  message?: string;
  /** Any other JSON-serialisable detail. */
  [detail: string]: unknown;
}

/**
 * What a service reports on `/healthz`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HealthReport } from "./health.ts";
 * const report: HealthReport = { status: "ok", service: "ysf", uptimeSeconds: 12 };
 * equal(report.service, "ysf");
 * ```
 */
export interface HealthReport {
  /** `ok` and `degraded` answer 200, `failing` answers 503. */
  status: HealthStatus;
  /** The service name, e.g. `sdr`. */
  service: string;
  /** The program version. */
  version?: string;
  /** Seconds since the service started. */
  uptimeSeconds?: number;
  /** Named sub-checks. */
  checks?: Record<string, HealthCheck>;
}

/**
 * Anything that renders Prometheus text exposition, such as the metrics
 * registry of lib/core.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MetricsSource } from "./health.ts";
 * const source: MetricsSource = { render: () => "up 1\n" };
 * equal(source.render(), "up 1\n");
 * ```
 */
export interface MetricsSource {
  /** Returns the whole exposition text. */
  render(): string | Promise<string>;
}

/**
 * The `content-type` of Prometheus text exposition format 0.0.4.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { METRICS_CONTENT_TYPE } from "./health.ts";
 * match(METRICS_CONTENT_TYPE, /^text\/plain; version=0\.0\.4/);
 * ```
 */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const STATUSES: ReadonlySet<string> = new Set(["ok", "degraded", "failing"]);

/**
 * Builds the `/healthz` response: the report as JSON, status 200 for `ok`
 * and `degraded`, 503 for `failing`, and `cache-control: no-store`. A report
 * with an unknown status, or one that cannot be serialised (a cycle, a
 * bigint), is answered as `failing` rather than thrown.
 *
 * @param report The current health of the service.
 * @returns A JSON response.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { healthResponse } from "./health.ts";
 * const response = healthResponse({ status: "failing", service: "audio" });
 * equal(response.status, 503);
 * equal((await response.json()).service, "audio");
 * ```
 */
export function healthResponse(report: HealthReport): Response {
  let body: string;
  let status: number;
  try {
    if (!STATUSES.has(report.status)) {
      throw new TypeError(
        `Expected status "ok", "degraded" or "failing", found ${
          JSON.stringify(report.status)
        }`,
      );
    }
    body = JSON.stringify(report);
    status = report.status === "failing" ? 503 : 200;
  } catch (err) {
    body = JSON.stringify({
      status: "failing",
      service: typeof report?.service === "string" ? report.service : "unknown",
      checks: {
        report: {
          status: "failing",
          message: err instanceof Error ? err.message : String(err),
        },
      },
    });
    status = 503;
  }
  return new Response(body + "\n", {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
    },
  });
}

/**
 * Options for {@link metricsResponse}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MetricsResponseOptions } from "./health.ts";
 * const options: MetricsResponseOptions = { onError: () => {} };
 * equal(typeof options.onError, "function");
 * ```
 */
export interface MetricsResponseOptions {
  /** Called when `render()` throws; the response is then a 500. */
  onError?: (err: unknown, context: string) => void;
}

/**
 * Builds the `/metrics` response from a registry: Prometheus text format
 * 0.0.4 and `cache-control: no-store`. If `render()` throws or rejects, the
 * answer is a 500 and `onError` is told; this function never rejects.
 *
 * @param registry The metrics to render.
 * @param options Error reporting.
 * @returns The exposition response.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { METRICS_CONTENT_TYPE, metricsResponse } from "./health.ts";
 * const response = await metricsResponse({ render: () => "up 1\n" });
 * equal(response.headers.get("content-type"), METRICS_CONTENT_TYPE);
 * equal(await response.text(), "up 1\n");
 * ```
 */
export async function metricsResponse(
  registry: MetricsSource,
  options: MetricsResponseOptions = {},
): Promise<Response> {
  try {
    const text = await registry.render();
    return new Response(text, {
      headers: {
        "content-type": METRICS_CONTENT_TYPE,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    options.onError?.(err, "metrics render");
    return new Response("Cannot render metrics\n", {
      status: 500,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "cache-control": "no-store",
      },
    });
  }
}
