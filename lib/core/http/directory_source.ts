/**
 * A {@link FileSource} over a directory on disk, confined to its root.
 *
 * @module
 */

import type { FileSource, SourceDirectory, SourceFile } from "./file_source.ts";
import { isSafeSegment } from "./request_path.ts";

/**
 * Options for {@link DirectorySource}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DirectorySourceOptions } from "./directory_source.ts";
 * const options: DirectorySourceOptions = { chunkBytes: 16 * 1024 };
 * equal(options.chunkBytes, 16384);
 * ```
 */
export interface DirectorySourceOptions {
  /** Read size when streaming a file, in bytes. Default 64 KiB. */
  chunkBytes?: number;
}

/**
 * Serves files from a directory. Every lookup resolves the real path of both
 * the root and the target (`Deno.realPath`, so symlinks are followed) and
 * refuses anything whose real path is not inside the real root: neither
 * `..`, encoded separators, NUL bytes nor a symlink pointing outside can
 * escape. Symlinks that stay inside the root work. Only regular files and
 * directories are returned (never a FIFO or device, which could block).
 * The root is resolved on every lookup, so replacing a symlinked root (an
 * atomic deploy) takes effect at once; a missing root makes every lookup
 * `null`.
 *
 * ETags are weak, built from size and modification time. Files are streamed
 * in chunks; `read()` loads a whole file and is meant for small ones.
 *
 * Limits: a hard link to an outside file cannot be told apart from a normal
 * file, and a file swapped for a symlink between the check and the open
 * (someone with write access to the root) is not detected.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DirectorySource } from "./directory_source.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "hello");
 * const entry = await new DirectorySource(dir).lookup(["a.txt"]);
 * equal(entry?.kind === "file" && entry.size, 5);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class DirectorySource implements FileSource {
  #root: string;
  #chunkBytes: number;

  /**
   * @param root The directory to serve (relative paths resolve against the
   *   working directory).
   * @param options Streaming chunk size.
   * @throws {TypeError} If `root` is empty.
   * @throws {RangeError} If `chunkBytes` is not a positive integer.
   */
  constructor(root: string, options: DirectorySourceOptions = {}) {
    if (typeof root !== "string" || root === "") {
      throw new TypeError(
        `Expected a non-empty root directory, found ${JSON.stringify(root)}`,
      );
    }
    const chunkBytes = options.chunkBytes ?? 64 * 1024;
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0) {
      throw new RangeError(
        `Expected chunkBytes to be a positive integer, found ${chunkBytes}`,
      );
    }
    this.#root = root;
    this.#chunkBytes = chunkBytes;
  }

  /** The root directory as given to the constructor. */
  get root(): string {
    return this.#root;
  }

  /**
   * Finds a file or directory under the root.
   *
   * @param segments Decoded path segments; unsafe ones make the result `null`.
   * @returns The entry, or `null` if missing, outside the root, or neither a
   *   regular file nor a directory.
   * @throws {Deno.errors.NotCapable} If Deno's read permission is missing (a
   *   deployment error, not a missing file).
   */
  async lookup(
    segments: readonly string[],
  ): Promise<SourceFile | SourceDirectory | null> {
    if (!segments.every(isSafeSegment)) return null;
    const path = segments.join("/");
    try {
      const rootReal = await Deno.realPath(this.#root);
      const base = rootReal.endsWith("/") ? rootReal : rootReal + "/";
      const real = path === "" ? rootReal : await Deno.realPath(base + path);
      if (real !== rootReal && !real.startsWith(base)) return null;
      const info = await Deno.stat(real);
      if (info.isDirectory) return { kind: "directory", path };
      if (!info.isFile) return null;
      return new DiskFile(real, path, info, this.#chunkBytes);
    } catch (err) {
      if (err instanceof Deno.errors.NotCapable) throw err;
      // NotFound, NotADirectory, FilesystemLoop, PermissionDenied, name too
      // long: all mean "nothing to serve here".
      return null;
    }
  }
}

class DiskFile implements SourceFile {
  readonly kind = "file";
  readonly path: string;
  readonly size: number;
  readonly mtime: Date | null;
  readonly etag: string;
  readonly cacheKey: string;
  #real: string;
  #chunkBytes: number;

  constructor(
    real: string,
    path: string,
    info: Deno.FileInfo,
    chunkBytes: number,
  ) {
    this.#real = real;
    this.#chunkBytes = chunkBytes;
    this.path = path;
    this.size = info.size;
    this.mtime = info.mtime;
    const mtimeMs = Math.max(0, Math.floor(info.mtime?.getTime() ?? 0));
    this.etag = `W/"${info.size.toString(16)}-${mtimeMs.toString(16)}"`;
    this.cacheKey = "file:" + real;
  }

  async read(): Promise<Uint8Array> {
    const file = await Deno.open(this.#real, { read: true });
    try {
      const buffer = new Uint8Array(this.size);
      let filled = 0;
      while (filled < buffer.length) {
        const n = await file.read(buffer.subarray(filled));
        if (n === null) break;
        filled += n;
      }
      return filled === buffer.length ? buffer : buffer.slice(0, filled);
    } finally {
      file.close();
    }
  }

  async open(): Promise<ReadableStream<Uint8Array>> {
    let remaining = this.size;
    if (remaining === 0) return new ReadableStream({ start: (c) => c.close() });
    const file = await Deno.open(this.#real, { read: true });
    const chunkBytes = this.#chunkBytes;
    let closed = false;
    const closeFile = () => {
      if (!closed) {
        closed = true;
        file.close();
      }
    };
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const chunk = new Uint8Array(Math.min(chunkBytes, remaining));
          const n = await file.read(chunk);
          if (n === null || n === 0) {
            // The file shrank since it was measured: end early.
            closeFile();
            controller.close();
            return;
          }
          remaining -= n;
          controller.enqueue(n === chunk.length ? chunk : chunk.subarray(0, n));
          if (remaining <= 0) {
            closeFile();
            controller.close();
          }
        } catch (err) {
          closeFile();
          controller.error(err);
        }
      },
      cancel() {
        closeFile();
      },
    }, { highWaterMark: 0 });
  }
}
