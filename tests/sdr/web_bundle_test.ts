// The web client's files are text imports: `deno bundle` (what `deno task
// bundle` runs) must inline them, so the bundled program serves the page
// without reading any file.
import { equal, ok } from "node:assert/strict";
import { WEB_CLIENT_FILES } from "../../lib/sdr/web/web_client.ts";
import { bundleOrSkip } from "../_bundle.ts";

const decoder = new TextDecoder();

Deno.test("webClientSource() bundles with deno bundle and serves its embedded files with no permissions", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_web_bundle_" });
  try {
    const web = new URL("../../lib/sdr/web/mod.ts", import.meta.url);
    const statics = new URL(
      "../../lib/core/http/static_files.ts",
      import.meta.url,
    );
    const entry = `${dir}/entry.ts`;
    const bundle = `${dir}/bundle.js`;
    await Deno.writeTextFile(
      entry,
      `import { webClientSource, WEB_CLIENT_FILES } from ${
        JSON.stringify(web.href)
      };
import { serveStatic } from ${JSON.stringify(statics.href)};
const source = webClientSource();
const out: Record<string, [number, string]> = {};
for (const name of Object.keys(WEB_CLIENT_FILES)) {
  const response = await serveStatic(new Request("http://localhost/" + name), source);
  out[name] = response === null ? [0, ""] : [response.status, await response.text()];
}
console.log(JSON.stringify(out));
`,
    );
    if (!(await bundleOrSkip(entry, bundle))) return;
    const source = await Deno.readTextFile(bundle);
    ok(
      !/with\s*\{\s*type:\s*"text"/.test(source),
      "the bundle still has text imports",
    );
    // Run from the temp dir, without a config, with every permission denied
    // and no prompt: any file read would throw.
    const ran = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--no-config", "--no-prompt", bundle],
      cwd: dir,
      env: { NO_COLOR: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    equal(ran.code, 0, decoder.decode(ran.stderr));
    const served = JSON.parse(decoder.decode(ran.stdout)) as Record<
      string,
      [number, string]
    >;
    equal(Object.keys(served).length, Object.keys(WEB_CLIENT_FILES).length);
    for (const [name, text] of Object.entries(WEB_CLIENT_FILES)) {
      equal(served[name][0], 200, name);
      equal(served[name][1], text, `${name} byte for byte`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
