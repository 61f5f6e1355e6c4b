import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { udpRequest } from "../../lib/core/udp_request.ts";

function listen(): Deno.DatagramConn {
  return Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
}

const portOf = (conn: Deno.DatagramConn) => (conn.addr as Deno.NetAddr).port;

Deno.test("udpRequest() sends the request and resolves with the first accepted reply", async () => {
  const server = listen();
  try {
    const answering = (async () => {
      const [request, from] = await server.receive();
      deepEqual([...request], [7, 7]);
      // Two replies the caller does not accept, then one it does.
      await server.send(new Uint8Array([0]), from);
      await server.send(new Uint8Array([1, 2]), from);
      await server.send(new Uint8Array([42]), from);
    })();
    const seen: number[][] = [];
    const result = await udpRequest(
      "127.0.0.1",
      portOf(server),
      new Uint8Array([7, 7]),
      (data, from) => {
        seen.push([...data]);
        equal(from.port, portOf(server));
        return data.length === 1 && data[0] === 42 ? "the answer" : undefined;
      },
      { timeoutMs: 5000 },
    );
    await answering;
    equal(result.reply, "the answer");
    ok(result.rttMs >= 0 && result.rttMs < 5000);
    deepEqual(seen, [[0], [1, 2], [42]]);
  } finally {
    server.close();
  }
});

Deno.test("udpRequest() rejects with a TimeoutError naming the reply, host and deadline", async () => {
  const silent = listen();
  try {
    await rejects(
      udpRequest(
        "127.0.0.1",
        portOf(silent),
        new Uint8Array([1]),
        () => "anything",
        { timeoutMs: 150, expected: "pong" },
      ),
      (error: DOMException) => {
        equal(error.name, "TimeoutError");
        equal(
          error.message,
          `no pong from 127.0.0.1:${portOf(silent)} within 150 ms`,
        );
        return true;
      },
    );
  } finally {
    silent.close();
  }
});

Deno.test("udpRequest() rejects with the abort reason of its signal", async () => {
  const silent = listen();
  try {
    const ac = new AbortController();
    const pending = udpRequest(
      "127.0.0.1",
      portOf(silent),
      new Uint8Array([1]),
      () => "anything",
      { timeoutMs: 10_000, signal: ac.signal },
    );
    ac.abort(new Error("cancelled by the caller"));
    await rejects(pending, /cancelled by the caller/);
  } finally {
    silent.close();
  }
});
