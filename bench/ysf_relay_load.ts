/**
 * @module Relay load test of `shack ysf reflect`, loopback only, bounded in
 * time (under 3 minutes; `--quick` under 30 s), stops by itself:
 *
 * ```sh
 * deno run -A bench/ysf_relay_load.ts [--quick] [--per-address N] [--json]
 * deno run -A bench/ysf_relay_load.ts --rate R [--listeners N] [--baseline]  # 3 × 3 s
 * deno run -A bench/ysf_relay_load.ts --memory                  # memory phase only
 * ```
 *
 * It starts the real CLI (`deno run -A cli/main.ts ysf reflect --bind
 * 127.0.0.1 …`) as a child process, links loopback clients spread over
 * 127.0.0.x addresses (16 per address by default, the reflector's default
 * per-address limit), and has one talker send one stream into the room.
 * Every body frame is a valid YSFD (correct FICH, V/D mode 2) carrying a
 * sequence number and its send time in the voice bytes, so each receiver
 * measures what it got and the one-way latency.
 *
 * 1. Latency: 100 frames/s to 200 listeners for 10 s.
 * 2. Rate ramp with 20 listeners, 5 s per rate, 500 to 7,000 frames/s
 *    (sends paced by a deadline clock, several per timer tick); the
 *    highest rate with ≥ 99.9 % delivered and p99 < 50 ms is the result.
 * 3. Steps 1 and 2 (3 s each) against a trivial Deno fan-out
 *    (bench/_ysf_fanout_baseline.ts): the ceiling of this load generator
 *    and of Deno's UDP calls on this machine, next to shack's.
 * 4. Memory: a fresh reflector, resident memory idle, with 1,000 linked
 *    clients, after 12 rounds of polls (a minute of YSFP at one per 5 s)
 *    and after a 10 frames/s voice stream to all of them.
 *
 * The load generator runs in this process (one receive loop per client
 * socket, reading into a reused buffer), on the same machine as the
 * reflector; each step reports both processes' CPU use, the reflector's CPU
 * time per delivered frame, and kernel receive-queue drops at the
 * reflector's socket and at the listeners' (from /proc/net/udp), so a loss
 * can be placed. `YSF_LOAD_V8_FLAGS=--perf-basic-prof` starts the reflector
 * with V8 flags (e.g. for `perf record -p`).
 */

import {
  buildLoadTransmission,
  type LoadTransmission,
  stampBody,
} from "./_ysf_load_frames.ts";
import {
  linkAll,
  listenerAddress,
  loadCallsign,
  LoadClient,
} from "./_ysf_load_clients.ts";
import { readCpuMs, readMemory, readUdpDrops } from "./_ysf_load_proc.ts";

const REPO = new URL("..", import.meta.url).pathname;
/** The program under test: the source CLI, or with `--bundle` the shipped single file (`deno task bundle` first). */
const CLI = Deno.args.includes("--bundle")
  ? new URL("../dist/shack.js", import.meta.url).pathname
  : new URL("../cli/main.ts", import.meta.url).pathname;
const BASELINE = new URL("./_ysf_fanout_baseline.ts", import.meta.url)
  .pathname;

interface Plan {
  latency: { listeners: number; rate: number; seconds: number };
  ramp: { listeners: number; rates: number[]; seconds: number };
  baselineSeconds: number;
  memory: { clients: number; pollRounds: number; voiceSeconds: number };
  deadlineMs: number;
}

const FULL: Plan = {
  latency: { listeners: 200, rate: 100, seconds: 10 },
  ramp: {
    listeners: 20,
    rates: [500, 1000, 2000, 3000, 4000, 5000, 6000, 7000],
    seconds: 5,
  },
  baselineSeconds: 3,
  memory: { clients: 1000, pollRounds: 12, voiceSeconds: 3 },
  deadlineMs: 175_000,
};

const QUICK: Plan = {
  latency: { listeners: 200, rate: 100, seconds: 3 },
  ramp: { listeners: 20, rates: [1000, 3000, 5000], seconds: 1.5 },
  baselineSeconds: 1.5,
  memory: { clients: 1000, pollRounds: 3, voiceSeconds: 1 },
  deadlineMs: 29_000,
};

/** Delivered ≥ 99.9 % and p99 below this: the rate passes. */
const PASS_DELIVERED = 99.9;
const PASS_P99_MS = 50;
/** How long after the last send a step waits for stragglers. */
const DRAIN_MS = 1000;

interface StepResult {
  rate: number;
  listeners: number;
  sent: number;
  sendSeconds: number;
  delivered: number;
  worstListener: number;
  p50: number;
  p99: number;
  max: number;
  duplicates: number;
  stale: number;
  reflectorCpu: number;
  generatorCpu: number;
  /** Relay CPU time per delivered frame, µs (steadier than rates on a busy host). */
  reflectorUsPerDelivery: number;
  kernelDropsReflector: number;
  kernelDropsListeners: number;
  backlogDrops: number | undefined;
  pass: boolean;
}

// ------------------------------------------------------------- child process

class Child {
  readonly pid: number;
  readonly udpPort: number;
  readonly httpPort: number | undefined;
  #process: Deno.ChildProcess;
  #tail = "";
  #drain: Promise<void>;
  exited = false;

  constructor(
    process: Deno.ChildProcess,
    udpPort: number,
    httpPort: number | undefined,
  ) {
    this.#process = process;
    this.pid = process.pid;
    this.udpPort = udpPort;
    this.httpPort = httpPort;
    this.#drain = this.#readStderr();
    process.status.then(() => {
      this.exited = true;
    });
  }

  static shack(udpPort: number, httpPort: number): Child {
    // YSF_LOAD_V8_FLAGS=--perf-basic-prof lets `perf record` name JS frames.
    const v8 = Deno.env.get("YSF_LOAD_V8_FLAGS");
    return Child.#spawn(
      [
        "run",
        "-A",
        ...(Deno.args.includes("--bundle")
          ? ["--no-config", "--unstable-net"]
          : []),
        ...(v8 ? [`--v8-flags=${v8}`] : []),
        CLI,
        "ysf",
        "reflect",
        "--bind",
        "127.0.0.1",
        "--port",
        String(udpPort),
        "--http-port",
        String(httpPort),
        "--name",
        "LOAD TEST",
      ],
      udpPort,
      httpPort,
    );
  }

  static baseline(udpPort: number): Child {
    return Child.#spawn(
      ["run", "-A", BASELINE, "--port", String(udpPort)],
      udpPort,
      undefined,
    );
  }

  static #spawn(
    args: string[],
    udpPort: number,
    httpPort: number | undefined,
  ): Child {
    const process = new Deno.Command(Deno.execPath(), {
      args,
      // The bundle runs as it would on a user's machine: outside the repo,
      // without its deno.json (no npm resolution, no config).
      cwd: Deno.args.includes("--bundle")
        ? Deno.env.get("TMPDIR") ?? "/tmp"
        : REPO,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    const child = new Child(process, udpPort, httpPort);
    children.add(child);
    return child;
  }

  /** The last few KiB of its stderr (log lines). */
  get tail(): string {
    return this.#tail;
  }

  async #readStderr(): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of this.#process.stderr) {
        this.#tail = (this.#tail + decoder.decode(chunk)).slice(-4096);
      }
    } catch {
      // closed
    }
  }

  /** The reflector's /api/status (shack only). */
  async status(): Promise<
    {
      io: { sendBacklogDrops: number };
      counters: { relayedFrames: number };
    } | undefined
  > {
    if (this.httpPort === undefined) return undefined;
    try {
      const response = await fetch(
        `http://127.0.0.1:${this.httpPort}/api/status`,
        { signal: AbortSignal.timeout(2000) },
      );
      return await response.json();
    } catch {
      return undefined;
    }
  }

  /** SIGTERM, then SIGKILL after 2 s. */
  async stop(): Promise<void> {
    children.delete(this);
    if (!this.exited) {
      try {
        this.#process.kill("SIGTERM");
      } catch {
        // gone
      }
      const timer = setTimeout(() => {
        try {
          this.#process.kill("SIGKILL");
        } catch {
          // gone
        }
      }, 2000);
      await this.#process.status;
      clearTimeout(timer);
    }
    await this.#drain;
  }

  /** Immediate SIGKILL (exit paths). */
  killNow(): void {
    try {
      this.#process.kill("SIGKILL");
    } catch {
      // gone
    }
  }
}

const children = new Set<Child>();

function killChildren(): void {
  for (const child of children) child.killNow();
}

function freePort(): number {
  const udp = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  const port = (udp.addr as Deno.NetAddr).port;
  udp.close();
  return port;
}

function freeTcpPort(): number {
  const tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = tcp.addr.port;
  tcp.close();
  return port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until the talker links (the child is up), at most 20 s. */
async function waitReady(child: Child, talker: LoadClient): Promise<void> {
  const end = performance.now() + 20_000;
  while (performance.now() < end) {
    if (child.exited) {
      throw new Error(`Expected the child to run, it exited:\n${child.tail}`);
    }
    if (await talker.poll(250)) return;
  }
  throw new Error(
    `Expected a poll reply within 20 s, found none:\n${child.tail}`,
  );
}

function log(line: string): void {
  console.error(line);
}

// ----------------------------------------------------------------- one step

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

let nextSeq = 1;
let nextSource = 0;

async function runStep(
  child: Child,
  talker: LoadClient,
  listeners: readonly LoadClient[],
  rate: number,
  seconds: number,
): Promise<StepResult> {
  // Keep everyone linked (60 s expiry) and let the previous step settle.
  await linkAll([talker, ...listeners], 200, 2000);
  await sleep(100);
  const total = Math.max(1, Math.round(rate * seconds));
  const first = nextSeq;
  nextSeq += total;
  // A new source per stream keeps the wild-PTT protection out of the way.
  const t: LoadTransmission = buildLoadTransmission({
    gateway: talker.callsign,
    source: `G${nextSource % 10}${loadCallsign(nextSource++).slice(2)}`,
  });
  for (const l of listeners) l.startStep(first, total);
  const dropsBefore = readUdpDrops();
  const statusBefore = await child.status();
  const cpuChild0 = readCpuMs(child.pid) ?? 0;
  const cpuSelf0 = readCpuMs(Deno.pid) ?? 0;
  const wall0 = performance.now();

  talker.send(t.header);
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(
      total,
      Math.floor((performance.now() - start) * rate / 1000) + 1,
    );
    while (sent < due) {
      talker.send(
        stampBody(t.body[sent % 7], first + sent, performance.now()),
      );
      sent++;
    }
    if (sent < total) await sleep(1);
  }
  const sendSeconds = (performance.now() - start) / 1000;
  talker.send(t.terminator);
  const drainEnd = performance.now() + DRAIN_MS;
  while (
    performance.now() < drainEnd && listeners.some((l) => l.received < total)
  ) await sleep(5);

  const wall = performance.now() - wall0;
  const cpuChild = (readCpuMs(child.pid) ?? 0) - cpuChild0;
  const cpuSelf = (readCpuMs(Deno.pid) ?? 0) - cpuSelf0;
  const statusAfter = await child.status();
  const dropsAfter = readUdpDrops();
  const dropDelta = (key: string) =>
    (dropsAfter.get(key) ?? 0) - (dropsBefore.get(key) ?? 0);

  let received = 0;
  let worst = Infinity;
  let duplicates = 0;
  let stale = 0;
  const records = listeners.map((l) => l.record());
  for (const r of records) {
    received += r.received;
    worst = Math.min(worst, r.received / total);
    duplicates += r.duplicates;
    stale += r.stale;
  }
  const all = new Float64Array(received);
  let at = 0;
  for (const r of records) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  all.sort();
  const delivered = 100 * received / (total * listeners.length);
  const p99 = percentile(all, 0.99);
  return {
    rate,
    listeners: listeners.length,
    sent: total,
    sendSeconds,
    delivered,
    worstListener: 100 * worst,
    p50: percentile(all, 0.5),
    p99,
    max: all.length > 0 ? all[all.length - 1] : NaN,
    duplicates,
    stale,
    reflectorCpu: 100 * cpuChild / wall,
    reflectorUsPerDelivery: 1000 * cpuChild / Math.max(1, received),
    generatorCpu: 100 * cpuSelf / wall,
    kernelDropsReflector: dropDelta(`127.0.0.1:${child.udpPort}`),
    kernelDropsListeners: listeners.reduce(
      (sum, l) => sum + dropDelta(`${l.hostname}:${l.port}`),
      0,
    ),
    backlogDrops: statusBefore && statusAfter
      ? statusAfter.io.sendBacklogDrops - statusBefore.io.sendBacklogDrops
      : undefined,
    pass: delivered >= PASS_DELIVERED && p99 < PASS_P99_MS,
  };
}

function makeListeners(
  target: { hostname: string; port: number },
  count: number,
  perAddress: number,
  offset = 0,
): LoadClient[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new LoadClient(
        target,
        loadCallsign(offset + i),
        listenerAddress(i, perAddress),
      ),
  );
}

async function closeAll(clients: readonly LoadClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}

function describe(r: StepResult): string {
  return `${r.rate}/s × ${r.listeners}: delivered ${
    r.delivered.toFixed(3)
  } % (worst ${r.worstListener.toFixed(2)} %), p50 ${
    r.p50.toFixed(2)
  } ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms, send ${
    (r.sent / r.sendSeconds).toFixed(0)
  }/s, cpu reflector ${r.reflectorCpu.toFixed(0)} % generator ${
    r.generatorCpu.toFixed(0)
  } % (${
    r.reflectorUsPerDelivery.toFixed(1)
  } µs/delivery), kernel drops ${r.kernelDropsReflector}/${r.kernelDropsListeners}${
    r.backlogDrops ? `, backlog drops ${r.backlogDrops}` : ""
  }${r.pass ? "" : "  ✗"}`;
}

// -------------------------------------------------------------------- phases

async function rampPhase(
  child: Child,
  talker: LoadClient,
  listeners: readonly LoadClient[],
  rates: readonly number[],
  seconds: number,
  label: string,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const rate of rates) {
    const r = await runStep(child, talker, listeners, rate, seconds);
    results.push(r);
    log(`${label} ${describe(r)}`);
    if (r.delivered < 90) break; // saturated: higher rates only queue more
  }
  return results;
}

interface MemoryResult {
  clients: number;
  linkFailures: number;
  idleKiB: number;
  linkedKiB: number;
  polledKiB: number;
  pollRounds: number;
  voice: StepResult;
  afterVoiceKiB: number;
  peakKiB: number;
}

async function memoryPhase(plan: Plan, perAddress: number) {
  const port = freePort();
  const child = Child.shack(port, freeTcpPort());
  const target = { hostname: "127.0.0.1", port };
  const talker = new LoadClient(target, "GB7LT", "127.0.0.1");
  const listeners: LoadClient[] = [];
  try {
    await waitReady(child, talker);
    await sleep(500);
    const idle = readMemory(child.pid);
    listeners.push(
      ...makeListeners(target, plan.memory.clients - 1, perAddress),
    );
    const linkFailures = await linkAll(listeners, 100, 3000);
    await sleep(500);
    const linked = readMemory(child.pid);
    for (let round = 0; round < plan.memory.pollRounds; round++) {
      await linkAll([talker, ...listeners], 250, 3000);
      await sleep(100);
    }
    await sleep(300);
    const polled = readMemory(child.pid);
    const voice = await runStep(
      child,
      talker,
      listeners,
      10,
      plan.memory.voiceSeconds,
    );
    const after = readMemory(child.pid);
    const result: MemoryResult = {
      clients: listeners.length + 1,
      linkFailures,
      idleKiB: idle?.rssKiB ?? NaN,
      linkedKiB: linked?.rssKiB ?? NaN,
      polledKiB: polled?.rssKiB ?? NaN,
      pollRounds: plan.memory.pollRounds,
      voice,
      afterVoiceKiB: after?.rssKiB ?? NaN,
      peakKiB: after?.hwmKiB ?? NaN,
    };
    return result;
  } finally {
    await child.stop();
    await closeAll([talker, ...listeners]);
  }
}

/**
 * The latency step then the rate ramp, against shack or the trivial
 * fan-out; the first `ramp.listeners` listeners stay for the ramp, the
 * others unlink after the latency step.
 */
async function latencyAndRamp(
  plan: Plan,
  perAddress: number,
  baseline: boolean,
) {
  const port = freePort();
  const child = baseline
    ? Child.baseline(port)
    : Child.shack(port, freeTcpPort());
  const target = { hostname: "127.0.0.1", port };
  const talker = new LoadClient(target, "GB7LT", "127.0.0.1");
  const listeners = makeListeners(
    target,
    Math.max(plan.latency.listeners, plan.ramp.listeners),
    perAddress,
  );
  const label = baseline ? "baseline" : "shack";
  try {
    await waitReady(child, talker);
    const failures = await linkAll(listeners, 100, 3000);
    if (failures > 0) throw new Error(`${failures} listeners did not link`);
    const latency = await runStep(
      child,
      talker,
      listeners.slice(0, plan.latency.listeners),
      plan.latency.rate,
      baseline ? plan.baselineSeconds : plan.latency.seconds,
    );
    log(`${label} latency ${describe(latency)}`);
    // Only the ramp's listeners stay linked.
    const extra = listeners.splice(plan.ramp.listeners);
    for (const l of extra) l.unlink();
    await sleep(200);
    await closeAll(extra);
    const rssBefore = readMemory(child.pid);
    const ramp = await rampPhase(
      child,
      talker,
      listeners,
      plan.ramp.rates,
      baseline ? plan.baselineSeconds : plan.ramp.seconds,
      label,
    );
    const rssAfter = readMemory(child.pid);
    return { latency, ramp, rssBefore, rssAfter };
  } finally {
    await child.stop();
    await closeAll([talker, ...listeners]);
  }
}

async function spotCheck(
  plan: Plan,
  perAddress: number,
  baseline: boolean,
): Promise<void> {
  const port = freePort();
  const child = baseline
    ? Child.baseline(port)
    : Child.shack(port, freeTcpPort());
  const target = { hostname: "127.0.0.1", port };
  const talker = new LoadClient(target, "GB7LT", "127.0.0.1");
  const listeners = makeListeners(target, plan.ramp.listeners, perAddress);
  try {
    await waitReady(child, talker);
    await linkAll(listeners, 100, 3000);
    for (const rate of plan.ramp.rates) {
      const r = await runStep(child, talker, listeners, rate, 3);
      log(`${baseline ? "baseline" : "shack"} ${describe(r)}`);
    }
  } finally {
    await child.stop();
    await closeAll([talker, ...listeners]);
  }
}

// -------------------------------------------------------------------- report

function ms(x: number): string {
  return Number.isNaN(x) ? "–" : x < 10 ? x.toFixed(2) : x.toFixed(1);
}

function mib(kib: number): string {
  return (kib / 1024).toFixed(1);
}

function rampTable(rows: readonly StepResult[], withBacklog: boolean): string {
  const head =
    "| frames/s in | deliveries/s | delivered | worst listener | p50 ms | p99 ms | max ms | relay CPU | relay µs/delivery | generator CPU | kernel drops (relay / listeners) |" +
    (withBacklog ? " backlog drops |" : "");
  const sep = "|" + " --- |".repeat(withBacklog ? 12 : 11);
  const lines = rows.map((r) =>
    `| ${r.rate.toLocaleString("en")} | ${
      (r.rate * r.listeners).toLocaleString("en")
    } | ${r.delivered.toFixed(2)} % | ${r.worstListener.toFixed(2)} % | ${
      ms(r.p50)
    } | ${ms(r.p99)} | ${ms(r.max)} | ${r.reflectorCpu.toFixed(0)} % | ${
      r.reflectorUsPerDelivery.toFixed(1)
    } | ${
      r.generatorCpu.toFixed(0)
    } % | ${r.kernelDropsReflector} / ${r.kernelDropsListeners} |` +
    (withBacklog ? ` ${r.backlogDrops ?? "–"} |` : "")
  );
  return [head, sep, ...lines].join("\n");
}

/** The highest rate that passed with every lower rate passing too. */
function best(rows: readonly StepResult[]): number {
  let rate = 0;
  for (const r of rows) {
    if (!r.pass) break;
    rate = r.rate;
  }
  return rate;
}

function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3)
      .join(" ");
  } catch {
    return "?";
  }
}

// ---------------------------------------------------------------------- main

interface Results {
  quick: boolean;
  seconds: number;
  /** /proc/loadavg before and after (other work on the host skews rates). */
  load: [string, string];
  plan: Plan;
  shack: Awaited<ReturnType<typeof latencyAndRamp>>;
  baseline: Awaited<ReturnType<typeof latencyAndRamp>>;
  memory: MemoryResult;
}

function report(r: Results): string {
  const { plan, shack, baseline, memory } = r;
  const latencyRow = (label: string, s: StepResult, seconds: number) =>
    `| ${label} | ${s.listeners} | ${s.rate} | ${seconds} s | ${
      s.delivered.toFixed(2)
    } % | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ${
      s.reflectorCpu.toFixed(0)
    } % |`;
  return `## shack ysf reflect: relay load (${
    r.quick ? "quick" : "full"
  } run, ${r.seconds.toFixed(0)} s, load average ${r.load[0]} → ${r.load[1]})

Latency:

| relay | listeners | frames/s in | time | delivered | p50 ms | p99 ms | max ms | relay CPU |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${latencyRow("shack", shack.latency, plan.latency.seconds)}
${latencyRow("trivial fan-out", baseline.latency, plan.baselineSeconds)}

Rate ramp, ${plan.ramp.listeners} listeners, ${plan.ramp.seconds} s per rate (shack):

${rampTable(shack.ramp, true)}

Highest passing rate (≥ ${PASS_DELIVERED} % delivered and p99 < ${PASS_P99_MS} ms, every lower rate passing too): ${
    best(shack.ramp).toLocaleString("en")
  } frames/s in (reflector RSS ${mib(shack.rssBefore?.rssKiB ?? NaN)} → ${
    mib(shack.rssAfter?.rssKiB ?? NaN)
  } MiB, peak ${mib(shack.rssAfter?.hwmKiB ?? NaN)} MiB).

Same ramp against the trivial Deno fan-out (bench/_ysf_fanout_baseline.ts), ${plan.baselineSeconds} s per rate:

${rampTable(baseline.ramp, false)}

Highest passing rate: ${best(baseline.ramp).toLocaleString("en")} frames/s in.

Resident memory (VmRSS), fresh reflector:

| state | RSS MiB |
| --- | --- |
| idle, 1 client | ${mib(memory.idleKiB)} |
| ${
    memory.clients.toLocaleString("en")
  } clients linked (${memory.linkFailures} failed) | ${mib(memory.linkedKiB)} |
| after ${memory.pollRounds} rounds of polls | ${mib(memory.polledKiB)} |
| after ${plan.memory.voiceSeconds} s of voice (10 frames/s to ${
    memory.clients - 1
  }: delivered ${memory.voice.delivered.toFixed(2)} %, p50 ${
    ms(memory.voice.p50)
  } ms, p99 ${ms(memory.voice.p99)} ms) | ${mib(memory.afterVoiceKiB)} |
| peak (VmHWM) | ${mib(memory.peakKiB)} |
`;
}

function numberArg(name: string, fallback: number): number {
  const at = Deno.args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(Deno.args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `Expected ${name} to be a positive number, found ${Deno.args[at + 1]}`,
    );
  }
  return value;
}

async function main(): Promise<void> {
  const quick = Deno.args.includes("--quick");
  const perAddress = numberArg("--per-address", 16);
  if (!Number.isInteger(perAddress) || perAddress > 16) {
    throw new RangeError(
      `Expected --per-address to be an integer in 1..16 (the reflector's default limit), found ${perAddress}`,
    );
  }
  const spotRate = numberArg("--rate", 0);
  const plan: Plan = structuredClone(quick ? QUICK : FULL);
  if (spotRate > 0) {
    plan.ramp.rates = [spotRate, spotRate, spotRate];
    plan.ramp.listeners = numberArg("--listeners", plan.ramp.listeners);
    plan.deadlineMs = 60_000;
  }
  const deadline = setTimeout(() => {
    log(`time limit of ${plan.deadlineMs / 1000} s reached, stopping`);
    killChildren();
    Deno.exit(1);
  }, plan.deadlineMs);
  Deno.unrefTimer(deadline);
  const onSignal = () => {
    killChildren();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const began = performance.now();
  const loadBefore = loadAverage();
  try {
    if (spotRate > 0) {
      await spotCheck(plan, perAddress, Deno.args.includes("--baseline"));
      return;
    }
    if (Deno.args.includes("--memory")) {
      const memory = await memoryPhase(plan, perAddress);
      log(
        `memory ${
          JSON.stringify({ ...memory, voice: describe(memory.voice) })
        }`,
      );
      return;
    }
    const shack = await latencyAndRamp(plan, perAddress, false);
    const baseline = await latencyAndRamp(plan, perAddress, true);
    const memory = await memoryPhase(plan, perAddress);
    log(
      `memory ${JSON.stringify({ ...memory, voice: describe(memory.voice) })}`,
    );
    const results: Results = {
      quick,
      seconds: (performance.now() - began) / 1000,
      load: [loadBefore, loadAverage()],
      plan,
      shack,
      baseline,
      memory,
    };
    console.log(
      Deno.args.includes("--json")
        ? JSON.stringify(results, null, 2)
        : report(results),
    );
  } finally {
    clearTimeout(deadline);
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    killChildren();
  }
}

if (import.meta.main) {
  await main();
}
