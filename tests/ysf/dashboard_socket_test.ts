// YsfDashboard over real HTTP and websockets on loopback (and, for the
// drain/resync logic, over a fake socket whose queue the test controls).
import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  type HttpServerHandle,
  startHttpServer,
} from "../../lib/core/http/server.ts";
import { Registry } from "../../lib/core/metrics.ts";
import type { ReflectorSnapshot } from "../../lib/ysf/reflector/snapshot.ts";
import {
  YsfDashboard,
  type YsfDashboardOptions,
} from "../../lib/ysf/web/dashboard.ts";
import type {
  DashboardMessage,
  DeltaMessage,
  SnapshotMessage,
} from "../../lib/ysf/web/dashboard_messages.ts";
import { rawWebSocket } from "../fixtures/http/raw_http.ts";
import { Harness } from "./_reflector_harness.ts";
import { until } from "./_udp_client.ts";

/** A reflector state machine, a dashboard and an HTTP server routing to it. */
async function withDashboard(
  options: YsfDashboardOptions,
  fn: (ctx: {
    h: Harness;
    dashboard: YsfDashboard;
    http: HttpServerHandle;
    url: string;
    pump: () => void;
  }) => Promise<void>,
  getSnapshot?: (h: Harness) => ReflectorSnapshot,
): Promise<void> {
  const h = new Harness({ dgidList: [9, 50], defaultDgid: 50, prefix: false });
  const dashboard = new YsfDashboard(
    getSnapshot ? () => getSnapshot(h) : () => h.core.snapshot(),
    { now: () => h.time, ...options },
  );
  const http = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    handler: async (request) =>
      await dashboard.handle(request) ??
        new Response("Not Found\n", { status: 404 }),
  });
  try {
    await fn({
      h,
      dashboard,
      http,
      url: `http://127.0.0.1:${http.addr.port}`,
      pump: () => {
        for (const e of h.events.splice(0)) dashboard.onEvent(e);
      },
    });
  } finally {
    await dashboard.close();
    await http.shutdown();
  }
}

/** A websocket client that records every message. */
class Viewer {
  readonly socket: WebSocket;
  readonly messages: DashboardMessage[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseEvent>;
  #waiters: { match: (m: DashboardMessage) => boolean; resolve: () => void }[] =
    [];

  constructor(url: string) {
    this.socket = new WebSocket(url.replace("http:", "ws:") + "/api/ws");
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener("open", () => resolve(), { once: true });
      this.socket.addEventListener(
        "error",
        () => reject(new Error("Expected the websocket to open")),
        { once: true },
      );
    });
    this.closed = new Promise((resolve) => {
      this.socket.addEventListener("close", (e) => resolve(e), { once: true });
    });
    this.opened.catch(() => {});
    this.socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data) as DashboardMessage;
      this.messages.push(message);
      for (const w of [...this.#waiters]) {
        if (w.match(message)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  }

  /** Resolves with the first message (already received or future) that matches. */
  async next<T extends DashboardMessage>(
    match: (m: DashboardMessage) => boolean,
    timeoutMs = 5000,
  ): Promise<T> {
    const found = this.messages.find(match);
    if (found) return found as T;
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    const entry = { match, resolve };
    this.#waiters.push(entry);
    const timer = setTimeout(() => {
      this.#waiters.splice(this.#waiters.indexOf(entry), 1);
      reject(new Error(`no matching message within ${timeoutMs} ms`));
    }, timeoutMs);
    try {
      await promise;
    } finally {
      clearTimeout(timer);
    }
    return this.messages.find(match) as T;
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}

/** A socket whose queue the test sets; records frames. */
class FakeSocket extends EventTarget {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  sent: string[] = [];
  send(data: string): void {
    this.sent.push(data);
  }
  close(code = 1000, reason = ""): void {
    if (this.readyState === WebSocket.CLOSED) return;
    this.readyState = WebSocket.CLOSED;
    this.dispatchEvent(new CloseEvent("close", { code, reason }));
  }
  types(): string[] {
    return this.sent.map((s) => JSON.parse(s).type);
  }
}

Deno.test("YsfDashboard.handle() serves the page and its files with security headers, and null elsewhere", async () => {
  await withDashboard({}, async ({ url, http, dashboard }) => {
    const page = await fetch(`${url}/`);
    equal(page.status, 200);
    match(page.headers.get("content-type") ?? "", /^text\/html/);
    match(
      page.headers.get("content-security-policy") ?? "",
      /script-src 'self'/,
    );
    equal(page.headers.get("x-content-type-options"), "nosniff");
    match(
      page.headers.get("content-security-policy") ?? "",
      new RegExp(
        `connect-src 'self' ws://127\\.0\\.0\\.1:${http.addr.port} wss://`,
      ),
    );
    const html = await page.text();
    match(html, /<script type="module" src="dashboard.js"><\/script>/);
    match(html, /<link rel="stylesheet" href="dashboard.css">/);
    ok(!/https?:\/\//.test(html), "the page loads nothing from elsewhere");
    for (
      const [path, type] of [
        ["/dashboard.js", /^text\/javascript/],
        ["/dashboard_state.js", /^text\/javascript/],
        ["/dashboard.css", /^text\/css/],
        ["/favicon.svg", /^image\/svg\+xml/],
        ["/index.html", /^text\/html/],
      ] as const
    ) {
      const response = await fetch(`${url}${path}`);
      equal(response.status, 200, path);
      match(response.headers.get("content-type") ?? "", type, path);
      const body = await response.text();
      ok(body.length > 100, path);
      if (path.endsWith(".js") || path.endsWith(".css")) {
        ok(!/https?:\/\/(?!www\.w3\.org)/.test(body), `${path} is offline`);
      }
    }
    // Compressed for browsers that ask (fetch decompresses transparently).
    const gz = await fetch(`${url}/dashboard.js`, {
      headers: { "accept-encoding": "gzip" },
    });
    equal(gz.headers.get("content-encoding"), "gzip");
    await gz.body?.cancel();
    // Not ours: the caller's routes answer.
    for (const path of ["/api/status", "/metrics", "/nope", "/dashboard.ts"]) {
      const response = await fetch(`${url}${path}`);
      equal(response.status, 404, path);
      await response.body?.cancel();
    }
    const post = await fetch(`${url}/`, { method: "POST", body: "x" });
    equal(post.status, 405);
    await post.body?.cancel();
    // A Host header that is not a host name is not copied into the policy.
    const odd = await dashboard.handle(
      new Request("http://localhost/", {
        headers: { host: "x; script-src *" },
      }),
    );
    match(
      odd?.headers.get("content-security-policy") ?? "",
      /connect-src 'self'; /,
    );
    await odd?.body?.cancel();
    const plain = await fetch(`${url}/api/ws`);
    equal(plain.status, 426);
    await plain.body?.cancel();
  });
});

Deno.test("YsfDashboard over a websocket: snapshot on connect, a delta after an event, counters and snapshots on the timer", async () => {
  await withDashboard(
    { batchMs: 10, snapshotIntervalMs: 10_000, countersIntervalMs: 2_000 },
    async ({ h, dashboard, url, pump }) => {
      h.link("GW1ABC", 42000);
      pump();
      const viewer = new Viewer(url);
      try {
        await viewer.opened;
        const first = await viewer.next<SnapshotMessage>((m) =>
          m.type === "snapshot"
        );
        deepEqual(first.clients.map((c) => c.callsign), ["GW1ABC"]);
        equal(first.info.name, "SHACK TEST");
        equal(first.viewers, 1);
        // An event reaches the page as a delta, batched for batchMs.
        h.time += 500;
        h.link("<b>X</b>", 42001);
        pump();
        const delta = await viewer.next<DeltaMessage>((m) =>
          m.type === "delta"
        );
        equal(delta.now, h.time);
        equal(delta.events.length, 1);
        const [link] = delta.events;
        ok(link.kind === "link");
        equal(link.client.callsign, "<b>X</b>");
        equal(dashboard.counters.deltas, 1);
        // Counters every 2 s, the full snapshot every 10 s (driven here).
        h.time += 2_000;
        dashboard.tick();
        const counters = await viewer.next((m) => m.type === "counters");
        ok(counters.type === "counters");
        equal(counters.counters.linked, 2);
        h.time += 8_000;
        dashboard.tick();
        await until(
          () =>
            viewer.messages.filter((m) => m.type === "snapshot").length === 2,
          5000,
          "the periodic snapshot",
        );
        const last = viewer.messages.at(-1)!;
        ok(last.type === "snapshot");
        deepEqual(last.clients.map((c) => c.callsign), ["GW1ABC", "<b>X</b>"]);
        equal(dashboard.counters.snapshots, 2);
        equal(dashboard.counters.viewers, 1);
      } finally {
        await viewer.close();
      }
      await until(() => dashboard.counters.viewers === 0, 5000, "the close");
    },
  );
});

Deno.test("YsfDashboard bounds its viewers: the one over maxClients gets a 503", async () => {
  await withDashboard({ maxClients: 2 }, async ({ dashboard, url }) => {
    const a = new Viewer(url);
    const b = new Viewer(url);
    try {
      await Promise.all([a.opened, b.opened]);
      await Promise.all([
        a.next((m) => m.type === "snapshot"),
        b.next((m) => m.type === "snapshot"),
      ]);
      const refused = await fetch(`${url}/api/ws`, {
        headers: {
          upgrade: "websocket",
          connection: "Upgrade",
          "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
          "sec-websocket-version": "13",
        },
      });
      equal(refused.status, 503);
      equal(refused.headers.get("retry-after"), "10");
      await refused.body?.cancel();
      const c = new Viewer(url);
      await c.opened.then(
        () => {
          throw new Error("Expected the third viewer to be refused");
        },
        () => {},
      );
      await c.closed;
      equal(dashboard.counters.viewers, 2);
      equal(dashboard.counters.rejected, 2);
      // A place frees up when a viewer leaves.
      await a.close();
      await until(() => dashboard.counters.viewers === 1, 5000, "a leaves");
      const d = new Viewer(url);
      await d.opened;
      await d.next((m) => m.type === "snapshot");
      await d.close();
    } finally {
      await a.close();
      await b.close();
    }
  });
});

Deno.test("YsfDashboard drops and counts frames for a viewer that stops reading; the others keep up", async () => {
  let description = "x".repeat(256 * 1024);
  await withDashboard(
    {
      maxBufferedBytes: 256 * 1024,
      snapshotIntervalMs: 1,
      batchMs: 0,
      idleTimeoutSeconds: 0,
    },
    async ({ h, dashboard, url, pump, http }) => {
      const fast = new Viewer(url);
      const { conn } = await rawWebSocket(http.addr.port, "/api/ws"); // never reads
      try {
        await fast.opened;
        await until(() => dashboard.counters.viewers === 2, 5000, "viewers");
        // Each tick sends a ~256 KiB snapshot to both; the stalled viewer
        // fills the kernel buffers, then its queue, then loses frames.
        for (let i = 0; i < 2000; i++) {
          if (dashboard.counters.droppedBackpressure >= 3) break;
          h.time += 1;
          dashboard.tick();
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        ok(
          dashboard.counters.droppedBackpressure >= 3,
          `dropped ${dashboard.counters.droppedBackpressure}`,
        );
        equal(dashboard.counters.failed, 0);
        ok(fast.messages.length >= 3, `fast got ${fast.messages.length}`);
        // The storm ends; a change reaches the fast viewer (as a delta, or
        // as a resync snapshot if it too fell behind) while the stalled one
        // is still stuck.
        description = "small";
        h.link("GWLATE", 42009);
        pump();
        const knows = () =>
          fast.messages.some((m) =>
            (m.type === "delta" &&
              m.events.some((e) =>
                e.kind === "link" && e.client.callsign === "GWLATE"
              )) ||
            (m.type === "snapshot" &&
              m.clients.some((c) => c.callsign === "GWLATE"))
          );
        for (let i = 0; i < 500 && !knows(); i++) {
          h.time += 1;
          dashboard.tick();
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        ok(knows(), "the fast viewer saw GWLATE");
        const before = dashboard.counters.droppedBackpressure;
        h.time += 1;
        dashboard.tick();
        ok(dashboard.counters.droppedBackpressure > before, "still stalled");
        equal(dashboard.counters.viewers, 2);
      } finally {
        conn.close();
        await fast.close();
      }
      await until(() => dashboard.counters.viewers === 0, 5000, "the close");
    },
    (h) => ({ ...h.core.snapshot(), description }),
  );
});

Deno.test("YsfDashboard resyncs a viewer that missed a frame with a snapshot once it has drained", async () => {
  let snapshots = 0;
  const h = new Harness({ dgidList: [50], defaultDgid: 50, prefix: false });
  const dashboard = new YsfDashboard(() => {
    snapshots++;
    return h.core.snapshot();
  }, {
    now: () => h.time,
    batchMs: 0,
    tickMs: 3_600_000,
    maxBufferedBytes: 1000,
    snapshotIntervalMs: 60_000,
  });
  const pump = () => {
    for (const e of h.events.splice(0)) dashboard.onEvent(e);
  };
  try {
    const socket = new FakeSocket();
    ok(dashboard.attach(socket as unknown as WebSocket));
    deepEqual(socket.types(), ["snapshot"]);
    equal(snapshots, 1);
    // Backed up: the delta is dropped and counted.
    socket.bufferedAmount = 5000;
    h.link("GWA", 1);
    pump();
    deepEqual(socket.types(), ["snapshot"]);
    equal(dashboard.counters.droppedBackpressure, 1);
    // Drained, but it missed a frame: no deltas until a snapshot.
    socket.bufferedAmount = 0;
    h.link("GWB", 2);
    pump();
    deepEqual(socket.types(), ["snapshot"]);
    equal(snapshots, 1, "onEvent never takes a snapshot");
    h.time += 1000;
    dashboard.tick();
    deepEqual(socket.types(), ["snapshot", "snapshot"]);
    const resync = JSON.parse(socket.sent[1]) as SnapshotMessage;
    deepEqual(resync.clients.map((c) => c.callsign), ["GWA", "GWB"]);
    equal(dashboard.counters.resyncs, 1);
    // Back in step: deltas again.
    h.link("GWC", 3);
    pump();
    deepEqual(socket.types(), ["snapshot", "snapshot", "delta"]);
    // A storm of events beyond maxQueuedEvents turns into one snapshot.
    const batched = new YsfDashboard(() => h.core.snapshot(), {
      now: () => h.time,
      batchMs: 50,
      maxQueuedEvents: 3,
      tickMs: 3_600_000,
      snapshotIntervalMs: 60_000,
    });
    try {
      const other = new FakeSocket();
      batched.attach(other as unknown as WebSocket);
      for (let i = 0; i < 5; i++) h.link(`GWS${i}`, 10 + i);
      for (const e of h.events.splice(0)) batched.onEvent(e);
      batched.flush();
      equal(batched.counters.queueOverflows, 1);
      h.time += 1000;
      batched.tick();
      const types = other.types();
      equal(types.at(-1), "snapshot");
      ok(types.length <= 3, `sent ${types.join(",")}`);
      equal(batched.counters.resyncs, 1);
    } finally {
      await batched.close();
    }
  } finally {
    await dashboard.close();
  }
});

Deno.test("YsfDashboard.close() closes every viewer with 1001 and refuses new ones", async () => {
  await withDashboard({}, async ({ dashboard, url }) => {
    const a = new Viewer(url);
    const b = new Viewer(url);
    await Promise.all([a.opened, b.opened]);
    await Promise.all([
      a.next((m) => m.type === "snapshot"),
      b.next((m) => m.type === "snapshot"),
    ]);
    await dashboard.close();
    deepEqual(
      (await Promise.all([a.closed, b.closed])).map((e) => e.code),
      [1001, 1001],
    );
    const after = await fetch(`${url}/api/ws`);
    equal(after.status, 503);
    await after.body?.cancel();
    equal(dashboard.counters.viewers, 0);
    // Events after close are ignored.
    dashboard.onEvent({
      type: "temp-block-removed",
      block: { callsign: "G4ABC", reason: "timeout", since: 0, until: 1 },
      reason: "expired",
    });
    equal(dashboard.counters.deltas, 0);
  });
});

Deno.test("YsfDashboard.registerMetrics() exposes viewers, frames, drops and resyncs", async () => {
  await withDashboard({}, async ({ dashboard, url }) => {
    const registry = new Registry({ prefix: "shack_ysf_" });
    dashboard.registerMetrics(registry);
    const viewer = new Viewer(url);
    await viewer.opened;
    await viewer.next((m) => m.type === "snapshot");
    const text = registry.render();
    match(text, /^shack_ysf_dashboard_viewers 1$/m);
    match(text, /^shack_ysf_dashboard_frames_sent_total 1$/m);
    match(
      text,
      /^shack_ysf_dashboard_frames_dropped_total\{reason="backpressure"\} 0$/m,
    );
    match(text, /^shack_ysf_dashboard_rejected_total 0$/m);
    match(text, /^shack_ysf_dashboard_resyncs_total 0$/m);
    await viewer.close();
  });
});

Deno.test("YsfDashboard rejects invalid options", () => {
  const snapshot = () => new Harness().core.snapshot();
  for (
    const options of [
      { maxClients: 0 },
      { batchMs: -1 },
      { snapshotIntervalMs: 0 },
      { lastHeardRows: 1.5 },
      { addresses: "partly" as "full" },
    ]
  ) {
    let error: unknown;
    try {
      new YsfDashboard(snapshot, options);
    } catch (e) {
      error = e;
    }
    ok(error instanceof RangeError, JSON.stringify(options));
    match(error.message, /^Expected /);
  }
});
