import { equal, ok } from "node:assert/strict";
import { bundleOrSkip } from "../_bundle.ts";

const decoder = new TextDecoder();

Deno.test("SdrServer bundles with deno bundle and runs its DSP worker with only net permission", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_sdr_bundle_" });
  try {
    const lib = (path: string) =>
      JSON.stringify(new URL(`../../lib/sdr/${path}`, import.meta.url).href);
    const entry = `${dir}/entry.ts`;
    const bundle = `${dir}/bundle.js`;
    await Deno.writeTextFile(
      entry,
      `import { SdrServer } from ${lib("server/sdr_server.ts")};
import { SdrProbe } from ${lib("server/sdr_probe.ts")};
import { SyntheticSource } from ${lib("sources/synthetic_source.ts")};
const server = await SdrServer.start({
  source: new SyntheticSource({ sps: 96000 }),
  hostname: "127.0.0.1", port: 0, fftSize: 2048, waterfallSize: 256,
});
const base = "ws://127.0.0.1:" + server.addr.port;
const waterfall = await SdrProbe.connect(base, "waterfall");
const audio = await SdrProbe.connect(base, "audio");
await waterfall.waitFor(() => waterfall.lines.length >= 2, 10000);
await audio.waitFor(() => audio.audio.length >= 10, 10000);
console.log(JSON.stringify({
  backend: server.backend,
  lines: waterfall.lines.length,
  width: waterfall.lines[0].data.length,
  audio: audio.audio.length,
}));
await waterfall.close();
await audio.close();
await server.close();
`,
    );
    if (!(await bundleOrSkip(entry, bundle))) return;
    const source = await Deno.readTextFile(bundle);
    ok(!source.includes("dsp_worker.ts"), "bundle refers to the worker file");
    // Run from the temp dir, without a config, with nothing but loopback
    // networking: a worker loaded from a file, or a read of the wasm, would
    // fail here.
    const ran = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-config",
        "--no-prompt",
        "--allow-net=127.0.0.1",
        bundle,
      ],
      cwd: dir,
      env: { NO_COLOR: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = decoder.decode(ran.stderr);
    equal(ran.code, 0, stderr);
    const result = JSON.parse(decoder.decode(ran.stdout));
    equal(result.backend, "pffft");
    ok(result.lines >= 2);
    equal(result.width, 256);
    ok(result.audio >= 10);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
