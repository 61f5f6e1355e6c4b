// Real processes receiving real signals.
import { equal, ok } from "node:assert/strict";

const CHILD =
  new URL("../fixtures/shutdown_child.ts", import.meta.url).pathname;

interface Child {
  proc: Deno.ChildProcess;
  lines: string[];
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  status: Promise<Deno.CommandStatus>;
}

function spawn(deadlineMs: number, closerDelayMs: number): Child {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", CHILD, String(deadlineMs), String(closerDelayMs)],
    stdout: "piped",
    stderr: "inherit",
    env: { NO_COLOR: "1" },
  }).spawn();
  const lines: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  const reading = (async () => {
    let buf = "";
    for await (
      const chunk of proc.stdout.pipeThrough(new TextDecoderStream())
    ) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        for (const w of waiters.filter((w) => line === w.text)) w.resolve();
      }
    }
  })();
  const status = Promise.all([proc.status, reading]).then(([s]) => s);
  return {
    proc,
    lines,
    status,
    waitFor(text, timeoutMs = 10_000) {
      if (lines.includes(text)) return Promise.resolve();
      const { promise, resolve, reject } = Promise.withResolvers<void>();
      const t = setTimeout(
        () => reject(new Error(`no "${text}" in ${lines}`)),
        timeoutMs,
      );
      waiters.push({
        text,
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
      });
      return promise;
    },
  };
}

Deno.test("process: SIGTERM stops gracefully with exit 0, closers in reverse order", async () => {
  const child = spawn(2000, 50);
  await child.waitFor("ready");
  const sent = performance.now();
  child.proc.kill("SIGTERM");
  const status = await child.status;
  const elapsed = performance.now() - sent;
  equal(status.code, 0);
  equal(
    child.lines.join("|"),
    "ready|closing slow|closed slow|closed first|done 0",
  );
  ok(elapsed < 2000, `took ${elapsed} ms`);
});

Deno.test("process: SIGHUP reloads, then SIGINT stops with exit 0", async () => {
  const child = spawn(2000, 0);
  await child.waitFor("ready");
  child.proc.kill("SIGHUP");
  await child.waitFor("reload");
  child.proc.kill("SIGINT");
  const status = await child.status;
  equal(status.code, 0);
  ok(child.lines.includes("done 0"));
});

Deno.test("process: a hanging closer is cut off at the deadline with exit 1", async () => {
  const child = spawn(300, 60_000);
  await child.waitFor("ready");
  const sent = performance.now();
  child.proc.kill("SIGTERM");
  const status = await child.status;
  const elapsed = performance.now() - sent;
  equal(status.code, 1);
  ok(
    !child.lines.includes("closed first"),
    "closers after the deadline must not run",
  );
  ok(elapsed >= 250 && elapsed < 3000, `took ${elapsed} ms`);
});

Deno.test("process: a second SIGTERM during shutdown exits 143 at once", async () => {
  const child = spawn(30_000, 60_000);
  await child.waitFor("ready");
  child.proc.kill("SIGTERM");
  await child.waitFor("closing slow");
  const sent = performance.now();
  child.proc.kill("SIGTERM");
  const status = await child.status;
  equal(status.code, 143);
  ok(performance.now() - sent < 2000);
});

Deno.test("process: a second SIGINT during shutdown exits 130", async () => {
  const child = spawn(30_000, 60_000);
  await child.waitFor("ready");
  child.proc.kill("SIGINT");
  await child.waitFor("closing slow");
  child.proc.kill("SIGINT");
  const status = await child.status;
  equal(status.code, 130);
});
