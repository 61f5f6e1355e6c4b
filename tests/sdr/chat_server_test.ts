// `/chat` over real WebSockets in PhantomSDR+ v2's JSON dialect, and
// `/server-info.json`.
import { deepEqual, equal, match } from "node:assert/strict";
import {
  type SdrChatOptions,
  SdrServer,
} from "../../lib/sdr/server/sdr_server.ts";
import { SyntheticSource } from "../../lib/sdr/sources/synthetic_source.ts";

function start(
  chat: SdrChatOptions | undefined,
  extra: { serverInfo?: Parameters<typeof SdrServer.start>[0]["serverInfo"] } =
    {},
): Promise<SdrServer> {
  return SdrServer.start({
    source: new SyntheticSource({ sps: 96000, frequency: 7_100_000 }),
    hostname: "127.0.0.1",
    port: 0,
    fftSize: 2048,
    waterfallSize: 256,
    ...(chat ? { chat } : {}),
    ...extra,
  });
}

/** A chat client keeping every JSON message it receives. */
class ChatClient {
  readonly socket: WebSocket;
  readonly received: Record<string, unknown>[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<void>;
  #waiters = new Set<() => void>();

  constructor(server: SdrServer) {
    this.socket = new WebSocket(`ws://127.0.0.1:${server.addr.port}/chat`);
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new Error("chat socket refused"));
    });
    this.closed = new Promise((resolve) =>
      this.socket.onclose = () => resolve()
    );
    this.socket.onmessage = (event) => {
      this.received.push(JSON.parse(event.data));
      for (const check of [...this.#waiters]) check();
    };
  }

  static async open(server: SdrServer): Promise<ChatClient> {
    const client = new ChatClient(server);
    await client.opened;
    return client;
  }

  send(command: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(command));
  }

  waitFor(count: number, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.received.length < count) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `expected ${count} chat messages, got ${this.received.length}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    if (this.socket.readyState <= WebSocket.OPEN) this.socket.close();
    await this.closed;
  }
}

/** Raw handshake: the status line. */
async function handshakeStatus(port: number, path: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
          "Sec-WebSocket-Version: 13\r\n\r\n",
      ),
    );
    const buffer = new Uint8Array(1024);
    const n = await conn.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, n ?? 0)).split(
      "\r\n",
    )[0];
  } finally {
    conn.close();
  }
}

Deno.test("SdrServer /chat broadcasts cleaned messages, sends history to newcomers and keeps it across restarts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_chat_srv_" });
  const historyFile = `${dir}/chat_history.json`;
  const chat = { historyFile, maskedWords: ["qrm"] };
  let server = await start(chat);
  try {
    const a = await ChatClient.open(server);
    const b = await ChatClient.open(server);
    a.send({ cmd: "chat", username: "  M0ABC ", message: "hello QRM world" });
    await a.waitFor(1);
    await b.waitFor(1);
    const first = b.received[0];
    deepEqual(Object.keys(first), [
      "id",
      "username",
      "message",
      "timestamp",
      "user_id",
      "type",
      "reply_to_id",
      "reply_to_username",
    ]);
    match(String(first.id), /^\d+_1$/);
    equal(first.username, "M0ABC");
    equal(first.message, "hello *** world");
    match(String(first.timestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    equal(first.type, "message");
    deepEqual(a.received[0], first);
    // Reserved names become one stand-in per connection; replies carry through.
    b.send({
      cmd: "chat",
      username: "Admin",
      message: "reply",
      user_id: "u-42",
      reply_to_id: first.id,
      reply_to_username: "M0ABC",
    });
    b.send({ cmd: "chat", username: "root", message: "again" });
    await a.waitFor(3);
    const [reply, again] = a.received.slice(1);
    match(String(reply.username), /^user\d{6}$/);
    equal(again.username, reply.username);
    equal(reply.user_id, "u-42");
    equal(reply.reply_to_id, first.id);
    equal(reply.reply_to_username, "M0ABC");
    // Over-long, empty, binary and malformed frames are dropped and counted.
    a.send({ cmd: "chat", username: "M0ABC", message: "x".repeat(201) });
    a.send({ cmd: "chat", username: "M0ABC", message: "   " });
    a.socket.send(new Uint8Array([1, 2, 3]));
    a.socket.send("{not json");
    a.send({ cmd: "chat", username: "a-very-long-username", message: "last" });
    await b.waitFor(4);
    equal(b.received[3].username, "a-very-long-us");
    const rejected = server.stats().chat.rejected;
    equal(rejected.out_of_range, 1);
    equal(rejected.invalid_value, 1);
    equal(rejected.binary, 1);
    equal(rejected.invalid_json, 1);
    equal(server.stats().chat.messages, 4);
    // A newcomer gets the history first.
    const c = await ChatClient.open(server);
    await c.waitFor(1);
    equal(c.received[0].type, "history");
    const history = c.received[0].messages as Record<string, unknown>[];
    deepEqual(history.map((m) => m.message), [
      "hello *** world",
      "reply",
      "again",
      "last",
    ]);
    for (const client of [a, b, c]) await client.close();
    await server.close(); // flushes chat_history.json
    const saved = JSON.parse(await Deno.readTextFile(historyFile));
    equal(saved.length, 4);
    // A new server reads it back.
    server = await start(chat);
    const d = await ChatClient.open(server);
    await d.waitFor(1);
    deepEqual(
      (d.received[0].messages as Record<string, unknown>[]).map((m) => m.id),
      history.map((m) => m.id),
    );
    await d.close();
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SdrServer /chat limits each socket's message rate and the number of sockets", async () => {
  const server = await start({ messagesPerMinute: 1, maxSockets: 2 });
  try {
    const a = await ChatClient.open(server);
    const b = await ChatClient.open(server);
    // A burst of 4 passes, then one per minute.
    for (let i = 0; i < 10; i++) {
      a.send({ cmd: "chat", username: "M0ABC", message: `m${i}` });
    }
    b.send({ cmd: "chat", username: "G4XYZ", message: "mine" }); // b has its own bucket
    await b.waitFor(5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // (the two sockets' frames may interleave)
    deepEqual(b.received.map((m) => m.message).sort(), [
      "m0",
      "m1",
      "m2",
      "m3",
      "mine",
    ]);
    equal(server.stats().chat.rejected.rate_limited, 6);
    // The room holds two sockets: a third is refused before the upgrade.
    equal(
      await handshakeStatus(server.addr.port, "/chat"),
      "HTTP/1.1 503 Service Unavailable",
    );
    deepEqual(server.stats().chat.refused, { full: 1 });
    await a.close();
    await b.close();
  } finally {
    await server.close();
  }
});

Deno.test("SdrServer refuses /chat with 403 when chat is disabled, and says so in /server-info.json", async () => {
  const info = {
    serverName: 'Shack "40m"',
    location: "JN58td",
    operator: "DL0XYZ",
    email: "sysop@example.org",
  };
  const off = await start({ enabled: false }, { serverInfo: info });
  const none = await start(undefined); // no chat options: not served
  const on = await start({}, { serverInfo: info });
  try {
    for (const server of [off, none]) {
      equal(
        await handshakeStatus(server.addr.port, "/chat"),
        "HTTP/1.1 403 Forbidden",
      );
    }
    deepEqual(off.stats().chat.refused, { disabled: 1 });
    const plain = await fetch(`http://127.0.0.1:${on.addr.port}/chat`);
    equal(plain.status, 426);
    await plain.body?.cancel();
    const infoOf = async (server: SdrServer) => {
      const response = await fetch(
        `http://127.0.0.1:${server.addr.port}/server-info.json`,
      );
      equal(
        response.headers.get("content-type"),
        "application/json; charset=utf-8",
      );
      return await response.json();
    };
    deepEqual(await infoOf(off), {
      serverName: 'Shack "40m"',
      location: "JN58td",
      operators: [{ name: "DL0XYZ" }],
      email: "sysop@example.org",
      chatEnabled: false,
    });
    equal((await infoOf(on)).chatEnabled, true);
    // Turned on while running: new sockets are served.
    off.reload({ chatEnabled: true });
    const client = await ChatClient.open(off);
    client.send({ cmd: "chat", username: "M0ABC", message: "now on" });
    await client.waitFor(1);
    equal((await infoOf(off)).chatEnabled, true);
    await client.close();
    const metrics =
      await (await fetch(`http://127.0.0.1:${off.addr.port}/metrics`)).text();
    match(
      metrics,
      /^shack_sdr_chat_connections_refused_total\{reason="disabled"\} 1$/m,
    );
    match(metrics, /^shack_sdr_chat_messages_total 1$/m);
  } finally {
    await off.close();
    await none.close();
    await on.close();
  }
});
