/**
 * Backpressure for WebSocket senders: drop (and count) frames for a peer
 * that does not keep up, instead of queueing without bound.
 *
 * @module
 */

/**
 * Counters shared by any number of sockets; read them for metrics.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createWsSendCounters } from "./websocket_send.ts";
 * equal(createWsSendCounters().droppedBackpressure, 0);
 * ```
 */
export interface WsSendCounters {
  /** Frames handed to the socket. */
  sent: number;
  /** Payload bytes handed to the socket (string length for text frames). */
  sentBytes: number;
  /** Frames dropped because `bufferedAmount` exceeded the limit. */
  droppedBackpressure: number;
  /** Frames dropped because the socket was not OPEN. */
  droppedNotOpen: number;
  /** Frames dropped because `send()` threw. */
  failed: number;
}

/**
 * Returns a fresh set of zeroed {@link WsSendCounters}.
 *
 * @returns Counters to pass to {@link sendIfReady}.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { createWsSendCounters } from "./websocket_send.ts";
 * deepEqual(createWsSendCounters(), {
 *   sent: 0, sentBytes: 0, droppedBackpressure: 0, droppedNotOpen: 0, failed: 0,
 * });
 * ```
 */
export function createWsSendCounters(): WsSendCounters {
  return {
    sent: 0,
    sentBytes: 0,
    droppedBackpressure: 0,
    droppedNotOpen: 0,
    failed: 0,
  };
}

/**
 * The part of a `WebSocket` that {@link sendIfReady} uses.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SendableSocket } from "./websocket_send.ts";
 * const fake: SendableSocket = { readyState: 1, bufferedAmount: 0, send() {} };
 * equal(fake.readyState, WebSocket.OPEN);
 * ```
 */
export type SendableSocket = Pick<
  WebSocket,
  "readyState" | "bufferedAmount" | "send"
>;

/**
 * Options for {@link sendIfReady}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SendIfReadyOptions } from "./websocket_send.ts";
 * const options: SendIfReadyOptions = { maxBufferedBytes: 512 * 1024 };
 * equal(options.maxBufferedBytes, 524288);
 * ```
 */
export interface SendIfReadyOptions {
  /** Drop the frame when more than this many bytes are already queued. */
  maxBufferedBytes: number;
  /** Where drops and sends are counted. */
  counters?: WsSendCounters;
}

/**
 * Sends a frame only if the socket is OPEN and its `bufferedAmount` is not
 * above `maxBufferedBytes`; otherwise drops it and counts why. Never throws:
 * a `send()` that fails on a closing socket is counted as `failed`.
 *
 * @param socket The socket (or anything with `readyState`, `bufferedAmount`
 *   and `send`).
 * @param data The frame payload.
 * @param options The queue limit and the counters.
 * @returns `true` if the frame was handed to the socket.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createWsSendCounters, sendIfReady } from "./websocket_send.ts";
 * const counters = createWsSendCounters();
 * const slow = { readyState: WebSocket.OPEN, bufferedAmount: 2_000_000, send() {} };
 * equal(sendIfReady(slow, "frame", { maxBufferedBytes: 1_000_000, counters }), false);
 * equal(counters.droppedBackpressure, 1);
 * ```
 */
export function sendIfReady(
  socket: SendableSocket,
  data: string | ArrayBufferLike | Blob | ArrayBufferView,
  options: SendIfReadyOptions,
): boolean {
  const counters = options.counters;
  if (socket.readyState !== WebSocket.OPEN) {
    if (counters) counters.droppedNotOpen++;
    return false;
  }
  if (socket.bufferedAmount > options.maxBufferedBytes) {
    if (counters) counters.droppedBackpressure++;
    return false;
  }
  try {
    socket.send(data as string);
  } catch {
    if (counters) counters.failed++;
    return false;
  }
  if (counters) {
    counters.sent++;
    counters.sentBytes += payloadSize(data);
  }
  return true;
}

function payloadSize(
  data: string | ArrayBufferLike | Blob | ArrayBufferView,
): number {
  if (typeof data === "string") return data.length;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (data instanceof Blob) return data.size;
  return data.byteLength;
}
