/**
 * What doctor says about a service that did not answer: a target given on
 * the command line is a failure; a configured one is "not running" (a
 * warning) when its port is free, and a failure when something else holds
 * the port.
 *
 * @module
 */

import { parseHostPort } from "./host_port.ts";
import { portState } from "./port_state.ts";
import type { CheckStatus, CheckTarget } from "./types.ts";

/** The verdict on one silent target. */
export interface SilentServiceVerdict {
  /** "warn" (configured, port free) or "fail". */
  status: Extract<CheckStatus, "warn" | "fail">;
  /** One phrase for the summary (`not running (UDP port 42000 is free)`). */
  text: string;
  /** The port's state, when it was looked at. */
  port?: "free" | "in use" | "unknown";
}

function portOf(target: CheckTarget, defaultPort: number): number {
  if (/^https?:\/\//.test(target.address)) {
    const url = new URL(target.address);
    return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  }
  return parseHostPort(target.address, defaultPort).port;
}

/**
 * Judges a target that did not answer (`error` says how).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { judgeSilentService } from "./silent_service.ts";
 * const free = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const port = (free.addr as Deno.NetAddr).port;
 * free.close();
 * const verdict = await judgeSilentService(
 *   { kind: "sdr", address: `http://127.0.0.1:${port}`, source: "config", bind: "127.0.0.1" },
 *   "connection refused",
 *   { transport: "tcp", defaultPort: 9002 },
 * );
 * equal(verdict.status, "warn");
 * equal(verdict.text, `not running (TCP port ${port} is free)`);
 * ```
 */
export async function judgeSilentService(
  target: CheckTarget,
  error: string,
  options: { transport: "tcp" | "udp"; defaultPort: number },
): Promise<SilentServiceVerdict> {
  if (target.source !== "config") return { status: "fail", text: error };
  let port: number;
  try {
    port = portOf(target, options.defaultPort);
  } catch {
    return { status: "fail", text: error };
  }
  const proto = options.transport.toUpperCase();
  const state = await portState(port, {
    transport: options.transport,
    hostname: target.bind ?? "0.0.0.0",
  });
  if (state === "free") {
    return {
      status: "warn",
      text: `not running (${proto} port ${port} is free)`,
      port: state,
    };
  }
  if (state === "in use") {
    return {
      status: "fail",
      text: `${proto} port ${port} is in use but does not answer (${error})`,
      port: state,
    };
  }
  return { status: "fail", text: error, port: state };
}
