// The web client's fallback FLAC decoder, against the server's encoder and
// a hand-made LPC frame.
import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  flacHeader,
  FlacStreamDecoder,
} from "../../lib/sdr/web/flac_decoder.js";
import { flacCrc16, flacCrc8 } from "../../lib/sdr/wire/flac_crc.ts";
import { FlacEncoder } from "../../lib/sdr/wire/flac_encoder.ts";

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Decoded frames as interleaved integers (back from ±1 floats). */
function integers(frames: { channels: Float32Array[] }[], bits = 16): number[] {
  const out: number[] = [];
  for (const frame of frames) {
    const n = frame.channels[0].length;
    for (let i = 0; i < n; i++) {
      for (const channel of frame.channels) {
        out.push(Math.round(channel[i] * 2 ** (bits - 1)));
      }
    }
  }
  return out;
}

Deno.test("FlacStreamDecoder decodes the server's stream, however it is cut", () => {
  fc.assert(
    fc.property(
      fc.constantFrom<1 | 2>(1, 2),
      fc.integer({ min: 16, max: 600 }),
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom("noise", "sine", "silence", "wasted"),
      fc.array(fc.integer({ min: 1, max: 700 }), {
        minLength: 1,
        maxLength: 8,
      }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      (channels, blockSize, blocks, kind, cuts, seed) => {
        const encoder = new FlacEncoder({
          sampleRate: 12000,
          blockSize,
          channels,
        });
        let state = seed;
        const random = () => {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0;
          return state / 2 ** 32;
        };
        const pcm = Int16Array.from(
          { length: blockSize * blocks * channels },
          (_, i) => {
            const t = Math.floor(i / channels);
            switch (kind) {
              case "noise":
                return Math.round((random() * 2 - 1) * 32767);
              case "sine":
                return Math.round(20000 * Math.sin(t / 7 + (i % channels)));
              case "wasted":
                return Math.round(2000 * Math.sin(t / 5)) * 8;
              default:
                return 0;
            }
          },
        );
        const parts = [...encoder.headerMessages()];
        for (let b = 0; b < blocks; b++) {
          parts.push(
            encoder.encode(
              pcm.subarray(
                b * blockSize * channels,
                (b + 1) * blockSize * channels,
              ),
            ),
          );
        }
        const stream = concat(parts);
        const decoder = new FlacStreamDecoder();
        const frames = [];
        let at = 0;
        let c = 0;
        while (at < stream.length) {
          const size = cuts[c++ % cuts.length];
          frames.push(...decoder.push(stream.subarray(at, at + size)));
          at += size;
        }
        equal(frames.length, blocks);
        deepEqual(integers(frames), [...pcm]);
        equal(decoder.info?.channels, channels);
        equal(frames[0].sampleRate, 12000);
        deepEqual(decoder.counters, {
          frames: blocks,
          errors: 0,
          droppedBytes: 0,
        });
      },
    ),
    { seed: 51, numRuns: 150 },
  );
});

Deno.test("FlacStreamDecoder decodes several frames in one message", () => {
  const encoder = new FlacEncoder({ sampleRate: 48000, blockSize: 256 });
  const decoder = new FlacStreamDecoder();
  decoder.push(concat(encoder.headerMessages()));
  const pcm = Int16Array.from(
    { length: 1024 },
    (_, i) => (i * 37) % 2000 - 1000,
  );
  const frames = decoder.push(
    concat(
      [0, 1, 2, 3].map((b) =>
        encoder.encode(pcm.subarray(b * 256, b * 256 + 256))
      ),
    ),
  );
  equal(frames.length, 4);
  deepEqual(integers(frames), [...pcm]);
  equal(frames[0].sampleRate, 48000);
});

Deno.test("FlacStreamDecoder skips a corrupt frame and resumes at the next", () => {
  const encoder = new FlacEncoder({ sampleRate: 12000, blockSize: 384 });
  const blocks = [0, 1, 2, 3].map((b) =>
    Int16Array.from(
      { length: 384 },
      (_, i) => Math.round(9000 * Math.sin((b * 384 + i) / 9)),
    )
  );
  const frames = blocks.map((block) => encoder.encode(block));
  const broken = frames[1].slice();
  broken[Math.floor(broken.length / 2)] ^= 0x5a;
  const decoder = new FlacStreamDecoder();
  decoder.push(concat(encoder.headerMessages()));
  const out = [frames[0], broken, frames[2], frames[3]].flatMap((f) =>
    decoder.push(f)
  );
  equal(out.length, 3);
  deepEqual(integers(out), [...blocks[0], ...blocks[2], ...blocks[3]]);
  ok(decoder.counters.errors >= 1);
  // Garbage between frames is skipped too.
  const more = decoder.push(
    concat([Uint8Array.of(1, 2, 3, 0xff, 0x00), encoder.encode(blocks[0])]),
  );
  equal(more.length, 1);
});

Deno.test("FlacStreamDecoder bounds what it buffers", () => {
  const decoder = new FlacStreamDecoder({ maxBufferBytes: 4096 });
  // A metadata block that claims 8 MiB never completes: past the bound the
  // bytes are dropped (counted) and the rest read as frames (none here).
  decoder.push(Uint8Array.of(0x66, 0x4c, 0x61, 0x43, 0x84, 0x80, 0, 0));
  for (let i = 0; i < 10; i++) decoder.push(new Uint8Array(1000).fill(0x41));
  ok(decoder.counters.droppedBytes > 0, JSON.stringify(decoder.counters));
  ok(decoder.counters.errors > 0, JSON.stringify(decoder.counters));
  equal(decoder.counters.frames, 0);
  // It still decodes a fresh stream after a reset.
  decoder.reset();
  const encoder = new FlacEncoder({ sampleRate: 8000, blockSize: 64 });
  decoder.push(concat(encoder.headerMessages()));
  equal(decoder.push(encoder.encode(new Int16Array(64).fill(-7))).length, 1);
});

/** MSB-first bit writer for hand-made frames. */
class Bits {
  bytes: number[] = [];
  #acc = 0;
  #n = 0;
  write(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.#acc = (this.#acc << 1) | (Math.floor(value / 2 ** i) & 1);
      if (++this.#n === 8) {
        this.bytes.push(this.#acc);
        this.#acc = 0;
        this.#n = 0;
      }
    }
  }
  signed(value: number, bits: number): void {
    this.write(value < 0 ? value + 2 ** bits : value, bits);
  }
  align(): void {
    while (this.#n !== 0) this.write(0, 1);
  }
}

Deno.test("FlacStreamDecoder decodes an LPC subframe with escaped and Rice partitions", () => {
  // STREAMINFO: 8000 Hz, mono, 16 bits, blocks of 64.
  const info = new Uint8Array(34);
  info.set([0, 64, 0, 64]);
  info.set([0x01, 0xf4, 0x00, 0xf0], 10); // 8000 Hz, 1 channel, 16 bits
  const header = concat([
    new TextEncoder().encode("fLaC"),
    Uint8Array.of(0x80, 0, 0, 34),
    info,
  ]);
  equal(flacHeader(header)?.length, header.length);
  // A block of 64 samples of a slow sine, order-2 LPC (shift 10).
  const n = 64;
  const x = Array.from(
    { length: n },
    (_, i) => Math.round(8000 * Math.sin(i / 4)),
  );
  const coefficients = [Math.round(2 * Math.cos(1 / 4) * 1024), -1024];
  const residual = x.map((v, i) =>
    i < 2 ? 0 : v -
      Math.floor(
        (coefficients[0] * x[i - 1] + coefficients[1] * x[i - 2]) / 1024,
      )
  );
  const bits = new Bits();
  bits.write(0xfff8, 16); // sync, fixed block size
  bits.write(6, 4); // block size: 8 bits − 1 at the end of the header
  bits.write(0, 4); // sample rate: from STREAMINFO
  bits.write(0, 4); // mono
  bits.write(4, 3); // 16 bits
  bits.write(0, 1);
  bits.write(0, 8); // frame number 0
  bits.write(n - 1, 8);
  bits.write(flacCrc8(Uint8Array.from(bits.bytes)), 8);
  bits.write(0, 1);
  bits.write(32 + 1, 6); // LPC, order 2
  bits.write(0, 1); // no wasted bits
  bits.signed(x[0], 16);
  bits.signed(x[1], 16);
  bits.write(12 - 1, 4); // precision 12
  bits.signed(10, 5); // shift
  bits.signed(coefficients[0], 12);
  bits.signed(coefficients[1], 12);
  bits.write(0, 2); // 4-bit Rice parameters
  bits.write(1, 4); // two partitions of 32
  // Partition 0 escaped: raw 12-bit residuals; partition 1 Rice k = 4.
  bits.write(15, 4);
  bits.write(12, 5);
  for (let i = 2; i < 32; i++) bits.signed(residual[i], 12);
  bits.write(4, 4);
  for (let i = 32; i < n; i++) {
    const u = residual[i] >= 0 ? 2 * residual[i] : -2 * residual[i] - 1;
    for (let q = 0; q < u >> 4; q++) bits.write(0, 1);
    bits.write(1, 1);
    bits.write(u & 15, 4);
  }
  bits.align();
  bits.write(flacCrc16(Uint8Array.from(bits.bytes)), 16);
  const decoder = new FlacStreamDecoder();
  const frames = decoder.push(concat([header, Uint8Array.from(bits.bytes)]));
  equal(frames.length, 1, JSON.stringify(decoder.counters));
  deepEqual(integers(frames), x);
  equal(frames[0].sampleRate, 8000);
});

Deno.test("flacHeader() needs fLaC and STREAMINFO first", () => {
  equal(flacHeader(new Uint8Array(0)), undefined);
  equal(flacHeader(Uint8Array.of(0x66, 0x4c)), undefined);
  equal(flacHeader(Uint8Array.of(0x66, 0x4c, 0x61, 0x43)), undefined);
  equal(flacHeader(Uint8Array.of(0x4f, 0x67, 0x67, 0x53)), null);
  // A VORBIS_COMMENT block first is not a header WebCodecs can use.
  equal(flacHeader(Uint8Array.of(0x66, 0x4c, 0x61, 0x43, 0x84, 0, 0, 0)), null);
});
