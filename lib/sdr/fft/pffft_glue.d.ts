/**
 * Types of the Emscripten glue of `@echogarden/pffft-wasm` (the SIMD build,
 * `dist/simd/pffft.js`), which ships no declarations. Only the members that
 * lib/sdr/fft/pffft_backend.ts uses are declared.
 *
 * @module
 */

/** The instantiated PFFFT wasm module. */
export interface PffftModule {
  /** View of the whole wasm heap; replaced when the heap grows. */
  HEAPF32: Float32Array;
  /** `pffft_new_setup(N, transform)`; transform 0 = real, 1 = complex; 0 on failure. */
  _pffft_new_setup(size: number, transform: number): number;
  /** Frees a setup. */
  _pffft_destroy_setup(setup: number): void;
  /** Ordered transform; direction 0 = forward, 1 = backward (unscaled). */
  _pffft_transform_ordered(
    setup: number,
    input: number,
    output: number,
    work: number,
    direction: number,
  ): void;
  /** 16-byte-aligned allocation in the wasm heap; 0 when out of memory. */
  _pffft_aligned_malloc(bytes: number): number;
  /** Frees an aligned allocation. */
  _pffft_aligned_free(pointer: number): void;
  /** 4 for the SIMD build, 1 for the scalar build. */
  _pffft_simd_size(): number;
}

/** Module overrides accepted by the factory. */
export interface PffftModuleOptions {
  /** The wasm bytes; when given, the glue does not read any file. */
  wasmBinary?: Uint8Array;
  /** Replaces the glue's stdout printer. */
  print?: (text: string) => void;
  /** Replaces the glue's stderr printer (abort messages). */
  printErr?: (text: string) => void;
}

/** The Emscripten factory (MODULARIZE + EXPORT_ES6). */
declare function PFFFT(options?: PffftModuleOptions): Promise<PffftModule>;
export default PFFFT;
