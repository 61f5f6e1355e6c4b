/**
 * The commands the engine executes, as a discriminated union on `kind`.
 * Every command carries `seq` (a sequence number, strictly increasing from
 * the supervisor) and `frame` (the absolute frame at which it takes
 * effect; a frame already rendered means "at the start of the next block").
 *
 * They cover what the OSC front end needs (audio-engine.md §3, §10.2):
 *
 * | OSC | command |
 * |---|---|
 * | `/mod/<id>/<param> v` | `set` |
 * | `/gate/<id> 0\|1` | `gate` |
 * | `/patch/create id type`, `/patch/connect a b`, `/patch/disconnect a b`, `/patch/clear`, `/patch/commit`, `/patch/abort` | `patch_create` … `patch_abort` |
 * | `/s_new def node addAction target [name value]…` | `s_new` |
 * | `/n_set node [name value]…` | `n_set` |
 * | `/n_free node…` | `n_free` |
 * | `/g_new group addAction target` | `g_new` |
 * | `/g_freeAll group…` | `g_freeAll` |
 *
 * @module
 */

/**
 * The most `[name, value]` pairs in one `s_new` / `n_set`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_COMMAND_CONTROLS } from "./commands.ts";
 *
 * equal(MAX_COMMAND_CONTROLS, 64);
 * ```
 */
export const MAX_COMMAND_CONTROLS = 64;

/**
 * The most node ids in one `n_free` / `g_freeAll`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_COMMAND_NODES } from "./commands.ts";
 *
 * equal(MAX_COMMAND_NODES, 64);
 * ```
 */
export const MAX_COMMAND_NODES = 64;

/**
 * SuperCollider add actions for `s_new` and `g_new`: 0 head, 1 tail of the
 * target group; 2 before, 3 after the target node (same group); 4 replace
 * the target node.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ADD_ACTIONS } from "./commands.ts";
 *
 * equal(ADD_ACTIONS.replace, 4);
 * ```
 */
export const ADD_ACTIONS = {
  head: 0,
  tail: 1,
  before: 2,
  after: 3,
  replace: 4,
} as const;

/**
 * A control of a node: name and value.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ControlPair } from "./commands.ts";
 *
 * const pair: ControlPair = ["freq", 440];
 * equal(pair[1], 440);
 * ```
 */
export type ControlPair = readonly [name: string, value: number];

/**
 * What every command carries.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CommandTiming } from "./commands.ts";
 *
 * const timing: CommandTiming = { seq: 1, frame: 48000 };
 * equal(timing.frame, 48000);
 * ```
 */
export interface CommandTiming {
  /** Sequence number: a safe integer >= 0, strictly increasing. */
  readonly seq: number;
  /** The absolute frame at which it applies: a safe integer >= 0. */
  readonly frame: number;
}

/**
 * `/mod/<module>/<param> value`: sets a parameter (smoothed when the
 * parameter is).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SetParamCommand } from "./commands.ts";
 *
 * const cmd: SetParamCommand = { kind: "set", seq: 1, frame: 0, module: "filter1", param: "cutoff", value: 800 };
 * equal(cmd.kind, "set");
 * ```
 */
export interface SetParamCommand extends CommandTiming {
  readonly kind: "set";
  /** The module id. */
  readonly module: string;
  /** The parameter name or alias. */
  readonly param: string;
  /** The value. */
  readonly value: number;
}

/**
 * `/gate/<module> 0|1`: the gate of an `adsr` or `poly` module.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { GateCommand } from "./commands.ts";
 *
 * const cmd: GateCommand = { kind: "gate", seq: 2, frame: 1000, module: "adsr1", on: true };
 * equal(cmd.on, true);
 * ```
 */
export interface GateCommand extends CommandTiming {
  readonly kind: "gate";
  /** The module id. */
  readonly module: string;
  /** On (attack) or off (release). */
  readonly on: boolean;
}

/**
 * `/patch/create id type`: adds a module to the pending patch.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PatchCreateCommand } from "./commands.ts";
 *
 * const cmd: PatchCreateCommand = { kind: "patch_create", seq: 3, frame: 0, id: "osc1", type: "osc" };
 * equal(cmd.type, "osc");
 * ```
 */
export interface PatchCreateCommand extends CommandTiming {
  readonly kind: "patch_create";
  /** The new module's id. */
  readonly id: string;
  /** Its type. */
  readonly type: string;
}

/**
 * `/patch/connect from to`: adds a connection to the pending patch.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PatchConnectCommand } from "./commands.ts";
 *
 * const cmd: PatchConnectCommand = { kind: "patch_connect", seq: 4, frame: 0, from: "osc1", to: "out" };
 * equal(cmd.to, "out");
 * ```
 */
export interface PatchConnectCommand extends CommandTiming {
  readonly kind: "patch_connect";
  /** Source endpoint (`module` or `module.port`). */
  readonly from: string;
  /** Destination endpoint (`module`, `module.port`, `module.param`). */
  readonly to: string;
}

/**
 * `/patch/disconnect from to`: removes a connection from the pending patch.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PatchDisconnectCommand } from "./commands.ts";
 *
 * const cmd: PatchDisconnectCommand = { kind: "patch_disconnect", seq: 5, frame: 0, from: "osc1", to: "out" };
 * equal(cmd.from, "osc1");
 * ```
 */
export interface PatchDisconnectCommand extends CommandTiming {
  readonly kind: "patch_disconnect";
  /** Source endpoint. */
  readonly from: string;
  /** Destination endpoint. */
  readonly to: string;
}

/**
 * `/patch/clear`, `/patch/commit`, `/patch/abort`: empty the pending patch,
 * swap it in at the next block boundary, or reset it to the active one.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PatchControlCommand } from "./commands.ts";
 *
 * const cmd: PatchControlCommand = { kind: "patch_commit", seq: 6, frame: 512 };
 * equal(cmd.kind, "patch_commit");
 * ```
 */
export interface PatchControlCommand extends CommandTiming {
  readonly kind: "patch_clear" | "patch_commit" | "patch_abort";
}

/**
 * `/s_new defName nodeId addAction target [name value]…`: starts a voice
 * of the `poly` module named `defName` (or the first `poly` for
 * `"default"`); `nodeId` −1 makes a voice nobody can address.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SynthNewCommand } from "./commands.ts";
 *
 * const cmd: SynthNewCommand = {
 *   kind: "s_new", seq: 7, frame: 0, defName: "lead", nodeId: 1000, addAction: 0, target: 0,
 *   controls: [["freq", 440], ["amp", 0.8]],
 * };
 * equal(cmd.controls.length, 2);
 * ```
 */
export interface SynthNewCommand extends CommandTiming {
  readonly kind: "s_new";
  /** A `poly` module id, or `"default"`. */
  readonly defName: string;
  /** The node id (>= 1, or −1). */
  readonly nodeId: number;
  /** See {@linkcode ADD_ACTIONS}. */
  readonly addAction: number;
  /** The target group or node. */
  readonly target: number;
  /** Initial controls (`freq`, `note`, `amp`, `gate`). */
  readonly controls: readonly ControlPair[];
}

/**
 * `/n_set nodeId [name value]…`: sets controls of a voice, or of every
 * voice in a group.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { NodeSetCommand } from "./commands.ts";
 *
 * const cmd: NodeSetCommand = { kind: "n_set", seq: 8, frame: 0, nodeId: 1000, controls: [["gate", 0]] };
 * equal(cmd.nodeId, 1000);
 * ```
 */
export interface NodeSetCommand extends CommandTiming {
  readonly kind: "n_set";
  /** A voice node or a group. */
  readonly nodeId: number;
  /** The controls. */
  readonly controls: readonly ControlPair[];
}

/**
 * `/n_free nodeId…`: frees voices at once, or groups with everything in
 * them.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { NodeFreeCommand } from "./commands.ts";
 *
 * const cmd: NodeFreeCommand = { kind: "n_free", seq: 9, frame: 0, nodeIds: [1000, 1001] };
 * equal(cmd.nodeIds.length, 2);
 * ```
 */
export interface NodeFreeCommand extends CommandTiming {
  readonly kind: "n_free";
  /** The nodes. */
  readonly nodeIds: readonly number[];
}

/**
 * `/g_new groupId addAction target`: creates a group.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { GroupNewCommand } from "./commands.ts";
 *
 * const cmd: GroupNewCommand = { kind: "g_new", seq: 10, frame: 0, groupId: 1, addAction: 0, target: 0 };
 * equal(cmd.groupId, 1);
 * ```
 */
export interface GroupNewCommand extends CommandTiming {
  readonly kind: "g_new";
  /** The new group's id (>= 1). */
  readonly groupId: number;
  /** See {@linkcode ADD_ACTIONS} (not `replace`). */
  readonly addAction: number;
  /** The target group or node. */
  readonly target: number;
}

/**
 * `/g_freeAll groupId…`: frees everything inside the groups, keeping them.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { GroupFreeAllCommand } from "./commands.ts";
 *
 * const cmd: GroupFreeAllCommand = { kind: "g_freeAll", seq: 11, frame: 0, groupIds: [0] };
 * equal(cmd.groupIds[0], 0);
 * ```
 */
export interface GroupFreeAllCommand extends CommandTiming {
  readonly kind: "g_freeAll";
  /** The groups. */
  readonly groupIds: readonly number[];
}

/**
 * Any engine command.
 *
 * @example Narrowing on `kind`
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EngineCommand } from "./commands.ts";
 *
 * const cmd: EngineCommand = { kind: "gate", seq: 1, frame: 0, module: "adsr1", on: true };
 * equal(cmd.kind === "gate" && cmd.on, true);
 * ```
 */
export type EngineCommand =
  | SetParamCommand
  | GateCommand
  | PatchCreateCommand
  | PatchConnectCommand
  | PatchDisconnectCommand
  | PatchControlCommand
  | SynthNewCommand
  | NodeSetCommand
  | NodeFreeCommand
  | GroupNewCommand
  | GroupFreeAllCommand;

/**
 * Every command kind, in wire-code order (code = index + 1).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { COMMAND_KINDS } from "./commands.ts";
 *
 * equal(COMMAND_KINDS.indexOf("s_new") + 1, 9);
 * ```
 */
export const COMMAND_KINDS = [
  "set",
  "gate",
  "patch_create",
  "patch_connect",
  "patch_disconnect",
  "patch_clear",
  "patch_commit",
  "patch_abort",
  "s_new",
  "n_set",
  "n_free",
  "g_new",
  "g_freeAll",
] as const satisfies readonly EngineCommand["kind"][];

/**
 * Checks a command's `seq` and `frame`.
 *
 * @param command The command.
 * @throws {RangeError} Unless both are safe integers >= 0.
 *
 * @example Usage
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkCommandTiming } from "./commands.ts";
 *
 * checkCommandTiming({ seq: 0, frame: 0 });
 * throws(() => checkCommandTiming({ seq: 1, frame: -1 }), RangeError);
 * ```
 */
export function checkCommandTiming(command: CommandTiming): void {
  const { seq, frame } = command;
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new RangeError(
      `Expected seq to be a safe integer >= 0 but found ${seq}`,
    );
  }
  if (!Number.isSafeInteger(frame) || frame < 0) {
    throw new RangeError(
      `Expected frame to be a safe integer >= 0 but found ${frame}`,
    );
  }
}
