/**
 * End-to-end load of `shack sdr serve`'s engine (lib/sdr/server): a real
 * `SdrServer` on the synthetic band in real time (2.048 MS/s IQ, fft_size
 * 131072: 31.25 frames/s, a waterfall line every 2nd frame, 12 kHz audio),
 * with N clients of each socket kind connected over loopback (audio clients
 * tuned across the band in USB/AM/FM/LSB, waterfall clients at the default
 * zoom). The clients run in this process and only count bytes (no
 * decoding).
 *
 * Reports the DSP Worker's time per frame by stage and the frame delivery
 * latency (from `/metrics`), the process CPU (every thread: main, DSP
 * Worker, the synthetic source's generator, the clients), ring overflows,
 * frames dropped and bytes sent.
 *
 * Run: `deno run -A bench/sdr_server_load.ts [clients per kind = 10] [seconds = 10]`
 *
 * @module
 */

import { cpuUsage } from "node:process";
import { SdrServer } from "../lib/sdr/server/sdr_server.ts";
import { SdrProbe } from "../lib/sdr/server/sdr_probe.ts";
import { SyntheticSource } from "../lib/sdr/sources/synthetic_source.ts";

const clients = Number(Deno.args[0] ?? 10);
const seconds = Number(Deno.args[1] ?? 10);
const MODES = ["USB", "AM", "FM", "LSB"];

const server = await SdrServer.start({
  source: new SyntheticSource(),
  hostname: "127.0.0.1",
  port: 0,
  limits: { perIp: 10_000, audio: 10_000, waterfall: 10_000, events: 10_000 },
});
const base = `ws://127.0.0.1:${server.addr.port}`;
const probes: SdrProbe[] = [];
for (let i = 0; i < clients; i++) {
  const audio = await SdrProbe.connect(base, "audio", { decode: false });
  const m = 2000 + Math.floor((i * 127_000) / Math.max(1, clients));
  audio.send({ cmd: "demodulation", demodulation: MODES[i % 4] });
  audio.send({ cmd: "window", l: m - 300, m, r: m + 300 });
  probes.push(audio);
  probes.push(await SdrProbe.connect(base, "waterfall", { decode: false }));
  probes.push(await SdrProbe.connect(base, "events", { decode: false }));
}
// Settle, then measure.
await new Promise((resolve) => setTimeout(resolve, 2000));
const before = server.stats();
const histogram = () => {
  const text = server.metrics.render();
  const out: Record<string, { sum: number; count: number }> = {};
  for (const stage of ["fft", "waterfall", "audio", "delivery"]) {
    const sum = Number(
      text.match(
        new RegExp(`dsp_stage_seconds_sum\\{stage="${stage}"\\} (\\S+)`),
      )?.[1] ?? 0,
    );
    const count = Number(
      text.match(
        new RegExp(`dsp_stage_seconds_count\\{stage="${stage}"\\} (\\S+)`),
      )?.[1] ?? 0,
    );
    out[stage] = { sum, count };
  }
  return out;
};
const h0 = histogram();
const cpu0 = cpuUsage();
const t0 = performance.now();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const elapsed = (performance.now() - t0) / 1000;
const cpu = cpuUsage(cpu0);
const h1 = histogram();
const after = server.stats();

const ms = (stage: string) => {
  const count = h1[stage].count - h0[stage].count;
  return count === 0 ? 0 : ((h1[stage].sum - h0[stage].sum) / count) * 1000;
};
const frames = after.dspFrames - before.dspFrames;
const dropped = (kind: "audio" | "waterfall" | "events") =>
  Object.values(after.sockets[kind].framesDropped).reduce((a, b) => a + b, 0) -
  Object.values(before.sockets[kind].framesDropped).reduce((a, b) => a + b, 0);
const bytes = (kind: "audio" | "waterfall" | "events") =>
  after.sockets[kind].bytesOut - before.sockets[kind].bytesOut;
console.log(JSON.stringify(
  {
    clientsPerKind: clients,
    seconds: Number(elapsed.toFixed(1)),
    backend: server.backend,
    framesPerSecond: Number((frames / elapsed).toFixed(2)),
    inputMsps: Number((after.inputSamplesPerSecond / 1e6).toFixed(3)),
    dspMsPerFrame: {
      fft: Number(ms("fft").toFixed(3)),
      waterfallPerLine: Number(ms("waterfall").toFixed(3)),
      audioAllListeners: Number(ms("audio").toFixed(3)),
      perListener: Number((ms("audio") / Math.max(1, clients)).toFixed(4)),
    },
    deliveryMs: Number(ms("delivery").toFixed(3)),
    processCpuPercent: Number(
      ((cpu.user + cpu.system) / 1e4 / elapsed).toFixed(1),
    ),
    ringOverflowSamples: after.ringOverflowSamples - before.ringOverflowSamples,
    framesDropped: {
      audio: dropped("audio"),
      waterfall: dropped("waterfall"),
      events: dropped("events"),
    },
    kBytesPerSecond: {
      audio: Math.round(bytes("audio") / elapsed / 1000),
      waterfall: Math.round(bytes("waterfall") / elapsed / 1000),
    },
  },
  null,
  2,
));
const c0 = performance.now();
await server.close();
console.log(
  `close() with ${3 * clients} clients: ${
    (performance.now() - c0).toFixed(0)
  } ms`,
);
await Promise.all(probes.map((probe) => probe.close()));
