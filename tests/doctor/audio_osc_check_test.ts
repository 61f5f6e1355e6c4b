import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { encodeBundle } from "../../lib/audio/osc/encode.ts";
import { decodePacket } from "../../lib/audio/osc/decode.ts";
import { audioOscCheck } from "../../lib/doctor/checks/audio_osc.ts";
import { probeOscStatus } from "../../lib/doctor/osc_probe.ts";
import {
  cliTarget,
  configTarget,
  freeUdpPort,
  holdUdpPort,
  runCheck,
  startFakeOscEngine,
} from "./_services.ts";

Deno.test("audioOscCheck passes when the engine answers /status with /status.reply", async () => {
  const engine = startFakeOscEngine();
  try {
    const out = await runCheck(audioOscCheck, [
      cliTarget("audio-osc", `127.0.0.1:${engine.port}`),
    ]);
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
    const cli = await runCheck(audioOscCheck, [
      cliTarget("audio-osc", `127.0.0.1:${dead}`),
    ], 400);
    equal(cli.status, "fail");
    match(cli.summary, /no \/status\.reply .* within 240 ms/);

    const configured = await runCheck(audioOscCheck, [
      configTarget("audio-osc", `127.0.0.1:${dead}`),
    ], 400);
    equal(configured.status, "warn");
    match(configured.summary, new RegExp(`UDP port ${dead} is free`));
    match(configured.hint!, /systemctl start shack-audio/);

    const taken = await runCheck(audioOscCheck, [
      configTarget("audio-osc", `127.0.0.1:${held.port}`),
    ], 400);
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

/** scsynth's `/status.reply` as it sends it: `,iiiiiffdd`. */
function scsynthStatusReply(): Uint8Array {
  const text = (t: string) => [...new TextEncoder().encode(t)];
  const head = [
    ...text("/status.reply"),
    0,
    0,
    0,
    ...text(",iiiiiffdd"),
    0,
    0,
  ];
  const body = new Uint8Array(5 * 4 + 2 * 4 + 2 * 8);
  const view = new DataView(body.buffer);
  [1, 12, 2, 1, 3].forEach((v, i) => view.setInt32(i * 4, v));
  view.setFloat32(20, 4.5);
  view.setFloat32(24, 9.25);
  view.setFloat64(28, 48000);
  view.setFloat64(36, 47999.5);
  return new Uint8Array([...head, ...body]);
}

Deno.test("probeOscStatus() reads scsynth's /status.reply, alone or first in a bundle", async () => {
  const reply = scsynthStatusReply();
  const inBundle = encodeBundle(1n, [
    decodePacket(reply),
    decodePacket(reply),
  ]);
  for (const answer of [reply, inBundle]) {
    const server = Deno.listenDatagram({
      transport: "udp",
      hostname: "127.0.0.1",
      port: 0,
    });
    try {
      const answering = (async () => {
        const [request, from] = await server.receive();
        const packet = decodePacket(request);
        equal(packet.kind === "message" && packet.address, "/status");
        // Noise first: ignored, the probe keeps waiting.
        await server.send(new Uint8Array([1, 2, 3]), from);
        await server.send(answer, from);
      })();
      const result = await probeOscStatus(
        "127.0.0.1",
        (server.addr as Deno.NetAddr).port,
        { timeoutMs: 5000 },
      );
      await answering;
      equal(result.reply.address, "/status.reply");
      equal(result.reply.args.map((a) => a.type).join(""), "iiiiiffdd");
      deepEqual(
        result.reply.args.map((a) => a.value),
        [1, 12, 2, 1, 3, 4.5, 9.25, 48000, 47999.5],
      );
      ok(result.rttMs >= 0);
    } finally {
      server.close();
    }
  }
});
