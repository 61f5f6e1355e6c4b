/**
 * The engine's pseudo-random generator: xoshiro128** (Blackman and Vigna)
 * over four 32-bit words, seeded through splitmix32. Its whole state is one
 * `Uint32Array(4)`, so it is saved in a snapshot and restored exactly; two
 * generators with the same seed give the same numbers on every platform
 * (only 32-bit integer arithmetic, no `Math.random`).
 *
 * @module
 */

/** The number of 32-bit words in a {@linkcode Prng} state. */
export const PRNG_STATE_WORDS = 4;

/** One splitmix32 step: a well-mixed 32-bit value from a 32-bit counter. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/**
 * A seeded xoshiro128** generator.
 *
 * @example Same seed, same numbers
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Prng } from "./prng.ts";
 *
 * const a = new Prng(42);
 * const b = new Prng(42);
 * equal(a.nextU32(), b.nextU32());
 * const x = a.nextFloat();
 * equal(x >= 0 && x < 1, true);
 * ```
 */
export class Prng {
  /**
   * The live state (4 words). A snapshot copies it; writing the saved words
   * back (`prng.state.set(saved)`) restores the sequence.
   */
  readonly state: Uint32Array;

  /**
   * Creates a generator from a seed.
   *
   * @param seed An integer from 0 to 2^32 − 1.
   * @throws {RangeError} If `seed` is not such an integer.
   *
   * @example Creating a generator
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Prng } from "./prng.ts";
   *
   * equal(new Prng(0).state.length, 4);
   * ```
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(
        `Expected a seed from 0 to 4294967295 but found ${seed}`,
      );
    }
    this.state = new Uint32Array(PRNG_STATE_WORDS);
    let counter = seed | 0;
    for (let i = 0; i < PRNG_STATE_WORDS; i++) {
      this.state[i] = splitmix32(counter);
      counter = (counter + 0x6d2b79f5) | 0;
    }
    // xoshiro must not start from all zeros (splitmix32 makes that
    // practically impossible, but be exact about it).
    if ((this.state[0] | this.state[1] | this.state[2] | this.state[3]) === 0) {
      this.state[0] = 1;
    }
  }

  /**
   * The next 32-bit unsigned integer.
   *
   * @returns An integer from 0 to 2^32 − 1.
   *
   * @example Drawing integers
   * ```ts
   * import { ok } from "node:assert/strict";
   * import { Prng } from "./prng.ts";
   *
   * const n = new Prng(7).nextU32();
   * ok(Number.isInteger(n) && n >= 0 && n <= 0xffffffff);
   * ```
   */
  nextU32(): number {
    const s = this.state;
    const s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /**
   * The next number in [0, 1), with 32 bits of resolution.
   *
   * @returns A number from 0 (inclusive) to 1 (exclusive).
   *
   * @example Drawing a float
   * ```ts
   * import { ok } from "node:assert/strict";
   * import { Prng } from "./prng.ts";
   *
   * const x = new Prng(3).nextFloat();
   * ok(x >= 0 && x < 1);
   * ```
   */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /**
   * The next number in [−1, 1): white noise with a flat spectrum.
   *
   * @returns A number from −1 (inclusive) to 1 (exclusive).
   *
   * @example Drawing a noise sample
   * ```ts
   * import { ok } from "node:assert/strict";
   * import { Prng } from "./prng.ts";
   *
   * const x = new Prng(3).nextBipolar();
   * ok(x >= -1 && x < 1);
   * ```
   */
  nextBipolar(): number {
    return this.nextU32() / 2147483648 - 1;
  }

  /**
   * Fills `out[start..end)` with the next white-noise samples in [−1, 1):
   * the same numbers as calling {@linkcode Prng.nextBipolar} that many
   * times, without a call per sample (the render path uses this).
   *
   * @param out The buffer.
   * @param start The first index.
   * @param end One past the last index.
   *
   * @example Same numbers as nextBipolar()
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { Prng } from "./prng.ts";
   *
   * const a = new Prng(5);
   * const b = new Prng(5);
   * const out = new Float64Array(3);
   * a.fillBipolar(out, 0, 3);
   * b.nextBipolar();
   * equal(out[1], b.nextBipolar());
   * ```
   */
  fillBipolar(out: Float64Array, start: number, end: number): void {
    const s = this.state;
    let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    for (let i = start; i < end; i++) {
      const m = Math.imul(s1, 5);
      const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = s1 << 9;
      const n2 = s2 ^ s0;
      const n3 = s3 ^ s1;
      s1 = s1 ^ n2;
      s0 = s0 ^ n3;
      s2 = n2 ^ t;
      s3 = (n3 << 11) | (n3 >>> 21);
      out[i] = result / 2147483648 - 1;
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
  }
}
