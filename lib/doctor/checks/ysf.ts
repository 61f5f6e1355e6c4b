/**
 * The YSF reflector check: a YSFS status poll to every `ysf` target,
 * reporting the id, name, linked clients and round-trip time. A configured
 * reflector that does not answer is "not running" (a warning) when its UDP
 * port is free, and a failure when something else holds it.
 *
 * @module
 */

import { probeYsfStatus } from "../../ysf/probe.ts";
import type { Check, CheckOutcome } from "../types.ts";
import { parseHostPort } from "../host_port.ts";
import { probeBudget } from "./probe_budget.ts";
import { probeUdpTarget } from "./udp_target.ts";
import { worstStatus } from "./worst_status.ts";

export { parseHostPort };

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
      targets.map((t) =>
        probeUdpTarget(
          t,
          42000,
          (hostname, port) =>
            probeYsfStatus(hostname, port, { timeoutMs, signal: ctx.signal }),
        )
      ),
    );
    const lines = results.map((r) =>
      r.ok
        ? `${r.target.address}: ${r.result.id} "${r.result.name}", ${r.result.count} linked, ${
          r.result.rttMs.toFixed(1)
        } ms`
        : `${r.target.address}: ${r.verdict.text}`
    );
    const status = worstStatus(
      results.map((r) => r.ok ? "ok" : r.verdict.status),
    );
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
              id: r.result.id,
              name: r.result.name,
              description: r.result.description,
              clients: r.result.count,
              rttMs: Math.round(r.result.rttMs * 10) / 10,
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
