import { deepEqual, equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import { decodePacket } from "../../lib/audio/osc/decode.ts";
import { OscDecodeError } from "../../lib/audio/osc/decode_error.ts";
import {
  encodeBundle,
  encodeMessage,
  encodePacket,
} from "../../lib/audio/osc/encode.ts";
import { flattenPacket } from "../../lib/audio/osc/flatten.ts";
import {
  createBundle,
  createMessage,
  type OscArgument,
  type OscPacket,
  toOscArgument,
} from "../../lib/audio/osc/packet.ts";

function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  }
  return out;
}

function decodeError(bytes: Uint8Array): OscDecodeError {
  try {
    decodePacket(bytes);
  } catch (error) {
    if (error instanceof OscDecodeError) return error;
    throw error;
  }
  throw new Error("Expected an OscDecodeError, found a decoded packet");
}

Deno.test("encodeMessage() matches the OSC 1.0 specification's examples", () => {
  // The two worked examples of the OSC 1.0 specification.
  deepEqual(
    encodeMessage("/oscillator/4/frequency", [{ type: "f", value: 440 }]),
    hex(
      "2f6f7363 696c6c61 746f722f 342f6672 65717565 6e637900 2c660000 43dc0000",
    ),
  );
  deepEqual(
    encodeMessage("/foo", [1000, -1, "hello", { type: "f", value: 1.234 }, {
      type: "f",
      value: 5.678,
    }]),
    hex(
      "2f666f6f 00000000 2c696973 66660000 000003e8 ffffffff 68656c6c 6f000000 3f9df3b6 40b5b22d",
    ),
  );
});

Deno.test("decodePacket() reads the OSC 1.0 specification's example", () => {
  const packet = decodePacket(
    hex(
      "2f666f6f 00000000 2c696973 66660000 000003e8 ffffffff 68656c6c 6f000000 3f9df3b6 40b5b22d",
    ),
  );
  deepEqual(packet, {
    kind: "message",
    address: "/foo",
    args: [
      { type: "i", value: 1000 },
      { type: "i", value: -1 },
      { type: "s", value: "hello" },
      { type: "f", value: Math.fround(1.234) },
      { type: "f", value: Math.fround(5.678) },
    ],
  });
});

Deno.test("encodePacket() and decodePacket() round-trip every type tag", () => {
  const args: OscArgument[] = [
    { type: "i", value: -2147483648 },
    { type: "f", value: Math.fround(0.1) },
    { type: "s", value: "héllo wörld" },
    { type: "S", value: "sym" },
    { type: "b", value: new Uint8Array([1, 2, 3, 4, 5]) },
    { type: "h", value: -(2n ** 63n) },
    { type: "d", value: Math.PI },
    { type: "t", value: 2n ** 64n - 1n },
    { type: "T", value: true },
    { type: "F", value: false },
    { type: "N", value: null },
    { type: "I", value: Infinity },
    { type: "c", value: "€" },
    { type: "m", value: new Uint8Array([0, 0x90, 60, 100]) },
  ];
  const message = createMessage("/all/types", args);
  const bytes = encodePacket(message);
  equal(bytes.length % 4, 0);
  deepEqual(decodePacket(bytes), message);
});

Deno.test("decodePacket() reads nested bundles with their timetags", () => {
  const inner = createBundle(0x83aa7e81_00000000n, [
    createMessage("/gate/adsr", [0]),
  ]);
  const outer = createBundle(0x83aa7e80_80000000n, [
    createMessage("/mod/sine/freq", [{ type: "f", value: 220 }]),
    inner,
    createBundle(1n, []),
  ]);
  const bytes = encodeBundle(outer.timetag, outer.elements);
  const decoded = decodePacket(bytes);
  deepEqual(decoded, outer);
  deepEqual(
    flattenPacket(decoded).map((m) => [m.message.address, m.timetag]),
    [
      ["/mod/sine/freq", 0x83aa7e80_80000000n],
      ["/gate/adsr", 0x83aa7e81_00000000n],
    ],
  );
});

Deno.test("decodePacket() accepts a message without a type tag string", () => {
  deepEqual(decodePacket(hex("2f737461 74757300")), {
    kind: "message",
    address: "/status",
    args: [],
  });
});

Deno.test("decodePacket() enforces the size and depth limits", () => {
  let packet: OscPacket = createMessage("/x");
  for (let depth = 0; depth < 9; depth++) packet = createBundle(1n, [packet]);
  const deep = encodePacket(packet);
  throws(() => decodePacket(deep), {
    name: "OscDecodeError",
    message: "Expected bundles nested at most 8 deep, found deeper",
  });
  equal(decodePacket(deep, { maxDepth: 9 }).kind, "bundle");
  const big = encodeMessage("/blob", [new Uint8Array(2000)]);
  throws(() => decodePacket(big, { maxBytes: 1500 }), {
    name: "OscDecodeError",
    message: `Expected a packet of at most 1500 bytes, found ${big.length}`,
  });
});

Deno.test("decodePacket() rejects malformed packets with an OscDecodeError", () => {
  const valid = encodeMessage("/n_set", [1000, "freq", 440.5]);
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty", new Uint8Array(0), /found 0 bytes/],
    ["not aligned", valid.subarray(0, valid.length - 1), /multiple of 4/],
    ["truncated argument", valid.subarray(0, valid.length - 4), /float32/],
    ["no address slash", hex("666f6f00"), /starting with "\/"/],
    ["no NUL", hex("2f616263"), /NUL-terminated address/],
    ["bad type tag start", hex("2f610000 78690000"), /starting with ","/],
    ["unknown type tag", hex("2f610000 2c7a0000"), /found "z"/],
    ["array tag", hex("2f610000 2c5b5d00"), /found "\["/],
    ["trailing bytes", hex("2f610000 2c000000 00000000"), /4 more bytes/],
    ["invalid UTF-8", hex("2fff0000"), /valid UTF-8/],
    [
      "blob too long",
      hex("2f610000 2c620000 00000010 00000000"),
      /blob size from 0 to 4, found 16/,
    ],
    [
      "negative blob",
      hex("2f610000 2c620000 ffffffff"),
      /blob size from 0 to 0, found -1/,
    ],
    ["short bundle", hex("2362756e 646c6500"), /16-byte bundle header/],
    [
      "element too long",
      hex("2362756e 646c6500 00000000 00000001 00000008 2f610000"),
      /found 8$/,
    ],
    [
      "zero element",
      hex("2362756e 646c6500 00000000 00000001 00000000"),
      /found 0$/,
    ],
    ["bad char", hex("2f610000 2c630000 ffffffff"), /code point/],
    [
      "#bundle typo",
      hex("2362756e 646c6578 00000000 00000001"),
      /found byte 0x23/,
    ],
  ];
  for (const [what, bytes, pattern] of cases) {
    const error = decodeError(bytes);
    ok(pattern.test(error.message), `${what}: ${error.message}`);
  }
});

Deno.test("decodePacket() copies blobs out of the input buffer", () => {
  const bytes = encodeMessage("/b", [new Uint8Array([9, 9, 9, 9])]);
  const packet = decodePacket(bytes);
  bytes.fill(0);
  deepEqual(
    packet.kind === "message" && packet.args[0].value,
    new Uint8Array([9, 9, 9, 9]),
  );
});

Deno.test("encodeMessage() rejects values it cannot encode faithfully", () => {
  throws(() => encodeMessage("no-slash"), TypeError);
  throws(() => encodeMessage("/a", ["nul\0inside"]), TypeError);
  throws(
    () => encodeMessage("/a", [{ type: "i", value: 2 ** 31 }]),
    RangeError,
  );
  throws(
    () => encodeMessage("/a", [{ type: "m", value: new Uint8Array(3) }]),
    TypeError,
  );
  throws(() => encodeMessage("/a", [{ type: "c", value: "ab" }]), TypeError);
  throws(() => encodeBundle(2n ** 64n, []), RangeError);
  throws(() => toOscArgument(undefined as unknown as number), TypeError);
  deepEqual(toOscArgument(2 ** 31), { type: "f", value: 2 ** 31 });
});

const argumentArb: fc.Arbitrary<OscArgument> = fc.oneof(
  fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }).map((value) => ({
    type: "i" as const,
    value,
  })),
  fc.float({ noNaN: true }).map((value) => ({
    type: "f" as const,
    value: Math.fround(value),
  })),
  fc.string({ unit: "grapheme" }).filter((s) => !s.includes("\0")).map((
    value,
  ) => ({ type: "s" as const, value })),
  fc.uint8Array({ maxLength: 40 }).map((value) => ({
    type: "b" as const,
    value,
  })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({
    type: "h" as const,
    value,
  })),
  fc.double({ noNaN: true }).map((value) => ({ type: "d" as const, value })),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value) => ({
    type: "t" as const,
    value,
  })),
  fc.constant({ type: "T" as const, value: true as const }),
  fc.constant({ type: "N" as const, value: null }),
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((value) => ({
    type: "m" as const,
    value,
  })),
);

const addressArb = fc.array(
  fc.stringMatching(/^[a-z0-9_]{1,8}$/),
  { minLength: 1, maxLength: 4 },
).map((parts) => "/" + parts.join("/"));

const messageArb = fc.record({
  address: addressArb,
  args: fc.array(argumentArb, { maxLength: 8 }),
}).map(({ address, args }) => createMessage(address, args));

const packetArb: fc.Arbitrary<OscPacket> = fc.letrec<
  { packet: OscPacket }
>((tie) => ({
  packet: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    messageArb,
    fc.record({
      timetag: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      elements: fc.array(tie("packet"), { maxLength: 3 }),
    }).map(({ timetag, elements }) => createBundle(timetag, elements)),
  ),
})).packet;

Deno.test("decodePacket() inverts encodePacket() for arbitrary packets", () => {
  fc.assert(
    fc.property(packetArb, (packet) => {
      let depth = 0;
      const measure = (p: OscPacket, d: number): void => {
        if (p.kind === "bundle") {
          depth = Math.max(depth, d + 1);
          p.elements.forEach((e) => measure(e, d + 1));
        }
      };
      measure(packet, 0);
      fc.pre(depth <= 8);
      deepEqual(decodePacket(encodePacket(packet)), packet);
    }),
    { seed: 0x05c, numRuns: 500 },
  );
});

Deno.test("decodePacket() throws only OscDecodeError for arbitrary bytes", () => {
  const validPackets = fc.sample(packetArb, { seed: 7, numRuns: 200 })
    .map((packet) => {
      try {
        return encodePacket(packet);
      } catch {
        return encodePacket(createMessage("/x"));
      }
    });
  const mutated = fc.tuple(
    fc.constantFrom(...validPackets),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
      maxLength: 4,
    }),
    fc.nat(),
  ).map(([bytes, flips, cut]) => {
    const copy = bytes.slice(0, Math.max(0, bytes.length - (cut % 12)));
    for (const [at, value] of flips) {
      if (copy.length > 0) copy[at % copy.length] = value;
    }
    return copy;
  });
  fc.assert(
    fc.property(
      fc.oneof(fc.uint8Array({ maxLength: 96 }), mutated),
      (bytes) => {
        try {
          decodePacket(bytes);
        } catch (error) {
          ok(error instanceof OscDecodeError, String(error));
        }
      },
    ),
    { seed: 42, numRuns: 20_000 },
  );
});
