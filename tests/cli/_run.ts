// Helpers to run the shack CLI as a real subprocess.
export const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
export const PERMS = [
  "--allow-env=SHACK_*,NO_COLOR,CHRONUS_*,PATH",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-sys",
  "--allow-run",
];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `shack args` to completion. */
export async function runShack(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<RunResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMS, MAIN, ...args],
    env: { NO_COLOR: "1", ...options.env },
    clearEnv: false,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/** Starts `shack args` and lets the test read its stdout line by line. */
export function spawnShack(args: string[], env: Record<string, string> = {}) {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMS, MAIN, ...args],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const waiters: { pattern: RegExp; count: number; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if ((text.match(new RegExp(w.pattern, "g")) ?? []).length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const reading = (async () => {
    for await (
      const chunk of proc.stdout.pipeThrough(new TextDecoderStream())
    ) {
      text += chunk;
      check();
    }
  })();
  const stderr = new Response(proc.stderr).text();
  return {
    proc,
    get stdout() {
      return text;
    },
    /** Resolves once `pattern` occurred `count` times in stdout. */
    waitFor(pattern: RegExp, count = 1, timeoutMs = 15_000): Promise<void> {
      const { promise, resolve, reject } = Promise.withResolvers<void>();
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out waiting for ${pattern} x${count} in:\n${text}`,
            ),
          ),
        timeoutMs,
      );
      waiters.push({
        pattern,
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      check();
      return promise;
    },
    async finish(): Promise<RunResult> {
      const [status] = await Promise.all([proc.status, reading]);
      return { code: status.code, stdout: text, stderr: await stderr };
    },
  };
}
