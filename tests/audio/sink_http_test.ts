import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { startHttpServer } from "../../lib/core/http/server.ts";
import {
  HttpSink,
  type HttpSinkSocket,
} from "../../lib/audio/sinks/http_sink.ts";
import { waitFor } from "../_wait.ts";

const FORMAT = { sampleRate: 48000, channels: 2, blockSize: 4 };

function serve(sink: HttpSink) {
  return startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    handler: (request) =>
      sink.handler(request) ?? new Response("Not found\n", { status: 404 }),
  });
}

/** A stand-in socket whose `bufferedAmount` the test controls. */
class FakeSocket implements HttpSinkSocket {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  sent: (string | Uint8Array)[] = [];
  closedWith: [number, string] | undefined;
  #listeners = new Map<string, (() => void)[]>();
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    this.sent.push(data as string | Uint8Array);
  }
  close(code?: number, reason?: string): void {
    this.closedWith = [code ?? 1005, reason ?? ""];
    this.readyState = WebSocket.CLOSED;
    for (const listener of this.#listeners.get("close") ?? []) listener();
  }
  addEventListener(type: string, listener: () => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
}

Deno.test("HttpSink serves its page and streams s16 blocks to a real WebSocket", async () => {
  const sink = new HttpSink(FORMAT);
  const server = serve(sink);
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    const page = await fetch(`${base}/listen/`);
    equal(page.status, 200);
    ok((await page.text()).includes("new WebSocket("));
    const head = await fetch(`${base}/listen`, { method: "HEAD" });
    equal(head.headers.get("content-type"), "text/html; charset=utf-8");
    await head.body?.cancel();
    const post = await fetch(`${base}/listen/`, { method: "POST" });
    equal(post.status, 405);
    await post.body?.cancel();
    const missing = await fetch(`${base}/nope`);
    equal(missing.status, 404);
    await missing.body?.cancel();

    const socket = new WebSocket(
      `ws://127.0.0.1:${server.addr.port}/listen/ws`,
    );
    socket.binaryType = "arraybuffer";
    const messages: (string | ArrayBuffer)[] = [];
    socket.onmessage = (event) => messages.push(event.data);
    await waitFor(() => messages.length === 1, "the format message");
    deepEqual(JSON.parse(messages[0] as string), {
      type: "format",
      encoding: "s16le",
      sampleRate: 48000,
      channels: 2,
      blockSize: 4,
    });
    equal(sink.stats.clients, 1);
    sink.write(new Float32Array([0, 1, -1, 0.5, 0, 0, 0, 0]));
    sink.write(new Float32Array(8).fill(0.25));
    await waitFor(() => messages.length === 3, "two blocks");
    const first = new Int16Array(messages[1] as ArrayBuffer);
    deepEqual([...first], [0, 32767, -32767, 16384, 0, 0, 0, 0]);
    equal(new Int16Array(messages[2] as ArrayBuffer)[0], 8192);
    equal(sink.stats.sentBlocks, 2);
    const closed = new Promise<CloseEvent>((resolve) =>
      socket.onclose = resolve
    );
    await sink.close();
    equal((await closed).code, 1001);
    equal(sink.stats.clients, 0);
  } finally {
    await sink.close();
    await server.shutdown();
  }
});

Deno.test("HttpSink refuses listeners beyond maxClients with a 503", async () => {
  const sink = new HttpSink({ ...FORMAT, maxClients: 1 });
  const server = serve(sink);
  const url = `ws://127.0.0.1:${server.addr.port}/listen/ws`;
  try {
    const first = new WebSocket(url);
    await new Promise((resolve) => first.onopen = resolve);
    const refused = await fetch(
      `http://127.0.0.1:${server.addr.port}/listen/ws`,
      {
        headers: {
          upgrade: "websocket",
          connection: "Upgrade",
          "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
          "sec-websocket-version": "13",
        },
      },
    );
    equal(refused.status, 503);
    await refused.body?.cancel();
    equal(sink.stats.rejected, 1);
    const closed = new Promise((resolve) => first.onclose = resolve);
    first.close();
    await closed;
    await waitFor(() => sink.stats.clients === 0, "the listener to leave");
  } finally {
    await sink.close();
    await server.shutdown();
  }
});

Deno.test("HttpSink drops blocks for a slow listener and then disconnects it", () => {
  const sink = new HttpSink({
    ...FORMAT,
    maxBufferedBytes: 100,
    maxConsecutiveDrops: 3,
  });
  const fast = new FakeSocket();
  const slow = new FakeSocket();
  equal(sink.attach(fast), true);
  equal(sink.attach(slow), true);
  equal(fast.sent.length, 1); // the format message
  const block = new Float32Array(8);
  sink.write(block);
  slow.bufferedAmount = 1000; // stops reading
  sink.write(block);
  sink.write(block);
  equal(slow.closedWith, undefined);
  slow.bufferedAmount = 0; // catches up: the drop count restarts
  sink.write(block);
  slow.bufferedAmount = 1000;
  for (let i = 0; i < 3; i++) sink.write(block);
  deepEqual(slow.closedWith, [1013, "Listener too slow"]);
  const stats = sink.stats;
  equal(stats.droppedBlocks, 5);
  equal(stats.slowClientsDropped, 1);
  equal(stats.clients, 1);
  equal(fast.sent.length, 1 + 7);
  equal(slow.sent.length, 1 + 2);
  equal(stats.blocks, 7);
  // the fast listener got one shared buffer per block, 16 bytes each
  equal(stats.bytes, 16 * 9);
});

Deno.test("HttpSink rejects writes after close and listeners beyond capacity", async () => {
  const sink = new HttpSink({ ...FORMAT, maxClients: 1, path: "/audio/" });
  equal(sink.path, "/audio");
  equal(sink.attach(new FakeSocket()), true);
  equal(sink.attach(new FakeSocket()), false);
  equal(sink.stats.rejected, 1);
  await sink.close();
  await rejects(
    Promise.resolve().then(() => sink.write(new Float32Array(8))),
    { name: "SinkStateError" },
  );
  const response = sink.handler(new Request("http://x/audio/ws"));
  equal(response?.status, 503);
  await response?.body?.cancel();
});
