/**
 * The `audio.osc` check: an OSC `/status` round trip over UDP to every
 * `audio-osc` target, expecting `/status.reply`.
 *
 * @module
 */

import { probeOscStatus } from "../osc_probe.ts";
import { DEFAULT_PORTS } from "../service_targets.ts";
import type { Check, CheckOutcome } from "../types.ts";
import { probeBudget } from "./probe_budget.ts";
import { probeUdpTarget } from "./udp_target.ts";
import { worstStatus } from "./worst_status.ts";

function jsonArg(arg: unknown): unknown {
  if (typeof arg === "bigint") return arg.toString();
  if (arg instanceof Uint8Array) return `<${arg.length} bytes>`;
  if (typeof arg === "number" && !Number.isInteger(arg)) {
    return Math.round(arg * 1000) / 1000;
  }
  return arg;
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
      targets.map((t) =>
        probeUdpTarget(
          t,
          DEFAULT_PORTS["audio-osc"],
          (hostname, port) =>
            probeOscStatus(hostname, port, { signal: ctx.signal, timeoutMs }),
        )
      ),
    );
    const status = worstStatus(
      results.map((r) => r.ok ? "ok" : r.verdict.status),
    );
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
              types: r.result.reply.args.map((a) => a.type).join(""),
              args: r.result.reply.args.map((a) => jsonArg(a.value)),
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
