import { equal, ok } from "node:assert/strict";
import { bundleAndRun, libImport } from "../_bundle.ts";

Deno.test("createPffft() bundles with deno bundle and runs with no permissions", async () => {
  // Run without a config, with every permission denied and no prompt: any
  // file, env or net access would throw.
  const run = await bundleAndRun<
    { backend: string; re: number; im: number; leak: number }
  >(
    `import { createPffft } from ${libImport("sdr/fft/pffft_backend.ts")};
const fft = await createPffft(256, "complex");
for (let n = 0; n < 256; n++) {
  fft.input[2 * n] = Math.cos((2 * Math.PI * 17 * n) / 256);
  fft.input[2 * n + 1] = Math.sin((2 * Math.PI * 17 * n) / 256);
}
fft.forward();
let leak = 0;
for (let k = 0; k < 256; k++) {
  if (k !== 17) leak = Math.max(leak, Math.hypot(fft.output[2 * k], fft.output[2 * k + 1]));
}
console.log(JSON.stringify({ backend: fft.backend, re: fft.output[34], im: fft.output[35], leak }));
`,
  );
  if (!run) return;
  ok(
    !run.source.includes('pffft_backend.ts"'),
    "bundle still imports the source",
  );
  const result = run.output;
  equal(result.backend, "pffft");
  ok(Math.abs(result.re - 256) < 1e-3, `bin 17 re ${result.re}`);
  ok(Math.abs(result.im) < 1e-3, `bin 17 im ${result.im}`);
  ok(result.leak < 1e-3, `leakage ${result.leak}`);
});
