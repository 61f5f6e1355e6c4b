import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import {
  compressBytes,
  negotiateEncoding,
} from "../../lib/core/http/compress.ts";
import { CompressionCache } from "../../lib/core/http/compression_cache.ts";
import type { SourceFile } from "../../lib/core/http/file_source.ts";
import { MemorySource } from "../../lib/core/http/memory_source.ts";

function text(size: number, seed = 0): Uint8Array {
  let s = "";
  for (let i = 0; s.length < size; i++) {
    s += `line ${(i * 7 + seed) % 101} of the fixture\n`;
  }
  return new TextEncoder().encode(s.slice(0, size));
}

/** A file whose reads are counted. */
function countingFile(
  data: Uint8Array,
  etag = '"v1"',
  cacheKey = "test:file",
): SourceFile & { reads: number } {
  return {
    kind: "file",
    path: "file.txt",
    size: data.byteLength,
    mtime: null,
    etag,
    cacheKey,
    reads: 0,
    read() {
      this.reads++;
      return Promise.resolve(data);
    },
    open() {
      return Promise.resolve(
        new Blob([data as Uint8Array<ArrayBuffer>]).stream(),
      );
    },
  };
}

Deno.test("negotiateEncoding() honours q-values, wildcards and refusals", () => {
  equal(negotiateEncoding(null), null);
  equal(negotiateEncoding(""), null);
  equal(negotiateEncoding("gzip, deflate, br, zstd"), "br");
  equal(negotiateEncoding("gzip"), "gzip");
  equal(negotiateEncoding("x-gzip"), "gzip");
  equal(negotiateEncoding("br;q=0.2, gzip;q=0.8"), "gzip");
  equal(negotiateEncoding("br;q=0, gzip;q=0"), null);
  equal(negotiateEncoding("*"), "br");
  equal(negotiateEncoding("*;q=0.5, br;q=0"), "gzip");
  equal(negotiateEncoding("identity, deflate"), null);
  equal(negotiateEncoding("GZIP ; Q=1"), "gzip");
  equal(negotiateEncoding("gzip;q=nonsense"), null);
  equal(negotiateEncoding("br, gzip", ["gzip"]), "gzip");
});

Deno.test("compressBytes() output decompresses to the input", async () => {
  const data = text(300_000);
  const gz = await compressBytes(data, "gzip", { sliceBytes: 16 * 1024 });
  deepEqual(new Uint8Array(gunzipSync(gz)), data);
  ok(gz.byteLength < data.byteLength / 4);
  const br = await compressBytes(data, "br");
  deepEqual(new Uint8Array(brotliDecompressSync(br)), data);
  const empty = await compressBytes(new Uint8Array(0), "gzip");
  equal(gunzipSync(empty).byteLength, 0);
});

Deno.test("compressBytes() rejects bad levels with RangeError", async () => {
  await rejects(
    compressBytes(text(10), "br", { brotliQuality: 12 }),
    RangeError,
  );
  await rejects(compressBytes(text(10), "gzip", { gzipLevel: 0 }), RangeError);
  await rejects(
    compressBytes(text(10), "deflate" as "gzip"),
    TypeError,
  );
});

Deno.test("CompressionCache.get() compresses a file once", async () => {
  const cache = new CompressionCache();
  const file = countingFile(text(20_000));
  const first = await cache.get(file, "gzip");
  const second = await cache.get(file, "gzip");
  equal(second, first);
  equal(file.reads, 1);
  deepEqual(cache.stats, {
    hits: 1,
    misses: 1,
    evictions: 0,
    failures: 0,
    entries: 1,
    bytes: first.byteLength,
  });
  // Another encoding is another entry.
  await cache.get(file, "br");
  equal(file.reads, 2);
  equal(cache.stats.entries, 2);
});

Deno.test("CompressionCache.get() shares one compression between concurrent callers", async () => {
  const cache = new CompressionCache();
  const file = countingFile(text(200_000));
  const results = await Promise.all(
    Array.from({ length: 10 }, () => cache.get(file, "gzip")),
  );
  equal(file.reads, 1);
  equal(cache.stats.misses, 1);
  equal(cache.stats.hits, 9);
  ok(results.every((r) => r === results[0]));
});

Deno.test("CompressionCache.get() recompresses a changed file and replaces the old entry", async () => {
  const cache = new CompressionCache();
  const v1 = countingFile(text(5000, 1), '"v1"');
  const v2 = countingFile(text(5000, 2), '"v2"');
  const a = await cache.get(v1, "gzip");
  const b = await cache.get(v2, "gzip");
  deepEqual(new Uint8Array(gunzipSync(b)), text(5000, 2));
  ok(a !== b);
  equal(cache.stats.entries, 1);
  equal(cache.stats.evictions, 1);
});

Deno.test("CompressionCache evicts least recently used entries to stay within maxBytes", async () => {
  const files = [0, 1, 2].map((i) =>
    countingFile(crypto.getRandomValues(new Uint8Array(3000)), '"x"', `k${i}`)
  );
  // Random bytes do not compress: each entry is a little over 3000 bytes.
  const cache = new CompressionCache({ maxBytes: 7000 });
  await cache.get(files[0], "gzip");
  await cache.get(files[1], "gzip");
  await cache.get(files[0], "gzip"); // 0 is now the most recent
  await cache.get(files[2], "gzip"); // evicts 1
  equal(cache.stats.entries, 2);
  equal(cache.stats.evictions, 1);
  ok(cache.stats.bytes <= 7000);
  await cache.get(files[0], "gzip");
  equal(files[0].reads, 1);
  await cache.get(files[1], "gzip");
  equal(files[1].reads, 2);
});

Deno.test("CompressionCache.get() returns but does not keep results above the budget", async () => {
  const cache = new CompressionCache({ maxBytes: 100 });
  const file = countingFile(crypto.getRandomValues(new Uint8Array(1000)));
  const data = await cache.get(file, "gzip");
  ok(data.byteLength > 100);
  equal(cache.stats.entries, 0);
  equal(cache.stats.bytes, 0);
});

Deno.test("CompressionCache.get() counts failures and does not cache them", async () => {
  const cache = new CompressionCache();
  const file = countingFile(text(100));
  file.read = () => Promise.reject(new Error("disk gone"));
  await rejects(cache.get(file, "gzip"), /disk gone/);
  equal(cache.stats.failures, 1);
  equal(cache.stats.entries, 0);
});

Deno.test("CompressionCache works with MemorySource files", async () => {
  const source = new MemorySource({ "a.txt": "hello ".repeat(1000) });
  const file = await source.lookup(["a.txt"]);
  ok(file?.kind === "file");
  const cache = new CompressionCache();
  const gz = await cache.get(file, "gzip");
  equal(new TextDecoder().decode(gunzipSync(gz)), "hello ".repeat(1000));
});
