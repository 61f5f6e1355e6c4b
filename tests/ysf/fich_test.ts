import { deepEqual, equal, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  addCrc16,
  convolutionalEncode,
  decodeFich,
  decodeFichBytes,
  encodeFich,
  encodeFichBytes,
  type Fich,
  fichFromBytes,
  fichToBytes,
  golay24Encode,
  interleave,
  INTERLEAVE_100,
  setFichDgid,
  YSFD_FICH_OFFSET,
} from "../../lib/ysf/mod.ts";
import {
  flipBit,
  formatFich,
  hex,
  noVectors,
  prng,
  pysf3Samples,
  toHex,
  vectors,
} from "./_vectors.ts";

const fichArbitrary: fc.Arbitrary<Fich> = fc.record({
  fi: fc.integer({ min: 0, max: 3 }),
  cs: fc.integer({ min: 0, max: 3 }),
  cm: fc.integer({ min: 0, max: 3 }),
  bn: fc.integer({ min: 0, max: 3 }),
  bt: fc.integer({ min: 0, max: 3 }),
  fn: fc.integer({ min: 0, max: 7 }),
  ft: fc.integer({ min: 0, max: 7 }),
  dev: fc.boolean(),
  mr: fc.integer({ min: 0, max: 7 }),
  voip: fc.boolean(),
  dt: fc.integer({ min: 0, max: 3 }),
  sql: fc.boolean(),
  dgid: fc.integer({ min: 0, max: 127 }),
});

/** Encodes 6 raw bytes as they are (CRC not recomputed), independently of fich.ts. */
function encodeRaw6(raw: Uint8Array): Uint8Array {
  const words = [
    (raw[0] << 4) | (raw[1] >>> 4),
    ((raw[1] & 0xf) << 8) | raw[2],
    (raw[3] << 4) | (raw[4] >>> 4),
    ((raw[4] & 0xf) << 8) | raw[5],
  ];
  const conv = new Uint8Array(13);
  words.forEach((w, i) => {
    const c = golay24Encode(w);
    conv[3 * i] = c >>> 16;
    conv[3 * i + 1] = (c >>> 8) & 0xff;
    conv[3 * i + 2] = c & 0xff;
  });
  const coded = new Uint8Array(25);
  convolutionalEncode(conv, coded, 100);
  const field = new Uint8Array(25);
  interleave(coded, field, INTERLEAVE_100);
  return field;
}

Deno.test({
  name: "decodeFich() and encodeFich() match every FICH of the shared vectors",
  ignore: noVectors,
  fn() {
    for (const v of vectors!.fich) {
      const field = hex(v.fich25_hex);
      const raw = new Uint8Array(6);
      equal(decodeFichBytes(field, raw, 0), true);
      equal(toHex(raw), v.raw6_hex);
      const fich = decodeFich(field, 0)!;
      equal(formatFich(fich), v.fields);
      const encoded = new Uint8Array(25);
      encodeFich(fich, encoded, 0);
      equal(toHex(encoded), v.fich25_hex);
      const fromRaw = new Uint8Array(25);
      encodeFichBytes(hex(v.raw6_hex), fromRaw, 0);
      equal(toHex(fromRaw), v.fich25_hex);
    }
  },
});

Deno.test({
  name:
    "decodeFich() reads the FICH of every YSFD of the shared vectors at offset 40",
  ignore: noVectors,
  fn() {
    for (const v of vectors!.packets) {
      const packet = hex(v.ysfd155_hex);
      equal(formatFich(decodeFich(packet)!), v.fields);
      const reencoded = packet.slice();
      encodeFich(decodeFich(packet)!, reencoded);
      equal(toHex(reencoded), v.ysfd155_hex);
    }
  },
});

Deno.test("decodeFich() decodes and re-encodes bit-exactly the captured pYSFReflector3 frames", () => {
  for (const sample of pysf3Samples) {
    const packet = hex(sample.ysfd155_hex);
    const raw = new Uint8Array(6);
    equal(decodeFichBytes(packet, raw), true, sample.source);
    const reencoded = packet.slice();
    encodeFichBytes(raw, reencoded);
    equal(toHex(reencoded), sample.ysfd155_hex, sample.source);
    // Also through the air-frame offset.
    deepEqual(decodeFich(packet.subarray(35), 5), decodeFich(packet));
  }
});

Deno.test("encodeFich() then decodeFich() round-trips random FICH fields", () => {
  const field = new Uint8Array(155);
  fc.assert(
    fc.property(fichArbitrary, (fich) => {
      encodeFich(fich, field);
      deepEqual(decodeFich(field), fich);
      deepEqual(fichFromBytes(fichToBytes(fich)), fich);
    }),
    { seed: 0x5f1c, numRuns: 2000 },
  );
});

Deno.test("encodeFichBytes() writes only the 25 FICH bytes", () => {
  const packet = new Uint8Array(155).fill(0xa5);
  encodeFichBytes(new Uint8Array([0x20, 0x06, 0x02, 0x00]), packet);
  equal(packet.subarray(0, YSFD_FICH_OFFSET).every((b) => b === 0xa5), true);
  equal(packet.subarray(YSFD_FICH_OFFSET + 25).every((b) => b === 0xa5), true);
});

Deno.test("decodeFich() corrects every single and double channel bit error", () => {
  // Golay (24,12) after the Viterbi also repairs the double errors in the
  // first dibits that the Viterbi alone may miss.
  const next = prng(31);
  const samples: Fich[] = [{
    fi: 0,
    cs: 2,
    cm: 1,
    bn: 0,
    bt: 0,
    fn: 0,
    ft: 7,
    dev: false,
    mr: 0,
    voip: false,
    dt: 2,
    sql: false,
    dgid: 50,
  }];
  for (let i = 0; i < 4; i++) {
    samples.push(
      fichFromBytes(
        Uint8Array.from({ length: 4 }, () => Math.floor(next() * 256)),
      ),
    );
  }
  const raw = new Uint8Array(6);
  for (const fich of samples) {
    const field = new Uint8Array(25);
    encodeFich(fich, field, 0);
    const expected = fichToBytes(fich);
    const decodes = () =>
      decodeFichBytes(field, raw, 0) && raw[0] === expected[0] &&
      raw[1] === expected[1] && raw[2] === expected[2] &&
      raw[3] === expected[3];
    for (let a = 0; a < 200; a++) {
      flipBit(field, a);
      equal(decodes(), true, `bit ${a}`);
      for (let b = a + 1; b < 200; b++) {
        flipBit(field, b);
        equal(decodes(), true, `bits ${a} ${b}`);
        flipBit(field, b);
      }
      flipBit(field, a);
    }
    deepEqual(decodeFich(field, 0), fich);
  }
});

Deno.test("decodeFich() corrects nearly all random triple errors and never returns wrong fields at 3 % bit errors", () => {
  const next = prng(2024);
  const raw = new Uint8Array(6);
  let tripleFailures = 0;
  let wrong = 0;
  for (let trial = 0; trial < 4000; trial++) {
    const fich = fichFromBytes(
      Uint8Array.from({ length: 4 }, () => Math.floor(next() * 256)),
    );
    const field = new Uint8Array(25);
    encodeFich(fich, field, 0);
    const bits = new Set<number>();
    while (bits.size < 3) bits.add(Math.floor(next() * 200));
    for (const bit of bits) flipBit(field, bit);
    const decoded = decodeFich(field, 0);
    if (decoded === undefined) tripleFailures++;
    else if (formatFich(decoded) !== formatFich(fich)) wrong++;
    // 3 more errors (6 in 200 bits): may fail, must not lie often.
    for (let i = 0; i < 3; i++) flipBit(field, Math.floor(next() * 200));
    if (decodeFichBytes(field, raw, 0)) {
      if (formatFich(fichFromBytes(raw)) !== formatFich(fich)) wrong++;
    }
  }
  // Exhaustively, 153 of the 1,313,400 triple patterns are not corrected.
  equal(tripleFailures <= 4, true, `${tripleFailures} triple failures`);
  equal(wrong, 0);
});

Deno.test("decodeFich() detects a bad CRC and decodeFichBytes() still returns the bytes", () => {
  const raw = new Uint8Array([0x60, 0x1f, 0x00, 0x89, 0, 0]);
  addCrc16(raw, 0, 6);
  equal(decodeFich(encodeRaw6(raw), 0)?.dgid, 9);
  raw[5] ^= 0x01;
  const field = encodeRaw6(raw);
  equal(decodeFich(field, 0), undefined);
  const out = new Uint8Array(6);
  equal(decodeFichBytes(field, out, 0), false);
  deepEqual(out, raw);
  equal(decodeFich(new Uint8Array(25), 0), undefined);
});

Deno.test("decodeFich() rejects garbage: seeded random fields almost never pass the CRC", () => {
  const next = prng(99);
  let passed = 0;
  for (let i = 0; i < 5000; i++) {
    const field = Uint8Array.from(
      { length: 25 },
      () => Math.floor(next() * 256),
    );
    if (decodeFich(field, 0) !== undefined) passed++;
  }
  equal(passed <= 2, true, `${passed} random fields passed`);
});

Deno.test("fichToBytes() packs fields at the documented bit positions and rejects out-of-range values", () => {
  const base: Fich = {
    fi: 0,
    cs: 0,
    cm: 0,
    bn: 0,
    bt: 0,
    fn: 0,
    ft: 0,
    dev: false,
    mr: 0,
    voip: false,
    dt: 0,
    sql: false,
    dgid: 0,
  };
  deepEqual([...fichToBytes({ ...base, fi: 3 })], [0xc0, 0, 0, 0]);
  deepEqual([...fichToBytes({ ...base, cs: 3 })], [0x30, 0, 0, 0]);
  deepEqual([...fichToBytes({ ...base, cm: 3 })], [0x0c, 0, 0, 0]);
  deepEqual([...fichToBytes({ ...base, bn: 3 })], [0x03, 0, 0, 0]);
  deepEqual([...fichToBytes({ ...base, bt: 3 })], [0, 0xc0, 0, 0]);
  deepEqual([...fichToBytes({ ...base, fn: 7 })], [0, 0x38, 0, 0]);
  deepEqual([...fichToBytes({ ...base, ft: 7 })], [0, 0x07, 0, 0]);
  deepEqual([...fichToBytes({ ...base, dev: true })], [0, 0, 0x40, 0]);
  deepEqual([...fichToBytes({ ...base, mr: 7 })], [0, 0, 0x38, 0]);
  deepEqual([...fichToBytes({ ...base, voip: true })], [0, 0, 0x04, 0]);
  deepEqual([...fichToBytes({ ...base, dt: 3 })], [0, 0, 0x03, 0]);
  deepEqual([...fichToBytes({ ...base, sql: true })], [0, 0, 0, 0x80]);
  deepEqual([...fichToBytes({ ...base, dgid: 127 })], [0, 0, 0, 0x7f]);
  throws(() => fichToBytes({ ...base, dgid: 128 }), RangeError);
  throws(() => fichToBytes({ ...base, fi: 4 }), RangeError);
  throws(() => fichToBytes({ ...base, fn: -1 }), RangeError);
  throws(() => fichToBytes({ ...base, ft: 2.5 }), RangeError);
});

Deno.test("decodeFichBytes() and encodeFichBytes() refuse buffers without 25 bytes at the offset", () => {
  throws(() => decodeFich(new Uint8Array(64)), RangeError);
  throws(
    () => decodeFichBytes(new Uint8Array(25), new Uint8Array(5), 0),
    RangeError,
  );
  throws(
    () => encodeFichBytes(new Uint8Array(4), new Uint8Array(30), 10),
    RangeError,
  );
  throws(
    () => encodeFichBytes(new Uint8Array(3), new Uint8Array(25), 0),
    RangeError,
  );
});

Deno.test("setFichDgid() changes only the DG-ID and keeps SQL and the reserved bit", () => {
  const packet = new Uint8Array(155);
  encodeFichBytes(new Uint8Array([0x60, 0x1f, 0x80, 0x89]), packet);
  equal(setFichDgid(packet, 50), true);
  const raw = new Uint8Array(6);
  equal(decodeFichBytes(packet, raw), true);
  deepEqual([...raw.subarray(0, 4)], [0x60, 0x1f, 0x80, 0x80 | 50]);
  throws(() => setFichDgid(packet, 128), RangeError);
});

Deno.test("setFichDgid() leaves an undecodable FICH untouched", () => {
  const packet = new Uint8Array(155).fill(0x33);
  equal(setFichDgid(packet, 9), false);
  equal(packet.every((b) => b === 0x33), true);
});

Deno.test("setFichDgid() repairs channel bit errors while rewriting", () => {
  const next = prng(3);
  for (let trial = 0; trial < 200; trial++) {
    const fich = fichFromBytes(
      Uint8Array.from({ length: 4 }, () => Math.floor(next() * 256)),
    );
    const packet = new Uint8Array(155);
    encodeFich(fich, packet);
    flipBit(packet, YSFD_FICH_OFFSET * 8 + Math.floor(next() * 200));
    equal(setFichDgid(packet, 42), true);
    const clean = new Uint8Array(155);
    encodeFich({ ...fich, dgid: 42 }, clean);
    deepEqual(packet, clean);
  }
});
