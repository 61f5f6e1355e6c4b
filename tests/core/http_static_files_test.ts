import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { CompressionCache } from "../../lib/core/http/compression_cache.ts";
import { DirectorySource } from "../../lib/core/http/directory_source.ts";
import type { FileSource } from "../../lib/core/http/file_source.ts";
import { MemorySource } from "../../lib/core/http/memory_source.ts";
import { startHttpServer } from "../../lib/core/http/server.ts";
import {
  serveStatic,
  type ServeStaticOptions,
} from "../../lib/core/http/static_files.ts";
import { rawRequest } from "../fixtures/http/raw_http.ts";

const FIXTURES = `${import.meta.dirname}/../fixtures/http`;
const ROOT = `${FIXTURES}/root`;

/** Starts a server that serves `source` and answers 404 for `null`. */
async function withStaticServer(
  source: FileSource,
  options: ServeStaticOptions,
  fn: (base: string, port: number, errors: unknown[]) => Promise<void>,
): Promise<void> {
  const errors: unknown[] = [];
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    onError: (err) => errors.push(err),
    handler: async (request) =>
      await serveStatic(request, source, {
        ...options,
        onError: (err) => errors.push(err),
      }) ?? new Response("Not found\n", { status: 404 }),
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, server.addr.port, errors);
  } finally {
    await server.shutdown();
  }
}

async function get(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  const body = new Uint8Array(await response.arrayBuffer());
  return { response, body, text: new TextDecoder().decode(body) };
}

Deno.test("serveStatic() sets the content type by extension", async () => {
  await withStaticServer(new DirectorySource(ROOT), {}, async (base) => {
    const expected: Record<string, string> = {
      "/index.html": "text/html; charset=utf-8",
      "/app.js": "text/javascript; charset=utf-8",
      "/style.css": "text/css; charset=utf-8",
      "/data.json": "application/json; charset=utf-8",
      "/logo.svg": "image/svg+xml; charset=utf-8",
      "/pixel.png": "image/png",
      "/tiny.txt": "text/plain; charset=utf-8",
      "/assets/app.map": "application/json; charset=utf-8",
      "/unknown.bin_ext": "application/octet-stream",
    };
    for (const [path, type] of Object.entries(expected)) {
      const { response, body } = await get(base + path);
      equal(response.status, 200, path);
      equal(response.headers.get("content-type"), type, path);
      equal(response.headers.get("x-content-type-options"), "nosniff");
      const onDisk = await Deno.readFile(ROOT + path);
      deepEqual(body, onDisk, path);
      equal(response.headers.get("content-length"), String(onDisk.length));
    }
  });
});

Deno.test("serveStatic() answers HEAD with the GET headers and no body", async () => {
  await withStaticServer(
    new DirectorySource(ROOT),
    { compression: new CompressionCache() },
    async (base, port) => {
      // fetch asks for gzip and br by default and decompresses: ask for none.
      const identity = { "accept-encoding": "identity" };
      for (const path of ["/app.js", "/pixel.png", "/index.html"]) {
        const full = await get(base + path, { headers: identity });
        const head = await get(base + path, {
          method: "HEAD",
          headers: identity,
        });
        equal(head.response.status, 200);
        equal(head.body.length, 0);
        for (
          const name of [
            "content-length",
            "content-type",
            "etag",
            "last-modified",
            "cache-control",
          ]
        ) {
          equal(
            head.response.headers.get(name),
            full.response.headers.get(name),
            `${path} ${name}`,
          );
        }
        equal(
          head.response.headers.get("content-length"),
          String(full.body.length),
        );
      }
      // The same holds for the compressed representation.
      const gzipGet = await rawRequest(port, "/app.js", {
        headers: { "accept-encoding": "gzip" },
      });
      const gzipHead = await rawRequest(port, "/app.js", {
        method: "HEAD",
        headers: { "accept-encoding": "gzip" },
      });
      equal(gzipHead.headers.get("content-encoding"), "gzip");
      equal(gzipHead.body.length, 0);
      equal(
        gzipHead.headers.get("content-length"),
        gzipGet.headers.get("content-length"),
      );
      equal(gzipGet.headers.get("content-length"), String(gzipGet.body.length));
    },
  );
});

Deno.test("serveStatic() gives HEAD responses no body", async () => {
  const source = new MemorySource({
    "page.html": "<p>" + "x".repeat(5000) + "</p>",
  });
  const cache = new CompressionCache();
  for (const encoding of ["identity", "gzip"]) {
    const request = new Request("http://localhost/page.html", {
      method: "HEAD",
      headers: { "accept-encoding": encoding },
    });
    const response = await serveStatic(request, source, { compression: cache });
    equal(response?.status, 200);
    equal(response?.body, null, encoding);
    ok(Number(response?.headers.get("content-length")) > 0);
  }
});

Deno.test("serveStatic() answers 304 to a matching If-None-Match or If-Modified-Since", async () => {
  await withStaticServer(new DirectorySource(ROOT), {}, async (base) => {
    const first = await get(`${base}/style.css`);
    const etag = first.response.headers.get("etag");
    ok(etag !== null);
    match(etag, /^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    const lastModified = first.response.headers.get("last-modified");
    ok(lastModified !== null);
    equal(first.response.headers.get("cache-control"), "no-cache");

    const cached = await get(`${base}/style.css`, {
      headers: { "if-none-match": etag },
    });
    equal(cached.response.status, 304);
    equal(cached.body.length, 0);
    equal(cached.response.headers.get("etag"), etag);

    const listed = await get(`${base}/style.css`, {
      headers: { "if-none-match": `"other", ${etag}` },
    });
    equal(listed.response.status, 304);

    const changed = await get(`${base}/style.css`, {
      headers: { "if-none-match": '"other"' },
    });
    equal(changed.response.status, 200);
    ok(changed.body.length > 0);

    const since = await get(`${base}/style.css`, {
      headers: { "if-modified-since": lastModified },
    });
    equal(since.response.status, 304);
    const older = await get(`${base}/style.css`, {
      headers: { "if-modified-since": new Date(0).toUTCString() },
    });
    equal(older.response.status, 200);
  });
});

Deno.test("serveStatic() never lets traversal attempts escape the root", async () => {
  await withStaticServer(
    new DirectorySource(ROOT),
    {},
    async (base, port, errors) => {
      const attempts = [
        "/../etc/passwd",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/secret.txt",
        "/..%2f..%2fetc/passwd",
        "/..%2fsecret.txt",
        "/a/../../x",
        "/a/../../secret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/sub\\..\\..\\secret.txt",
        "/secret.txt%00.html",
        "/%00",
        "/index.html%00",
        "/%c0%ae%c0%ae/secret.txt",
        "/%252e%252e/secret.txt",
        "//etc/passwd",
        "/./../secret.txt",
      ];
      for (const target of attempts) {
        const response = await rawRequest(port, target);
        ok(
          [400, 404].includes(response.status),
          `${target} gave ${response.status}`,
        );
        const text = new TextDecoder().decode(response.body);
        ok(!text.includes("TOP SECRET") && !text.includes("root:"), target);
      }
      for (
        const target of [
          "/../secret.txt",
          "/%2e%2e/secret.txt",
          "/..%2f..%2fetc/passwd",
        ]
      ) {
        const { response, text } = await get(base + target);
        ok([400, 404].includes(response.status), target);
        ok(!text.includes("TOP SECRET"), target);
      }
      // Bad paths are not server errors.
      equal(errors.length, 0);
      equal((await get(`${base}/index.html`)).response.status, 200);
    },
  );
});

Deno.test("DirectorySource refuses symlinks that point outside the root", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_http_" });
  try {
    const root = `${dir}/root`;
    await Deno.mkdir(`${root}/real_dir`, { recursive: true });
    await Deno.writeTextFile(`${dir}/outside.txt`, "TOP SECRET outside");
    await Deno.writeTextFile(`${root}/inside.txt`, "inside");
    await Deno.writeTextFile(`${root}/real_dir/page.txt`, "page");
    await Deno.symlink(`${dir}/outside.txt`, `${root}/escape.txt`);
    await Deno.symlink("../outside.txt", `${root}/escape_relative.txt`);
    await Deno.symlink(dir, `${root}/escape_dir`);
    await Deno.symlink("/etc", `${root}/etc`);
    await Deno.symlink(`${root}/inside.txt`, `${root}/link_inside.txt`);
    await Deno.symlink("real_dir", `${root}/link_dir`);
    await Deno.symlink("missing.txt", `${root}/dangling.txt`);
    await Deno.symlink("loop_b", `${root}/loop_a`);
    await Deno.symlink("loop_a", `${root}/loop_b`);

    const source = new DirectorySource(root);
    for (
      const segments of [
        ["escape.txt"],
        ["escape_relative.txt"],
        ["escape_dir"],
        ["escape_dir", "outside.txt"],
        ["etc", "passwd"],
        ["dangling.txt"],
        ["loop_a"],
      ]
    ) {
      equal(await source.lookup(segments), null, segments.join("/"));
    }
    equal((await source.lookup(["link_inside.txt"]))?.kind, "file");
    equal((await source.lookup(["link_dir", "page.txt"]))?.kind, "file");
    equal(await source.lookup([".."]), null);
    equal(await source.lookup(["real_dir", "..", "..", "outside.txt"]), null);

    await withStaticServer(source, {}, async (base) => {
      for (
        const path of [
          "/escape.txt",
          "/escape_relative.txt",
          "/escape_dir/outside.txt",
          "/etc/passwd",
          "/loop_a",
        ]
      ) {
        const { response, text } = await get(base + path);
        equal(response.status, 404, path);
        ok(!text.includes("TOP SECRET"));
      }
      equal((await get(`${base}/link_inside.txt`)).text, "inside");
      equal((await get(`${base}/link_dir/page.txt`)).text, "page");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serveStatic() serves index.html for directories and never lists or crashes", async () => {
  await withStaticServer(
    new DirectorySource(ROOT),
    {},
    async (base, _port, errors) => {
      const root = await get(`${base}/`);
      equal(root.response.status, 200);
      equal(root.text, await Deno.readTextFile(`${ROOT}/index.html`));

      const sub = await get(`${base}/sub/`);
      equal(sub.response.status, 200);
      equal(sub.text, "<!doctype html><p>sub index</p>\n");

      const redirect = await fetch(`${base}/sub?x=1`, { redirect: "manual" });
      await redirect.body?.cancel();
      equal(redirect.status, 301);
      equal(redirect.headers.get("location"), "/sub/?x=1");

      for (
        const path of [
          "/noindex/",
          "/noindex",
          "/assets/",
          "/assets",
          "/index.html/",
          "/missing/",
          "/sub/missing",
        ]
      ) {
        const { response } = await get(base + path, { redirect: "manual" });
        equal(response.status, 404, path);
      }
      equal(errors.length, 0);
      // Still serving after all of that.
      equal((await get(`${base}/tiny.txt`)).text, "tiny\n");
    },
  );
});

Deno.test("serveStatic() does not block on a FIFO in the root", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_http_" });
  try {
    const made = await new Deno.Command("mkfifo", { args: [`${dir}/pipe.txt`] })
      .output().catch(() => null);
    if (made === null || !made.success) return; // no mkfifo here
    await withStaticServer(new DirectorySource(dir), {}, async (base) => {
      const { response } = await get(`${base}/pipe.txt`, {
        signal: AbortSignal.timeout(2000),
      });
      equal(response.status, 404);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serveStatic() hides dotfiles unless asked", async () => {
  const source = new DirectorySource(ROOT);
  await withStaticServer(source, {}, async (base) => {
    equal((await get(`${base}/.hidden`)).response.status, 404);
    equal((await get(`${base}/%2ehidden`)).response.status, 404);
  });
  await withStaticServer(source, { dotfiles: true }, async (base) => {
    equal((await get(`${base}/.hidden`)).text, "dotfile\n");
  });
});

Deno.test("serveStatic() answers 405 with Allow for other methods on a file", async () => {
  await withStaticServer(new DirectorySource(ROOT), {}, async (base) => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const { response } = await get(`${base}/index.html`, {
        method,
        body: "x",
      });
      equal(response.status, 405, method);
      equal(response.headers.get("allow"), "GET, HEAD");
    }
    // Unknown paths are left to the caller (here: 404).
    equal(
      (await get(`${base}/missing`, { method: "POST", body: "x" })).response
        .status,
      404,
    );
  });
});

Deno.test("serveStatic() serves gzip when accepted, compressed once", async () => {
  const cache = new CompressionCache();
  const original = await Deno.readFile(`${ROOT}/app.js`);
  await withStaticServer(
    new DirectorySource(ROOT),
    { compression: cache },
    async (base, port) => {
      const first = await rawRequest(port, "/app.js", {
        headers: { "accept-encoding": "gzip" },
      });
      equal(first.status, 200);
      equal(first.headers.get("content-encoding"), "gzip");
      equal(first.headers.get("vary"), "Accept-Encoding");
      match(first.headers.get("etag") ?? "", /^W\//);
      equal(first.headers.get("content-length"), String(first.body.length));
      ok(first.body.length < original.length / 2);
      deepEqual(new Uint8Array(gunzipSync(first.body)), original);
      deepEqual(cache.stats, {
        hits: 0,
        misses: 1,
        evictions: 0,
        failures: 0,
        entries: 1,
        bytes: first.body.length,
      });

      const second = await rawRequest(port, "/app.js", {
        headers: { "accept-encoding": "gzip, deflate" },
      });
      deepEqual(new Uint8Array(gunzipSync(second.body)), original);
      equal(cache.stats.hits, 1);
      equal(cache.stats.misses, 1);

      // The weak ETag of the compressed variant revalidates.
      const revalidated = await rawRequest(port, "/app.js", {
        headers: {
          "accept-encoding": "gzip",
          "if-none-match": first.headers.get("etag")!,
        },
      });
      equal(revalidated.status, 304);

      const brotli = await rawRequest(port, "/app.js", {
        headers: { "accept-encoding": "br, gzip" },
      });
      equal(brotli.headers.get("content-encoding"), "br");
      deepEqual(new Uint8Array(brotliDecompressSync(brotli.body)), original);

      const plain = await rawRequest(port, "/app.js");
      equal(plain.headers.get("content-encoding"), undefined);
      equal(plain.headers.get("vary"), "Accept-Encoding");
      deepEqual(plain.body, original);

      // fetch sees the same bytes whichever way it negotiates.
      const viaFetch = await get(`${base}/app.js`);
      deepEqual(viaFetch.body, original);
    },
  );
});

Deno.test("serveStatic() leaves small and already-compressed files alone", async () => {
  const cache = new CompressionCache();
  await withStaticServer(
    new DirectorySource(ROOT),
    { compression: cache },
    async (_base, port) => {
      for (const path of ["/tiny.txt", "/pixel.png"]) {
        const response = await rawRequest(port, path, {
          headers: { "accept-encoding": "gzip, br" },
        });
        equal(response.status, 200);
        equal(response.headers.get("content-encoding"), undefined, path);
        equal(response.headers.get("vary"), undefined, path);
        deepEqual(response.body, await Deno.readFile(ROOT + path));
      }
      equal(cache.stats.misses, 0);
    },
  );
});

Deno.test("serveStatic() streams large files uncompressed without reading them whole", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_http_" });
  try {
    const big = new TextEncoder().encode("0123456789abcdef\n".repeat(120_000)); // ~2 MB
    await Deno.writeFile(`${dir}/big.txt`, big);
    const inner = new DirectorySource(dir, { chunkBytes: 32 * 1024 });
    const calls = { read: 0, open: 0 };
    const spy: FileSource = {
      async lookup(segments) {
        const entry = await inner.lookup(segments);
        if (entry?.kind !== "file") return entry;
        return {
          kind: "file",
          path: entry.path,
          size: entry.size,
          mtime: entry.mtime,
          etag: entry.etag,
          cacheKey: entry.cacheKey,
          read: () => (calls.read++, entry.read()),
          open: () => (calls.open++, entry.open()),
        };
      },
    };
    const cache = new CompressionCache();
    await withStaticServer(spy, {
      compression: cache,
      compressMaxBytes: 1024 * 1024,
    }, async (_base, port) => {
      const response = await rawRequest(port, "/big.txt", {
        headers: { "accept-encoding": "gzip" },
      });
      equal(response.status, 200);
      equal(response.headers.get("content-encoding"), undefined);
      equal(response.headers.get("content-length"), String(big.length));
      deepEqual(response.body, big);
      deepEqual(calls, { read: 0, open: 1 });
      equal(cache.stats.misses, 0);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serveStatic() serves a MemorySource with strong ETags and compression", async () => {
  const page = "<!doctype html>" + "<p>embedded shack page</p>\n".repeat(200);
  const source = new MemorySource({
    "index.html": page,
    "/js/app.js": "console.log('hi');\n",
    "img/dot.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
  }, { lastModified: new Date("2026-01-01T00:00:00Z") });
  const cache = new CompressionCache();
  await withStaticServer(source, {
    compression: cache,
    cacheControl: "max-age=30",
  }, async (base, port) => {
    const root = await get(`${base}/`, {
      headers: { "accept-encoding": "identity" },
    });
    equal(root.text, page);
    equal(root.response.headers.get("cache-control"), "max-age=30");
    equal(
      root.response.headers.get("last-modified"),
      "Thu, 01 Jan 2026 00:00:00 GMT",
    );
    const etag = root.response.headers.get("etag")!;
    match(etag, /^"[A-Za-z0-9_-]{22}"$/);

    equal(
      (await get(`${base}/index.html`, { headers: { "if-none-match": etag } }))
        .response.status,
      304,
    );
    equal((await get(`${base}/js/app.js`)).text, "console.log('hi');\n");
    equal(
      (await get(`${base}/js/app.js`)).response.headers.get("content-type"),
      "text/javascript; charset=utf-8",
    );
    deepEqual(
      (await get(`${base}/img/dot.png`)).body,
      new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    );
    equal((await get(`${base}/missing.html`)).response.status, 404);
    equal((await get(`${base}/js/`)).response.status, 404);
    equal(
      (await get(`${base}/../index.html`, {
        headers: { "accept-encoding": "identity" },
      })).text,
      page,
    );

    for (let i = 0; i < 3; i++) {
      const gz = await rawRequest(port, "/index.html", {
        headers: { "accept-encoding": "gzip" },
      });
      equal(gz.headers.get("content-encoding"), "gzip");
      equal(new TextDecoder().decode(gunzipSync(gz.body)), page);
    }
    equal(cache.stats.misses, 1);
    equal(cache.stats.hits, 2);
  });
});

Deno.test("serveStatic() serves only under its prefix", async () => {
  const source = new MemorySource({ "index.html": "home", "app.js": "js" });
  const at = (path: string) => new Request(`http://localhost${path}`);
  equal(
    await (await serveStatic(at("/static/app.js"), source, {
      prefix: "/static/",
    }))?.text(),
    "js",
  );
  equal(await serveStatic(at("/app.js"), source, { prefix: "/static" }), null);
  equal(
    await serveStatic(at("/staticx/app.js"), source, { prefix: "/static" }),
    null,
  );
  const redirect = await serveStatic(at("/static"), source, {
    prefix: "/static",
  });
  equal(redirect?.status, 301);
  equal(redirect?.headers.get("location"), "/static/");
  equal(
    await (await serveStatic(at("/static/"), source, { prefix: "/static" }))
      ?.text(),
    "home",
  );
});

Deno.test("MemorySource() refuses unsafe paths", () => {
  for (const path of ["../x", "a/../b", "", "/", "a\\b", "a/./b"]) {
    let threw = false;
    try {
      new MemorySource({ [path]: "x" });
    } catch (err) {
      threw = err instanceof TypeError;
    }
    ok(threw, path);
  }
  let both = false;
  try {
    new MemorySource({ "a": "file", "a/b": "nested" });
  } catch (err) {
    both = err instanceof TypeError;
  }
  ok(both);
});

Deno.test("DirectorySource.lookup() returns null for a missing root", async () => {
  const source = new DirectorySource("/nonexistent/shack/root");
  equal(await source.lookup([]), null);
  equal(await source.lookup(["index.html"]), null);
  notEqual(new DirectorySource(ROOT).root, "");
});
