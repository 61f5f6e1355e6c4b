// `shack up`: the services of one shack.toml in one process, as a real
// subprocess answering on real ports, stopped by SIGTERM within budget.
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { runShack, spawnShack } from "./_run.ts";
import {
  type GroupEntry,
  GroupStartError,
  ServiceGroup,
} from "../../lib/up/service_group.ts";

function freeTcpPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function freeUdpPort(): number {
  const c = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  const port = (c.addr as Deno.NetAddr).port;
  c.close();
  return port;
}

async function healthy(url: string, timeoutMs = 20_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      const body = await res.json();
      if (res.status === 200) return body;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become healthy`);
}

Deno.test("shack up: [ysf], [sdr], [audio] and [bridge] from one file answer, doctor sees them all, SIGTERM stops all within budget", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_up_" });
  const ysfHttp = freeTcpPort();
  const sdrPort = freeTcpPort();
  const ysfUdp = freeUdpPort();
  const audioHttp = freeTcpPort();
  const audioOsc = freeUdpPort();
  const bridgePort = freeTcpPort();
  await Deno.writeTextFile(
    `${dir}/tv.m3u`,
    "#EXTM3U\n#EXTINF:-1,Up News\nhttp://192.0.2.1/news.ts\n",
  );
  await Deno.writeTextFile(
    `${dir}/shack.toml`,
    `[ysf]
name = "UP TEST"
bind = ["127.0.0.1"]
port = ${ysfUdp}
http_port = ${ysfHttp}

[sdr]
bind = "127.0.0.1"
port = ${sdrPort}

[sdr.input]
sps = 256000
fft_size = 8192

[audio]
sink = "null"
osc_host = "127.0.0.1"
osc_port = ${audioOsc}
http_host = "127.0.0.1"
http_port = ${audioHttp}

[bridge]
bind = "127.0.0.1"
port = ${bridgePort}
ssdp = false
data_dir = "${dir}/bridge"

[[bridge.playlists]]
url = "${dir}/tv.m3u"
`,
  );
  const up = spawnShack(["up", "--config", `${dir}/shack.toml`]);
  try {
    const ysf = await healthy(`http://127.0.0.1:${ysfHttp}/healthz`) as {
      service: string;
    };
    equal(ysf.service, "ysf");
    const sdr = await healthy(`http://127.0.0.1:${sdrPort}/healthz`) as {
      service: string;
    };
    equal(sdr.service, "sdr");
    const audio = await healthy(`http://127.0.0.1:${audioHttp}/healthz`) as {
      service: string;
    };
    equal(audio.service, "audio");
    const bridge = await healthy(`http://127.0.0.1:${bridgePort}/healthz`) as {
      service: string;
    };
    equal(bridge.service, "bridge");
    // The reflector answers its UDP status request too.
    const udp = Deno.listenDatagram({
      transport: "udp",
      hostname: "127.0.0.1",
      port: 0,
    });
    try {
      await udp.send(new TextEncoder().encode("YSFS"), {
        transport: "udp",
        hostname: "127.0.0.1",
        port: ysfUdp,
      });
      const [reply] = await udp.receive();
      equal(new TextDecoder().decode(reply.subarray(0, 4)), "YSFS");
    } finally {
      udp.close();
    }
    // doctor over the same file sees every service answering, quickly.
    const doctor = await runShack([
      "doctor",
      "--config",
      `${dir}/shack.toml`,
      "--json",
      "--check",
      "ysf.status",
      "--check",
      "sdr.status",
      "--check",
      "audio.status",
      "--check",
      "audio.osc",
      "--check",
      "bridge.status",
    ]);
    equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    const report = JSON.parse(doctor.stdout) as {
      status: string;
      durationMs: number;
      checks: { name: string; status: string }[];
    };
    deepEqual(
      report.checks.map((c) => `${c.name}=${c.status}`).sort(),
      [
        "audio.osc=ok",
        "audio.status=ok",
        "bridge.status=ok",
        "sdr.status=ok",
        "ysf.status=ok",
      ],
    );
    ok(report.durationMs < 2000, `doctor took ${report.durationMs} ms`);
    const sent = performance.now();
    up.proc.kill("SIGTERM");
    const result = await up.finish();
    const ms = performance.now() - sent;
    equal(result.code, 0, result.stderr);
    match(result.stdout + result.stderr, /stopped/);
    ok(ms < 1500, `SIGTERM took ${ms.toFixed(0)} ms`);
    // The ports are free again.
    const l = Deno.listen({ hostname: "127.0.0.1", port: sdrPort });
    l.close();
  } finally {
    try {
      up.proc.kill("SIGKILL");
    } catch {
      // already gone
    }
    await up.finish();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shack up: [bridge] serves its lineup and stops on SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_up_" });
  const port = freeTcpPort();
  await Deno.writeTextFile(
    `${dir}/tv.m3u`,
    "#EXTM3U\n#EXTINF:-1,Up News\nhttp://192.0.2.1/news.ts\n",
  );
  await Deno.writeTextFile(
    `${dir}/shack.toml`,
    `[bridge]
bind = "127.0.0.1"
port = ${port}
ssdp = false
data_dir = "${dir}/data"

[[bridge.playlists]]
url = "${dir}/tv.m3u"
`,
  );
  const up = spawnShack(["up", "--config", `${dir}/shack.toml`]);
  try {
    const health = await healthy(`http://127.0.0.1:${port}/healthz`) as {
      service: string;
    };
    equal(health.service, "bridge");
    const lineup = await (await fetch(`http://127.0.0.1:${port}/lineup.json`))
      .json();
    equal(lineup[0].GuideName, "Up News");
    // The dashboard's log tail has the bridge's lines under up too.
    const log = await (await fetch(`http://127.0.0.1:${port}/api/log`))
      .json() as { lines: { line: string }[] };
    ok(log.lines.length > 0, JSON.stringify(log));
    up.proc.kill("SIGTERM");
    const result = await up.finish();
    equal(result.code, 0, result.stderr);
  } finally {
    try {
      up.proc.kill("SIGKILL");
    } catch {
      // already gone
    }
    await up.finish();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shack up: a file without service tables, or --only a missing one, is a config error (78)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_up_" });
  try {
    await Deno.writeTextFile(`${dir}/empty.toml`, '[log]\nlevel = "info"\n');
    const none = await runShack(["up", "--config", `${dir}/empty.toml`]);
    equal(none.code, 78, none.stderr);
    match(none.stderr, /\[ysf\]/);
    await Deno.writeTextFile(`${dir}/ysf.toml`, '[ysf]\nname = "X"\n');
    const only = await runShack([
      "up",
      "--config",
      `${dir}/ysf.toml`,
      "--only",
      "sdr",
    ]);
    equal(only.code, 78, only.stderr);
    match(only.stderr, /\[sdr\]/);
    const bad = await runShack([
      "up",
      "--config",
      `${dir}/ysf.toml`,
      "--only",
      "tv",
    ]);
    equal(bad.code, 2, bad.stderr);
    const noConfig = await runShack(["up"]);
    equal(noConfig.code, 2, noConfig.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function member(
  name: string,
  log: string[],
  options: { failStart?: boolean; hang?: boolean } = {},
): GroupEntry {
  return {
    name,
    stopBudgetMs: 200,
    start: () => {
      if (options.failStart) return Promise.reject(new Error("port in use"));
      log.push(`start ${name}`);
      return Promise.resolve({
        // A hung close never settles (and holds no timer a test would leak).
        close: () =>
          options.hang
            ? new Promise<void>(() => {})
            : Promise.resolve().then(() => void log.push(`closed ${name}`)),
        reload: () => Promise.resolve(),
      });
    },
  };
}

Deno.test("ServiceGroup.start() stops the started members when a later one fails", async () => {
  const log: string[] = [];
  const error = await rejects(
    ServiceGroup.start([
      member("a", log),
      member("b", log),
      member("c", log, { failStart: true }),
    ]),
    (e: unknown) => e instanceof GroupStartError && e.service === "c",
  );
  void error;
  equal(log.join(","), "start a,start b,closed b,closed a");
});

Deno.test("ServiceGroup.close() bounds each member by its own budget; a slow one does not delay the others", async () => {
  const log: string[] = [];
  const group = await ServiceGroup.start([
    member("fast", log),
    member("stuck", log, { hang: true }),
  ]);
  const t0 = performance.now();
  const stops = await group.close();
  const ms = performance.now() - t0;
  equal(stops[0].result, "ok");
  equal(stops[1].result, "overran");
  ok(ms < 1000, `close took ${ms.toFixed(0)} ms`);
  ok(log.includes("closed fast"));
  // Idempotent.
  equal(await group.close(), stops);
});
