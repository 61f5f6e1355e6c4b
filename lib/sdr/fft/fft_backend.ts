/**
 * The FFT interface of lib/sdr and `createFft()`, which picks a backend:
 * PFFFT compiled to WebAssembly with SIMD (about 3x faster than fft.js at 4096
 * points and 4 to 6x at 131072, see deno-platform.md §3) when it loads and
 * supports the size, otherwise the pure-JS fft.js (powers of two only).
 *
 * Conventions, the same for every backend:
 * - forward transform `X[k] = Σ x[n]·e^(−2πi·k·n/N)`, unscaled (like FFTW);
 * - inverse (complex only) `x[n] = Σ X[k]·e^(+2πi·k·n/N)`, also unscaled, so
 *   `inverse(forward(x)) = N·x`;
 * - complex data is interleaved `re, im` Float32 pairs, `2·N` floats;
 * - a real FFT takes `N` floats and gives the `N/2 + 1` bins `0 … N/2`
 *   (DC to Nyquist) as `N + 2` interleaved floats.
 *
 * @module
 */

import { FftBackendUnavailableError } from "./fft_backend_unavailable_error.ts";
import { createFftJs } from "./fftjs_backend.ts";
import { createPffft, pffftSupportsSize } from "./pffft_backend.ts";

export { FftBackendUnavailableError };

/** Complex-to-complex or real-to-complex transform. */
export type FftKind = "complex" | "real";

/** The FFT implementations available. */
export type FftBackendName = "pffft" | "fftjs";

/**
 * One FFT plan with its preallocated buffers. Nothing is allocated per
 * transform.
 *
 * The workspace buffers `input` and `output` are views that a backend may
 * replace (PFFFT's wasm heap grows when another plan is created), so read the
 * properties right before each use and do not keep them across a
 * `createFft()` call.
 */
export interface Fft {
  /** Number of points N. */
  readonly size: number;
  /** Complex or real input. */
  readonly kind: FftKind;
  /** The implementation behind this plan. */
  readonly backend: FftBackendName;
  /** Workspace input: `2·N` floats (complex) or `N` floats (real). */
  readonly input: Float32Array;
  /** Workspace output: `2·N` floats (complex) or `N + 2` floats (real). */
  readonly output: Float32Array;
  /**
   * Forward transform. With `input` given (exactly the workspace length) it
   * is copied in first; with `output` given the result is copied there,
   * otherwise it stays in the workspace `output`.
   */
  forward(input?: Float32Array, output?: Float32Array): void;
  /**
   * Unscaled inverse transform of complex data, with the same buffer rules as
   * `forward()`.
   *
   * @throws {TypeError} For a real plan.
   */
  inverse(input?: Float32Array, output?: Float32Array): void;
  /** Frees the plan; later calls throw. Calling it again does nothing. */
  dispose(): void;
}

/** Options of {@linkcode createFft}. */
export interface CreateFftOptions {
  /** `"complex"` (default) or `"real"`. */
  kind?: FftKind;
  /**
   * Force a backend. Default: PFFFT when it loads and supports the size,
   * else fft.js.
   */
  backend?: FftBackendName;
}

/**
 * Creates an FFT plan of `size` points.
 *
 * @param size Number of points: a power of two of at least 2 for fft.js;
 * for PFFFT a multiple of 16 (complex) or 32 (real) of the form 2^a·3^b·5^c.
 * @param options Kind and backend.
 * @returns The plan.
 * @throws {RangeError} If no (or not the requested) backend supports `size`.
 * @throws {FftBackendUnavailableError} If `backend: "pffft"` was requested and
 * the wasm module cannot be loaded.
 *
 * @example A complex tone on bin 3
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { createFft } from "./fft_backend.ts";
 *
 * const fft = await createFft(64);
 * for (let n = 0; n < 64; n++) {
 *   fft.input[2 * n] = Math.cos((2 * Math.PI * 3 * n) / 64);
 *   fft.input[2 * n + 1] = Math.sin((2 * Math.PI * 3 * n) / 64);
 * }
 * fft.forward();
 * ok(Math.abs(fft.output[6] - 64) < 1e-3);
 * fft.dispose();
 * ```
 */
export async function createFft(
  size: number,
  options: CreateFftOptions = {},
): Promise<Fft> {
  const kind = options.kind ?? "complex";
  if (kind !== "complex" && kind !== "real") {
    throw new TypeError(
      `Expected an FFT kind "complex" or "real", found "${String(kind)}"`,
    );
  }
  if (!Number.isSafeInteger(size) || size < 2) {
    throw new RangeError(
      `Expected an FFT size that is an integer of at least 2, found ${size}`,
    );
  }
  switch (options.backend) {
    case "fftjs":
      return createFftJs(size, kind);
    case "pffft":
      return await createPffft(size, kind);
    case undefined:
      break;
    default:
      throw new TypeError(
        `Expected an FFT backend "pffft" or "fftjs", found "${
          String(options.backend)
        }"`,
      );
  }
  if (pffftSupportsSize(size, kind)) {
    try {
      return await createPffft(size, kind);
    } catch (error) {
      if (!(error instanceof FftBackendUnavailableError)) throw error;
    }
  }
  return createFftJs(size, kind);
}
