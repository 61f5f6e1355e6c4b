/**
 * Benchmarks of lib/sdr/wire, the per-client encoders of `shack sdr serve`:
 *
 * - FLAC: one audio block at the default layout (12 kHz, RTL-SDR 2.048 MS/s
 *   with N = 131072: 384 samples per FFT frame, 31.25 blocks/s per client)
 *   for speech-like audio (tone + noise), band noise and silence, plus the
 *   CBOR packet around it. A WBFM block (192 kHz: 6144 samples) for scale.
 * - Waterfall: one 1024-bin line, CBOR encoding alone and CBOR + zstd
 *   (per-connection stream, flush per line, awaited).
 * - parseCommand() of a typical `window` command.
 *
 * Run: `deno bench -A bench/sdr_wire_bench.ts`
 *
 * @module
 */

import { encodeAudioPacket } from "../lib/sdr/wire/audio_packet.ts";
import { parseCommand } from "../lib/sdr/wire/commands.ts";
import { FlacEncoder } from "../lib/sdr/wire/flac_encoder.ts";
import { WaterfallCompressor } from "../lib/sdr/wire/waterfall_compressor.ts";
import { encodeWaterfallPacket } from "../lib/sdr/wire/waterfall_packet.ts";

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const random = prng(1);
const gauss = () => random() + random() + random() - 1.5;

function audioBlocks(
  length: number,
  count: number,
  sample: (i: number) => number,
): Int16Array[] {
  return Array.from(
    { length: count },
    (_, b) =>
      Int16Array.from({ length }, (_, i) => {
        const v = Math.round(sample(b * length + i));
        return Math.max(-32768, Math.min(32767, v));
      }),
  );
}

const BLOCK = 384;
const signals: Record<string, Int16Array[]> = {
  "speech-like (tone + noise)": audioBlocks(
    BLOCK,
    64,
    (i) =>
      6000 * Math.sin(i * 0.21) * (1 + 0.5 * Math.sin(i * 0.003)) +
      800 * gauss(),
  ),
  "band noise": audioBlocks(BLOCK, 64, () => 9000 * gauss()),
  silence: audioBlocks(BLOCK, 64, () => 0),
};

for (const [name, blocks] of Object.entries(signals)) {
  const encoder = new FlacEncoder({ sampleRate: 12000, blockSize: BLOCK });
  let n = 0;
  let bytes = 0;
  Deno.bench({
    name: `FLAC encode, 384 samples at 12 kHz, ${name}`,
    group: "flac 12 kHz",
    baseline: name === "band noise",
    fn() {
      bytes += encoder.encode(blocks[n++ % blocks.length]).length;
    },
  });
}

{
  const encoder = new FlacEncoder({ sampleRate: 12000, blockSize: BLOCK });
  const block = signals["speech-like (tone + noise)"][0];
  Deno.bench({
    name: "FLAC encode + CBOR audio packet, 384 samples, speech-like",
    group: "flac 12 kHz",
    fn() {
      encodeAudioPacket({
        frameNum: 1,
        l: 0,
        m: 71936,
        r: 192,
        pwr: 1.5e-9,
        data: encoder.encode(block),
      });
    },
  });
}

{
  const wbfm = audioBlocks(
    6144,
    8,
    (i) => 9000 * Math.sin(i * 0.05) + 3000 * gauss(),
  );
  const encoder = new FlacEncoder({ sampleRate: 192000, blockSize: 6144 });
  let n = 0;
  Deno.bench({
    name: "FLAC encode, 6144 samples at 192 kHz (WBFM), tone + noise",
    group: "flac 192 kHz",
    fn() {
      encoder.encode(wbfm[n++ % wbfm.length]);
    },
  });
}

// 256 distinct lines (256 KiB, twice the zstd window): no line repeats
// within the window, as in a live waterfall.
const LINES = 256;
const lines = Array.from({ length: LINES }, () => {
  const data = new Int8Array(1024);
  for (let i = 0; i < 1024; i++) {
    data[i] = -70 + Math.round(gauss() * 6) + (i % 97 === 5 ? 45 : 0);
  }
  return data;
});

{
  let n = 0;
  Deno.bench({
    name: "waterfall CBOR packet, 1024-bin line",
    group: "waterfall",
    fn() {
      encodeWaterfallPacket({
        frameNum: n,
        l: 0,
        r: 131072,
        data: lines[n++ % LINES],
      });
    },
  });
}

{
  const compressor = new WaterfallCompressor();
  let n = 0;
  Deno.bench({
    name: "waterfall CBOR + zstd (stream, flush per line), 1024-bin line",
    group: "waterfall",
    async fn() {
      await compressor.compressLine({
        frameNum: n,
        l: 0,
        r: 131072,
        data: lines[n++ % LINES],
      });
    },
  });
  globalThis.addEventListener("unload", () => compressor.close());
}

{
  const options = {
    socket: "audio",
    fftResultSize: 131072,
    audioMaxFft: 768,
  } as const;
  Deno.bench({
    name: "parseCommand() audio window",
    group: "commands",
    fn() {
      parseCommand('{"cmd":"window","l":71936,"m":71936.5,"r":72128}', options);
    },
  });
}
