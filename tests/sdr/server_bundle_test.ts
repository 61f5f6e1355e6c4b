import { equal, ok } from "node:assert/strict";
import { bundleAndRun, libImport } from "../_bundle.ts";

Deno.test("SdrServer bundles with deno bundle and runs its DSP worker with only net permission", async () => {
  // Run without a config, with nothing but loopback networking: a worker
  // loaded from a file, or a read of the wasm, would fail here.
  const run = await bundleAndRun<
    { backend: string; lines: number; width: number; audio: number }
  >(
    `import { SdrServer } from ${libImport("sdr/server/sdr_server.ts")};
import { SdrProbe } from ${libImport("sdr/server/sdr_probe.ts")};
import { SyntheticSource } from ${libImport("sdr/sources/synthetic_source.ts")};
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
    { permissions: ["--allow-net=127.0.0.1"] },
  );
  if (!run) return;
  ok(!run.source.includes("dsp_worker.ts"), "bundle refers to the worker file");
  const result = run.output;
  equal(result.backend, "pffft");
  ok(result.lines >= 2);
  equal(result.width, 256);
  ok(result.audio >= 10);
});
