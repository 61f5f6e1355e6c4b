import { equal, ok } from "node:assert/strict";
import { bundleOrSkip } from "../_bundle.ts";

const decoder = new TextDecoder();

Deno.test("OpusEncoder bundles with deno bundle and runs with no permissions (the .wasm travels inside)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_opus_bundle_" });
  try {
    const encoder = new URL(
      "../../lib/sdr/wire/opus_encoder.ts",
      import.meta.url,
    );
    const decoderUrl = new URL(
      "../../lib/sdr/wire/opus_decoder.ts",
      import.meta.url,
    );
    const entry = `${dir}/entry.ts`;
    const bundle = `${dir}/bundle.js`;
    await Deno.writeTextFile(
      entry,
      `import { OpusEncoder } from ${JSON.stringify(encoder.href)};
import { OpusDecoder } from ${JSON.stringify(decoderUrl.href)};
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
    if (!(await bundleOrSkip(entry, bundle))) return;
    const source = await Deno.readTextFile(bundle);
    ok(!source.includes('opus_encoder.ts"'), "bundle still imports the source");
    ok(
      !/readFileSync\([^)]*opusscript_native_wasm\.wasm/.test(source),
      "no file read of the wasm",
    );

    // Run from an empty temp dir, without a config, with every permission
    // denied and no prompt: reading the .wasm from disk would throw.
    const ran = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--no-config", "--no-prompt", bundle],
      cwd: dir,
      env: { NO_COLOR: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = decoder.decode(ran.stderr);
    equal(ran.code, 0, stderr);
    const result = JSON.parse(decoder.decode(ran.stdout));
    equal(result.samples, Math.floor((50 * 384) / 240) * 240);
    ok(result.bytes > 0);
    ok(
      result.level > 1.2e7 && result.level < 2e7,
      `tone level ${result.level}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
