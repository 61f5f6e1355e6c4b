/**
 * The `/audio` Opus encoder (sdr-phantomsdr.md §2.6, sv1btl's
 * PhantomSDR+): raw Opus packets, no Ogg, one 20 ms packet per CBOR audio
 * message, 80 kb/s mono, the encoder rate snapped to 8/12/16/24/48 kHz
 * ({@linkcode nearestOpusRate}).
 *
 * A listener's audio arrives in blocks of `audio_max_fft / 2` samples per
 * FFT frame; the encoder buffers them and returns a packet each time 20 ms
 * (`rate / 50` samples) are complete, so a block yields zero, one or more
 * packets. One encoder per listener; {@linkcode OpusEncoder.close} frees
 * its libopus state in the wasm heap.
 *
 * @module
 */

import type { OpusScriptHandler, OpusScriptModule } from "./opus_glue.d.ts";
import {
  nearestOpusRate,
  opusModule,
  type OpusSampleRate,
} from "./opus_module.ts";

/** `OPUS_APPLICATION_AUDIO`. */
const APPLICATION_AUDIO = 2049;
/** `OPUS_SET_BITRATE_REQUEST`. */
const SET_BITRATE = 4002;
/** `OPUS_SET_COMPLEXITY_REQUEST`. */
const SET_COMPLEXITY = 4010;
/** `OPUS_RESET_STATE`. */
const RESET_STATE = 4028;
/** Largest packet libopus writes here (opusscript's `MAX_PACKET_SIZE`). */
const MAX_PACKET_BYTES = 1276 * 3;

/**
 * libopus error names by code, for messages.
 *
 * @param code A negative libopus return value.
 * @returns Its name.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { opusErrorName } from "./opus_encoder.ts";
 *
 * equal(opusErrorName(-4), "invalid packet");
 * equal(opusErrorName(-99), "error -99");
 * ```
 */
export function opusErrorName(code: number): string {
  switch (code) {
    case -1:
      return "bad argument";
    case -2:
      return "buffer too small";
    case -3:
      return "internal error";
    case -4:
      return "invalid packet";
    case -5:
      return "unimplemented";
    case -6:
      return "invalid state";
    case -7:
      return "memory allocation failure";
    default:
      return `error ${code}`;
  }
}

/**
 * Options of {@linkcode OpusEncoder}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { OpusEncoderOptions } from "./opus_encoder.ts";
 *
 * const options: OpusEncoderOptions = { sampleRate: 12000, bitrate: 80000 };
 * equal(options.complexity, undefined);
 * ```
 */
export interface OpusEncoderOptions {
  /**
   * The listener's audio rate (`audio_sps`, or the real rate); the encoder
   * runs at the nearest Opus rate.
   */
  sampleRate: number;
  /** Bits per second (default 80000, sv1btl's mono rate). */
  bitrate?: number;
  /**
   * libopus complexity 0…10 (default 5: about half the CPU of 10 for a
   * hardly audible difference on receiver audio).
   */
  complexity?: number;
}

/**
 * A mono Opus encoder that cuts a listener's audio blocks into 20 ms
 * packets.
 *
 * @example A 1 kHz tone at 12 kHz: 384-sample blocks, 240-sample packets
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { OpusEncoder } from "./opus_encoder.ts";
 *
 * using encoder = new OpusEncoder({ sampleRate: 12000 });
 * equal(encoder.sampleRate, 12000);
 * equal(encoder.frameSize, 240);
 * const block = new Int16Array(384);
 * for (let i = 0; i < block.length; i++) {
 *   block[i] = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 12000));
 * }
 * equal(encoder.encode(block).length, 1); // 384 = 240 + 144 buffered
 * equal(encoder.buffered, 144);
 * const packets = encoder.encode(block); // 144 + 384 = 2 · 240 + 48
 * equal(packets.length, 2);
 * ok(packets.every((p) => p.length > 2 && p.length < 400));
 * ```
 */
export class OpusEncoder {
  /** The encoder's Opus rate. */
  readonly sampleRate: OpusSampleRate;
  /** Samples per packet (20 ms at `sampleRate`). */
  readonly frameSize: number;
  /** Bits per second asked of libopus. */
  readonly bitrate: number;
  #module: OpusScriptModule;
  #handler: OpusScriptHandler | undefined;
  #inPtr = 0;
  #outPtr = 0;
  #pending: Int16Array;
  #fill = 0;
  #packets = 0;

  /**
   * Creates an encoder (loading the wasm module on first use).
   *
   * @param options Rate, bitrate, complexity.
   * @throws {RangeError} If the rate, bitrate or complexity is out of range.
   * @throws {OpusUnavailableError} If libopus cannot be loaded.
   */
  constructor(options: OpusEncoderOptions) {
    this.sampleRate = nearestOpusRate(options.sampleRate);
    this.frameSize = this.sampleRate / 50;
    const bitrate = options.bitrate ?? 80000;
    if (!Number.isSafeInteger(bitrate) || bitrate < 6000 || bitrate > 510000) {
      throw new RangeError(
        `Expected an Opus bitrate from 6000 to 510000 b/s, found ${bitrate}`,
      );
    }
    this.bitrate = bitrate;
    const complexity = options.complexity ?? 5;
    if (!Number.isInteger(complexity) || complexity < 0 || complexity > 10) {
      throw new RangeError(
        `Expected an Opus complexity from 0 to 10, found ${complexity}`,
      );
    }
    this.#pending = new Int16Array(this.frameSize);
    const module = opusModule();
    this.#module = module;
    const handler = new module.OpusScriptHandler(
      this.sampleRate,
      1,
      APPLICATION_AUDIO,
    );
    this.#handler = handler;
    // opusscript's layout: one byte per 16-bit element, and its repacking
    // loop reads up to twice the byte count: 8 bytes per sample.
    this.#inPtr = module._malloc(8 * this.frameSize);
    this.#outPtr = module._malloc(MAX_PACKET_BYTES);
    if (this.#inPtr === 0 || this.#outPtr === 0) {
      this.close();
      throw new RangeError(
        "Expected room for an Opus encoder in the wasm heap, found the heap full",
      );
    }
    for (
      const [ctl, value] of [[SET_BITRATE, bitrate], [
        SET_COMPLEXITY,
        complexity,
      ]]
    ) {
      const result = handler._encoder_ctl(ctl, value);
      if (result < 0) {
        this.close();
        throw new RangeError(
          `Expected libopus to accept setting ${ctl} to ${value}, found ${
            opusErrorName(result)
          }`,
        );
      }
    }
  }

  /** Samples waiting for the next packet. */
  get buffered(): number {
    return this.#fill;
  }

  /** Packets produced so far. */
  get packets(): number {
    return this.#packets;
  }

  /** Whether {@linkcode OpusEncoder.close} was called. */
  get closed(): boolean {
    return this.#handler === undefined;
  }

  /**
   * Adds a block of samples; returns the packets it completed (each a new
   * array).
   *
   * @param samples Mono 16-bit samples, any length.
   * @returns Zero or more raw Opus packets, 20 ms each.
   * @throws {TypeError} If the encoder is closed.
   * @throws {Error} If libopus reports an error.
   */
  encode(samples: Int16Array): Uint8Array[] {
    if (this.#handler === undefined) {
      throw new TypeError("Cannot encode: the Opus encoder is closed");
    }
    const out: Uint8Array[] = [];
    const frame = this.frameSize;
    let i = 0;
    while (i < samples.length) {
      const take = Math.min(frame - this.#fill, samples.length - i);
      this.#pending.set(samples.subarray(i, i + take), this.#fill);
      this.#fill += take;
      i += take;
      if (this.#fill === frame) {
        out.push(this.#encodeFrame());
        this.#fill = 0;
      }
    }
    return out;
  }

  /**
   * Forgets the buffered samples and libopus' history (after a gap in the
   * audio, e.g. frames dropped for a slow connection).
   */
  reset(): void {
    this.#fill = 0;
    this.#handler?._encoder_ctl(RESET_STATE, 0);
  }

  /** Frees the libopus state and buffers. Idempotent. */
  close(): void {
    const module = this.#module;
    this.#handler?.delete();
    this.#handler = undefined;
    if (this.#inPtr) module._free(this.#inPtr);
    if (this.#outPtr) module._free(this.#outPtr);
    this.#inPtr = this.#outPtr = 0;
  }

  /** Same as {@linkcode OpusEncoder.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  #encodeFrame(): Uint8Array {
    const heap16 = this.#module.HEAPU16; // re-read: replaced when the heap grows
    const base = this.#inPtr >>> 1;
    const pending = this.#pending;
    for (let k = 0; k < pending.length; k++) {
      const s = pending[k];
      heap16[base + 2 * k] = s & 0xff;
      heap16[base + 2 * k + 1] = (s >> 8) & 0xff;
    }
    const length = this.#handler!._encode(
      this.#inPtr,
      2 * pending.length,
      this.#outPtr,
      pending.length,
    );
    if (length < 0) {
      throw new Error(
        `Expected libopus to encode a ${pending.length}-sample frame, found ${
          opusErrorName(length)
        }`,
      );
    }
    this.#packets++;
    return this.#module.HEAPU8.slice(this.#outPtr, this.#outPtr + length);
  }
}
