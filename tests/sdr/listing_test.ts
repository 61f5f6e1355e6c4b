import { deepEqual, equal, ok } from "node:assert/strict";
import { ListingRegistrar, type ListingUpdate } from "../../lib/sdr/listing.ts";

const BODY: ListingUpdate = {
  id: "42",
  name: "SHACK SDR",
  software: "shack",
  software_version: "0.1.0",
  version: "0.1.0",
  antenna: "dipole",
  bandwidth: 2048000,
  users: 3,
  center_frequency: 7100000,
  grid_locator: "IO91",
  hostname: "sdr.example.org",
  max_users: 100,
  port: 9002,
};

Deno.test("ListingRegistrar posts PhantomSDR+'s JSON to a real HTTP server, then every interval", async () => {
  const received: unknown[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      received.push({
        method: req.method,
        type: req.headers.get("content-type"),
        body: await req.json(),
      });
      return new Response("ok");
    },
  );
  const url = `http://127.0.0.1:${server.addr.port}/api/update_websdr`;
  const registrar = new ListingRegistrar({
    urls: [url],
    body: () => BODY,
    intervalMs: 50,
  });
  try {
    registrar.start();
    const end = performance.now() + 5000;
    while (received.length < 3 && performance.now() < end) {
      await new Promise((r) => setTimeout(r, 10));
    }
    ok(received.length >= 3, `${received.length} posts`);
    deepEqual(received[0], {
      method: "POST",
      type: "application/json",
      body: BODY,
    });
  } finally {
    await registrar.stop();
    await server.shutdown();
  }
});

Deno.test("ListingRegistrar backs off after failures (doubling, capped) and resets after a success", async () => {
  const results: { ok: boolean; status?: number; nextInMs: number }[] = [];
  let fail = true;
  const registrar = new ListingRegistrar({
    urls: ["http://directory.test/api/update_websdr"],
    body: () => BODY,
    intervalMs: 10,
    maxBackoffMs: 40,
    fetch: () =>
      Promise.resolve(new Response("no", { status: fail ? 503 : 200 })),
    onResult: (_url, r) => {
      results.push(r);
      if (results.length === 4) fail = false;
    },
  });
  registrar.start();
  const end = performance.now() + 5000;
  while (results.length < 5 && performance.now() < end) {
    await new Promise((r) => setTimeout(r, 5));
  }
  await registrar.stop();
  deepEqual(results.slice(0, 5).map((r) => r.nextInMs), [20, 40, 40, 40, 10]);
  equal(results[0].status, 503);
  equal(results[4].ok, true);
});

Deno.test("ListingRegistrar.stop() returns at once while a directory hangs", async () => {
  const hanging = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const c of hanging) conns.push(c); // never answers
  })();
  const registrar = new ListingRegistrar({
    urls: [
      `http://127.0.0.1:${
        (hanging.addr as Deno.NetAddr).port
      }/api/update_websdr`,
    ],
    body: () => BODY,
  });
  registrar.start();
  await new Promise((r) => setTimeout(r, 100));
  const started = performance.now();
  await registrar.stop();
  ok(performance.now() - started < 500, "stop() waited for the request");
  hanging.close();
  for (const c of conns) c.close();
  await accepting.catch(() => {});
});

Deno.test("ListingRegistrar gives up on a directory that sends no response headers in time", async () => {
  const hanging = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const c of hanging) conns.push(c);
  })();
  const results: { ok: boolean; error?: string }[] = [];
  const registrar = new ListingRegistrar({
    urls: [
      `http://127.0.0.1:${
        (hanging.addr as Deno.NetAddr).port
      }/api/update_websdr`,
    ],
    body: () => BODY,
    responseTimeoutMs: 100,
    onResult: (_url, r) => results.push(r),
  });
  registrar.start();
  const end = performance.now() + 5000;
  while (results.length < 1 && performance.now() < end) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await registrar.stop();
  hanging.close();
  for (const c of conns) c.close();
  await accepting.catch(() => {});
  equal(results[0]?.ok, false);
  equal(registrar.stats.failed, 1);
});

Deno.test("SdrService with register_online posts its listing to the configured directory", async () => {
  const { Logger } = await import("../../lib/core/log.ts");
  const { defaultSdrServiceConfig } = await import(
    "../../lib/sdr/config/service_config.ts"
  );
  const { SdrService } = await import("../../lib/sdr/service.ts");
  const received: Record<string, unknown>[] = [];
  const directory = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
  }, async (req) => {
    received.push(await req.json());
    return new Response("ok");
  });
  const config = defaultSdrServiceConfig();
  config.server.bind = "127.0.0.1";
  config.server.port = 0;
  config.listing.registerOnline = true;
  config.listing.registerUrls = [
    `http://127.0.0.1:${directory.addr.port}/api/update_websdr`,
  ];
  config.listing.name = "SHACK LISTED";
  const service = await SdrService.start(config, {
    logger: new Logger({ sink: () => {} }),
  });
  try {
    const end = performance.now() + 5000;
    while (received.length < 1 && performance.now() < end) {
      await new Promise((r) => setTimeout(r, 10));
    }
    equal(received[0]?.name, "SHACK LISTED");
    equal(received[0]?.software, "shack");
    equal(received[0]?.center_frequency, config.input.frequency);
    equal(received[0]?.users, 0);
  } finally {
    await service.close();
    await directory.shutdown();
  }
});
