/**
 * An OSC `/status` round trip over UDP, as scsynth and `shack audio run`
 * answer it with `/status.reply`.
 *
 * @module
 */

import { decodeOscPacket, encodeOscMessage, type OscMessage } from "./osc.ts";

/** A `/status.reply` and how long it took. */
export interface OscStatusResult {
  /** The reply (address `/status.reply`). */
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
 * import { encodeOscMessage } from "./osc.ts";
 * import { probeOscStatus } from "./osc_probe.ts";
 * const server = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
 * const answering = (async () => {
 *   const [, from] = await server.receive();
 *   await server.send(encodeOscMessage("/status.reply", [1, 0, 0, 2, 0]), from);
 * })();
 * const { reply } = await probeOscStatus("127.0.0.1", (server.addr as Deno.NetAddr).port);
 * equal(reply.args[3], 2);
 * await answering;
 * server.close();
 * ```
 */
export async function probeOscStatus(
  hostname: string,
  port: number,
  options: OscProbeOptions = {},
): Promise<OscStatusResult> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const conn = Deno.listenDatagram({
    transport: "udp",
    hostname: hostname.includes(":") ? "::" : "0.0.0.0",
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
    await conn.send(encodeOscMessage("/status"), {
      transport: "udp",
      hostname,
      port,
    });
    while (true) {
      const [data, from] = await conn.receive();
      if ((from as Deno.NetAddr).port !== port) continue;
      let reply: OscMessage;
      try {
        reply = decodeOscPacket(data);
      } catch {
        continue;
      }
      if (reply.address === "/status.reply") {
        return { reply, rttMs: performance.now() - started };
      }
    }
  } catch (error) {
    if (signal.aborted) {
      throw timeout.aborted
        ? new DOMException(
          `no /status.reply from ${hostname}:${port} within ${timeoutMs} ms`,
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
