/**
 * One request/reply round trip over UDP, the client side of a status poll
 * (YSFS to a reflector, OSC `/status` to an audio engine): send one
 * datagram from an ephemeral socket, wait for the first datagram the
 * caller accepts, time it, and give up after a deadline or an abort.
 *
 * @module
 */

/**
 * Options of {@linkcode udpRequest}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UdpRequestOptions } from "./udp_request.ts";
 *
 * const options: UdpRequestOptions = { timeoutMs: 500, expected: "status reply" };
 * equal(options.timeoutMs, 500);
 * ```
 */
export interface UdpRequestOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Cancels the request; its reason is what the promise rejects with. */
  signal?: AbortSignal;
  /** Names the reply in the timeout message (default "reply"). */
  expected?: string;
}

/**
 * What {@linkcode udpRequest} resolves with.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UdpReply } from "./udp_request.ts";
 *
 * const reply: UdpReply<string> = { reply: "pong", rttMs: 1.5 };
 * equal(reply.reply, "pong");
 * ```
 */
export interface UdpReply<T> {
  /** What `accept` made of the reply datagram. */
  reply: T;
  /** Milliseconds from sending the request to the reply. */
  rttMs: number;
}

/**
 * Sends `request` to `hostname:port` and resolves with the first datagram
 * for which `accept` returns something other than `undefined`; other
 * datagrams are ignored. Rejects with a `TimeoutError` DOMException
 * ("no <expected> from host:port within N ms") when none came in time, or
 * with the reason of `options.signal` when that aborted first.
 *
 * @param hostname Where to send (IPv6 when it contains ":").
 * @param port The peer's UDP port.
 * @param request The datagram to send.
 * @param accept Turns a datagram (and who sent it) into the reply, or
 * `undefined` to keep waiting.
 * @param options Deadline, abort signal and the reply's name.
 * @returns The reply and the round-trip time.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { udpRequest } from "./udp_request.ts";
 *
 * const server = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
 * const answering = (async () => {
 *   const [data, from] = await server.receive();
 *   await server.send(new Uint8Array([...data].reverse()), from);
 * })();
 * const { reply } = await udpRequest(
 *   "127.0.0.1",
 *   (server.addr as Deno.NetAddr).port,
 *   new Uint8Array([1, 2, 3]),
 *   (data) => data.join(","),
 *   { timeoutMs: 2000 },
 * );
 * equal(reply, "3,2,1");
 * await answering;
 * server.close();
 * ```
 */
export async function udpRequest<T>(
  hostname: string,
  port: number,
  request: Uint8Array,
  accept: (data: Uint8Array, from: Deno.NetAddr) => T | undefined,
  options: UdpRequestOptions,
): Promise<UdpReply<T>> {
  const { timeoutMs } = options;
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
    await conn.send(request, { transport: "udp", hostname, port });
    while (true) {
      const [data, from] = await conn.receive();
      const reply = accept(data, from as Deno.NetAddr);
      if (reply !== undefined) {
        return { reply, rttMs: performance.now() - started };
      }
    }
  } catch (error) {
    if (signal.aborted) {
      throw timeout.aborted
        ? new DOMException(
          `no ${
            options.expected ?? "reply"
          } from ${hostname}:${port} within ${timeoutMs} ms`,
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
