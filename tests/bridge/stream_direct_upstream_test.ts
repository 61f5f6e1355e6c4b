import { deepEqual, equal, rejects } from "node:assert/strict";
import {
  DEFAULT_UPSTREAM_USER_AGENT,
  openDirectUpstream,
  upstreamHeaders,
} from "../../lib/bridge/stream/direct_upstream.ts";
import { UpstreamError } from "../../lib/bridge/stream/upstream_error.ts";
import { readAtLeast, repeated, startFakeUpstream } from "./_fake_upstream.ts";

async function readAll(
  reader: { read(): Promise<Uint8Array | null> },
  count: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  while (total < count) {
    const chunk = await reader.read();
    if (chunk === null) break;
    parts.push(chunk);
    total += chunk.length;
  }
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(p);
      c.close();
    },
  });
  return await readAtLeast(stream.getReader(), total);
}

Deno.test("openDirectUpstream() streams the upstream's bytes unchanged", async () => {
  const upstream = startFakeUpstream();
  try {
    const reader = await openDirectUpstream({
      url: upstream.url("/live.ts"),
      headers: {},
    });
    const bytes = await readAll(reader, 50_000);
    deepEqual(bytes, repeated(upstream.loop, bytes.length));
    equal(upstream.openConnections, 1);
    await reader.close();
    await upstream.waitForOpenConnections(0);
    equal(await reader.read(), null); // closed: ends quietly
  } finally {
    await upstream.close();
  }
});

Deno.test("openDirectUpstream() sends the channel's headers and a default User-Agent", async () => {
  const upstream = startFakeUpstream();
  try {
    await rejects(
      openDirectUpstream({
        url: upstream.url("/needs-header.ts?name=x-token&value=s3cret"),
        headers: {},
      }),
      (err: UpstreamError) => err.kind === "http_status" && err.status === 403,
    );
    const reader = await openDirectUpstream({
      url: upstream.url("/needs-header.ts?name=x-token&value=s3cret"),
      headers: { "X-Token": "s3cret", Referer: "http://portal.example/" },
    });
    await reader.close();
    const seen = upstream.requests.at(-1)!;
    equal(seen.headers["x-token"], "s3cret");
    equal(seen.headers["referer"], "http://portal.example/");
    equal(seen.headers["user-agent"], DEFAULT_UPSTREAM_USER_AGENT);
    await upstream.waitForOpenConnections(0);
  } finally {
    await upstream.close();
  }
});

Deno.test("upstreamHeaders() lets the channel's User-Agent win and skips malformed headers", () => {
  const headers = upstreamHeaders({
    headers: {
      "user-agent": "VLC/3.0.20 LibVLC/3.0.20",
      "x\nbad": "1",
      ok: "a\u0000b",
    },
  });
  deepEqual([...headers], [["user-agent", "VLC/3.0.20 LibVLC/3.0.20"]]);
});

Deno.test("openDirectUpstream() follows redirects up to the limit and refuses a loop", async () => {
  const upstream = startFakeUpstream();
  try {
    const reader = await openDirectUpstream({
      url: upstream.url("/hop/3"),
      headers: {},
    }, { maxRedirects: 4 });
    equal(((await reader.read()) ?? new Uint8Array())[0], 0x47);
    await reader.close();
    await rejects(
      openDirectUpstream({ url: upstream.url("/hop/3"), headers: {} }, {
        maxRedirects: 2,
      }),
      (err: UpstreamError) => err.kind === "redirect_limit",
    );
    const before = upstream.requests.length;
    await rejects(
      openDirectUpstream({ url: upstream.url("/redirect/0"), headers: {} }),
      (err: UpstreamError) =>
        err.kind === "redirect_limit" &&
        err.message ===
          "Expected at most 5 redirects but found more (last to /redirect/6)",
    );
    equal(upstream.requests.length - before, 6);
    await upstream.waitForOpenConnections(0);
  } finally {
    await upstream.close();
  }
});

Deno.test("openDirectUpstream() maps 404, 503, playlists and refused connections to error kinds", async () => {
  const upstream = startFakeUpstream();
  try {
    for (const status of [404, 503]) {
      await rejects(
        openDirectUpstream({
          url: upstream.url(`/status/${status}`),
          headers: {},
        }),
        (err: UpstreamError) =>
          err instanceof UpstreamError && err.kind === "http_status" &&
          err.status === status &&
          err.message === `Expected a 2xx upstream status but found ${status}`,
      );
    }
    await rejects(
      openDirectUpstream({ url: upstream.url("/playlist.m3u8"), headers: {} }),
      (err: UpstreamError) => err.kind === "not_mpegts",
    );
    await rejects(
      openDirectUpstream({ url: "rtmp://example/live", headers: {} }),
      (err: UpstreamError) => err.kind === "not_mpegts",
    );
    await rejects(
      openDirectUpstream({ url: "not a url", headers: {} }),
      (err: UpstreamError) => err.kind === "network",
    );
  } finally {
    await upstream.close();
  }
  // Nothing listens there any more.
  await rejects(
    openDirectUpstream({ url: upstream.url("/live.ts"), headers: {} }),
    (err: UpstreamError) => err.kind === "network",
  );
});

Deno.test("openDirectUpstream() reports an abrupt upstream close as a network error", async () => {
  const upstream = startFakeUpstream();
  try {
    const reader = await openDirectUpstream({
      url: upstream.url("/close.ts?after=18800"),
      headers: {},
    });
    let total = 0;
    const error = await (async () => {
      try {
        for (;;) {
          const chunk = await reader.read();
          if (chunk === null) return null;
          total += chunk.length;
        }
      } catch (err) {
        return err;
      }
    })();
    equal(error instanceof UpstreamError && error.kind, "network");
    equal(total, 18800);
    await reader.close();
  } finally {
    await upstream.close();
  }
});

Deno.test("openDirectUpstream() stops on its signal", async () => {
  const upstream = startFakeUpstream();
  try {
    const controller = new AbortController();
    const reader = await openDirectUpstream({
      url: upstream.url("/stall.ts?after=1880"),
      headers: {},
    }, { signal: controller.signal });
    equal((await readAll(reader, 1880)).length, 1880);
    const pending = reader.read(); // stalled: no more data
    controller.abort();
    await rejects(pending, (err: UpstreamError) => err.kind === "network");
    await reader.close();
    await upstream.waitForOpenConnections(0);
  } finally {
    await upstream.close();
  }
});
