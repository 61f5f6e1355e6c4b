import { deepEqual, equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import { decodeOscPacket, encodeOscMessage } from "../../lib/doctor/osc.ts";

function bytes(...parts: (string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "string") out.push(...new TextEncoder().encode(p));
    else out.push(...p);
  }
  return new Uint8Array(out);
}

Deno.test("encodeOscMessage() pads the address, tags and strings to 4 bytes", () => {
  deepEqual(
    encodeOscMessage("/status"),
    bytes("/status", [0], ",", [0, 0, 0]),
  );
  deepEqual(
    encodeOscMessage("/n_set", [1000, "freq", 440.5]),
    bytes(
      "/n_set",
      [0, 0],
      ",isf",
      [0, 0, 0, 0],
      [0, 0, 0x03, 0xe8],
      "freq",
      [0, 0, 0, 0],
      [0x43, 0xdc, 0x40, 0x00],
    ),
  );
  throws(() => encodeOscMessage("status"), TypeError);
});

Deno.test("decodeOscPacket() reads scsynth's /status.reply types, blobs and bundles", () => {
  // /status.reply ,iiiiiffdd as scsynth sends it.
  const head = bytes("/status.reply", [0, 0, 0], ",iiiiiffdd", [0, 0]);
  const body = new Uint8Array(5 * 4 + 2 * 4 + 2 * 8);
  const view = new DataView(body.buffer);
  [1, 12, 2, 1, 3].forEach((v, i) => view.setInt32(i * 4, v));
  view.setFloat32(20, 4.5);
  view.setFloat32(24, 9.25);
  view.setFloat64(28, 48000);
  view.setFloat64(36, 47999.5);
  const reply = decodeOscPacket(new Uint8Array([...head, ...body]));
  equal(reply.address, "/status.reply");
  equal(reply.types, "iiiiiffdd");
  deepEqual(reply.args, [1, 12, 2, 1, 3, 4.5, 9.25, 48000, 47999.5]);

  const withBlob = bytes(
    "/b",
    [0, 0],
    ",bTFNh",
    [0, 0],
    [0, 0, 0, 3, 7, 8, 9, 0],
    [0, 0, 0, 0, 0, 0, 0, 42],
  );
  deepEqual(decodeOscPacket(withBlob).args, [
    new Uint8Array([7, 8, 9]),
    true,
    false,
    null,
    42n,
  ]);

  const inner = encodeOscMessage("/status.reply", [7]);
  const bundle = new Uint8Array([
    ...bytes("#bundle", [0], [0, 0, 0, 0, 0, 0, 0, 1]),
    0,
    0,
    0,
    inner.length,
    ...inner,
  ]);
  deepEqual(decodeOscPacket(bundle).args, [7]);
});

Deno.test("decodeOscPacket() rejects truncated and malformed packets", () => {
  throws(() => decodeOscPacket(bytes("/status")), RangeError); // no NUL
  throws(() => decodeOscPacket(bytes("status", [0, 0])), TypeError);
  throws(
    () => decodeOscPacket(bytes("/x", [0, 0], ",i", [0, 0], [0, 0])),
    RangeError,
  );
  throws(() => decodeOscPacket(bytes("/x", [0, 0], ",q", [0, 0])), TypeError);
  throws(
    () => decodeOscPacket(bytes("#bundle", [0], [0, 0, 0, 0, 0, 0, 0, 1])),
    TypeError,
  );
});

Deno.test("decodeOscPacket() round-trips encodeOscMessage() and throws only Type/RangeError on noise (property)", () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^\/[a-z_.]{0,20}$/),
      fc.array(
        fc.oneof(
          fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
          fc.string({ maxLength: 16 }).filter((s) => !s.includes("\0")),
        ),
        { maxLength: 8 },
      ),
      (address, args) => {
        const decoded = decodeOscPacket(encodeOscMessage(address, args));
        equal(decoded.address, address);
        deepEqual(decoded.args, args);
      },
    ),
    { seed: 57110, numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (noise) => {
      try {
        decodeOscPacket(noise);
      } catch (error) {
        ok(
          error instanceof TypeError || error instanceof RangeError,
          String(error),
        );
      }
    }),
    { seed: 5005, numRuns: 1000 },
  );
});
