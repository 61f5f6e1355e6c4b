/**
 * Maps a parsed OSC command (Music Chronus `/mod`, `/gate`, `/patch/*`,
 * `/record/*` and the SuperCollider subset `/s_new`, `/n_set`, `/n_free`,
 * `/g_new`, `/status`, `/sync`, `/notify`, `/quit`) onto what the audio
 * service does with it: engine commands for both workers, or a
 * supervisor-level action answered at once. Pure: no I/O, no clock.
 *
 * @module
 */

import type { ControlValue, OscCommand } from "../osc/command.ts";
import type { ControlPair } from "../engine/commands.ts";
import { VOICE_CONTROLS } from "../engine/modules/poly_module.ts";
import type { CommandDraft } from "../supervisor/supervisor.ts";

/**
 * What one OSC command asks for.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ControlAction } from "./map_command.ts";
 * const a: ControlAction = { kind: "sync", id: 7 };
 * equal(a.kind, "sync");
 * ```
 */
export type ControlAction =
  | { kind: "engine"; commands: CommandDraft[] }
  | { kind: "status" }
  | { kind: "sync"; id: number }
  | { kind: "notify"; enabled: boolean; clientId?: number }
  | { kind: "quit" }
  | { kind: "record_start"; file?: string }
  | { kind: "record_stop" }
  | { kind: "record_status" };

/**
 * Turns SuperCollider controls (a name, or an index into the voice
 * controls `freq`, `note`, `amp`, `gate`) into engine control pairs.
 *
 * @param controls The controls.
 * @returns Name/value pairs.
 * @throws {RangeError} For an index that names no voice control.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { mapControls } from "./map_command.ts";
 * deepEqual(mapControls([{ control: 1, value: 60 }, { control: "amp", value: 0.5 }]), [["note", 60], ["amp", 0.5]]);
 * ```
 */
export function mapControls(controls: readonly ControlValue[]): ControlPair[] {
  return controls.map(({ control, value }) => {
    if (typeof control === "string") return [control, value] as const;
    const spec = VOICE_CONTROLS[control];
    if (spec === undefined) {
      throw new RangeError(
        `Expected a control index from 0 to ${
          VOICE_CONTROLS.length - 1
        }, found ${control}`,
      );
    }
    return [spec.name, value] as const;
  });
}

/**
 * Maps one OSC command onto a {@linkcode ControlAction}.
 *
 * @param command The parsed command (`parseOscCommand`).
 * @returns The action.
 * @throws {RangeError} For a control index that names no voice control.
 *
 * @example /mod and /s_new
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { mapOscCommand } from "./map_command.ts";
 * deepEqual(mapOscCommand({ kind: "mod", module: "filter1", param: "cutoff", value: 800 }), {
 *   kind: "engine",
 *   commands: [{ kind: "set", module: "filter1", param: "cutoff", value: 800 }],
 * });
 * deepEqual(
 *   mapOscCommand({ kind: "s_new", defName: "lead", nodeId: 5, addAction: 0, targetId: 0, controls: [{ control: "note", value: 60 }] }),
 *   { kind: "engine", commands: [{ kind: "s_new", defName: "lead", nodeId: 5, addAction: 0, target: 0, controls: [["note", 60]] }] },
 * );
 * ```
 */
export function mapOscCommand(command: OscCommand): ControlAction {
  const engine = (...commands: CommandDraft[]): ControlAction => ({
    kind: "engine",
    commands,
  });
  switch (command.kind) {
    case "mod":
      return engine({
        kind: "set",
        module: command.module,
        param: command.param,
        value: command.value,
      });
    case "gate":
      return engine({ kind: "gate", module: command.module, on: command.on });
    case "patch_create":
      return engine({
        kind: "patch_create",
        id: command.id,
        type: command.type,
      });
    case "patch_connect":
      return engine({
        kind: "patch_connect",
        from: command.source,
        to: command.destination,
      });
    case "patch_commit":
    case "patch_abort":
      return engine({ kind: command.kind });
    case "s_new":
      return engine({
        kind: "s_new",
        defName: command.defName,
        nodeId: command.nodeId,
        addAction: command.addAction,
        target: command.targetId,
        controls: mapControls(command.controls),
      });
    case "n_set":
      return engine({
        kind: "n_set",
        nodeId: command.nodeId,
        controls: mapControls(command.controls),
      });
    case "n_free":
      return engine({ kind: "n_free", nodeIds: command.nodeIds });
    case "g_new":
      return engine(
        ...command.groups.map((g): CommandDraft => ({
          kind: "g_new",
          groupId: g.groupId,
          addAction: g.addAction,
          target: g.targetId,
        })),
      );
    case "record_start":
      return command.file === undefined
        ? { kind: "record_start" }
        : { kind: "record_start", file: command.file };
    case "record_stop":
    case "record_status":
    case "status":
    case "quit":
      return { kind: command.kind };
    case "sync":
      return { kind: "sync", id: command.id };
    case "notify":
      return command.clientId === undefined
        ? { kind: "notify", enabled: command.enabled }
        : {
          kind: "notify",
          enabled: command.enabled,
          clientId: command.clientId,
        };
  }
}
