import { equal, ok } from "node:assert/strict";
import { parseXmltv } from "../../lib/bridge/xmltv/xmltv_parser.ts";
import { syntheticXmltv } from "./fixtures/synthetic_xmltv.ts";

const MB = 1024 * 1024;

Deno.test("parseXmltv() reads a 50 MB guide with bounded memory", async () => {
  const wanted = new Set(
    Array.from({ length: 20 }, (_, i) => `ch${i * 5}.example`),
  );
  const before = Deno.memoryUsage().heapUsed;
  let peak = before;
  const guide = await parseXmltv(
    syntheticXmltv({ bytes: 50 * MB, channels: 100 }),
    {
      channelFilter: (id) => wanted.has(id),
      maxProgrammesPerChannel: 200,
      progressBytes: MB,
      onProgress: () => {
        peak = Math.max(peak, Deno.memoryUsage().heapUsed);
      },
    },
  );
  const growth = peak - before;
  ok(guide.stats.bytes >= 50 * MB, `read ${guide.stats.bytes} bytes`);
  equal(guide.channels.length, 100);
  equal(guide.programmes.size, 20);
  for (const list of guide.programmes.values()) equal(list.length, 200);
  ok(guide.stats.droppedOverLimit > 0);
  ok(guide.stats.skipped > 60_000, `skipped ${guide.stats.skipped}`);
  ok(growth < 60 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB`);
});
