/**
 * Runs `deno bundle` on one entry module and returns the bundled text: the
 * shared step of the scripts that generate committed, pre-bundled files
 * (the web client's zstd decoder, the DSP Worker). The output goes to a
 * temporary directory that is removed afterwards.
 *
 * @module
 */

/**
 * The module to bundle: a path or file URL, or the text of a small entry
 * module (written to a temporary `entry.ts`, so bare npm specifiers resolve
 * through the project's deno.json).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { BundleEntry } from "./deno_bundle.ts";
 *
 * const entry: BundleEntry = { code: 'export { Decompress } from "fzstd";\n' };
 * equal(typeof entry, "object");
 * ```
 */
export type BundleEntry = string | URL | { code: string };

/**
 * Options of {@linkcode denoBundle}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DenoBundleOptions } from "./deno_bundle.ts";
 *
 * const options: DenoBundleOptions = { platform: "browser", what: "fzstd" };
 * equal(options.platform, "browser");
 * ```
 */
export interface DenoBundleOptions {
  /** What is bundled, for the error message (default "the module"). */
  what?: string;
  /** `--platform` (default "deno"). */
  platform?: "deno" | "browser";
  /** Whether to pass `--minify` (default true). */
  minify?: boolean;
  /** The `deno` executable (default `Deno.execPath()`). */
  deno?: string;
  /** The project's deno.json (default: the repository's). */
  config?: string | URL;
}

/**
 * Bundles `entry` with `deno bundle` and returns the output text.
 *
 * @param entry The module to bundle.
 * @param options Platform, minification, the deno executable and config.
 * @returns The bundled module text.
 * @throws {Error} If `deno bundle` fails (its stderr is in the message).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { denoBundle } from "./deno_bundle.ts";
 *
 * const text = await denoBundle({ code: "export const answer = 6 * 7;\n" });
 * ok(text.includes("42") || text.includes("6*7"));
 * ```
 */
export async function denoBundle(
  entry: BundleEntry,
  options: DenoBundleOptions = {},
): Promise<string> {
  const config = options.config ??
    new URL("../../../deno.json", import.meta.url);
  const dir = await Deno.makeTempDir({ prefix: "shack_bundle_" });
  try {
    let entryPath: string;
    if (typeof entry === "object" && "code" in entry) {
      entryPath = `${dir}/entry.ts`;
      await Deno.writeTextFile(entryPath, entry.code);
    } else {
      entryPath = pathOf(entry);
    }
    const out = `${dir}/bundle.js`;
    const result = await new Deno.Command(options.deno ?? Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        ...(options.minify ?? true ? ["--minify"] : []),
        "--platform",
        options.platform ?? "deno",
        "--config",
        pathOf(config),
        "-o",
        out,
        entryPath,
      ],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!result.success) {
      throw new Error(
        `Cannot bundle ${
          options.what ?? "the module"
        }: deno bundle exited with ${result.code}: ${
          new TextDecoder().decode(result.stderr).trim()
        }`,
      );
    }
    return await Deno.readTextFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function pathOf(value: string | URL): string {
  return value instanceof URL ? decodeURIComponent(value.pathname) : value;
}
