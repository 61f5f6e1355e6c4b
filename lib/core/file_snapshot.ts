/**
 * One bounded read of a small watched file (deny lists, home files,
 * markers.json): its text, mtime and content checksum, or why it could not
 * be read — never an exception — so reloaders can tell "changed" from
 * "touched" and keep their last good state when a file disappears.
 *
 * @module
 */

/** The outcome of {@link readFileSnapshot}. */
export type FileSnapshot =
  | {
    status: "ok";
    text: string;
    mtimeMs: number | undefined;
    /** SHA-256 of the bytes, hex. */
    checksum: string;
  }
  | { status: "missing" }
  | { status: "error"; reason: string };

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Reads `path` if it is a regular file of at most `maxBytes` bytes.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readFileSnapshot } from "./file_snapshot.ts";
 * equal((await readFileSnapshot("/nonexistent/deny.db", 1024)).status, "missing");
 * ```
 */
export async function readFileSnapshot(
  path: string,
  maxBytes: number,
): Promise<FileSnapshot> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) return { status: "error", reason: "not a file" };
    if (info.size > maxBytes) {
      return { status: "error", reason: `larger than ${maxBytes} bytes` };
    }
    const bytes = await Deno.readFile(path);
    // The file may have grown between stat and read.
    if (bytes.length > maxBytes) {
      return { status: "error", reason: `larger than ${maxBytes} bytes` };
    }
    return {
      status: "ok",
      text: new TextDecoder().decode(bytes),
      mtimeMs: info.mtime?.getTime(),
      checksum: await sha256Hex(bytes),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { status: "missing" };
    return {
      status: "error",
      reason: error instanceof Error ? error.message : String(error),
    };
  }
}
