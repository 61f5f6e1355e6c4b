/**
 * The OSC commands `shack audio run` understands, parsed from messages
 * into a typed {@link OscCommand} ({@link parseOscCommand}):
 *
 * - Music Chronus: `/mod/<module>/<param…> value`, `/gate/<module> 0|1|"on"|"off"`,
 *   `/patch/create id type`, `/patch/connect source destination`,
 *   `/patch/commit`, `/patch/abort`, `/record/start [file]`,
 *   `/record/stop`, `/record/status`;
 * - a SuperCollider server subset: `/s_new`, `/n_set`, `/n_free`,
 *   `/g_new`, `/status`, `/sync`, `/notify`, `/quit`.
 *
 * Parsing is pure and engine-independent: it checks the shape of the
 * arguments, not whether a module or node exists.
 *
 * @module
 */

import type { OscArgument, OscMessage } from "./packet.ts";

/**
 * One control of `/s_new` or `/n_set`: a control name or index and its
 * value.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ControlValue } from "./command.ts";
 *
 * const control: ControlValue = { control: "freq", value: 440 };
 * equal(control.value, 440);
 * ```
 */
export interface ControlValue {
  /** The control's name, or its index. */
  control: string | number;
  /** The value. */
  value: number;
}

/**
 * One group of `/g_new`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { GroupSpec } from "./command.ts";
 *
 * const group: GroupSpec = { groupId: 1, addAction: 0, targetId: 0 };
 * equal(group.groupId, 1);
 * ```
 */
export interface GroupSpec {
  /** The new group's node ID. */
  groupId: number;
  /** 0 head, 1 tail, 2 before, 3 after, 4 replace. */
  addAction: AddAction;
  /** The node the action is relative to. */
  targetId: number;
}

/**
 * A SuperCollider add action: 0 head, 1 tail, 2 before, 3 after, 4 replace.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AddAction } from "./command.ts";
 *
 * const tail: AddAction = 1;
 * equal(tail, 1);
 * ```
 */
export type AddAction = 0 | 1 | 2 | 3 | 4;

/**
 * A parsed command (see the module documentation for the addresses).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OscCommand } from "./command.ts";
 *
 * const command: OscCommand = { kind: "mod", module: "sine", param: "freq", value: 440 };
 * equal(command.kind, "mod");
 * ```
 */
export type OscCommand =
  | { kind: "mod"; module: string; param: string; value: number }
  | { kind: "gate"; module: string; on: boolean }
  | { kind: "patch_create"; id: string; type: string }
  | { kind: "patch_connect"; source: string; destination: string }
  | { kind: "patch_commit" }
  | { kind: "patch_abort" }
  | { kind: "record_start"; file?: string }
  | { kind: "record_stop" }
  | { kind: "record_status" }
  | {
    kind: "s_new";
    defName: string;
    nodeId: number;
    addAction: AddAction;
    targetId: number;
    controls: ControlValue[];
  }
  | { kind: "n_set"; nodeId: number; controls: ControlValue[] }
  | { kind: "n_free"; nodeIds: number[] }
  | { kind: "g_new"; groups: GroupSpec[] }
  | { kind: "status" }
  | { kind: "sync"; id: number }
  | { kind: "notify"; enabled: boolean; clientId?: number }
  | { kind: "quit" };

/**
 * A message whose address is not a known command, or whose arguments do not
 * fit it. `address` is the message's address; `unknownAddress` tells the
 * two cases apart (answer the first with `/fail … "unknown command"`).
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { OscCommandError } from "./command.ts";
 * import { parseOscCommand } from "./command.ts";
 * import { createMessage } from "./packet.ts";
 *
 * throws(() => parseOscCommand(createMessage("/sync")), (error) => {
 *   equal((error as OscCommandError).name, "OscCommandError");
 *   equal((error as OscCommandError).unknownAddress, false);
 *   return true;
 * });
 * ```
 */
export class OscCommandError extends Error {
  /** The address of the message. */
  readonly address: string;
  /** `true` if the address is not a command at all. */
  readonly unknownAddress: boolean;

  /**
   * @param address The message's address.
   * @param message What was expected and what was found.
   * @param unknownAddress Whether the address itself is unknown.
   */
  constructor(address: string, message: string, unknownAddress = false) {
    super(message);
    this.name = "OscCommandError";
    this.address = address;
    this.unknownAddress = unknownAddress;
  }
}

/** Module IDs, parameter path parts, patch IDs and types. */
const NAME = /^[A-Za-z0-9_.-]{1,32}$/;
const MAX_PARAM_PARTS = 4;
const MAX_NODE_ID = 0x7fff_ffff;

/**
 * Parses a message into a command.
 *
 * Numbers may be sent as `i`, `f`, `d` or `h` (an integer parameter such as
 * a node ID accepts a float only if it is whole); `T`/`F` count as 1/0.
 * Module IDs and parameter parts are 1 to 32 characters of `A-Z a-z 0-9 _
 * . -` (Music Chronus itself allowed lowercase letters, digits and `_`);
 * `/mod/voice1/adsr/attack` sets parameter `adsr/attack` of `voice1`.
 * The gate accepts a number (non-zero = on), `T`/`F`, or the strings
 * `"on"`/`"off"` (unlike Chronus v3, `"off"` means off).
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseOscCommand } from "./command.ts";
 * import { createMessage } from "./packet.ts";
 *
 * deepEqual(parseOscCommand(createMessage("/mod/voice1/adsr/attack", [0.01])), {
 *   kind: "mod", module: "voice1", param: "adsr/attack", value: 0.01,
 * });
 * deepEqual(parseOscCommand(createMessage("/n_set", [1000, "freq", 440, 1, 0.5])), {
 *   kind: "n_set",
 *   nodeId: 1000,
 *   controls: [{ control: "freq", value: 440 }, { control: 1, value: 0.5 }],
 * });
 * ```
 *
 * @param message The message (its address must be a literal address, not a
 * pattern).
 * @returns The command.
 * @throws {OscCommandError} If the address is unknown or the arguments do
 * not fit.
 */
export function parseOscCommand(message: OscMessage): OscCommand {
  const { address, args } = message;
  const parts = address.split("/");
  switch (parts[1]) {
    case "mod": {
      if (parts.length < 4 || parts.length > 3 + MAX_PARAM_PARTS) {
        throw new OscCommandError(
          address,
          `Expected /mod/<module>/<param> with 1 to ${MAX_PARAM_PARTS} parameter parts, found ${
            JSON.stringify(address)
          }`,
        );
      }
      const module = name(address, parts[2], "a module ID");
      const param = parts.slice(3).map((part) =>
        name(address, part, "a parameter name")
      ).join("/");
      arity(address, args, 1, 1);
      return { kind: "mod", module, param, value: number(address, args, 0) };
    }
    case "gate": {
      if (parts.length !== 3) break;
      arity(address, args, 1, 1);
      return {
        kind: "gate",
        module: name(address, parts[2], "a module ID"),
        on: gate(address, args[0]),
      };
    }
    case "patch":
      if (parts.length !== 3) break;
      switch (parts[2]) {
        case "create":
          arity(address, args, 2, 2);
          return {
            kind: "patch_create",
            id: name(address, string(address, args, 0), "a module ID"),
            type: name(address, string(address, args, 1), "a module type"),
          };
        case "connect":
          arity(address, args, 2, 2);
          return {
            kind: "patch_connect",
            source: name(address, string(address, args, 0), "a module ID"),
            destination: name(address, string(address, args, 1), "a module ID"),
          };
        case "commit":
          arity(address, args, 0, 0);
          return { kind: "patch_commit" };
        case "abort":
          arity(address, args, 0, 0);
          return { kind: "patch_abort" };
      }
      break;
    case "record":
      if (parts.length !== 3) break;
      switch (parts[2]) {
        case "start": {
          arity(address, args, 0, 1);
          return args.length === 0
            ? { kind: "record_start" }
            : { kind: "record_start", file: string(address, args, 0) };
        }
        case "stop":
          arity(address, args, 0, 0);
          return { kind: "record_stop" };
        case "status":
          arity(address, args, 0, 0);
          return { kind: "record_status" };
      }
      break;
    default:
      if (parts.length === 2) return scCommand(address, parts[1], args);
  }
  throw unknown(address);
}

function scCommand(
  address: string,
  command: string,
  args: readonly OscArgument[],
): OscCommand {
  switch (command) {
    case "s_new": {
      if (args.length < 2) {
        throw new OscCommandError(
          address,
          `Expected /s_new defName nodeID [addAction [targetID [control value …]]], found ${args.length} arguments`,
        );
      }
      const defName = name(
        address,
        string(address, args, 0),
        "a SynthDef name",
      );
      const nodeId = integer(address, args, 1, -1, MAX_NODE_ID);
      const addAction = args.length > 2
        ? integer(address, args, 2, 0, 4) as AddAction
        : 0;
      const targetId = args.length > 3
        ? integer(address, args, 3, 0, MAX_NODE_ID)
        : 0;
      return {
        kind: "s_new",
        defName,
        nodeId,
        addAction,
        targetId,
        controls: controls(address, args, 4),
      };
    }
    case "n_set": {
      if (args.length < 1) {
        throw new OscCommandError(
          address,
          "Expected /n_set nodeID [control value …], found no arguments",
        );
      }
      return {
        kind: "n_set",
        nodeId: integer(address, args, 0, 0, MAX_NODE_ID),
        controls: controls(address, args, 1),
      };
    }
    case "n_free": {
      if (args.length < 1) {
        throw new OscCommandError(
          address,
          "Expected /n_free nodeID …, found no arguments",
        );
      }
      return {
        kind: "n_free",
        nodeIds: args.map((_, i) => integer(address, args, i, 0, MAX_NODE_ID)),
      };
    }
    case "g_new": {
      if (args.length < 1) {
        throw new OscCommandError(
          address,
          "Expected /g_new groupID [addAction [targetID]] …, found no arguments",
        );
      }
      const groups: GroupSpec[] = [];
      for (let i = 0; i < args.length; i += 3) {
        groups.push({
          groupId: integer(address, args, i, 0, MAX_NODE_ID),
          addAction: i + 1 < args.length
            ? integer(address, args, i + 1, 0, 4) as AddAction
            : 0,
          targetId: i + 2 < args.length
            ? integer(address, args, i + 2, 0, MAX_NODE_ID)
            : 0,
        });
      }
      return { kind: "g_new", groups };
    }
    case "status":
      arity(address, args, 0, 0);
      return { kind: "status" };
    case "sync":
      arity(address, args, 1, 1);
      return {
        kind: "sync",
        id: integer(address, args, 0, -0x8000_0000, 0x7fff_ffff),
      };
    case "notify": {
      arity(address, args, 1, 2);
      const enabled = integer(address, args, 0, 0, 1) === 1;
      return args.length === 2
        ? {
          kind: "notify",
          enabled,
          clientId: integer(address, args, 1, 0, 0x7fff_ffff),
        }
        : { kind: "notify", enabled };
    }
    case "quit":
      arity(address, args, 0, 0);
      return { kind: "quit" };
  }
  throw unknown(address);
}

function unknown(address: string): OscCommandError {
  return new OscCommandError(
    address,
    `Expected a known command address (/mod, /gate, /patch/*, /record/*, /s_new, /n_set, /n_free, /g_new, /status, /sync, /notify, /quit), found ${
      JSON.stringify(address)
    }`,
    true,
  );
}

function describeArg(arg: OscArgument | undefined): string {
  if (arg === undefined) return "nothing";
  switch (arg.type) {
    case "s":
    case "S":
    case "c":
      return `${arg.type} ${JSON.stringify(arg.value)}`;
    case "b":
    case "m":
      return `${arg.type} of ${arg.value.length} bytes`;
    default:
      return `${arg.type} ${String(arg.value)}`;
  }
}

function arity(
  address: string,
  args: readonly OscArgument[],
  min: number,
  max: number,
): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new OscCommandError(
      address,
      `Expected ${expected} argument${
        min === 1 && max === 1 ? "" : "s"
      } for ${address}, found ${args.length}`,
    );
  }
}

function name(address: string, text: string, what: string): string {
  if (!NAME.test(text)) {
    throw new OscCommandError(
      address,
      `Expected ${what} of 1 to 32 characters A-Z a-z 0-9 _ . -, found ${
        JSON.stringify(text)
      }`,
    );
  }
  return text;
}

function numeric(arg: OscArgument | undefined): number | undefined {
  switch (arg?.type) {
    case "i":
    case "f":
    case "d":
      return arg.value;
    case "h":
      return arg.value >= BigInt(Number.MIN_SAFE_INTEGER) &&
          arg.value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(arg.value)
        : undefined;
    case "T":
      return 1;
    case "F":
      return 0;
  }
  return undefined;
}

function number(
  address: string,
  args: readonly OscArgument[],
  index: number,
): number {
  const value = numeric(args[index]);
  if (value === undefined || !Number.isFinite(value)) {
    throw new OscCommandError(
      address,
      `Expected argument ${
        index + 1
      } of ${address} to be a finite number, found ${describeArg(args[index])}`,
    );
  }
  return value;
}

function integer(
  address: string,
  args: readonly OscArgument[],
  index: number,
  min: number,
  max: number,
): number {
  const value = numeric(args[index]);
  if (
    value === undefined || !Number.isInteger(value) || value < min ||
    value > max
  ) {
    throw new OscCommandError(
      address,
      `Expected argument ${
        index + 1
      } of ${address} to be an integer from ${min} to ${max}, found ${
        describeArg(args[index])
      }`,
    );
  }
  return value;
}

function string(
  address: string,
  args: readonly OscArgument[],
  index: number,
): string {
  const arg = args[index];
  if (arg?.type !== "s" && arg?.type !== "S") {
    throw new OscCommandError(
      address,
      `Expected argument ${index + 1} of ${address} to be a string, found ${
        describeArg(arg)
      }`,
    );
  }
  return arg.value;
}

function gate(address: string, arg: OscArgument): boolean {
  if (arg.type === "s" || arg.type === "S") {
    const word = arg.value.trim().toLowerCase();
    if (word === "on") return true;
    if (word === "off") return false;
  } else {
    const value = numeric(arg);
    if (value !== undefined && !Number.isNaN(value)) return value !== 0;
  }
  throw new OscCommandError(
    address,
    `Expected a gate of 0/1, T/F or "on"/"off", found ${describeArg(arg)}`,
  );
}

function controls(
  address: string,
  args: readonly OscArgument[],
  from: number,
): ControlValue[] {
  if ((args.length - from) % 2 !== 0) {
    throw new OscCommandError(
      address,
      `Expected control/value pairs after argument ${from} of ${address}, found an odd count of ${
        args.length - from
      }`,
    );
  }
  const out: ControlValue[] = [];
  for (let i = from; i < args.length; i += 2) {
    const key = args[i];
    let control: string | number;
    if (key.type === "s" || key.type === "S") {
      control = name(address, key.value, "a control name");
    } else {
      control = integer(address, args, i, 0, 0x7fff_ffff);
    }
    out.push({ control, value: number(address, args, i + 1) });
  }
  return out;
}
