import { deepEqual, equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import { Registry } from "../../lib/core/metrics.ts";
import {
  SessionRegistry,
  TunerUnavailableError,
} from "../../lib/bridge/session/session_registry.ts";
import type {
  Session,
  SessionRecord,
} from "../../lib/bridge/session/session.ts";

const channel = { id: "c1", guideNumber: "101", name: "One" };
const SEED = 20_261_121;

Deno.test("SessionRegistry.open() holds one tuner per session and refuses TunerCount+1", async () => {
  const registry = new SessionRegistry({ tunerCount: 2 });
  const a = registry.open({
    channel,
    client: { address: "192.0.2.1", userAgent: "Lavf/60" },
  });
  registry.open({ channel });
  equal(registry.tunersInUse, 2);
  equal(registry.available(), false);
  throws(
    () => registry.open({ channel }),
    (err: TunerUnavailableError) =>
      err instanceof TunerUnavailableError && err.reason === "no_tuner" &&
      err.message === "Expected a free tuner but found all 2 in use",
  );
  equal(registry.stats.rejected.no_tuner, 1);
  deepEqual(a.client, { address: "192.0.2.1", userAgent: "Lavf/60" });
  await a.close("client_disconnect");
  equal(registry.tunersInUse, 1);
  equal(registry.available(), true);
  await registry.close();
});

Deno.test("SessionRegistry.open() lets sessions with one share key share one tuner", async () => {
  const registry = new SessionRegistry({ tunerCount: 1, maxSessions: 3 });
  const shareKey = "channel:c1";
  const a = registry.open({ channel, shareKey });
  ok(registry.available(shareKey));
  equal(registry.available("channel:other"), false);
  const b = registry.open({ channel, shareKey });
  registry.open({ channel, shareKey });
  equal(registry.tunersInUse, 1);
  equal(registry.size, 3);
  throws(
    () => registry.open({ channel, shareKey }),
    (err: TunerUnavailableError) => err.reason === "session_limit",
  );
  await a.close("client_disconnect");
  await b.close("client_disconnect");
  equal(registry.tunersInUse, 1); // the third still holds it
  await registry.close();
  equal(registry.tunersInUse, 0);
});

Deno.test("Session.close() is idempotent under concurrent triggers and cleans up once", async () => {
  const registry = new SessionRegistry({ tunerCount: 1 });
  const session = registry.open({ channel });
  session.markStreaming();
  const runs: string[] = [];
  session.addCleanup(() => {
    runs.push("first registered");
  });
  session.addCleanup(async () => {
    await new Promise((r) => setTimeout(r, 20));
    runs.push("second registered");
  });
  const promises = [
    session.close("client_disconnect"),
    session.fail("upstream_failed", new Error("boom")),
    session.close("idle"),
    registry.close(),
  ];
  equal(promises[1], promises[0]);
  equal(promises[2], promises[0]);
  await Promise.all(promises);
  equal(session.state, "closed");
  equal(session.endReason, "client_disconnect");
  equal(session.error, undefined);
  deepEqual(runs.sort(), ["first registered", "second registered"]);
  equal(registry.size, 0);
  equal(registry.stats.ended.client_disconnect, 1);
  // A cleanup registered after the end runs at once.
  let late = false;
  session.addCleanup(() => {
    late = true;
  });
  await new Promise((r) => setTimeout(r, 0));
  equal(late, true);
});

Deno.test("Session.fail() records the error and passes through failed to closed", async () => {
  const records: SessionRecord[] = [];
  const registry = new SessionRegistry({
    tunerCount: 1,
    onChange: (r) => records.push(r),
  });
  const session = registry.open({ channel });
  await session.fail(
    "startup_failed",
    new Error("Expected a 2xx upstream status but found 404"),
  );
  deepEqual(records.map((r) => r.state), ["starting", "failed", "closed"]);
  equal(records[2].error, "Expected a 2xx upstream status but found 404");
  equal(records[2].endReason, "startup_failed");
  equal(registry.history()[0].state, "closed");
});

Deno.test("Session close declares the session closed when a cleanup hangs past the deadline", async () => {
  const registry = new SessionRegistry({
    tunerCount: 1,
    cleanupDeadlineMs: 50,
  });
  const session = registry.open({ channel });
  let release = () => {};
  session.addCleanup(() => new Promise<void>((r) => (release = r)));
  session.addCleanup(() => {
    throw new Error("cleanup bug");
  });
  const started = performance.now();
  await session.close("terminated");
  const elapsed = performance.now() - started;
  ok(elapsed >= 40 && elapsed < 1000, `closed after ${elapsed} ms`);
  equal(registry.tunersInUse, 0);
  equal(registry.stats.cleanupTimeouts, 1);
  equal(registry.stats.cleanupErrors, 1);
  release();
});

Deno.test("SessionRegistry.sweep() closes idle and stuck sessions, never by age alone", async () => {
  let now = 0;
  const registry = new SessionRegistry({
    tunerCount: 3,
    idleTimeoutMs: 60_000,
    startTimeoutMs: 30_000,
    now: () => now,
  });
  const active = registry.open({ channel });
  const idle = registry.open({ channel });
  const stuck = registry.open({ channel });
  active.markStreaming();
  idle.markStreaming();
  now = 29_999;
  equal(registry.sweep(), 0);
  now = 30_000;
  equal(registry.sweep(), 1); // the session stuck starting
  // Ten hours with bytes flowing on one session, a sweep every 15 s.
  for (let step = 0; step < 10 * 60 * 4; step++) {
    now += 15_000;
    active.recordBytes(1000);
    registry.sweep();
  }
  await Promise.all([idle.closed, stuck.closed]);
  equal(idle.endReason, "idle");
  equal(stuck.endReason, "startup_timeout");
  equal(stuck.snapshot().state, "closed");
  equal(active.state, "streaming");
  equal(registry.size, 1);
  await registry.close();
});

Deno.test("SessionRegistry.startSweeper() runs the sweep on a timer until close()", async () => {
  let now = 0;
  const registry = new SessionRegistry({
    tunerCount: 1,
    idleTimeoutMs: 1000,
    now: () => now,
  });
  const session = registry.open({ channel });
  session.markStreaming();
  registry.startSweeper(5);
  now = 1000;
  await session.closed;
  equal(session.endReason, "idle");
  await registry.close();
  registry.startSweeper(5); // replaced, then stopped by stopSweeper
  registry.stopSweeper();
});

Deno.test("SessionRegistry keeps a bounded history of ended sessions", async () => {
  const registry = new SessionRegistry({ tunerCount: 1, historySize: 3 });
  for (let i = 0; i < 5; i++) {
    const s = registry.open({
      channel: { ...channel, guideNumber: String(i) },
    });
    s.recordBytes(10);
    await s.close("client_disconnect");
  }
  deepEqual(registry.history().map((r) => r.channel.guideNumber), [
    "2",
    "3",
    "4",
  ]);
  equal(registry.stats.bytes, 50);
  equal(registry.stats.opened, 5);
});

Deno.test("SessionRegistry.close() ends every session and refuses new ones", async () => {
  const registry = new SessionRegistry({ tunerCount: 2 });
  const sessions = [registry.open({ channel }), registry.open({ channel })];
  const first = registry.close();
  equal(registry.close(), first);
  await first;
  for (const s of sessions) equal(s.endReason, "shutdown");
  throws(
    () => registry.open({ channel }),
    (err: TunerUnavailableError) => err.reason === "closed",
  );
  equal(registry.available(), false);
});

Deno.test("SessionRegistry() validates its options", () => {
  throws(() => new SessionRegistry({ tunerCount: 0 }), RangeError);
  throws(
    () => new SessionRegistry({ tunerCount: 2, maxSessions: 1 }),
    RangeError,
  );
  throws(
    () => new SessionRegistry({ tunerCount: 1, historySize: 0 }),
    RangeError,
  );
  throws(
    () => new SessionRegistry({ tunerCount: 1, idleTimeoutMs: 0 }),
    RangeError,
  );
  throws(
    () => new SessionRegistry({ tunerCount: 1 }).startSweeper(0),
    RangeError,
  );
});

Deno.test("SessionRegistry.registerMetrics() renders states, tuners, bytes and cleanup latency", async () => {
  const metrics = new Registry({ prefix: "shack_bridge_" });
  const registry = new SessionRegistry({ tunerCount: 2 });
  const early = registry.open({ channel });
  await early.close("client_disconnect"); // before registration: kept for the histogram
  registry.registerMetrics(metrics);
  const s = registry.open({ channel });
  s.markStreaming();
  s.recordBytes(1880);
  registry.open({ channel });
  try {
    registry.open({ channel });
  } catch { /* counted */ }
  const text = metrics.render();
  for (
    const line of [
      'shack_bridge_sessions{state="streaming"} 1',
      'shack_bridge_sessions{state="starting"} 1',
      'shack_bridge_sessions{state="closed"} 0',
      "shack_bridge_tuners 2",
      "shack_bridge_tuners_in_use 2",
      "shack_bridge_bytes_proxied_total 1880",
      'shack_bridge_sessions_rejected_total{reason="no_tuner"} 1',
      'shack_bridge_sessions_ended_total{reason="client_disconnect"} 1',
      "shack_bridge_session_cleanup_seconds_count 1",
    ]
  ) {
    ok(text.split("\n").includes(line), `missing: ${line}\n${text}`);
  }
  await registry.close();
  ok(metrics.render().includes("shack_bridge_session_cleanup_seconds_count 3"));
});

type Op =
  | { op: "open"; share: number | null }
  | { op: "stream" | "bytes" | "close" | "fail"; index: number }
  | { op: "advance"; ms: number }
  | { op: "sweep" };

Deno.test("SessionRegistry keeps its tuner and size invariants under any sequence of operations", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.record({
            op: fc.constant("open" as const),
            share: fc.option(fc.integer({ min: 0, max: 2 })),
          }),
          fc.record({
            op: fc.constantFrom(
              "stream" as const,
              "bytes" as const,
              "close" as const,
              "fail" as const,
            ),
            index: fc.nat(10),
          }),
          fc.record({
            op: fc.constant("advance" as const),
            ms: fc.integer({ min: 0, max: 40_000 }),
          }),
          fc.record({ op: fc.constant("sweep" as const) }),
        ) as fc.Arbitrary<Op>,
        { maxLength: 60 },
      ),
      async (ops) => {
        let now = 0;
        const registry = new SessionRegistry({
          tunerCount: 3,
          maxSessions: 6,
          idleTimeoutMs: 30_000,
          startTimeoutMs: 20_000,
          now: () => now,
        });
        const opened: Session[] = [];
        const pending: Promise<void>[] = [];
        for (const o of ops) {
          switch (o.op) {
            case "open":
              try {
                opened.push(registry.open({
                  channel,
                  ...(o.share === null ? {} : { shareKey: `k${o.share}` }),
                }));
              } catch (err) {
                ok(err instanceof TunerUnavailableError);
              }
              break;
            case "stream":
              if (opened[o.index]?.state === "starting") {
                opened[o.index].markStreaming();
              }
              break;
            case "bytes":
              opened[o.index]?.recordBytes(188);
              break;
            case "close":
              if (opened[o.index]) {
                pending.push(opened[o.index].close("client_disconnect"));
              }
              break;
            case "fail":
              if (opened[o.index]) {
                pending.push(opened[o.index].fail("upstream_failed", "x"));
              }
              break;
            case "advance":
              now += o.ms;
              break;
            case "sweep":
              registry.sweep();
              break;
          }
          ok(registry.tunersInUse <= 3);
          ok(registry.size <= 6);
        }
        await Promise.all(pending);
        const live = registry.sessions();
        equal(registry.tunersInUse, new Set(live.map((s) => s.tunerKey)).size);
        for (const s of live) ok(!s.ending || s.state !== "closed");
        await registry.close();
        equal(registry.size, 0);
        equal(registry.tunersInUse, 0);
        for (const s of opened) equal(s.state, "closed");
      },
    ),
    { seed: SEED, numRuns: 150 },
  );
});
