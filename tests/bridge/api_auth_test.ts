import { equal, match, notEqual, ok, throws } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import {
  ApiAuth,
  AUTH_COOKIE,
  isLoopbackHost,
} from "../../lib/bridge/api/api_auth.ts";
import {
  announceDashboard,
  API_TOKEN_SETTING,
  ensureApiToken,
  tokensEqual,
} from "../../lib/bridge/api/api_token.ts";
import { BridgeStore } from "../../lib/bridge/store/bridge_store.ts";

const TOKEN = "0123456789abcdef0123";

function request(
  headers: Record<string, string>,
  url = "http://bridge/api/status",
  method = "GET",
) {
  return new Request(url, { headers, method });
}

Deno.test("ensureApiToken() generates a token once, stores it, and survives a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_api_token_" });
  try {
    const store = new BridgeStore(`${dir}/bridge.db`);
    const first = ensureApiToken(store);
    equal(first.origin, "generated");
    equal(store.getSetting(API_TOKEN_SETTING), first.token);
    store.close();
    const again = new BridgeStore(`${dir}/bridge.db`);
    const second = ensureApiToken(again);
    equal(second.origin, "settings");
    equal(second.token, first.token);
    // A broken stored value is replaced.
    again.setSetting(API_TOKEN_SETTING, "short");
    const replaced = ensureApiToken(again);
    equal(replaced.origin, "generated");
    notEqual(replaced.token, "short");
    // A configured token wins and is not stored.
    equal(
      ensureApiToken(again, "configured-token-0001").token,
      "configured-token-0001",
    );
    equal(again.getSetting(API_TOKEN_SETTING), replaced.token);
    throws(() => ensureApiToken(again, "too short"), RangeError);
    again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("announceDashboard() logs the URL with the token only when it was just generated", () => {
  const lines: string[] = [];
  const logger = new Logger({ sink: (line) => lines.push(line) });
  const base = "http://192.0.2.5:5004";
  const generated = announceDashboard(logger, {
    baseUrl: base,
    token: { token: TOKEN, origin: "generated" },
    requireToken: true,
  });
  equal(generated, `${base}/dashboard/?token=${TOKEN}`);
  match(lines[0], new RegExp(`url="${base}/dashboard/\\?token=${TOKEN}"`));
  const later = announceDashboard(logger, {
    baseUrl: base,
    token: { token: TOKEN, origin: "settings" },
    requireToken: true,
  });
  equal(later, `${base}/dashboard/`);
  ok(!lines[1].includes(TOKEN));
  match(lines[1], /setting=api.token/);
  announceDashboard(logger, {
    baseUrl: "http://127.0.0.1:5004",
    token: { token: TOKEN, origin: "generated" },
    requireToken: false,
  });
  ok(!lines[2].includes(TOKEN));
  match(lines[2], /no token needed/);
});

Deno.test("tokensEqual() compares whole secrets of any length", () => {
  ok(tokensEqual(TOKEN, TOKEN));
  ok(!tokensEqual(TOKEN + "x", TOKEN));
  ok(!tokensEqual(TOKEN.slice(0, -1), TOKEN));
  ok(!tokensEqual("", TOKEN));
});

Deno.test("ApiAuth.check() with a token required accepts the bearer header or the cookie, and the query only where allowed", () => {
  const auth = new ApiAuth({ token: TOKEN, requireToken: true });
  equal(auth.check(request({ authorization: `Bearer ${TOKEN}` })), undefined);
  equal(auth.check(request({ authorization: `bearer  ${TOKEN} ` })), undefined);
  equal(auth.check(request({ authorization: `Basic ${TOKEN}` }))?.status, 401);
  const cookie = auth.cookie(request({})).split(";")[0];
  equal(auth.check(request({ cookie: `other=1; ${cookie}` })), undefined);
  equal(
    auth.check(request({ cookie: `${AUTH_COOKIE}=${TOKEN}` }))?.status,
    401,
  );
  const query = request({}, `http://bridge/api/live?token=${TOKEN}`);
  equal(auth.check(query)?.status, 401);
  equal(auth.check(query, { allowQuery: true }), undefined);
  // A wrong header does not spoil a right cookie: any valid credential passes.
  equal(
    auth.check(request({ authorization: "Bearer nope", cookie })),
    undefined,
  );
});

Deno.test("ApiAuth.cookie() is HttpOnly, SameSite=Strict, and Secure behind HTTPS", () => {
  const auth = new ApiAuth({
    token: TOKEN,
    requireToken: true,
    cookieMaxAgeSeconds: 60,
  });
  const plain = auth.cookie(request({}));
  match(plain, /; Path=\/; Max-Age=60; HttpOnly; SameSite=Strict$/);
  match(auth.cookie(request({ "x-forwarded-proto": "https" })), /; Secure$/);
  throws(() => new ApiAuth({ token: "", requireToken: true }), RangeError);
});

Deno.test("ApiAuth.check() without a token refuses non-loopback hosts and other origins for changes and websockets", () => {
  const auth = new ApiAuth({ token: TOKEN, requireToken: false });
  const host = "127.0.0.1:5004";
  equal(auth.check(request({ host })), undefined);
  equal(
    auth.check(
      request({ host: "localhost:5004", origin: "http://evil.example" }),
    ),
    undefined,
    "reads are fine",
  );
  equal(auth.check(request({ host: "bridge.lan:5004" }))?.status, 403);
  equal(
    auth.check(
      request({ host, origin: "http://evil.example" }, undefined, "DELETE"),
    )?.status,
    403,
  );
  equal(
    auth.check(request({ host, origin: "null" }, undefined, "POST"))?.status,
    403,
  );
  equal(
    auth.check(request({ host, origin: `http://${host}` }, undefined, "POST")),
    undefined,
  );
  equal(
    auth.check(
      request({ host, upgrade: "websocket", origin: "http://evil.example" }),
    )?.status,
    403,
  );
  equal(
    auth.check(request({ host }, undefined, "POST")),
    undefined,
    "no Origin: not a browser",
  );
});

Deno.test("isLoopbackHost() knows loopback names and addresses only", () => {
  for (
    const host of [
      "localhost",
      "LOCALHOST:80",
      "app.localhost",
      "127.0.0.1",
      "127.1.2.3:9",
      "[::1]:5004",
    ]
  ) {
    ok(isLoopbackHost(host), host);
  }
  for (
    const host of [
      "192.168.1.2",
      "localhost.evil.example",
      "128.0.0.1",
      "[::2]",
      "",
      "a b",
    ]
  ) {
    ok(!isLoopbackHost(host), host);
  }
});
