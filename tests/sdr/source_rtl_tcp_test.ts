import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import {
  encodeRtlTcpCommand,
  encodeRtlTcpHeader,
  parseRtlTcpHeader,
  RtlTcpCommand,
  RtlTcpProtocolError,
} from "../../lib/sdr/sources/rtl_tcp_protocol.ts";
import {
  type RtlTcpEvent,
  RtlTcpSource,
  type RtlTcpSourceOptions,
} from "../../lib/sdr/sources/rtl_tcp_source.ts";
import { readFull } from "../../lib/sdr/sources/source.ts";

/** One 5-byte command as [code, u32 big endian]. */
function command(code: number, value: number): number[] {
  const out = new Uint8Array(5);
  encodeRtlTcpCommand(out, 0, code, value);
  return [...out];
}

/** Reads exactly `n` bytes from a server-side connection (null if it closes first). */
async function readExactly(
  conn: Deno.Conn,
  n: number,
): Promise<Uint8Array | null> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await conn.read(out.subarray(got));
    if (r === null) return null;
    got += r;
  }
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let i = 0; i < bytes.length;) i += await conn.write(bytes.subarray(i));
}

/** u8 pattern of a connection: byte i is (seed + i·3) mod 256. */
function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed + i * 3) & 255;
  return out;
}

/** A fake rtl_tcp server on 127.0.0.1:0 running `serve` for each connection. */
function fakeServer(serve: (conn: Deno.Conn, index: number) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const handlers: Promise<void>[] = [];
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for (let i = 0;; i++) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return;
      }
      conns.push(conn);
      handlers.push(
        serve(conn, i).catch(() => {}).finally(() => {
          try {
            conn.close();
          } catch {
            // Closed by the handler.
          }
        }),
      );
    }
  })();
  return {
    port: listener.addr.port,
    get connections() {
      return conns.length;
    },
    async close() {
      listener.close();
      await accepting;
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await Promise.all(handlers);
    },
  };
}

function source(port: number, options: Partial<RtlTcpSourceOptions> = {}) {
  return new RtlTcpSource({ port, frequency: 100_000_000, ...options });
}

Deno.test("parseRtlTcpHeader() reads the greeting and rejects other peers", () => {
  deepEqual(parseRtlTcpHeader(encodeRtlTcpHeader(6, 29)), {
    tunerType: 6,
    tunerName: "R828D",
    gainCount: 29,
  });
  equal(parseRtlTcpHeader(encodeRtlTcpHeader(42, 0)).tunerName, "type 42");
  throws(
    () => parseRtlTcpHeader(new TextEncoder().encode("HTTP/1.1 200")),
    (error: Error) =>
      error instanceof RtlTcpProtocolError &&
      error.message.includes("48 54 54 50"),
  );
  throws(() => parseRtlTcpHeader(new Uint8Array(3)), RtlTcpProtocolError);
});

Deno.test("encodeRtlTcpCommand() writes a command byte and a big-endian u32", () => {
  deepEqual(command(RtlTcpCommand.SetSampleRate, 2_048_000), [
    0x02,
    0x00,
    0x1f,
    0x40,
    0x00,
  ]);
  deepEqual(command(RtlTcpCommand.SetFrequencyCorrection, -3), [
    0x05,
    0xff,
    0xff,
    0xff,
    0xfd,
  ]);
  deepEqual(command(RtlTcpCommand.SetGain, 496), [0x04, 0, 0, 0x01, 0xf0]);
  deepEqual(command(RtlTcpCommand.SetFrequency, 4_294_967_295), [
    1,
    255,
    255,
    255,
    255,
  ]);
  throws(() => command(1, 2 ** 32), RangeError);
  throws(() => command(1, 1.5), RangeError);
  throws(() => command(256, 1), RangeError);
});

Deno.test("RtlTcpSource sends its settings byte-exact and streams samples intact", async () => {
  const received: number[][] = [];
  const samples = pattern(300_000, 11);
  let tuned: Uint8Array | null = null;
  const server = fakeServer(async (conn) => {
    await writeAll(conn, encodeRtlTcpHeader(5, 29));
    received.push([...(await readExactly(conn, 7 * 5))!]);
    for (let i = 0; i < samples.length; i += 40_000) {
      await writeAll(conn, samples.subarray(i, i + 40_000));
    }
    tuned = await readExactly(conn, 10);
    await readExactly(conn, 1); // until the client hangs up
  });
  const events: RtlTcpEvent[] = [];
  const rtl = source(server.port, {
    sps: 2_400_000,
    gain: 49.6,
    ppm: -3,
    agc: true,
    biasTee: true,
    onEvent: (event) => events.push(event),
  });
  try {
    await rtl.start(new AbortController().signal);
    const got = new Uint8Array(samples.length);
    equal(await readFull(rtl, got), samples.length);
    deepEqual(got, samples);
    deepEqual(received, [[
      ...command(0x02, 2_400_000),
      ...command(0x01, 100_000_000),
      ...command(0x03, 1),
      ...command(0x04, 496),
      ...command(0x05, -3),
      ...command(0x08, 1),
      ...command(0x0e, 1),
    ]]);
    equal(rtl.tuner?.tunerName, "R820T");
    equal(rtl.tuner?.gainCount, 29);
    equal(rtl.connected, true);
    // Commands while connected go out at once.
    equal(await rtl.setFrequency(145_500_000), true);
    equal(await rtl.setGain("auto"), true);
    while (tuned === null) await new Promise((r) => setTimeout(r, 5));
    deepEqual([...tuned], [...command(0x01, 145_500_000), ...command(0x03, 0)]);
    equal(rtl.frequency, 145_500_000);
    equal(rtl.counters.bytes, samples.length);
    equal(rtl.counters.reconnects, 0);
    deepEqual(events.map((e) => e.type), ["connected"]);
  } finally {
    rtl.close();
    await server.close();
  }
});

Deno.test("RtlTcpSource reconnects after the server drops, re-sends its settings and keeps I/Q aligned", async () => {
  const commands: Uint8Array[] = [];
  const server = fakeServer(async (conn, index) => {
    await writeAll(conn, encodeRtlTcpHeader(5, 29));
    commands.push((await readExactly(conn, 15))!);
    if (index === 0) {
      await writeAll(conn, pattern(1001, 0)); // ends inside an I/Q pair
      return; // the handler closes the connection
    }
    await writeAll(conn, pattern(1000, 100));
    await readExactly(conn, 1);
  });
  const events: RtlTcpEvent[] = [];
  const rtl = source(server.port, {
    reconnect: { initialDelayMs: 10 },
    onEvent: (event) => events.push(event),
  });
  try {
    await rtl.start(new AbortController().signal);
    const first = new Uint8Array(1001);
    equal(await readFull(rtl, first), 1001);
    deepEqual(first, pattern(1001, 0));
    await rtl.setFrequency(7_100_000); // sent now or on the next connection
    const next = new Uint8Array(1001);
    equal(await readFull(rtl, next), 1001);
    equal(next[0], 128, "a zero-valued Q completes the broken pair");
    deepEqual(next.subarray(1), pattern(1000, 100));
    equal(commands.length, 2);
    deepEqual(
      [...commands[1]],
      [
        ...command(0x02, 2_048_000),
        ...command(0x01, 7_100_000),
        ...command(0x03, 0),
      ],
    );
    equal(rtl.counters.reconnects, 1);
    deepEqual(
      events.map((e) => e.type),
      ["connected", "disconnected", "retry", "connected"],
    );
    ok(
      (events[1] as { message: string }).message.includes(
        "closed the connection after 1001 bytes",
      ),
    );
    equal((events[3] as { reconnect: boolean }).reconnect, true);
  } finally {
    rtl.close();
    await server.close();
  }
});

Deno.test("RtlTcpSource drops a connection that goes silent and connects again", async () => {
  const server = fakeServer(async (conn, index) => {
    await writeAll(conn, encodeRtlTcpHeader(5, 29));
    if (index === 0) {
      await writeAll(conn, pattern(10, 0));
      await readExactly(conn, 1 << 20); // then silence until the client hangs up
      return;
    }
    await writeAll(conn, pattern(10, 50));
    await readExactly(conn, 1 << 20);
  });
  const events: RtlTcpEvent[] = [];
  const rtl = source(server.port, {
    idleTimeoutMs: 150,
    reconnect: { initialDelayMs: 10 },
    onEvent: (event) => events.push(event),
  });
  try {
    await rtl.start(new AbortController().signal);
    const buf = new Uint8Array(20);
    equal(await readFull(rtl, buf), 20);
    deepEqual(buf, new Uint8Array([...pattern(10, 0), ...pattern(10, 50)]));
    const drop = events.find((e) => e.type === "disconnected") as {
      message: string;
    };
    ok(/within 150 ms/.test(drop.message), drop.message);
    equal(rtl.counters.reconnects, 1);
  } finally {
    rtl.close();
    await server.close();
  }
});

Deno.test("RtlTcpSource stops at once when aborted during the handshake", async () => {
  const server = fakeServer(async (conn) => {
    await readExactly(conn, 1); // accepts, never greets
  });
  const controller = new AbortController();
  const rtl = source(server.port, { connectTimeoutMs: 30_000 });
  try {
    await rtl.start(controller.signal);
    const pending = rtl.read(new Uint8Array(100));
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    equal(await pending, null);
    ok(performance.now() - started < 1000);
    equal(rtl.ended?.reason, "aborted");
    equal(await rtl.read(new Uint8Array(100)), null);
  } finally {
    await server.close();
  }
});

Deno.test("RtlTcpSource stops at once when aborted while waiting to retry", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close(); // nothing listens: connections are refused
  const controller = new AbortController();
  const rtl = source(port, { reconnect: { initialDelayMs: 60_000 } });
  await rtl.start(controller.signal);
  const pending = rtl.read(new Uint8Array(100));
  setTimeout(() => controller.abort(), 50);
  const started = performance.now();
  equal(await pending, null);
  ok(performance.now() - started < 1000);
  equal(rtl.ended?.reason, "aborted");
  equal(rtl.counters.connectFailures, 1);
});

Deno.test("RtlTcpSource backs off exponentially and gives up after maxAttempts", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const delays: number[] = [];
  const rtl = source(port, {
    reconnect: {
      initialDelayMs: 100,
      factor: 3,
      maxDelayMs: 500,
      maxAttempts: 4,
    },
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  });
  await rtl.start(new AbortController().signal);
  equal(await rtl.read(new Uint8Array(10)), null);
  deepEqual(delays, [100, 300, 500, 500]);
  equal(rtl.counters.connectFailures, 5);
  equal(rtl.ended?.reason, "error");
  ok(rtl.ended?.message.includes("5 failed attempts"), rtl.ended?.message);
  ok(rtl.lastError instanceof Deno.errors.ConnectionRefused);
});

Deno.test("RtlTcpSource times out a peer that accepts but never greets", async () => {
  const server = fakeServer(async (conn) => {
    await readExactly(conn, 1 << 20);
  });
  const rtl = source(server.port, {
    connectTimeoutMs: 100,
    reconnect: { initialDelayMs: 10, maxAttempts: 1 },
  });
  try {
    await rtl.start(new AbortController().signal);
    equal(await rtl.read(new Uint8Array(10)), null);
    equal(rtl.ended?.reason, "error");
    ok(rtl.lastError instanceof Deno.errors.TimedOut);
    ok((rtl.lastError as Error).message.includes("within 100 ms"));
    equal(server.connections, 2);
  } finally {
    await server.close();
  }
});

Deno.test("RtlTcpSource rejects a peer that is not rtl_tcp", async () => {
  const server = fakeServer(async (conn) => {
    await writeAll(conn, new TextEncoder().encode("SSH-2.0-OpenSSH_9.6\r\n"));
    await readExactly(conn, 1 << 20);
  });
  const rtl = source(server.port, { reconnect: { maxAttempts: 0 } });
  try {
    await rtl.start(new AbortController().signal);
    equal(await rtl.read(new Uint8Array(10)), null);
    equal(rtl.ended?.reason, "error");
    ok(rtl.lastError instanceof RtlTcpProtocolError);
    ok(rtl.ended?.message.includes("RTL0"), rtl.ended?.message);
  } finally {
    await server.close();
  }
});

Deno.test("RtlTcpSource does not spin on a peer that greets and hangs up at once", async () => {
  const server = fakeServer(async (conn) => {
    await writeAll(conn, encodeRtlTcpHeader(5, 29));
  });
  const controller = new AbortController();
  const rtl = source(server.port, {
    reconnect: { initialDelayMs: 20, maxDelayMs: 1000 },
  });
  try {
    await rtl.start(controller.signal);
    const pending = rtl.read(new Uint8Array(10));
    await new Promise((resolve) => setTimeout(resolve, 600));
    controller.abort();
    equal(await pending, null);
    // Backoff 20, 40, 80, 160, 320 ms: a handful of connections, not thousands.
    ok(
      server.connections >= 2 && server.connections <= 8,
      `${server.connections} connections`,
    );
    equal(rtl.counters.bytes, 0);
  } finally {
    await server.close();
  }
});

Deno.test("RtlTcpSource defers commands while disconnected and checks its options", async () => {
  const rtl = source(1);
  equal(await rtl.setFrequency(433_920_000), false);
  equal(rtl.frequency, 433_920_000);
  equal(await rtl.setSampleRate(1_024_000), false);
  equal(rtl.sps, 1_024_000);
  equal(await rtl.setDirectSampling(2), false);
  equal(await rtl.sendCommand(0x0d, 3), false);
  throws(() => rtl.setFrequency(0), RangeError);
  throws(() => rtl.setFrequency(2 ** 32), RangeError);
  throws(() => rtl.setGain(NaN), RangeError);
  throws(() => rtl.setFrequencyCorrection(1.5), RangeError);
  throws(() => rtl.setDirectSampling(3 as 2), RangeError);
  throws(() => rtl.sendCommand(300, 1), RangeError);
  throws(() => source(0), RangeError);
  throws(() => source(1234, { connectTimeoutMs: 0 }), RangeError);
  throws(() => source(1234, { reconnect: { factor: 0.5 } }), RangeError);
  await rejects(() => rtl.read(new Uint8Array(1)), TypeError);
  equal(rtl.format, "u8");
  equal(rtl.signal, "iq");
  equal(rtl.kind, "rtl_tcp");
});
