/**
 * The per-listener inverse DFT of `audio_fft_size` points (PhantomSDR's
 * `audio_max_fft`, sdr-phantomsdr.md §1.5), for any size. PhantomSDR derives
 * that size as `4·ceil(audio_sps·N/sps/4)`, so it is often not a size an FFT
 * backend plans: 768 (2.048 MS/s, N = 131072) is, but 656 (2.4 MS/s) = 16·41,
 * 548 (2.88 MS/s) = 4·137 or 1680 (60 MS/s real, N = 2^23) = 16·3·5·7 are not.
 * The size cannot be rounded up either: the frontend derives its resampler rate
 * from the same formula, so a listener must produce exactly `size/2` samples
 * per frame at `size·sps/N` samples per second.
 *
 * So:
 * - **direct**: when the backend supports `size` (PFFFT: a multiple of 16 with
 *   factors 2, 3, 5; fft.js: a power of two), one unscaled inverse FFT;
 * - **Bluestein** (chirp-z): otherwise the `size`-point DFT is computed as a
 *   circular convolution zero-padded to the next size `L ≥ 2·size − 1` the
 *   backend supports (one forward and one inverse FFT of `L` points plus three
 *   complex multiplications per point). The result is the exact DFT (to
 *   float32 rounding), at roughly 4× the cost of a direct transform.
 *
 * Either way `inverse()` computes `x[n] = Σ X[k]·e^(+2πi·k·n/size)`, unscaled
 * like the FFT backends, and allocates nothing.
 *
 * @module
 */

import {
  createFft,
  type Fft,
  type FftBackendName,
} from "../fft/fft_backend.ts";
import { FftBackendUnavailableError } from "../fft/fft_backend_unavailable_error.ts";
import { pffftSupportsSize } from "../fft/pffft_backend.ts";

/** How {@linkcode InverseDft} computes the transform. */
export type InverseDftMethod = "direct" | "bluestein";

/** Options of {@linkcode InverseDft.create}. */
export interface InverseDftOptions {
  /** Force an FFT backend (default: PFFFT when it loads, else fft.js). */
  backend?: FftBackendName;
}

/**
 * An unscaled complex inverse DFT of any size, on the FFT backends.
 *
 * @example A 12-point transform (fft.js would need a power of two)
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { InverseDft } from "./inverse_dft.ts";
 *
 * const dft = await InverseDft.create(12, { backend: "fftjs" });
 * ok(dft.method === "bluestein");
 * const spectrum = new Float32Array(24);
 * spectrum[2 * 3] = 1; // bin 3
 * const signal = new Float32Array(24);
 * dft.inverse(spectrum, signal);
 * ok(Math.abs(signal[2] - Math.cos((2 * Math.PI * 3) / 12)) < 1e-5);
 * dft.dispose();
 * ```
 */
export class InverseDft {
  /** Number of points. */
  readonly size: number;
  /** Direct FFT or Bluestein convolution. */
  readonly method: InverseDftMethod;
  /** Points of the FFT plan underneath (`size`, or `L` for Bluestein). */
  readonly planSize: number;
  #fft: Fft;
  /** Bluestein: the chirp e^(+iπk²/size), interleaved. */
  #chirp: Float32Array;
  /** Bluestein: FFT of the conjugate chirp filter, pre-divided by L. */
  #filter: Float32Array;
  #disposed = false;

  /**
   * Plans an inverse DFT of `size` points.
   *
   * @param size Number of points, an integer from 2 to 2^24.
   * @param options Backend.
   * @returns The transform.
   * @throws {RangeError} For a size out of range.
   * @throws {FftBackendUnavailableError} If `backend: "pffft"` was forced and
   * the wasm module cannot be loaded.
   */
  static async create(
    size: number,
    options: InverseDftOptions = {},
  ): Promise<InverseDft> {
    if (!Number.isSafeInteger(size) || size < 2 || size > 2 ** 24) {
      throw new RangeError(
        `Expected an inverse DFT size that is an integer from 2 to 2^24, found ${size}`,
      );
    }
    const backend = options.backend;
    if (directlySupported(size, backend)) {
      try {
        const fft = await createFft(size, backend ? { backend } : {});
        return new InverseDft(size, fft);
      } catch (error) {
        // PFFFT did not load and fft.js cannot plan this size: Bluestein.
        if (!(error instanceof RangeError)) throw error;
      }
    }
    const fft = await createBluesteinPlan(size, backend);
    try {
      return new InverseDft(size, fft);
    } catch (error) {
      fft.dispose();
      throw error;
    }
  }

  /**
   * Wraps an existing complex plan, which the transform owns from then on:
   * of `size` points (direct) or of at least `2·size − 1` (Bluestein).
   *
   * @param size Number of points.
   * @param fft A complex FFT plan.
   * @throws {RangeError} If the plan does not fit `size`.
   */
  constructor(size: number, fft: Fft) {
    if (
      !Number.isSafeInteger(size) || size < 2 || fft.kind !== "complex" ||
      (fft.size !== size && fft.size < 2 * size - 1)
    ) {
      throw new RangeError(
        `Expected a complex plan of ${size} or at least ${
          2 * size - 1
        } points, found a ${fft.kind} plan of ${fft.size}`,
      );
    }
    const method: InverseDftMethod = fft.size === size ? "direct" : "bluestein";
    this.size = size;
    this.method = method;
    this.planSize = fft.size;
    this.#fft = fft;
    if (method === "direct") {
      this.#chirp = new Float32Array(0);
      this.#filter = this.#chirp;
      return;
    }
    const length = fft.size;
    this.#chirp = new Float32Array(2 * size);
    const h = new Float32Array(2 * length);
    const period = 2 * size;
    for (let k = 0; k < size; k++) {
      // k² mod 2·size keeps the angle exact for large k.
      const angle = (Math.PI * ((k * k) % period)) / size;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      this.#chirp[2 * k] = c;
      this.#chirp[2 * k + 1] = s;
      h[2 * k] = c;
      h[2 * k + 1] = -s;
      if (k > 0) {
        h[2 * (length - k)] = c;
        h[2 * (length - k) + 1] = -s;
      }
    }
    this.#filter = new Float32Array(2 * length);
    fft.forward(h, this.#filter);
    const scale = 1 / length;
    for (let i = 0; i < 2 * length; i++) this.#filter[i] *= scale;
  }

  /** The FFT backend underneath. */
  get backend(): FftBackendName {
    return this.#fft.backend;
  }

  /**
   * `output[n] = Σ input[k]·e^(+2πi·k·n/size)`, interleaved complex.
   * `input` and `output` must be distinct arrays.
   *
   * @param input `2·size` floats (`re, im` pairs).
   * @param output `2·size` floats, overwritten.
   * @throws {RangeError} If an array has the wrong length.
   * @throws {Error} After `dispose()`.
   */
  inverse(input: Float32Array, output: Float32Array): void {
    const floats = 2 * this.size;
    if (input.length !== floats || output.length !== floats) {
      throw new RangeError(
        `Expected input and output of ${floats} floats, found ${input.length} and ${output.length}`,
      );
    }
    if (this.#disposed) {
      throw new Error(
        "Cannot run an inverse DFT: expected a live plan, found it disposed",
      );
    }
    if (this.method === "direct") {
      this.#fft.inverse(input, output);
      return;
    }
    const fft = this.#fft;
    const chirp = this.#chirp;
    // a[k] = X[k]·chirp[k], zero-padded to L.
    let work = fft.input;
    for (let i = 0; i < floats; i += 2) {
      const xr = input[i];
      const xi = input[i + 1];
      const cr = chirp[i];
      const ci = chirp[i + 1];
      work[i] = xr * cr - xi * ci;
      work[i + 1] = xr * ci + xi * cr;
    }
    work.fill(0, floats);
    fft.forward();
    // Multiply by the filter's spectrum, back into the input workspace.
    const spectrum = fft.output;
    work = fft.input;
    const filter = this.#filter;
    for (let i = 0; i < filter.length; i += 2) {
      const ar = spectrum[i];
      const ai = spectrum[i + 1];
      const hr = filter[i];
      const hi = filter[i + 1];
      work[i] = ar * hr - ai * hi;
      work[i + 1] = ar * hi + ai * hr;
    }
    fft.inverse();
    const conv = fft.output;
    for (let i = 0; i < floats; i += 2) {
      const yr = conv[i];
      const yi = conv[i + 1];
      const cr = chirp[i];
      const ci = chirp[i + 1];
      output[i] = yr * cr - yi * ci;
      output[i + 1] = yr * ci + yi * cr;
    }
  }

  /** Frees the FFT plan. Calling it again does nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#fft.dispose();
  }
}

function isPowerOfTwo(size: number): boolean {
  return (size & (size - 1)) === 0;
}

function directlySupported(
  size: number,
  backend: FftBackendName | undefined,
): boolean {
  if (backend === "fftjs") return isPowerOfTwo(size);
  if (backend === "pffft") return pffftSupportsSize(size, "complex");
  return isPowerOfTwo(size) || pffftSupportsSize(size, "complex");
}

/** The smallest size ≥ `minimum` that PFFFT plans (complex). */
function nextPffftSize(minimum: number): number {
  let size = Math.max(16, Math.ceil(minimum / 16) * 16);
  while (!pffftSupportsSize(size, "complex")) size += 16;
  return size;
}

/** The smallest power of two ≥ `minimum`. */
function nextPowerOfTwo(minimum: number): number {
  let size = 2;
  while (size < minimum) size *= 2;
  return size;
}

async function createBluesteinPlan(
  size: number,
  backend: FftBackendName | undefined,
): Promise<Fft> {
  const minimum = 2 * size - 1;
  if (backend === "fftjs") {
    return await createFft(nextPowerOfTwo(minimum), { backend });
  }
  if (backend === "pffft") {
    return await createFft(nextPffftSize(minimum), { backend });
  }
  try {
    return await createFft(nextPffftSize(minimum), { backend: "pffft" });
  } catch (error) {
    if (!(error instanceof FftBackendUnavailableError)) throw error;
    return await createFft(nextPowerOfTwo(minimum), { backend: "fftjs" });
  }
}
