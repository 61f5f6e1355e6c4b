/**
 * The error thrown when the Opus codec (libopus in WebAssembly) cannot be
 * loaded.
 *
 * @module
 */

/**
 * Thrown when the Opus wasm module fails to compile or instantiate; the
 * server then keeps every listener on FLAC.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { OpusUnavailableError } from "./opus_unavailable_error.ts";
 *
 * const error = new OpusUnavailableError(new Error("no wasm"));
 * equal(error.name, "OpusUnavailableError");
 * equal(error.message, "Cannot load the Opus codec: no wasm");
 * ```
 */
export class OpusUnavailableError extends Error {
  /**
   * Creates the error.
   *
   * @param cause The underlying error.
   */
  constructor(cause: unknown) {
    super(
      `Cannot load the Opus codec: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = "OpusUnavailableError";
  }
}
