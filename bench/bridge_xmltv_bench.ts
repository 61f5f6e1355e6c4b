/**
 * Speed and memory of the streaming XMLTV reader (lib/bridge/xmltv) on a
 * synthetic guide generated on the fly (never stored).
 *
 * As a bench file: `deno bench -A bench/bridge_xmltv_bench.ts` times parsing
 * a 4 MB guide (plain, and gzipped in memory beforehand), collecting every
 * programme, and the XMLTV export of the result.
 *
 * As a script: `deno run -A bench/bridge_xmltv_bench.ts [MB, default 200]`
 * parses a guide of that size (500 channels, programmes streamed to a
 * callback, as an import into the store would) and prints the time, the
 * throughput, the peak heap growth and the peak RSS.
 *
 * @module
 */

import process from "node:process";
import { gzipSync } from "node:zlib";
import { parseXmltv } from "../lib/bridge/xmltv/xmltv_parser.ts";
import { mergeGuide } from "../lib/bridge/xmltv/merge_guide.ts";
import { writeXmltv } from "../lib/bridge/xmltv/write_xmltv.ts";
import type { Channel } from "../lib/bridge/channel.ts";
import { syntheticXmltv } from "../tests/bridge/fixtures/synthetic_xmltv.ts";

const MB = 1024 * 1024;

async function collect(
  stream: ReadableStream<Uint8Array>,
): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const plain = await collect(syntheticXmltv({ bytes: 4 * MB, channels: 100 }));
const gzipped = new Uint8Array(gzipSync(plain));
const guide = await parseXmltv(ReadableStream.from([plain]));
const lineup: Channel[] = Array.from({ length: 100 }, (_, i) => ({
  id: `id${i}`,
  guideNumber: String(i + 1),
  name: `Channel ${i}`,
  url: `http://a/${i}`,
  enabled: true,
  headers: {},
  tvgId: `ch${i}.example`,
}));
const merged = mergeGuide(lineup, [guide]);

Deno.bench({
  name: `parseXmltv(), ${(plain.length / MB).toFixed(1)} MB plain, collecting`,
  group: "parse",
  baseline: true,
  async fn() {
    await parseXmltv(ReadableStream.from([plain]));
  },
});

Deno.bench({
  name: `parseXmltv(), same guide gzipped (${
    (gzipped.length / MB).toFixed(2)
  } MB)`,
  group: "parse",
  async fn() {
    await parseXmltv(ReadableStream.from([gzipped]));
  },
});

Deno.bench({
  name:
    `mergeGuide() + writeXmltv(), 100 channels, ${guide.stats.programmes} programmes`,
  group: "export",
  fn() {
    writeXmltv(lineup, mergeGuide(lineup, [guide]), { placeholders: false });
  },
});

Deno.bench({
  name: `writeXmltv() only, ${merged.size} channels`,
  group: "export",
  fn() {
    writeXmltv(lineup, merged, { placeholders: false });
  },
});

/** Parses a synthetic guide of `megabytes` MB and prints the figures. */
async function main(megabytes: number): Promise<void> {
  const heap0 = Deno.memoryUsage().heapUsed;
  let peakHeap = heap0;
  let peakRss = Deno.memoryUsage().rss;
  const sample = () => {
    const usage = Deno.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakRss = Math.max(peakRss, usage.rss);
  };
  let programmes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await parseXmltv(
    syntheticXmltv({ bytes: megabytes * MB, channels: 500 }),
    { onProgramme: () => programmes++, onProgress: sample, progressBytes: MB },
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  sample();
  const mb = result.stats.bytes / MB;
  console.log(
    `parsed ${
      mb.toFixed(0)
    } MB, ${result.stats.channels} channels, ${programmes} programmes (generation included)`,
  );
  console.log(
    `wall ${seconds.toFixed(1)} s (${(mb / seconds).toFixed(1)} MB/s), CPU ${
      cpuSeconds.toFixed(1)
    } s (${(mb / cpuSeconds).toFixed(1)} MB/s)`,
  );
  console.log(
    `peak heap growth ${((peakHeap - heap0) / MB).toFixed(1)} MB, peak RSS ${
      (peakRss / MB).toFixed(0)
    } MB`,
  );
}

if (import.meta.main) await main(Number(Deno.args[0] ?? 200));
