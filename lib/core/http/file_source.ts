/**
 * The interface between `serveStatic` and where files come from (a
 * directory on disk, or pages embedded in the program).
 *
 * @module
 */

/**
 * A file found in a {@link FileSource}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MemorySource } from "./memory_source.ts";
 * const entry = await new MemorySource({ "a.txt": "hi" }).lookup(["a.txt"]);
 * equal(entry?.kind === "file" && entry.size, 2);
 * ```
 */
export interface SourceFile {
  /** Discriminant. */
  readonly kind: "file";
  /** The path inside the source, `/`-separated, no leading slash. */
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
  /** Modification time, or `null` if unknown. */
  readonly mtime: Date | null;
  /** The `etag` header value, quotes (and `W/` if weak) included. */
  readonly etag: string;
  /** Identifies the source and file for caches (the etag is kept apart). */
  readonly cacheKey: string;
  /** Reads the whole content (at most `size` bytes). */
  read(): Promise<Uint8Array>;
  /** Opens the content as a stream of at most `size` bytes. */
  open(): Promise<ReadableStream<Uint8Array>>;
}

/**
 * A directory found in a {@link FileSource}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MemorySource } from "./memory_source.ts";
 * const entry = await new MemorySource({ "docs/a.txt": "hi" }).lookup(["docs"]);
 * equal(entry?.kind, "directory");
 * ```
 */
export interface SourceDirectory {
  /** Discriminant. */
  readonly kind: "directory";
  /** The path inside the source, `/`-separated, no leading slash. */
  readonly path: string;
}

/**
 * Where `serveStatic` looks up files. Implementations must never
 * return anything outside their root, and never throw for a missing entry.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FileSource } from "./file_source.ts";
 * import { MemorySource } from "./memory_source.ts";
 * const source: FileSource = new MemorySource({ "index.html": "<p>hi</p>" });
 * equal((await source.lookup(["missing"])), null);
 * ```
 */
export interface FileSource {
  /**
   * Finds the entry at the given decoded, safe segments (see
   * `decodeRequestPath`); `[]` is the root directory.
   */
  lookup(
    segments: readonly string[],
  ): Promise<SourceFile | SourceDirectory | null>;
}
