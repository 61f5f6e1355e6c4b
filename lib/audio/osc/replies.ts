/**
 * The replies a SuperCollider client expects: {@link statusReply}
 * (`/status.reply`, here also carrying shack's own counters),
 * {@link syncedReply} (`/synced`), {@link doneReply} (`/done`) and
 * {@link failReply} (`/fail`).
 *
 * @module
 */

import type { OscArgument, OscMessage } from "./packet.ts";

/**
 * The fields of `/status.reply`. The first nine are scsynth's, in its
 * order; `counters` are appended after them as name/value pairs (`s`
 * then `i` for whole numbers, `d` otherwise), which SuperCollider clients
 * ignore since they read the first nine.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StatusReplyFields } from "./replies.ts";
 *
 * const fields: StatusReplyFields = {
 *   ugens: 0, synths: 2, groups: 1, synthDefs: 4,
 *   avgCpu: 3.5, peakCpu: 9, nominalSampleRate: 48000, actualSampleRate: 48000.2,
 *   counters: { failovers: 1, underruns: 0 },
 * };
 * equal(fields.synths, 2);
 * ```
 */
export interface StatusReplyFields {
  /** Unit generators (scsynth); modules here. */
  ugens: number;
  /** Synth nodes. */
  synths: number;
  /** Groups. */
  groups: number;
  /** Loaded SynthDefs; built-in module types here. */
  synthDefs: number;
  /** Average CPU use in percent. */
  avgCpu: number;
  /** Peak CPU use in percent. */
  peakCpu: number;
  /** The configured sample rate. */
  nominalSampleRate: number;
  /** The measured sample rate. */
  actualSampleRate: number;
  /** Extra counters, appended as name/value pairs in insertion order. */
  counters?: Readonly<Record<string, number>>;
}

function int(value: number): OscArgument {
  return {
    type: "i",
    value: Math.max(-0x8000_0000, Math.min(0x7fff_ffff, Math.trunc(value))),
  };
}

/**
 * Builds `/status.reply`: `i 1` (unused), `i` UGens, `i` synths, `i`
 * groups, `i` SynthDefs, `f` average CPU, `f` peak CPU, `d` nominal rate,
 * `d` actual rate, then the extra counters as pairs.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { statusReply } from "./replies.ts";
 *
 * const reply = statusReply({
 *   ugens: 3, synths: 1, groups: 1, synthDefs: 4, avgCpu: 2, peakCpu: 5,
 *   nominalSampleRate: 48000, actualSampleRate: 48000,
 *   counters: { failovers: 2 },
 * });
 * equal(reply.address, "/status.reply");
 * equal(reply.args.length, 11);
 * deepEqual(reply.args.slice(9), [
 *   { type: "s", value: "failovers" },
 *   { type: "i", value: 2 },
 * ]);
 * ```
 *
 * @param fields The values.
 * @returns The message.
 */
export function statusReply(fields: StatusReplyFields): OscMessage {
  const args: OscArgument[] = [
    int(1),
    int(fields.ugens),
    int(fields.synths),
    int(fields.groups),
    int(fields.synthDefs),
    { type: "f", value: fields.avgCpu },
    { type: "f", value: fields.peakCpu },
    { type: "d", value: fields.nominalSampleRate },
    { type: "d", value: fields.actualSampleRate },
  ];
  for (const [name, value] of Object.entries(fields.counters ?? {})) {
    args.push({ type: "s", value: name });
    args.push(
      Number.isInteger(value) && Math.abs(value) <= 0x7fff_ffff
        ? { type: "i", value }
        : { type: "d", value },
    );
  }
  return { kind: "message", address: "/status.reply", args };
}

/**
 * Builds `/synced id`, the answer to `/sync id`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { syncedReply } from "./replies.ts";
 *
 * deepEqual(syncedReply(7).args, [{ type: "i", value: 7 }]);
 * ```
 *
 * @param id The ID sent with `/sync`.
 * @returns The message.
 */
export function syncedReply(id: number): OscMessage {
  return { kind: "message", address: "/synced", args: [int(id)] };
}

/**
 * Builds `/done command [args…]`, e.g. `/done /notify 0` or `/done /quit`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { doneReply } from "./replies.ts";
 *
 * deepEqual(doneReply("/notify", 0).args, [
 *   { type: "s", value: "/notify" },
 *   { type: "i", value: 0 },
 * ]);
 * ```
 *
 * @param command The address of the command that finished.
 * @param args Extra integers (the client ID for `/notify`).
 * @returns The message.
 */
export function doneReply(command: string, ...args: number[]): OscMessage {
  return {
    kind: "message",
    address: "/done",
    args: [{ type: "s", value: command }, ...args.map(int)],
  };
}

/**
 * Builds `/fail command error`, the answer to a command that failed or is
 * unknown.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { failReply } from "./replies.ts";
 *
 * deepEqual(failReply("/d_recv", "SynthDefs are not supported").args, [
 *   { type: "s", value: "/d_recv" },
 *   { type: "s", value: "SynthDefs are not supported" },
 * ]);
 * ```
 *
 * @param command The address of the command.
 * @param error Why it failed (NUL characters are removed; cut to 512
 * characters).
 * @returns The message.
 */
export function failReply(command: string, error: string): OscMessage {
  const clean = (text: string, max: number) =>
    text.replaceAll("\0", "").slice(0, max);
  return {
    kind: "message",
    address: "/fail",
    args: [
      { type: "s", value: clean(command, 512) },
      { type: "s", value: clean(error, 512) },
    ],
  };
}
