// `shack sdr serve` as a real process.
import { equal, match, ok } from "node:assert/strict";
import { runShack } from "../cli/_run.ts";
import { freeTcpPort } from "../_ports.ts";
import { SdrServeProcess, waitHealthy } from "./_sdr_serve.ts";

Deno.test("sdr serve: synthetic band; settings JSON first; SIGTERM with 100 clients exits 0 within 1 s", async () => {
  const port = freeTcpPort();
  // 100 sockets from one address: above the default per-address cap (64).
  const dir = await Deno.makeTempDir({ prefix: "shack_sdr_cli_" });
  await Deno.writeTextFile(
    `${dir}/shack.toml`,
    '[sdr]\nchat_history_file = ""\n[sdr.limits]\nper_ip_sockets = 200\n',
  );
  const sdr = new SdrServeProcess([
    "--config",
    `${dir}/shack.toml`,
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
  ]);
  const sockets: WebSocket[] = [];
  try {
    await waitHealthy(port, 20_000);
    const firstFrames: Promise<unknown>[] = [];
    for (let i = 0; i < 100; i++) {
      const kind = i % 2 === 0 ? "waterfall" : "audio";
      const ws = new WebSocket(`ws://127.0.0.1:${port}/${kind}`);
      ws.binaryType = "arraybuffer";
      sockets.push(ws);
      firstFrames.push(
        new Promise((resolve, reject) => {
          ws.onmessage = (e) => resolve(e.data);
          ws.onerror = () => reject(new Error(`${kind} socket failed`));
        }),
      );
    }
    const first = await Promise.all(firstFrames);
    for (const frame of first) {
      equal(
        typeof frame,
        "string",
        "the first frame must be the settings JSON",
      );
      const settings = JSON.parse(frame as string);
      ok(
        settings.fft_size > 0 && settings.sps === 2048000,
        JSON.stringify(settings),
      );
    }
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`))
      .text();
    match(metrics, /shack_sdr_clients\{socket="waterfall"\} 50/);
    const closed = sockets.map((ws) =>
      new Promise((r) => ws.addEventListener("close", r))
    );
    const sent = performance.now();
    sdr.proc.kill("SIGTERM");
    const status = await sdr.status;
    const ms = performance.now() - sent;
    equal(status.code, 0, sdr.stderr);
    ok(ms < 1000, `SIGTERM took ${ms.toFixed(0)} ms`);
    await Promise.all(closed);
  } finally {
    for (const ws of sockets) if (ws.readyState < 2) ws.close();
    await sdr.kill();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sdr serve: stdin EOF ends the service cleanly with exit 0", async () => {
  const port = freeTcpPort();
  const sdr = new SdrServeProcess([
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
    "--source",
    "stdin",
    "--format",
    "u8",
    "--sps",
    "256000",
    "--frequency",
    "7100000",
    "--fft-size",
    "8192",
  ], { stdin: "piped" });
  try {
    await waitHealthy(port, 20_000);
    const writer = sdr.proc.stdin.getWriter();
    await writer.write(new Uint8Array(256_000).fill(128)); // half a second of IQ
    await writer.close();
    const status = await sdr.status;
    equal(status.code, 0, sdr.stderr);
    match(sdr.stderr, /input ended .*reason=eof/);
  } finally {
    await sdr.kill();
  }
});

Deno.test("sdr serve: a bad PhantomSDR config exits 78 naming the key; bad flags exit 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/config.toml`,
      `[server]\nport = 9002\n\n[input]\nsps = 2048000\nfrequency = 7100000\nsignal = "iq"\nfft_size = 1000\n`,
    );
    const bad = await runShack([
      "sdr",
      "serve",
      "--config",
      `${dir}/config.toml`,
    ]);
    equal(bad.code, 78, bad.stderr);
    match(bad.stderr, /config\.toml:\d+: input\.fft_size/);
    const flag = await runShack(["sdr", "serve", "--signal", "stereo"]);
    equal(flag.code, 2);
    const source = await runShack([
      "sdr",
      "serve",
      "--source",
      "carrier-pigeon",
    ]);
    equal(source.code, 2, source.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
