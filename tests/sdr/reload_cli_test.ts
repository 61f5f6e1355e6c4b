// `shack sdr serve` as a real process: SIGHUP re-reads the configuration
// file and applies new limits and chat settings without dropping anyone.
import { equal, match, ok, rejects } from "node:assert/strict";
import { SdrProbe } from "../../lib/sdr/server/sdr_probe.ts";
import { MAIN, PERMS } from "../cli/_run.ts";

function freeTcpPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function config(port: number, audio: number, chat: boolean): string {
  return `[sdr]
bind = "127.0.0.1"
port = ${port}
chat_history_file = ""

[sdr.input]
sps = 96000
fft_size = 2048
waterfall_size = 256

[sdr.limits]
audio = ${audio}

[sdr.listing]
chat_enabled = ${chat}
`;
}

async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function chatOpens(port: number): Promise<boolean> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/chat`);
  const opened = await new Promise<boolean>((resolve) => {
    socket.onopen = () => resolve(true);
    socket.onerror = () => resolve(false);
  });
  if (opened) {
    const closed = new Promise((resolve) => socket.onclose = resolve);
    socket.close();
    await closed;
  }
  return opened;
}

Deno.test("sdr serve: SIGHUP applies a changed [sdr.limits] and chat_enabled; open listeners stay", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_sdr_hup_" });
  const port = freeTcpPort();
  const file = `${dir}/shack.toml`;
  await Deno.writeTextFile(file, config(port, 1, false));
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMS, MAIN, "sdr", "serve", "--config", file],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const reading = (async () => {
    for await (
      const chunk of proc.stderr.pipeThrough(new TextDecoderStream())
    ) {
      stderr += chunk;
    }
  })();
  const base = `ws://127.0.0.1:${port}`;
  const probes: SdrProbe[] = [];
  try {
    await until(async () => {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        await r.body?.cancel();
        return r.status === 200;
      } catch {
        return false;
      }
    }, "the service");
    probes.push(await SdrProbe.connect(base, "audio", { decode: false }));
    await rejects(SdrProbe.connect(base, "audio"), /refused/);
    equal(await chatOpens(port), false);

    await Deno.writeTextFile(file, config(port, 3, true));
    proc.kill("SIGHUP");
    await until(() => /configuration reloaded/.test(stderr), "the reload");
    probes.push(await SdrProbe.connect(base, "audio", { decode: false }));
    probes.push(await SdrProbe.connect(base, "audio", { decode: false }));
    await rejects(SdrProbe.connect(base, "audio"), /refused/);
    equal(await chatOpens(port), true);
    const frames = probes[0].binaryFrames;
    await probes[0].waitFor(() => probes[0].binaryFrames > frames + 5, 10_000);
    ok(probes.every((p) => p.closeCode === undefined), "nobody dropped");

    proc.kill("SIGTERM");
    const status = await proc.status;
    equal(status.code, 0, stderr);
    match(stderr, /signal=SIGHUP/);
  } finally {
    for (const probe of probes) await probe.close();
    try {
      proc.kill("SIGKILL");
    } catch {
      // already gone
    }
    await proc.status;
    await reading;
    await Deno.remove(dir, { recursive: true });
  }
});
