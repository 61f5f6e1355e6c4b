import { equal, notEqual, throws } from "node:assert/strict";
import {
  golay24Decode,
  golay24DecodeStrict,
  golay24Encode,
} from "../../lib/ysf/golay24.ts";
import { noVectors, prng, vectors } from "./_vectors.ts";

function popcount(x: number): number {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
}

/** Sample data words: the vector ones plus seeded random ones. */
const SAMPLES: number[] = (() => {
  const next = prng(24128);
  const words = [0, 1, 2, 0x555, 0xaaa, 0xfff, 0x123];
  for (let i = 0; i < 9; i++) words.push(Math.floor(next() * 4096));
  return words;
})();

/** Every error pattern of `weight` bits over 24 bits. */
function* patterns(weight: number, from = 0): Generator<number> {
  if (weight === 0) {
    yield 0;
    return;
  }
  for (let bit = from; bit < 24; bit++) {
    for (const rest of patterns(weight - 1, bit + 1)) yield (1 << bit) | rest;
  }
}

Deno.test({
  name: "golay24Encode() matches every known answer of the shared vectors",
  ignore: noVectors,
  fn() {
    for (const v of vectors!.golay24) {
      equal(golay24Encode(v.data12), parseInt(v.code24_hex, 16), `${v.data12}`);
      equal(golay24Decode(parseInt(v.code24_hex, 16)), v.data12);
    }
  },
});

Deno.test("golay24Encode() gives the reference answers and an extended code of distance 8", () => {
  equal(golay24Encode(1), 0x0018eb);
  equal(golay24Encode(2), 0x00293e);
  for (let data = 0; data < 4096; data++) {
    const code = golay24Encode(data);
    equal(code >>> 12, data, "systematic: data in the top 12 bits");
    equal(popcount(code) % 2, 0, "even overall parity");
    if (data !== 0) equal(popcount(code) >= 8, true, `weight of ${data}`);
    equal(golay24Decode(code), data);
    equal(golay24DecodeStrict(code), data);
  }
});

Deno.test("golay24Encode() rejects data outside 12 bits", () => {
  throws(() => golay24Encode(4096), RangeError);
  throws(() => golay24Encode(-1), RangeError);
  throws(() => golay24Encode(1.5), RangeError);
});

Deno.test("golay24Decode() corrects every 1-, 2- and 3-bit error pattern on sample codewords", () => {
  let checked = 0;
  for (const data of SAMPLES) {
    const code = golay24Encode(data);
    for (let weight = 1; weight <= 3; weight++) {
      for (const error of patterns(weight)) {
        equal(golay24Decode(code ^ error), data);
        equal(golay24DecodeStrict(code ^ error), data);
        checked++;
      }
    }
  }
  equal(checked, SAMPLES.length * (24 + 276 + 2024));
});

Deno.test("golay24DecodeStrict() reports every 4-bit error pattern; golay24Decode() never silently returns the original unless the parity bit was hit", () => {
  for (const data of SAMPLES) {
    const code = golay24Encode(data);
    let count = 0;
    for (const error of patterns(4)) {
      equal(golay24DecodeStrict(code ^ error), -1);
      const decoded = golay24Decode(code ^ error);
      if ((error & 1) === 0) {
        // 4 errors in the 23-bit part: the perfect code decodes to another word.
        notEqual(decoded, data);
      } else {
        // 3 errors in the 23-bit part + the ignored parity bit.
        equal(decoded, data);
      }
      count++;
    }
    equal(count, 10626);
  }
});

Deno.test("golay24Decode() ignores bits above bit 23", () => {
  equal(golay24Decode(golay24Encode(0x5a5) | 0x7f000000), 0x5a5);
});
