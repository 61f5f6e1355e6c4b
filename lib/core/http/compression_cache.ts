/**
 * A byte-budgeted LRU cache of compressed static files, so each file is
 * compressed once per version instead of on every request.
 *
 * @module
 */

import {
  compressBytes,
  type CompressOptions,
  type ContentEncoding,
} from "./compress.ts";
import type { SourceFile } from "./file_source.ts";

/**
 * Options for {@link CompressionCache}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CompressionCacheOptions } from "./compression_cache.ts";
 * const options: CompressionCacheOptions = { maxBytes: 8 * 1024 * 1024 };
 * equal(options.maxBytes, 8388608);
 * ```
 */
export interface CompressionCacheOptions extends CompressOptions {
  /** Total budget for compressed bytes kept. Default 32 MiB. */
  maxBytes?: number;
}

/**
 * Counters of a {@link CompressionCache}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CompressionCache } from "./compression_cache.ts";
 * equal(new CompressionCache().stats.hits, 0);
 * ```
 */
export interface CompressionCacheStats {
  /** Requests answered from the cache, or by joining a compression in progress. */
  hits: number;
  /** Requests that had to compress. */
  misses: number;
  /** Entries dropped to stay within the byte budget (or replaced by a newer version). */
  evictions: number;
  /** Compressions that failed (read or zlib error). */
  failures: number;
  /** Entries held now. */
  entries: number;
  /** Compressed bytes held now. */
  bytes: number;
}

interface Entry {
  etag: string;
  data: Uint8Array;
}

/**
 * Keeps compressed versions of files, keyed by the file's `cacheKey`, the
 * encoding and the file's ETag (a changed file is compressed again and
 * replaces the old entry). Least recently used entries are evicted once the
 * byte budget is exceeded; a result larger than the whole budget is returned
 * but not kept. Concurrent requests for the same file share one compression.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CompressionCache } from "./compression_cache.ts";
 * import { MemorySource } from "./memory_source.ts";
 * const source = new MemorySource({ "a.txt": "hello ".repeat(500) });
 * const file = await source.lookup(["a.txt"]);
 * const cache = new CompressionCache({ maxBytes: 1024 * 1024 });
 * if (file?.kind === "file") {
 *   await cache.get(file, "gzip");
 *   await cache.get(file, "gzip");
 * }
 * equal(cache.stats.misses, 1);
 * equal(cache.stats.hits, 1);
 * ```
 */
export class CompressionCache {
  #maxBytes: number;
  #compressOptions: CompressOptions;
  #entries = new Map<string, Entry>();
  #pending = new Map<string, Promise<Uint8Array>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #failures = 0;

  /**
   * @param options Byte budget and compression settings.
   * @throws {RangeError} If `maxBytes` is not a non-negative integer.
   */
  constructor(options: CompressionCacheOptions = {}) {
    const { maxBytes = 32 * 1024 * 1024, ...compressOptions } = options;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new RangeError(
        `Expected maxBytes to be a non-negative integer, found ${maxBytes}`,
      );
    }
    this.#maxBytes = maxBytes;
    this.#compressOptions = compressOptions;
  }

  /** The byte budget. */
  get maxBytes(): number {
    return this.#maxBytes;
  }

  /** A snapshot of the counters. */
  get stats(): CompressionCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      failures: this.#failures,
      entries: this.#entries.size,
      bytes: this.#bytes,
    };
  }

  /**
   * Returns the file compressed with `encoding`, compressing (and caching)
   * it on the first request.
   *
   * @param file The file; its `read()` is called on a miss.
   * @param encoding `gzip` or `br`.
   * @returns The compressed bytes. Do not modify them: they are shared.
   */
  get(file: SourceFile, encoding: ContentEncoding): Promise<Uint8Array> {
    const key = `${file.cacheKey}\u0000${encoding}`;
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.etag === file.etag) {
      this.#hits++;
      // Move to the newest end (Map keeps insertion order).
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      return Promise.resolve(entry.data);
    }
    const pendingKey = `${key}\u0000${file.etag}`;
    const pending = this.#pending.get(pendingKey);
    if (pending !== undefined) {
      this.#hits++;
      return pending;
    }
    this.#misses++;
    const etag = file.etag;
    const work = (async () => {
      try {
        const data = await compressBytes(
          await file.read(),
          encoding,
          this.#compressOptions,
        );
        this.#store(key, { etag, data });
        return data;
      } catch (err) {
        this.#failures++;
        throw err;
      } finally {
        this.#pending.delete(pendingKey);
      }
    })();
    this.#pending.set(pendingKey, work);
    return work;
  }

  /** Drops every entry (counters are kept). */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #store(key: string, entry: Entry): void {
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      this.#bytes -= old.data.byteLength;
      this.#evictions++;
    }
    const size = entry.data.byteLength;
    if (size > this.#maxBytes) return;
    while (this.#bytes + size > this.#maxBytes) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      const evicted = this.#entries.get(oldest.value)!;
      this.#entries.delete(oldest.value);
      this.#bytes -= evicted.data.byteLength;
      this.#evictions++;
    }
    this.#entries.set(key, entry);
    this.#bytes += size;
  }
}
