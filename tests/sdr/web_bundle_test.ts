// The web client's files are text imports: `deno bundle` (what `deno task
// bundle` runs) must inline them, so the bundled program serves the page
// without reading any file.
import { equal, ok } from "node:assert/strict";
import { WEB_CLIENT_FILES } from "../../lib/sdr/web/web_client.ts";
import { bundleAndRun, libImport } from "../_bundle.ts";

Deno.test("webClientSource() bundles with deno bundle and serves its embedded files with no permissions", async () => {
  // Run without a config, with every permission denied and no prompt: any
  // file read would throw.
  const run = await bundleAndRun<Record<string, [number, string]>>(
    `import { webClientSource, WEB_CLIENT_FILES } from ${
      libImport("sdr/web/mod.ts")
    };
import { serveStatic } from ${libImport("core/http/static_files.ts")};
const source = webClientSource();
const out: Record<string, [number, string]> = {};
for (const name of Object.keys(WEB_CLIENT_FILES)) {
  const response = await serveStatic(new Request("http://localhost/" + name), source);
  out[name] = response === null ? [0, ""] : [response.status, await response.text()];
}
console.log(JSON.stringify(out));
`,
  );
  if (!run) return;
  ok(
    !/with\s*\{\s*type:\s*"text"/.test(run.source),
    "the bundle still has text imports",
  );
  const served = run.output;
  equal(Object.keys(served).length, Object.keys(WEB_CLIENT_FILES).length);
  for (const [name, text] of Object.entries(WEB_CLIENT_FILES)) {
    equal(served[name][0], 200, name);
    equal(served[name][1], text, `${name} byte for byte`);
  }
});
