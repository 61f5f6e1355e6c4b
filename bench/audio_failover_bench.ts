/**
 * Failover and pacing figures of `shack audio run` (issue 6), with real
 * worker processes, in real time at 48 kHz / 256 frames / stereo:
 *
 * 1. failover: the primary is SIGKILLed (then SIGSTOPped) while both
 *    workers are in lockstep; reported: detection time (signal → the
 *    supervisor declares the worker lost), gap at the switch (samples),
 *    underruns around it, respawn-to-lockstep time of the new standby;
 * 2. soak: the demo phrase in a loop into the real-time null sink for
 *    `seconds` with no faults; reported: drift of the sink clock against
 *    the wall clock, underruns, blocks played unverified, late blocks.
 *
 * Usage: deno run -A bench/audio_failover_bench.ts [seconds=60] [kills=10] [lead=3] [stallMs=50]
 *
 * Real-time figures depend on what else the machine runs: the load
 * average is printed before and after.
 *
 * @module
 */

import {
  AudioSupervisor,
  type SupervisorEvent,
} from "../lib/audio/supervisor/supervisor.ts";
import { workerCommand } from "../lib/audio/supervisor/worker_command.ts";
import { NullSink } from "../lib/audio/sinks/null_sink.ts";
import { demoPhrase } from "../lib/audio/engine/demo_phrase.ts";
import { Timeline } from "../lib/audio/control/timeline.ts";

const seconds = Number(Deno.args[0] ?? 60);
const kills = Number(Deno.args[1] ?? 10);
const lead = Number(Deno.args[2] ?? 3);
const stallMs = Number(Deno.args[3] ?? 50);
const RATE = 48000;
const BLOCK = 256;
const WORKER = workerCommand({
  entry: new URL("../lib/audio/worker/main.ts", import.meta.url),
});

function stats(values: number[]): string {
  if (values.length === 0) return "n/a";
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return `n=${values.length} mean=${mean.toFixed(2)} p50=${
    pick(0.5).toFixed(2)
  } max=${sorted.at(-1)!.toFixed(2)} ms`;
}

/** A supervisor playing the demo phrase in a loop into a real-time null sink. */
type Timed = SupervisorEvent & { at?: number };

function looping(events: Timed[], onBlock?: (k: number) => void) {
  const sink = new NullSink({
    sampleRate: RATE,
    channels: 2,
    blockSize: BLOCK,
    realtime: true,
  });
  const phrase = demoPhrase({ sampleRate: RATE });
  let offset = 0;
  let timeline = Timeline.fromCommands(phrase.commands, offset);
  const sup: AudioSupervisor = new AudioSupervisor({
    sink,
    patch: phrase.patch,
    realtime: true,
    leadBlocks: lead,
    stallTimeoutMs: stallMs,
    workerCommand: WORKER,
    workerStderr: "null",
    onEvent: (e) => events.push(Object.assign(e, { at: performance.now() })),
    onBlock: (_b, k) => onBlock?.(k),
    onHorizon: (until) => {
      while (true) {
        timeline.feed(until, (e) => {
          if (e.action.kind === "engine") {
            for (const c of e.action.commands) sup.submit(c, e.frame);
          }
        });
        if (until < offset + phrase.frames) break;
        offset += phrase.frames;
        timeline = Timeline.fromCommands(phrase.commands, offset);
      }
    },
  });
  return { sup, sink };
}

async function lockstep(sup: AudioSupervisor): Promise<void> {
  while (sup.workers().filter((w) => w.state === "synced").length < 2) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function failoverPhase(signal: "SIGKILL" | "SIGSTOP", count: number) {
  const events: Timed[] = [];
  const { sup } = looping(events);
  const detection: number[] = [];
  const lockstepMs: number[] = [];
  const gaps: number[] = [];
  const stopped: number[] = [];
  try {
    await sup.start();
    for (let i = 0; i < count; i++) {
      await lockstep(sup);
      // past the new worker's start-up grace (1 s), at a random moment
      await new Promise((r) => setTimeout(r, 1100 + Math.random() * 300));
      const primary = sup.workers().find((w) => w.role === "primary")!;
      const from = events.length;
      const sent = performance.now();
      Deno.kill(primary.pid, signal);
      if (signal === "SIGSTOP") stopped.push(primary.pid);
      while (
        !events.slice(from).some((e) =>
          e.type === "worker-lost" && e.pid === primary.pid
        )
      ) {
        await new Promise((r) => setTimeout(r, 1));
      }
      const lost = events.slice(from).find((e) =>
        e.type === "worker-lost" && e.pid === primary.pid
      )!;
      detection.push(lost.at! - sent);
      await lockstep(sup);
      for (const e of events.slice(from)) {
        if (e.type === "failover") gaps.push(e.gapSamples);
        if (e.type === "lockstep") lockstepMs.push(e.ms);
      }
    }
  } finally {
    await sup.close();
    for (const pid of stopped) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
  const s = sup.stats;
  console.log(`failover by ${signal} x${count}`);
  console.log(
    `  detection (signal -> worker declared lost): ${stats(detection)}`,
  );
  console.log(
    `  respawn-to-lockstep (spawn -> first equal checksum): ${
      stats(lockstepMs)
    }`,
  );
  const lost: Record<string, number> = {};
  for (const e of events) {
    if (e.type === "worker-lost") {
      const key = `${e.role}/${e.reason}`;
      lost[key] = (lost[key] ?? 0) + 1;
    }
  }
  console.log(`  workers lost (role/reason): ${JSON.stringify(lost)}`);
  console.log(
    `  gap at the switch: ${
      JSON.stringify(gaps)
    } samples; underruns ${s.underruns}; unverified blocks ${s.unverifiedBlocks}; double faults ${s.doubleFaults}`,
  );
}

async function soakPhase(duration: number) {
  const events: Timed[] = [];
  // least-squares fit of write time against block index: the slope is
  // the real block period, free of the jitter of single blocks
  let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  let first = NaN;
  let last = NaN;
  let lastBlock = 0;
  const { sup, sink } = looping(events, (k) => {
    const now = performance.now();
    if (k === 0) first = now;
    last = now;
    lastBlock = k;
    const y = now - first;
    n++;
    sx += k;
    sy += y;
    sxx += k * k;
    sxy += k * y;
  });
  try {
    await sup.start();
    await new Promise((r) => setTimeout(r, duration * 1000));
  } finally {
    await sup.close();
  }
  const expectedMs = lastBlock * BLOCK * 1000 / RATE;
  const driftPercent = ((last - first) - expectedMs) / expectedMs * 100;
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const fitPercent = (slope / (BLOCK * 1000 / RATE) - 1) * 100;
  const s = sup.stats;
  const clock = sink.stats.clock!;
  console.log(
    `soak ${duration} s at ${RATE} Hz / ${BLOCK} frames, lead ${lead} blocks`,
  );
  console.log(
    `  null sink drift: ${fitPercent.toFixed(5)} % (fitted rate); end to end ${
      driftPercent.toFixed(5)
    } % (${(last - first - expectedMs).toFixed(2)} ms over ${
      (expectedMs / 1000).toFixed(1)
    } s)`,
  );
  console.log(
    `  blocks ${s.blocksWritten}, underruns ${s.underruns}, unverified ${s.unverifiedBlocks}, late (sink clock) ${clock.late}, max lateness ${
      clock.maxLatenessMs.toFixed(2)
    } ms, reanchors ${clock.reanchors}, failovers ${s.failovers}`,
  );
}

console.log(
  `deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cpus, load ${
    Deno.loadavg().map((v) => v.toFixed(1)).join(" ")
  }, lead ${lead} blocks, stall ${stallMs} ms`,
);
await failoverPhase("SIGKILL", kills);
await failoverPhase("SIGSTOP", Math.max(1, Math.floor(kills / 2)));
await soakPhase(seconds);
console.log(`load ${Deno.loadavg().map((v) => v.toFixed(1)).join(" ")}`);
