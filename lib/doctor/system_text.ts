/**
 * Bounded reads of small system files (`/proc/meminfo`,
 * `/proc/device-tree/model`, `/sys/class/thermal/…`) that report why a file
 * could not be read instead of throwing. Deno 2.9 asks for `--allow-all`
 * before it reads anything under `/proc` or `/sys`, so "not permitted" is an
 * expected answer and checks fall back to other sources.
 *
 * @module
 */

/** The outcome of {@link readSystemText}. */
export type SystemText =
  | { ok: true; text: string }
  | { ok: false; reason: "missing" | "not permitted" | "error"; error: string };

/**
 * Reads at most `maxBytes` of `path` as UTF-8, without NUL bytes (device
 * tree strings end in one).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readSystemText } from "./system_text.ts";
 * const missing = await readSystemText("/nonexistent/model");
 * equal(missing.ok, false);
 * equal(!missing.ok && missing.reason, "missing");
 * ```
 */
export async function readSystemText(
  path: string,
  maxBytes = 64 * 1024,
): Promise<SystemText> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    return failure(error);
  }
  try {
    const buffer = new Uint8Array(maxBytes);
    let size = 0;
    while (size < maxBytes) {
      const n = await file.read(buffer.subarray(size));
      if (n === null) break;
      size += n;
    }
    return {
      ok: true,
      text: new TextDecoder().decode(buffer.subarray(0, size)).replaceAll(
        "\0",
        "",
      ),
    };
  } catch (error) {
    return failure(error);
  } finally {
    file.close();
  }
}

function failure(error: unknown): SystemText {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Deno.errors.NotFound) {
    return { ok: false, reason: "missing", error: message };
  }
  if (
    error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.PermissionDenied
  ) {
    return { ok: false, reason: "not permitted", error: message };
  }
  return { ok: false, reason: "error", error: message };
}
