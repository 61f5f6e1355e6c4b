import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import fc from "fast-check";
import { parseM3u } from "../../lib/bridge/m3u/m3u_parser.ts";
import {
  type M3uProgress,
  parseM3uStream,
} from "../../lib/bridge/m3u/m3u_stream.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url);

function chunked(
  bytes: Uint8Array,
  cuts: number[],
): ReadableStream<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))]
    .sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const point of points) {
    chunks.push(bytes.slice(at, point));
    at = point;
  }
  chunks.push(bytes.slice(at));
  return ReadableStream.from(chunks);
}

Deno.test("parseM3uStream() equals parseM3u() for any chunking of the fixture", async () => {
  const bytes = await Deno.readFile(new URL("provider.m3u", FIXTURES));
  const expected = parseM3u(new TextDecoder().decode(bytes), {
    sourceId: "p",
  });
  equal(expected.entries.length, 6);
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }),
      async (cuts) => {
        const result = await parseM3uStream(chunked(bytes, cuts), {
          sourceId: "p",
        });
        deepEqual(result, expected);
      },
    ),
    { seed: 4242, numRuns: 200 },
  );
});

Deno.test("parseM3uStream() splits multi-byte UTF-8 and CRLF across chunks", async () => {
  const text =
    '#EXTINF:-1 tvg-name="Ελληνικά 📺",Ελληνικά 📺\r\nhttp://a/gr\r\n';
  const bytes = new TextEncoder().encode(text);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const { entries } = await parseM3uStream(chunked(bytes, [cut]), {
      sourceId: "s",
    });
    equal(entries.length, 1, `cut at ${cut}`);
    equal(entries[0].name, "Ελληνικά 📺");
    equal(entries[0].url, "http://a/gr");
  }
});

Deno.test("parseM3uStream() reads gzip by its magic bytes", async () => {
  const plain = await Deno.readFile(new URL("provider.m3u", FIXTURES));
  const gz = await Deno.readFile(new URL("provider.m3u.gz", FIXTURES));
  equal(gz[0], 0x1f);
  const a = await parseM3uStream(ReadableStream.from([gz]), { sourceId: "p" });
  const b = await parseM3uStream(ReadableStream.from([plain]), {
    sourceId: "p",
  });
  deepEqual(a, b);
  equal(a.entries.length, 6);
});

Deno.test("parseM3uStream() drops a huge line without buffering it", async () => {
  const head = new TextEncoder().encode("#EXTINF:-1,Huge\nhttp://a/");
  const tail = new TextEncoder().encode("\n#EXTINF:-1,Next\nhttp://a/next\n");
  const block = new Uint8Array(1 << 20).fill(0x61); // 1 MiB of 'a', no newline
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === 0) controller.enqueue(head);
      else if (sent <= 32) controller.enqueue(block);
      else {
        controller.enqueue(tail);
        controller.close();
      }
      sent++;
    },
  });
  const result = await parseM3uStream(stream, {
    sourceId: "s",
    maxLineLength: 4096,
  });
  deepEqual(result.entries.map((e) => e.name), ["Next"]);
  equal(result.stats.droppedOverlong, 1);
  equal(result.warnings.length, 1);
});

Deno.test("parseM3uStream() reports progress and ends with done", async () => {
  const lines = Array.from(
    { length: 2000 },
    (_, i) => `#EXTINF:-1,C${i}\nhttp://a/${i}\n`,
  ).join("");
  const bytes = new TextEncoder().encode(lines);
  const reports: M3uProgress[] = [];
  const result = await parseM3uStream(
    chunked(bytes, Array.from({ length: 30 }, (_, i) => i * 1000)),
    {
      sourceId: "s",
      progressBytes: 4096,
      onProgress: (p) => reports.push(p),
    },
  );
  equal(result.entries.length, 2000);
  ok(reports.length > 3);
  const last = reports.at(-1)!;
  deepEqual(last, { bytes: bytes.length, entries: 2000, done: true });
  ok(reports.slice(0, -1).every((r) => !r.done && r.bytes <= bytes.length));
});

Deno.test("parseM3uStream() rejects and cancels the stream on abort", async () => {
  let cancelled: unknown = "not cancelled";
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new TextEncoder().encode("#EXTINF:-1,A\nhttp://a\n"));
    },
    cancel(reason) {
      cancelled = reason;
    },
  }, { highWaterMark: 0 });
  const controller = new AbortController();
  let reads = 0;
  const promise = parseM3uStream(stream, {
    sourceId: "s",
    signal: controller.signal,
    progressBytes: 1,
    onProgress: () => {
      if (++reads === 5) controller.abort(new Error("stop now"));
    },
  });
  await rejects(promise, /stop now/);
  ok(cancelled instanceof Error);
});

Deno.test("parseM3uStream() rejects at once with an aborted signal", async () => {
  const stream = ReadableStream.from([new Uint8Array(1)]);
  await rejects(
    parseM3uStream(stream, {
      sourceId: "s",
      signal: AbortSignal.abort(new RangeError("early")),
    }),
    RangeError,
  );
  await stream.cancel();
});

Deno.test("parseM3uStream() propagates a stream error", async () => {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("#EXTINF:-1,A\n"));
      controller.error(new TypeError("connection reset"));
    },
  });
  await rejects(parseM3uStream(stream, { sourceId: "s" }), /connection reset/);
});
