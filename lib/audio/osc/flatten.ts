/**
 * {@link flattenPacket}: the messages of a packet in order, each with the
 * timetag at which it applies.
 *
 * @module
 */

import type { OscMessage, OscPacket } from "./packet.ts";
import { OSC_IMMEDIATE } from "./timetag.ts";

/**
 * A message and the timetag at which it applies ({@link OSC_IMMEDIATE} for
 * a message outside any bundle).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TimedMessage } from "./flatten.ts";
 *
 * const timed: TimedMessage = {
 *   message: { kind: "message", address: "/status", args: [] },
 *   timetag: 1n,
 * };
 * equal(timed.timetag, 1n);
 * ```
 */
export interface TimedMessage {
  /** The message. */
  message: OscMessage;
  /** When it applies; `1n` = immediately. */
  timetag: bigint;
}

/**
 * Lists the messages of a packet depth-first, in packet order, each with
 * the timetag of its innermost bundle. A nested bundle whose timetag is
 * "immediately" (or earlier than its parent's, which OSC 1.0 forbids)
 * inherits its parent's timetag, so nothing inside a timed bundle runs
 * before the bundle's time.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { flattenPacket } from "./flatten.ts";
 * import { createBundle, createMessage } from "./packet.ts";
 *
 * const packet = createBundle(500n, [
 *   createMessage("/a"),
 *   createBundle(1n, [createMessage("/b")]),
 *   createBundle(900n, [createMessage("/c")]),
 * ]);
 * deepEqual(
 *   flattenPacket(packet).map((m) => [m.message.address, m.timetag]),
 *   [["/a", 500n], ["/b", 500n], ["/c", 900n]],
 * );
 * ```
 *
 * @param packet The decoded packet.
 * @returns The messages with their timetags.
 */
export function flattenPacket(packet: OscPacket): TimedMessage[] {
  const out: TimedMessage[] = [];
  visit(packet, OSC_IMMEDIATE, out);
  return out;
}

function visit(packet: OscPacket, parent: bigint, out: TimedMessage[]): void {
  if (packet.kind === "message") {
    out.push({ message: packet, timetag: parent });
    return;
  }
  const own = packet.timetag;
  const timetag = parent !== OSC_IMMEDIATE &&
      (own === OSC_IMMEDIATE || own < parent)
    ? parent
    : own;
  for (const element of packet.elements) visit(element, timetag, out);
}
