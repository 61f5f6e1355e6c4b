/**
 * FFT backend on fft.js (pure JavaScript radix-4, MIT): the fallback when the
 * PFFFT wasm module cannot be loaded. Powers of two only. fft.js computes in
 * float64 on private Float64Array buffers (one array type throughout, which
 * keeps its code monomorphic); the Float32 workspace is converted on the way
 * in and out.
 *
 * @module
 */

import FFT from "fft.js";
import type { Fft, FftKind } from "./fft_backend.ts";
import { checkFftBufferLength } from "./_buffers.ts";

/**
 * Creates an fft.js plan. Prefer `createFft()`, which picks the fastest
 * backend.
 *
 * @param size Number of points, a power of two of at least 2 (4 for real).
 * @param kind Complex or real.
 * @returns The plan.
 * @throws {RangeError} If `size` is not a supported power of two.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { createFftJs } from "./fftjs_backend.ts";
 *
 * const fft = createFftJs(8, "complex");
 * fft.input.fill(0);
 * fft.input[0] = 1; // an impulse has a flat spectrum
 * fft.forward();
 * for (let k = 0; k < 8; k++) ok(fft.output[2 * k] === 1 && fft.output[2 * k + 1] === 0);
 * ```
 */
export function createFftJs(size: number, kind: FftKind): Fft {
  const minimum = kind === "real" ? 4 : 2;
  if (
    !Number.isSafeInteger(size) || size < minimum || size > 2 ** 26 ||
    (size & (size - 1)) !== 0
  ) {
    throw new RangeError(
      `Expected an fft.js ${kind} size that is a power of two from ${minimum} to 2^26, found ${size}`,
    );
  }
  return new FftJsFft(size, kind);
}

class FftJsFft implements Fft {
  readonly size: number;
  readonly kind: FftKind;
  readonly backend = "fftjs" as const;
  readonly input: Float32Array;
  readonly output: Float32Array;
  #fft: FFT | undefined;
  #in64: Float64Array;
  #out64: Float64Array;

  constructor(size: number, kind: FftKind) {
    this.size = size;
    this.kind = kind;
    this.#fft = new FFT(size);
    this.input = new Float32Array(kind === "complex" ? 2 * size : size);
    this.output = new Float32Array(kind === "complex" ? 2 * size : size + 2);
    this.#in64 = new Float64Array(this.input.length);
    // fft.js writes a full 2·N complex array even for real input.
    this.#out64 = new Float64Array(2 * size);
  }

  forward(input?: Float32Array, output?: Float32Array): void {
    const fft = this.#check(input, output);
    const in64 = this.#in64;
    const source = input ?? this.input;
    for (let i = 0; i < in64.length; i++) in64[i] = source[i];
    if (this.kind === "complex") fft.transform(this.#out64, in64);
    else fft.realTransform(this.#out64, in64);
    this.#copyOut(output ?? this.output, 1);
  }

  inverse(input?: Float32Array, output?: Float32Array): void {
    if (this.kind !== "complex") {
      throw new TypeError(
        "Cannot run an inverse transform: expected a complex plan, found a real one",
      );
    }
    const fft = this.#check(input, output);
    const in64 = this.#in64;
    const source = input ?? this.input;
    for (let i = 0; i < in64.length; i++) in64[i] = source[i];
    fft.inverseTransform(this.#out64, in64);
    // fft.js scales its inverse by 1/N; undo it (exact for powers of two).
    this.#copyOut(output ?? this.output, this.size);
  }

  dispose(): void {
    this.#fft = undefined;
    this.#in64 = this.#out64 = new Float64Array(0);
  }

  #check(input?: Float32Array, output?: Float32Array): FFT {
    if (this.#fft === undefined) {
      throw new TypeError("Cannot run a transform: the FFT plan is disposed");
    }
    if (input !== undefined) {
      checkFftBufferLength("input", input, this.input.length);
    }
    if (output !== undefined) {
      checkFftBufferLength("output", output, this.output.length);
    }
    return this.#fft;
  }

  #copyOut(target: Float32Array, scale: number): void {
    const out64 = this.#out64;
    const n = target.length;
    if (scale === 1) {
      for (let i = 0; i < n; i++) target[i] = out64[i];
    } else {
      for (let i = 0; i < n; i++) target[i] = out64[i] * scale;
    }
  }
}
