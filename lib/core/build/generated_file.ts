/**
 * The command-line end of a script that generates a committed file: write
 * the fresh text, or with `--check` only compare it with what is committed
 * and report a stale file.
 *
 * @module
 */

/**
 * Options of {@linkcode updateGeneratedFile}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { UpdateGeneratedFileOptions } from "./generated_file.ts";
 *
 * const options: UpdateGeneratedFileOptions = {
 *   name: "lib/sdr/web/zstd.js",
 *   builder: "lib/sdr/web/build_zstd_bundle.ts",
 *   check: true,
 * };
 * equal(options.check, true);
 * ```
 */
export interface UpdateGeneratedFileOptions {
  /** The generated file as the messages name it (a repository path). */
  name: string;
  /** The script that generates it, named in the "stale" message. */
  builder: string;
  /** Compare only, write nothing. */
  check: boolean;
  /** Where messages go (default `console`). */
  console?: Pick<Console, "log" | "error">;
}

/**
 * Writes `text` to `url`, or with `check` compares it with the file's
 * current text. Prints what it did; returns false when the check found the
 * file stale or missing (the caller exits with status 1).
 *
 * @param url The generated file.
 * @param text Its fresh text.
 * @param options Names for the messages and whether to only check.
 * @returns Whether the file is (now) up to date.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { updateGeneratedFile } from "./generated_file.ts";
 *
 * const path = await Deno.makeTempFile();
 * const quiet = { log() {}, error() {} };
 * const options = { name: "out.txt", builder: "build.ts", console: quiet };
 * equal(await updateGeneratedFile(path, "fresh\n", { ...options, check: true }), false);
 * equal(await updateGeneratedFile(path, "fresh\n", { ...options, check: false }), true);
 * equal(await updateGeneratedFile(path, "fresh\n", { ...options, check: true }), true);
 * await Deno.remove(path);
 * ```
 */
export async function updateGeneratedFile(
  url: string | URL,
  text: string,
  options: UpdateGeneratedFileOptions,
): Promise<boolean> {
  const out = options.console ?? console;
  if (options.check) {
    let current = "";
    try {
      current = await Deno.readTextFile(url);
    } catch {
      // Missing: stale.
    }
    if (current !== text) {
      out.error(`${options.name} is stale: run ${options.builder}`);
      return false;
    }
    out.log(`${options.name} is up to date`);
    return true;
  }
  await Deno.writeTextFile(url, text);
  out.log(`Wrote ${options.name} (${text.length} bytes)`);
  return true;
}
