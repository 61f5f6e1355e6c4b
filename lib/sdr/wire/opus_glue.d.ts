/**
 * Types of the Emscripten glue of `opusscript`
 * (`build/opusscript_native_wasm.js`, libopus 1.4 with an embind class),
 * which ships no declarations for it. Only the members that
 * lib/sdr/wire/opus_encoder.ts uses are declared.
 *
 * The handler's byte layout is opusscript's: PCM buffers hold one byte
 * per 16-bit heap element (low byte, then high byte, of each sample).
 *
 * @module
 */

/** One libopus encoder + decoder pair (opusscript's embind class). */
export interface OpusScriptHandler {
  /**
   * Encodes `frameSize` samples per channel read from `input` (a heap byte
   * address, `bytes` = 2 · samples · channels) into `output` (at most
   * 3828 bytes). Returns the packet length or a negative libopus error.
   */
  _encode(
    input: number,
    bytes: number,
    output: number,
    frameSize: number,
  ): number;
  /**
   * Decodes `bytes` bytes at `input` into `output`; returns samples per
   * channel or a negative libopus error.
   */
  _decode(input: number, bytes: number, output: number): number;
  /** `opus_encoder_ctl(ctl, arg)`; negative on error. */
  _encoder_ctl(ctl: number, arg: number): number;
  /** `opus_decoder_ctl(ctl, arg)`; negative on error. */
  _decoder_ctl(ctl: number, arg: number): number;
  /** Runs the C++ destructor (frees the encoder and decoder). */
  delete(): void;
}

/** The instantiated opusscript wasm module. */
export interface OpusScriptModule {
  /** Resolves once the runtime is initialised. */
  ready: Promise<unknown>;
  /** Byte view of the heap; replaced when the heap grows. */
  HEAPU8: Uint8Array;
  /** 16-bit view of the heap; replaced when the heap grows. */
  HEAPU16: Uint16Array;
  /** `malloc`; 0 when out of memory. */
  _malloc(bytes: number): number;
  /** `free`. */
  _free(pointer: number): void;
  /** The embind class; throws a libopus error number for a bad setting. */
  OpusScriptHandler: new (
    sampleRate: number,
    channels: number,
    application: number,
  ) => OpusScriptHandler;
}

/** Module overrides accepted by the factory. */
export interface OpusScriptModuleOptions {
  /** The wasm bytes; when given, the glue does not read any file. */
  wasmBinary?: Uint8Array;
  /** Replaces the glue's stdout printer. */
  print?: (text: string) => void;
  /** Replaces the glue's stderr printer (abort messages). */
  printErr?: (text: string) => void;
}

/** The Emscripten factory (MODULARIZE, CommonJS export). */
declare function OpusScriptNative(
  options?: OpusScriptModuleOptions,
): OpusScriptModule;
export default OpusScriptNative;
