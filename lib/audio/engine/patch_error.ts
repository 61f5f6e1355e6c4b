/**
 * The error of a patch that cannot be built: an invalid or duplicate module
 * id, an unknown module type, module or port, a connection between ports
 * of different kinds, a duplicate connection, a cycle, or a limit reached.
 *
 * @module
 */

/**
 * Why a patch was rejected.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { PatchErrorReason } from "./patch_error.ts";
 *
 * const reason: PatchErrorReason = "cycle";
 * equal(reason, "cycle");
 * ```
 */
export type PatchErrorReason =
  | "invalid_id"
  | "duplicate_module"
  | "unknown_type"
  | "unknown_module"
  | "unknown_port"
  | "unknown_param"
  | "port_type"
  | "duplicate_connection"
  | "not_connected"
  | "cycle"
  | "limit";

/**
 * Thrown when a patch (or one patch operation) is invalid; `reason` tells
 * which rule it broke, the message says what was expected and found.
 *
 * @example Catching a cycle
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { PatchError } from "./patch_error.ts";
 *
 * const error = new PatchError("cycle", "Expected an acyclic patch but found the cycle a -> b -> a");
 * equal(error.name, "PatchError");
 * equal(error.reason, "cycle");
 * throws(() => { throw error; }, PatchError);
 * ```
 */
export class PatchError extends Error {
  /** The rule the patch broke. */
  readonly reason: PatchErrorReason;

  /**
   * Creates the error.
   *
   * @param reason The rule the patch broke.
   * @param message What was expected and what was found.
   * @param options The standard error options (`cause`).
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { PatchError } from "./patch_error.ts";
   *
   * equal(new PatchError("limit", "Expected at most 64 modules but found 65").reason, "limit");
   * ```
   */
  constructor(
    reason: PatchErrorReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "PatchError";
    this.reason = reason;
  }
}
