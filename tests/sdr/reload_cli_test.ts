// `shack sdr serve` as a real process: SIGHUP re-reads the configuration
// file and applies new limits and chat settings without dropping anyone.
import { equal, match, ok, rejects } from "node:assert/strict";
import { SdrProbe } from "../../lib/sdr/server/sdr_probe.ts";
import { freeTcpPort } from "../_ports.ts";
import { SdrServeProcess, waitHealthy } from "./_sdr_serve.ts";
import { waitFor } from "../_wait.ts";

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
  const sdr = new SdrServeProcess(["--config", file]);
  const base = `ws://127.0.0.1:${port}`;
  const probes: SdrProbe[] = [];
  try {
    await waitHealthy(port, 20_000);
    probes.push(await SdrProbe.connect(base, "audio", { decode: false }));
    await rejects(SdrProbe.connect(base, "audio"), /refused/);
    equal(await chatOpens(port), false);

    await Deno.writeTextFile(file, config(port, 3, true));
    sdr.proc.kill("SIGHUP");
    await waitFor(
      () => /configuration reloaded/.test(sdr.stderr),
      "the reload",
      20_000,
    );
    probes.push(await SdrProbe.connect(base, "audio", { decode: false }));
    probes.push(await SdrProbe.connect(base, "audio", { decode: false }));
    await rejects(SdrProbe.connect(base, "audio"), /refused/);
    equal(await chatOpens(port), true);
    const frames = probes[0].binaryFrames;
    await probes[0].waitFor(() => probes[0].binaryFrames > frames + 5, 10_000);
    ok(probes.every((p) => p.closeCode === undefined), "nobody dropped");

    const status = await sdr.stop();
    equal(status.code, 0, sdr.stderr);
    match(sdr.stderr, /signal=SIGHUP/);
  } finally {
    for (const probe of probes) await probe.close();
    await sdr.kill();
    await Deno.remove(dir, { recursive: true });
  }
});
