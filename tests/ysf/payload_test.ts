import { deepEqual, equal, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  decodeDataChannel20,
  decodeFich,
  decodeHeaderPayload,
  decodeVd2,
  decodeVd2DataChannel,
  dgidPrefixedSource,
  encodeDataChannel20,
  encodeHeaderPayload,
  encodeVd2,
  encodeVd2DataChannel,
  type Fich,
  INTERLEAVE_100,
  INTERLEAVE_180,
  rewritePayloadSource,
  splitRadioIdDestination,
  WHITENING,
} from "../../lib/ysf/mod.ts";
import {
  flipBit,
  hex,
  noVectors,
  prng,
  pysf3Samples,
  toHex,
  vectors,
} from "./_vectors.ts";

const PAYLOAD = 65; // YSFD byte of the first payload block

/**
 * Bit positions in a YSFD packet of a data channel's coded bits, in coding
 * order (coded bit j is interleaved to table[j >> 1] + (j & 1) of the
 * gathered channel bytes, which sit in the five payload blocks).
 */
function channelBits(
  table: Uint16Array,
  bytesPerBlock: number,
  skip: number,
): number[] {
  const bits: number[] = [];
  for (let j = 0; j < table.length * 2; j++) {
    const n = table[j >> 1] + (j & 1);
    const byte = n >> 3;
    const packetByte = PAYLOAD + 18 * Math.floor(byte / bytesPerBlock) + skip +
      (byte % bytesPerBlock);
    bits.push(packetByte * 8 + (n & 7));
  }
  return bits;
}

/**
 * Exhaustive single and double channel errors: every single error and every
 * double error not both within the first 12 coded bits must decode (the
 * G4KLX-compatible Viterbi does not force start state 0, see
 * convolution_test.ts).
 */
function checkDoubleErrors(
  packet: Uint8Array,
  bits: number[],
  decodes: () => boolean,
): void {
  for (let a = 0; a < bits.length; a++) {
    flipBit(packet, bits[a]);
    equal(decodes(), true, `${a}`);
    for (let b = Math.max(a + 1, 12); b < bits.length; b++) {
      flipBit(packet, bits[b]);
      equal(decodes(), true, `${a} ${b}`);
      flipBit(packet, bits[b]);
    }
    flipBit(packet, bits[a]);
  }
}

const callsignText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 10,
});

const HEADER_FICH: Fich = {
  fi: 0,
  cs: 2,
  cm: 0,
  bn: 0,
  bt: 0,
  fn: 0,
  ft: 6,
  dev: false,
  mr: 0,
  voip: false,
  dt: 2,
  sql: false,
  dgid: 50,
};

Deno.test({
  name:
    "decodeHeaderPayload() and decodeVd2() read the payloads of the shared vector packets",
  ignore: noVectors,
  fn() {
    const packets = vectors!.packets.map((p) => hex(p.ysfd155_hex));
    const expectedHeader = {
      destination: "ALL       ",
      source: "G4ABC     ",
      downlink: "GW1ABC    ",
      uplink: "GW1ABC    ",
    };
    deepEqual(decodeHeaderPayload(packets[0]), expectedHeader);
    equal(decodeVd2(packets[1]), "ALL       "); // FN 0: destination
    equal(decodeVd2(packets[2]), "G4ABC     "); // FN 1: source
    deepEqual(decodeHeaderPayload(packets[3]), expectedHeader); // terminator
    // Re-encoding gives the captured bytes back.
    for (const [i, packet] of packets.entries()) {
      const copy = packet.slice();
      const fich = decodeFich(packet)!;
      if (fich.fi === 1) encodeVd2(decodeVd2(packet)!, copy);
      else encodeHeaderPayload(expectedHeader, copy);
      equal(toHex(copy), vectors!.packets[i].ysfd155_hex);
    }
  },
});

Deno.test("decodeHeaderPayload() reads the captured pYSFReflector3 header, radio-ID mode", () => {
  const sample = pysf3Samples.find((s) => s.source.includes("ysfpayload.py"))!;
  const packet = hex(sample.ysfd155_hex);
  equal(decodeFich(packet)?.cm, 1);
  const header = decodeHeaderPayload(packet);
  deepEqual(header, {
    destination: "90123FAHuL",
    source: "IU5JAE    ",
    downlink: "IU5JAE    ",
    uplink: "IU5JAE    ",
  });
  deepEqual(splitRadioIdDestination(header.destination!), {
    radioId: "90123",
    serial: "FAHuL",
  });
  const copy = packet.slice();
  encodeHeaderPayload({
    destination: header.destination!,
    source: header.source!,
    downlink: header.downlink!,
    uplink: header.uplink!,
  }, copy);
  equal(toHex(copy), sample.ysfd155_hex);
});

Deno.test("decodeHeaderPayload() reports a channel that fails its CRC as undefined", () => {
  // The BrandMeister-link sample in pYSF3's sources has a broken CSD1.
  const sample = pysf3Samples.find((s) => s.source.includes("BM_YSF_LNK"))!;
  const header = decodeHeaderPayload(hex(sample.ysfd155_hex));
  equal(header.destination, undefined);
  equal(header.source, undefined);
  equal(header.downlink, "          ");
});

Deno.test("encodeHeaderPayload() then decodeHeaderPayload() round-trips random callsigns", () => {
  const packet = new Uint8Array(155);
  fc.assert(
    fc.property(
      callsignText,
      callsignText,
      callsignText,
      callsignText,
      (destination, source, downlink, uplink) => {
        encodeHeaderPayload({ destination, source, downlink, uplink }, packet);
        deepEqual(decodeHeaderPayload(packet), {
          destination: destination.padEnd(10),
          source: source.padEnd(10),
          downlink: downlink.padEnd(10),
          uplink: uplink.padEnd(10),
        });
      },
    ),
    { seed: 0xcafe, numRuns: 500 },
  );
});

Deno.test("data channels round-trip random bytes and leave the other payload bytes alone", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 20, maxLength: 20 }),
      fc.uint8Array({ minLength: 10, maxLength: 10 }),
      fc.uint8Array({ minLength: 155, maxLength: 155 }),
      (channel20, channel10, background) => {
        const packet = background.slice();
        encodeDataChannel20(channel20, packet, 1);
        const out20 = new Uint8Array(20);
        equal(decodeDataChannel20(packet, 1, out20), true);
        deepEqual(out20, channel20);
        for (let i = 0; i < 155; i++) {
          const inSecondHalf = i >= PAYLOAD && (i - PAYLOAD) % 18 >= 9;
          if (!inSecondHalf) equal(packet[i], background[i], `byte ${i}`);
        }
        const vd2 = background.slice();
        encodeVd2DataChannel(channel10, vd2);
        const out10 = new Uint8Array(10);
        equal(decodeVd2DataChannel(vd2, out10), true);
        deepEqual(out10, channel10);
        for (let i = 0; i < 155; i++) {
          const inDch = i >= PAYLOAD && (i - PAYLOAD) % 18 < 5;
          if (!inDch) equal(vd2[i], background[i], `byte ${i}`);
        }
      },
    ),
    { seed: 0xd0c, numRuns: 300 },
  );
});

Deno.test("encodeDataChannel20() whitens, appends CRC-16 and a zero byte before coding", () => {
  // An all-whitening channel becomes zeros after whitening: CRC of 20 zeros.
  const packet = new Uint8Array(155);
  encodeDataChannel20(WHITENING, packet, 0);
  const out = new Uint8Array(20);
  equal(decodeDataChannel20(packet, 0, out), true);
  deepEqual(out, WHITENING);
});

Deno.test("decodeDataChannel20() corrects single and double channel bit errors of CSD1 and CSD2", () => {
  const packet = new Uint8Array(155);
  encodeHeaderPayload(
    { destination: "ALL", source: "G4ABC", downlink: "GB3XX", uplink: "G4ABC" },
    packet,
  );
  const out = new Uint8Array(20);
  for (
    const [half, text] of [[0, "ALL       G4ABC     "], [
      1,
      "GB3XX     G4ABC     ",
    ]] as const
  ) {
    const bits = channelBits(INTERLEAVE_180, 9, half * 9);
    equal(bits.length, 360);
    equal(new Set(bits).size, 360);
    const expected = new TextEncoder().encode(text);
    checkDoubleErrors(packet, bits, () => {
      out.fill(0);
      return decodeDataChannel20(packet, half, out) &&
        out.every((b, i) => b === expected[i]);
    });
  }
});

Deno.test("decodeVd2DataChannel() corrects single and double channel bit errors", () => {
  const next = prng(8);
  for (let trial = 0; trial < 4; trial++) {
    const text = Array.from(
      { length: 10 },
      () => String.fromCharCode(0x21 + Math.floor(next() * 94)),
    ).join("");
    const packet = new Uint8Array(155);
    encodeVd2(text, packet);
    const bits = channelBits(INTERLEAVE_100, 5, 0);
    equal(bits.length, 200);
    equal(new Set(bits).size, 200);
    checkDoubleErrors(packet, bits, () => decodeVd2(packet) === text);
  }
});

Deno.test("data channel decoders detect CRC failures", () => {
  const next = prng(77);
  const out20 = new Uint8Array(20);
  const out10 = new Uint8Array(10);
  let passed20 = 0, passed10 = 0;
  for (let i = 0; i < 2000; i++) {
    const packet = Uint8Array.from(
      { length: 155 },
      () => Math.floor(next() * 256),
    );
    if (decodeDataChannel20(packet, 0, out20)) passed20++;
    if (decodeVd2DataChannel(packet, out10)) passed10++;
  }
  equal(passed20 <= 1, true, `${passed20}`);
  equal(passed10 <= 1, true, `${passed10}`);
  // A good channel with many errors in a burst fails instead of lying.
  const packet = new Uint8Array(155);
  encodeVd2("G4ABC", packet);
  packet[PAYLOAD] ^= 0xff;
  packet[PAYLOAD + 1] ^= 0xff;
  out10.fill(0x41);
  equal(decodeVd2DataChannel(packet, out10), false);
  equal(out10.every((b) => b === 0x41), true, "output untouched on failure");
  equal(decodeVd2(packet), undefined);
});

Deno.test("payload functions refuse buffers without a 120-byte frame and non-8-bit text", () => {
  throws(() => decodeHeaderPayload(new Uint8Array(154)), RangeError);
  throws(() => decodeVd2(new Uint8Array(120), 1), RangeError);
  throws(
    () => decodeDataChannel20(new Uint8Array(155), 0, new Uint8Array(19)),
    RangeError,
  );
  throws(
    () => encodeVd2DataChannel(new Uint8Array(9), new Uint8Array(155)),
    RangeError,
  );
  throws(() => encodeVd2("€", new Uint8Array(155)), RangeError);
  // Air-frame offset 0 works on a bare 120-byte frame.
  const frame = new Uint8Array(120);
  encodeVd2("G4ABC", frame, 0);
  equal(decodeVd2(frame, 0), "G4ABC     ");
});

Deno.test("dgidPrefixedSource() builds pYSF3's <dgid>/<base call>, 10 characters", () => {
  equal(dgidPrefixedSource(50, "G4ABC"), "50/G4ABC  ");
  equal(dgidPrefixedSource(9, " IU5JAE/P "), "9/IU5JAE  ");
  equal(dgidPrefixedSource(99, "VERYLONGCALL"), "99/VERYLON");
  throws(() => dgidPrefixedSource(128, "G4ABC"), RangeError);
});

Deno.test("rewritePayloadSource() rewrites the header CSD1 source and keeps the rest", () => {
  const packet = new Uint8Array(155);
  encodeHeaderPayload(
    {
      destination: "ALL",
      source: "G4ABC",
      downlink: "GB3XX",
      uplink: "G4ABC-GW",
    },
    packet,
  );
  const before = packet.slice();
  equal(rewritePayloadSource(HEADER_FICH, "50/G4ABC", packet), true);
  deepEqual(decodeHeaderPayload(packet), {
    destination: "ALL       ",
    source: "50/G4ABC  ",
    downlink: "GB3XX     ",
    uplink: "G4ABC-GW  ",
  });
  for (let i = 0; i < 155; i++) {
    const inFirstHalf = i >= PAYLOAD && (i - PAYLOAD) % 18 < 9;
    if (!inFirstHalf) equal(packet[i], before[i], `byte ${i}`);
  }
});

Deno.test("rewritePayloadSource() rewrites V/D mode 2 FN 1 only, and skips a header whose CSD1 fails", () => {
  const vd2 = new Uint8Array(155);
  encodeVd2("G4ABC", vd2);
  const comm: Fich = { ...HEADER_FICH, fi: 1, fn: 1 };
  equal(rewritePayloadSource(comm, "50/G4ABC", vd2), true);
  equal(decodeVd2(vd2), "50/G4ABC  ");
  for (
    const fich of [{ ...comm, fn: 2 }, { ...comm, dt: 0 }, {
      ...HEADER_FICH,
      fi: 2,
    }]
  ) {
    const packet = new Uint8Array(155);
    encodeVd2("G4ABC", packet);
    const before = packet.slice();
    equal(rewritePayloadSource(fich, "50/G4ABC", packet), false);
    deepEqual(packet, before);
  }
  const broken = new Uint8Array(155).fill(0x5a);
  equal(rewritePayloadSource(HEADER_FICH, "50/G4ABC", broken), false);
  equal(broken.every((b) => b === 0x5a), true);
});

Deno.test("splitRadioIdDestination() refuses wrong lengths and the placeholder", () => {
  equal(splitRadioIdDestination("ALL"), undefined);
  equal(splitRadioIdDestination("**********"), undefined);
  deepEqual(splitRadioIdDestination("12345ABCDE"), {
    radioId: "12345",
    serial: "ABCDE",
  });
});
