/**
 * The YSF reflector check: a YSFS status poll to every `ysf` target,
 * reporting the id, name, linked clients and round-trip time.
 *
 * @module
 */

import { probeYsfStatus } from "../../ysf/probe.ts";
import type { Check, CheckOutcome, CheckTarget } from "../types.ts";

/**
 * Splits `host:port`, `[v6]:port` or a bare host (port 42000).
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseHostPort } from "./ysf.ts";
 * deepEqual(parseHostPort("[::1]:42001", 42000), { hostname: "::1", port: 42001 });
 * deepEqual(parseHostPort("ysf.example.org", 42000), { hostname: "ysf.example.org", port: 42000 });
 * ```
 */
export function parseHostPort(
  text: string,
  defaultPort: number,
): { hostname: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  let hostname: string;
  let port: string | undefined;
  if (v6) {
    [, hostname, port] = v6 as unknown as [string, string, string | undefined];
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [hostname, port] = text.split(":") as [string, string];
  } else {
    hostname = text;
  }
  const n = port === undefined ? defaultPort : Number(port);
  if (!hostname || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new RangeError(`expected HOST:PORT, found "${text}"`);
  }
  return { hostname, port: n };
}

async function probe(target: CheckTarget, signal: AbortSignal) {
  const { hostname, port } = parseHostPort(target.address, 42000);
  try {
    const status = await probeYsfStatus(hostname, port, {
      timeoutMs: 2000,
      signal,
    });
    return { target, ok: true as const, status };
  } catch (error) {
    return { target, ok: false as const, error: (error as Error).message };
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
    const results = await Promise.all(targets.map((t) => probe(t, ctx.signal)));
    const lines = results.map((r) =>
      r.ok
        ? `${r.target.address}: ${r.status.id} "${r.status.name}", ${r.status.count} linked, ${
          r.status.rttMs.toFixed(1)
        } ms`
        : `${r.target.address}: ${r.error}`
    );
    const failed = results.filter((r) => !r.ok).length;
    return {
      status: failed > 0 ? "fail" : "ok",
      summary: lines.join("; "),
      ...(failed > 0
        ? {
          hint:
            "Is `shack ysf reflect` running, and is the UDP port reachable?",
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
            : { address: r.target.address, error: r.error }
        ),
      },
    };
  },
};
