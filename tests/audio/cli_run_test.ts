import { equal, match, ok } from "node:assert/strict";
import { MAIN, PERMS, runShack } from "../cli/_run.ts";
import { parseWavHeader } from "../../lib/audio/sinks/wav_header.ts";

function freeUdpPort(): number {
  const s = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  const port = (s.addr as Deno.NetAddr).port;
  s.close();
  return port;
}

function freeTcpPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function alive(pid: number): boolean {
  try {
    return !Deno.readTextFileSync(`/proc/${pid}/stat`).includes(") Z ");
  } catch {
    return false;
  }
}

async function wavIsFinal(path: string): Promise<{ dataBytes: number }> {
  const bytes = await Deno.readFile(path);
  const header = parseWavHeader(bytes);
  equal(
    header.dataOffset + header.dataBytes,
    bytes.length,
    "the WAV header is final",
  );
  return header;
}

Deno.test("shack audio run --no-realtime --duration renders a finished WAV and exits 0", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/out.wav`;
    const r = await runShack([
      "audio",
      "run",
      "--sink",
      `wav:${path}`,
      "--no-realtime",
      "--duration",
      "1",
      "--sample-rate",
      "16000",
      "--block-size",
      "64",
      "--osc-port",
      String(freeUdpPort()),
      "--http-port",
      "0",
      "--log-format",
      "json",
    ]);
    equal(r.code, 0, r.stderr);
    equal((await wavIsFinal(path)).dataBytes, 16000 * 2 * 2);
    match(r.stderr, /"msg":"audio running"/);
    match(r.stderr, /"reason":"duration"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shack audio run takes SHACK_AUDIO_* variables", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/env.wav`;
    const r = await runShack(["audio", "run"], {
      env: {
        SHACK_AUDIO_SINK: `wav:${path}`,
        SHACK_AUDIO_NO_REALTIME: "1",
        SHACK_AUDIO_DURATION: "0.5",
        SHACK_AUDIO_SAMPLE_RATE: "8000",
        SHACK_AUDIO_CHANNELS: "1",
        SHACK_AUDIO_OSC_PORT: String(freeUdpPort()),
        SHACK_AUDIO_HTTP_PORT: "0",
      },
    });
    equal(r.code, 0, r.stderr);
    equal((await wavIsFinal(path)).dataBytes, 4000 * 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shack audio run: bad flags exit 2, a bad script exits 78", async () => {
  const sink = await runShack(["audio", "run", "--sink", "speakers"]);
  equal(sink.code, 2);
  match(sink.stderr, /wav:PATH/);
  const rate = await runShack(["audio", "run", "--sample-rate", "100"]);
  equal(rate.code, 2);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/s.osc`,
      "0 /mod/filter1/cutoff 800\nsoon /gate/x 1\n",
    );
    const script = await runShack([
      "audio",
      "run",
      "--script",
      `${dir}/s.osc`,
      "--sink",
      "null",
      "--osc-port",
      String(freeUdpPort()),
      "--http-port",
      "0",
    ]);
    equal(script.code, 78, script.stderr);
    match(script.stderr, /s\.osc:2/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const help = await runShack(["audio", "--help"]);
  equal(help.code, 0);
  ok(!/^\s+worker\b/m.test(help.stdout), "the worker subcommand is hidden");
  match(help.stdout, /^\s+run \[options\]/m);
});

Deno.test("shack audio run: SIGTERM stops the supervisor and both workers within 1 s and finalises the WAV", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/live.wav`;
  const httpPort = freeTcpPort();
  const proc = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...PERMS,
      MAIN,
      "audio",
      "run",
      "--sink",
      `wav:${path}`,
      "--osc-port",
      String(freeUdpPort()),
      "--http-port",
      String(httpPort),
    ],
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(proc.stderr).text();
  let pids: number[] = [];
  try {
    // ready when both workers are in lockstep
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
        const report = await res.json();
        if (report.status === "ok") {
          pids = [report.checks.primary.pid, report.checks.standby.pid];
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    equal(pids.length, 2, "both workers reached lockstep");
    ok(pids.every(alive));
    await new Promise((r) => setTimeout(r, 300)); // some audio in the file
    const sent = performance.now();
    proc.kill("SIGTERM");
    const status = await proc.status;
    const elapsed = performance.now() - sent;
    equal(
      status.code,
      0,
      "a graceful stop: every closer finished within the 1 s budget",
    );
    ok(elapsed < 2000, `exited after ${Math.round(elapsed)} ms`);
    for (const pid of pids) equal(alive(pid), false, `worker ${pid} is gone`);
    ok((await wavIsFinal(path)).dataBytes > 0);
    match(await stderr, /reason=SIGTERM/);
  } finally {
    try {
      proc.kill("SIGKILL");
    } catch {
      // exited
    }
    await proc.status;
    await stderr;
    for (const pid of pids) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await Deno.remove(dir, { recursive: true });
  }
});
