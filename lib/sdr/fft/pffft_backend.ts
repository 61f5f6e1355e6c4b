/**
 * FFT backend on PFFFT compiled to WebAssembly with SIMD
 * (`@echogarden/pffft-wasm`, BSD-3-Clause), loaded bundle-safely: the
 * Emscripten glue is imported directly and the `.wasm` is imported as bytes
 * (by relative path, because the package's `exports` map hides it) and passed
 * as `wasmBinary`, so nothing reads the filesystem and `deno bundle` inlines
 * the module (see deno-platform.md §3 "FFT: fft.js vs WASM").
 *
 * One wasm instance is shared by every plan of a thread (an instance starts
 * with a 16 MiB heap). Its heap grows when large plans are created, which
 * detaches the previous `HEAPF32`; each plan therefore re-derives its buffer
 * views when it finds them detached.
 *
 * @module
 */

// @ts-types="./pffft_glue.d.ts"
import PFFFT from "@echogarden/pffft-wasm/simd";
import type { PffftModule } from "./pffft_glue.d.ts";
import wasmBinary from "../../../node_modules/@echogarden/pffft-wasm/dist/simd/pffft.wasm" with {
  type: "bytes",
};
import type { Fft, FftKind } from "./fft_backend.ts";
import { FftBackendUnavailableError } from "./fft_backend_unavailable_error.ts";
import { checkFftBufferLength } from "./_buffers.ts";

const PFFFT_REAL = 0;
const PFFFT_COMPLEX = 1;
const PFFFT_FORWARD = 0;
const PFFFT_BACKWARD = 1;

let modulePromise: Promise<PffftModule> | undefined;

/**
 * Loads (once per thread) the PFFFT wasm module.
 *
 * @returns The module.
 * @throws {FftBackendUnavailableError} If the wasm cannot be compiled or
 * instantiated (for example a runtime without wasm SIMD); the failure is
 * remembered and rethrown on later calls.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadPffft } from "./pffft_backend.ts";
 *
 * const module = await loadPffft();
 * equal(module._pffft_simd_size(), 4);
 * ```
 */
export function loadPffft(): Promise<PffftModule> {
  modulePromise ??= instantiate();
  return modulePromise;
}

async function instantiate(): Promise<PffftModule> {
  // The glue takes its Node branch under Deno (a global `process` exists);
  // define `__dirname` as well in case a glue version evaluates it there.
  const global = globalThis as { __dirname?: string };
  global.__dirname ??= "/";
  try {
    // Failures surface as FftBackendUnavailableError; keep the glue quiet.
    const quiet = () => {};
    const module = await PFFFT({ wasmBinary, print: quiet, printErr: quiet });
    if (module._pffft_simd_size() < 1) throw new Error("bad SIMD size");
    return module;
  } catch (error) {
    throw new FftBackendUnavailableError("pffft", error);
  }
}

/**
 * Whether PFFFT can plan `size` points of `kind`: a multiple of 16 (complex)
 * or 32 (real) whose remaining factors are 2, 3 and 5.
 *
 * @param size Number of points.
 * @param kind Complex or real.
 * @returns True when supported.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { pffftSupportsSize } from "./pffft_backend.ts";
 *
 * equal(pffftSupportsSize(131072, "complex"), true);
 * equal(pffftSupportsSize(768, "real"), true);
 * equal(pffftSupportsSize(8, "complex"), false);
 * equal(pffftSupportsSize(16 * 7, "complex"), false);
 * ```
 */
export function pffftSupportsSize(size: number, kind: FftKind): boolean {
  const multiple = kind === "real" ? 32 : 16;
  if (!Number.isSafeInteger(size) || size < multiple || size % multiple) {
    return false;
  }
  let rest = size;
  for (const factor of [2, 3, 5]) {
    while (rest % factor === 0) rest /= factor;
  }
  return rest === 1 && size < 2 ** 28;
}

/**
 * Creates a PFFFT plan. Prefer `createFft()`, which falls back to fft.js.
 *
 * @param size Number of points (see {@linkcode pffftSupportsSize}).
 * @param kind Complex or real.
 * @returns The plan.
 * @throws {RangeError} If PFFFT does not support `size`, or the wasm heap
 * cannot hold the buffers.
 * @throws {FftBackendUnavailableError} If the wasm module cannot be loaded.
 *
 * @example Real FFT of a cosine on bin 2
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { createPffft } from "./pffft_backend.ts";
 *
 * const fft = await createPffft(32, "real");
 * for (let n = 0; n < 32; n++) fft.input[n] = Math.cos((2 * Math.PI * 2 * n) / 32);
 * fft.forward();
 * ok(Math.abs(fft.output[4] - 16) < 1e-4); // bin 2, real part = N/2
 * fft.dispose();
 * ```
 */
export async function createPffft(size: number, kind: FftKind): Promise<Fft> {
  if (!pffftSupportsSize(size, kind)) {
    throw new RangeError(
      `Expected a PFFFT ${kind} size that is a multiple of ${
        kind === "real" ? 32 : 16
      } with factors 2, 3 and 5 only, found ${size}`,
    );
  }
  const module = await loadPffft();
  return new PffftFft(module, size, kind);
}

class PffftFft implements Fft {
  readonly size: number;
  readonly kind: FftKind;
  readonly backend = "pffft" as const;
  #module: PffftModule;
  #setup: number;
  #inPtr = 0;
  #outPtr = 0;
  #workPtr = 0;
  #inFloats: number;
  #outFloats: number;
  #input: Float32Array;
  #output: Float32Array;
  #disposed = false;

  constructor(module: PffftModule, size: number, kind: FftKind) {
    this.size = size;
    this.kind = kind;
    this.#module = module;
    this.#inFloats = kind === "complex" ? 2 * size : size;
    this.#outFloats = kind === "complex" ? 2 * size : size + 2;
    this.#setup = module._pffft_new_setup(
      size,
      kind === "complex" ? PFFFT_COMPLEX : PFFFT_REAL,
    );
    if (this.#setup === 0) {
      throw new RangeError(
        `Expected a size PFFFT can plan, found ${size} (${kind})`,
      );
    }
    this.#inPtr = module._pffft_aligned_malloc(4 * this.#inFloats);
    this.#outPtr = module._pffft_aligned_malloc(4 * this.#outFloats);
    this.#workPtr = module._pffft_aligned_malloc(4 * this.#inFloats);
    if (this.#inPtr === 0 || this.#outPtr === 0 || this.#workPtr === 0) {
      this.#free();
      throw new RangeError(
        `Expected room for a ${size}-point FFT in the wasm heap, found the heap full`,
      );
    }
    this.#input = new Float32Array(0);
    this.#output = this.#input;
    this.#views();
    this.#input.fill(0);
    this.#output.fill(0);
  }

  get input(): Float32Array {
    if (this.#input.length === 0) this.#views();
    return this.#input;
  }

  get output(): Float32Array {
    if (this.#output.length === 0) this.#views();
    return this.#output;
  }

  forward(input?: Float32Array, output?: Float32Array): void {
    this.#run(PFFFT_FORWARD, input, output);
  }

  inverse(input?: Float32Array, output?: Float32Array): void {
    if (this.kind !== "complex") {
      throw new TypeError(
        "Cannot run an inverse transform: expected a complex plan, found a real one",
      );
    }
    this.#run(PFFFT_BACKWARD, input, output);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#free();
    this.#input = new Float32Array(0);
    this.#output = this.#input;
  }

  #run(direction: number, input?: Float32Array, output?: Float32Array): void {
    if (this.#disposed) {
      throw new TypeError("Cannot run a transform: the FFT plan is disposed");
    }
    if (input !== undefined) {
      checkFftBufferLength("input", input, this.#inFloats);
    }
    if (output !== undefined) {
      checkFftBufferLength("output", output, this.#outFloats);
    }
    if (this.#input.length === 0) this.#views();
    if (input !== undefined) this.#input.set(input);
    this.#module._pffft_transform_ordered(
      this.#setup,
      this.#inPtr,
      this.#outPtr,
      this.#workPtr,
      direction,
    );
    const out = this.#output;
    if (this.kind === "real") {
      // PFFFT packs the (real) Nyquist bin into the imaginary slot of DC.
      const n = this.size;
      out[n] = out[1];
      out[n + 1] = 0;
      out[1] = 0;
    }
    if (output !== undefined) output.set(out);
  }

  #views(): void {
    const heap = this.#module.HEAPF32;
    this.#input = heap.subarray(
      this.#inPtr >>> 2,
      (this.#inPtr >>> 2) + this.#inFloats,
    );
    this.#output = heap.subarray(
      this.#outPtr >>> 2,
      (this.#outPtr >>> 2) + this.#outFloats,
    );
  }

  #free(): void {
    const module = this.#module;
    if (this.#inPtr) module._pffft_aligned_free(this.#inPtr);
    if (this.#outPtr) module._pffft_aligned_free(this.#outPtr);
    if (this.#workPtr) module._pffft_aligned_free(this.#workPtr);
    if (this.#setup) module._pffft_destroy_setup(this.#setup);
    this.#inPtr =
      this.#outPtr =
      this.#workPtr =
      this.#setup =
        0;
  }
}
