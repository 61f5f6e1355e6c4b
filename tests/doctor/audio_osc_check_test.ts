import { deepEqual, equal, match, rejects } from "node:assert/strict";
import { audioOscCheck } from "../../lib/doctor/checks/audio_osc.ts";
import { probeOscStatus } from "../../lib/doctor/osc_probe.ts";
import {
  freeUdpPort,
  holdUdpPort,
  signal,
  startFakeOscEngine,
} from "./_services.ts";

Deno.test("audioOscCheck passes when the engine answers /status with /status.reply", async () => {
  const engine = startFakeOscEngine();
  try {
    const out = await audioOscCheck.run({
      targets: [{
        kind: "audio-osc",
        address: `127.0.0.1:${engine.port}`,
        source: "command line",
      }],
      signal: signal(),
    });
    equal(out.status, "ok", out.summary);
    match(out.summary, /\/status\.reply \(7 values\), [\d.]+ ms/);
    const details = (out.details!.engines as Record<string, unknown>[])[0];
    equal(details.types, "iiiiiff");
    deepEqual(details.args, [1, 12, 2, 1, 3, 4.5, 9.25]);
    equal(engine.answered, 1);
  } finally {
    await engine.close();
  }
});

Deno.test("audioOscCheck: a dead command-line target fails; a configured one on a free port warns; a silent holder fails", async () => {
  const dead = freeUdpPort();
  const held = holdUdpPort();
  try {
    const cli = await audioOscCheck.run({
      targets: [{
        kind: "audio-osc",
        address: `127.0.0.1:${dead}`,
        source: "command line",
      }],
      signal: signal(),
      timeoutMs: 400,
    });
    equal(cli.status, "fail");
    match(cli.summary, /no \/status\.reply .* within 240 ms/);

    const configured = await audioOscCheck.run({
      targets: [{
        kind: "audio-osc",
        address: `127.0.0.1:${dead}`,
        source: "config",
        bind: "127.0.0.1",
      }],
      signal: signal(),
      timeoutMs: 400,
    });
    equal(configured.status, "warn");
    match(configured.summary, new RegExp(`UDP port ${dead} is free`));
    match(configured.hint!, /systemctl start shack-audio/);

    const taken = await audioOscCheck.run({
      targets: [{
        kind: "audio-osc",
        address: `127.0.0.1:${held.port}`,
        source: "config",
        bind: "127.0.0.1",
      }],
      signal: signal(),
      timeoutMs: 400,
    });
    equal(taken.status, "fail");
    match(taken.summary, /is in use but does not answer/);
  } finally {
    held.close();
  }
});

Deno.test("probeOscStatus() ignores other datagrams and honours its abort signal", async () => {
  const held = holdUdpPort();
  try {
    const ac = new AbortController();
    const probe = probeOscStatus("127.0.0.1", held.port, {
      signal: ac.signal,
      timeoutMs: 5000,
    });
    ac.abort(new Error("cancelled"));
    await rejects(probe, /cancelled/);
  } finally {
    held.close();
  }
});
