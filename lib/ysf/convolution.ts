/**
 * The YSF convolutional code: rate 1/2, constraint length 5, generators
 * g1 = d⊕d3⊕d4 and g2 = d⊕d1⊕d2⊕d4, and its 16-state hard-decision Viterbi
 * decoder (same metrics, tie-breaking and chainback as G4KLX
 * `CYSFConvolution`, so corrupted input decodes to the same bits).
 *
 * @module
 */

import { readBit, writeBit } from "./bits.ts";

/**
 * Convolutionally encodes `nBits` input bits (MSB first) into 2·nBits output
 * bits: for each input bit d, g1 = d⊕d3⊕d4 then g2 = d⊕d1⊕d2⊕d4, where d1..d4
 * are the previous input bits. The encoder starts in the all-zero state;
 * callers append 4 zero tail bits to the input to end in it too.
 *
 * @param input The input bits, at least `nBits` bits.
 * @param out The output, at least 2·nBits bits; those bits are overwritten.
 * @param nBits The number of input bits.
 * @throws {RangeError} If a buffer is too small.
 *
 * @example Impulse response
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { convolutionalEncode } from "./convolution.ts";
 *
 * const out = new Uint8Array(2);
 * convolutionalEncode(new Uint8Array([0x80]), out, 5);
 * // d=1 then four zeros: (g1,g2) = 11, 01, 01, 10, 11
 * equal(out[0].toString(2).padStart(8, "0") + out[1].toString(2).padStart(8, "0").slice(0, 2), "1101011011");
 * ```
 */
export function convolutionalEncode(
  input: Uint8Array,
  out: Uint8Array,
  nBits: number,
): void {
  if (input.length * 8 < nBits || out.length * 8 < 2 * nBits) {
    throw new RangeError(
      `Expected buffers of at least ${Math.ceil(nBits / 8)} and ${
        Math.ceil(nBits / 4)
      } bytes, found ${input.length} and ${out.length}`,
    );
  }
  let d1 = 0, d2 = 0, d3 = 0, d4 = 0;
  for (let i = 0, k = 0; i < nBits; i++, k += 2) {
    const d = readBit(input, i);
    writeBit(out, k, d ^ d3 ^ d4);
    writeBit(out, k + 1, d ^ d1 ^ d2 ^ d4);
    d4 = d3;
    d3 = d2;
    d2 = d1;
    d1 = d;
  }
}

/** Expected g1 for the transition from state i (0..7) with input 0. */
const BRANCH1 = new Uint8Array([0, 0, 0, 0, 1, 1, 1, 1]);
/** Expected g2 for the transition from state i (0..7) with input 0. */
const BRANCH2 = new Uint8Array([0, 1, 1, 0, 0, 1, 1, 0]);

/**
 * A reusable 16-state hard-decision Viterbi decoder for the YSF
 * convolutional code. Feed it one received dibit per step with
 * {@link ViterbiDecoder.decode} after {@link ViterbiDecoder.start}, then call
 * {@link ViterbiDecoder.chainback}. It allocates only in its constructor.
 *
 * @example Decoding an encoded block
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { convolutionalEncode, ViterbiDecoder } from "./convolution.ts";
 * import { readBit } from "./bits.ts";
 *
 * const data = new Uint8Array([0xa5, 0x3c, 0x00]); // 16 bits + 4 zero tail bits
 * const coded = new Uint8Array(5);
 * convolutionalEncode(data, coded, 20);
 * coded[1] ^= 0x10; // one channel bit error
 * const viterbi = new ViterbiDecoder();
 * viterbi.start();
 * for (let i = 0; i < 20; i++) viterbi.decode(readBit(coded, 2 * i), readBit(coded, 2 * i + 1));
 * const out = new Uint8Array(2);
 * viterbi.chainback(out, 16);
 * deepEqual(out, data.subarray(0, 2));
 * equal(viterbi.errors, 1);
 * ```
 */
export class ViterbiDecoder {
  readonly #metrics1 = new Uint16Array(16);
  readonly #metrics2 = new Uint16Array(16);
  readonly #decisions: Uint32Array;
  #old: Uint16Array;
  #new: Uint16Array;
  #steps = 0;

  /**
   * Creates a decoder.
   *
   * @param maxSteps The most dibits one block may have, default 180 (the
   * 20-byte data channels).
   * @throws {RangeError} If `maxSteps` is not a positive integer.
   *
   * @example A decoder for the FICH (100 dibits)
   * ```ts
   * import { throws } from "node:assert/strict";
   * import { ViterbiDecoder } from "./convolution.ts";
   *
   * const viterbi = new ViterbiDecoder(100);
   * viterbi.start();
   * throws(() => new ViterbiDecoder(0), RangeError);
   * ```
   */
  constructor(maxSteps = 180) {
    if (!Number.isInteger(maxSteps) || maxSteps < 1) {
      throw new RangeError(
        `Expected a positive integer step count, found ${maxSteps}`,
      );
    }
    this.#decisions = new Uint32Array(maxSteps);
    this.#old = this.#metrics1;
    this.#new = this.#metrics2;
  }

  /**
   * Resets the decoder for a new block.
   *
   * @example Reusing one decoder
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ViterbiDecoder } from "./convolution.ts";
   *
   * const viterbi = new ViterbiDecoder(4);
   * viterbi.start();
   * for (let i = 0; i < 4; i++) viterbi.decode(1, 1);
   * viterbi.start();
   * equal(viterbi.errors, 0);
   * ```
   */
  start(): void {
    this.#metrics1.fill(0);
    this.#metrics2.fill(0);
    this.#old = this.#metrics1;
    this.#new = this.#metrics2;
    this.#steps = 0;
  }

  /**
   * Adds one received dibit (the g1 and g2 bits of one input bit).
   *
   * @param s0 The first bit, 0 or 1.
   * @param s1 The second bit, 0 or 1.
   * @throws {RangeError} If more dibits are fed than `maxSteps`.
   *
   * @example Feeding dibits
   * ```ts
   * import { throws } from "node:assert/strict";
   * import { ViterbiDecoder } from "./convolution.ts";
   *
   * const viterbi = new ViterbiDecoder(2);
   * viterbi.start();
   * viterbi.decode(0, 0);
   * viterbi.decode(0, 0);
   * throws(() => viterbi.decode(0, 0), RangeError);
   * ```
   */
  decode(s0: number, s1: number): void {
    if (this.#steps >= this.#decisions.length) {
      throw new RangeError(
        `Expected at most ${this.#decisions.length} dibits per block, found more`,
      );
    }
    const old = this.#old;
    const next = this.#new;
    let decisions = 0;
    for (let i = 0; i < 8; i++) {
      const j = i * 2;
      const metric = (BRANCH1[i] ^ s0) + (BRANCH2[i] ^ s1);
      const a = old[i];
      const b = old[i + 8];
      let m0 = a + metric;
      let m1 = b + (2 - metric);
      if (m0 >= m1) {
        next[j] = m1;
        decisions |= 1 << j;
      } else {
        next[j] = m0;
      }
      m0 = a + (2 - metric);
      m1 = b + metric;
      if (m0 >= m1) {
        next[j + 1] = m1;
        decisions |= 1 << (j + 1);
      } else {
        next[j + 1] = m0;
      }
    }
    this.#decisions[this.#steps++] = decisions;
    this.#old = next;
    this.#new = old;
  }

  /**
   * Traces back from the all-zero state over the fed dibits and writes the
   * first `nBits` decoded bits (MSB first) to `out`; the remaining
   * steps (the tail) are skipped.
   *
   * @param out The decoded bits; bits 0..nBits-1 are overwritten.
   * @param nBits How many bits to output, at most the number of dibits fed.
   * @throws {RangeError} If `nBits` exceeds the dibits fed or `out` is too
   * small.
   *
   * @example All-zero input decodes to zeros
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ViterbiDecoder } from "./convolution.ts";
   *
   * const viterbi = new ViterbiDecoder(12);
   * viterbi.start();
   * for (let i = 0; i < 12; i++) viterbi.decode(0, 0);
   * const out = new Uint8Array([0xff]);
   * viterbi.chainback(out, 8);
   * equal(out[0], 0);
   * ```
   */
  chainback(out: Uint8Array, nBits: number): void {
    if (nBits > this.#steps || out.length * 8 < nBits) {
      throw new RangeError(
        `Expected at most ${
          Math.min(this.#steps, out.length * 8)
        } bits to trace back, found ${nBits}`,
      );
    }
    let state = 0;
    let step = this.#steps;
    for (let bitIndex = nBits - 1; bitIndex >= 0; bitIndex--) {
      step--;
      const bit = (this.#decisions[step] >>> (state >>> 4)) & 1;
      state = (bit << 7) | (state >>> 1);
      writeBit(out, bitIndex, bit);
    }
  }

  /**
   * The path metric of the all-zero end state: how many received bits
   * differ from the re-encoded decoded path (the channel bit errors the
   * decoder corrected, if it decoded correctly). Like G4KLX, the decoder
   * does not assume the encoder started in state 0, so errors in the first
   * three dibits may be explained by another start state and not counted.
   *
   * @example One channel error
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ViterbiDecoder } from "./convolution.ts";
   *
   * const viterbi = new ViterbiDecoder(12);
   * viterbi.start();
   * for (let i = 0; i < 12; i++) viterbi.decode(0, i === 6 ? 1 : 0);
   * viterbi.chainback(new Uint8Array(1), 8);
   * equal(viterbi.errors, 1);
   * ```
   */
  get errors(): number {
    return this.#old[0];
  }

  /**
   * Runs a whole block: reads the received dibits from `air` at the
   * positions given by an interleaver table (see `interleave.ts`), decodes
   * them and writes the first `nBits` bits to `out`.
   *
   * @param air The interleaved received bits.
   * @param table The interleaver table; its length is the number of dibits.
   * @param out The decoded bits; bits 0..nBits-1 are overwritten.
   * @param nBits How many bits to output.
   * @param airOffset The byte of `air` where the interleaved block starts,
   * default 0.
   * @returns {@link ViterbiDecoder.errors} of this block.
   *
   * @example Decoding an interleaved block
   * ```ts
   * import { deepEqual, equal } from "node:assert/strict";
   * import { convolutionalEncode, ViterbiDecoder } from "./convolution.ts";
   * import { interleave, INTERLEAVE_100 } from "./interleave.ts";
   *
   * const data = Uint8Array.from({ length: 13 }, (_, i) => (i < 12 ? i * 21 : 0));
   * const coded = new Uint8Array(25);
   * convolutionalEncode(data, coded, 100);
   * const air = new Uint8Array(25);
   * interleave(coded, air, INTERLEAVE_100);
   * const out = new Uint8Array(12);
   * equal(new ViterbiDecoder(100).decodeInterleaved(air, INTERLEAVE_100, out, 96), 0);
   * deepEqual(out, data.subarray(0, 12));
   * ```
   */
  decodeInterleaved(
    air: Uint8Array,
    table: Uint16Array,
    out: Uint8Array,
    nBits: number,
    airOffset = 0,
  ): number {
    this.start();
    const base = airOffset * 8;
    for (let i = 0; i < table.length; i++) {
      const n = base + table[i];
      this.decode(readBit(air, n), readBit(air, n + 1));
    }
    this.chainback(out, nBits);
    return this.errors;
  }
}
