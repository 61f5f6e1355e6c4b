import { equal } from "node:assert/strict";
import fc from "fast-check";
import {
  buildData,
  buildInfo,
  buildOptions,
  buildPoll,
  buildStatusQuery,
  buildStatusReply,
  buildUnlink,
  buildVersionQuery,
  buildVersionReply,
  decodeFich,
  decodeHeaderPayload,
  decodeVd2,
  encodeFich,
  INVALID_REASONS,
  PacketTag,
  parsePacket,
  type ParseResult,
  parseStatusReply,
} from "../../lib/ysf/mod.ts";

const RUNS = 100_000;
const TAGS = Object.values(PacketTag) as string[];
const TYPES = new Set([
  "poll",
  "unlink",
  "data",
  "statusQuery",
  "statusReply",
  "options",
  "info",
  "versionQuery",
  "versionReply",
  "invalid",
]);

const text = (max: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) =>
      String.fromCharCode(c)
    ),
    maxLength: max,
  });

/** Valid datagrams of every kind; YSFD frames carry a valid FICH. */
const validPacket: fc.Arbitrary<Uint8Array> = fc.oneof(
  text(10).map(buildPoll),
  text(10).map(buildUnlink),
  fc.record({
    gateway: text(10),
    source: text(10),
    destination: text(10),
    counter: fc.integer({ min: 0, max: 127 }),
    end: fc.boolean(),
    frame: fc.uint8Array({ minLength: 120, maxLength: 120 }),
    fich: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  }).map((f) => {
    encodeFich(
      {
        fi: f.fich[0] >>> 6,
        cs: 2,
        cm: 0,
        bn: 0,
        bt: 0,
        fn: f.fich[1] & 7,
        ft: 7,
        dev: false,
        mr: 0,
        voip: false,
        dt: f.fich[2] & 3,
        sql: false,
        dgid: f.fich[3] & 0x7f,
      },
      f.frame,
      5,
    );
    return buildData(f);
  }),
  fc.constant(buildStatusQuery()),
  fc.record({
    id: fc.integer({ min: 0, max: 99999 }),
    name: text(16),
    description: text(14),
    count: fc.integer({ min: 0, max: 5000 }),
  }).map(buildStatusReply),
  fc.tuple(text(10), text(36)).map(([c, o]) => buildOptions(c, o)),
  fc.record({
    callsign: text(10),
    rxFrequency: fc.integer({ min: 0, max: 999_999_999 }),
    txFrequency: fc.integer({ min: 0, max: 999_999_999 }),
    locator: text(6),
    name: text(20),
    hotspotType: text(12),
    radioId: text(7),
  }).map(buildInfo),
  fc.constant(buildVersionQuery()),
  text(40).filter((v) => v.length > 0).map(buildVersionReply),
);

type Mutation = (data: Uint8Array) => Uint8Array;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Truncation.
  fc.nat().map((n): Mutation => (d) => d.slice(0, n % (d.length + 1))),
  // Extension with random bytes.
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map(
    (extra): Mutation => (d) => {
      const out = new Uint8Array(d.length + extra.length);
      out.set(d);
      out.set(extra, d.length);
      return out;
    },
  ),
  // Bit flips.
  fc.array(fc.nat(), { minLength: 1, maxLength: 12 }).map(
    (bits): Mutation => (d) => {
      const out = d.slice();
      if (out.length === 0) return out;
      for (const bit of bits) {
        const i = bit % (out.length * 8);
        out[i >>> 3] ^= 0x80 >>> (i & 7);
      }
      return out;
    },
  ),
  // Tag changes: another known tag, a near miss or random bytes.
  fc.oneof(
    fc.constantFrom(...TAGS, "YSFX", "YSF\0", "ysfd", "XSFD", "YSFK", "YSFL"),
    fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) =>
      String.fromCharCode(...b)
    ),
  ).map((tag): Mutation => (d) => {
    const out = d.slice();
    for (let i = 0; i < 4 && i < out.length; i++) {
      out[i] = tag.charCodeAt(i) & 0xff;
    }
    return out;
  }),
  // Overwrite one byte (e.g. the YSFD counter or a digit).
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(
    ([at, value]): Mutation => (d) => {
      const out = d.slice();
      if (out.length > 0) out[at % out.length] = value;
      return out;
    },
  ),
);

const datagram: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom(...TAGS),
      fc.uint8Array({ maxLength: 200 }),
    ).map(
      ([tag, rest]) => {
        const out = new Uint8Array(4 + rest.length);
        out.set(new TextEncoder().encode(tag));
        out.set(rest, 4);
        return out;
      },
    ),
  },
  { weight: 2, arbitrary: validPacket },
  {
    weight: 4,
    arbitrary: fc.tuple(
      validPacket,
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
    ).map(
      ([packet, mutations]) => mutations.reduce((d, m) => m(d), packet),
    ),
  },
);

function isPrintable(s: string, max: number): boolean {
  return s.length <= max && /^[\x20-\x7e]*$/.test(s) && s === s.trim();
}

function checkResult(data: Uint8Array, result: ParseResult): void {
  if (!TYPES.has(result.type)) {
    throw new Error(`Unexpected type ${result.type}`);
  }
  switch (result.type) {
    case "invalid":
      if (!INVALID_REASONS.includes(result.reason)) {
        throw new Error(`Unexpected reason ${result.reason}`);
      }
      if (result.tag !== undefined && !TAGS.includes(result.tag)) {
        throw new Error(`Unexpected tag ${result.tag}`);
      }
      if (typeof result.detail !== "string" || result.detail.length === 0) {
        throw new Error("Expected a detail text");
      }
      break;
    case "data":
      if (data.length !== 155 || result.frame.length !== 120) {
        throw new Error("Expected a 155-byte datagram and a 120-byte frame");
      }
      if (result.frame.buffer !== data.buffer) {
        throw new Error("Expected a view");
      }
      if (result.counter < 0 || result.counter > 127) {
        throw new Error("Bad counter");
      }
      for (const s of [result.gateway, result.source, result.destination]) {
        if (!isPrintable(s, 10)) {
          throw new Error(`Bad text ${JSON.stringify(s)}`);
        }
      }
      break;
    case "poll":
    case "unlink":
      if (data.length < 14 || !isPrintable(result.callsign, 10)) {
        throw new Error("Bad poll/unlink");
      }
      break;
    case "statusReply":
      if (data.length !== 42 || !/^\d{5}$/.test(result.id)) {
        throw new Error("Bad reply");
      }
      if (
        !isPrintable(result.name, 16) || !isPrintable(result.description, 14)
      ) {
        throw new Error("Bad reply text");
      }
      if (
        !Number.isInteger(result.count) || result.count < 0 ||
        result.count > 999
      ) {
        throw new Error("Bad count");
      }
      break;
    case "options":
      if (
        !isPrintable(result.callsign, 10) || !isPrintable(result.options, 36)
      ) {
        throw new Error("Bad options");
      }
      break;
    case "info":
      if (data.length < 80) throw new Error("Short info accepted");
      for (const f of [result.rxFrequency, result.txFrequency]) {
        if (
          f !== undefined && (!Number.isInteger(f) || f < 0 || f > 999_999_999)
        ) {
          throw new Error("Bad frequency");
        }
      }
      break;
    case "versionReply":
      if (data.length <= 4 || !isPrintable(result.version, data.length - 4)) {
        throw new Error("Bad version");
      }
      break;
    case "statusQuery":
    case "versionQuery":
      if (data.length < 4) throw new Error("Runt accepted");
      break;
  }
}

Deno.test(`parsePacket() survives ${RUNS} random and mutated datagrams with a fixed set of reasons`, () => {
  const types = new Map<string, number>();
  const reasons = new Map<string, number>();
  let runs = 0;
  fc.assert(
    fc.property(datagram, (data) => {
      runs++;
      const result = parsePacket(data);
      checkResult(data, result);
      types.set(result.type, (types.get(result.type) ?? 0) + 1);
      if (result.type === "invalid") {
        reasons.set(result.reason, (reasons.get(result.reason) ?? 0) + 1);
      }
      const reply = parseStatusReply(data);
      if (reply.type === "invalid" && !INVALID_REASONS.includes(reply.reason)) {
        throw new Error(`Unexpected reason ${reply.reason}`);
      }
      if (result.type === "data") {
        // The air-frame decoders must cope with any bytes, too.
        const fich = decodeFich(data);
        if (fich !== undefined && (fich.dgid < 0 || fich.dgid > 127)) {
          throw new Error("Bad DG-ID");
        }
        if (fich?.fi === 0) decodeHeaderPayload(data);
        else if (fich?.fi === 1) decodeVd2(data);
      }
    }),
    { seed: 0x59534644, numRuns: RUNS },
  );
  equal(runs >= RUNS, true);
  // The generator reaches every result type and every reason.
  for (const type of TYPES) {
    equal((types.get(type) ?? 0) > 0, true, `type ${type}`);
  }
  for (const reason of INVALID_REASONS) {
    equal((reasons.get(reason) ?? 0) > 0, true, `reason ${reason}`);
  }
});
