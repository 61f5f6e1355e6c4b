import { deepEqual, equal, match, ok } from "node:assert/strict";
import { YsfServer } from "../../lib/ysf/server.ts";
import { SyntheticSource } from "../../lib/sdr/sources/synthetic_source.ts";
import { SdrServer } from "../../lib/sdr/server/sdr_server.ts";
import { DOCTOR_JSON_SCHEMA } from "../../lib/doctor/schema.ts";
import { runShack } from "../cli/_run.ts";
import { validate } from "./_json_schema.ts";
import {
  AUDIO_METRICS,
  BRIDGE_METRICS,
  freeTcpPort,
  freeUdpPort,
  SDR_METRICS,
  startFakeHttpService,
  startFakeOscEngine,
} from "./_services.ts";

interface Doc {
  status: string;
  exitCode: number;
  durationMs: number;
  checks: {
    name: string;
    status: string;
    summary: string;
    details?: Record<string, unknown>;
  }[];
}

const SERVICE_CHECKS = ["--check", "ysf,sdr,audio,bridge"];

function statuses(doc: Doc): Record<string, string> {
  return Object.fromEntries(doc.checks.map((c) => [c.name, c.status]));
}

function parse(stdout: string): Doc {
  const doc = JSON.parse(stdout) as Doc;
  deepEqual(
    validate(DOCTOR_JSON_SCHEMA as unknown as Record<string, unknown>, doc),
    [],
  );
  return doc;
}

Deno.test("shack doctor probes a real reflector, a real WebSDR, an audio engine (HTTP + OSC) and a bridge in under 2 s", async () => {
  const ysf = await YsfServer.start({
    reflector: { name: "DOCTOR TEST" },
    bind: ["127.0.0.1"],
    port: 0,
  });
  const sdr = await SdrServer.start({
    source: new SyntheticSource({ sps: 96000, frequency: 7_100_000 }),
    hostname: "127.0.0.1",
    port: 0,
    fftSize: 2048,
    waterfallSize: 256,
  });
  const audio = startFakeHttpService(
    { status: "ok", service: "audio" },
    AUDIO_METRICS,
  );
  const osc = startFakeOscEngine();
  const bridge = startFakeHttpService(
    { status: "ok", service: "bridge" },
    BRIDGE_METRICS,
  );
  try {
    const started = performance.now();
    const r = await runShack([
      "doctor",
      "--json",
      ...SERVICE_CHECKS,
      "--target",
      `ysf=127.0.0.1:${ysf.sockets[0].port}`,
      "--target",
      `sdr=http://127.0.0.1:${sdr.addr.port}`,
      "--target",
      `audio=${audio.url}`,
      "--target",
      `audio-osc=127.0.0.1:${osc.port}`,
      "--target",
      `bridge=${bridge.url}`,
    ]);
    const wall = performance.now() - started;
    const doc = parse(r.stdout);
    const s = statuses(doc);
    deepEqual(Object.keys(s), [
      "ysf.status",
      "sdr.status",
      "audio.status",
      "audio.osc",
      "bridge.status",
    ]);
    equal(s["ysf.status"], "ok");
    equal(s["audio.status"], "ok");
    equal(s["audio.osc"], "ok");
    equal(s["bridge.status"], "ok");
    // A loaded test machine may make the WebSDR's ring overflow (degraded).
    ok(["ok", "warn"].includes(s["sdr.status"]), r.stdout);
    equal(r.code, s["sdr.status"] === "ok" ? 0 : 1, r.stderr);
    equal(doc.exitCode, r.code);
    const sdrDetails = doc.checks[1].details!.services as {
      service: string;
      metrics: Record<string, number>;
    }[];
    equal(sdrDetails[0].service, "sdr");
    equal(sdrDetails[0].metrics.shack_sdr_clients, 0);
    match(doc.checks[0].summary, /"DOCTOR TEST", 0 linked/);
    ok(doc.durationMs < 2000, `the checks took ${doc.durationMs} ms`);
    ok(wall < 15_000, `the whole command took ${wall} ms`);
    equal(osc.answered, 1);
  } finally {
    await Promise.all([
      ysf.close(),
      sdr.close(),
      audio.close(),
      osc.close(),
      bridge.close(),
    ]);
  }
});

Deno.test("shack doctor exit codes: 0 all ok, 1 a degraded service, 2 a failing or dead one", async () => {
  const sdr = startFakeHttpService(
    { status: "ok", service: "sdr" },
    SDR_METRICS,
  );
  const dead = freeTcpPort();
  try {
    const args = (extra: string[]) => [
      "doctor",
      "--check",
      "sdr",
      "--target",
      `sdr=${sdr.url}`,
      ...extra,
    ];
    const good = await runShack(args([]));
    equal(good.code, 0, good.stdout + good.stderr);
    match(
      good.stdout,
      /^✓ sdr\.status +http:\/\/127\.0\.0\.1:\d+: ok, clients 5, frames_dropped 4/m,
    );
    ok(!good.stdout.includes("\x1b["), "colours in a pipe");
    const quiet = await runShack(args(["--quiet"]));
    equal(quiet.code, 0);
    equal(quiet.stdout.trim(), "");

    sdr.health = { status: "degraded", service: "sdr" };
    const degraded = await runShack(args([]));
    equal(degraded.code, 1, degraded.stdout);
    match(degraded.stdout, /^⚠ sdr\.status/m);

    sdr.health = { status: "failing", service: "sdr" };
    const failing = await runShack(args(["--json"]));
    equal(failing.code, 2);
    equal(parse(failing.stdout).checks[0].status, "fail");

    sdr.health = { status: "ok", service: "sdr" };
    const withDead = await runShack(
      args(["--target", `sdr=127.0.0.1:${dead}`, "--quiet"]),
    );
    equal(withDead.code, 2, withDead.stdout);
    match(withDead.stdout, /^✗ sdr\.status .*: ok, .*connection refused/m);
    match(withDead.stdout, /^FAIL: 0 ok, 0 warnings, 1 failed/m);
  } finally {
    await sdr.close();
  }
});

Deno.test("shack doctor --config: configured services that are down are 'not running' (exit 1); a bad config exits 78", async () => {
  const dir = await Deno.makeTempDir();
  const bridge = startFakeHttpService(
    { status: "ok", service: "bridge" },
    BRIDGE_METRICS,
  );
  try {
    const config = `${dir}/shack.toml`;
    await Deno.writeTextFile(
      config,
      [
        "[ysf]",
        'name = "DOWN"',
        'bind = ["127.0.0.1"]',
        `port = ${freeUdpPort()}`,
        "[sdr]",
        'bind = "127.0.0.1"',
        `port = ${freeTcpPort()}`,
        "[audio]",
        'http_host = "127.0.0.1"',
        `http_port = ${freeTcpPort()}`,
        `osc_port = ${freeUdpPort()}`,
        "[bridge]",
        'bind = "127.0.0.1"',
        `port = ${bridge.port}`,
      ].join("\n"),
    );
    const r = await runShack([
      "doctor",
      "--json",
      "--config",
      config,
      "--timeout",
      "2",
      ...SERVICE_CHECKS,
    ]);
    const doc = parse(r.stdout);
    deepEqual(statuses(doc), {
      "ysf.status": "warn",
      "sdr.status": "warn",
      "audio.status": "warn",
      "audio.osc": "warn",
      "bridge.status": "ok",
    });
    for (const c of doc.checks.slice(0, 4)) {
      match(c.summary, /not running \((TCP|UDP) port \d+ is free\)/);
    }
    equal(r.code, 1, r.stderr);
    ok(doc.durationMs < 2000, `the checks took ${doc.durationMs} ms`);

    await Deno.writeTextFile(
      config,
      "[bridge]\nport = 5004\n[sdr]\nport = -1\n",
    );
    const bad = await runShack([
      "doctor",
      "--config",
      config,
      "--check",
      "config,bridge",
    ]);
    equal(bad.code, 78, bad.stdout);
    match(bad.stdout, /sdr\.port/);
  } finally {
    await bridge.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shack doctor --target validates kinds and addresses as usage errors", async () => {
  for (
    const [target, pattern] of [
      ["audio-osc=host:0", /expected audio-osc=HOST:PORT/],
      ["bridge=ftp://x", /expected an http or https URL/],
      ["tv=1.2.3.4", /KIND one of ysf, sdr, audio, audio-osc, bridge/],
    ] as const
  ) {
    const r = await runShack(["doctor", "--target", target]);
    equal(r.code, 2, target);
    match(r.stderr, pattern);
  }
});
