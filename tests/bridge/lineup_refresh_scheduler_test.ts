import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import {
  type RefreshResult,
  RefreshScheduler,
  type SchedulerTimers,
} from "../../lib/bridge/lineup/refresh_scheduler.ts";

/** Fake timers on a fake clock: `advance(ms)` fires what falls due. */
class FakeClock implements SchedulerTimers {
  time = 1_000_000;
  #next = 1;
  readonly armed = new Map<number, { at: number; callback: () => void }>();
  readonly now = () => this.time;

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.#next++;
    this.armed.set(handle, { at: this.time + ms, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.armed.delete(handle as number);
  }

  /** Delays of the armed timers, from now. */
  pending(): number[] {
    return [...this.armed.values()].map((t) => t.at - this.time);
  }

  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    while (true) {
      const due = [...this.armed.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.armed.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
      await flush();
    }
    this.time = until;
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

Deno.test("RefreshScheduler.start() runs at the start and then every interval", async () => {
  const clock = new FakeClock();
  const runsAt: number[] = [];
  const scheduler = new RefreshScheduler({
    intervalMs: 1000,
    initialDelayMs: 10,
    run: () => {
      runsAt.push(clock.now());
      return Promise.resolve();
    },
    now: clock.now,
    timers: clock,
  });
  scheduler.start();
  scheduler.start(); // idempotent
  deepEqual(clock.pending(), [10]);
  await clock.advance(10);
  await clock.advance(1000);
  await clock.advance(1000);
  deepEqual(runsAt.map((t) => t - 1_000_000), [10, 1010, 2010]);
  equal(scheduler.state.runs, 3);
  equal(scheduler.state.nextRunAt, 1_000_000 + 3010);
  await scheduler.close();
  equal(clock.armed.size, 0);
});

Deno.test("RefreshScheduler never overlaps runs", async () => {
  const clock = new FakeClock();
  let active = 0;
  let maxActive = 0;
  let release!: () => void;
  let runs = 0;
  const scheduler = new RefreshScheduler({
    intervalMs: 100,
    run: () => {
      runs++;
      active++;
      maxActive = Math.max(maxActive, active);
      return new Promise<void>((resolve) => {
        release = () => {
          active--;
          resolve();
        };
      });
    },
    now: clock.now,
    timers: clock,
  });
  scheduler.start();
  await clock.advance(0);
  equal(runs, 1);
  // While the run is in progress no timer is armed and a manual refresh joins it.
  equal(clock.armed.size, 0);
  const joined = scheduler.refreshNow();
  await clock.advance(10_000);
  equal(runs, 1);
  ok(scheduler.state.running);
  release();
  const result = await joined;
  equal(result.ok, true);
  equal(maxActive, 1);
  deepEqual(clock.pending(), [100]);
  await scheduler.close();
});

Deno.test("RefreshScheduler backs off exponentially after failures and resets on success", async () => {
  const clock = new FakeClock();
  const outcomes = [false, false, false, false, true, false];
  const results: RefreshResult[] = [];
  const scheduler = new RefreshScheduler({
    intervalMs: 10_000,
    retryInitialMs: 1000,
    retryMaxMs: 5000,
    run: () =>
      outcomes.shift()
        ? Promise.resolve()
        : Promise.reject(new Error("provider down")),
    now: clock.now,
    timers: clock,
    onResult: (r) => results.push(r),
  });
  scheduler.start();
  await clock.advance(0);
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [delay] = clock.pending();
    delays.push(delay);
    await clock.advance(delay);
  }
  deepEqual(delays, [1000, 2000, 4000, 5000, 10_000]);
  deepEqual(results.map((r) => r.ok), [
    false,
    false,
    false,
    false,
    true,
    false,
  ]);
  deepEqual(results.map((r) => r.consecutiveFailures), [1, 2, 3, 4, 0, 1]);
  equal((results[0].error as Error).message, "provider down");
  equal(scheduler.state.failures, 5);
  equal((scheduler.state.lastError as Error).message, "provider down");
  deepEqual(clock.pending(), [1000]);
  await scheduler.close();
});

Deno.test("RefreshScheduler.close() aborts the running job and waits for it", async () => {
  const clock = new FakeClock();
  let seen: AbortSignal | undefined;
  let settled = false;
  const scheduler = new RefreshScheduler({
    intervalMs: 1000,
    run: (signal) => {
      seen = signal;
      return new Promise<void>((_, reject) => {
        signal.addEventListener("abort", () => {
          settled = true;
          reject(signal.reason);
        });
      });
    },
    now: clock.now,
    timers: clock,
  });
  scheduler.start();
  await clock.advance(0);
  ok(seen && !seen.aborted);
  await scheduler.close();
  ok(seen.aborted);
  ok(settled);
  equal(clock.armed.size, 0);
  equal(scheduler.state.closed, true);
  await rejects(
    scheduler.refreshNow(),
    /Expected an open RefreshScheduler, found a closed one/,
  );
  scheduler.start();
  equal(clock.armed.size, 0);
  await scheduler.close(); // idempotent
});

Deno.test("RefreshScheduler aborts a run that exceeds timeoutMs", async () => {
  const clock = new FakeClock();
  const scheduler = new RefreshScheduler({
    intervalMs: 1000,
    timeoutMs: 50,
    run: (signal) =>
      new Promise<void>((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      ),
    now: clock.now,
    timers: clock,
  });
  const pending = scheduler.refreshNow();
  await clock.advance(0); // the job has started
  await clock.advance(50);
  const result = await pending;
  equal(result.ok, false);
  equal((result.error as DOMException).name, "TimeoutError");
  // Not started: a manual refresh schedules nothing.
  equal(clock.armed.size, 0);
  await scheduler.close();
});

Deno.test("RefreshScheduler survives a job that throws synchronously and a throwing onResult", async () => {
  const clock = new FakeClock();
  const scheduler = new RefreshScheduler({
    intervalMs: 1000,
    run: () => {
      throw new TypeError("sync failure");
    },
    onResult: () => {
      throw new Error("observer bug");
    },
    now: clock.now,
    timers: clock,
  });
  const result = await scheduler.refreshNow();
  equal(result.ok, false);
  ok(result.error instanceof TypeError);
  await scheduler.close();
});

Deno.test("RefreshScheduler works with the real timers", async () => {
  let runs = 0;
  const { promise, resolve } = Promise.withResolvers<void>();
  const scheduler = new RefreshScheduler({
    intervalMs: 5,
    run: () => {
      if (++runs === 3) resolve();
      return Promise.resolve();
    },
  });
  scheduler.start();
  await promise;
  await scheduler.close();
  ok(runs >= 3);
});
