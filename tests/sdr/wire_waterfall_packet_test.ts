import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { decode } from "cborg";
import fc from "fast-check";
import { Waterfall } from "../../lib/sdr/waterfall.ts";
import {
  decodeWaterfallPacket,
  encodeWaterfallPacket,
  MAX_WATERFALL_DATA_BYTES,
  MAX_WATERFALL_MESSAGE_BYTES,
  MAX_WATERFALL_PACKET_BYTES,
  MAX_WATERFALL_SIZE,
} from "../../lib/sdr/wire/waterfall_packet.ts";
import { WireFormatError } from "../../lib/sdr/wire/wire_format_error.ts";

Deno.test("encodeWaterfallPacket() decodes with cborg to PhantomSDR's map", () => {
  const data = Int8Array.of(-128, -60, 0, 5, 127);
  const bytes = encodeWaterfallPacket({
    frameNum: 123456,
    l: 4096,
    r: 4101,
    data,
  });
  const decoded = decode(bytes) as Record<string, unknown>;
  // nlohmann::json's std::map writes the keys sorted.
  deepEqual(Object.keys(decoded), ["data", "frame_num", "l", "r"]);
  deepEqual(decoded.data, Uint8Array.of(0x80, 0xc4, 0, 5, 0x7f));
  equal(decoded.frame_num, 123456);
  equal(decoded.l, 4096);
  equal(decoded.r, 4101);
});

Deno.test("encodeWaterfallPacket() writes data as a plain byte string, not a typed-array tag", () => {
  const bytes = encodeWaterfallPacket({
    frameNum: 0,
    l: 0,
    r: 300,
    data: new Int8Array(300).fill(-1),
  });
  // a4, "data" (64 64 61 74 61), then major type 2 with a 2-byte length.
  deepEqual([...bytes.subarray(0, 9)], [
    0xa4,
    0x64,
    0x64,
    0x61,
    0x74,
    0x61,
    0x59,
    0x01,
    0x2c,
  ]);
  // A Uint8Array gives the same bytes (no tag for either element type).
  deepEqual(
    encodeWaterfallPacket({
      frameNum: 0,
      l: 0,
      r: 300,
      data: new Uint8Array(300).fill(255),
    }),
    bytes,
  );
});

Deno.test("encodeWaterfallPacket() uses the shortest integer heads", () => {
  const cases: [number, number[]][] = [
    [23, [0x17]],
    [24, [0x18, 24]],
    [255, [0x18, 255]],
    [256, [0x19, 1, 0]],
    [65535, [0x19, 255, 255]],
    [65536, [0x1a, 0, 1, 0, 0]],
    [2 ** 32 - 1, [0x1a, 255, 255, 255, 255]],
    [2 ** 32, [0x1b, 0, 0, 0, 1, 0, 0, 0, 0]],
    [Number.MAX_SAFE_INTEGER, [0x1b, 0, 0x1f, 255, 255, 255, 255, 255, 255]],
  ];
  for (const [frameNum, head] of cases) {
    const bytes = encodeWaterfallPacket({
      frameNum,
      l: 0,
      r: 1,
      data: Int8Array.of(0),
    });
    // a4 "data" 41 00 "frame_num" <head>
    const at = 1 + 5 + 2 + 10;
    deepEqual(
      [...bytes.subarray(at, at + head.length)],
      head,
      `frame_num ${frameNum}`,
    );
    const decoded = decode(bytes) as Record<string, unknown>;
    equal(Number(decoded.frame_num), frameNum);
    equal(decodeWaterfallPacket(bytes).frameNum, frameNum);
  }
});

Deno.test("encodeWaterfallPacket() stays within 32 KiB minus zstd's 9 bytes at the largest data", () => {
  equal(MAX_WATERFALL_PACKET_BYTES, MAX_WATERFALL_MESSAGE_BYTES - 9);
  const bytes = encodeWaterfallPacket({
    frameNum: Number.MAX_SAFE_INTEGER,
    l: 2 ** 31,
    r: 2 ** 32 - 1,
    data: new Int8Array(MAX_WATERFALL_DATA_BYTES),
  });
  equal(bytes.length, MAX_WATERFALL_PACKET_BYTES);
  ok(2 * MAX_WATERFALL_SIZE - 1 <= MAX_WATERFALL_DATA_BYTES);
  ok(2 * (MAX_WATERFALL_SIZE + 1) - 1 > MAX_WATERFALL_DATA_BYTES);
});

Deno.test("encodeWaterfallPacket() rejects over-long data and bad numbers", () => {
  throws(
    () =>
      encodeWaterfallPacket({
        frameNum: 0,
        l: 0,
        r: 1,
        data: new Int8Array(MAX_WATERFALL_DATA_BYTES + 1),
      }),
    RangeError,
  );
  throws(
    () =>
      encodeWaterfallPacket({
        frameNum: -1,
        l: 0,
        r: 1,
        data: new Int8Array(1),
      }),
    RangeError,
  );
  throws(
    () =>
      encodeWaterfallPacket({
        frameNum: 0.5,
        l: 0,
        r: 1,
        data: new Int8Array(1),
      }),
    RangeError,
  );
  throws(
    () =>
      encodeWaterfallPacket({
        frameNum: 0,
        l: NaN,
        r: 1,
        data: new Int8Array(1),
      }),
    RangeError,
  );
  throws(
    () =>
      encodeWaterfallPacket({
        frameNum: 0,
        l: -1,
        r: 1,
        data: new Int8Array(1),
      }),
    RangeError,
  );
  throws(
    () =>
      encodeWaterfallPacket({
        frameNum: 0,
        l: 0,
        r: 2 ** 32,
        data: new Int8Array(1),
      }),
    RangeError,
  );
});

Deno.test("encodeWaterfallPacket() round-trips random lines (property)", () => {
  fc.assert(
    fc.property(
      fc.nat({ max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.integer({ min: 0, max: 2 ** 23 }),
      fc.int8Array({ maxLength: 3000 }),
      (frameNum, l, r, data) => {
        const decoded = decodeWaterfallPacket(
          encodeWaterfallPacket({ frameNum, l, r, data }),
        );
        deepEqual(decoded, { frameNum, l, r, data });
      },
    ),
    { seed: 0x5eed, numRuns: 300 },
  );
});

Deno.test("encodeWaterfallPacket() carries a real Waterfall level slice with level-0 bins", () => {
  const waterfall = new Waterfall({
    fftSize: 4096,
    signal: "iq",
    waterfallSize: 256,
  });
  const spectrum = new Float32Array(2 * 4096);
  for (let k = 0; k < 4096; k++) spectrum[2 * k] = 1e-4 * (1 + (k % 7));
  waterfall.update(spectrum);
  const level = 2;
  const [lLevel, rLevel] = [100, 400];
  const data = waterfall.levelData(level).subarray(lLevel, rLevel);
  const decoded = decodeWaterfallPacket(
    encodeWaterfallPacket({
      frameNum: 9,
      l: lLevel << level,
      r: rLevel << level,
      data,
    }),
  );
  equal(decoded.l, 400);
  equal(decoded.r, 1600);
  deepEqual([...decoded.data], [...data]);
});

Deno.test("decodeWaterfallPacket() rejects what is not a waterfall packet", () => {
  const bad: Uint8Array[] = [
    new Uint8Array(0),
    Uint8Array.of(0x80), // empty array
    Uint8Array.of(0xa0), // empty map: no data
    Uint8Array.of(0xa1, 0x64, 0x64, 0x61, 0x74, 0x61, 0x61, 0x78), // data: "x"
    Uint8Array.of(0xff),
  ];
  const good = encodeWaterfallPacket({
    frameNum: 1,
    l: 0,
    r: 2,
    data: Int8Array.of(1, 2),
  });
  bad.push(new Uint8Array([...good, 0x00])); // trailing bytes
  bad.push(good.subarray(0, good.length - 1)); // truncated
  for (const bytes of bad) {
    throws(
      () => decodeWaterfallPacket(bytes),
      WireFormatError,
      `bytes ${[...bytes]}`,
    );
  }
});
