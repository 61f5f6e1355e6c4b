/**
 * The client side of a YSFS status poll: what the reflector registry,
 * dashboards and `shack doctor` do to see whether a reflector is up.
 *
 * @module
 */

import {
  buildStatusQuery,
  parseStatusReply,
  type StatusReplyPacket,
} from "./packets.ts";

/** A reflector's status reply with the round-trip time. */
export interface YsfProbeResult extends StatusReplyPacket {
  /** Milliseconds from sending YSFS to the reply. */
  rttMs: number;
}

/** Options of {@link probeYsfStatus}. */
export interface YsfProbeOptions {
  /** Give up after this many milliseconds. Default 2000. */
  timeoutMs?: number;
  /** Cancels the probe. */
  signal?: AbortSignal;
}

/**
 * Sends one YSFS to `hostname:port` and resolves with the parsed 42-byte
 * reply. Rejects with a `TimeoutError` DOMException when no valid reply came
 * in time; datagrams that are not a status reply from that address are
 * ignored.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YsfServer } from "./server.ts";
 * import { probeYsfStatus } from "./probe.ts";
 * const server = await YsfServer.start({ reflector: { name: "PEER G4KLX" }, bind: ["127.0.0.1"], port: 0 });
 * const status = await probeYsfStatus("127.0.0.1", server.sockets[0].port);
 * equal(status.id, "94296");
 * await server.close();
 * ```
 */
export async function probeYsfStatus(
  hostname: string,
  port: number,
  options: YsfProbeOptions = {},
): Promise<YsfProbeResult> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const local = hostname.includes(":") ? "::" : "0.0.0.0";
  const conn = Deno.listenDatagram({
    transport: "udp",
    hostname: local,
    port: 0,
  });
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal
    ? AbortSignal.any([options.signal, timeout])
    : timeout;
  const onAbort = () => conn.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const started = performance.now();
    await conn.send(buildStatusQuery(), { transport: "udp", hostname, port });
    while (true) {
      const [data] = await conn.receive();
      const reply = parseStatusReply(data);
      if (reply.type === "statusReply") {
        return { ...reply, rttMs: performance.now() - started };
      }
    }
  } catch (error) {
    if (signal.aborted) {
      throw signal.reason instanceof DOMException &&
          signal.reason.name === "TimeoutError"
        ? new DOMException(
          `no status reply from ${hostname}:${port} within ${timeoutMs} ms`,
          "TimeoutError",
        )
        : signal.reason;
    }
    throw error;
  } finally {
    signal.removeEventListener("abort", onAbort);
    try {
      conn.close();
    } catch {
      // closed by the abort
    }
  }
}
