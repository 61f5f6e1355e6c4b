/**
 * Issue 6, "done when": a scripted render through the real supervisor and
 * worker processes is sample-identical to an uninterrupted render of the
 * same script while the primary is SIGKILLed, SIGSTOPped or made to
 * diverge at seeded random moments (and after a double fault); every new
 * standby reaches lockstep again.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import {
  type AudioConfig,
  defaultAudioConfig,
} from "../../lib/audio/config.ts";
import { parseScript, type ScriptEntry } from "../../lib/audio/script.ts";
import { AudioEngine } from "../../lib/audio/engine/mod.ts";
import { Timeline } from "../../lib/audio/control/timeline.ts";
import { audioPatch, AudioService } from "../../lib/audio/service.ts";
import type { SupervisorEvent } from "../../lib/audio/supervisor/supervisor.ts";
import { workerCommand } from "../../lib/audio/supervisor/worker_command.ts";
import { parseWavHeader } from "../../lib/audio/sinks/wav_header.ts";
import { PacedSink } from "../../lib/audio/sinks/paced_sink.ts";
import { WavSink } from "../../lib/audio/sinks/wav_sink.ts";

const WORKER = workerCommand({
  entry: new URL("../../lib/audio/worker/main.ts", import.meta.url),
});
const RATE = 24000;
const BLOCK = 128;

/** A deterministic PRNG (mulberry32) for the fault moments. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A script: notes on two synths and parameter moves over `seconds`. */
function scriptText(seconds: number): string {
  const lines: string[] = [];
  const notes = [57, 60, 64, 69, 67, 64, 60, 62];
  let node = 100;
  for (let t = 0, i = 0; t < seconds - 0.3; t += 0.125, i++) {
    const id = node++;
    lines.push(
      `${t.toFixed(3)} /s_new lead ${id} 0 0 note ${notes[i % 8]} amp 0.7`,
    );
    lines.push(`${(t + 0.1).toFixed(3)} /n_set ${id} gate 0`);
    if (i % 4 === 0) {
      const bass = node++;
      lines.push(
        `${t.toFixed(3)} /s_new bass ${bass} 0 0 note ${notes[i % 8] - 12}`,
      );
      lines.push(`${(t + 0.4).toFixed(3)} /n_free ${bass}`);
    }
    if (i % 6 === 0) {
      lines.push(`${t.toFixed(3)} /mod/filter1/cutoff ${600 + 150 * (i % 10)}`);
    }
    if (i % 9 === 0) {
      lines.push(`${t.toFixed(3)} /mod/filter1/q ${1 + (i % 3)}`);
    }
  }
  return lines.join("\n") + "\n";
}

function config(
  path: string,
  seconds: number,
  extra: Partial<AudioConfig> = {},
): AudioConfig {
  return {
    ...defaultAudioConfig(),
    sample_rate: RATE,
    block_size: BLOCK,
    channels: 2,
    voices: 6,
    sink: `wav:${path}`,
    sample_format: "f32le",
    realtime: false,
    duration: seconds,
    osc_port: 0,
    http_port: 0,
    lead_blocks: 3,
    stall_timeout_ms: 10_000,
    startup_grace_ms: 10_000,
    respawn_backoff_ms: 0,
    ...extra,
  };
}

/** The same script rendered by one engine in this process, without workers. */
function reference(cfg: AudioConfig, entries: ScriptEntry[]): Float32Array {
  const engine = new AudioEngine({
    sampleRate: cfg.sample_rate,
    blockSize: cfg.block_size,
    channels: cfg.channels,
    seed: 1,
    patch: audioPatch(cfg.voices),
  });
  let seq = 0;
  Timeline.fromScript(entries).feed(Infinity, (e) => {
    if (e.action.kind !== "engine") return;
    for (const c of e.action.commands) {
      engine.schedule({ ...c, seq: ++seq, frame: e.frame } as never);
    }
  });
  const frames = Math.round(cfg.duration * cfg.sample_rate);
  const blocks = Math.ceil(frames / cfg.block_size);
  const out = new Float32Array(blocks * cfg.block_size * cfg.channels);
  const block = new Float32Array(cfg.block_size * cfg.channels);
  for (let b = 0; b < blocks; b++) {
    engine.renderBlock(block);
    out.set(block, b * block.length);
  }
  return out.subarray(0, frames * cfg.channels);
}

async function readWavSamples(path: string): Promise<Float32Array> {
  const bytes = await Deno.readFile(path);
  const header = parseWavHeader(bytes);
  equal(header.encoding, "f32le");
  equal(
    header.dataOffset + header.dataBytes,
    bytes.length,
    "the header is final",
  );
  return new Float32Array(bytes.slice(header.dataOffset).buffer);
}

function firstDifference(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : n;
}

function alive(pid: number): boolean {
  try {
    return !Deno.readTextFileSync(`/proc/${pid}/stat`).includes(") Z ");
  } catch {
    return false;
  }
}

type Fault = (service: AudioService, pid: number, block: number) => void;

/**
 * Renders `seconds` of the script while `fault` hits the primary at
 * seeded moments (only when both workers are in lockstep), then checks
 * the file against the reference.
 */
async function renderWithFaults(options: {
  seconds: number;
  faults: number;
  seed: number;
  fault: Fault;
  spacing: [number, number];
  extra?: Partial<AudioConfig>;
  checkpointIntervalMs?: number;
  realtime?: boolean;
}) {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/out.wav`;
  const cfg = config(path, options.seconds, options.extra);
  const entries = parseScript(scriptText(options.seconds), {
    sampleRate: RATE,
  });
  const rng = prng(options.seed);
  const events: SupervisorEvent[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const touched = new Set<number>();
  let next = 30 + Math.floor(rng() * 30);
  let faults = 0;
  let service: AudioService | undefined;
  try {
    const sink = options.realtime
      ? new PacedSink(
        await WavSink.open(path, {
          sampleRate: RATE,
          channels: 2,
          blockSize: BLOCK,
          encoding: "f32le",
        }),
      )
      : undefined;
    service = await AudioService.start(
      options.realtime ? { ...cfg, realtime: true } : cfg,
      {
        logger: new Logger({ sink: () => {} }),
        script: { entries },
        workerCommand: WORKER,
        ...(sink ? { sink } : {}),
        supervisor: {
          checkpointIntervalMs: options.checkpointIntervalMs ?? 5000,
        },
        onEvent: (e) => events.push(e),
        onBlock: (_block, k) => {
          if (faults >= options.faults || k < next) return;
          const ws = service!.supervisor.workers();
          if (ws.length < 2 || ws.some((w) => w.state !== "synced")) return;
          const primary = ws.find((w) => w.role === "primary")!;
          faults++;
          next = k + options.spacing[0] +
            Math.floor(rng() * (options.spacing[1] - options.spacing[0]));
          touched.add(primary.pid);
          // a random moment a few ms later: the primary is busy rendering
          const timer = setTimeout(() => {
            timers.delete(timer);
            options.fault(service!, primary.pid, k);
          }, Math.floor(rng() * 4));
          timers.add(timer);
        },
      },
    );
    equal(await service.done, "duration");
    const pids = service.supervisor.workers().map((w) => w.pid);
    await service.close();
    for (const pid of pids) equal(alive(pid), false, `worker ${pid} is gone`);
    const got = await readWavSamples(path);
    const want = reference(cfg, entries);
    equal(got.length, want.length);
    equal(
      firstDifference(got, want),
      -1,
      "sample-identical to the uninterrupted render",
    );
    ok(want.some((v) => v !== 0), "the script is audible");
    return { events, faults, stats: service.supervisor.stats };
  } finally {
    for (const t of timers) clearTimeout(t);
    await service?.close();
    for (const pid of touched) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await Deno.remove(dir, { recursive: true });
  }
}

function lockstepTimes(events: SupervisorEvent[]): number[] {
  return events.flatMap((e) => e.type === "lockstep" ? [e.ms] : []);
}

Deno.test("AudioSupervisor failover: 10+ SIGKILLs of the primary leave the WAV sample-identical", async () => {
  const { events, faults, stats } = await renderWithFaults({
    seconds: 4,
    faults: 11,
    seed: 6,
    spacing: [18, 40],
    fault: (_s, pid) => Deno.kill(pid, "SIGKILL"),
  });
  ok(faults >= 10, `only ${faults} kills happened`);
  equal(stats.failovers, faults);
  equal(stats.failoversByReason.exit, faults);
  equal(stats.totalGapSamples, 0);
  equal(stats.doubleFaults, 0);
  const failovers = events.filter((e) => e.type === "failover");
  deepEqual(
    failovers.map((e) => e.type === "failover" ? e.gapSamples : -1),
    Array(faults).fill(0),
  );
  const times = lockstepTimes(events);
  ok(times.length >= faults + 2, "every new standby reached lockstep");
  ok(times.every((ms) => ms > 0 && Number.isFinite(ms)));
});

Deno.test("AudioSupervisor failover: a SIGSTOPped primary is declared stalled and replaced without a gap", async () => {
  const { events, faults, stats } = await renderWithFaults({
    seconds: 3,
    faults: 4,
    seed: 11,
    spacing: [25, 60],
    extra: { stall_timeout_ms: 300, startup_grace_ms: 300 },
    fault: (_s, pid) => Deno.kill(pid, "SIGSTOP"),
  });
  equal(faults, 4);
  // a loaded machine may add a genuine stall of its own; never fewer
  ok(stats.failoversByReason.stall >= 4);
  equal(stats.totalGapSamples, 0);
  ok(lockstepTimes(events).length >= 6);
});

Deno.test("AudioSupervisor failover: an injected divergence never reaches the WAV and the primary is replaced", async () => {
  const { events, faults, stats } = await renderWithFaults({
    seconds: 3,
    faults: 3,
    seed: 21,
    spacing: [25, 60],
    fault: (service) => {
      const sup = service.supervisor;
      // a block past the credit limit: not rendered by anyone yet
      equal(sup.injectDivergence(sup.horizonFrame / sup.blockSize - 1), false);
      ok(sup.injectDivergence(sup.horizonFrame / sup.blockSize + 1));
    },
  });
  equal(faults, 3);
  equal(stats.divergences, 3);
  equal(stats.failoversByReason.divergence, 3);
  const diverged = events.filter((e) => e.type === "divergence");
  equal(diverged.length, 3);
  ok(lockstepTimes(events).length >= 5);
});

Deno.test("AudioSupervisor failover: both workers killed at once are rebuilt from a checkpoint, still sample-identical", async () => {
  const { stats } = await renderWithFaults({
    seconds: 3,
    faults: 2,
    seed: 5,
    spacing: [60, 120],
    checkpointIntervalMs: 150,
    fault: (service) => {
      for (const w of service.supervisor.workers()) Deno.kill(w.pid, "SIGKILL");
    },
  });
  ok(stats.doubleFaults >= 2);
  ok(stats.checkpoints >= 1);
});

Deno.test("AudioSupervisor failover: in real time a SIGSTOPped primary costs no samples", async () => {
  const { faults, stats } = await renderWithFaults({
    seconds: 3,
    faults: 2,
    seed: 3,
    spacing: [150, 200],
    realtime: true,
    extra: { stall_timeout_ms: 200, startup_grace_ms: 200 },
    fault: (_s, pid) => Deno.kill(pid, "SIGSTOP"),
  });
  equal(faults, 2);
  ok(stats.failoversByReason.stall >= 2);
  equal(stats.totalGapSamples, 0);
});
