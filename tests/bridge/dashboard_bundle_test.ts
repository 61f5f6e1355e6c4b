// The dashboard's files are text imports: `deno bundle` must inline them so
// the bundled program serves the page without reading any file.
import { equal, ok } from "node:assert/strict";
import { bundleAndRun, libImport } from "../_bundle.ts";

Deno.test("BridgeApi bundles with deno bundle and serves its embedded dashboard with no permissions", async () => {
  const run = await bundleAndRun<Record<string, [number, string]>>(
    `import { BridgeApi } from ${libImport("bridge/api/bridge_api.ts")};
import { Lineup } from ${libImport("bridge/lineup/lineup.ts")};
import { SessionRegistry } from ${
      libImport("bridge/session/session_registry.ts")
    };
const store = { sources: () => [], mappings: () => [], setMapping() {}, deleteMapping: () => false };
const api = new BridgeApi({
  sessions: new SessionRegistry({ tunerCount: 1 }),
  store,
  lineup: new Lineup(),
  rebuildLineup: () => {},
  token: "bundle-test-token-0123",
  requireToken: true,
});
const info = { remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 } };
const out = {};
for (const file of ["", "dashboard.js", "dashboard_format.js", "dashboard.css", "favicon.svg"]) {
  const response = await api.handle(new Request("http://localhost/dashboard/" + file), info);
  out[file] = [response.status, await response.text()];
}
await api.close();
console.log(JSON.stringify(out));
`,
  );
  if (!run) return;
  ok(!run.source.includes('dashboard.html"'), "bundle still imports the page");
  const served = run.output;
  const files: Record<string, string> = {
    "": "dashboard.html",
    "dashboard.js": "dashboard.js",
    "dashboard_format.js": "dashboard_format.js",
    "dashboard.css": "dashboard.css",
    "favicon.svg": "favicon.svg",
  };
  for (const [path, file] of Object.entries(files)) {
    const expected = await Deno.readTextFile(
      new URL(`../../lib/bridge/web/${file}`, import.meta.url),
    );
    equal(served[path][0], 200, path);
    equal(served[path][1], expected, path);
  }
});
