// The web client's CBOR decoder against the server's encoders and cborg.
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { encode } from "cborg";
import fc from "fast-check";
import { CborError, decodeCbor } from "../../lib/sdr/web/cbor.js";
import { encodeAudioPacket } from "../../lib/sdr/wire/audio_packet.ts";
import { encodeWaterfallPacket } from "../../lib/sdr/wire/waterfall_packet.ts";

Deno.test("decodeCbor() reads the server's waterfall and audio packets", () => {
  const data = Int8Array.from({ length: 1024 }, (_, i) => (i % 256) - 128);
  const line = decodeCbor(
    encodeWaterfallPacket({ frameNum: 123456789, l: 65536, r: 66560, data }),
  ) as Record<string, unknown>;
  equal(line.frame_num, 123456789);
  equal(line.l, 65536);
  equal(line.r, 66560);
  deepEqual(
    new Int8Array(
      (line.data as Uint8Array).buffer,
      (line.data as Uint8Array).byteOffset,
      1024,
    ),
    data,
  );
  const audio = decodeCbor(
    encodeAudioPacket({
      frameNum: 7,
      l: 0,
      m: 71936.25,
      r: 640,
      pwr: 1.2345e-7,
      data: Uint8Array.of(1, 2, 3),
      codec: "opus",
      channels: 2,
      samLocked: true,
    }),
  ) as Record<string, unknown>;
  deepEqual({ ...audio }, {
    channels: 2,
    codec: "opus",
    data: Uint8Array.of(1, 2, 3),
    frame_num: 7,
    l: 0,
    m: 71936.25,
    pwr: audio.pwr,
    r: 640,
    sam_locked: true,
  });
  ok(Math.abs((audio.pwr as number) - 1.2345e-7) < 1e-13);
});

Deno.test("decodeCbor() reads what cborg writes", () => {
  const value = fc.letrec((tie) => ({
    item: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
      fc.maxSafeNat(),
      fc.double({ noNaN: true }),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array({ maxLength: 64 }),
      fc.array(tie("item"), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 8 }), tie("item"), { maxKeys: 4 }),
    ),
  })).item;
  fc.assert(
    fc.property(value, (v) => {
      const decoded = decodeCbor(encode(v));
      deepEqual(
        JSON.parse(JSON.stringify(decoded, replacer)),
        JSON.parse(JSON.stringify(v, replacer)),
      );
    }),
    { seed: 31, numRuns: 400 },
  );
});

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: [...value] };
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  if (value === Infinity || value === -Infinity) return String(value);
  return value;
}

Deno.test("decodeCbor() reads half, single and double floats", () => {
  equal(decodeCbor(Uint8Array.of(0xf9, 0x3c, 0x00)), 1);
  equal(decodeCbor(Uint8Array.of(0xf9, 0xc4, 0x00)), -4);
  equal(decodeCbor(Uint8Array.of(0xf9, 0x00, 0x01)), 2 ** -24);
  equal(decodeCbor(Uint8Array.of(0xf9, 0x7c, 0x00)), Infinity);
  ok(Number.isNaN(decodeCbor(Uint8Array.of(0xf9, 0x7e, 0x00))));
  equal(decodeCbor(Uint8Array.of(0xfa, 0x47, 0xc3, 0x50, 0x00)), 100000);
  equal(
    decodeCbor(
      Uint8Array.of(0xfb, 0x3f, 0xf1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a),
    ),
    1.1,
  );
  // A tag is skipped: 1(1363896240) is the number.
  equal(
    decodeCbor(Uint8Array.of(0xc1, 0x1a, 0x51, 0x4b, 0x67, 0xb0)),
    1363896240,
  );
});

Deno.test("decodeCbor() refuses truncated, trailing, indefinite and odd data", () => {
  const bad: [string, number[]][] = [
    ["empty", []],
    ["truncated map", [0xa1, 0x61, 0x6c]],
    ["truncated bytes", [0x44, 1, 2]],
    ["trailing", [0x01, 0x02]],
    ["indefinite bytes", [0x5f, 0x41, 0x00, 0xff]],
    ["indefinite map", [0xbf, 0xff]],
    ["numeric key", [0xa1, 0x01, 0x02]],
    ["reserved info", [0x1c]],
    ["huge array", [0x9b, 0, 0, 0, 1, 0, 0, 0, 0]],
    ["bad utf-8", [0x61, 0xff]],
    ["deep nesting", Array(40).fill(0x81)],
  ];
  for (const [name, bytes] of bad) {
    throws(
      () => decodeCbor(Uint8Array.from(bytes)),
      (e: unknown) => e instanceof CborError,
      name,
    );
  }
  const error = (() => {
    try {
      decodeCbor(Uint8Array.of(0x44, 1));
    } catch (e) {
      return e as Error;
    }
  })();
  equal(error?.name, "CborError");
  equal(
    error?.message,
    "Expected 4 more bytes at offset 1, found the end of the data",
  );
});

Deno.test("decodeCbor() never throws anything but its own errors on random bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        decodeCbor(bytes);
      } catch (e) {
        ok(e instanceof CborError, String(e));
      }
    }),
    { seed: 41, numRuns: 2000 },
  );
});
