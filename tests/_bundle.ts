// Shared by the tests that prove a module survives `deno bundle`.
import { equal } from "node:assert/strict";

/** Bundle failures that mean "no network", not "our code is wrong". */
export const NETWORK_HINTS =
  /dns|network|connect|timed? ?out|fetch|registry\.npmjs|getaddrinfo|unreachable|tls/i;

/**
 * Bundles `entry` into `bundle` with the project's deno.json. Returns false
 * (after printing why) when bundling failed for network reasons, so the
 * caller can skip; throws on any other failure.
 */
export async function bundleOrSkip(
  entry: string,
  bundle: string,
): Promise<boolean> {
  const config = new URL("../deno.json", import.meta.url).pathname;
  const built = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "deno",
      "--config",
      config,
      "-o",
      bundle,
      entry,
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (built.success) return true;
  const stderr = new TextDecoder().decode(built.stderr);
  if (NETWORK_HINTS.test(stderr)) {
    console.log(
      `skipped: deno bundle failed for network reasons: ${stderr.trim()}`,
    );
    return false;
  }
  throw new Error(`deno bundle failed: ${stderr}`);
}

/** A module of lib/ as a quoted file URL, to import from entry code. */
export function libImport(path: string): string {
  return JSON.stringify(new URL(`../lib/${path}`, import.meta.url).href);
}

/** What {@link bundleAndRun} found. */
export interface BundledRun<T> {
  /** The bundle's text. */
  source: string;
  /** The program's stdout, parsed as JSON. */
  output: T;
}

/**
 * Writes `code` as the entry of a temporary directory, bundles it and runs
 * the bundle from there: without a config, with no prompt, an empty
 * environment and no permission but `permissions` (so any file read,
 * environment or network access it was not granted throws). Asserts that
 * it exited 0 (its stderr is the message) and returns the bundle text and
 * its stdout parsed as JSON; `undefined` when bundling was skipped for
 * network reasons. The directory is removed.
 */
export async function bundleAndRun<T>(
  code: string,
  options: { permissions?: string[] } = {},
): Promise<BundledRun<T> | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "shack_bundle_run_" });
  try {
    const entry = `${dir}/entry.ts`;
    const bundle = `${dir}/bundle.js`;
    await Deno.writeTextFile(entry, code);
    if (!(await bundleOrSkip(entry, bundle))) return undefined;
    const source = await Deno.readTextFile(bundle);
    const ran = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-config",
        "--no-prompt",
        ...options.permissions ?? [],
        bundle,
      ],
      cwd: dir,
      env: { NO_COLOR: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    equal(ran.code, 0, decoder.decode(ran.stderr));
    return { source, output: JSON.parse(decoder.decode(ran.stdout)) as T };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
