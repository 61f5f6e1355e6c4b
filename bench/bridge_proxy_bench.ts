/**
 * Load of the bridge's stream proxy: N concurrent direct-proxied MPEG-TS
 * streams at B bit/s each over loopback, three processes:
 *
 * - the fake IPTV upstream (`tests/bridge/_fake_upstream.ts`, its own process),
 * - the bridge (`BridgeServer`, in this process: its CPU and memory are what
 *   is measured),
 * - the clients (this file with `--role clients`, its own process), which
 *   open the streams with distinct User-Agents, time the first byte, read
 *   everything, then disconnect one at a time.
 *
 * Reports: streams that reached the target rate, delivered throughput, time
 * to first byte (p50/p95/max), bridge CPU per stream (% of one core) and
 * memory per stream (RSS growth / N), and disconnect-to-cleanup latency
 * (client cancel → session closed in the bridge, wall clock across the two
 * processes; p50/p95/max).
 *
 * Run: `deno run -A bench/bridge_proxy_bench.ts [streams = 200] [bitrate = 8000000] [seconds = 15]`
 *
 * @module
 */

import { cpuUsage } from "node:process";
import { BridgeServer } from "../lib/bridge/server.ts";
import type { Channel, ChannelLookup } from "../lib/bridge/channel.ts";

interface ClientReport {
  type: "ramped" | "stats" | "cancelled" | "done";
  ttfbMs?: number[];
  failures?: number;
  bytes?: number[];
  seconds?: number;
  cancels?: { ua: string; at: number }[];
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function* lines(stream: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffer.indexOf("\n")) !== -1) {
      yield buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
    }
  }
}

/**
 * The client process: opens, reads, reports, disconnects. Plain TCP with a
 * hand-written GET (bytes are counted, chunked framing included, not
 * parsed): a fetch() client would cost more CPU than the bridge itself on a
 * 2-core machine.
 */
async function clients(url: string, count: number, seconds: number) {
  const emit = (report: ClientReport) => console.log(JSON.stringify(report));
  const target = new URL(url);
  const bytes = new Array<number>(count).fill(0);
  const ttfb: number[] = [];
  let failures = 0;
  const conns: (Deno.TcpConn | undefined)[] = [];
  const loops: Promise<void>[] = [];
  const open = async (i: number) => {
    const t0 = performance.now();
    const conn = await Deno.connect({
      hostname: target.hostname,
      port: Number(target.port),
    });
    await conn.write(
      new TextEncoder().encode(
        `GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: bench/${i}\r\n\r\n`,
      ),
    );
    const buffer = new Uint8Array(256 * 1024);
    const first = await conn.read(buffer);
    const head = new TextDecoder().decode(
      buffer.subarray(0, Math.min(first ?? 0, 64)),
    );
    if (first === null || !head.startsWith("HTTP/1.1 200")) {
      failures++;
      conn.close();
      return;
    }
    ttfb.push(performance.now() - t0);
    bytes[i] += first;
    conns[i] = conn;
    loops.push((async () => {
      try {
        for (;;) {
          const n = await conn.read(buffer);
          if (n === null) return;
          bytes[i] += n;
        }
      } catch {
        // closed by us
      }
    })());
  };
  for (let i = 0; i < count; i += 20) {
    await Promise.all(
      Array.from(
        { length: Math.min(20, count - i) },
        (_, k) => open(i + k).catch(() => void failures++),
      ),
    );
  }
  emit({ type: "ramped", ttfbMs: ttfb, failures });
  await new Promise((r) => setTimeout(r, 500));
  const start = bytes.slice();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  emit({
    type: "stats",
    bytes: bytes.map((b, i) => b - start[i]),
    seconds: elapsed,
  });
  // Disconnect one at a time, recording when.
  const cancels: { ua: string; at: number }[] = [];
  for (let i = 0; i < count; i++) {
    const conn = conns[i];
    if (conn === undefined) continue;
    cancels.push({ ua: `bench/${i}`, at: Date.now() });
    conn.close();
    if (i < 50) await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(loops);
  emit({ type: "cancelled", cancels });
}

/** CPU seconds (user + system) of a process, from /proc. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // CLK_TCK 100
  } catch {
    return NaN;
  }
}

if (Deno.args[0] === "--role") {
  await clients(Deno.args[2], Number(Deno.args[3]), Number(Deno.args[4]));
  Deno.exit(0);
}

const streams = Number(Deno.args[0] ?? 200);
const bitrate = Number(Deno.args[1] ?? 8_000_000);
const seconds = Number(Deno.args[2] ?? 15);

// 1. The upstream process.
const upstreamProcess = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    new URL("../tests/bridge/_fake_upstream.ts", import.meta.url).pathname,
    "--port",
    "0",
    "--bitrate",
    String(bitrate),
  ],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const upstreamLines = lines(upstreamProcess.stdout);
const { port: upstreamPort } = JSON.parse(
  (await upstreamLines.next()).value as string,
);

// 2. The bridge, here.
const channel: Channel = {
  id: "live",
  guideNumber: "1",
  name: "Load",
  url: `http://127.0.0.1:${upstreamPort}/live.ts`,
  enabled: true,
  headers: {},
};
const lookup: ChannelLookup = {
  channels: () => [channel],
  byGuideNumber: (n) => (n === "1" ? channel : undefined),
  byId: (id) => (id === "live" ? channel : undefined),
};
const bridge = await BridgeServer.start({
  channels: lookup,
  deviceId: "10101010",
  tunerCount: streams,
  hostname: "127.0.0.1",
  port: 0,
  stream: { ffmpegPath: false },
  sessions: { maxSessions: streams * 2, historySize: streams * 2 },
  now: () => Date.now(), // wall clock: comparable with the client process
});
const rssBefore = Deno.memoryUsage().rss;

// 3. The clients.
const clientProcess = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    new URL(import.meta.url).pathname,
    "--role",
    "clients",
    `http://127.0.0.1:${bridge.addr.port}/auto/v1`,
    String(streams),
    String(seconds),
  ],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const clientLines = lines(clientProcess.stdout);
const next = async (): Promise<ClientReport> =>
  JSON.parse((await clientLines.next()).value as string);

const ramped = await next();
await new Promise((r) => setTimeout(r, 500));
const cpu0 = cpuUsage();
const upCpu0 = processCpuSeconds(upstreamProcess.pid);
const clientCpu0 = processCpuSeconds(clientProcess.pid);
const t0 = performance.now();
const stats = await next();
const cpu1 = cpuUsage(cpu0);
const wall = (performance.now() - t0) / 1000;
const upCpu = (processCpuSeconds(upstreamProcess.pid) - upCpu0) / wall * 100;
const clientCpu = (processCpuSeconds(clientProcess.pid) - clientCpu0) / wall *
  100;
const rssSteady = Deno.memoryUsage().rss;
const live = bridge.sessions.size;
const cancelled = await next();
await new Promise((r) => setTimeout(r, 1500));
const closedAt = new Map<string, number>();
for (const record of bridge.sessions.history()) {
  if (record.client.userAgent && record.endedAt !== undefined) {
    closedAt.set(record.client.userAgent, record.endedAt);
  }
}
const cleanup = cancelled.cancels!
  .map((c) => (closedAt.get(c.ua) ?? NaN) - c.at)
  .filter((ms) => Number.isFinite(ms));
const cleanupSeconds = bridge.metrics.render().match(
  /shack_bridge_session_cleanup_seconds_sum (\S+)\nshack_bridge_session_cleanup_seconds_count (\S+)/,
);

await clientProcess.status;
await bridge.close();
upstreamProcess.kill("SIGTERM");
await upstreamProcess.status;
for await (const _ of upstreamLines) { /* drain */ }
for await (const _ of clientLines) { /* drain */ }

const target = bitrate / 8;
const rates = stats.bytes!.map((b) => b / stats.seconds!);
const ok = rates.filter((r) => r >= 0.95 * target).length;
const total = rates.reduce((a, b) => a + b, 0);
const cpuSeconds = (cpu1.user + cpu1.system) / 1e6;
const mib = (n: number) => (n / 2 ** 20).toFixed(1);
console.log(
  `bridge proxy load: ${streams} streams × ${
    (bitrate / 1e6).toFixed(1)
  } Mb/s, ${seconds} s, loopback, 2 cores shared by upstream, bridge and clients`,
);
console.log(
  `  streams open: ${live} (failed to open: ${ramped.failures}); at ≥95 % of target rate: ${ok}/${streams}`,
);
console.log(
  `  delivered: ${(total * 8 / 1e6).toFixed(0)} Mb/s total; per stream min ${
    (Math.min(...rates) * 8 / 1e6).toFixed(2)
  } / median ${(percentile(rates, 0.5) * 8 / 1e6).toFixed(2)} Mb/s`,
);
console.log(
  `  time to first byte: p50 ${
    percentile(ramped.ttfbMs!, 0.5).toFixed(1)
  } ms, p95 ${percentile(ramped.ttfbMs!, 0.95).toFixed(1)} ms, max ${
    Math.max(...ramped.ttfbMs!).toFixed(1)
  } ms`,
);
console.log(
  `  bridge CPU: ${(cpuSeconds / wall * 100).toFixed(0)} % of one core total, ${
    (cpuSeconds / wall * 100 / Math.max(1, live)).toFixed(2)
  } % per stream`,
);
console.log(
  `  other processes: upstream ${upCpu.toFixed(0)} %, clients ${
    clientCpu.toFixed(0)
  } % of one core`,
);
console.log(
  `  bridge memory: RSS ${mib(rssBefore)} → ${mib(rssSteady)} MiB, ${
    ((rssSteady - rssBefore) / Math.max(1, live) / 1024).toFixed(0)
  } KiB per stream`,
);
console.log(
  `  disconnect → session closed (cross-process wall clock): p50 ${
    percentile(cleanup, 0.5).toFixed(1)
  } ms, p95 ${percentile(cleanup, 0.95).toFixed(1)} ms, max ${
    Math.max(...cleanup).toFixed(1)
  } ms (${cleanup.length} sessions); in-bridge cleanup mean ${
    cleanupSeconds
      ? (Number(cleanupSeconds[1]) / Number(cleanupSeconds[2]) * 1000).toFixed(
        2,
      )
      : "?"
  } ms`,
);
console.log(
  `  slow clients dropped: ${bridge.proxy.stats.slowClients}; upstream errors: ${
    JSON.stringify(
      Object.fromEntries(
        Object.entries(bridge.proxy.stats.upstreamErrors).filter(([, v]) =>
          v > 0
        ),
      ),
    )
  }`,
);
