// The embedded web client's files: complete (every import and link
// resolves to an embedded file), self-contained (no outside URLs), served
// by SdrServer at / with the right types, and the generated zstd.js is the
// bundle of the fzstd version in deno.json.
import { deepEqual, equal, ok } from "node:assert/strict";
import { SdrServer } from "../../lib/sdr/server/sdr_server.ts";
import { SyntheticSource } from "../../lib/sdr/sources/synthetic_source.ts";
import {
  buildZstdBundle,
  ZSTD_BUNDLE_URL,
} from "../../lib/sdr/web/build_zstd_bundle.ts";
import { webClientSource } from "../../lib/sdr/web/mod.ts";
import { WEB_CLIENT_FILES } from "../../lib/sdr/web/web_client.ts";

const WEB_DIR = new URL("../../lib/sdr/web/", import.meta.url);

Deno.test("WEB_CLIENT_FILES holds every browser file of lib/sdr/web, byte for byte", async () => {
  const onDisk: string[] = [];
  for await (const entry of Deno.readDir(WEB_DIR)) {
    if (!entry.isFile) continue;
    if (/\.(js|css|html|svg)$/.test(entry.name)) onDisk.push(entry.name);
  }
  deepEqual(Object.keys(WEB_CLIENT_FILES).sort(), onDisk.sort());
  for (const name of onDisk) {
    equal(
      WEB_CLIENT_FILES[name],
      await Deno.readTextFile(new URL(name, WEB_DIR)),
      name,
    );
  }
});

Deno.test("WEB_CLIENT_FILES: every import, worker and link resolves to an embedded file", () => {
  const files = WEB_CLIENT_FILES;
  const wanted = new Set<string>();
  for (const [name, text] of Object.entries(files)) {
    if (name.endsWith(".js")) {
      for (const m of text.matchAll(/(?:from|import)\s*"(\.\/[^"]+)"/g)) {
        wanted.add(m[1].slice(2));
      }
      for (
        const m of text.matchAll(/new URL\("(\.\/[^"]+)", import\.meta\.url\)/g)
      ) {
        wanted.add(m[1].slice(2));
      }
    }
  }
  for (const m of files["index.html"].matchAll(/(?:src|href)="([^"]+)"/g)) {
    wanted.add(m[1]);
  }
  ok(
    wanted.has("app.js") && wanted.has("audio_worker.js") &&
      wanted.has("zstd.js"),
  );
  for (const name of wanted) {
    ok(Object.hasOwn(files, name), `${name} is embedded`);
  }
});

Deno.test("WEB_CLIENT_FILES load nothing from outside (no URLs, fonts or CDNs)", () => {
  for (const [name, text] of Object.entries(WEB_CLIENT_FILES)) {
    // (An SVG's xmlns is a name, not a request.)
    const code = text.replace(/xmlns="[^"]*"/g, "");
    ok(!/\b(?:https?|wss?):\/\//.test(code), `${name} names an outside URL`);
    ok(!/@import|url\(/.test(text) || !name.endsWith(".css"), name);
    ok(!/fetch\(|XMLHttpRequest|importScripts/.test(text), `${name} fetches`);
  }
});

Deno.test("SdrServer serves the web client at / by default", async () => {
  const server = await SdrServer.start({
    source: new SyntheticSource({ sps: 96000 }),
    hostname: "127.0.0.1",
    port: 0,
    fftSize: 2048,
    waterfallSize: 256,
  });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const types: Record<string, string> = {
      "/": "text/html; charset=utf-8",
      "/app.js": "text/javascript; charset=utf-8",
      "/audio_worker.js": "text/javascript; charset=utf-8",
      "/zstd.js": "text/javascript; charset=utf-8",
      "/client.css": "text/css; charset=utf-8",
      "/favicon.svg": "image/svg+xml",
    };
    for (const [path, type] of Object.entries(types)) {
      const response = await fetch(base + path);
      equal(response.status, 200, path);
      ok(response.headers.get("content-type")?.startsWith(type), path);
      const name = path === "/" ? "index.html" : path.slice(1);
      equal(await response.text(), WEB_CLIENT_FILES[name], path);
    }
    const missing = await fetch(`${base}/placeholder.html`);
    equal(missing.status, 404);
    await missing.body?.cancel();
    // The source the server uses is the exported one.
    equal((await webClientSource().lookup(["app.js"]))?.kind, "file");
  } finally {
    await server.close();
  }
});

Deno.test("buildZstdBundle() matches the committed zstd.js", async () => {
  const text = await buildZstdBundle();
  equal(
    text,
    await Deno.readTextFile(ZSTD_BUNDLE_URL),
    "lib/sdr/web/zstd.js is stale: run deno run -A lib/sdr/web/build_zstd_bundle.ts",
  );
  ok(/export\s*\{\s*\w+ as Decompress\s*\}/.test(text));
});

Deno.test("zstd.js decodes the server's flushed waterfall stream message by message", async () => {
  const { Decompress } = await import("../../lib/sdr/web/zstd.js");
  const { WaterfallCompressor } = await import(
    "../../lib/sdr/wire/waterfall_compressor.ts"
  );
  const { encodeWaterfallPacket } = await import(
    "../../lib/sdr/wire/waterfall_packet.ts"
  );
  const compressor = new WaterfallCompressor();
  try {
    let out: Uint8Array[] = [];
    const zstd = new Decompress((chunk: Uint8Array) => out.push(chunk.slice()));
    for (let frameNum = 0; frameNum < 300; frameNum++) {
      const data = Int8Array.from(
        { length: 1024 },
        (_, i) => -70 + ((i * 31 + frameNum * 7) % 23) + (i === 500 ? 60 : 0),
      );
      const line = { frameNum, l: 4096, r: 5120, data };
      const message = await compressor.compressLine(line);
      out = [];
      zstd.push(message!);
      const joined = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of out) {
        joined.set(c, at);
        at += c.length;
      }
      deepEqual(joined, encodeWaterfallPacket(line), `line ${frameNum}`);
    }
  } finally {
    compressor.close();
  }
});
