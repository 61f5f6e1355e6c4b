// Shared by the tests that prove a module survives `deno bundle`.

/** Bundle failures that mean "no network", not "our code is wrong". */
const NETWORK_HINTS =
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
