import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import {
  AudioSupervisor,
  type SupervisorEvent,
} from "../../lib/audio/supervisor/supervisor.ts";
import { workerCommand } from "../../lib/audio/supervisor/worker_command.ts";
import type {
  Sink,
  SinkFormat,
  SinkStats,
} from "../../lib/audio/sinks/sink.ts";
import { NullSink } from "../../lib/audio/sinks/null_sink.ts";
import { AudioEngine, demoPhrase } from "../../lib/audio/engine/mod.ts";
import { Timeline } from "../../lib/audio/control/timeline.ts";

const WORKER = workerCommand({
  entry: new URL("../../lib/audio/worker/main.ts", import.meta.url),
});
const FORMAT: SinkFormat = { sampleRate: 16000, channels: 2, blockSize: 64 };

/** Keeps every sample written, in order. */
class CaptureSink implements Sink {
  readonly format = FORMAT;
  readonly data: Float32Array;
  #at = 0;
  #blocks = 0;
  constructor(frames: number) {
    this.data = new Float32Array(frames * FORMAT.channels);
  }
  get stats(): SinkStats {
    return {
      blocks: this.#blocks,
      frames: this.#at / FORMAT.channels,
      bytes: 0,
    };
  }
  write(block: Float32Array): void {
    this.data.set(block, this.#at);
    this.#at += block.length;
    this.#blocks++;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function phraseReference(frames: number): Float32Array {
  const phrase = demoPhrase({ sampleRate: FORMAT.sampleRate });
  const engine = new AudioEngine({ ...FORMAT, seed: 1, patch: phrase.patch });
  phrase.commands.forEach((c, i) => engine.schedule({ ...c, seq: i + 1 }));
  const out = new Float32Array(frames * FORMAT.channels);
  const block = new Float32Array(FORMAT.blockSize * FORMAT.channels);
  for (let at = 0; at < out.length; at += block.length) {
    engine.renderBlock(block);
    out.set(block.subarray(0, Math.min(block.length, out.length - at)), at);
  }
  return out;
}

function supervisorFor(
  sink: Sink,
  frames: number,
  events: SupervisorEvent[],
  extra = {},
) {
  const phrase = demoPhrase({ sampleRate: FORMAT.sampleRate });
  const timeline = Timeline.fromCommands(phrase.commands);
  const sup: AudioSupervisor = new AudioSupervisor({
    sink,
    patch: phrase.patch,
    realtime: false,
    durationFrames: frames,
    stallTimeoutMs: 10_000,
    startupGraceMs: 10_000,
    respawnBackoffMs: 0,
    workerCommand: WORKER,
    onEvent: (e) => events.push(e),
    onHorizon: (until) =>
      timeline.feed(until, (e) => {
        if (e.action.kind === "engine") {
          for (const c of e.action.commands) sup.submit(c, e.frame);
        }
      }),
    ...extra,
  });
  return sup;
}

function alive(pid: number): boolean {
  try {
    return !Deno.readTextFileSync(`/proc/${pid}/stat`).includes(") Z ");
  } catch {
    return false;
  }
}

Deno.test("AudioSupervisor.start() plays the phrase sample-identical to one engine, every block verified", async () => {
  const frames = 1.5 * FORMAT.sampleRate + 17; // a partial last block
  const sink = new CaptureSink(frames);
  const events: SupervisorEvent[] = [];
  const sup = supervisorFor(sink, frames, events);
  try {
    await sup.start();
    await sup.finished;
    const pids = sup.workers().map((w) => w.pid);
    equal(pids.length, 2);
    await sup.close();
    for (const pid of pids) equal(alive(pid), false);
  } finally {
    await sup.close();
  }
  deepEqual(sink.data, phraseReference(frames));
  const s = sup.stats;
  equal(s.framesWritten, frames);
  equal(
    s.unverifiedBlocks,
    0,
    "both workers started from frame 0 and agreed on every block",
  );
  equal(s.divergences, 0);
  equal(s.failovers, 0);
  ok(events.some((e) => e.type === "finished"));
});

Deno.test("AudioSupervisor: a killed standby is respawned into lockstep with no failover", async () => {
  const frames = 2 * FORMAT.sampleRate;
  const sink = new CaptureSink(frames);
  const events: SupervisorEvent[] = [];
  let killed = 0;
  const sup: AudioSupervisor = supervisorFor(sink, frames, events, {
    onBlock: (_b: Float32Array, k: number) => {
      if (k !== 100) return;
      const standby = sup.workers().find((w) => w.role === "standby")!;
      killed = standby.pid;
      Deno.kill(standby.pid, "SIGKILL");
    },
  });
  try {
    await sup.start();
    await sup.finished;
  } finally {
    await sup.close();
  }
  deepEqual(sink.data, phraseReference(frames));
  equal(sup.stats.failovers, 0);
  equal(sup.stats.workerExits, 1);
  equal(sup.stats.respawns, 1);
  const lost = events.find((e) => e.type === "worker-lost");
  ok(
    lost && lost.type === "worker-lost" && lost.pid === killed &&
      lost.role === "standby",
  );
  const lockstep = events.filter((e) => e.type === "lockstep").at(-1);
  ok(lockstep && lockstep.type === "lockstep" && lockstep.block > 100);
});

Deno.test("AudioSupervisor.submit() moves a frame already granted to the horizon and counts it", async () => {
  const sink = new NullSink({ ...FORMAT, realtime: false });
  const sup = new AudioSupervisor({
    sink,
    realtime: false,
    workerCommand: WORKER,
    leadBlocks: 4,
  });
  try {
    await sup.start();
    const horizon = sup.horizonFrame;
    ok(horizon >= 4 * FORMAT.blockSize);
    const late = sup.submit({ kind: "patch_commit" }, 0);
    ok(late.frame >= horizon);
    equal(sup.stats.commandsLate, 1);
    const future = sup.submit({ kind: "patch_commit" }, horizon + 10_000);
    equal(future.frame, horizon + 10_000);
    ok(future.seq > late.seq);
  } finally {
    await sup.close();
  }
});

Deno.test("AudioSupervisor.start() rejects when no worker can start", async () => {
  const sink = new NullSink({ ...FORMAT, realtime: false });
  const sup = new AudioSupervisor({
    sink,
    realtime: false,
    workerCommand: { command: "/nonexistent/shack-worker", args: [] },
    startTimeoutMs: 300,
    respawnBackoffMs: 50,
  });
  await rejects(sup.start(), /ready within 300 ms/);
  await sup.close();
});

Deno.test("AudioSupervisor in real time plays through a paced null sink", async () => {
  const sink = new NullSink({ ...FORMAT, realtime: true });
  const frames = 0.5 * FORMAT.sampleRate;
  const sup = new AudioSupervisor({
    sink,
    realtime: true,
    durationFrames: frames,
    workerCommand: WORKER,
    stallTimeoutMs: 5000,
    startupGraceMs: 5000,
  });
  try {
    await sup.start();
    await sup.finished;
  } finally {
    await sup.close();
  }
  equal(sink.stats.frames, frames);
  equal(sup.stats.failovers, 0);
});

Deno.test("AudioSupervisor respawns workers that keep dying with a growing backoff", async () => {
  const sink = new NullSink({ ...FORMAT, realtime: false });
  const events: SupervisorEvent[] = [];
  const sup = new AudioSupervisor({
    sink,
    realtime: false,
    workerCommand: { command: Deno.execPath(), args: ["eval", "Deno.exit(3)"] },
    workerStderr: "null",
    startTimeoutMs: 1500,
    respawnBackoffMs: 100,
    onEvent: (e) => events.push(e),
  });
  await rejects(sup.start(), /ready within 1500 ms/);
  await sup.close();
  const started = events.filter((e) => e.type === "worker-started").length;
  const lost =
    events.filter((e) => e.type === "worker-lost" && e.reason === "exit")
      .length;
  ok(lost >= 2, `${lost} exits seen`);
  // without a backoff a crash loop would start dozens in 1.5 s; with it,
  // 100, 200, 400, 800 ms apart per failure: a handful
  ok(started <= 12, `${started} workers started`);
  equal(sup.stats.workerExits, lost);
});

/** A sink that can be held: while held, write() waits (the credits stop). */
class HeldSink implements Sink {
  readonly format = FORMAT;
  readonly #inner = new NullSink({ ...FORMAT, realtime: false });
  #release: PromiseWithResolvers<void> | undefined;
  get stats(): SinkStats {
    return this.#inner.stats;
  }
  hold(): void {
    this.#release ??= Promise.withResolvers<void>();
  }
  release(): void {
    this.#release?.resolve();
    this.#release = undefined;
  }
  async write(block: Float32Array): Promise<void> {
    while (this.#release) await this.#release.promise;
    await this.#inner.write(block);
  }
  close(): Promise<void> {
    this.release();
    return this.#inner.close();
  }
}

Deno.test("AudioSupervisor does not replace workers that are both behind, only the one its peer overtook", async () => {
  let t = 0;
  const events: SupervisorEvent[] = [];
  const sink = new HeldSink();
  const sup = new AudioSupervisor({
    sink,
    realtime: false,
    stallTimeoutMs: 50,
    hungTimeoutMs: 600_000,
    startupGraceMs: 0,
    workerCommand: WORKER,
    now: () => t,
    onEvent: (e) => events.push(e),
  });
  const stopped: number[] = [];
  const tick = () => new Promise((r) => setTimeout(r, 100)); // a few watchdog rounds
  try {
    await sup.start();
    while (sup.workers().filter((w) => w.state === "synced").length < 2) {
      await tick();
    }
    // Hold the sink so the credits stop and both workers come to rest at
    // the same block: neither is then ahead of the other when stopped.
    sink.hold();
    let settled = 0;
    while (settled < 3) {
      const [x, y] = sup.workers();
      settled = x.nextBlock === y.nextBlock ? settled + 1 : 0;
      await tick();
    }
    const [a, b] = sup.workers();
    for (const w of [a, b]) {
      Deno.kill(w.pid, "SIGSTOP");
      stopped.push(w.pid);
    }
    t += 60_000; // a busy machine: both owe blocks for a minute
    await tick();
    equal(events.filter((e) => e.type === "worker-lost").length, 0);
    Deno.kill(b.pid, "SIGCONT"); // b catches up and overtakes a
    sink.release();
    while (
      sup.workers().find((w) => w.pid === b.pid)!.nextBlock <= a.nextBlock
    ) await tick();
    t += 100;
    await tick();
    const lost = events.filter((e) => e.type === "worker-lost");
    equal(lost.length, 1);
    ok(
      lost[0].type === "worker-lost" && lost[0].pid === a.pid &&
        lost[0].reason === "stall",
    );
  } finally {
    for (const pid of stopped) {
      try {
        Deno.kill(pid, "SIGCONT");
      } catch {
        // gone
      }
    }
    await sup.close();
  }
});
