/**
 * The extended Golay (24,12) code of the YSF FICH: 12 data bits in the top
 * bits, 11 parity bits of the cyclic (23,12) code with generator 0xC75, then
 * one overall even-parity bit. Decoding corrects up to 3 bit errors through a
 * syndrome table on the 23-bit part, like G4KLX `CGolay24128::decode24128`.
 *
 * @module
 */

/** Generator polynomial of the (23,12) Golay code: x^11+x^10+x^6+x^5+x^4+x^2+1. */
const GENERATOR = 0xc75;

/** `PARITY11[d]` = remainder of d(x)·x^11 divided by the generator. */
const PARITY11: Uint16Array = buildParity11();

/** `ENCODE24[d]` = the 24-bit codeword of the 12-bit data word d. */
const ENCODE24: Uint32Array = buildEncode24();

/** `ERROR23[syndrome]` = the error pattern of weight <= 3 with that syndrome. */
const ERROR23: Uint32Array = buildError23();

function buildParity11(): Uint16Array {
  const table = new Uint16Array(4096);
  for (let data = 0; data < 4096; data++) {
    let rem = data << 11;
    for (let bit = 22; bit >= 11; bit--) {
      if ((rem & (1 << bit)) !== 0) rem ^= GENERATOR << (bit - 11);
    }
    table[data] = rem;
  }
  return table;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function buildEncode24(): Uint32Array {
  const table = new Uint32Array(4096);
  for (let data = 0; data < 4096; data++) {
    const code23 = (data << 11) | PARITY11[data];
    table[data] = (code23 << 1) | (popcount(code23) & 1);
  }
  return table;
}

function syndrome23(code23: number): number {
  return (code23 & 0x7ff) ^ PARITY11[(code23 >>> 11) & 0xfff];
}

function buildError23(): Uint32Array {
  const table = new Uint32Array(2048);
  // The (23,12) code is perfect: the 1 + 23 + 253 + 1771 = 2048 patterns of
  // weight <= 3 have distinct syndromes and fill the table exactly.
  for (let a = 0; a < 23; a++) {
    const ea = 1 << a;
    table[syndrome23(ea)] = ea;
    for (let b = a + 1; b < 23; b++) {
      const eb = ea | (1 << b);
      table[syndrome23(eb)] = eb;
      for (let c = b + 1; c < 23; c++) {
        const ec = eb | (1 << c);
        table[syndrome23(ec)] = ec;
      }
    }
  }
  return table;
}

/**
 * Encodes 12 data bits into a 24-bit extended Golay codeword.
 *
 * @param data The data word, 0..4095.
 * @returns The codeword, 0..0xFFFFFF.
 * @throws {RangeError} If `data` is not an integer in 0..4095.
 *
 * @example Known answers
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { golay24Encode } from "./golay24.ts";
 *
 * equal(golay24Encode(1), 0x0018eb);
 * equal(golay24Encode(2), 0x00293e);
 * ```
 */
export function golay24Encode(data: number): number {
  if (!Number.isInteger(data) || data < 0 || data > 0xfff) {
    throw new RangeError(`Expected a 12-bit data word, found ${data}`);
  }
  return ENCODE24[data];
}

/**
 * Decodes a 24-bit codeword into its 12 data bits, correcting up to 3 bit
 * errors in the first 23 bits and ignoring the parity bit, exactly like
 * G4KLX and pYSFReflector3. With 4 or more errors in the first 23 bits the
 * result is a wrong data word (the (23,12) code is perfect, so every input
 * decodes to some codeword); the FICH CRC catches that. Bits above bit 23 are ignored.
 *
 * @param code The received codeword.
 * @returns The data word, 0..4095.
 *
 * @example Correcting three bit errors
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { golay24Decode, golay24Encode } from "./golay24.ts";
 *
 * const code = golay24Encode(0x123);
 * equal(golay24Decode(code ^ 0b1000_0000_0100_0000_0000_0010), 0x123);
 * ```
 */
export function golay24Decode(code: number): number {
  const code23 = (code >>> 1) & 0x7fffff;
  return ((code23 ^ ERROR23[syndrome23(code23)]) >>> 11) & 0xfff;
}

/**
 * Decodes a 24-bit codeword using the parity bit as well: corrects up to 3
 * bit errors anywhere in the 24 bits and reports every 4-bit error pattern as
 * uncorrectable (-1) instead of returning a wrong data word.
 *
 * @param code The received codeword.
 * @returns The data word, 0..4095, or -1 if 4 errors were detected.
 *
 * @example Detecting four bit errors
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { golay24DecodeStrict, golay24Encode } from "./golay24.ts";
 *
 * const code = golay24Encode(0x123);
 * equal(golay24DecodeStrict(code ^ 0b111), 0x123);
 * equal(golay24DecodeStrict(code ^ 0b1111), -1);
 * ```
 */
export function golay24DecodeStrict(code: number): number {
  const code23 = (code >>> 1) & 0x7fffff;
  const error = ERROR23[syndrome23(code23)];
  const corrected23 = code23 ^ error;
  if (
    ((popcount(corrected23) + (code & 1)) & 1) !== 0 && popcount(error) === 3
  ) {
    return -1;
  }
  return (corrected23 >>> 11) & 0xfff;
}
