import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { ApiError } from "../../lib/bridge/api/api_error.ts";
import { readJsonObject } from "../../lib/bridge/api/json_body.ts";

function patch(body: BodyInit, type = "application/json"): Request {
  return new Request("http://localhost/api/channels/x", {
    method: "PATCH",
    headers: { "content-type": type },
    body,
  });
}

Deno.test("readJsonObject() returns the object of a JSON body", async () => {
  deepEqual(await readJsonObject(patch('{"enabled":true,"name":"One"}')), {
    enabled: true,
    name: "One",
  });
  deepEqual(
    await readJsonObject(patch("{}", "Application/JSON; charset=utf-8")),
    {},
  );
});

Deno.test("readJsonObject() stops reading a body as soon as it passes maxBytes", async () => {
  let pulled = 0;
  let cancelled = false;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 1000;
      controller.enqueue(new Uint8Array(1000).fill(0x20));
    },
    cancel() {
      cancelled = true;
    },
  });
  const error = await readJsonObject(patch(endless), { maxBytes: 4096 }).then(
    () => undefined,
    (err) => err,
  );
  ok(error instanceof ApiError);
  equal(error.status, 400);
  equal(error.message, "Expected a body of at most 4096 bytes, found more");
  ok(cancelled, "the body was cancelled");
  ok(pulled <= 6000, `pulled ${pulled} bytes`);
});

Deno.test("readJsonObject() refuses a declared content-length over maxBytes before reading", async () => {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(10));
    },
  });
  const request = new Request("http://localhost/", {
    method: "PATCH",
    headers: { "content-type": "application/json", "content-length": "99999" },
    body,
  });
  await rejects(
    readJsonObject(request, { maxBytes: 100 }),
    /at most 100 bytes/,
  );
  ok(pulled <= 1, `pulled ${pulled} chunks`);
});

Deno.test("readJsonObject() names what it found in its 400s", async () => {
  const cases: [Request, string][] = [
    [
      patch("{}", "text/plain"),
      'Expected content-type application/json, found "text/plain"',
    ],
    [
      new Request("http://localhost/", { method: "PATCH", body: "{}" }),
      'Expected content-type application/json, found "text/plain"',
    ],
    [patch("1"), "Expected a JSON object, found a number"],
    [patch('"x"'), "Expected a JSON object, found a string"],
    [patch("  "), "Expected a JSON object, found an empty body"],
    [patch("{"), "Expected a JSON object, found invalid JSON"],
    [
      patch(new Uint8Array([0xc3, 0x28])),
      "Expected a UTF-8 body, found invalid bytes",
    ],
  ];
  for (const [request, message] of cases) {
    const error = await readJsonObject(request).then(() => undefined, (e) => e);
    ok(error instanceof ApiError, message);
    equal(error.status, 400);
    equal(error.message, message);
  }
});
