/**
 * Whether a port is free: what doctor asks when a configured service does
 * not answer, to tell "not running" (the port is free) from "something
 * else holds the port".
 *
 * @module
 */

/** The state of a local port. */
export type PortState = "free" | "in use" | "unknown";

/** Options of {@link portState}. */
export interface PortStateOptions {
  /** `tcp` (HTTP services) or `udp` (YSF, OSC). */
  transport: "tcp" | "udp";
  /** The address the service binds (`0.0.0.0`, `::`, `127.0.0.1`). Default `0.0.0.0`. */
  hostname?: string;
}

/**
 * Tries to bind `port` and releases it at once: "free" when that works,
 * "in use" on EADDRINUSE, "unknown" when binding is not possible for
 * another reason (a privileged port, an address not on this host, no
 * `--allow-net`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { portState } from "./port_state.ts";
 * const held = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const port = (held.addr as Deno.NetAddr).port;
 * equal(await portState(port, { transport: "tcp", hostname: "127.0.0.1" }), "in use");
 * held.close();
 * equal(await portState(port, { transport: "tcp", hostname: "127.0.0.1" }), "free");
 * ```
 */
export function portState(
  port: number,
  options: PortStateOptions,
): Promise<PortState> {
  const hostname = (options.hostname ?? "0.0.0.0").replace(/^\[(.*)\]$/, "$1");
  try {
    const listener = options.transport === "tcp"
      ? Deno.listen({ hostname, port })
      : Deno.listenDatagram({ transport: "udp", hostname, port });
    listener.close();
    return Promise.resolve("free");
  } catch (error) {
    return Promise.resolve(
      error instanceof Deno.errors.AddrInUse ? "in use" : "unknown",
    );
  }
}
