/**
 * The error of a command the engine cannot execute in its current state:
 * an unknown module, parameter, synth definition or node, a node id in
 * use, a module without a gate, a full group table. The engine never
 * throws it out of `renderBlock`: it counts the command as rejected and
 * hands the error to its `onReject` callback.
 *
 * @module
 */

/**
 * A command that does not fit the engine's current state.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { EngineCommandError } from "./engine_command_error.ts";
 *
 * const error = new EngineCommandError("Expected a module of the patch but found reverb1");
 * equal(error.name, "EngineCommandError");
 * ```
 */
export class EngineCommandError extends Error {
  /**
   * Creates the error.
   *
   * @param message What was expected and what was found.
   * @param options The standard error options (`cause`).
   *
   * @example Usage
   * ```ts
   * import { ok } from "node:assert/strict";
   * import { EngineCommandError } from "./engine_command_error.ts";
   *
   * ok(new EngineCommandError("x") instanceof Error);
   * ```
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EngineCommandError";
  }
}
