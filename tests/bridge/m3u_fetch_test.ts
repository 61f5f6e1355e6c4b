import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { gzipSync } from "node:zlib";
import {
  fetchPlaylist,
  redactLocation,
  SourceFetchError,
} from "../../lib/bridge/m3u/fetch_playlist.ts";
import { parseM3uStream } from "../../lib/bridge/m3u/m3u_stream.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url);
const PLAYLIST = "#EXTM3U\n#EXTINF:-1,A\nhttp://a/1.ts\n";

/** Runs `fn` against a loopback HTTP server answering with `handler`. */
async function withServer(
  handler: (request: Request) => Response | Promise<Response>,
  fn: (base: string) => Promise<void>,
): Promise<void> {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    handler,
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

async function expectFetchError(
  promise: Promise<unknown>,
  kind: string,
): Promise<SourceFetchError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  ok(
    caught instanceof SourceFetchError,
    `expected a SourceFetchError, found ${caught}`,
  );
  equal(caught.kind, kind);
  return caught;
}

Deno.test("fetchPlaylist() reads a path and a file: URL", async () => {
  const path = new URL("provider.m3u", FIXTURES);
  const a = await new Response(await fetchPlaylist(path.pathname)).bytes();
  const b = await new Response(await fetchPlaylist(path)).bytes();
  deepEqual(a, await Deno.readFile(path));
  deepEqual(b, a);
});

Deno.test("fetchPlaylist() gunzips a .gz file by its magic bytes", async () => {
  const stream = await fetchPlaylist(new URL("provider.m3u.gz", FIXTURES));
  const result = await parseM3uStream(stream, { sourceId: "p" });
  equal(result.entries.length, 6);
});

Deno.test("fetchPlaylist() reports a missing file, a directory and a too large file", async () => {
  await expectFetchError(
    fetchPlaylist("/nonexistent/shack/x.m3u"),
    "not-found",
  );
  await expectFetchError(fetchPlaylist(new URL(".", FIXTURES)), "not-found");
  const error = await expectFetchError(
    fetchPlaylist(new URL("provider.m3u", FIXTURES), { maxBytes: 100 }),
    "too-large",
  );
  match(error.message, /expected at most 100 bytes, found a file of \d+/);
});

Deno.test("fetchPlaylist() caps decompressed bytes while reading", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_fetch_" });
  try {
    const path = `${dir}/bomb.m3u.gz`;
    await Deno.writeFile(path, gzipSync(new Uint8Array(1_000_000)));
    const stream = await fetchPlaylist(path, { maxBytes: 100_000 });
    const error = await expectFetchError(
      new Response(stream).arrayBuffer(),
      "too-large",
    );
    match(error.message, /expected at most 100000 bytes, found more/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fetchPlaylist() rejects an unsupported scheme", async () => {
  await rejects(fetchPlaylist("ftp://host.example/x.m3u"), TypeError);
});

Deno.test("fetchPlaylist() fetches http with the given headers", async () => {
  let userAgent: string | null = null;
  await withServer((request) => {
    userAgent = request.headers.get("user-agent");
    return new Response(PLAYLIST);
  }, async (base) => {
    const stream = await fetchPlaylist(`${base}/list.m3u`, {
      headers: { "User-Agent": "shack-test/1" },
    });
    const { entries } = await parseM3uStream(stream, { sourceId: "h" });
    equal(entries[0].url, "http://a/1.ts");
  });
  equal(userAgent, "shack-test/1");
});

Deno.test("fetchPlaylist() gunzips Content-Encoding and gzip bodies", async () => {
  const gz = new Uint8Array(gzipSync(new TextEncoder().encode(PLAYLIST)));
  await withServer((request) => {
    const encoded = new URL(request.url).pathname === "/encoded";
    return new Response(gz, {
      headers: encoded
        ? { "content-encoding": "gzip", "content-type": "audio/x-mpegurl" }
        : { "content-type": "application/gzip" },
    });
  }, async (base) => {
    for (const path of ["/encoded", "/file.m3u.gz"]) {
      const text = await new Response(await fetchPlaylist(base + path)).text();
      equal(text, PLAYLIST, path);
    }
  });
});

Deno.test("fetchPlaylist() reports an HTTP error without the URL's secrets", async () => {
  await withServer(
    () => new Response("nope", { status: 404 }),
    async (base) => {
      const url = `${base}/get.php?username=alice&password=s3cret&type=m3u`;
      const error = await expectFetchError(fetchPlaylist(url), "status");
      equal(error.status, 404);
      match(error.message, /expected HTTP 2xx, found 404/);
      ok(!error.message.includes("s3cret"));
      equal(error.location, `${base}/get.php`);
    },
  );
});

Deno.test("fetchPlaylist() refuses a declared Content-Length over the cap", async () => {
  await withServer(
    () => new Response("x".repeat(5000)),
    async (base) => {
      const error = await expectFetchError(
        fetchPlaylist(`${base}/big`, { maxBytes: 1000 }),
        "too-large",
      );
      match(error.message, /found Content-Length 5000/);
    },
  );
});

Deno.test("fetchPlaylist() caps a chunked body while reading", async () => {
  await withServer(
    () =>
      new Response(ReadableStream.from(
        Array.from({ length: 20 }, () => new Uint8Array(1000)),
      )),
    async (base) => {
      const stream = await fetchPlaylist(`${base}/chunked`, { maxBytes: 5000 });
      await expectFetchError(new Response(stream).arrayBuffer(), "too-large");
    },
  );
});

Deno.test("fetchPlaylist() times out waiting for headers", async () => {
  const { promise: release, resolve } = Promise.withResolvers<void>();
  await withServer(async () => {
    await release;
    return new Response("late");
  }, async (base) => {
    try {
      const error = await expectFetchError(
        fetchPlaylist(`${base}/slow`, { timeoutMs: 100 }),
        "timeout",
      );
      match(error.message, /expected data within 100 ms, found none/);
    } finally {
      resolve();
    }
  });
});

Deno.test("fetchPlaylist() times out when the body stalls", async () => {
  let bodyCancelled = false;
  await withServer(() =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("#EXTM3U\n"));
        },
        cancel() {
          bodyCancelled = true;
        },
      }),
    ), async (base) => {
    const stream = await fetchPlaylist(`${base}/stall`, { timeoutMs: 150 });
    await expectFetchError(
      parseM3uStream(stream, { sourceId: "s" }),
      "timeout",
    );
  });
  ok(bodyCancelled);
});

Deno.test("fetchPlaylist() stops on abort, before and during the read", async () => {
  await rejects(
    fetchPlaylist("/tmp/x.m3u", {
      signal: AbortSignal.abort(new Error("early")),
    }),
    /early/,
  );
  const controller = new AbortController();
  await withServer(() =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          c.enqueue(new Uint8Array(100).fill(0x23));
        },
      }),
    ), async (base) => {
    const stream = await fetchPlaylist(`${base}/endless`, {
      signal: controller.signal,
    });
    const reader = stream.getReader();
    await reader.read();
    controller.abort(new Error("user stop"));
    await rejects(
      (async () => {
        while (!(await reader.read()).done) { /* drain */ }
        throw new Error("ended without the abort error");
      })(),
      /user stop/,
    );
  });
});

Deno.test("fetchPlaylist() closes the file when the stream is cancelled", async () => {
  const stream = await fetchPlaylist(new URL("provider.m3u", FIXTURES));
  const reader = stream.getReader();
  await reader.read();
  await reader.cancel();
  // The resource sanitizer fails this test if the file stayed open.
});

Deno.test("redactLocation() keeps paths and strips URL secrets", () => {
  equal(
    redactLocation("https://u:p@h.example:8080/a/b.m3u?x=1#f"),
    "https://h.example:8080/a/b.m3u",
  );
  equal(redactLocation("file:///srv/a.m3u"), "/srv/a.m3u");
  equal(redactLocation("relative/list.m3u"), "relative/list.m3u");
});
