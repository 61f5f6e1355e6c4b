// The dashboard's files are text imports: `deno bundle` must inline them so
// the bundled program serves the page without reading any file.
import { equal, ok } from "node:assert/strict";
import { bundleOrSkip } from "../_bundle.ts";

const decoder = new TextDecoder();

Deno.test("BridgeApi bundles with deno bundle and serves its embedded dashboard with no permissions", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_bridge_bundle_" });
  try {
    const api = new URL("../../lib/bridge/api/bridge_api.ts", import.meta.url);
    const lineup = new URL(
      "../../lib/bridge/lineup/lineup.ts",
      import.meta.url,
    );
    const registry = new URL(
      "../../lib/bridge/session/session_registry.ts",
      import.meta.url,
    );
    const entry = `${dir}/entry.ts`;
    const bundle = `${dir}/bundle.js`;
    await Deno.writeTextFile(
      entry,
      `import { BridgeApi } from ${JSON.stringify(api.href)};
import { Lineup } from ${JSON.stringify(lineup.href)};
import { SessionRegistry } from ${JSON.stringify(registry.href)};
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
    if (!(await bundleOrSkip(entry, bundle))) return;
    const source = await Deno.readTextFile(bundle);
    ok(!source.includes('dashboard.html"'), "bundle still imports the page");
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
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
