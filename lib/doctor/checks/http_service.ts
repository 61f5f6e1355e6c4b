/**
 * The HTTP service checks (`sdr.status`, `audio.status`, `bridge.status`):
 * each target's `/healthz` verdict (ok ✓, degraded ⚠, failing ✗) and key
 * figures from its `/metrics`.
 *
 * @module
 */

import { type HttpProbeResult, probeHttpService } from "../http_probe.ts";
import { shortMetricName } from "../prometheus_text.ts";
import { DEFAULT_PORTS } from "../service_targets.ts";
import { judgeSilentService } from "../silent_service.ts";
import type {
  Check,
  CheckOutcome,
  CheckStatus,
  CheckTarget,
} from "../types.ts";
import { probeBudget } from "./probe_budget.ts";
import { worstStatus } from "./worst_status.ts";

/** The services doctor probes over HTTP. */
export type HttpServiceKind = "sdr" | "audio" | "bridge";

const LABEL: Record<HttpServiceKind, string> = {
  sdr: "WebSDR",
  audio: "audio engine",
  bridge: "IPTV bridge",
};

const COMMAND: Record<HttpServiceKind, string> = {
  sdr: "shack sdr serve",
  audio: "shack audio run",
  bridge: "shack bridge serve",
};

function figures(metrics: Record<string, number> | undefined): string {
  if (!metrics) return "";
  const parts = Object.entries(metrics).slice(0, 6).map(([name, value]) =>
    `${shortMetricName(name)} ${
      Number.isInteger(value) ? value : value.toFixed(1)
    }`
  );
  return parts.length > 0 ? `, ${parts.join(", ")}` : "";
}

interface TargetResult {
  target: CheckTarget;
  status: CheckStatus;
  line: string;
  details: Record<string, unknown>;
}

async function probeTarget(
  kind: HttpServiceKind,
  target: CheckTarget,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<TargetResult> {
  const result: HttpProbeResult = await probeHttpService(target.address, {
    signal,
    timeoutMs,
  });
  if (!result.reachable) {
    const verdict = await judgeSilentService(target, result.error, {
      transport: "tcp",
      defaultPort: DEFAULT_PORTS[kind],
    });
    return {
      target,
      status: verdict.status,
      line: `${target.address}: ${verdict.text}`,
      details: {
        address: target.address,
        source: target.source,
        status: verdict.port === "free" ? "not running" : "down",
        error: result.error,
        ...(verdict.port ? { port: verdict.port } : {}),
      },
    };
  }
  const status: CheckStatus = result.status === "ok"
    ? "ok"
    : result.status === "degraded"
    ? "warn"
    : "fail";
  const problems = result.problems.length > 0
    ? ` (${result.problems.slice(0, 3).join("; ")})`
    : "";
  return {
    target,
    status,
    line: `${target.address}: ${result.status}${problems}${
      figures(result.metrics)
    }, ${result.rttMs.toFixed(0)} ms`,
    details: {
      address: target.address,
      source: target.source,
      status: result.status,
      httpStatus: result.httpStatus,
      rttMs: Math.round(result.rttMs * 10) / 10,
      ...(result.service ? { service: result.service } : {}),
      ...(result.version ? { version: result.version } : {}),
      ...(result.uptimeSeconds !== undefined
        ? { uptimeSeconds: result.uptimeSeconds }
        : {}),
      ...(result.problems.length > 0 ? { problems: result.problems } : {}),
      ...(result.metrics ? { metrics: result.metrics } : {}),
      ...(result.metricsError ? { metricsError: result.metricsError } : {}),
    },
  };
}

/**
 * Builds the `KIND.status` check for an HTTP service ("skip" when no
 * target of that kind is known).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { httpServiceCheck } from "./http_service.ts";
 * const check = httpServiceCheck("bridge");
 * equal(check.name, "bridge.status");
 * equal((await check.run({ signal: new AbortController().signal })).status, "skip");
 * ```
 */
export function httpServiceCheck(kind: HttpServiceKind): Check {
  return {
    name: `${kind}.status`,
    description: `each ${
      LABEL[kind]
    } answers /healthz; key figures from /metrics`,
    async run(ctx): Promise<CheckOutcome> {
      const targets = (ctx.targets ?? []).filter((t) => t.kind === kind);
      if (targets.length === 0) {
        return {
          status: "skip",
          summary: `no ${
            LABEL[kind]
          } configured (--target ${kind}=http://HOST:PORT)`,
        };
      }
      const timeoutMs = probeBudget(ctx, 2000);
      const results = await Promise.all(
        targets.map((t) => probeTarget(kind, t, ctx.signal, timeoutMs)),
      );
      const status = worstStatus(results.map((r) => r.status));
      const notRunning = results.some((r) =>
        r.details.status === "not running"
      );
      const down = results.some((r) => r.details.status === "down");
      const hint = notRunning
        ? `Start it: systemctl start shack-${kind} (or ${COMMAND[kind]})`
        : down
        ? `Is \`${COMMAND[kind]}\` running, and is the HTTP port reachable?`
        : status !== "ok"
        ? `See ${targets[0].address}/healthz for the service's own checks`
        : undefined;
      return {
        status,
        summary: results.map((r) => r.line).join("; "),
        ...(hint ? { hint } : {}),
        details: { services: results.map((r) => r.details) },
      };
    },
  };
}

/** `sdr.status`: the WebSDR's `/healthz` and `/metrics`. */
export const sdrStatusCheck: Check = httpServiceCheck("sdr");
/** `audio.status`: the audio engine's `/healthz` and `/metrics`. */
export const audioStatusCheck: Check = httpServiceCheck("audio");
/** `bridge.status`: the IPTV bridge's `/healthz` and `/metrics`. */
export const bridgeStatusCheck: Check = httpServiceCheck("bridge");
