/**
 * One UDP status probe of one target, as the `ysf.status` and `audio.osc`
 * checks make it: the answer, or why there was none and what that means
 * (see {@link judgeSilentService}).
 *
 * @module
 */

import { parseHostPort } from "../host_port.ts";
import {
  judgeSilentService,
  type SilentServiceVerdict,
} from "../silent_service.ts";
import type { CheckTarget } from "../types.ts";

/**
 * The outcome of {@link probeUdpTarget}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UdpTargetOutcome } from "./udp_target.ts";
 * const outcome: UdpTargetOutcome<number> = {
 *   target: { kind: "ysf", address: "127.0.0.1:42000", source: "command line" },
 *   ok: true,
 *   result: 7,
 * };
 * equal(outcome.ok, true);
 * ```
 */
export type UdpTargetOutcome<T> =
  | { target: CheckTarget; ok: true; result: T }
  | {
    target: CheckTarget;
    ok: false;
    /** How the probe failed. */
    error: string;
    /** What the silence means. */
    verdict: SilentServiceVerdict;
  };

/**
 * Parses the target's `HOST[:PORT]` and runs `probe` on it; a failure (a
 * bad address, a timeout) is judged as a silent UDP service.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { probeUdpTarget } from "./udp_target.ts";
 * const target = { kind: "ysf", address: "127.0.0.1", source: "command line" as const };
 * const up = await probeUdpTarget(target, 42000, (_host, port) => Promise.resolve(port));
 * equal(up.ok && up.result, 42000);
 * const down = await probeUdpTarget(target, 42000, () => Promise.reject(new Error("no reply")));
 * equal(!down.ok && down.verdict.text, "no reply");
 * ```
 */
export async function probeUdpTarget<T>(
  target: CheckTarget,
  defaultPort: number,
  probe: (hostname: string, port: number) => Promise<T>,
): Promise<UdpTargetOutcome<T>> {
  try {
    const { hostname, port } = parseHostPort(target.address, defaultPort);
    return { target, ok: true, result: await probe(hostname, port) };
  } catch (error) {
    const message = (error as Error).message;
    const verdict = await judgeSilentService(target, message, {
      transport: "udp",
      defaultPort,
    });
    return { target, ok: false, error: message, verdict };
  }
}
