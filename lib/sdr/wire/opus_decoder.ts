/**
 * A raw-Opus decoder, for tests and tools that check what the `/audio`
 * socket sends (the browser decodes it in the frontend's wasm).
 *
 * @module
 */

import type { OpusScriptHandler, OpusScriptModule } from "./opus_glue.d.ts";
import { opusErrorName } from "./opus_encoder.ts";
import {
  nearestOpusRate,
  opusModule,
  type OpusSampleRate,
} from "./opus_module.ts";

/** Largest packet accepted (opusscript's `MAX_PACKET_SIZE`). */
const MAX_PACKET_BYTES = 1276 * 3;
/** Most samples one packet decodes to (120 ms at 48 kHz). */
const MAX_FRAME = 960 * 6;

/**
 * Decodes raw mono Opus packets to 16-bit samples.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { OpusDecoder } from "./opus_decoder.ts";
 * import { OpusEncoder } from "./opus_encoder.ts";
 *
 * using encoder = new OpusEncoder({ sampleRate: 16000 });
 * using decoder = new OpusDecoder({ sampleRate: 16000 });
 * const [packet] = encoder.encode(new Int16Array(320));
 * equal(decoder.decode(packet).length, 320);
 * ```
 */
export class OpusDecoder {
  /** The decoder's Opus rate. */
  readonly sampleRate: OpusSampleRate;
  #module: OpusScriptModule;
  #handler: OpusScriptHandler | undefined;
  #inPtr = 0;
  #outPtr = 0;

  /**
   * Creates a decoder.
   *
   * @param options The rate (snapped to the nearest Opus rate).
   * @throws {RangeError} If the rate is not positive.
   * @throws {OpusUnavailableError} If libopus cannot be loaded.
   */
  constructor(options: { sampleRate: number }) {
    this.sampleRate = nearestOpusRate(options.sampleRate);
    const module = opusModule();
    this.#module = module;
    this.#handler = new module.OpusScriptHandler(this.sampleRate, 1, 2049);
    this.#inPtr = module._malloc(MAX_PACKET_BYTES);
    this.#outPtr = module._malloc(4 * MAX_FRAME);
    if (this.#inPtr === 0 || this.#outPtr === 0) {
      this.close();
      throw new RangeError(
        "Expected room for an Opus decoder in the wasm heap, found the heap full",
      );
    }
  }

  /**
   * Decodes one packet.
   *
   * @param packet A raw Opus packet.
   * @returns Its samples.
   * @throws {TypeError} If the decoder is closed.
   * @throws {RangeError} If the packet is empty or too long.
   * @throws {Error} If libopus rejects the packet.
   */
  decode(packet: Uint8Array): Int16Array {
    const handler = this.#handler;
    if (handler === undefined) {
      throw new TypeError("Cannot decode: the Opus decoder is closed");
    }
    if (packet.length === 0 || packet.length > MAX_PACKET_BYTES) {
      throw new RangeError(
        `Expected an Opus packet of 1 to ${MAX_PACKET_BYTES} bytes, found ${packet.length}`,
      );
    }
    this.#module.HEAPU8.set(packet, this.#inPtr);
    const samples = handler._decode(this.#inPtr, packet.length, this.#outPtr);
    if (samples < 0) {
      throw new Error(
        `Expected a valid Opus packet, found ${opusErrorName(samples)}`,
      );
    }
    const heap16 = this.#module.HEAPU16;
    const base = this.#outPtr >>> 1;
    const out = new Int16Array(samples);
    for (let k = 0; k < samples; k++) {
      out[k] = heap16[base + 2 * k] | (heap16[base + 2 * k + 1] << 8);
    }
    return out;
  }

  /** Frees the libopus state. Idempotent. */
  close(): void {
    this.#handler?.delete();
    this.#handler = undefined;
    if (this.#inPtr) this.#module._free(this.#inPtr);
    if (this.#outPtr) this.#module._free(this.#outPtr);
    this.#inPtr = this.#outPtr = 0;
  }

  /** Same as {@linkcode OpusDecoder.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
