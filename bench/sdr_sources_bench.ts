/**
 * Throughput of the synthetic band (lib/sdr/sources), the default input of
 * `shack sdr serve`, on one core.
 *
 * As a bench file: `deno bench -A bench/sdr_sources_bench.ts` times one call
 * producing 65536 samples (32 ms of a 2.048 MS/s band): the default band as
 * Float32 IQ, as real samples, its parts (noise only, stations only), and
 * the source's u8 encoding path. MS/s = 65536 / time per call.
 *
 * As a script: `deno run -A bench/sdr_sources_bench.ts [seconds, default 3]`
 * generates the default band for that long and reports samples per second
 * of wall time and of process CPU time (less sensitive to other load on a
 * shared machine), and the share of one core that 2.048 MS/s in real time
 * would take.
 *
 * @module
 */

import process from "node:process";
import { SyntheticBand } from "../lib/sdr/sources/synthetic_band.ts";
import { SyntheticSource } from "../lib/sdr/sources/synthetic_source.ts";

const CHUNK = 65536;

const iqOut = new Float32Array(2 * CHUNK);
const realOut = new Float32Array(CHUNK);

for (
  const [name, band, out] of [
    ["default band, IQ f32 (7 stations + noise)", new SyntheticBand(), iqOut],
    ["default band, real f32", new SyntheticBand({ signal: "real" }), realOut],
    ["noise only, IQ", new SyntheticBand({ stations: [] }), iqOut],
    ["stations only, IQ", new SyntheticBand({ snrDb: Infinity }), iqOut],
  ] as const
) {
  Deno.bench({
    name: `SyntheticBand.generate(), ${name}, ${CHUNK} samples`,
    group: "synthetic",
    baseline: name.startsWith("default band, IQ"),
    fn() {
      band.generate(out, CHUNK);
    },
  });
}

const u8Source = new SyntheticSource({ format: "u8", pace: "fast" });
await u8Source.start(new AbortController().signal);
const u8Buf = new Uint8Array(2 * CHUNK);
Deno.bench({
  name: `SyntheticSource.read(), u8 IQ (RTL-SDR format), ${CHUNK} samples`,
  group: "synthetic",
  async fn() {
    await u8Source.read(u8Buf);
  },
});

const f32Source = new SyntheticSource({ pace: "fast" });
await f32Source.start(new AbortController().signal);
const f32Buf = new Uint8Array(8 * CHUNK);
Deno.bench({
  name: `SyntheticSource.read(), f32 IQ into bytes, ${CHUNK} samples`,
  group: "synthetic",
  async fn() {
    await f32Source.read(f32Buf);
  },
});

/** Generates the default band for `seconds` and prints the rates. */
function main(seconds: number): void {
  const band = new SyntheticBand();
  for (let i = 0; i < 50; i++) band.generate(iqOut); // warm up the JIT
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let samples = 0;
  while (performance.now() - wall0 < seconds * 1000) {
    samples += band.generate(iqOut);
  }
  const wall = (performance.now() - wall0) / 1000;
  const cpuUsage = process.cpuUsage(cpu0);
  const cpu = (cpuUsage.user + cpuUsage.system) / 1e6;
  const perWall = samples / wall;
  const perCpu = samples / cpu;
  const line = (label: string, rate: number) =>
    console.log(
      `${label}: ${(rate / 1e6).toFixed(2)} MS/s, ${
        ((2_048_000 / rate) * 100).toFixed(1)
      } % of one core for 2.048 MS/s in real time`,
    );
  console.log(
    `default synthetic band, IQ f32, ${band.stations.length} stations + noise, ${
      (samples / 1e6).toFixed(1)
    } M samples in ${wall.toFixed(2)} s`,
  );
  line("wall time", perWall);
  line("CPU time ", perCpu);
}

if (import.meta.main) main(Number(Deno.args[0] ?? 3));
