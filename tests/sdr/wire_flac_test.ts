import { deepEqual, equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import { flacCrc16, flacCrc8 } from "../../lib/sdr/wire/flac_crc.ts";
import { decodeFlac } from "../../lib/sdr/wire/flac_decoder.ts";
import {
  FlacEncoder,
  type FlacEncoderOptions,
} from "../../lib/sdr/wire/flac_encoder.ts";
import { WireFormatError } from "../../lib/sdr/wire/wire_format_error.ts";

const FLAC = "/usr/bin/flac";
const hasFlac = await Deno.stat(FLAC).then((s) => s.isFile, () => false);
if (!hasFlac) {
  console.log(
    `${FLAC} is absent: the tests that decode with Debian's flac are skipped`,
  );
}

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

type Signal = (i: number, channel: number) => number;

/** Test signals for `bits`-bit samples (full scale = 2^(bits−1) − 1). */
function signals(bits: number, seed: number): Record<string, Signal> {
  const full = 2 ** (bits - 1) - 1;
  const random = prng(seed);
  const noise = () => Math.round((random() * 2 - 1) * full);
  return {
    silence: () => 0,
    square: (i) => (Math.floor(i / 23) % 2 === 0 ? full : -full - 1),
    sine: (i, c) =>
      Math.round(0.8 * full * Math.sin(2 * Math.PI * i * (c ? 0.013 : 0.0271))),
    noise: () => noise(),
    quietNoise: () => Math.round((random() - 0.5) * 40),
    single: (i) => (i === 77 ? Math.round(full / 3) : 0),
    stereoCorrelated: (i, c) =>
      Math.round(0.45 * full * Math.sin(i * 0.05)) +
      (c ? Math.round((random() - 0.5) * 30) : 0),
    coarse: (i) => Math.round(0.5 * full * Math.sin(i * 0.031) / 256) * 256,
  };
}

/** Interleaved samples of one block. */
function block(
  signal: Signal,
  start: number,
  frames: number,
  channels: number,
  Type: Int16ArrayConstructor | Int32ArrayConstructor,
): Int16Array | Int32Array {
  const out = new Type(frames * channels);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      out[i * channels + c] = signal(start + i, c);
    }
  }
  return out;
}

interface Encoded {
  file: Uint8Array;
  samples: number[]; // interleaved
  frames: Uint8Array[];
}

/** Encodes a list of [signal, frames] blocks into a complete .flac file. */
function encodeFile(
  options: FlacEncoderOptions,
  blocks: [Signal, number][],
): Encoded {
  const encoder = new FlacEncoder(options);
  const channels = options.channels ?? 1;
  const Type = (options.bitsPerSample ?? 16) === 16 ? Int16Array : Int32Array;
  const parts = [encoder.header()];
  const frames: Uint8Array[] = [];
  const samples: number[] = [];
  let start = 0;
  for (const [signal, count] of blocks) {
    const data = block(signal, start, count, channels, Type);
    const frame = encoder.encode(data);
    parts.push(frame);
    frames.push(frame);
    samples.push(...data);
    start += count;
  }
  const file = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    file.set(part, offset);
    offset += part.length;
  }
  return { file, samples, frames };
}

/** Decodes with `flac -d` to raw little-endian signed samples. */
async function flacDecode(file: Uint8Array, bits: number): Promise<number[]> {
  const dir = await Deno.makeTempDir({ prefix: "shack_flac_" });
  try {
    await Deno.writeFile(`${dir}/in.flac`, file);
    const out = await new Deno.Command(FLAC, {
      args: [
        "-d",
        "-f",
        "--silent",
        "--force-raw-format",
        "--endian=little",
        "--sign=signed",
        "-o",
        `${dir}/out.raw`,
        `${dir}/in.flac`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    if (!out.success || /ERROR/.test(stderr)) {
      throw new Error(`flac -d failed (${out.code}): ${stderr}`);
    }
    const raw = await Deno.readFile(`${dir}/out.raw`);
    const view = new DataView(raw.buffer);
    const bytes = Math.ceil(bits / 8);
    const samples: number[] = [];
    for (let i = 0; i < raw.length; i += bytes) {
      if (bytes === 1) samples.push(view.getInt8(i));
      else if (bytes === 2) samples.push(view.getInt16(i, true));
      else samples.push(view.getUint16(i, true) | (view.getInt8(i + 2) << 16));
    }
    return samples;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** `flac -t` exit status and stderr. */
async function flacTest(
  file: Uint8Array,
): Promise<{ ok: boolean; stderr: string }> {
  const dir = await Deno.makeTempDir({ prefix: "shack_flac_" });
  try {
    await Deno.writeFile(`${dir}/in.flac`, file);
    const out = await new Deno.Command(FLAC, {
      args: ["-t", "--silent", `${dir}/in.flac`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    return { ok: out.success && !/ERROR/.test(stderr), stderr };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One file holding every test signal, ending with a very short block. */
function allSignals(options: FlacEncoderOptions, seed: number): Encoded {
  const s = signals(options.bitsPerSample ?? 16, seed);
  const n = options.blockSize;
  const blocks: [Signal, number][] = Object.values(s).map((
    signal,
  ) => [signal, n]);
  blocks.push([s.noise, n], [s.sine, n], [s.sine, 3]); // very short final block
  return encodeFile(options, blocks);
}

const MATRIX: FlacEncoderOptions[] = [
  // The default audio layout: 12 kHz (not in the table: 8-bit kHz code), 384 samples.
  { sampleRate: 12000, blockSize: 384 },
  // A rate with no kHz representation (16-bit Hz code), odd block size.
  { sampleRate: 12041, blockSize: 274 },
  // WBFM audio (table rate), table block size, stereo.
  { sampleRate: 192000, blockSize: 4096, channels: 2 },
  // Tens-of-Hz code, 8-bit block-size code, stereo.
  { sampleRate: 441000, blockSize: 100, channels: 2 },
  // No header code fits: "see STREAMINFO".
  { sampleRate: 123457, blockSize: 6144 },
  // 8-bit and 24-bit streams (Int32Array input; 25-bit side channel in
  // stereo), 20-bit in stereo (checked with `flac -t` only).
  { sampleRate: 8000, blockSize: 192, bitsPerSample: 8 },
  { sampleRate: 48000, blockSize: 1152, bitsPerSample: 24 },
  { sampleRate: 96000, blockSize: 2304, bitsPerSample: 24, channels: 2 },
  { sampleRate: 32000, blockSize: 576, bitsPerSample: 20, channels: 2 },
  // Smallest and largest block sizes.
  { sampleRate: 16000, blockSize: 16 },
  { sampleRate: 24000, blockSize: 65535 },
];

for (const [index, options] of MATRIX.entries()) {
  const bits = options.bitsPerSample ?? 16;
  const name = `${options.sampleRate} Hz, ${options.blockSize} samples, ${
    options.channels ?? 1
  } ch, ${bits} bit`;
  Deno.test({
    name:
      `FlacEncoder.encode() decodes bit-exactly with Debian's flac: ${name}`,
    ignore: !hasFlac,
    async fn() {
      const { file, samples } = allSignals(options, 1000 + index);
      const tested = await flacTest(file);
      ok(tested.ok, tested.stderr);
      // flac writes raw output only for 8/16/24/32-bit streams; other widths
      // are checked by `flac -t` (CRCs, structure) and decodeFlac() below.
      if (bits % 8 !== 0) return;
      const decoded = await flacDecode(file, bits);
      equal(decoded.length, samples.length);
      deepEqual(decoded, samples);
    },
  });

  Deno.test(`decodeFlac() reads FlacEncoder output back: ${name}`, () => {
    const { file, samples } = allSignals(options, 1000 + index);
    const stream = decodeFlac(file);
    const channels = options.channels ?? 1;
    const interleaved: number[] = [];
    for (let i = 0; i < stream.channels[0].length; i++) {
      for (let c = 0; c < channels; c++) {
        interleaved.push(stream.channels[c][i]);
      }
    }
    deepEqual(interleaved, samples);
    equal(stream.sampleRate, options.sampleRate);
    equal(stream.bitsPerSample, bits);
    equal(stream.minBlockSize, options.blockSize);
    equal(stream.maxBlockSize, options.blockSize);
    deepEqual(stream.metadataTypes, [0, 4]);
    equal(stream.frames.at(-1)?.blockSize, 3);
    for (const [n, frame] of stream.frames.entries()) {
      equal(frame.frameNumber, n);
    }
  });
}

Deno.test("FlacEncoder writes rates outside the table explicitly in the frame header", () => {
  const cases: [number, number][] = [
    [12000, 12], // kHz, 8 bits
    [12041, 13], // Hz, 16 bits
    [441000, 14], // tens of Hz, 16 bits
    [123457, 0], // none fits: STREAMINFO
    [48000, 10], // table
    [192000, 3],
  ];
  for (const [sampleRate, code] of cases) {
    const { file } = encodeFile({ sampleRate, blockSize: 64 }, [[() => 1, 64], [
      (i) => i,
      64,
    ]]);
    const stream = decodeFlac(file);
    for (const frame of stream.frames) {
      equal(frame.sampleRateCode, code, `${sampleRate}`);
      equal(frame.sampleRate, sampleRate);
    }
  }
});

Deno.test("FlacEncoder picks CONSTANT, FIXED and VERBATIM subframes by size", () => {
  const s = signals(16, 42);
  const { file, frames } = encodeFile({ sampleRate: 12000, blockSize: 384 }, [
    [s.silence, 384],
    [s.sine, 384],
    [s.noise, 384],
    [s.single, 384],
    [s.coarse, 384],
  ]);
  const stream = decodeFlac(file);
  deepEqual(stream.frames[0].subframes, ["constant"]);
  ok(stream.frames[1].subframes[0].startsWith("fixed"));
  ok(frames[1].length < 384 * 2 * 0.5, `sine frame ${frames[1].length} bytes`);
  deepEqual(stream.frames[2].subframes, ["verbatim"]);
  ok(frames[2].length <= 384 * 2 + 16, `noise frame ${frames[2].length} bytes`);
  ok(frames[3].length < 100, `single-sample frame ${frames[3].length} bytes`);
  ok(frames[4].length < frames[1].length, "wasted bits shifted out");
  // Header: sync 2, codes 2, frame number 1, block size 2, rate 1, CRC-8 1;
  // CONSTANT subframe 1 + 2; CRC-16 2.
  equal(frames[0].length, 9 + 3 + 2);
});

Deno.test("FlacEncoder picks a stereo decorrelation", () => {
  const s = signals(16, 5);
  const { file } = encodeFile({
    sampleRate: 48000,
    blockSize: 1024,
    channels: 2,
  }, [
    [s.stereoCorrelated, 1024],
    [(i, c) => (c ? 0 : s.noise(i, c)), 1024],
    [(i) => Math.round(9000 * Math.sin(i * 0.02)), 1024],
  ]);
  const assignments = decodeFlac(file).frames.map((f) => f.channelAssignment);
  ok(assignments[0] >= 8, `correlated: ${assignments[0]}`);
  equal(assignments[1], 1); // independent: R is silent, side would cost more
  ok(assignments[2] >= 8); // identical channels: side is constant
});

Deno.test("FlacEncoder frame numbers use up to three UTF-8 bytes", {
  ignore: !hasFlac,
}, async () => {
  const encoder = new FlacEncoder({ sampleRate: 8000, blockSize: 16 });
  const frames = 70000; // > 2^16
  const parts: Uint8Array[] = [encoder.header()];
  const silence = new Int16Array(16);
  const tone = Int16Array.from({ length: 16 }, (_, i) => i * 100);
  for (let n = 0; n < frames; n++) {
    parts.push(encoder.encode(n % 1000 === 0 ? tone : silence));
  }
  const file = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    file.set(part, offset);
    offset += part.length;
  }
  equal(encoder.framesEncoded, frames);
  const decoded = await flacDecode(file, 16);
  equal(decoded.length, frames * 16);
  deepEqual(decoded.slice(69000 * 16, 69000 * 16 + 16), [...tone]);
  deepEqual(decoded.slice(69001 * 16, 69001 * 16 + 16), [...silence]);
});

Deno.test(
  "Debian's flac rejects a frame with a flipped bit (the CRCs are checked)",
  {
    ignore: !hasFlac,
  },
  async () => {
    const s = signals(16, 8);
    const { file, frames } = encodeFile({ sampleRate: 12000, blockSize: 384 }, [
      [s.sine, 384],
      [s.sine, 384],
    ]);
    ok((await flacTest(file)).ok);
    const headerLength = file.length - frames[0].length - frames[1].length;
    const broken = file.slice();
    broken[headerLength + 40] ^= 0x10; // inside the first frame's residual
    ok(!(await flacTest(broken)).ok);
    throws(() => decodeFlac(broken), WireFormatError);
  },
);

Deno.test("FlacEncoder.encode() round-trips random blocks (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 16, max: 700 }),
      fc.constantFrom(1, 2),
      fc.constantFrom(8, 12, 16, 17, 24),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer()), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.integer({ min: 1, max: 700 }),
      (blockSize, channels, bits, specs, last) => {
        const full = 2 ** (bits - 1);
        const random = prng(specs.length * 7919 + blockSize);
        const encoder = new FlacEncoder({
          sampleRate: 12000,
          blockSize,
          channels: channels as 1 | 2,
          bitsPerSample: bits,
        });
        const parts = [encoder.header()];
        const expected: number[] = [];
        const lengths = specs.map(() => blockSize);
        lengths.push(Math.min(last, blockSize));
        for (const [n, length] of lengths.entries()) {
          const [kind, value] = specs[n % specs.length];
          const amplitude = [1, 50, full / 4, full][kind];
          const data = new Int32Array(length * channels);
          for (let i = 0; i < data.length; i++) {
            const v = kind === 0
              ? value % full
              : Math.round((random() * 2 - 1) * amplitude);
            data[i] = Math.max(-full, Math.min(full - 1, v));
          }
          parts.push(encoder.encode(data));
          expected.push(...data);
          if (length < blockSize) break;
        }
        const bytes = new Uint8Array(
          parts.reduce((sum, p) => sum + p.length, 0),
        );
        let offset = 0;
        for (const part of parts) {
          bytes.set(part, offset);
          offset += part.length;
        }
        const stream = decodeFlac(bytes);
        const interleaved: number[] = [];
        for (let i = 0; i < stream.channels[0].length; i++) {
          for (let c = 0; c < channels; c++) {
            interleaved.push(stream.channels[c][i]);
          }
        }
        deepEqual(interleaved, expected);
      },
    ),
    { seed: 0xf1ac, numRuns: 150 },
  );
});

Deno.test("FlacEncoder.headerMessages() is fLaC, STREAMINFO and VORBIS_COMMENT", () => {
  const encoder = new FlacEncoder({
    sampleRate: 12000,
    blockSize: 384,
    vendor: "shack test",
  });
  const [magic, info, comment] = encoder.headerMessages();
  deepEqual([...magic], [0x66, 0x4c, 0x61, 0x43]);
  equal(info.length, 38);
  deepEqual([...info.subarray(0, 4)], [0x00, 0x00, 0x00, 34]); // not last, type 0
  deepEqual([...info.subarray(4, 8)], [0x01, 0x80, 0x01, 0x80]); // 384, 384
  deepEqual([...info.subarray(8, 14)], [0, 0, 0, 0, 0, 0]); // frame sizes unknown
  // 12000 << 4 | (1 − 1) << 1 | (16 − 1) >> 4 …
  deepEqual([...info.subarray(14, 18)], [0x02, 0xee, 0x00, 0xf0]);
  ok(info.subarray(18).every((b) => b === 0)); // total samples and MD5 unknown
  equal(comment[0], 0x84); // last, type 4
  const view = new DataView(comment.buffer);
  equal(view.getUint32(0) & 0xffffff, comment.length - 4);
  equal(view.getUint32(4, true), 10);
  equal(new TextDecoder().decode(comment.subarray(8, 18)), "shack test");
  equal(view.getUint32(18, true), 0);
  deepEqual(encoder.header(), new Uint8Array([...magic, ...info, ...comment]));
});

Deno.test("FlacEncoder.encode() rejects bad blocks and options", () => {
  const encoder = new FlacEncoder({
    sampleRate: 12000,
    blockSize: 32,
    bitsPerSample: 8,
  });
  throws(() => encoder.encode(new Int32Array(33)), RangeError);
  throws(() => encoder.encode(new Int32Array(0)), RangeError);
  throws(
    () => encoder.encode(Int32Array.of(...new Array(31).fill(0), 128)),
    RangeError,
  );
  throws(
    () => encoder.encode(Int16Array.of(...new Array(31).fill(0), -129)),
    RangeError,
  );
  encoder.encode(new Int32Array(32).fill(-128));
  encoder.encode(new Int32Array(5)); // final short block
  equal(encoder.finished, true);
  throws(() => encoder.encode(new Int32Array(32)), RangeError);
  const stereo = new FlacEncoder({
    sampleRate: 12000,
    blockSize: 32,
    channels: 2,
  });
  throws(() => stereo.encode(new Int16Array(63)), RangeError);
  for (
    const options of [
      { sampleRate: 0, blockSize: 384 },
      { sampleRate: 655351, blockSize: 384 },
      { sampleRate: 12000, blockSize: 15 },
      { sampleRate: 12000, blockSize: 65536 },
      { sampleRate: 12000, blockSize: 384, bitsPerSample: 25 },
      { sampleRate: 12000, blockSize: 384, channels: 3 },
      { sampleRate: 12000, blockSize: 384, maxPartitionOrder: 9 },
    ]
  ) {
    throws(
      () => new FlacEncoder(options as FlacEncoderOptions),
      RangeError,
      JSON.stringify(options),
    );
  }
});

Deno.test("flacCrc8() and flacCrc16() match hand-computed frame CRCs", () => {
  // The check values of CRC-8 (poly 07) and CRC-16/BUYPASS (poly 8005).
  const check = new TextEncoder().encode("123456789");
  equal(flacCrc8(check), 0xf4);
  equal(flacCrc16(check), 0xfee8);
  equal(flacCrc8(new Uint8Array(0)), 0);
  // A frame's CRC-16 over everything including its CRC is 0.
  const frame = new FlacEncoder({ sampleRate: 12000, blockSize: 384 }).encode(
    Int16Array.from({ length: 384 }, (_, i) => (i * 37) % 1000),
  );
  equal(flacCrc16(frame), 0);
});
