import { deepEqual, equal, rejects } from "node:assert/strict";
import { readTextStream } from "../../lib/bridge/m3u/read_text_stream.ts";

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("readTextStream() gunzips, decodes split UTF-8 and counts input bytes", async () => {
  const text = "#EXTM3U\n#EXTINF:-1,Caf\u00e9 \u00fcber\nhttp://a/1.ts\n";
  const zipped = await gzip(text);
  const chunks = [zipped.subarray(0, 5), zipped.subarray(5)];
  const counted: number[] = [];
  let out = "";
  const read = await readTextStream(ReadableStream.from(chunks), {
    onText: (t) => out += t,
    onInputBytes: (n) => counted.push(n),
  });
  equal(out, text);
  equal(read, zipped.length);
  equal(counted.reduce((a, b) => a + b, 0), zipped.length);
});

Deno.test("readTextStream() reports progress every progressBytes of input", async () => {
  const chunks = Array.from({ length: 10 }, () => new Uint8Array(100).fill(65));
  const reports: number[] = [];
  await readTextStream(ReadableStream.from(chunks), {
    onText: () => {},
    onProgress: (bytes) => reports.push(bytes),
    progressBytes: 250,
  });
  deepEqual(reports, [300, 600, 900]);
});

Deno.test("readTextStream() cancels the source on abort and rejects with the reason", async () => {
  const ac = new AbortController();
  let cancelled: unknown;
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("first chunk "));
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  const reading = readTextStream(source, {
    onText: () => ac.abort(new Error("stop reading")),
    signal: ac.signal,
  });
  await rejects(reading, /stop reading/);
  equal((cancelled as Error).message, "stop reading");
});
