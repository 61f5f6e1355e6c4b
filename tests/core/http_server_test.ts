import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import {
  type HttpHandler,
  startHttpServer,
} from "../../lib/core/http/server.ts";
import { rawWebSocket } from "../fixtures/http/raw_http.ts";
import { settlesWithin } from "../../lib/core/settles_within.ts";

const encoder = new TextEncoder();

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener(
      "error",
      () => reject(new Error("Expected the socket to open")),
      {
        once: true,
      },
    );
  });
}

function closed(socket: WebSocket): Promise<CloseEvent> {
  return new Promise((resolve) => {
    socket.addEventListener("close", (event) => resolve(event), { once: true });
  });
}

/** A body that sends a chunk every 20 ms forever, and records its cancellation. */
function endlessBody(
  state: { cancelled: boolean },
): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setInterval> | undefined;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode("first\n"));
      timer = setInterval(
        () => controller.enqueue(encoder.encode("more\n")),
        20,
      );
    },
    cancel() {
      clearInterval(timer);
      state.cancelled = true;
    },
  });
}

Deno.test("startHttpServer() listens on port 0 and reports the real port", async () => {
  let listened: Deno.NetAddr | null = null;
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    onListen: (addr) => listened = addr,
    handler: () => new Response("hello"),
  });
  try {
    ok(server.addr.port > 0);
    equal(server.addr.hostname, "127.0.0.1");
    deepEqual(listened, server.addr);
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    equal(await response.text(), "hello");
  } finally {
    await server.shutdown();
  }
  await rejects(fetch(`http://127.0.0.1:${server.addr.port}/`));
});

Deno.test("startHttpServer() answers 500 when the handler throws and keeps serving", async () => {
  const errors: { err: unknown; context: string }[] = [];
  const handler: HttpHandler = async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/throw") throw new Error("handler bug");
    if (path === "/reject") {
      await Promise.resolve();
      throw new RangeError("async bug");
    }
    if (path === "/nothing") return undefined as unknown as Response;
    if (path === "/used") {
      const response = new Response("x");
      await response.text();
      return response;
    }
    return new Response("fine");
  };
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    onError: (err, context) => errors.push({ err, context }),
    handler,
  });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    for (const path of ["/throw", "/reject", "/nothing", "/used"]) {
      const response = await fetch(base + path);
      equal(response.status, 500, path);
      equal(await response.text(), "Internal server error\n");
      equal(await (await fetch(`${base}/ok`)).text(), "fine");
    }
    deepEqual(errors.map((e) => e.context), [
      "handler GET /throw",
      "handler GET /reject",
      "handler GET /nothing",
      "handler GET /used",
    ]);
    ok(
      errors[0].err instanceof Error && errors[0].err.message === "handler bug",
    );
    ok(errors[2].err instanceof TypeError);
  } finally {
    await server.shutdown();
  }
});

Deno.test("HttpServerHandle.shutdown() finishes within the deadline with a websocket client and a streaming response", async () => {
  const stream = { cancelled: false };
  const errors: unknown[] = [];
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    onError: (err) => errors.push(err),
    handler: (request, context) => {
      if (new URL(request.url).pathname === "/ws") {
        return context.websockets.upgrade(request).response;
      }
      return new Response(endlessBody(stream)); // ignores context.signal
    },
  });
  const port = server.addr.port;
  const client = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  await opened(client);
  const clientClosed = closed(client);

  const response = await fetch(`http://127.0.0.1:${port}/stream`);
  const reader = response.body!.getReader();
  equal(new TextDecoder().decode((await reader.read()).value), "first\n");
  // Keep reading in the background until the server cuts the stream.
  const readerDone = (async () => {
    try {
      while (!(await reader.read()).done) { /* keep reading */ }
      return "done";
    } catch {
      return "cut";
    }
  })();

  const start = performance.now();
  await server.shutdown(1000);
  const elapsed = performance.now() - start;
  ok(elapsed < 2000, `shutdown took ${elapsed} ms`);
  ok(server.signal.aborted);

  equal((await clientClosed).code, 1001);
  ok(["cut", "done"].includes(await readerDone));
  ok(stream.cancelled, "the endless body was cancelled");
  ok(await settlesWithin(server.drained, 2000), "Deno's server finished");
  deepEqual(errors, []);
  await server.finished;
});

Deno.test("HttpServerHandle.shutdown() aborts context.signal so handlers can end streams", async () => {
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    handler: (_request, context) => {
      let timer: ReturnType<typeof setInterval> | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode("tick\n"));
          timer = setInterval(
            () => controller.enqueue(encoder.encode("tick\n")),
            20,
          );
          context.signal.addEventListener("abort", () => {
            clearInterval(timer);
            controller.enqueue(encoder.encode("bye\n"));
            controller.close();
          }, { once: true });
        },
        cancel() {
          clearInterval(timer);
        },
      });
      return new Response(body);
    },
  });
  const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
  const text = response.text();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await server.shutdown(2000);
  match(await text, /^(tick\n)+bye\n$/);
});

Deno.test("startHttpServer() shuts down when its signal aborts", async () => {
  const controller = new AbortController();
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    signal: controller.signal,
    handler: () => new Response("hi"),
  });
  equal(
    await (await fetch(`http://127.0.0.1:${server.addr.port}/`)).text(),
    "hi",
  );
  controller.abort();
  ok(await settlesWithin(server.finished, 2000));
  ok(server.signal.aborted);
  // shutdown() after the fact returns the same completed shutdown.
  await server.shutdown();
  await rejects(fetch(`http://127.0.0.1:${server.addr.port}/`));
});

Deno.test("startHttpServer() with an already aborted signal stops at once", async () => {
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    signal: AbortSignal.abort(),
    handler: () => new Response("hi"),
  });
  ok(await settlesWithin(server.finished, 2000));
});

Deno.test("startHttpServer() answers 503 to requests arriving during shutdown", async () => {
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    handler: (request, context) => {
      if (new URL(request.url).pathname === "/ws") {
        return context.websockets.upgrade(request).response;
      }
      return new Response("hi");
    },
  });
  const port = server.addr.port;
  // A websocket peer that never answers the close keeps the first shutdown
  // phase (a quarter of the deadline) open.
  const { conn } = await rawWebSocket(port, "/ws");
  try {
    const stopping = server.shutdown(2000);
    const response = await fetch(`http://127.0.0.1:${port}/`);
    equal(response.status, 503);
    equal(await response.text(), "Server shutting down\n");
    await stopping;
  } finally {
    conn.close();
  }
});

Deno.test("HttpServerHandle.finished resolves by the deadline even if clients stall", async () => {
  const errors: { err: unknown; context: string }[] = [];
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    onError: (err, context) => errors.push({ err, context }),
    handler: (request) =>
      new URL(request.url).pathname === "/big"
        ? new Response(new Uint8Array(32 * 1024 * 1024))
        : new Response("ok"),
  });
  const port = server.addr.port;
  // One client promises 100 body bytes, sends 3 and stalls: Deno waits for
  // the rest. Another asks for a large body and never reads it.
  const midRequest = await Deno.connect({ hostname: "127.0.0.1", port });
  const notReading = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await midRequest.write(
      encoder.encode(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc",
      ),
    );
    const head = new Uint8Array(256);
    const n = await midRequest.read(head);
    match(
      new TextDecoder().decode(head.subarray(0, n ?? 0)),
      /^HTTP\/1\.1 200/,
    );
    await notReading.write(
      encoder.encode("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"),
    );
    await notReading.read(new Uint8Array(256)); // the response has started

    const start = performance.now();
    await server.shutdown(400);
    const elapsed = performance.now() - start;
    ok(elapsed < 1500, `finished after ${elapsed} ms`);
    equal(errors.length, 1);
    equal(errors[0].context, "shutdown");
    match(String(errors[0].err), /connections still open/);
    equal(await settlesWithin(server.drained, 100), false);
  } finally {
    midRequest.close();
    notReading.close();
  }
  ok(
    await settlesWithin(server.drained, 2000),
    "drained after the clients left",
  );
});

Deno.test("HttpServerHandle.shutdown() is idempotent", async () => {
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    handler: () => new Response(""),
  });
  const a = server.shutdown();
  const b = server.shutdown(5);
  equal(a, b);
  await a;
  await server.finished;
});

Deno.test("startHttpServer() refuses a negative shutdown deadline", () => {
  let threw = false;
  try {
    startHttpServer({
      port: 0,
      handler: () => new Response(""),
      shutdownDeadlineMs: -1,
    });
  } catch (err) {
    threw = err instanceof RangeError;
  }
  ok(threw);
});
