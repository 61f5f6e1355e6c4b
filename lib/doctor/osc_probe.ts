/**
 * An OSC `/status` round trip over UDP, as scsynth and `shack audio run`
 * answer it with `/status.reply`.
 *
 * @module
 */

import { udpRequest } from "../core/udp_request.ts";
import { decodePacket } from "../audio/osc/decode.ts";
import { encodeMessage } from "../audio/osc/encode.ts";
import { flattenPacket } from "../audio/osc/flatten.ts";
import type { OscMessage } from "../audio/osc/packet.ts";

/** A `/status.reply` and how long it took. */
export interface OscStatusResult {
  /** The reply (address `/status.reply`), decoded by lib/audio/osc. */
  reply: OscMessage;
  /** Milliseconds from sending `/status` to the reply. */
  rttMs: number;
}

/** Options of {@link probeOscStatus}. */
export interface OscProbeOptions {
  /** Give up after this many milliseconds. Default 1000. */
  timeoutMs?: number;
  /** Cancels the probe. */
  signal?: AbortSignal;
}

/**
 * Sends `/status` to `hostname:port` and resolves with the first
 * `/status.reply` from that port. Other datagrams are ignored. Rejects with
 * a `TimeoutError` DOMException when none came in time.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeMessage } from "../audio/osc/encode.ts";
 * import { probeOscStatus } from "./osc_probe.ts";
 * const server = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
 * const answering = (async () => {
 *   const [, from] = await server.receive();
 *   await server.send(encodeMessage("/status.reply", [1, 0, 0, 2, 0]), from);
 * })();
 * const { reply } = await probeOscStatus("127.0.0.1", (server.addr as Deno.NetAddr).port);
 * equal(reply.args[3].value, 2);
 * await answering;
 * server.close();
 * ```
 */
export async function probeOscStatus(
  hostname: string,
  port: number,
  options: OscProbeOptions = {},
): Promise<OscStatusResult> {
  return await udpRequest(
    hostname,
    port,
    encodeMessage("/status"),
    (data, from) => {
      if (from.port !== port) return undefined;
      try {
        // A message, or the first message of a bundle.
        const reply = flattenPacket(decodePacket(data))[0]?.message;
        return reply?.address === "/status.reply" ? reply : undefined;
      } catch {
        return undefined;
      }
    },
    {
      timeoutMs: options.timeoutMs ?? 1000,
      signal: options.signal,
      expected: "/status.reply",
    },
  );
}
