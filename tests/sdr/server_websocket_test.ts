import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { decode as decodeCbor } from "cborg";
import {
  SdrServer,
  type SdrServerOptions,
} from "../../lib/sdr/server/sdr_server.ts";
import { SdrProbe } from "../../lib/sdr/server/sdr_probe.ts";
import { SyntheticSource } from "../../lib/sdr/sources/synthetic_source.ts";
import { decodeFlac } from "../../lib/sdr/wire/flac_decoder.ts";
import { WaterfallDecompressor } from "../../lib/sdr/wire/waterfall_compressor.ts";

// 96 kS/s IQ at 7.1 MHz, N = 2048: 46.875 Hz bins, 93.75 frames/s, skip 8
// (11.7 lines/s), waterfall levels 2048/1024/512/256, audio_max_fft 256
// (12 kHz, 128 samples per frame). One USB station 10 kHz above the centre
// keys a steady 1 kHz tone: RF 7.111 MHz.
const CENTRE = 7_100_000;
const SPS = 96000;
const FFT = 2048;
const BIN_HZ = SPS / FFT;
const BASEFREQ = CENTRE - SPS / 2;
const DIAL = CENTRE + 10_000;
const TONE_HZ = 1000;

/**
 * Waterfall index of a frequency. PhantomSDR's IQ order puts FFT bin
 * N/2 + 1 at index 0, so index i is basefreq + (i + 1)·binHz.
 */
function indexOf(hz: number): number {
  return (hz - BASEFREQ) / BIN_HZ - 1;
}

function start(options: Partial<SdrServerOptions> = {}): Promise<SdrServer> {
  return SdrServer.start({
    source: new SyntheticSource({
      sps: SPS,
      frequency: CENTRE,
      stations: [{
        offsetHz: DIAL - CENTRE,
        mode: "USB",
        levelDb: 0,
        label: "tone",
        content: { kind: "tones", tonesHz: [TONE_HZ] },
      }],
    }),
    hostname: "127.0.0.1",
    port: 0,
    fftSize: FFT,
    waterfallSize: 256,
    brightnessOffset: -12,
    eventsIntervalMs: 100,
    ...options,
  });
}

function base(server: SdrServer): string {
  return `ws://127.0.0.1:${server.addr.port}`;
}

/** Power of `pcm` at `hz` (Goertzel), normalised by length². */
function toneLevel(pcm: ArrayLike<number>, hz: number, rate: number): number {
  const c = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < pcm.length; i++) {
    const s = pcm[i] + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (s1 * s1 + s2 * s2 - c * s1 * s2) / (pcm.length * pcm.length);
}

Deno.test("SdrServer sends the settings JSON as the first frame on /audio and /waterfall", async () => {
  const server = await start({ smeterOffset: -10, defaultFrequency: DIAL });
  try {
    const audio = await SdrProbe.connect(base(server), "audio");
    const waterfall = await SdrProbe.connect(base(server), "waterfall");
    await audio.waitFor(() => audio.audio.length >= 3, 5000);
    await waterfall.waitFor(() => waterfall.lines.length >= 1, 5000);
    equal(audio.firstFrame, "text");
    equal(waterfall.firstFrame, "text");
    const expected = {
      audio_compression: "flac",
      audio_max_fft: 256,
      audio_max_sps: 12000,
      basefreq: BASEFREQ,
      defaults: {
        frequency: DIAL,
        l: 1237,
        m: (DIAL - BASEFREQ) / BIN_HZ,
        modulation: "USB",
        r: 1301,
      },
      fft_result_size: 2048,
      fft_size: 2048,
      smeter_offset: -10,
      sps: SPS,
      total_bandwidth: SPS,
      waterfall_compression: "zstd",
      waterfall_size: 256,
    };
    deepEqual(waterfall.settings, expected);
    const { client_id: clientId, ...rest } = audio.settings!;
    deepEqual(rest, expected);
    match(String(clientId), /^[0-9a-f-]{36}$/);
    deepEqual(
      Object.keys(audio.settings!),
      Object.keys(audio.settings!).sort(),
    );
    // The FLAC stream header: "fLaC", STREAMINFO, VORBIS_COMMENT, r = 0.
    const [magic, info, comment] = audio.audio;
    equal(new TextDecoder().decode(magic.data), "fLaC");
    equal(info.data.length, 38);
    equal(comment.data[0] & 0x7f, 4);
    ok([magic, info, comment].every((p) => p.r === 0 && p.frameNum === 0));
    // The first line is the coarsest level, [0, waterfall_size) → level-0 bins.
    equal(waterfall.lines[0].l, 0);
    equal(waterfall.lines[0].r, 2048);
    equal(waterfall.lines[0].data.length, 256);
    equal(waterfall.lines[0].frameNum % 8, 0);
    await audio.close();
    await waterfall.close();
  } finally {
    await server.close();
  }
});

Deno.test("SdrServer streams zstd-compressed CBOR waterfall lines with the tone in its bin", async () => {
  const server = await start();
  const socket = new WebSocket(`${base(server)}/waterfall`);
  socket.binaryType = "arraybuffer";
  const zstd = new WaterfallDecompressor();
  const lines: Record<string, unknown>[] = [];
  let first: string | undefined;
  let chain = Promise.resolve();
  try {
    const closed = new Promise((resolve) => socket.onclose = resolve);
    socket.onmessage = (event) => {
      if (typeof event.data === "string") {
        first ??= event.data;
        // Zoom to 256 level-0 bins around the tone: level 0.
        socket.send(JSON.stringify({ cmd: "window", l: 1130, r: 1386 }));
        return;
      }
      first ??= "binary";
      const bytes = new Uint8Array(event.data);
      chain = chain.then(async () => {
        const packet = await zstd.push(bytes);
        if (packet && packet.length > 0) lines.push(decodeCbor(packet));
      });
    };
    const deadline = Date.now() + 5000;
    while (!lines.some((line) => line.l === 1130) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const line = lines.find((line) => line.l === 1130);
    ok(line, `no zoomed line among ${lines.length}`);
    ok(first?.startsWith("{"), "settings first");
    deepEqual(Object.keys(line).sort(), ["data", "frame_num", "l", "r"]);
    equal(line.r, 1386);
    equal((line.frame_num as number) % 8, 0);
    const bytes = line.data as Uint8Array;
    ok(bytes instanceof Uint8Array, "data is a byte string");
    equal(bytes.length, 256);
    const data = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    let best = 0;
    for (let i = 1; i < data.length; i++) if (data[i] > data[best]) best = i;
    const expected = indexOf(DIAL + TONE_HZ); // 1257.67
    ok(Math.abs(1130 + best - expected) <= 1, `peak at ${1130 + best}`);
    ok(data[best] < 127, "not saturated");
    ok(data[best] > data[(best + 128) % 256] + 40, "tone above the floor");
    socket.close();
    await closed;
    await chain;
  } finally {
    zstd.close();
    await server.close();
  }
});

Deno.test("SdrServer sends FLAC audio carrying the tone the listener tunes to", async () => {
  const server = await start();
  try {
    const probe = await SdrProbe.connect(base(server), "audio", {
      maxKept: 100_000,
    });
    await probe.waitFor(() => probe.settings !== undefined, 5000);
    // USB with the carrier on the station's dial: the tone comes out at 1 kHz.
    const m = indexOf(DIAL);
    const l = Math.floor(m);
    probe.send({ cmd: "demodulation", demodulation: "USB" });
    probe.send({ cmd: "window", l, m, r: l + 64 });
    const tuned = () => probe.audio.filter((p) => p.m === m);
    await probe.waitFor(() => tuned().length >= 60, 10_000);
    // Away from the station: 20 kHz below the centre.
    const away = indexOf(CENTRE - 20_000);
    probe.send({
      cmd: "window",
      l: Math.floor(away),
      m: away,
      r: Math.floor(away) + 64,
    });
    const detuned = () => probe.audio.filter((p) => p.m === away);
    await probe.waitFor(() => detuned().length >= 60, 10_000);
    await probe.close();

    // Every packet, header included, forms one valid FLAC stream.
    const all = probe.audio;
    const total = all.reduce((n, p) => n + p.data.length, 0);
    const stream = new Uint8Array(total);
    let at = 0;
    for (const p of all) {
      stream.set(p.data, at);
      at += p.data.length;
    }
    const flac = decodeFlac(stream);
    equal(flac.sampleRate, 12000);
    equal(flac.maxBlockSize, 128);
    const frames = all.slice(3);
    equal(flac.frames.length, frames.length);
    // Frame numbers are consecutive: nothing was dropped.
    for (let i = 1; i < frames.length; i++) {
      equal(frames[i].frameNum, frames[i - 1].frameNum + 1);
    }
    const samples = flac.channels[0];
    const blockOf = (packetIndex: number) =>
      samples.subarray(128 * (packetIndex - 3), 128 * (packetIndex - 2));
    const pick = (packets: typeof all) => {
      const out: number[] = [];
      for (const p of packets.slice(-40)) out.push(...blockOf(all.indexOf(p)));
      return out;
    };
    const on = pick(tuned());
    const off = pick(detuned());
    const rate = 12000;
    ok(
      toneLevel(on, TONE_HZ, rate) > 100 * toneLevel(on, 2 * TONE_HZ, rate),
      "1 kHz dominates",
    );
    ok(
      toneLevel(on, TONE_HZ, rate) > 1000 * toneLevel(off, TONE_HZ, rate),
      "the tone follows the window",
    );
    const packet = tuned().at(-1)!;
    equal(packet.l, 0);
    equal(packet.r, 64);
    ok(packet.pwr > 0);
    ok(packet.pwr > 100 * detuned().at(-1)!.pwr, "pwr follows the window");
  } finally {
    await server.close();
  }
});

Deno.test("SdrServer /events sends the full state, deltas, and [-1,-1,-1] on departure", async () => {
  const server = await start();
  try {
    const events = await SdrProbe.connect(base(server), "events");
    await events.waitFor(() => events.events.length >= 1, 5000);
    equal(events.firstFrame, "text");
    deepEqual(events.events[0], {
      waterfall_clients: 0,
      signal_clients: 0,
      signal_changes: {},
      waterfall_kbits: 0,
      audio_kbits: 0,
    });
    const audio = await SdrProbe.connect(base(server), "audio");
    await audio.waitFor(() => audio.settings !== undefined, 5000);
    const id = String(audio.settings!.client_id);
    const changes = (i: number) =>
      events.events[i].signal_changes as Record<string, number[]>;
    const find = (f: (window: number[] | undefined) => boolean) =>
      events.events.findIndex((_e, i) => i > 0 && f(changes(i)[id]));
    const m = server.defaults.m;
    await events.waitFor(() => find((w) => w?.[1] === m) > 0, 5000);
    const joined = events.events[find((w) => w?.[1] === m)];
    equal(joined.signal_clients, 1);
    deepEqual(changes(events.events.indexOf(joined))[id], [
      server.defaults.l,
      m,
      server.defaults.r,
    ]);
    audio.send({ cmd: "window", l: 500, m: 510.5, r: 560 });
    await events.waitFor(() => find((w) => w?.[1] === 510.5) > 0, 5000);
    deepEqual(changes(find((w) => w?.[1] === 510.5))[id], [500, 510.5, 560]);
    // A second events socket gets the full state at once.
    const late = await SdrProbe.connect(base(server), "events");
    await late.waitFor(() => late.events.length >= 1, 5000);
    deepEqual(
      (late.events[0].signal_changes as Record<string, number[]>)[id],
      [500, 510.5, 560],
    );
    await audio.close();
    await events.waitFor(() => find((w) => w?.[0] === -1) > 0, 5000);
    const left = events.events[find((w) => w?.[0] === -1)];
    deepEqual(changes(events.events.indexOf(left))[id], [-1, -1, -1]);
    equal(left.signal_clients, 0);
    await events.close();
    await late.close();
  } finally {
    await server.close();
  }
});

Deno.test("SdrServer ignores and counts invalid, oversized, binary and rate-limited commands", async () => {
  const server = await start({ commandsPerSecond: 5 });
  try {
    const audio = await SdrProbe.connect(base(server), "audio");
    const waterfall = await SdrProbe.connect(base(server), "waterfall");
    const events = await SdrProbe.connect(base(server), "events");
    await audio.waitFor(() => audio.settings !== undefined, 5000);
    audio.send("not json");
    audio.send({ cmd: "nope" });
    audio.send("x".repeat(5000));
    audio.socket.send(new Uint8Array([1, 2, 3]));
    audio.send({ cmd: "window", l: 0, m: 0, r: 99999 });
    audio.send({ cmd: "demodulation", demodulation: "AM-S" });
    audio.send({ cmd: "window", l: 600, m: 600, r: 660 });
    waterfall.send({ cmd: "demodulation", demodulation: "USB" });
    events.send("{");
    events.send({ cmd: "userid", userid: "abc" });
    // 10 tokens (2 s worth) then 5 per second: most of 40 are refused.
    for (let i = 0; i < 40; i++) {
      waterfall.send({ cmd: "window", l: 0, r: 256 });
    }
    await audio.waitFor(() => audio.audio.some((p) => p.m === 600), 5000);
    // The other sockets' commands are handled in their own order.
    const handled = (kind: "waterfall" | "events") => {
      const s = server.stats().sockets[kind];
      return s.commands +
        Object.values(s.commandsRejected).reduce((a, b) => a + b, 0);
    };
    const deadline = Date.now() + 5000;
    while (handled("waterfall") < 41 || handled("events") < 2) {
      ok(Date.now() < deadline, "commands not handled in time");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const stats = server.stats().sockets;
    deepEqual(stats.audio.commandsRejected, {
      invalid_json: 1,
      unknown_cmd: 1,
      too_long: 1,
      binary: 1,
      out_of_range: 1,
      unknown_mode: 1,
    });
    equal(stats.audio.commands, 1);
    equal(stats.events.commandsRejected.invalid_json, 1);
    equal(stats.events.commands, 1);
    equal(stats.waterfall.commandsRejected.wrong_socket, 1);
    ok(stats.waterfall.commandsRejected.rate_limited >= 25);
    ok(stats.waterfall.commands <= 15);
    const info = server.clients().find((c) => c.socket === "audio")!;
    equal(info.commandsRejected, 6);
    const metrics = await (await fetch(
      `http://127.0.0.1:${server.addr.port}/metrics`,
    )).text();
    match(
      metrics,
      /shack_sdr_commands_rejected_total\{socket="audio",reason="too_long"\} 1/,
    );
    // Still served after all that.
    ok(audio.socket.readyState === WebSocket.OPEN);
    await audio.close();
    await waterfall.close();
    await events.close();
  } finally {
    await server.close();
  }
});

Deno.test("SdrServer refuses connections beyond its limits and per address", async () => {
  const server = await start({
    limits: { audio: 1, waterfall: 5, events: 5, perIp: 2 },
  });
  try {
    const first = await SdrProbe.connect(base(server), "audio");
    await rejects(SdrProbe.connect(base(server), "audio"), /refused/);
    const w1 = await SdrProbe.connect(base(server), "waterfall");
    const w2 = await SdrProbe.connect(base(server), "waterfall");
    await rejects(SdrProbe.connect(base(server), "waterfall"), /refused/);
    const stats = server.stats().sockets;
    deepEqual(stats.audio.refused, { limit: 1 });
    deepEqual(stats.waterfall.refused, { per_ip: 1 });
    equal(stats.audio.clients, 1);
    equal(stats.waterfall.clients, 2);
    await first.close();
    await w1.close();
    // Slots are given back on close.
    const again = await SdrProbe.connect(base(server), "audio");
    const w3 = await SdrProbe.connect(base(server), "waterfall");
    await again.close();
    await w2.close();
    await w3.close();
    // Unknown WebSocket paths are not upgraded.
    await rejects(
      SdrProbe.connect(base(server), "chat" as "events"),
      /refused/,
    );
  } finally {
    await server.close();
  }
});

/** A raw WebSocket handshake; returns the status line and the open connection. */
async function handshake(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: string; conn: Deno.TcpConn }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  await conn.write(
    new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        `Sec-WebSocket-Version: 13\r\n${extra}\r\n`,
    ),
  );
  const buffer = new Uint8Array(1024);
  const n = await conn.read(buffer);
  const status = new TextDecoder().decode(buffer.subarray(0, n ?? 0))
    .split("\r\n")[0];
  return { status, conn };
}

Deno.test("SdrServer takes the client address from a trusted proxy's headers", async () => {
  const server = await start({
    limits: { perIp: 1 },
    trustForwardedFor: true,
  });
  const conns: Deno.TcpConn[] = [];
  try {
    const port = server.addr.port;
    const a = await handshake(port, "/events", { "X-Real-IP": "192.0.2.1" });
    const b = await handshake(port, "/events", {
      "X-Forwarded-For": "198.51.100.7, 192.0.2.2",
    });
    const c = await handshake(port, "/events", { "X-Real-IP": "192.0.2.1" });
    conns.push(a.conn, b.conn, c.conn);
    equal(a.status, "HTTP/1.1 101 Switching Protocols");
    equal(b.status, "HTTP/1.1 101 Switching Protocols");
    equal(c.status, "HTTP/1.1 429 Too Many Requests");
    deepEqual(server.stats().sockets.events.refused, { per_ip: 1 });
  } finally {
    for (const conn of conns) conn.close();
    await server.close();
  }
});

Deno.test("SdrServer serves files, /healthz and /metrics", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_sdr_html_" });
  await Deno.writeTextFile(`${dir}/index.html`, "<h1>frontend</h1>");
  const builtin = await start();
  const custom = await start({ htmlRoot: dir });
  try {
    const http = (server: SdrServer, path: string) =>
      fetch(`http://127.0.0.1:${server.addr.port}${path}`);
    const page = await http(builtin, "/");
    equal(page.status, 200);
    match(await page.text(), /<title>shack sdr<\/title>[\s\S]*src="app\.js"/);
    equal(await (await http(custom, "/")).text(), "<h1>frontend</h1>");
    const missing = await http(custom, "/nope.js");
    equal(missing.status, 404);
    await missing.body?.cancel();
    const probe = await SdrProbe.connect(base(builtin), "waterfall");
    await probe.waitFor(() => probe.lines.length > 0, 5000);
    const health = await (await http(builtin, "/healthz")).json();
    equal(health.status, "ok");
    equal(health.service, "sdr");
    equal(health.checks.dsp.backend, "pffft");
    equal(health.checks.clients.waterfall, 1);
    const metrics = await (await http(builtin, "/metrics")).text();
    for (
      const line of [
        /^shack_sdr_input_samples_total \d+$/m,
        /^shack_sdr_ring_overflow_samples_total 0$/m,
        /^shack_sdr_dsp_stage_seconds_count\{stage="fft"\} [1-9]\d*$/m,
        /^shack_sdr_dsp_stage_seconds_count\{stage="waterfall"\} [1-9]\d*$/m,
        /^shack_sdr_clients\{socket="waterfall"\} 1$/m,
        /^shack_sdr_frames_sent_total\{socket="waterfall"\} [1-9]\d*$/m,
        /^shack_sdr_frames_dropped_total\{socket="waterfall",reason="backpressure"\} 0$/m,
        /^shack_sdr_bytes_out_total\{socket="waterfall"\} [1-9]\d*$/m,
      ]
    ) match(metrics, line);
    await probe.close();
  } finally {
    await builtin.close();
    await custom.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SdrServer reports a source that ended as failing", async () => {
  const server = await SdrServer.start({
    source: new SyntheticSource({ sps: SPS, durationSeconds: 0.2 }),
    hostname: "127.0.0.1",
    port: 0,
    fftSize: FFT,
    waterfallSize: 256,
  });
  try {
    const end = await server.sourceEnded;
    equal(end?.reason, "eof");
    const response = await fetch(
      `http://127.0.0.1:${server.addr.port}/healthz`,
    );
    equal(response.status, 503);
    const health = await response.json();
    equal(health.checks.source.status, "failing");
    equal(health.checks.source.reason, "eof");
  } finally {
    await server.close();
  }
});

Deno.test("SdrServer.start() fails cleanly on a bad setting or a busy port", async () => {
  await rejects(start({ smeterOffset: 1.5 }), RangeError);
  await rejects(start({ waterfallSize: 4096 }), RangeError);
  await rejects(start({ defaultFrequency: 1_000_000 }), RangeError);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const source = new SyntheticSource({ sps: SPS });
    await rejects(
      SdrServer.start({
        source,
        hostname: "127.0.0.1",
        port: (listener.addr as Deno.NetAddr).port,
        fftSize: FFT,
        waterfallSize: 256,
      }),
      Deno.errors.AddrInUse,
    );
    equal(source.ended?.reason, "aborted");
  } finally {
    listener.close();
  }
});
