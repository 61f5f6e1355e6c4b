/**
 * A {@link FileSource} over files held in memory, for pages embedded in the
 * program.
 *
 * @module
 */

import type { FileSource, SourceDirectory, SourceFile } from "./file_source.ts";
import { isSafeSegment } from "./request_path.ts";

/**
 * Options for {@link MemorySource}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { MemorySourceOptions } from "./memory_source.ts";
 * const options: MemorySourceOptions = { lastModified: new Date(0) };
 * equal(options.lastModified?.getTime(), 0);
 * ```
 */
export interface MemorySourceOptions {
  /** Sent as `last-modified` for every file (e.g. the build time). Default: none. */
  lastModified?: Date;
}

let nextSourceId = 1;

/**
 * Serves files from a record of path to content. Paths use `/` and may
 * start with one (`"index.html"`, `"/assets/app.js"`); directories are
 * implied by the paths. Strings are stored as UTF-8. ETags are strong,
 * derived from a SHA-256 of the content (computed on first use).
 *
 * The content is not copied: do not modify a `Uint8Array` after handing it
 * over.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MemorySource } from "./memory_source.ts";
 * const source = new MemorySource({ "/index.html": "<h1>shack</h1>", "css/site.css": "h1{}" });
 * equal((await source.lookup(["css"]))?.kind, "directory");
 * equal((await source.lookup(["index.html"]))?.kind, "file");
 * ```
 */
export class MemorySource implements FileSource {
  #files = new Map<string, MemoryFile>();
  #directories = new Set<string>([""]);

  /**
   * @param files Path to content.
   * @param options The `last-modified` time.
   * @throws {TypeError} If a path is empty, has an unsafe segment (`.`,
   *   `..`, `\`, control characters), names both a file and a directory, or
   *   its content is neither a string nor a Uint8Array.
   */
  constructor(
    files: Record<string, Uint8Array | string>,
    options: MemorySourceOptions = {},
  ) {
    const id = nextSourceId++;
    const encoder = new TextEncoder();
    for (const [key, content] of Object.entries(files)) {
      const segments = key.split("/").filter((s) => s !== "");
      if (segments.length === 0 || !segments.every(isSafeSegment)) {
        throw new TypeError(
          `Expected a file path of safe segments, found ${JSON.stringify(key)}`,
        );
      }
      let bytes: Uint8Array;
      if (typeof content === "string") bytes = encoder.encode(content);
      else if (content instanceof Uint8Array) bytes = content;
      else {
        throw new TypeError(
          `Expected a string or Uint8Array for ${
            JSON.stringify(key)
          }, found ${typeof content}`,
        );
      }
      const path = segments.join("/");
      for (let i = 1; i < segments.length; i++) {
        this.#directories.add(segments.slice(0, i).join("/"));
      }
      this.#files.set(
        path,
        new MemoryFile(path, bytes, options.lastModified ?? null, id),
      );
    }
    for (const path of this.#files.keys()) {
      if (this.#directories.has(path)) {
        throw new TypeError(
          `Expected ${
            JSON.stringify(path)
          } to be either a file or a directory, found both`,
        );
      }
    }
  }

  /** The paths of all files, without leading slash. */
  get paths(): string[] {
    return [...this.#files.keys()];
  }

  /**
   * Finds a file or directory.
   *
   * @param segments Decoded path segments.
   * @returns The entry, or `null` if there is none.
   */
  async lookup(
    segments: readonly string[],
  ): Promise<SourceFile | SourceDirectory | null> {
    const path = segments.join("/");
    const file = this.#files.get(path);
    if (file !== undefined) {
      await file.ready();
      return file;
    }
    if (this.#directories.has(path)) return { kind: "directory", path };
    return null;
  }
}

class MemoryFile implements SourceFile {
  readonly kind = "file";
  readonly path: string;
  readonly size: number;
  readonly mtime: Date | null;
  readonly cacheKey: string;
  #bytes: Uint8Array;
  #etag = "";
  #hashing: Promise<void> | null = null;

  constructor(path: string, bytes: Uint8Array, mtime: Date | null, id: number) {
    this.path = path;
    this.size = bytes.byteLength;
    this.mtime = mtime;
    this.cacheKey = `memory${id}:${path}`;
    this.#bytes = bytes;
  }

  get etag(): string {
    return this.#etag;
  }

  ready(): Promise<void> {
    this.#hashing ??= (async () => {
      const bytes = this.#bytes.buffer instanceof ArrayBuffer
        ? this.#bytes as Uint8Array<ArrayBuffer>
        : this.#bytes.slice();
      const digest = new Uint8Array(
        await crypto.subtle.digest("SHA-256", bytes),
      );
      this.#etag = `"${
        digest.subarray(0, 16).toBase64({
          alphabet: "base64url",
          omitPadding: true,
        })
      }"`;
    })();
    return this.#hashing;
  }

  read(): Promise<Uint8Array> {
    return Promise.resolve(this.#bytes);
  }

  open(): Promise<ReadableStream<Uint8Array>> {
    const bytes = this.#bytes;
    return Promise.resolve(
      new ReadableStream<Uint8Array>({
        start(controller) {
          if (bytes.byteLength > 0) controller.enqueue(bytes.slice());
          controller.close();
        },
      }),
    );
  }
}
