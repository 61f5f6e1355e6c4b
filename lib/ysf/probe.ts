/**
 * The client side of a YSFS status poll: what the reflector registry,
 * dashboards and `shack doctor` do to see whether a reflector is up.
 *
 * @module
 */

import { udpRequest } from "../core/udp_request.ts";
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
  const { reply, rttMs } = await udpRequest(
    hostname,
    port,
    buildStatusQuery(),
    (data) => {
      const reply = parseStatusReply(data);
      return reply.type === "statusReply" ? reply : undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? 2000,
      signal: options.signal,
      expected: "status reply",
    },
  );
  return { ...reply, rttMs };
}
