/**
 * Benchmarks of the YSF codec (lib/ysf): FICH decode/encode, YSFD parse, the
 * FICH DG-ID rewrite and the pYSFReflector3-style payload source prefix.
 *
 * Run: `deno bench -A bench/ysf_codec_bench.ts`
 *
 * @module
 */

import {
  buildData,
  buildStatusReply,
  decodeFich,
  decodeFichBytes,
  decodeHeaderPayload,
  decodeVd2,
  dgidPrefixedSource,
  encodeFich,
  encodeFichBytes,
  encodeHeaderPayload,
  encodeVd2,
  type Fich,
  parsePacket,
  rewritePayloadSource,
  setFichDgid,
  statusId,
} from "../lib/ysf/mod.ts";

const HEADER: Fich = {
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
const VD2_FN1: Fich = { ...HEADER, fi: 1, fn: 1 };

function makePacket(fich: Fich): Uint8Array {
  const frame = new Uint8Array(120);
  frame.set([0xd4, 0x71, 0xc9, 0x63, 0x4d]);
  encodeFich(fich, frame, 5);
  if (fich.fi === 0) {
    encodeHeaderPayload(
      {
        destination: "ALL",
        source: "G4ABC",
        downlink: "GB3XX",
        uplink: "G4ABC",
      },
      frame,
      0,
    );
  } else {
    encodeVd2("G4ABC", frame, 0);
  }
  return buildData({
    gateway: "GB3XX",
    source: "G4ABC",
    destination: "ALL",
    counter: 0,
    end: false,
    frame,
  });
}

const header = makePacket(HEADER);
const vd2 = makePacket(VD2_FN1);
const raw = new Uint8Array(6);
const rawFields = new Uint8Array([0x20, 0x06, 0x02, 0x32]);
const scratch = header.slice();
let sink = 0;

Deno.bench({
  name: "decodeFichBytes (no allocation)",
  group: "fich decode",
  baseline: true,
  fn() {
    if (decodeFichBytes(header, raw)) sink ^= raw[3];
  },
});

Deno.bench({
  name: "decodeFich (fields object)",
  group: "fich decode",
  fn() {
    sink ^= decodeFich(header)?.dgid ?? 0;
  },
});

Deno.bench({
  name: "encodeFichBytes (no allocation)",
  group: "fich encode",
  baseline: true,
  fn() {
    encodeFichBytes(rawFields, scratch);
  },
});

Deno.bench({
  name: "encodeFich (fields object)",
  group: "fich encode",
  fn() {
    encodeFich(HEADER, scratch);
  },
});

Deno.bench({
  name: "parsePacket YSFD 155 bytes",
  group: "packet",
  baseline: true,
  fn() {
    const packet = parsePacket(header);
    if (packet.type === "data") sink ^= packet.counter;
  },
});

Deno.bench({
  name: "parsePacket + decodeFich (what a DG-ID room router needs)",
  group: "packet",
  fn() {
    const packet = parsePacket(header);
    if (packet.type === "data" && decodeFichBytes(header, raw)) sink ^= raw[3];
  },
});

Deno.bench({
  name: "buildStatusReply (42 bytes)",
  group: "packet",
  fn() {
    sink ^= buildStatusReply({
      id: "94296",
      name: "PEER G4KLX",
      description: "Loopback test",
      count: 12,
    })[40];
  },
});

Deno.bench({
  name: "setFichDgid: decode FICH, change DG-ID, re-encode with CRC",
  group: "rewrite",
  baseline: true,
  fn() {
    setFichDgid(scratch, 9);
  },
});

Deno.bench({
  name: "DG-ID prefix, header: decode FICH + CSD1, re-encode CSD1",
  group: "rewrite",
  fn() {
    const fich = decodeFich(scratch);
    if (fich !== undefined) {
      rewritePayloadSource(fich, dgidPrefixedSource(50, "G4ABC"), scratch);
    }
  },
});

const vd2Scratch = vd2.slice();
Deno.bench({
  name: "DG-ID prefix, V/D mode 2 FN 1: decode FICH, encode the data channel",
  group: "rewrite",
  fn() {
    const fich = decodeFich(vd2Scratch);
    if (fich !== undefined) {
      rewritePayloadSource(fich, dgidPrefixedSource(50, "G4ABC"), vd2Scratch);
    }
  },
});

Deno.bench({
  name: "decodeHeaderPayload (CSD1 + CSD2)",
  group: "payload",
  baseline: true,
  fn() {
    sink ^= decodeHeaderPayload(header).source?.length ?? 0;
  },
});

Deno.bench({
  name: "decodeVd2 (10-byte channel)",
  group: "payload",
  fn() {
    sink ^= decodeVd2(vd2)?.length ?? 0;
  },
});

Deno.bench({
  name: "statusId (one-at-a-time hash)",
  group: "payload",
  fn() {
    sink ^= statusId("PEER G4KLX").length;
  },
});

globalThis.addEventListener("unload", () => {
  if (sink === 0x7fffffff) console.log(sink);
});
