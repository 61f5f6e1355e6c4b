// CPU cost of the per-listener audio encoders: FLAC (ours) and Opus
// (libopus via opusscript's wasm) on 12 kHz listener audio in 384-sample
// blocks (one FFT frame each), as a share of one core per listener.
//
//   deno run -A bench/sdr_codec_cost.ts
import { FlacEncoder } from "../lib/sdr/wire/flac_encoder.ts";
import { OpusEncoder } from "../lib/sdr/wire/opus_encoder.ts";

const BLOCKS = 3125; // 100 s of 12 kHz audio in 384-sample blocks
const pcm: Int16Array[] = [];
let n = 0;
for (let b = 0; b < 64; b++) {
  const x = new Int16Array(384);
  for (let i = 0; i < 384; i++, n++) {
    // A tone, a wobble and a little pseudo-random noise: speech-like enough
    // to keep the encoders honest.
    x[i] = Math.round(
      6000 * Math.sin(2 * Math.PI * 1000 * n / 12000) +
        1500 * Math.sin(n * 0.37) +
        800 * (((n * 2654435761) >>> 16) % 100 - 50) / 50,
    );
  }
  pcm.push(x);
}

function run(label: string, encode: (x: Int16Array) => unknown): void {
  for (let b = 0; b < 500; b++) encode(pcm[b % 64]); // warm up
  const t0 = performance.now();
  for (let b = 0; b < BLOCKS; b++) encode(pcm[b % 64]);
  const ms = performance.now() - t0;
  console.log(
    `${label}: ${(ms / 100).toFixed(2)} ms per second of audio = ${
      (ms / 1000).toFixed(2)
    } % of a core per listener`,
  );
}

const flac = new FlacEncoder({ sampleRate: 12000, blockSize: 384 });
run("flac 12 kHz", (x) => flac.encode(x));
for (const complexity of [0, 5, 10]) {
  const opus = new OpusEncoder({ sampleRate: 12000, complexity });
  run(`opus 12 kHz complexity ${complexity}`, (x) => opus.encode(x));
  opus.close();
}
