import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { decode } from "cborg";
import {
  decodeAudioPacket,
  encodeAudioHeaderPackets,
  encodeAudioPacket,
} from "../../lib/sdr/wire/audio_packet.ts";
import { decodeFlac } from "../../lib/sdr/wire/flac_decoder.ts";
import { FlacEncoder } from "../../lib/sdr/wire/flac_encoder.ts";
import { WireFormatError } from "../../lib/sdr/wire/wire_format_error.ts";

/**
 * Bytes following the last occurrence of the text key `key` (the last, since
 * "m" = 61 6d also occurs inside "frame_num").
 */
function valueAfterKey(
  bytes: Uint8Array,
  key: string,
  length: number,
): number[] {
  const encoded = [0x60 + key.length, ...new TextEncoder().encode(key)];
  for (let i = bytes.length - encoded.length; i >= 0; i--) {
    if (encoded.every((b, j) => bytes[i + j] === b)) {
      return [
        ...bytes.subarray(i + encoded.length, i + encoded.length + length),
      ];
    }
  }
  throw new Error(`key ${key} not found`);
}

Deno.test("encodeAudioPacket() decodes with cborg to PhantomSDR's map", () => {
  const data = Uint8Array.of(0xff, 0xf8, 0x1c, 0x18);
  const bytes = encodeAudioPacket({
    frameNum: 4242,
    l: 0,
    m: 71936,
    r: 640,
    pwr: 0.25,
    data,
  });
  const decoded = decode(bytes) as Record<string, unknown>;
  deepEqual(Object.keys(decoded), ["data", "frame_num", "l", "m", "pwr", "r"]);
  deepEqual(decoded, {
    data,
    frame_num: 4242,
    l: 0,
    m: 71936,
    pwr: 0.25,
    r: 640,
  });
});

Deno.test("encodeAudioPacket() writes m and pwr as nlohmann does: float32 when exact", () => {
  const at = (m: number, pwr: number) => {
    const bytes = encodeAudioPacket({
      frameNum: 1,
      l: 0,
      m,
      r: 1,
      pwr,
      data: new Uint8Array(0),
    });
    return [
      valueAfterKey(bytes, "m", 9),
      valueAfterKey(bytes, "pwr", 9),
      bytes,
    ] as const;
  };
  // 71936 (an integral double) is still a float: fa 47 8c 80 00.
  deepEqual(at(71936, 0)[0].slice(0, 5), [0xfa, 0x47, 0x8c, 0x80, 0x00]);
  deepEqual(at(71936, 0)[1].slice(0, 5), [0xfa, 0, 0, 0, 0]);
  // 0.1 is not exact in float32: float64.
  deepEqual(at(0.1, 0)[0], [
    0xfb,
    0x3f,
    0xb9,
    0x99,
    0x99,
    0x99,
    0x99,
    0x99,
    0x9a,
  ]);
  // NaN and infinities as half precision.
  deepEqual(at(0, NaN)[1].slice(0, 3), [0xf9, 0x7e, 0x00]);
  deepEqual(at(0, Infinity)[1].slice(0, 3), [0xf9, 0x7c, 0x00]);
  deepEqual(at(0, -Infinity)[1].slice(0, 3), [0xf9, 0xfc, 0x00]);
  const decoded = decode(at(0.1, NaN)[2]) as Record<string, number>;
  equal(decoded.m, 0.1);
  ok(Number.isNaN(decoded.pwr));
});

Deno.test("encodeAudioPacket() adds sv1btl's fields in sorted key order", () => {
  const bytes = encodeAudioPacket({
    frameNum: 3,
    l: 0,
    m: 100.5,
    r: 200,
    pwr: 1e-12,
    data: Uint8Array.of(1),
    channels: 2,
    codec: "flac",
    samLocked: true,
  });
  const decoded = decode(bytes) as Record<string, unknown>;
  deepEqual(Object.keys(decoded), [
    "channels",
    "codec",
    "data",
    "frame_num",
    "l",
    "m",
    "pwr",
    "r",
    "sam_locked",
  ]);
  equal(decoded.channels, 2);
  equal(decoded.codec, "flac");
  equal(decoded.sam_locked, true);
  deepEqual(decodeAudioPacket(bytes), {
    frameNum: 3,
    l: 0,
    m: 100.5,
    r: 200,
    pwr: 1e-12,
    data: Uint8Array.of(1),
    channels: 2,
    codec: "flac",
    samLocked: true,
  });
});

Deno.test("encodeAudioHeaderPackets() sends fLaC, STREAMINFO, VORBIS_COMMENT with zeros", () => {
  const encoder = new FlacEncoder({ sampleRate: 12000, blockSize: 384 });
  const packets = encodeAudioHeaderPackets(encoder.headerMessages());
  equal(packets.length, 3);
  const decoded = packets.map((p) => decode(p) as Record<string, unknown>);
  for (const packet of decoded) {
    equal(packet.frame_num, 0);
    equal(packet.l, 0);
    equal(packet.m, 0);
    equal(packet.r, 0);
    equal(packet.pwr, 0);
    ok((packet.data as Uint8Array).length > 0); // "r == 0 and data non-empty"
  }
  deepEqual([...(decoded[0].data as Uint8Array)], [0x66, 0x4c, 0x61, 0x43]);
  equal((decoded[1].data as Uint8Array).length, 38);
  equal((decoded[2].data as Uint8Array)[0], 0x84);
  const withCodec = encodeAudioHeaderPackets(encoder.headerMessages(), {
    codec: "flac",
  });
  equal(decodeAudioPacket(withCodec[0]).codec, "flac");
});

Deno.test("An /audio packet stream carries a decodable FLAC stream", () => {
  const encoder = new FlacEncoder({ sampleRate: 12000, blockSize: 384 });
  const messages = encodeAudioHeaderPackets(encoder.headerMessages());
  const sent: number[] = [];
  for (let frame = 1; frame <= 10; frame++) {
    const block = Int16Array.from(
      { length: 384 },
      (_, i) => Math.round(12000 * Math.sin((frame * 384 + i) * 0.07)),
    );
    sent.push(...block);
    messages.push(encodeAudioPacket({
      frameNum: frame * 2,
      l: 0,
      m: 71936,
      r: 192,
      pwr: 3.5e-7,
      data: encoder.encode(block),
    }));
  }
  // The receiving side: concatenate `data` in order and decode.
  const parts = messages.map(decodeAudioPacket);
  equal(parts.filter((p) => p.r === 0).length, 3);
  const stream = new Uint8Array(
    parts.reduce((sum, p) => sum + p.data.length, 0),
  );
  let offset = 0;
  for (const part of parts) {
    stream.set(part.data, offset);
    offset += part.data.length;
  }
  deepEqual([...decodeFlac(stream).channels[0]], sent);
});

Deno.test("encodeAudioPacket() rejects a bad frame number", () => {
  const base = { l: 0, m: 0, r: 0, pwr: 0, data: new Uint8Array(0) };
  throws(() => encodeAudioPacket({ ...base, frameNum: -1 }), RangeError);
  throws(() => encodeAudioPacket({ ...base, frameNum: 1.5 }), RangeError);
  throws(() => encodeAudioPacket({ ...base, frameNum: 0, l: NaN }), RangeError);
});

Deno.test("decodeAudioPacket() rejects what is not an audio packet", () => {
  const good = encodeAudioPacket({
    frameNum: 1,
    l: 0,
    m: 1,
    r: 2,
    pwr: 0,
    data: Uint8Array.of(9),
  });
  const bad = [
    Uint8Array.of(0xa0),
    Uint8Array.of(0x01),
    good.subarray(0, good.length - 2),
    new Uint8Array([...good, 0xf6]),
    encodeAudioPacket({
      frameNum: 1,
      l: 0,
      m: 1,
      r: 2,
      pwr: 0,
      data: Uint8Array.of(9),
      codec: "",
    })
      .map((b, i, a) => (i === a.indexOf(0x60) ? 0xf5 : b)), // codec: true
  ];
  for (const bytes of bad) {
    throws(() => decodeAudioPacket(bytes), WireFormatError);
  }
});
