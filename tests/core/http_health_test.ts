import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  healthResponse,
  METRICS_CONTENT_TYPE,
  metricsResponse,
} from "../../lib/core/http/health.ts";
import { startHttpServer } from "../../lib/core/http/server.ts";

Deno.test("healthResponse() answers 200 for ok and degraded, 503 for failing", async () => {
  for (
    const [status, code] of [["ok", 200], ["degraded", 200], [
      "failing",
      503,
    ]] as const
  ) {
    const response = healthResponse({
      status,
      service: "ysf",
      version: "0.1.0",
      uptimeSeconds: 5,
    });
    equal(response.status, code, status);
    equal(response.headers.get("cache-control"), "no-store");
    equal(
      response.headers.get("content-type"),
      "application/json; charset=utf-8",
    );
    deepEqual(await response.json(), {
      status,
      service: "ysf",
      version: "0.1.0",
      uptimeSeconds: 5,
    });
  }
});

Deno.test("healthResponse() keeps named checks", async () => {
  const report = {
    status: "degraded" as const,
    service: "sdr",
    checks: {
      input: {
        status: "degraded" as const,
        message: "Underruns",
        underruns: 3,
      },
    },
  };
  deepEqual(await healthResponse(report).json(), report);
});

Deno.test("healthResponse() answers a bad report as failing instead of throwing", async () => {
  const unknown = healthResponse({ status: "fine" as "ok", service: "audio" });
  equal(unknown.status, 503);
  const body = await unknown.json();
  equal(body.status, "failing");
  equal(body.service, "audio");
  match(body.checks.report.message, /Expected status/);

  const bigint = healthResponse({
    status: "ok",
    service: "audio",
    checks: { a: { status: "ok", n: 1n } },
  });
  equal(bigint.status, 503);
  equal((await bigint.json()).status, "failing");
});

Deno.test("metricsResponse() uses the Prometheus text content type", async () => {
  const response = await metricsResponse({
    render: () => Promise.resolve("up 1\n"),
  });
  equal(response.status, 200);
  equal(response.headers.get("content-type"), METRICS_CONTENT_TYPE);
  equal(
    response.headers.get("content-type"),
    "text/plain; version=0.0.4; charset=utf-8",
  );
  equal(response.headers.get("cache-control"), "no-store");
  equal(await response.text(), "up 1\n");
});

Deno.test("metricsResponse() answers 500 and reports when render throws", async () => {
  const errors: string[] = [];
  const response = await metricsResponse(
    {
      render: () => {
        throw new Error("boom");
      },
    },
    { onError: (_err, context) => errors.push(context) },
  );
  equal(response.status, 500);
  await response.body?.cancel();
  deepEqual(errors, ["metrics render"]);
});

Deno.test("startHttpServer() serves /healthz and /metrics over a real socket", async () => {
  let status: "ok" | "failing" = "ok";
  let handled = 0;
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    routes: {
      healthz: () => ({ status, service: "bridge", uptimeSeconds: 1 }),
      metrics: { render: () => "# TYPE up gauge\nup 1\n" },
    },
    handler: () => {
      handled++;
      return new Response("handler");
    },
  });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    let response = await fetch(`${base}/healthz`);
    equal(response.status, 200);
    equal(response.headers.get("cache-control"), "no-store");
    deepEqual(await response.json(), {
      status: "ok",
      service: "bridge",
      uptimeSeconds: 1,
    });

    status = "failing";
    response = await fetch(`${base}/healthz`);
    equal(response.status, 503);
    equal((await response.json()).status, "failing");

    response = await fetch(`${base}/metrics`);
    equal(response.status, 200);
    equal(response.headers.get("content-type"), METRICS_CONTENT_TYPE);
    equal(await response.text(), "# TYPE up gauge\nup 1\n");

    response = await fetch(`${base}/metrics`, { method: "POST", body: "x" });
    equal(response.status, 405);
    equal(response.headers.get("allow"), "GET, HEAD");
    await response.body?.cancel();

    response = await fetch(`${base}/other`);
    equal(await response.text(), "handler");
    equal(handled, 1);
  } finally {
    await server.shutdown();
  }
});

Deno.test("startHttpServer() answers 503 failing when the healthz route throws", async () => {
  const errors: unknown[] = [];
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    service: "ysf",
    onError: (err) => errors.push(err),
    routes: {
      healthz: () => {
        throw new Error("probe broke");
      },
    },
    handler: () => new Response("handler"),
  });
  try {
    const response = await fetch(
      `http://127.0.0.1:${server.addr.port}/healthz`,
    );
    equal(response.status, 503);
    const body = await response.json();
    equal(body.status, "failing");
    equal(body.service, "ysf");
    equal(errors.length, 1);
    ok(errors[0] instanceof Error && errors[0].message === "probe broke");
  } finally {
    await server.shutdown();
  }
});

Deno.test("startHttpServer() passes /healthz to the handler when no route is given", async () => {
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    handler: (request) => new Response(new URL(request.url).pathname),
  });
  try {
    const response = await fetch(
      `http://127.0.0.1:${server.addr.port}/healthz`,
    );
    equal(await response.text(), "/healthz");
  } finally {
    await server.shutdown();
  }
});
