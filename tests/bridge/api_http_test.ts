// BridgeApi over real HTTP (Deno.serve on port 0) with a real BridgeStore
// in a temp dir, a real Lineup built from an M3U playlist and a real
// SessionRegistry (sessions opened directly, with a dummy cleanup).
import { deepEqual, equal, match, ok } from "node:assert/strict";
import type { BridgeApiOptions } from "../../lib/bridge/api/bridge_api.ts";
import {
  type ApiFixture,
  numberedPlaylist,
  startApiFixture,
} from "./_api_fixture.ts";

/** 120 channels numbered 101..220; names "Channel 001".., plus two named ones. */
function playlist(): string {
  return numberedPlaylist(120, {
    groups: ["News", "Sports", "Movies"],
    urlPrefix: "http://user:secret@up.example/live/",
  });
}

function setup(
  options: Partial<BridgeApiOptions> & { requireToken: boolean },
): Promise<ApiFixture> {
  return startApiFixture({
    playlist: playlist(),
    sourceId: "uk",
    tunerCount: 3,
    source: {
      location:
        "http://iptv.example/get.php?username=bob&password=hunter2&type=m3u",
      refreshedAt: 1_700_000_000_000,
      itemCount: 120,
    },
    api: { version: "test", ...options },
  });
}

async function call(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(url, { redirect: "manual", ...init });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json")) {
    body = JSON.parse(text);
  }
  return { status: response.status, headers: response.headers, body };
}

// deno-lint-ignore no-explicit-any
type Json = any;

const channel = { id: "c1", guideNumber: "101", name: "BBC News" };

Deno.test("BridgeApi.handle() asks for the token and says the same whatever was wrong", async () => {
  await using f = await setup({ requireToken: true });
  const none = await call(`${f.base}/api/status`);
  equal(none.status, 401);
  match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
  const wrong = await call(`${f.base}/api/status`, {
    headers: { authorization: "Bearer not-the-token-at-all" },
  });
  equal(wrong.status, 401);
  deepEqual(wrong.body, none.body);
  const badCookie = await call(`${f.base}/api/status`, {
    headers: { cookie: "shack_bridge_token=forged" },
  });
  equal(badCookie.status, 401);
  deepEqual(badCookie.body, none.body);
  // ?token= is for the websocket and the page, not for JSON endpoints.
  equal((await call(`${f.base}/api/status?token=${f.token}`)).status, 401);
  const good = await call(`${f.base}/api/status`, {
    headers: { authorization: `Bearer ${f.token}` },
  });
  equal(good.status, 200);
  equal((good.body as Json).requireToken, true);
  // Every endpoint is behind it, including unknown ones.
  equal((await call(`${f.base}/api/nope`)).status, 401);
  equal(
    (await call(`${f.base}/api/sessions/x`, { method: "DELETE" })).status,
    401,
  );
});

Deno.test("BridgeApi.handle() signs the page in from ?token= with an HttpOnly SameSite=Strict cookie", async () => {
  await using f = await setup({ requireToken: true });
  // The page itself is public (it only holds the prompt).
  const page = await call(`${f.base}/dashboard/`);
  equal(page.status, 200);
  const signIn = await call(`${f.base}/dashboard/?token=${f.token}`);
  equal(signIn.status, 303);
  equal(signIn.headers.get("location"), "/dashboard/");
  const cookie = signIn.headers.get("set-cookie") ?? "";
  match(cookie, /^shack_bridge_token=[A-Za-z0-9_-]+; /);
  match(cookie, /HttpOnly/);
  match(cookie, /SameSite=Strict/);
  ok(!cookie.includes(f.token), "the cookie holds a derived value");
  const pair = cookie.split(";")[0];
  const status = await call(`${f.base}/api/status`, {
    headers: { cookie: pair },
  });
  equal(status.status, 200);
  // A wrong token still drops it from the address bar, but sets nothing.
  const wrong = await call(`${f.base}/dashboard/?token=wrong-token-here&tab=1`);
  equal(wrong.status, 303);
  equal(wrong.headers.get("location"), "/dashboard/?tab=1");
  equal(wrong.headers.get("set-cookie"), null);
});

Deno.test("BridgeApi.handle() on loopback needs no token but refuses other host names and cross-site changes", async () => {
  await using f = await setup({ requireToken: false });
  const status = await call(`${f.base}/api/status`);
  equal(status.status, 200);
  equal((status.body as Json).requireToken, false);
  const info = {
    remoteAddr: { transport: "tcp" as const, hostname: "127.0.0.1", port: 1 },
  };
  // DNS rebinding: a browser sends the attacker's name as Host.
  const rebound = await f.api.handle(
    new Request("http://evil.example/api/status", {
      headers: { host: "evil.example" },
    }),
    info,
  );
  equal(rebound?.status, 403);
  match((await rebound!.json()).error, /loopback host name/);
  const host = new URL(f.base).host;
  const crossSite = await call(`${f.base}/api/channels/x`, {
    method: "PATCH",
    headers: {
      "content-type": "application/json",
      origin: "http://evil.example",
    },
    body: '{"enabled":false}',
  });
  equal(crossSite.status, 403);
  const crossSocket = await f.api.handle(
    new Request(`${f.base}/api/live`, {
      headers: { host, upgrade: "websocket", origin: "http://evil.example" },
    }),
    info,
  );
  equal(crossSocket?.status, 403);
  await crossSocket?.body?.cancel();
  const sameSite = await call(`${f.base}/api/sources/refresh`, {
    method: "POST",
    headers: { origin: f.base },
  });
  equal(sameSite.status, 202);
  await f.api.refreshed;
  equal(f.refreshCalls.count, 1);
});

Deno.test("BridgeApi GET /api/channels searches name, number and group, and pages within bounds", async () => {
  await using f = await setup({ requireToken: false });
  const all = await call(`${f.base}/api/channels`);
  equal((all.body as Json).total, 120);
  equal((all.body as Json).items.length, 50);
  equal((all.body as Json).items[0].guideNumber, "101");
  equal("url" in (all.body as Json).items[0], false);
  const byName = await call(`${f.base}/api/channels?q=cnn`);
  deepEqual((byName.body as Json).items.map((c: Json) => c.name), [
    "CNN International",
  ]);
  const byNumber = await call(`${f.base}/api/channels?q=215`);
  deepEqual((byNumber.body as Json).items.map((c: Json) => c.guideNumber), [
    "215",
  ]);
  const byGroup = await call(`${f.base}/api/channels?q=SPORTS&limit=200`);
  equal((byGroup.body as Json).total, 40);
  ok((byGroup.body as Json).items.every((c: Json) => c.group === "Sports"));
  const page3 = await call(`${f.base}/api/channels?limit=50&offset=100`);
  equal((page3.body as Json).items.length, 20);
  equal((page3.body as Json).items[0].guideNumber, "201");
  const beyond = await call(`${f.base}/api/channels?offset=500`);
  equal((beyond.body as Json).items.length, 0);
  equal((beyond.body as Json).total, 120);
  for (
    const query of [
      "limit=1000",
      "limit=0",
      "offset=-1",
      "limit=abc",
      "enabled=maybe",
    ]
  ) {
    const bad = await call(`${f.base}/api/channels?${query}`);
    equal(bad.status, 400, query);
    match((bad.body as Json).error, /^Expected /);
  }
  const long = await call(`${f.base}/api/channels?q=${"x".repeat(201)}`);
  equal(long.status, 400);
});

Deno.test("BridgeApi PATCH /api/channels/<id> stores a mapping, rebuilds the lineup and answers 409 for a taken number", async () => {
  await using f = await setup({ requireToken: true });
  const auth = {
    authorization: `Bearer ${f.token}`,
    "content-type": "application/json",
  };
  const cnn = f.lineup.all().find((c) => c.name === "CNN International")!;
  const bbc = f.lineup.all().find((c) => c.name === "BBC News")!;
  equal(cnn.guideNumber, "102");

  const moved = await call(`${f.base}/api/channels/${cnn.id}`, {
    method: "PATCH",
    headers: auth,
    body: JSON.stringify({ guideNumber: "007", name: "CNN" }),
  });
  equal(moved.status, 200);
  equal((moved.body as Json).channel.guideNumber, "7");
  equal((moved.body as Json).channel.name, "CNN");
  equal(f.lineup.byGuideNumber("7")?.id, cnn.id);
  deepEqual(f.store.mappings(), [{
    channelId: cnn.id,
    guideNumber: "7",
    name: "CNN",
  }]);

  const taken = await call(`${f.base}/api/channels/${cnn.id}`, {
    method: "PATCH",
    headers: auth,
    body: JSON.stringify({ guideNumber: 101 }),
  });
  equal(taken.status, 409);
  equal(
    (taken.body as Json).error,
    `Expected GuideNumber 101 to be free, found it used by "BBC News" (${bbc.id})`,
  );
  equal(f.lineup.byGuideNumber("7")?.id, cnn.id, "nothing changed");

  const hidden = await call(`${f.base}/api/channels/${bbc.id}`, {
    method: "PATCH",
    headers: auth,
    body: JSON.stringify({ enabled: false }),
  });
  equal(hidden.status, 200);
  equal((hidden.body as Json).channel.enabled, false);
  equal(f.lineup.byId(bbc.id), undefined);
  equal(f.store.byId(bbc.id), undefined, "the stored lineup follows");
  deepEqual(f.store.mappings().find((m) => m.channelId === bbc.id), {
    channelId: bbc.id,
    enabled: false,
  });
  // Disabled channels keep their number: it stays taken.
  const onDisabled = await call(`${f.base}/api/channels/${cnn.id}`, {
    method: "PATCH",
    headers: auth,
    body: JSON.stringify({ guideNumber: "101" }),
  });
  equal(onDisabled.status, 409);

  // null gives the playlist's name back.
  const renamed = await call(`${f.base}/api/channels/${cnn.id}`, {
    method: "PATCH",
    headers: auth,
    body: JSON.stringify({ name: null }),
  });
  equal((renamed.body as Json).channel.name, "CNN International");
  const single = await call(`${f.base}/api/channels/${cnn.id}`, {
    headers: auth,
  });
  equal((single.body as Json).channel.guideNumber, "7");

  const missing = await call(`${f.base}/api/channels/nope`, {
    method: "PATCH",
    headers: auth,
    body: '{"enabled":true}',
  });
  equal(missing.status, 404);
  match(
    f.ring.tail().map((e) => e.line).join("\n"),
    /channel changed from the API/,
  );
});

Deno.test("BridgeApi PATCH /api/channels/<id> answers 400 with a message for bad bodies", async () => {
  await using f = await setup({ requireToken: false, maxBodyBytes: 256 });
  const id = f.lineup.all()[0].id;
  const url = `${f.base}/api/channels/${id}`;
  const json = { "content-type": "application/json" };
  const cases: [RequestInit, RegExp][] = [
    [
      { headers: { "content-type": "text/plain" }, body: '{"enabled":true}' },
      /content-type application\/json, found "text\/plain"/,
    ],
    [{ headers: json, body: "{nope" }, /found invalid JSON/],
    [{ headers: json, body: "" }, /found an empty body/],
    [{ headers: json, body: "[true]" }, /found an array/],
    [{ headers: json, body: "null" }, /found null/],
    [{ headers: json, body: "{}" }, /found none/],
    [{ headers: json, body: '{"colour":"red"}' }, /found "colour"/],
    [
      { headers: json, body: '{"enabled":"yes"}' },
      /enabled to be a boolean, found a string/,
    ],
    [
      { headers: json, body: '{"guideNumber":"0"}' },
      /guideNumber like 7 or 5.1/,
    ],
    [{ headers: json, body: '{"guideNumber":true}' }, /found a boolean/],
    [{ headers: json, body: '{"name":""}' }, /name to be 1 to 200 characters/],
    [
      { headers: json, body: '{"name":"a\\u0000b"}' },
      /without control characters/,
    ],
    [
      { headers: json, body: JSON.stringify({ name: "x".repeat(300) }) },
      /at most 256 bytes/,
    ],
    [{ headers: json, body: new Uint8Array([0x7b, 0xff, 0x7d]) }, /UTF-8/],
  ];
  for (const [init, message] of cases) {
    const response = await call(url, { method: "PATCH", ...init });
    equal(response.status, 400, String(message));
    match((response.body as Json).error, message);
  }
  // A chunked upload (no content-length) past the cap is refused too.
  const chunks = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 64; i++) {
        controller.enqueue(new TextEncoder().encode(" ".repeat(1024)));
      }
      controller.close();
    },
  });
  const cut = await call(url, { method: "PATCH", headers: json, body: chunks });
  equal(cut.status, 400);
  match((cut.body as Json).error, /at most 256 bytes/);
  equal(f.store.mappings().length, 0);
});

Deno.test("BridgeApi DELETE /api/sessions/<id> kills the session: closed in the registry and gone from the list", async () => {
  await using f = await setup({ requireToken: false });
  let released = 0;
  const a = f.sessions.open({
    channel,
    client: { address: "192.0.2.7", userAgent: "Lavf/60.3.100" },
  });
  a.addCleanup(() => {
    released++;
  });
  a.markStreaming();
  a.recordBytes(188 * 1000);
  const b = f.sessions.open({
    channel: { id: "c2", guideNumber: "102", name: "CNN" },
    client: { address: "192.0.2.8" },
  });
  const list = await call(`${f.base}/api/sessions`);
  deepEqual((list.body as Json).tuners, { inUse: 2, total: 3 });
  const views = (list.body as Json).sessions;
  deepEqual(views.map((s: Json) => s.id), [a.id, b.id]);
  deepEqual(views[0].client, {
    address: "192.0.2.7",
    userAgent: "Lavf/60.3.100",
  });
  deepEqual(views[0].channel, channel);
  equal(views[0].state, "streaming");
  equal(views[0].bytes, 188_000);
  ok(views[0].durationMs >= 0);
  equal(typeof views[0].bitrate, "number");

  const killed = await call(`${f.base}/api/sessions/${a.id}`, {
    method: "DELETE",
  });
  equal(killed.status, 200);
  equal((killed.body as Json).session.state, "closed");
  equal((killed.body as Json).session.endReason, "terminated");
  equal(a.state, "closed");
  equal(a.endReason, "terminated");
  equal(released, 1);
  equal(f.sessions.get(a.id), undefined);
  equal(f.sessions.tunersInUse, 1);
  const after = await call(`${f.base}/api/sessions`);
  deepEqual((after.body as Json).sessions.map((s: Json) => s.id), [b.id]);
  const again = await call(`${f.base}/api/sessions/${a.id}`, {
    method: "DELETE",
  });
  equal(again.status, 404);
  match((again.body as Json).error, /Expected a live session with id/);
  match(
    f.ring.tail().map((e) => e.line).join("\n"),
    /session killed from the API/,
  );
});

Deno.test("BridgeApi GET /api/status, /api/sources and /api/log report the bridge", async () => {
  let finish!: () => void;
  await using f = await setup({
    requireToken: false,
    refreshSources: () => new Promise<void>((resolve) => (finish = resolve)),
  });
  f.sessions.open({ channel }).markStreaming();
  const status = (await call(`${f.base}/api/status`)).body as Json;
  equal(status.version, "test");
  deepEqual(status.tuners, { inUse: 1, total: 3 });
  equal(status.sessions.streaming, 1);
  deepEqual(status.channels, { total: 120, enabled: 120 });
  equal(typeof status.uptimeSeconds, "number");
  equal(status.lineupVersion, 1);

  const sources = (await call(`${f.base}/api/sources`)).body as Json;
  equal(sources.sources.length, 1);
  equal(
    sources.sources[0].location,
    "http://iptv.example/get.php?username=***&password=***&type=m3u",
  );
  equal(sources.sources[0].itemCount, 120);
  equal(sources.refreshing, false);

  const started = await call(`${f.base}/api/sources/refresh`, {
    method: "POST",
  });
  equal(started.status, 202);
  deepEqual(started.body, { refreshing: true });
  const twice = await call(`${f.base}/api/sources/refresh`, { method: "POST" });
  deepEqual(twice.body, { refreshing: true, alreadyRunning: true });
  equal(((await call(`${f.base}/api/sources`)).body as Json).refreshing, true);
  finish();
  await f.api.refreshed;
  const done = (await call(`${f.base}/api/sources`)).body as Json;
  equal(done.refreshing, false);
  equal(done.lastRefresh.ok, true);

  f.logger.warn("upstream slow", { channel: "101" });
  const log = (await call(`${f.base}/api/log?limit=2`)).body as Json;
  equal(log.lines.length, 2);
  equal(log.lines[1].level, "warn");
  match(log.lines[1].line, /upstream slow/);
  const since = (await call(`${f.base}/api/log?since=${log.lastSeq}`))
    .body as Json;
  equal(since.lines.length, 0);
  equal((await call(`${f.base}/api/log?limit=x`)).status, 400);
});

Deno.test("BridgeApi answers 404, 405 and 501 for unknown paths, methods and a missing refresh", async () => {
  await using f = await setup({
    requireToken: false,
    refreshSources: undefined,
  });
  const unknown = await call(`${f.base}/api/unknown`);
  equal(unknown.status, 404);
  match((unknown.body as Json).error, /known API path/);
  const method = await call(`${f.base}/api/status`, { method: "POST" });
  equal(method.status, 405);
  equal(method.headers.get("allow"), "GET");
  const patchSessions = await call(`${f.base}/api/sessions/x`, {
    method: "PATCH",
  });
  equal(patchSessions.status, 405);
  equal(patchSessions.headers.get("allow"), "GET, DELETE");
  equal(
    (await call(`${f.base}/api/sources/refresh`, { method: "POST" })).status,
    501,
  );
  equal((await call(`${f.base}/api/sessions/%E0%A4%A`)).status, 400);
  // Not the API's paths at all.
  equal((await call(`${f.base}/lineup.json`)).body, "not the API\n");
  equal((await call(`${f.base}/apiary`)).body, "not the API\n");
});

Deno.test("BridgeApi serves the embedded dashboard under /dashboard/ with a strict CSP", async () => {
  await using f = await setup({ requireToken: true });
  const bare = await call(`${f.base}/dashboard`);
  equal(bare.status, 301);
  equal(new URL(bare.headers.get("location")!, f.base).pathname, "/dashboard/");
  const page = await call(`${f.base}/dashboard/`);
  equal(page.status, 200);
  equal(page.headers.get("content-type"), "text/html; charset=utf-8");
  match(
    page.headers.get("content-security-policy") ?? "",
    /default-src 'none'/,
  );
  match(
    page.headers.get("content-security-policy") ?? "",
    /frame-ancestors 'none'/,
  );
  match(page.body as string, /<title>shack bridge<\/title>/);
  for (
    const file of [
      "dashboard.js",
      "dashboard_format.js",
      "dashboard.css",
      "favicon.svg",
    ]
  ) {
    const asset = await call(`${f.base}/dashboard/${file}`);
    equal(asset.status, 200, file);
  }
  equal((await call(`${f.base}/dashboard/missing.js`)).status, 404);
  equal((await call(`${f.base}/dashboard/..%2f..%2fetc%2fpasswd`)).status, 400);
});
