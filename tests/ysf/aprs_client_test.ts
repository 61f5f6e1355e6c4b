import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  AprsClient,
  type AprsClientEvent,
  type AprsClientOptions,
  AprsConnectionError,
} from "../../lib/ysf/aprs/mod.ts";
import { VERSION } from "../../lib/version.ts";

/**
 * Deno 2.9 runs tests without the op and resource sanitizers unless asked:
 * these tests ask, so a leaked timer, read, write or socket fails them.
 */
const SANITIZE = { sanitizeOps: true, sanitizeResources: true };

const AT = Date.UTC(2026, 3, 14, 9, 5, 42);
const REPORT = {
  source: "IU5JAE",
  latitude: 43.986666666666665,
  longitude: 10.509166666666667,
  radioCode: 0x31,
};
const PACKET =
  "IU5JAE-10>APRS,TCPIP*:@140905z4359.20N/01030.55E>YSF#90123 via shack FTM-300D";

/** Resolves when `check()` holds, re-checked on every `notify()`. */
class Signal {
  #waiters: (() => void)[] = [];

  notify(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Waits for `check()`; fails after `ms` (a generous bound). */
  async until(check: () => boolean, what: string, ms = 5000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Timed out waiting for ${what}`)),
        ms,
      );
    });
    try {
      while (!check()) {
        await Promise.race([
          new Promise<void>((resolve) => this.#waiters.push(resolve)),
          timeout,
        ]);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What the fake server does once it read a login line. */
type OnLogin = (
  conn: Deno.Conn,
  call: string,
  index: number,
) => "reply" | "reply-and-close" | "unverified" | "silent";

/** A fake APRS-IS server on 127.0.0.1, one port, any number of clients. */
class FakeAprsIs {
  readonly listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly lines: string[] = [];
  readonly changed = new Signal();
  accepted = 0;
  ended = 0;
  readonly #conns = new Set<Deno.Conn>();
  readonly #tasks: Promise<void>[] = [];
  readonly #accepting: Promise<void>;
  readonly #onLogin: OnLogin;

  constructor(onLogin: OnLogin = () => "reply") {
    this.#onLogin = onLogin;
    this.#accepting = this.#accept();
  }

  get port(): number {
    return this.listener.addr.port;
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.listener) {
        const index = this.accepted++;
        this.#conns.add(conn);
        this.#tasks.push(this.#serve(conn, index));
        this.changed.notify();
      }
    } catch {
      // listener closed
    }
  }

  async #write(conn: Deno.Conn, line: string): Promise<void> {
    try {
      await conn.write(new TextEncoder().encode(`${line}\r\n`));
    } catch {
      // client gone
    }
  }

  async #serve(conn: Deno.Conn, index: number): Promise<void> {
    const decoder = new TextDecoder();
    const chunk = new Uint8Array(1024);
    let text = "";
    await this.#write(conn, "# aprsc 2.1.19-g730c5c0");
    try {
      while (true) {
        const n = await conn.read(chunk);
        if (n === null) break;
        text += decoder.decode(chunk.subarray(0, n), { stream: true });
        let end;
        while ((end = text.indexOf("\r\n")) >= 0) {
          const line = text.slice(0, end);
          text = text.slice(end + 2);
          this.lines.push(line);
          this.changed.notify();
          if (line.startsWith("user ")) {
            const call = line.split(" ")[1];
            const action = this.#onLogin(conn, call, index);
            if (action === "silent") continue;
            const status = action === "unverified" ? "unverified" : "verified";
            await this.#write(
              conn,
              `# logresp ${call} ${status}, server T2TEST`,
            );
            if (action === "reply-and-close") this.#drop(conn);
          }
        }
      }
    } catch {
      // closed by the test
    } finally {
      this.#drop(conn);
      this.ended++;
      this.changed.notify();
    }
  }

  #drop(conn: Deno.Conn): void {
    if (!this.#conns.delete(conn)) return;
    try {
      conn.close();
    } catch {
      // already closed
    }
  }

  /** Closes every client connection (the server stays up). */
  dropAll(): void {
    for (const conn of [...this.#conns]) this.#drop(conn);
  }

  async close(): Promise<void> {
    this.listener.close();
    this.dropAll();
    await this.#accepting;
    await Promise.all(this.#tasks);
  }
}

/**
 * A test clock: `sleep` advances it at once instead of waiting, and blocks
 * (until aborted) after `limit` sleeps so a reconnecting client stops.
 */
function virtualTime(limit = Infinity) {
  let time = AT;
  const sleeps: number[] = [];
  const changed = new Signal();
  return {
    sleeps,
    changed,
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
    sleep(ms: number, signal: AbortSignal): Promise<void> {
      if (signal.aborted) return Promise.reject(signal.reason);
      sleeps.push(ms);
      time += ms;
      changed.notify();
      if (sleeps.length <= limit) return Promise.resolve();
      return new Promise((_, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason), {
          once: true,
        });
      });
    },
  };
}

/** A client whose events are recorded, with a signal on each event. */
function recordingClient(
  options: Omit<AprsClientOptions, "reflectorId"> & { reflectorId?: number },
) {
  const events: AprsClientEvent[] = [];
  const changed = new Signal();
  const client = new AprsClient({
    reflectorId: 90123,
    ssid: "-10",
    ...options,
    onEvent: (event) => {
      events.push(event);
      changed.notify();
    },
  });
  const of = <T extends AprsClientEvent["type"]>(type: T) =>
    events.filter((e): e is Extract<AprsClientEvent, { type: T }> =>
      e.type === type
    );
  return { client, events, changed, of };
}

/** Fails if `promise` takes longer than `ms`. */
async function within<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Expected ${what} within ${ms} ms`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function closedPort(): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return await Promise.resolve(port);
}

Deno.test(
  "AprsClient.start() logs in as YSF<id> with its passcode and delivers a packet",
  SANITIZE,
  async () => {
    const server = new FakeAprsIs();
    const time = virtualTime();
    const { client, of, changed } = recordingClient({
      server: "127.0.0.1",
      port: server.port,
      now: time.now,
      sleep: time.sleep,
    });
    try {
      client.start();
      equal(client.submit(REPORT), "queued");
      await server.changed.until(() => server.lines.length >= 2, "2 lines");
      // passcode of YSF90123 per aprslib: 28298
      deepEqual(server.lines, [
        `user YSF90123 pass 28298 vers shack ${VERSION}`,
        PACKET,
      ]);
      await changed.until(() => of("sent").length === 1, "the sent event");
      deepEqual(of("logged-in"), [{
        type: "logged-in",
        response: "# logresp YSF90123 verified, server T2TEST",
      }]);
      deepEqual(of("sent"), [{ type: "sent", packet: PACKET, at: AT }]);
      equal(client.state, "connected");
      const stats = client.stats;
      equal(stats.sent, 1);
      equal(stats.logins, 1);
      equal(stats.connects, 1);
      equal(stats.queued, 0);
    } finally {
      await client.close();
      await server.close();
    }
    equal(client.state, "closed");
  },
);

Deno.test(
  "AprsClient sends nothing before the server's logresp",
  SANITIZE,
  async () => {
    let release: (() => void) | undefined;
    const server = new FakeAprsIs((conn, call) => {
      release = () =>
        void conn.write(
          new TextEncoder().encode(
            `# logresp ${call} verified, server T2TEST\r\n`,
          ),
        ).catch(() => {});
      return "silent";
    });
    const { client, of, changed } = recordingClient({
      server: "127.0.0.1",
      port: server.port,
      version: "9.9.9",
    });
    try {
      client.submit(REPORT);
      client.start();
      await server.changed.until(() => server.lines.length >= 1, "the login");
      equal(server.lines[0], "user YSF90123 pass 28298 vers shack 9.9.9");
      equal(client.state, "logging-in");
      // give a client that does not wait a chance to write early
      await new Promise((resolve) => setTimeout(resolve, 100));
      equal(server.lines.length, 1);
      release!();
      await server.changed.until(() => server.lines.length >= 2, "the packet");
      equal(server.lines[1].startsWith("IU5JAE-10>APRS,TCPIP*:@"), true);
      await changed.until(() => of("sent").length === 1, "the sent event");
    } finally {
      await client.close();
      await server.close();
    }
  },
);

Deno.test(
  "AprsClient treats an unverified login as a failure and backs off",
  SANITIZE,
  async () => {
    const server = new FakeAprsIs(() => "unverified");
    const time = virtualTime(0);
    const { client, of, changed } = recordingClient({
      server: "127.0.0.1",
      port: server.port,
      now: time.now,
      sleep: time.sleep,
      random: () => 0,
    });
    try {
      client.submit(REPORT);
      client.start();
      await changed.until(() => of("backoff").length === 1, "a backoff");
      const [{ error }] = of("disconnected");
      ok(error instanceof AprsConnectionError);
      equal(error.reason, "login-rejected");
      equal(client.stats.logins, 0);
      equal(client.stats.failures, 1);
      equal(client.stats.queued, 1); // kept for the next session
      deepEqual(of("backoff"), [{
        type: "backoff",
        delayMs: 1000,
        attempt: 1,
      }]);
      equal(server.lines.length, 1); // the login only
    } finally {
      await client.close();
      await server.close();
    }
  },
);

Deno.test(
  "AprsClient reconnects with growing backoff when the server keeps closing",
  SANITIZE,
  async () => {
    const server = new FakeAprsIs(() => "reply-and-close");
    const time = virtualTime(5);
    const { client, of, changed } = recordingClient({
      server: "127.0.0.1",
      port: server.port,
      now: time.now,
      sleep: time.sleep,
      random: () => 0,
      backoffInitialMs: 1000,
      backoffMaxMs: 8000,
    });
    try {
      client.start();
      await changed.until(() => of("backoff").length === 6, "6 backoffs");
      deepEqual(
        of("backoff").map((e) => e.delayMs),
        [1000, 2000, 4000, 8000, 8000, 8000],
      );
      equal(server.accepted, 6);
      equal(client.stats.logins, 6);
      for (const { error } of of("disconnected")) {
        ok(error instanceof AprsConnectionError);
        equal(error.reason, "closed-by-server");
      }
      equal(client.state, "backoff");
    } finally {
      await client.close();
      await server.close();
    }
  },
);

Deno.test(
  "AprsClient resets the backoff after a session that lasted a minute",
  SANITIZE,
  async () => {
    const server = new FakeAprsIs((_conn, _call, index) =>
      index < 2 ? "reply-and-close" : "reply"
    );
    const time = virtualTime();
    const { client, of, changed } = recordingClient({
      server: "127.0.0.1",
      port: server.port,
      now: time.now,
      sleep: time.sleep,
      random: () => 0,
    });
    try {
      client.start();
      await changed.until(() => of("logged-in").length === 3, "3 logins");
      time.advance(60_000);
      server.dropAll();
      await changed.until(() => of("backoff").length === 3, "3 backoffs");
      deepEqual(of("backoff").map((e) => e.delayMs), [1000, 2000, 1000]);
    } finally {
      await client.close();
      await server.close();
    }
  },
);

Deno.test(
  "AprsClient times out a server that accepts but never answers",
  SANITIZE,
  async () => {
    const server = new FakeAprsIs(() => "silent");
    const time = virtualTime(0);
    const { client, of, changed } = recordingClient({
      server: "127.0.0.1",
      port: server.port,
      sleep: time.sleep,
      ioTimeoutMs: 100,
    });
    try {
      client.start();
      await changed.until(() => of("disconnected").length === 1, "a failure");
      const [{ error }] = of("disconnected");
      ok(error instanceof AprsConnectionError);
      equal(error.reason, "io-timeout");
      await server.changed.until(() => server.ended === 1, "the server's EOF");
      equal(server.lines.length, 1);
    } finally {
      await client.close();
      await server.close();
    }
  },
);

Deno.test(
  "AprsClient reconnects when the server goes quiet after login",
  SANITIZE,
  async () => {
    const server = new FakeAprsIs(() => "reply");
    const time = virtualTime(0);
    const { client, of, changed } = recordingClient({
      server: "127.0.0.1",
      port: server.port,
      sleep: time.sleep,
      idleTimeoutMs: 100,
    });
    try {
      client.start();
      await changed.until(() => of("disconnected").length === 1, "a failure");
      equal(of("logged-in").length, 1);
      const [{ error }] = of("disconnected");
      ok(error instanceof AprsConnectionError);
      equal(error.reason, "idle-timeout");
    } finally {
      await client.close();
      await server.close();
    }
  },
);

Deno.test(
  "AprsClient backs off on refused connections, doubling up to the bound",
  SANITIZE,
  async () => {
    const port = await closedPort();
    const time = virtualTime(8);
    const { client, of, changed } = recordingClient({
      server: "127.0.0.1",
      port,
      now: time.now,
      sleep: time.sleep,
      random: () => 0,
      backoffMaxMs: 16_000,
    });
    try {
      client.start();
      await changed.until(() => of("backoff").length === 9, "9 backoffs");
      deepEqual(
        of("backoff").map((e) => e.delayMs),
        [1000, 2000, 4000, 8000, 16_000, 16_000, 16_000, 16_000, 16_000],
      );
      for (const { error } of of("disconnected")) {
        ok(error instanceof AprsConnectionError);
        equal(error.reason, "io-error");
        ok(error.cause instanceof Deno.errors.ConnectionRefused);
      }
      equal(client.stats.connects, 0);
      equal(client.stats.failures, 9);
    } finally {
      await client.close();
    }
  },
);

Deno.test(
  "AprsClient backoff defaults: 1 s doubling to 5 min, jittered",
  SANITIZE,
  async () => {
    const port = await closedPort();
    const time = virtualTime(11);
    let draws = 0;
    const { client, of, changed } = recordingClient({
      server: "127.0.0.1",
      port,
      sleep: time.sleep,
      random: () => [0, 0.5, 0.999][draws++ % 3],
    });
    try {
      client.start();
      await changed.until(() => of("backoff").length === 12, "12 backoffs");
      const delays = of("backoff").map((e) => e.delayMs);
      const full = [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300].map((s) =>
        s * 1000
      );
      delays.forEach((delay, i) => {
        const jitter = [0, 0.5, 0.999][i % 3];
        equal(delay, full[i] * (1 - jitter / 2), `delay ${i}`);
        ok(delay <= 300_000 && delay >= full[i] / 2);
      });
    } finally {
      await client.close();
    }
  },
);

Deno.test(
  "AprsClient.submit() suppresses the same call and position for 30 min",
  SANITIZE,
  async () => {
    const time = virtualTime();
    const { client } = recordingClient({ server: "127.0.0.1", now: time.now });
    try {
      equal(client.submit(REPORT), "queued");
      equal(client.submit(REPORT), "duplicate");
      equal(client.submit({ ...REPORT, source: "IU5JAE-7" }), "duplicate");
      // same to 0.01 minute: still a duplicate
      equal(
        client.submit({ ...REPORT, latitude: REPORT.latitude + 1e-6 }),
        "duplicate",
      );
      time.advance(30 * 60_000 - 1);
      equal(client.submit(REPORT), "duplicate");
      time.advance(1);
      equal(client.submit(REPORT), "queued");
      // a move is sent at once, and becomes the position to compare with
      equal(client.submit({ ...REPORT, latitude: 44 }), "queued");
      equal(client.submit({ ...REPORT, latitude: 44 }), "duplicate");
      equal(client.submit(REPORT), "queued");
      equal(client.submit({ ...REPORT, source: "G4ABC" }), "queued");
      equal(client.submit({ ...REPORT, source: "G4" }), "invalid");
      equal(client.submit({ ...REPORT, latitude: 999 }), "invalid");
      deepEqual(client.stats, {
        submitted: 12,
        queued: 5,
        duplicates: 5,
        invalid: 2,
        droppedQueueFull: 0,
        sent: 0,
        connects: 0,
        logins: 0,
        failures: 0,
        rateLimited: 0,
      });
    } finally {
      await client.close();
    }
    equal(client.submit(REPORT), "closed");
  },
);

Deno.test(
  "AprsClient drops the oldest packet when its queue is full",
  SANITIZE,
  async () => {
    const server = new FakeAprsIs();
    const time = virtualTime();
    const { client, of } = recordingClient({
      server: "127.0.0.1",
      port: server.port,
      now: time.now,
      sleep: time.sleep,
      queueCapacity: 2,
    });
    try {
      for (const source of ["G4AAA", "G4BBB", "G4CCC"]) {
        equal(client.submit({ ...REPORT, source }), "queued");
      }
      equal(client.stats.droppedQueueFull, 1);
      equal(client.stats.queued, 2);
      equal(of("dropped").length, 1);
      equal(of("dropped")[0].packet.startsWith("G4AAA-10>"), true);
      client.start();
      await server.changed.until(() => server.lines.length >= 3, "2 packets");
      deepEqual(
        server.lines.slice(1).map((line) => line.slice(0, 5)),
        ["G4BBB", "G4CCC"],
      );
    } finally {
      await client.close();
      await server.close();
    }
  },
);

Deno.test("AprsClient sends at most one packet per 5 s", SANITIZE, async () => {
  const server = new FakeAprsIs();
  const time = virtualTime();
  const { client, of, changed } = recordingClient({
    server: "127.0.0.1",
    port: server.port,
    now: time.now,
    sleep: time.sleep,
  });
  try {
    for (const source of ["G4AAA", "G4BBB", "G4CCC"]) {
      client.submit({ ...REPORT, source });
    }
    client.start();
    await changed.until(() => of("sent").length === 3, "3 packets");
    deepEqual(of("sent").map((e) => e.at - AT), [0, 5000, 10_000]);
    deepEqual(time.sleeps, [5000, 5000]);
    equal(client.stats.rateLimited, 2);
    // each packet carries the time it was queued at
    await server.changed.until(() => server.lines.length === 4, "3 lines");
    equal(
      server.lines.every((l, i) => i === 0 || l.includes(":@140905z")),
      true,
    );
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test(
  "AprsClient.close() during the TCP connect aborts it at once",
  SANITIZE,
  async () => {
    let connectSignal: AbortSignal | undefined;
    const { client, of, changed } = recordingClient({
      server: "192.0.2.1",
      connect: (options) => {
        connectSignal = options.signal;
        return new Promise((_, reject) => {
          options.signal!.addEventListener(
            "abort",
            () => reject(options.signal!.reason),
            { once: true },
          );
        });
      },
    });
    client.start();
    await changed.until(() => of("connecting").length === 1, "a connect");
    equal(client.state, "connecting");
    await within(client.close(), 2000, "close() to return");
    equal(connectSignal?.aborted, true);
    equal(client.state, "closed");
    equal(of("disconnected").length, 0);
  },
);

Deno.test(
  "AprsClient.close() returns at once even if the connect ignores its signal",
  SANITIZE,
  async () => {
    const { client, of, changed } = recordingClient({
      server: "192.0.2.1",
      connect: () => new Promise(() => {}),
    });
    client.start();
    await changed.until(() => of("connecting").length === 1, "a connect");
    await within(client.close(), 2000, "close() to return");
    equal(client.state, "closed");
  },
);

Deno.test(
  "AprsClient gives up a connect after connectTimeoutMs",
  SANITIZE,
  async () => {
    let connectSignal: AbortSignal | undefined;
    const time = virtualTime(0);
    const { client, of, changed } = recordingClient({
      server: "192.0.2.1",
      sleep: time.sleep,
      connectTimeoutMs: 50,
      connect: (options) => {
        connectSignal = options.signal;
        return new Promise(() => {});
      },
    });
    try {
      client.start();
      await changed.until(() => of("disconnected").length === 1, "a failure");
      const [{ error }] = of("disconnected");
      ok(error instanceof AprsConnectionError);
      equal(error.reason, "connect-timeout");
      equal(connectSignal?.aborted, true);
      equal(connectSignal?.reason, error);
    } finally {
      await client.close();
    }
  },
);

Deno.test(
  "AprsClient.close() during the login wait closes the connection at once",
  SANITIZE,
  async () => {
    const server = new FakeAprsIs(() => "silent");
    const { client } = recordingClient({
      server: "127.0.0.1",
      port: server.port,
    });
    try {
      client.start();
      await server.changed.until(() => server.lines.length === 1, "the login");
      equal(client.state, "logging-in");
      await within(client.close(), 2000, "close() to return");
      await server.changed.until(() => server.ended === 1, "the server's EOF");
    } finally {
      await client.close();
      await server.close();
    }
  },
);

Deno.test(
  "AprsClient.close() during a backoff wait returns at once",
  SANITIZE,
  async () => {
    const port = await closedPort();
    const { client, of, changed } = recordingClient({
      server: "127.0.0.1",
      port,
      backoffInitialMs: 60_000,
    });
    client.start();
    await changed.until(() => of("backoff").length === 1, "a backoff");
    equal(client.state, "backoff");
    await within(client.close(), 2000, "close() to return");
    equal(of("connecting").length, 1);
  },
);

Deno.test(
  "AprsClient.close() during a rate-limit wait returns at once",
  SANITIZE,
  async () => {
    const server = new FakeAprsIs();
    const { client, of, changed } = recordingClient({
      server: "127.0.0.1",
      port: server.port,
      minIntervalMs: 60_000,
    });
    try {
      client.submit(REPORT);
      client.submit({ ...REPORT, source: "G4ABC" });
      client.start();
      await changed.until(() => of("sent").length === 1, "the first packet");
      await within(client.close(), 2000, "close() to return");
      equal(client.stats.sent, 1);
    } finally {
      await server.close();
    }
  },
);

Deno.test(
  "AprsClient keeps running when its event observer throws",
  SANITIZE,
  async () => {
    const server = new FakeAprsIs();
    const client = new AprsClient({
      server: "127.0.0.1",
      port: server.port,
      reflectorId: 1,
      onEvent: () => {
        throw new Error("observer failure");
      },
    });
    try {
      client.submit(REPORT);
      client.start();
      await server.changed.until(() => server.lines.length === 2, "the packet");
      equal(server.lines[1].startsWith("IU5JAE>APRS"), true);
    } finally {
      await client.close();
      await server.close();
    }
  },
);

Deno.test("AprsClient() checks its options", SANITIZE, async () => {
  const base = { server: "127.0.0.1", reflectorId: 1 };
  throws(() => new AprsClient({ ...base, server: " " }), RangeError);
  throws(() => new AprsClient({ ...base, port: 0 }), RangeError);
  throws(() => new AprsClient({ ...base, reflectorId: 1_000_000 }), RangeError);
  throws(() => new AprsClient({ ...base, ssid: "10" }), RangeError);
  throws(() => new AprsClient({ ...base, version: "1\r\nx" }), RangeError);
  throws(() => new AprsClient({ ...base, ioTimeoutMs: 0 }), RangeError);
  throws(
    () => new AprsClient({ ...base, backoffInitialMs: 10, backoffMaxMs: 5 }),
    RangeError,
  );
  const client = new AprsClient({ ...base, ssid: "-0" });
  equal(client.login, "YSF00001");
  await client.close();
});
