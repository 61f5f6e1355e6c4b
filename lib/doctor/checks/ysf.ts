/**
 * The YSF reflector check: a YSFS status poll to every `ysf` target,
 * reporting the id, name, linked clients and round-trip time. A configured
 * reflector that does not answer is "not running" (a warning) when its UDP
 * port is free, and a failure when something else holds it.
 *
 * @module
 */

import { probeYsfStatus } from "../../ysf/probe.ts";
import type {
  Check,
  CheckOutcome,
  CheckStatus,
  CheckTarget,
} from "../types.ts";
import { parseHostPort } from "../host_port.ts";
import { judgeSilentService } from "../silent_service.ts";
import { probeBudget } from "./probe_budget.ts";

export { parseHostPort };

async function probe(
  target: CheckTarget,
  signal: AbortSignal,
  timeoutMs: number,
) {
  try {
    const { hostname, port } = parseHostPort(target.address, 42000);
    const status = await probeYsfStatus(hostname, port, { timeoutMs, signal });
    return { target, ok: true as const, status };
  } catch (error) {
    const message = (error as Error).message;
    const verdict = await judgeSilentService(target, message, {
      transport: "udp",
      defaultPort: 42000,
    });
    return { target, ok: false as const, error: message, verdict };
  }
}

/** The YSF status check ("skip" when no `ysf` target is known). */
export const ysfStatusCheck: Check = {
  name: "ysf.status",
  description: "each YSF reflector answers a YSFS status poll",
  async run(ctx): Promise<CheckOutcome> {
    const targets = (ctx.targets ?? []).filter((t) => t.kind === "ysf");
    if (targets.length === 0) {
      return {
        status: "skip",
        summary: "no YSF reflector configured (--target ysf=HOST:PORT)",
      };
    }
    const timeoutMs = probeBudget(ctx, 1500);
    const results = await Promise.all(
      targets.map((t) => probe(t, ctx.signal, timeoutMs)),
    );
    const lines = results.map((r) =>
      r.ok
        ? `${r.target.address}: ${r.status.id} "${r.status.name}", ${r.status.count} linked, ${
          r.status.rttMs.toFixed(1)
        } ms`
        : `${r.target.address}: ${r.verdict.text}`
    );
    const statuses: CheckStatus[] = results.map((r) =>
      r.ok ? "ok" : r.verdict.status
    );
    const status = statuses.includes("fail")
      ? "fail"
      : statuses.includes("warn")
      ? "warn"
      : "ok";
    const notRunning = results.some((r) => !r.ok && r.verdict.port === "free");
    return {
      status,
      summary: lines.join("; "),
      ...(status !== "ok"
        ? {
          hint: notRunning
            ? "Start it: systemctl start shack-ysf (or shack ysf reflect)"
            : "Is `shack ysf reflect` running, and is the UDP port reachable?",
        }
        : {}),
      details: {
        reflectors: results.map((r) =>
          r.ok
            ? {
              address: r.target.address,
              id: r.status.id,
              name: r.status.name,
              description: r.status.description,
              clients: r.status.count,
              rttMs: Math.round(r.status.rttMs * 10) / 10,
            }
            : {
              address: r.target.address,
              error: r.error,
              ...(r.verdict.port ? { port: r.verdict.port } : {}),
            }
        ),
      },
    };
  },
};
