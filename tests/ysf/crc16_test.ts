import { equal, throws } from "node:assert/strict";
import { addCrc16, checkCrc16, crc16 } from "../../lib/ysf/crc16.ts";
import { flipBit, hex, noVectors, vectors } from "./_vectors.ts";

Deno.test({
  name: "crc16() matches every known answer of the shared vectors",
  ignore: noVectors,
  fn() {
    for (const v of vectors!.crc16) {
      equal(crc16(hex(v.in_hex)).toString(16).padStart(4, "0"), v.crc);
    }
  },
});

Deno.test("crc16() is CRC-16/GSM: check value 0xCE3C, zeros give 0xFFFF", () => {
  equal(crc16(new TextEncoder().encode("123456789")), 0xce3c);
  equal(crc16(new Uint8Array(4)), 0xffff);
  equal(crc16(new Uint8Array(0)), 0xffff);
});

Deno.test("crc16() covers only the given range", () => {
  const data = new TextEncoder().encode("xx123456789yy");
  equal(crc16(data, 2, 11), 0xce3c);
  throws(() => crc16(data, 5, 20), RangeError);
  throws(() => crc16(data, -1, 3), RangeError);
  throws(() => crc16(data, 4, 3), RangeError);
});

Deno.test("addCrc16() stores the CRC high byte first and checkCrc16() accepts it", () => {
  const block = new Uint8Array([0xaa, 0x00, 0x36, 0x02, 0x00, 0, 0, 0xbb]);
  addCrc16(block, 1, 6);
  equal(block[5], 0xee);
  equal(block[6], 0x98);
  equal(block[0], 0xaa);
  equal(block[7], 0xbb);
  equal(checkCrc16(block, 1, 6), true);
});

Deno.test("checkCrc16() detects every single-bit and every two-bit error in a FICH block", () => {
  const block = new Uint8Array([0x24, 0x07, 0x02, 0x32, 0, 0]);
  addCrc16(block, 0, 6);
  for (let a = 0; a < 48; a++) {
    flipBit(block, a);
    equal(checkCrc16(block, 0, 6), false, `bit ${a}`);
    for (let b = a + 1; b < 48; b++) {
      flipBit(block, b);
      equal(checkCrc16(block, 0, 6), false, `bits ${a} ${b}`);
      flipBit(block, b);
    }
    flipBit(block, a);
  }
  equal(checkCrc16(block, 0, 6), true);
});

Deno.test("addCrc16() and checkCrc16() reject blocks shorter than the CRC", () => {
  throws(() => addCrc16(new Uint8Array(4), 0, 1), RangeError);
  throws(() => checkCrc16(new Uint8Array(4), 0, 1), RangeError);
});
