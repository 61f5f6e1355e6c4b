import { equal, ok } from "node:assert/strict";
import { bundleAndRun, libImport } from "../_bundle.ts";

Deno.test("OpusEncoder bundles with deno bundle and runs with no permissions (the .wasm travels inside)", async () => {
  // Run without a config, with every permission denied and no prompt:
  // reading the .wasm from disk would throw.
  const run = await bundleAndRun<
    { samples: number; bytes: number; level: number }
  >(
    `import { OpusEncoder } from ${libImport("sdr/wire/opus_encoder.ts")};
import { OpusDecoder } from ${libImport("sdr/wire/opus_decoder.ts")};
const encoder = new OpusEncoder({ sampleRate: 12000 });
const decoder = new OpusDecoder({ sampleRate: 12000 });
const out = [];
let n = 0;
let bytes = 0;
for (let block = 0; block < 50; block++) {
  const pcm = new Int16Array(384);
  for (let i = 0; i < pcm.length; i++, n++) pcm[i] = Math.round(8000 * Math.sin(2 * Math.PI * 1000 * n / 12000));
  for (const packet of encoder.encode(pcm)) {
    bytes += packet.length;
    out.push(...decoder.decode(packet));
  }
}
encoder.close();
decoder.close();
// Goertzel at 1 kHz over the second half.
const half = out.slice(out.length / 2);
const c = 2 * Math.cos(2 * Math.PI * 1000 / 12000);
let s1 = 0, s2 = 0;
for (const x of half) { const s = x + c * s1 - s2; s2 = s1; s1 = s; }
const level = (s1 * s1 + s2 * s2 - c * s1 * s2) / (half.length * half.length);
console.log(JSON.stringify({ samples: out.length, bytes, level }));
`,
  );
  if (!run) return;
  ok(
    !run.source.includes('opus_encoder.ts"'),
    "bundle still imports the source",
  );
  ok(
    !/readFileSync\([^)]*opusscript_native_wasm\.wasm/.test(run.source),
    "no file read of the wasm",
  );
  const result = run.output;
  equal(result.samples, Math.floor((50 * 384) / 240) * 240);
  ok(result.bytes > 0);
  ok(
    result.level > 1.2e7 && result.level < 2e7,
    `tone level ${result.level}`,
  );
});
