/**
 * Replacing a file atomically ({@link writeFileAtomic}): write a temporary
 * file in the same directory, flush it to disk, then rename it over the
 * target, so a reader (or the next start after a power cut) sees either the
 * old content or the new one, never a partial file.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";

let counter = 0;

/**
 * Writes `data` to `path` atomically: `.NAME.PID.N.tmp` in the same
 * directory, `fdatasync`, rename over `path`. On any failure the temporary
 * file is removed and the target is left as it was.
 *
 * @example Replacing a file
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { writeFileAtomic } from "./atomic_file.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   await writeFileAtomic(`${dir}/a.json`, "{}");
 *   await writeFileAtomic(`${dir}/a.json`, '{"_default": {}}');
 *   equal(await Deno.readTextFile(`${dir}/a.json`), '{"_default": {}}');
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @param path The file to replace (or create).
 * @param data The new content (text is written as UTF-8).
 * @throws {Deno.errors.NotFound} If the directory does not exist; other
 * `Deno.errors` for permissions, a full disk, etc.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
): Promise<void> {
  const bytes = typeof data === "string"
    ? new TextEncoder().encode(data)
    : data;
  const temp = join(
    dirname(path),
    `.${basename(path)}.${Deno.pid}.${++counter}.tmp`,
  );
  const file = await Deno.open(temp, {
    write: true,
    createNew: true,
    mode: 0o644,
  });
  let renamed = false;
  try {
    try {
      let offset = 0;
      while (offset < bytes.length) {
        offset += await file.write(bytes.subarray(offset));
      }
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(temp, path);
    renamed = true;
  } finally {
    if (!renamed) await Deno.remove(temp).catch(() => {});
  }
}
