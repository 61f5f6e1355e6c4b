/**
 * The `audio.osc` check: an OSC `/status` round trip over UDP to every
 * `audio-osc` target, expecting `/status.reply`.
 *
 * @module
 */

import { parseHostPort } from "../host_port.ts";
import { probeOscStatus } from "../osc_probe.ts";
import { DEFAULT_PORTS } from "../service_targets.ts";
import { judgeSilentService } from "../silent_service.ts";
import type {
  Check,
  CheckOutcome,
  CheckStatus,
  CheckTarget,
} from "../types.ts";
import { probeBudget } from "./probe_budget.ts";

function jsonArg(arg: unknown): unknown {
  if (typeof arg === "bigint") return arg.toString();
  if (arg instanceof Uint8Array) return `<${arg.length} bytes>`;
  if (typeof arg === "number" && !Number.isInteger(arg)) {
    return Math.round(arg * 1000) / 1000;
  }
  return arg;
}

async function probe(
  target: CheckTarget,
  signal: AbortSignal,
  timeoutMs: number,
) {
  try {
    const { hostname, port } = parseHostPort(
      target.address,
      DEFAULT_PORTS["audio-osc"],
    );
    const result = await probeOscStatus(hostname, port, { signal, timeoutMs });
    return { target, ok: true as const, result };
  } catch (error) {
    const message = (error as Error).message;
    const verdict = await judgeSilentService(target, message, {
      transport: "udp",
      defaultPort: DEFAULT_PORTS["audio-osc"],
    });
    return { target, ok: false as const, error: message, verdict };
  }
}

/**
 * The OSC status check ("skip" when no `audio-osc` target is known).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { audioOscCheck } from "./audio_osc.ts";
 * equal(audioOscCheck.name, "audio.osc");
 * equal((await audioOscCheck.run({ signal: new AbortController().signal })).status, "skip");
 * ```
 */
export const audioOscCheck: Check = {
  name: "audio.osc",
  description: "each audio engine answers OSC /status with /status.reply",
  async run(ctx): Promise<CheckOutcome> {
    const targets = (ctx.targets ?? []).filter((t) => t.kind === "audio-osc");
    if (targets.length === 0) {
      return {
        status: "skip",
        summary:
          "no audio engine OSC port configured (--target audio-osc=HOST:PORT)",
      };
    }
    const timeoutMs = probeBudget(ctx, 1000);
    const results = await Promise.all(
      targets.map((t) => probe(t, ctx.signal, timeoutMs)),
    );
    const statuses: CheckStatus[] = results.map((r) =>
      r.ok ? "ok" : r.verdict.status
    );
    const status = statuses.includes("fail")
      ? "fail"
      : statuses.includes("warn")
      ? "warn"
      : "ok";
    return {
      status,
      summary: results.map((r) =>
        r.ok
          ? `${r.target.address}: /status.reply (${r.result.reply.args.length} values), ${
            r.result.rttMs.toFixed(1)
          } ms`
          : `${r.target.address}: ${r.verdict.text}`
      ).join("; "),
      ...(status !== "ok"
        ? {
          hint: results.some((r) => !r.ok && r.verdict.port === "free")
            ? "Start it: systemctl start shack-audio (or shack audio run)"
            : "Is `shack audio run` running, and is its OSC port reachable?",
        }
        : {}),
      details: {
        engines: results.map((r) =>
          r.ok
            ? {
              address: r.target.address,
              types: r.result.reply.types,
              args: r.result.reply.args.map(jsonArg),
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
