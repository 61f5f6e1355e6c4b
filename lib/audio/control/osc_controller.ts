/**
 * Handles each OSC message the audio service receives: parses it, maps it
 * onto engine commands (sent to both workers at the frame of its bundle's
 * timetag, or at the horizon for an immediate message) or onto a
 * supervisor-level action, and answers like scsynth: `/status` →
 * `/status.reply` with the service's counters, `/sync` → `/synced`,
 * `/notify` and `/quit` → `/done`, anything refused → `/fail`.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/bounded_map.ts";
import { OscCommandError, parseOscCommand } from "../osc/command.ts";
import type { OscMessage, OscPacket } from "../osc/packet.ts";
import {
  doneReply,
  failReply,
  statusReply,
  type StatusReplyFields,
  syncedReply,
} from "../osc/replies.ts";
import type { OscEvent } from "../osc/server.ts";
import { isImmediate, timetagFromMs, timetagToFrame } from "../osc/timetag.ts";
import type { CommandDraft } from "../supervisor/supervisor.ts";
import { type ControlAction, mapOscCommand } from "./map_command.ts";

/**
 * What the controller drives (an `AudioSupervisor`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ControlTarget } from "./osc_controller.ts";
 * const t: ControlTarget = {
 *   sampleRate: 48000, horizonFrame: 768, startWallMs: NaN,
 *   submit: (_c, frame) => ({ seq: 1, frame: frame ?? 768 }),
 * };
 * equal(t.submit({ kind: "patch_commit" }).frame, 768);
 * ```
 */
export interface ControlTarget {
  /** Frames per second. */
  readonly sampleRate: number;
  /** The first frame no worker has been allowed to render. */
  readonly horizonFrame: number;
  /** Wall-clock ms at which frame 0 was played (NaN before). */
  readonly startWallMs: number;
  /** Sends a command to the workers. */
  submit(command: CommandDraft, frame?: number): { seq: number; frame: number };
}

/**
 * Recording requests, answered with an optional reply.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RecordHandler } from "./osc_controller.ts";
 * const h: RecordHandler = () => undefined;
 * equal(h({ kind: "record_stop" }, 0), undefined);
 * ```
 */
export type RecordHandler = (
  action: Extract<
    ControlAction,
    { kind: "record_start" | "record_stop" | "record_status" }
  >,
  frame: number,
) => OscMessage | undefined;

/**
 * Options of {@linkcode OscController}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscControllerOptions } from "./osc_controller.ts";
 * const o: Partial<OscControllerOptions> = { maxClients: 4 };
 * equal(o.maxClients, 4);
 * ```
 */
export interface OscControllerOptions {
  /** Where engine commands go. */
  target: ControlTarget;
  /** The fields of `/status.reply`. */
  status: () => StatusReplyFields;
  /** `/record/*`. Without it they fail. */
  record?: RecordHandler;
  /** `/quit`. */
  onQuit?: () => void;
  /** Sends notifications (`/n_go`, `/n_end`) to registered clients. */
  send?: (packet: OscPacket, to: Deno.NetAddr) => boolean;
  /** Most clients registered with `/notify 1`. Default 16. */
  maxClients?: number;
  /** Timetags further ahead of the horizon than this fail. Default 600 s. */
  maxAheadSeconds?: number;
}

/**
 * Counters of an {@linkcode OscController}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscControllerStats } from "./osc_controller.ts";
 * const s: OscControllerStats = { messages: 1, commands: 1, failed: 0, timed: 0 };
 * equal(s.messages, 1);
 * ```
 */
export interface OscControllerStats {
  /** Messages handled. */
  messages: number;
  /** Engine commands submitted. */
  commands: number;
  /** Messages answered with `/fail`. */
  failed: number;
  /** Messages that came in bundles with a time. */
  timed: number;
}

/**
 * Turns OSC messages into engine commands and replies.
 *
 * @example /sync answers /synced
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { OscController } from "./osc_controller.ts";
 * import type { OscPacket } from "../osc/packet.ts";
 * const replies: OscPacket[] = [];
 * const controller = new OscController({
 *   target: { sampleRate: 48000, horizonFrame: 0, startWallMs: NaN, submit: () => ({ seq: 1, frame: 0 }) },
 *   status: () => ({ ugens: 0, synths: 0, groups: 0, synthDefs: 0, avgCpu: 0, peakCpu: 0, nominalSampleRate: 48000, actualSampleRate: 48000 }),
 * });
 * controller.handle({
 *   message: { kind: "message", address: "/sync", args: [{ type: "i", value: 7 }] },
 *   timetag: 1n,
 *   from: { transport: "udp", hostname: "127.0.0.1", port: 9 },
 *   receivedAt: 0,
 *   reply: (p) => { replies.push(p); return true; },
 * });
 * deepEqual(replies, [{ kind: "message", address: "/synced", args: [{ type: "i", value: 7 }] }]);
 * ```
 */
export class OscController {
  readonly #target: ControlTarget;
  readonly #status: () => StatusReplyFields;
  readonly #record: RecordHandler | undefined;
  readonly #onQuit: (() => void) | undefined;
  readonly #send:
    | ((packet: OscPacket, to: Deno.NetAddr) => boolean)
    | undefined;
  readonly #maxAheadFrames: number;
  readonly #clients: BoundedMap<string, Deno.NetAddr>;
  #stats: OscControllerStats = {
    messages: 0,
    commands: 0,
    failed: 0,
    timed: 0,
  };

  /** @param options Target, status, recording, quit and notification hooks. */
  constructor(options: OscControllerOptions) {
    this.#target = options.target;
    this.#status = options.status;
    this.#record = options.record;
    this.#onQuit = options.onQuit;
    this.#send = options.send;
    this.#maxAheadFrames = (options.maxAheadSeconds ?? 600) *
      options.target.sampleRate;
    this.#clients = new BoundedMap({
      capacity: options.maxClients ?? 16,
      policy: "evict-lru",
    });
  }

  /** A copy of the counters. */
  get stats(): OscControllerStats {
    return { ...this.#stats };
  }

  /** Clients registered for notifications. */
  get clients(): number {
    return this.#clients.size;
  }

  /**
   * Handles one message (the `OscServer` handler).
   *
   * @param event The message, its timetag, sender and reply function.
   */
  handle(event: OscEvent): void {
    this.#stats.messages++;
    const address = event.message.address;
    let action: ControlAction;
    try {
      action = mapOscCommand(parseOscCommand(event.message));
    } catch (error) {
      if (!(error instanceof OscCommandError || error instanceof RangeError)) {
        throw error;
      }
      this.#fail(event, address, error.message);
      return;
    }
    let frame: number | undefined;
    if (
      !isImmediate(event.timetag) && !Number.isNaN(this.#target.startWallMs)
    ) {
      this.#stats.timed++;
      frame = timetagToFrame(event.timetag, {
        startNtp: timetagFromMs(this.#target.startWallMs),
        sampleRate: this.#target.sampleRate,
      });
      if (frame - this.#target.horizonFrame > this.#maxAheadFrames) {
        this.#fail(
          event,
          address,
          `Expected a time at most ${
            this.#maxAheadFrames / this.#target.sampleRate
          } s ahead, found ${
            Math.round(
              (frame - this.#target.horizonFrame) / this.#target.sampleRate,
            )
          } s`,
        );
        return;
      }
    }
    try {
      const reply = this.apply(action, frame, event.from);
      if (reply) event.reply(reply);
    } catch (error) {
      if (!(error instanceof RangeError || error instanceof TypeError)) {
        throw error;
      }
      this.#fail(event, address, error.message);
    }
  }

  /**
   * Carries out one action (also used for script entries).
   *
   * @param action The action.
   * @param frame Its frame; undefined = the horizon.
   * @param from The sender, for `/notify`.
   * @returns The reply to send, if any.
   * @throws {RangeError} If an engine command cannot be encoded, or a
   * recording is requested without a recorder.
   */
  apply(
    action: ControlAction,
    frame?: number,
    from?: Deno.NetAddr,
  ): OscMessage | undefined {
    switch (action.kind) {
      case "engine": {
        for (const command of action.commands) {
          const sent = this.#target.submit(command, frame);
          this.#stats.commands++;
          this.#notifyNode(command, sent.frame);
        }
        return undefined;
      }
      case "status":
        return statusReply(this.#status());
      case "sync":
        return syncedReply(action.id);
      case "notify": {
        const id = action.clientId ?? 0;
        if (from !== undefined) {
          const key = `${from.hostname}:${from.port}`;
          if (action.enabled) this.#clients.set(key, from);
          else this.#clients.delete(key);
        }
        return doneReply("/notify", id);
      }
      case "quit":
        this.#onQuit?.();
        return doneReply("/quit");
      case "record_start":
      case "record_stop":
      case "record_status": {
        if (this.#record === undefined) {
          throw new RangeError("Expected a recorder, found none configured");
        }
        return this.#record(action, frame ?? this.#target.horizonFrame);
      }
    }
  }

  #notifyNode(command: CommandDraft, _frame: number): void {
    if (this.#send === undefined || this.#clients.size === 0) return;
    let packets: OscMessage[] = [];
    if (command.kind === "s_new" && command.nodeId >= 0) {
      packets = [node("/n_go", command.nodeId, command.target)];
    } else if (command.kind === "n_free") {
      packets = command.nodeIds.map((id) => node("/n_end", id, 0));
    }
    for (const packet of packets) {
      for (const to of this.#clients.values()) this.#send(packet, to);
    }
  }

  #fail(event: OscEvent, address: string, message: string): void {
    this.#stats.failed++;
    event.reply(failReply(address, message));
  }
}

function node(address: string, nodeId: number, parent: number): OscMessage {
  return {
    kind: "message",
    address,
    args: [
      { type: "i", value: nodeId },
      { type: "i", value: parent },
      { type: "i", value: -1 },
      { type: "i", value: -1 },
      { type: "i", value: 0 },
    ],
  };
}
