// `shack sdr serve` as a real child process, for the tests that run it.
import { MAIN, PERMS } from "../cli/_run.ts";

/** `shack sdr serve ARGS` as a child process, its stderr collected. */
export class SdrServeProcess {
  /** The child. */
  readonly proc: Deno.ChildProcess;
  /** The exit status, once stderr has been read to its end. */
  readonly status: Promise<Deno.CommandStatus>;
  #stderr = "";

  constructor(args: string[], options: { stdin?: "piped" | "null" } = {}) {
    const proc = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", ...PERMS, MAIN, "sdr", "serve", ...args],
      env: { NO_COLOR: "1" },
      stdin: options.stdin ?? "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.proc = proc;
    const reading = (async () => {
      for await (
        const chunk of proc.stderr.pipeThrough(new TextDecoderStream())
      ) this.#stderr += chunk;
    })();
    this.status = Promise.all([proc.status, reading]).then(([s]) => s);
  }

  /** What it wrote to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** SIGTERM, then the exit status. */
  async stop(): Promise<Deno.CommandStatus> {
    this.#signal("SIGTERM");
    return await this.status;
  }

  /** SIGKILL if still running; waits for the exit. */
  async kill(): Promise<void> {
    this.#signal("SIGKILL");
    await this.status;
  }

  #signal(signal: Deno.Signal): void {
    try {
      this.proc.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** Polls `/healthz` on loopback `port` until it answers 200. */
export async function waitHealthy(
  port: number,
  timeoutMs = 30_000,
): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      await r.body?.cancel();
      if (r.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("sdr serve did not become healthy");
}
