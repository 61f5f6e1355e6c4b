import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { Shutdown, type ShutdownEvent } from "../../lib/core/shutdown.ts";

function harness(deadlineMs = 200) {
  const exits: number[] = [];
  const events: ShutdownEvent[] = [];
  const shutdown = new Shutdown({
    deadlineMs,
    exit: (code) => exits.push(code),
    onEvent: (e) => events.push(e),
  });
  return { shutdown, exits, events };
}

Deno.test("Shutdown.trigger() runs closers in reverse registration order", async () => {
  const { shutdown, exits } = harness();
  const order: string[] = [];
  shutdown.onClose("a", () => {
    order.push("a");
  });
  shutdown.onClose("b", async () => {
    await Promise.resolve();
    order.push("b");
  });
  shutdown.onClose("c", () => {
    order.push("c");
  });
  const result = await shutdown.trigger("SIGTERM");
  deepEqual(order, ["c", "b", "a"]);
  equal(result.graceful, true);
  equal(result.exitCode, 0);
  equal(result.reason, "SIGTERM");
  deepEqual(exits, []);
});

Deno.test("Shutdown.trigger() aborts the signal before the closers run", async () => {
  const { shutdown } = harness();
  let abortedWhenClosing = false;
  shutdown.onClose("x", () => {
    abortedWhenClosing = shutdown.signal.aborted;
  });
  equal(shutdown.signal.aborted, false);
  await shutdown.trigger("SIGINT");
  equal(abortedWhenClosing, true);
  equal(shutdown.signal.reason, "SIGINT");
});

Deno.test("Shutdown.trigger() is idempotent", async () => {
  const { shutdown } = harness();
  let runs = 0;
  shutdown.onClose("x", () => {
    runs++;
  });
  const [a, b] = await Promise.all([
    shutdown.trigger("SIGTERM"),
    shutdown.trigger("SIGINT"),
  ]);
  equal(runs, 1);
  equal(a, b);
  equal(a.reason, "SIGTERM");
});

Deno.test("Shutdown enforces the deadline and forces exit 1", async () => {
  const { shutdown, exits, events } = harness(100);
  const order: string[] = [];
  shutdown.onClose("never-reached", () => {
    order.push("never-reached");
  });
  shutdown.onClose("hangs", (signal) =>
    new Promise<void>((resolve) => {
      signal.addEventListener("abort", () => resolve());
    }));
  const started = performance.now();
  const result = await shutdown.trigger("SIGTERM");
  const elapsed = performance.now() - started;
  ok(elapsed >= 90, `stopped after ${elapsed} ms, before the deadline`);
  ok(elapsed < 1500, `deadline not enforced: ${elapsed} ms`);
  equal(result.graceful, false);
  deepEqual(result.timedOut, ["hangs", "never-reached"]);
  deepEqual(order, []);
  deepEqual(exits, [1]);
  ok(events.some((e) => e.type === "deadline"));
});

Deno.test("Shutdown reports a throwing closer and still runs the others", async () => {
  const { shutdown, exits } = harness();
  const order: string[] = [];
  shutdown.onClose("a", () => {
    order.push("a");
  });
  shutdown.onClose("bad", () => {
    throw new Error("boom");
  });
  const result = await shutdown.trigger();
  deepEqual(order, ["a"]);
  equal(result.failed.length, 1);
  equal(result.failed[0].name, "bad");
  equal(result.exitCode, 1);
  equal(result.graceful, true);
  deepEqual(exits, []);
});

Deno.test("Shutdown.handleSignal() forces 130/143 on a second signal", async () => {
  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    const { shutdown, exits } = harness(1000);
    const release = Promise.withResolvers<void>();
    shutdown.onClose("slow", () => release.promise);
    shutdown.handleSignal("SIGTERM");
    equal(shutdown.stopping, true);
    deepEqual(exits, []);
    shutdown.handleSignal(sig);
    deepEqual(exits, [code]);
    release.resolve();
    await shutdown.done;
  }
});

Deno.test("Shutdown.handleSignal('SIGHUP') reloads and does not stop", async () => {
  const { shutdown } = harness();
  let reloads = 0;
  shutdown.onReload(() => {
    reloads++;
  });
  shutdown.handleSignal("SIGHUP");
  await shutdown.reload();
  ok(reloads >= 1);
  equal(shutdown.stopping, false);
  equal(shutdown.signal.aborted, false);
});

Deno.test("Shutdown.reload() coalesces overlapping reloads and survives errors", async () => {
  const { shutdown, events } = harness();
  let runs = 0;
  const gate = Promise.withResolvers<void>();
  shutdown.onReload(async () => {
    runs++;
    if (runs === 1) await gate.promise;
    throw new Error("bad file");
  });
  const first = shutdown.reload();
  void shutdown.reload();
  void shutdown.reload();
  gate.resolve();
  await first;
  equal(runs, 2);
  equal(events.filter((e) => e.type === "reload-failed").length, 2);
});

Deno.test("Shutdown.onClose() returns an unregister function", async () => {
  const { shutdown } = harness();
  const order: string[] = [];
  const off = shutdown.onClose("gone", () => {
    order.push("gone");
  });
  shutdown.onClose("kept", () => {
    order.push("kept");
  });
  off();
  await shutdown.trigger();
  deepEqual(order, ["kept"]);
});

Deno.test("Shutdown rejects a non-positive deadline", () => {
  throws(() => new Shutdown({ deadlineMs: 0 }), RangeError);
});

Deno.test("Shutdown.done resolves with the result", async () => {
  const { shutdown } = harness();
  const done = shutdown.done;
  void shutdown.trigger("eof");
  const result = await done;
  equal(result.reason, "eof");
  await rejects(Promise.reject(new Error("sanity")), /sanity/);
});
