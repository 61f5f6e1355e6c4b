import { deepEqual, equal, match, ok } from "node:assert/strict";
import { httpServiceCheck } from "../../lib/doctor/checks/http_service.ts";
import { probeHttpService } from "../../lib/doctor/http_probe.ts";
import { SyntheticSource } from "../../lib/sdr/sources/synthetic_source.ts";
import { SdrServer } from "../../lib/sdr/server/sdr_server.ts";
import {
  AUDIO_METRICS,
  BRIDGE_METRICS,
  cliTarget,
  configTarget,
  freeTcpPort,
  holdTcpPort,
  runCheck,
  SDR_METRICS,
  startFakeHttpService,
  startPlainHttpServer,
} from "./_services.ts";

Deno.test("httpServiceCheck() maps /healthz ok, degraded and failing to ok, warn and fail with key figures", async () => {
  const sdr = startFakeHttpService(
    { status: "ok", service: "sdr", version: "0.1.0", uptimeSeconds: 42 },
    SDR_METRICS,
  );
  const audio = startFakeHttpService({
    status: "degraded",
    service: "audio",
    checks: {
      standby: { status: "degraded", message: "standby restarting" },
      sink: { status: "ok" },
    },
  }, AUDIO_METRICS);
  const bridge = startFakeHttpService(
    { status: "failing", service: "bridge" },
    BRIDGE_METRICS,
  );
  try {
    const sdrOut = await runCheck(httpServiceCheck("sdr"), [
      cliTarget("sdr", sdr.url),
      cliTarget("bridge", bridge.url),
    ]);
    equal(sdrOut.status, "ok");
    match(sdrOut.summary, /: ok, clients 5, frames_dropped 4, \d+ ms$/);
    const svc = (sdrOut.details!.services as Record<string, unknown>[])[0];
    deepEqual(svc.metrics, {
      shack_sdr_clients: 5,
      shack_sdr_frames_dropped_total: 4,
    });
    equal(svc.version, "0.1.0");
    equal(svc.uptimeSeconds, 42);

    const audioOut = await runCheck(httpServiceCheck("audio"), [
      cliTarget("audio", audio.url),
    ]);
    equal(audioOut.status, "warn");
    match(audioOut.summary, /degraded \(standby: standby restarting\)/);
    match(audioOut.summary, /failovers 1, underruns 0/);
    match(audioOut.hint!, /\/healthz/);

    const bridgeOut = await runCheck(httpServiceCheck("bridge"), [
      cliTarget("bridge", bridge.url),
    ]);
    equal(bridgeOut.status, "fail");
    match(bridgeOut.summary, /failing, sessions 3, tuners_free 1/);
    equal(
      (bridgeOut.details!.services as Record<string, unknown>[])[0].httpStatus,
      503,
    );

    // The worst of several targets wins; the service's status can change between runs.
    audio.health = { status: "ok", service: "audio" };
    const both = await runCheck(httpServiceCheck("audio"), [
      cliTarget("audio", audio.url),
      cliTarget("audio", bridge.url),
    ]);
    equal(both.status, "fail");
    equal(both.summary.split("; ").length, 2);
  } finally {
    await Promise.all([sdr.close(), audio.close(), bridge.close()]);
  }
});

Deno.test("httpServiceCheck() against a real SdrServer reads its /healthz and clients", async () => {
  const server = await SdrServer.start({
    source: new SyntheticSource({ sps: 96000, frequency: 7_100_000 }),
    hostname: "127.0.0.1",
    port: 0,
    fftSize: 2048,
    waterfallSize: 256,
  });
  try {
    const out = await runCheck(httpServiceCheck("sdr"), [
      cliTarget("sdr", `http://127.0.0.1:${server.addr.port}`),
    ]);
    ok(out.status === "ok" || out.status === "warn", out.summary);
    const svc = (out.details!.services as Record<string, unknown>[])[0];
    equal(svc.service, "sdr");
    equal((svc.metrics as Record<string, number>).shack_sdr_clients, 0);
  } finally {
    await server.close();
  }
});

Deno.test("httpServiceCheck() fails a dead command-line target and a server that is not shack", async () => {
  const dead = freeTcpPort();
  const plain = startPlainHttpServer();
  try {
    const out = await runCheck(httpServiceCheck("sdr"), [
      cliTarget("sdr", `http://127.0.0.1:${dead}`),
    ]);
    equal(out.status, "fail");
    match(out.summary, /refused/i);
    match(out.hint!, /shack sdr serve/);

    const other = await runCheck(httpServiceCheck("bridge"), [
      cliTarget("bridge", `http://127.0.0.1:${plain.port}`),
    ]);
    equal(other.status, "fail");
    match(other.summary, /HTTP 404 without a shack health report/);
  } finally {
    await plain.close();
  }
});

Deno.test("httpServiceCheck() calls a configured service on a free port 'not running' (warn) and a taken port a failure", async () => {
  const dead = freeTcpPort();
  const held = holdTcpPort();
  try {
    const out = await runCheck(httpServiceCheck("bridge"), [
      configTarget("bridge", `http://127.0.0.1:${dead}`),
    ]);
    equal(out.status, "warn");
    match(
      out.summary,
      new RegExp(`not running \\(TCP port ${dead} is free\\)`),
    );
    match(out.hint!, /systemctl start shack-bridge/);

    // A listener that never answers: the probe times out and the port is taken.
    const taken = await runCheck(httpServiceCheck("audio"), [
      configTarget("audio", `http://127.0.0.1:${held.port}`),
    ], 500);
    equal(taken.status, "fail");
    match(
      taken.summary,
      new RegExp(`TCP port ${held.port} is in use but does not answer`),
    );
  } finally {
    held.close();
  }
});

Deno.test("httpServiceCheck() skips without targets of its kind", async () => {
  const out = await runCheck(httpServiceCheck("sdr"), [
    cliTarget("ysf", "127.0.0.1:42000"),
  ]);
  equal(out.status, "skip");
});

Deno.test("probeHttpService() reports /metrics problems without failing the health verdict", async () => {
  const svc = startFakeHttpService({ status: "ok", service: "x" });
  try {
    const result = await probeHttpService(svc.url, { maxBytes: 4 });
    equal(result.reachable, false);
    const full = await probeHttpService(svc.url);
    equal(full.reachable && full.status, "ok");
    deepEqual(full.reachable && full.metrics, {});
  } finally {
    await svc.close();
  }
});
