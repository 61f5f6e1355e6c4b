/**
 * The error thrown when an FFT backend cannot be loaded.
 *
 * @module
 */

import type { FftBackendName } from "./fft_backend.ts";

/**
 * Thrown when a requested FFT backend cannot be loaded (for PFFFT: the wasm
 * module failed to compile or instantiate).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { FftBackendUnavailableError } from "./fft_backend_unavailable_error.ts";
 *
 * const error = new FftBackendUnavailableError("pffft", new Error("no wasm"));
 * equal(error.name, "FftBackendUnavailableError");
 * equal(error.backend, "pffft");
 * ```
 */
export class FftBackendUnavailableError extends Error {
  /** The backend that failed to load. */
  readonly backend: FftBackendName;

  /**
   * @param backend The backend that failed to load.
   * @param cause The underlying error.
   */
  constructor(backend: FftBackendName, cause: unknown) {
    super(
      `Cannot load the ${backend} FFT backend: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = "FftBackendUnavailableError";
    this.backend = backend;
  }
}
