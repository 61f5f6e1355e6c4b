import { deepEqual, equal, ok } from "node:assert/strict";
import {
  type HttpHandler,
  type HttpServerHandle,
  startHttpServer,
} from "../../lib/core/http/server.ts";
import {
  isWebSocketRequest,
  upgradeWebSocket,
} from "../../lib/core/http/websocket.ts";
import {
  createWsSendCounters,
  sendIfReady,
} from "../../lib/core/http/websocket_send.ts";
import { WebSocketSet } from "../../lib/core/http/websocket_set.ts";
import { rawRequest, rawWebSocket } from "../fixtures/http/raw_http.ts";
import { waitFor } from "../_wait.ts";

async function withServer(
  handler: HttpHandler,
  fn: (server: HttpServerHandle, port: number) => Promise<void>,
  maxConnections?: number,
): Promise<void> {
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    handler,
    maxConnections,
  });
  try {
    await fn(server, server.addr.port);
  } finally {
    await server.shutdown();
  }
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.readyState === WebSocket.OPEN) return resolve();
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener(
      "close",
      () => reject(new Error("Expected the socket to open, found it closed")),
      { once: true },
    );
  });
}

function closed(socket: WebSocket): Promise<CloseEvent> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) {
      return resolve(new CloseEvent("close"));
    }
    socket.addEventListener("close", (event) => resolve(event), { once: true });
  });
}

Deno.test("isWebSocketRequest() needs GET and Upgrade: websocket", () => {
  const at = (init: RequestInit) => new Request("http://localhost/ws", init);
  equal(isWebSocketRequest(at({ headers: { upgrade: "WebSocket" } })), true);
  equal(
    isWebSocketRequest(at({ headers: { upgrade: "h2c, websocket" } })),
    true,
  );
  equal(isWebSocketRequest(at({})), false);
  equal(
    isWebSocketRequest(
      at({ method: "POST", headers: { upgrade: "websocket" } }),
    ),
    false,
  );
});

Deno.test("upgradeWebSocket() answers 426 to a plain request and 400 to a bad handshake", async () => {
  await withServer(
    (request) => upgradeWebSocket(request).response,
    async (_server, port) => {
      const plain = await rawRequest(port, "/ws");
      equal(plain.status, 426);
      equal(plain.headers.get("upgrade"), "websocket");
      const bad = await rawRequest(port, "/ws", {
        headers: { upgrade: "websocket", connection: "Upgrade" }, // no key, no version
      });
      equal(bad.status, 400);
    },
  );
});

Deno.test("upgradeWebSocket() echoes and selects the first offered protocol it speaks", async () => {
  const serverSockets: WebSocket[] = [];
  await withServer((request) => {
    const upgrade = upgradeWebSocket(request, { protocol: ["v3", "v2"] });
    if (upgrade.ok) {
      serverSockets.push(upgrade.socket);
      upgrade.socket.onmessage = (event) =>
        upgrade.socket.send(`echo ${event.data}`);
    }
    return upgrade.response;
  }, async (_server, port) => {
    const client = new WebSocket(`ws://127.0.0.1:${port}/events`, ["v1", "v2"]);
    await opened(client);
    equal(client.protocol, "v2");
    const reply = new Promise<string>((resolve) =>
      client.onmessage = (e) => resolve(e.data)
    );
    client.send("hello");
    equal(await reply, "echo hello");
    client.close();
    await closed(client);
    await closed(serverSockets[0]);
  });
});

Deno.test("upgradeWebSocket() idleTimeoutSeconds pings and closes a peer that never answers", async () => {
  let serverSocket: WebSocket | null = null;
  await withServer((request) => {
    const upgrade = upgradeWebSocket(request, { idleTimeoutSeconds: 1 });
    if (upgrade.ok) serverSocket = upgrade.socket;
    return upgrade.response;
  }, async (_server, port) => {
    const start = performance.now();
    const { conn, status } = await rawWebSocket(port, "/audio");
    equal(status, 101);
    // Give up (and fail below) if the server has not hung up after 5 s.
    let gaveUp = false;
    const guard = setTimeout(() => {
      gaveUp = true;
      conn.close();
    }, 5000);
    try {
      // Read everything the server sends until it hangs up, never answering.
      const bytes: number[] = [];
      const buffer = new Uint8Array(1024);
      while (true) {
        const n = await conn.read(buffer).catch(() => null);
        if (n === null) break;
        bytes.push(...buffer.subarray(0, n));
      }
      clearTimeout(guard);
      equal(gaveUp, false, "the server closed the silent peer");
      const elapsed = performance.now() - start;
      const opcodes: number[] = [];
      for (let i = 0; i + 1 < bytes.length; i += 2 + (bytes[i + 1] & 0x7f)) {
        opcodes.push(bytes[i] & 0x0f);
      }
      deepEqual(opcodes, [0x9, 0x8]); // a ping, then a close
      const closeIndex = 2; // after the empty ping frame
      equal((bytes[closeIndex + 2] << 8) | bytes[closeIndex + 3], 1001);
      ok(elapsed < 5000, `closed after ${elapsed} ms`);
      ok(serverSocket !== null);
      await closed(serverSocket);
    } finally {
      clearTimeout(guard);
      if (!gaveUp) conn.close();
    }
  });
});

Deno.test("upgradeWebSocket() keeps a peer that answers pings", async () => {
  const serverSockets: WebSocket[] = [];
  await withServer((request) => {
    const upgrade = upgradeWebSocket(request, { idleTimeoutSeconds: 1 });
    if (upgrade.ok) {
      serverSockets.push(upgrade.socket);
      upgrade.socket.onmessage = (event) => upgrade.socket.send(event.data);
    }
    return upgrade.response;
  }, async (_server, port) => {
    const client = new WebSocket(`ws://127.0.0.1:${port}/`);
    await opened(client);
    // Two and a half idle periods: Deno's client answers the pings itself.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    equal(client.readyState, WebSocket.OPEN);
    equal(serverSockets[0].readyState, WebSocket.OPEN);
    const reply = new Promise((resolve) =>
      client.onmessage = (e) => resolve(e.data)
    );
    client.send("still here");
    equal(await reply, "still here");
    client.close();
    await closed(client);
    await closed(serverSockets[0]);
  });
});

Deno.test("sendIfReady() drops and counts frames when the peer stops reading", async () => {
  let serverSocket: WebSocket | null = null;
  await withServer((request) => {
    const upgrade = upgradeWebSocket(request, { idleTimeoutSeconds: 0 });
    if (upgrade.ok) serverSocket = upgrade.socket;
    return upgrade.response;
  }, async (_server, port) => {
    const { conn } = await rawWebSocket(port, "/waterfall"); // never reads
    try {
      await waitFor(() => serverSocket?.readyState === WebSocket.OPEN, "open");
      const socket = serverSocket!;
      const counters = createWsSendCounters();
      const frame = new Uint8Array(64 * 1024);
      const maxBufferedBytes = 1024 * 1024;
      let maxSeen = 0;
      for (let i = 0; i < 4000 && counters.droppedBackpressure < 10; i++) {
        sendIfReady(socket, frame, { maxBufferedBytes, counters });
        maxSeen = Math.max(maxSeen, socket.bufferedAmount);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      equal(counters.droppedBackpressure, 10);
      ok(counters.sent > 0);
      equal(counters.sentBytes, counters.sent * frame.length);
      equal(counters.failed, 0);
      // The queue never grew past the limit by more than one frame.
      ok(
        maxSeen <= maxBufferedBytes + frame.length,
        `bufferedAmount reached ${maxSeen}`,
      );
    } finally {
      conn.close();
    }
    await closed(serverSocket!);
  });
});

Deno.test("sendIfReady() never throws on a closing or closed socket", async () => {
  let serverSocket: WebSocket | null = null;
  await withServer((request) => {
    const upgrade = upgradeWebSocket(request);
    if (upgrade.ok) serverSocket = upgrade.socket;
    return upgrade.response;
  }, async (_server, port) => {
    const client = new WebSocket(`ws://127.0.0.1:${port}/`);
    await opened(client);
    await waitFor(() => serverSocket?.readyState === WebSocket.OPEN, "open");
    const socket = serverSocket!;
    const counters = createWsSendCounters();
    equal(
      sendIfReady(socket, "one", { maxBufferedBytes: 1e6, counters }),
      true,
    );
    socket.close(1000, "done");
    equal(
      sendIfReady(socket, "closing", { maxBufferedBytes: 1e6, counters }),
      false,
    );
    await closed(socket);
    await closed(client);
    equal(
      sendIfReady(socket, new Uint8Array(4), {
        maxBufferedBytes: 1e6,
        counters,
      }),
      false,
    );
    deepEqual(counters, {
      sent: 1,
      sentBytes: 3,
      droppedBackpressure: 0,
      droppedNotOpen: 2,
      failed: 0,
    });
  });
});

Deno.test("sendIfReady() counts a send that throws as failed", () => {
  const counters = createWsSendCounters();
  const broken = {
    readyState: WebSocket.OPEN,
    bufferedAmount: 0,
    send() {
      throw new DOMException("gone", "InvalidStateError");
    },
  };
  equal(sendIfReady(broken, "x", { maxBufferedBytes: 10, counters }), false);
  equal(counters.failed, 1);
  equal(sendIfReady(broken, "x", { maxBufferedBytes: 10 }), false);
});

Deno.test("WebSocketSet rejects upgrades beyond maxConnections with 503 and frees slots on close", async () => {
  await withServer((request, context) => {
    const upgrade = context.websockets.upgrade(request);
    if (upgrade.ok) {
      upgrade.socket.onmessage = (e) => upgrade.socket.send(e.data);
    }
    return upgrade.response;
  }, async (server, port) => {
    equal(server.websockets.maxConnections, 2);
    const a = new WebSocket(`ws://127.0.0.1:${port}/`);
    const b = new WebSocket(`ws://127.0.0.1:${port}/`);
    await Promise.all([opened(a), opened(b)]);
    equal(server.websockets.size, 2);

    const refused = await rawRequest(port, "/", {
      headers: {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "sec-websocket-version": "13",
      },
    });
    equal(refused.status, 503);
    equal(server.websockets.rejected, 1);

    a.close();
    await closed(a);
    await waitFor(() => server.websockets.size === 1, "a slot to free up");
    const c = new WebSocket(`ws://127.0.0.1:${port}/`);
    await opened(c);
    equal(server.websockets.size, 2);
    equal(server.websockets.accepted, 3);

    b.close();
    c.close();
    await Promise.all([closed(b), closed(c)]);
    await waitFor(() => server.websockets.size === 0, "all slots to free up");
  }, 2);
});

Deno.test("WebSocketSet.closeAll() closes every client with 1001", async () => {
  const set = new WebSocketSet({ maxConnections: 10 });
  await withServer(
    (request) => set.upgrade(request).response,
    async (_server, port) => {
      const clients = [0, 1, 2].map(() =>
        new WebSocket(`ws://127.0.0.1:${port}/`)
      );
      await Promise.all(clients.map(opened));
      await waitFor(
        () => [...set].every((s) => s.readyState === WebSocket.OPEN),
        "server sockets open",
      );
      const events = Promise.all(clients.map(closed));
      await set.closeAll(1001, "Server shutting down");
      for (const event of await events) {
        equal(event.code, 1001);
        equal(event.reason, "Server shutting down");
      }
      equal(set.size, 0);
    },
  );
});

Deno.test("WebSocketSet.closeAll() closes a socket still in its handshake once it opens", async () => {
  const set = new WebSocketSet();
  let closing: Promise<void> | null = null;
  await withServer((request) => {
    const upgrade = set.upgrade(request);
    closing = set.closeAll(1001, "Too late"); // the socket is still CONNECTING
    return upgrade.response;
  }, async (server, port) => {
    const client = new WebSocket(`ws://127.0.0.1:${port}/`);
    const clientClosed = closed(client);
    let guard: ReturnType<typeof setTimeout> | undefined;
    const event = await Promise.race([
      clientClosed,
      new Promise<null>((resolve) =>
        guard = setTimeout(() => resolve(null), 5000)
      ),
    ]);
    clearTimeout(guard);
    if (event === null) {
      await server.shutdown(); // drops the stuck connection
      await clientClosed;
      throw new Error("Expected the client to be closed within 5 s");
    }
    equal(event.code, 1001);
    equal(event.reason, "Too late");
    await closing;
    equal(set.size, 0);
  });
});

Deno.test("WebSocketSet.add() tracks sockets up to the limit", () => {
  const set = new WebSocketSet({ maxConnections: 0 });
  const socket = { addEventListener() {} } as unknown as WebSocket;
  equal(set.add(socket), false);
  equal(set.rejected, 1);
  equal(set.size, 0);
});
