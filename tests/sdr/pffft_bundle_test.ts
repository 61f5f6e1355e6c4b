import { equal, ok } from "node:assert/strict";
import { bundleOrSkip } from "../_bundle.ts";

const decoder = new TextDecoder();

Deno.test("createPffft() bundles with deno bundle and runs with no permissions", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_pffft_bundle_" });
  try {
    const backend = new URL(
      "../../lib/sdr/fft/pffft_backend.ts",
      import.meta.url,
    );
    const entry = `${dir}/entry.ts`;
    const bundle = `${dir}/bundle.js`;
    await Deno.writeTextFile(
      entry,
      `import { createPffft } from ${JSON.stringify(backend.href)};
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
    if (!(await bundleOrSkip(entry, bundle))) return;
    const source = await Deno.readTextFile(bundle);
    ok(
      !source.includes('pffft_backend.ts"'),
      "bundle still imports the source",
    );

    // Run from the temp dir, without a config, with every permission denied
    // and no prompt: any file, env or net access would throw.
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
    equal(result.backend, "pffft");
    ok(Math.abs(result.re - 256) < 1e-3, `bin 17 re ${result.re}`);
    ok(Math.abs(result.im) < 1e-3, `bin 17 im ${result.im}`);
    ok(result.leak < 1e-3, `leakage ${result.leak}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
