import { equal, ok, throws } from "node:assert/strict";
import { OpusDecoder } from "../../lib/sdr/wire/opus_decoder.ts";
import { OpusEncoder } from "../../lib/sdr/wire/opus_encoder.ts";
import {
  nearestOpusRate,
  OPUS_SAMPLE_RATES,
  opusHeapBytes,
} from "../../lib/sdr/wire/opus_module.ts";
import { decodeWithOpusscript, tone, toneLevel } from "./_opus.ts";

Deno.test("nearestOpusRate() snaps audio_sps to the nearest Opus rate", () => {
  equal(nearestOpusRate(12000), 12000);
  equal(nearestOpusRate(11025), 12000);
  equal(nearestOpusRate(10000), 8000); // a tie goes to the lower rate
  equal(nearestOpusRate(22050), 24000);
  equal(nearestOpusRate(44100), 48000);
  equal(nearestOpusRate(192000), 48000);
  throws(() => nearestOpusRate(0), RangeError);
  throws(() => nearestOpusRate(Number.NaN), RangeError);
});

Deno.test("OpusEncoder.encode() cuts 20 ms packets at every Opus rate, ~80 kb/s, decodable by opusscript", () => {
  for (const rate of OPUS_SAMPLE_RATES) {
    using encoder = new OpusEncoder({ sampleRate: rate });
    equal(encoder.frameSize, rate / 50);
    equal(encoder.bitrate, 80000);
    const packets: Uint8Array[] = [];
    const seconds = 2;
    // 384-sample blocks, as a 12 kHz listener delivers them.
    for (let at = 0; at < seconds * rate; at += 384) {
      packets.push(...encoder.encode(tone(384, 1000, rate, 8000, at)));
    }
    const expected = Math.floor(
      Math.ceil(seconds * rate / 384) * 384 / (rate / 50),
    );
    equal(packets.length, expected, `${rate} Hz`);
    equal(encoder.packets, expected);
    const bytes = packets.reduce((n, p) => n + p.length, 0);
    const kbps = (bytes * 8) / (packets.length * 0.02) / 1000;
    ok(kbps > 60 && kbps < 100, `${rate} Hz: ${kbps.toFixed(1)} kb/s`);
    // Both decoders hear the tone: A²/4 = 1.6e7 at 1 kHz, little elsewhere.
    for (
      const pcm of [
        decodeWithOpusscript(packets, rate),
        (() => {
          using decoder = new OpusDecoder({ sampleRate: rate });
          const out: number[] = [];
          for (const p of packets) out.push(...decoder.decode(p));
          return Int16Array.from(out);
        })(),
      ]
    ) {
      equal(pcm.length, packets.length * rate / 50);
      const steady = pcm.subarray(pcm.length / 2);
      const on = toneLevel(steady, 1000, rate);
      ok(on > 1.2e7 && on < 2e7, `${rate} Hz: tone level ${on}`);
      ok(on > 1e4 * toneLevel(steady, 1700, rate), `${rate} Hz: clean`);
    }
  }
});

Deno.test("OpusEncoder.reset() drops the buffered samples; close() is final and idempotent", () => {
  const encoder = new OpusEncoder({ sampleRate: 16000, bitrate: 32000 });
  equal(encoder.encode(new Int16Array(200)).length, 0);
  equal(encoder.buffered, 200);
  encoder.reset();
  equal(encoder.buffered, 0);
  equal(encoder.encode(new Int16Array(320)).length, 1);
  encoder.close();
  encoder.close();
  equal(encoder.closed, true);
  throws(() => encoder.encode(new Int16Array(320)), TypeError);
});

Deno.test("OpusEncoder rejects bad settings; OpusDecoder rejects bad packets", () => {
  throws(
    () => new OpusEncoder({ sampleRate: 12000, bitrate: 100 }),
    RangeError,
  );
  throws(
    () => new OpusEncoder({ sampleRate: 12000, complexity: 11 }),
    RangeError,
  );
  throws(() => new OpusEncoder({ sampleRate: -1 }), RangeError);
  using decoder = new OpusDecoder({ sampleRate: 12000 });
  throws(() => decoder.decode(new Uint8Array(0)), RangeError);
  throws(() => decoder.decode(new Uint8Array(5000)), RangeError);
  // A TOC byte announcing a code-3 packet with no frame count: invalid.
  throws(() => decoder.decode(Uint8Array.of(0xfb)), /Opus packet/);
});

Deno.test("OpusEncoder: 1,000 create/close cycles leave the wasm heap as it was; leaked encoders grow it", () => {
  // Warm up, so the heap has what one encoder needs.
  new OpusEncoder({ sampleRate: 12000 }).close();
  const before = opusHeapBytes();
  for (let i = 0; i < 1000; i++) {
    const encoder = new OpusEncoder({ sampleRate: 12000 });
    encoder.encode(tone(480, 440, 12000));
    encoder.close();
  }
  equal(opusHeapBytes(), before);
  // The control: encoders that are not closed do take room (so the check
  // above can fail). Keep going until the heap grows, then free them.
  const kept: OpusEncoder[] = [];
  try {
    while (opusHeapBytes() === before && kept.length < 5000) {
      kept.push(new OpusEncoder({ sampleRate: 12000 }));
    }
    ok(opusHeapBytes() > before, `${kept.length} open encoders`);
    ok(kept.length < 5000, "open encoders take heap room");
  } finally {
    for (const encoder of kept) encoder.close();
  }
});
