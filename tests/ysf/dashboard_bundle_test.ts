// The dashboard's files are text imports: `deno bundle` must inline them so
// the bundled program serves the page without reading any file.
import { equal, ok } from "node:assert/strict";
import { bundleOrSkip } from "../_bundle.ts";

const decoder = new TextDecoder();

Deno.test("YsfDashboard bundles with deno bundle and serves its embedded files with no permissions", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_dashboard_bundle_" });
  try {
    const dashboard = new URL(
      "../../lib/ysf/web/dashboard.ts",
      import.meta.url,
    );
    const core = new URL(
      "../../lib/ysf/reflector/reflector.ts",
      import.meta.url,
    );
    const entry = `${dir}/entry.ts`;
    const bundle = `${dir}/bundle.js`;
    await Deno.writeTextFile(
      entry,
      `import { YsfDashboard } from ${JSON.stringify(dashboard.href)};
import { YsfReflectorCore } from ${JSON.stringify(core.href)};
const core = new YsfReflectorCore({ name: "BUNDLED" }, { send() {} });
const dashboard = new YsfDashboard(() => core.snapshot());
const out: Record<string, [number, string, string]> = {};
for (const path of ["/", "/dashboard.js", "/dashboard_state.js", "/dashboard.css", "/favicon.svg"]) {
  const response = await dashboard.handle(new Request("http://localhost" + path));
  out[path] = response === null
    ? [0, "", ""]
    : [response.status, response.headers.get("content-type") ?? "", await response.text()];
}
await dashboard.close();
console.log(JSON.stringify(out));
`,
    );
    if (!(await bundleOrSkip(entry, bundle))) return;
    const source = await Deno.readTextFile(bundle);
    ok(!source.includes('dashboard.html"'), "bundle still imports the page");

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
      [number, string, string]
    >;
    const files: Record<string, string> = {
      "/": "dashboard.html",
      "/dashboard.js": "dashboard.js",
      "/dashboard_state.js": "dashboard_state.js",
      "/dashboard.css": "dashboard.css",
      "/favicon.svg": "favicon.svg",
    };
    for (const [path, file] of Object.entries(files)) {
      const [status, type, body] = served[path];
      equal(status, 200, path);
      ok(type !== "", path);
      const original = await Deno.readTextFile(
        new URL(`../../lib/ysf/web/${file}`, import.meta.url),
      );
      equal(body, original, `${path} is ${file}, byte for byte`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
