/**
 * The HTTP side of a service check: `GET /healthz` (the JSON every shack
 * service serves) and `GET /metrics` (Prometheus text, reduced to key
 * figures). Bodies are read up to a size limit and always consumed.
 *
 * @module
 */

import type { HealthStatus } from "../core/http/health.ts";
import { keyFigures, parsePrometheusText } from "./prometheus_text.ts";

/** What {@link probeHttpService} found. */
export type HttpProbeResult =
  | {
    /** `/healthz` answered with a shack health report. */
    reachable: true;
    /** The service's own verdict. */
    status: HealthStatus;
    /** The HTTP status of `/healthz` (200, or 503 when failing). */
    httpStatus: number;
    /** The report's `service`, `version` and `uptimeSeconds`, when given. */
    service?: string;
    version?: string;
    uptimeSeconds?: number;
    /** Sub-checks that are not ok, as `name: message`. */
    problems: string[];
    /** Key figures from `/metrics` (clients, drops, …), summed over labels. */
    metrics?: Record<string, number>;
    /** Why `/metrics` could not be read, when it could not. */
    metricsError?: string;
    /** Milliseconds `/healthz` took. */
    rttMs: number;
  }
  | {
    /** Nothing usable answered. */
    reachable: false;
    /** "refused" (nothing listens), "timeout", or "invalid" (something else answered). */
    reason: "refused" | "timeout" | "invalid";
    /** A sentence for the report. */
    error: string;
  };

/** Options of {@link probeHttpService}. */
export interface HttpProbeOptions {
  /** Give up on each request after this many milliseconds. Default 2000. */
  timeoutMs?: number;
  /** Cancels the probe. */
  signal?: AbortSignal;
  /** Largest body read, in bytes. Default 1 MiB. */
  maxBytes?: number;
}

const STATUSES: ReadonlySet<string> = new Set(["ok", "degraded", "failing"]);

async function readText(
  response: Response,
  maxBytes: number,
): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size <= maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  if (size > maxBytes) {
    throw new RangeError(
      `Expected a body of at most ${maxBytes} bytes, found more`,
    );
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return new TextDecoder().decode(out);
}

function describe(error: unknown): string {
  let inner: unknown = error;
  for (let i = 0; i < 4 && inner instanceof Error && inner.cause; i++) {
    inner = inner.cause;
  }
  const text = inner instanceof Error ? inner.message : String(inner);
  if (/connection refused/i.test(text)) return "connection refused";
  return text.replace(/^error sending request for url \([^)]*\): /, "")
    .replace(/^client error \(Connect\): /, "");
}

/**
 * Probes a shack HTTP service at `baseUrl`: its `/healthz` verdict and the
 * key figures of its `/metrics`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { startHttpServer } from "../core/http/server.ts";
 * import { probeHttpService } from "./http_probe.ts";
 * const server = startHttpServer({
 *   hostname: "127.0.0.1", port: 0,
 *   routes: {
 *     healthz: () => ({ status: "degraded", service: "bridge" }),
 *     metrics: { render: () => 'shack_bridge_sessions{state="streaming"} 2\n' },
 *   },
 *   handler: () => new Response("Not found\n", { status: 404 }),
 * });
 * const result = await probeHttpService(`http://127.0.0.1:${server.addr.port}`);
 * equal(result.reachable && result.status, "degraded");
 * deepEqual(result.reachable && result.metrics, { shack_bridge_sessions: 2 });
 * await server.shutdown();
 * ```
 */
export async function probeHttpService(
  baseUrl: string,
  options: HttpProbeOptions = {},
): Promise<HttpProbeResult> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const base = baseUrl.replace(/\/+$/, "");
  const signalFor = () => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return options.signal
      ? AbortSignal.any([options.signal, timeout])
      : timeout;
  };
  const started = performance.now();
  let healthText: string;
  let httpStatus: number;
  const healthSignal = signalFor();
  try {
    const response = await fetch(`${base}/healthz`, {
      signal: healthSignal,
      headers: { accept: "application/json" },
    });
    httpStatus = response.status;
    healthText = await readText(response, maxBytes);
  } catch (error) {
    if (healthSignal.aborted) {
      return {
        reachable: false,
        reason: "timeout",
        error: `no answer from ${base}/healthz within ${timeoutMs} ms`,
      };
    }
    const message = describe(error);
    return {
      reachable: false,
      reason: /refused|ECONNREFUSED/i.test(message) ? "refused" : "invalid",
      error: `${base}/healthz: ${message}`,
    };
  }
  const rttMs = performance.now() - started;
  let report: Record<string, unknown>;
  try {
    const parsed = JSON.parse(healthText);
    if (
      typeof parsed !== "object" || parsed === null ||
      !STATUSES.has(parsed.status)
    ) {
      throw new TypeError("no status");
    }
    report = parsed;
  } catch {
    return {
      reachable: false,
      reason: "invalid",
      error:
        `${base}/healthz answered HTTP ${httpStatus} without a shack health report`,
    };
  }
  const problems: string[] = [];
  if (typeof report.checks === "object" && report.checks !== null) {
    for (
      const [name, check] of Object.entries(
        report.checks as Record<string, unknown>,
      ).slice(0, 32)
    ) {
      const c = check as { status?: unknown; message?: unknown } | null;
      if (c && c.status !== "ok") {
        problems.push(
          `${name}: ${typeof c.message === "string" ? c.message : c.status}`,
        );
      }
    }
  }
  const result: HttpProbeResult = {
    reachable: true,
    status: report.status as HealthStatus,
    httpStatus,
    problems,
    rttMs,
    ...(typeof report.service === "string" ? { service: report.service } : {}),
    ...(typeof report.version === "string" ? { version: report.version } : {}),
    ...(typeof report.uptimeSeconds === "number"
      ? { uptimeSeconds: report.uptimeSeconds }
      : {}),
  };
  try {
    const response = await fetch(`${base}/metrics`, { signal: signalFor() });
    const text = await readText(response, maxBytes);
    if (!response.ok) {
      result.metricsError = `/metrics answered HTTP ${response.status}`;
    } else {
      result.metrics = keyFigures(parsePrometheusText(text).samples);
    }
  } catch (error) {
    result.metricsError = `/metrics: ${describe(error)}`;
  }
  return result;
}
