import { deepEqual, equal, ok } from "node:assert/strict";
import { hdhrDevice } from "../../lib/bridge/hdhr/device.ts";
import { HdhrHandler } from "../../lib/bridge/hdhr/hdhr_handler.ts";
import { baseUrlFor } from "../../lib/bridge/hdhr/base_url.ts";
import type { Channel } from "../../lib/bridge/channel.ts";
import { memoryLookup, testChannel } from "./_fake_upstream.ts";

interface Served {
  channel: Channel;
  method: string;
  url: string;
}

function setup(advertisedUrl?: string) {
  const served: Served[] = [];
  const scans: string[] = [];
  const channels = [
    testChannel("http://u/1.ts", {
      id: "bbc-1",
      guideNumber: "101",
      name: "BBC One",
    }),
    testChannel("http://u/2.ts", {
      id: "news",
      guideNumber: "5.1",
      name: "News",
    }),
    testChannel("http://u/3.ts", {
      id: "off",
      guideNumber: "999",
      name: "Off",
      enabled: false,
    }),
  ];
  const handler = new HdhrHandler({
    device: hdhrDevice({ deviceId: "10101010", tunerCount: 2 }),
    channels: memoryLookup(channels),
    streams: {
      serve: (channel, request) => {
        served.push({ channel, method: request.method, url: request.url });
        return Promise.resolve(new Response("ts"));
      },
    },
    fallbackBaseUrl: "http://127.0.0.1:5004",
    ...(advertisedUrl ? { advertisedUrl } : {}),
    onScan: (action) => scans.push(action),
  });
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await handler.handle(
      new Request(`http://192.0.2.5:5004${path}`, init),
    );
    ok(response !== undefined, `${path} not handled`);
    return response;
  };
  return { handler, served, scans, call };
}

Deno.test("HdhrHandler serves the documents with BaseURL from the Host header", async () => {
  const { call } = setup();
  const discover = await call("/discover.json");
  equal(
    discover.headers.get("content-type"),
    "application/json; charset=utf-8",
  );
  const doc = await discover.json();
  equal(doc.BaseURL, "http://192.0.2.5:5004");
  equal(doc.LineupURL, "http://192.0.2.5:5004/lineup.json");
  const lineup = await (await call("/lineup.json")).json();
  deepEqual(lineup.map((e: { GuideNumber: string }) => e.GuideNumber), [
    "5.1",
    "101",
  ]);
  equal((await (await call("/lineup_status.json")).json()).ScanPossible, 1);
  ok((await (await call("/lineup.xml")).text()).includes("<Lineup>"));
  ok((await (await call("/lineup.m3u")).text()).startsWith("#EXTM3U\n"));
  ok(
    (await (await call("/device.xml")).text()).includes("<UDN>uuid:10101010-"),
  );
});

Deno.test("HdhrHandler answers HEAD on documents without a body", async () => {
  const { call } = setup();
  const head = await call("/discover.json", { method: "HEAD" });
  equal(head.status, 200);
  equal(head.body, null);
  equal(head.headers.get("content-type"), "application/json; charset=utf-8");
});

Deno.test("HdhrHandler uses the advertised URL when configured", async () => {
  const { call } = setup("http://tv.lan:5004/");
  equal(
    (await (await call("/discover.json")).json()).BaseURL,
    "http://tv.lan:5004",
  );
  const lineup = await (await call("/lineup.json")).json();
  equal(lineup[1].URL, "http://tv.lan:5004/auto/v101");
});

Deno.test("baseUrlFor() ignores a malformed Host header", () => {
  const request = new Request("http://192.0.2.5:5004/discover.json", {
    headers: { host: "evil.example/path?x=<script>" },
  });
  equal(
    baseUrlFor(request, { fallback: "http://127.0.0.1:5004/" }),
    "http://127.0.0.1:5004",
  );
  const v6 = new Request("http://[2001:db8::1]:5004/discover.json");
  equal(baseUrlFor(v6, { fallback: "x" }), "http://[2001:db8::1]:5004");
});

Deno.test("HdhrHandler routes /auto/v, /tunerN/v and /stream/ to the stream server", async () => {
  const { call, served } = setup();
  for (
    const path of [
      "/auto/v101",
      "/tuner1/v101",
      "/auto/v5.1?transcode=native",
      "/auto/v5%2E1",
      "/stream/bbc-1",
      "/stream/news?duration=60",
    ]
  ) {
    const response = await call(path);
    equal(response.status, 200, path);
    await response.body?.cancel();
  }
  deepEqual(served.map((s) => s.channel.id), [
    "bbc-1",
    "bbc-1",
    "news",
    "news",
    "bbc-1",
    "news",
  ]);
  const head = await call("/auto/v101", { method: "HEAD" });
  await head.body?.cancel();
  equal(served.at(-1)?.method, "HEAD"); // the proxy answers HEAD without an upstream
});

Deno.test("HdhrHandler answers an unknown or disabled channel with 404 and X-HDHomeRun-Error", async () => {
  const { call, served } = setup();
  for (
    const path of [
      "/auto/v404",
      "/auto/v999",
      "/stream/off",
      "/stream/nope",
      "/auto/v%E0%A4%A",
    ]
  ) {
    const response = await call(path);
    equal(response.status, 404, path);
    equal(response.headers.get("x-hdhomerun-error"), "Unknown channel", path);
    await response.body?.cancel();
  }
  equal(served.length, 0);
});

Deno.test("HdhrHandler /lineup.post accepts scan=start|abort by POST only", async () => {
  const { call, scans } = setup();
  equal(
    (await call("/lineup.post?scan=start&source=Cable", { method: "POST" }))
      .status,
    200,
  );
  equal(
    (await call("/lineup.post?scan=abort", { method: "POST" })).status,
    200,
  );
  deepEqual(scans, ["start", "abort"]);
  const bad = await call("/lineup.post?scan=dance", { method: "POST" });
  equal(bad.status, 400);
  equal(
    await bad.text(),
    'Expected scan=start or scan=abort but found "dance"\n',
  );
  const get = await call("/lineup.post?scan=start");
  equal(get.status, 405);
  equal(get.headers.get("allow"), "POST");
  await get.body?.cancel();
});

Deno.test("HdhrHandler refuses other methods and leaves unknown paths to the server", async () => {
  const { handler, call } = setup();
  const post = await call("/discover.json", { method: "POST" });
  equal(post.status, 405);
  await post.body?.cancel();
  const del = await call("/auto/v101", { method: "DELETE" });
  equal(del.status, 405);
  await del.body?.cancel();
  equal(handler.handle(new Request("http://b/")), undefined);
  equal(handler.handle(new Request("http://b/api/sessions")), undefined);
});
