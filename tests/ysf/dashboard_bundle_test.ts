// The dashboard's files are text imports: `deno bundle` must inline them so
// the bundled program serves the page without reading any file.
import { equal, ok } from "node:assert/strict";
import { bundleAndRun, libImport } from "../_bundle.ts";

Deno.test("YsfDashboard bundles with deno bundle and serves its embedded files with no permissions", async () => {
  // Run without a config, with every permission denied and no prompt: any
  // file read would throw.
  const run = await bundleAndRun<Record<string, [number, string, string]>>(
    `import { YsfDashboard } from ${libImport("ysf/web/dashboard.ts")};
import { YsfReflectorCore } from ${libImport("ysf/reflector/reflector.ts")};
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
  if (!run) return;
  ok(!run.source.includes('dashboard.html"'), "bundle still imports the page");
  const served = run.output;
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
});
