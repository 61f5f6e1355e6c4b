import { deepEqual, equal, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  convertSamples,
  parseSampleFormat,
  type SampleFormat,
  sampleFormatBytes,
  SampleStreamConverter,
} from "../../lib/sdr/sample_format.ts";
import { prng } from "./_signals.ts";

function convert(format: SampleFormat, bytes: number[]): number[] {
  const out = new Float32Array(bytes.length);
  const n = convertSamples(format, new Uint8Array(bytes), out);
  return [...out.subarray(0, n)];
}

Deno.test("parseSampleFormat() accepts the PhantomSDR names and aliases", () => {
  for (const name of ["u8", "s8", "u16", "s16", "f32", "f64"]) {
    equal(parseSampleFormat(name), name);
    equal(parseSampleFormat(name.toUpperCase()), name);
  }
  equal(parseSampleFormat("cs16"), "s16");
  equal(parseSampleFormat("CF32"), "f32");
  for (const bad of ["u32", "s32", "", "toString", "cu8"]) {
    throws(() => parseSampleFormat(bad), RangeError);
  }
  equal(sampleFormatBytes("f64"), 8);
  equal(sampleFormatBytes("u8"), 1);
});

Deno.test("convertSamples() maps u8 by flipping the top bit and dividing by 128", () => {
  deepEqual(convert("u8", [0, 1, 127, 128, 129, 255]), [
    -1,
    -127 / 128,
    -1 / 128,
    0,
    1 / 128,
    127 / 128,
  ]);
});

Deno.test("convertSamples() centres u8 on 127.5 with unsignedZero midpoint", () => {
  const out = new Float32Array(4);
  convertSamples("u8", new Uint8Array([0, 127, 128, 255]), out, 0, {
    unsignedZero: "midpoint",
  });
  deepEqual([...out], [-1, -0.5 / 127.5, 0.5 / 127.5, 1].map(Math.fround));
});

Deno.test("convertSamples() maps s8 as two's complement over 128", () => {
  deepEqual(convert("s8", [0x00, 0x01, 0x7f, 0x80, 0xff]), [
    0,
    1 / 128,
    127 / 128,
    -1,
    -1 / 128,
  ]);
});

Deno.test("convertSamples() reads u16 little-endian, offset binary over 32768", () => {
  deepEqual(convert("u16", [0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0x34, 0x12]), [
    -1,
    0,
    32767 / 32768,
    (0x1234 - 32768) / 32768,
  ]);
  const out = new Float32Array(1);
  convertSamples("u16", new Uint8Array([0xff, 0xff]), out, 0, {
    unsignedZero: "midpoint",
  });
  equal(out[0], 1);
});

Deno.test("convertSamples() reads s16 little-endian over 32768", () => {
  deepEqual(convert("s16", [0x00, 0x40, 0x00, 0x80, 0xff, 0x7f, 0xff, 0xff]), [
    0.5,
    -1,
    32767 / 32768,
    -1 / 32768,
  ]);
});

Deno.test("convertSamples() reads s16 from an odd byte offset", () => {
  const buffer = new Uint8Array([0xaa, 0x00, 0x40, 0x00, 0xc0, 0xbb]);
  const out = new Float32Array(2);
  equal(convertSamples("s16", buffer.subarray(1, 5), out), 2);
  deepEqual([...out], [0.5, -0.5]);
});

Deno.test("convertSamples() passes f32 and f64 through and zeroes non-finite values", () => {
  const f32 = new DataView(new ArrayBuffer(20));
  [1.5, -0.25, 3.4e38, NaN, -Infinity].forEach((v, i) =>
    f32.setFloat32(4 * i, v, true)
  );
  const out = new Float32Array(5);
  convertSamples("f32", new Uint8Array(f32.buffer), out);
  deepEqual([...out], [1.5, -0.25, Math.fround(3.4e38), 0, 0]);

  const f64 = new DataView(new ArrayBuffer(24));
  [0.1, 1e300, -2].forEach((v, i) => f64.setFloat64(8 * i, v, true));
  const converter = new SampleStreamConverter("f64");
  const out64 = new Float32Array(3);
  equal(converter.push(new Uint8Array(f64.buffer), out64), 3);
  deepEqual([...out64], [Math.fround(0.1), 0, -2]);
  equal(converter.nonFiniteCount, 1);
});

Deno.test("convertSamples() ignores a trailing partial value and checks room", () => {
  const out = new Float32Array(2);
  equal(convertSamples("s16", new Uint8Array([0, 0x40, 0, 0xc0, 7]), out), 2);
  throws(
    () => convertSamples("s16", new Uint8Array(6), new Float32Array(2)),
    RangeError,
  );
  throws(
    () => convertSamples("u8", new Uint8Array(2), new Float32Array(2), 1),
    RangeError,
  );
});

Deno.test("SampleStreamConverter.push() keeps an IQ sample split across chunks", () => {
  // u8 IQ: (255, 0) split after the I byte.
  const converter = new SampleStreamConverter("u8", { signal: "iq" });
  const out = new Float32Array(4);
  equal(converter.push(new Uint8Array([128, 0, 255]), out), 2);
  deepEqual([...out.subarray(0, 2)], [0, -1]);
  equal(converter.pendingBytes, 1);
  equal(converter.outputLength(1), 2);
  equal(converter.push(new Uint8Array([0]), out), 2);
  deepEqual([...out.subarray(0, 2)], [127 / 128, -1]);
  equal(converter.pendingBytes, 0);
});

Deno.test("SampleStreamConverter.push() keeps a split f32 value across three chunks", () => {
  const bytes = new Uint8Array(new Float32Array([0.75, -3]).buffer);
  const converter = new SampleStreamConverter("f32", { signal: "iq" });
  const out = new Float32Array(2);
  equal(converter.push(bytes.subarray(0, 3), out), 0);
  equal(converter.push(bytes.subarray(3, 6), out), 0);
  equal(converter.pendingBytes, 6);
  equal(converter.push(bytes.subarray(6), out), 2);
  deepEqual([...out], [0.75, -3]);
});

Deno.test("SampleStreamConverter.push() consumes nothing when out is too short", () => {
  const converter = new SampleStreamConverter("s16");
  const out = new Float32Array(1);
  equal(converter.push(new Uint8Array([0, 0x40, 1]), out), 1);
  equal(converter.pendingBytes, 1);
  throws(
    () => converter.push(new Uint8Array([0x00, 0, 0x20]), out),
    RangeError,
  );
  equal(converter.pendingBytes, 1);
  equal(converter.push(new Uint8Array([0x00]), out), 1);
  equal(out[0], 1 / 32768); // the held 0x01 then 0x00: 0x0001 little-endian
});

Deno.test("SampleStreamConverter.reset() drops a held partial sample", () => {
  const converter = new SampleStreamConverter("s16");
  const out = new Float32Array(1);
  converter.push(new Uint8Array([0x12]), out);
  converter.reset();
  equal(converter.pendingBytes, 0);
  equal(converter.push(new Uint8Array([0x00, 0x40]), out), 1);
  equal(out[0], 0.5);
});

Deno.test("SampleStreamConverter.push() matches one-shot conversion for any chunking", () => {
  const formats: SampleFormat[] = ["u8", "s8", "u16", "s16", "f32", "f64"];
  const next = prng(7);
  const streams = new Map<SampleFormat, Uint8Array>();
  for (const format of formats) {
    const size = sampleFormatBytes(format);
    const bytes = new Uint8Array(size * 2 * 40);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < bytes.length / size; i++) {
      if (format === "f32") view.setFloat32(4 * i, 2 * next() - 1, true);
      else if (format === "f64") view.setFloat64(8 * i, 2 * next() - 1, true);
      else for (let b = 0; b < size; b++) bytes[i * size + b] = next() * 256;
    }
    streams.set(format, bytes);
  }
  fc.assert(
    fc.property(
      fc.constantFrom(...formats),
      fc.constantFrom("real" as const, "iq" as const),
      fc.array(fc.integer({ min: 1, max: 19 }), {
        minLength: 1,
        maxLength: 40,
      }),
      (format, signal, cuts) => {
        const bytes = streams.get(format)!;
        const expected = new Float32Array(bytes.length);
        const n = convertSamples(format, bytes, expected);
        const converter = new SampleStreamConverter(format, { signal });
        const got = new Float32Array(n);
        let written = 0;
        let at = 0;
        let c = 0;
        while (at < bytes.length) {
          const end = Math.min(bytes.length, at + cuts[c++ % cuts.length]);
          const chunk = bytes.subarray(at, end);
          const floats = converter.push(chunk, got, written);
          if (floats % (signal === "iq" ? 2 : 1) !== 0) return false;
          written += floats;
          at = end;
        }
        deepEqual(got.subarray(0, written), expected.subarray(0, n));
        return written === n && converter.pendingBytes === 0;
      },
    ),
    { seed: 20260121, numRuns: 300 },
  );
});
