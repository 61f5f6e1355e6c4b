// `/audio` with Opus over real WebSockets: sv1btl's raw 20 ms packets in the
// usual CBOR envelope plus "codec": "opus", per-client codec choice, and one
// libopus encoder per listener, freed when it leaves.
import { deepEqual, equal, ok } from "node:assert/strict";
import {
  SdrServer,
  type SdrServerOptions,
} from "../../lib/sdr/server/sdr_server.ts";
import { SdrProbe } from "../../lib/sdr/server/sdr_probe.ts";
import { SyntheticSource } from "../../lib/sdr/sources/synthetic_source.ts";
import { decodeFlac } from "../../lib/sdr/wire/flac_decoder.ts";
import { opusHeapBytes } from "../../lib/sdr/wire/opus_module.ts";
import { decodeWithOpusscript, toneLevel } from "./_opus.ts";

// 96 kS/s IQ, N = 2048: 12 kHz listener audio, 128 samples per FFT frame.
// One AM station 10 kHz above the centre, 80 % modulated by 1 kHz.
const CENTRE = 7_100_000;
const DIAL = CENTRE + 10_000;
const TONE_HZ = 1000;

function start(options: Partial<SdrServerOptions> = {}): Promise<SdrServer> {
  return SdrServer.start({
    source: new SyntheticSource({
      sps: 96000,
      frequency: CENTRE,
      stations: [{
        offsetHz: DIAL - CENTRE,
        mode: "AM",
        levelDb: 0,
        label: "AM tone",
        modulationIndex: 0.8,
        content: { kind: "tones", tonesHz: [TONE_HZ] },
      }],
    }),
    hostname: "127.0.0.1",
    port: 0,
    fftSize: 2048,
    waterfallSize: 256,
    defaultFrequency: DIAL,
    defaultModulation: "AM",
    audioCompression: "opus",
    ...options,
  });
}

function base(server: SdrServer): string {
  return `ws://127.0.0.1:${server.addr.port}`;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

Deno.test("SdrServer with audio_compression opus sends raw 20 ms Opus packets carrying the AM station's tone", async () => {
  const server = await start();
  try {
    const probe = await SdrProbe.connect(base(server), "audio", {
      maxKept: 100_000,
    });
    await probe.waitFor(() => probe.audio.length >= 150, 15_000);
    await probe.close();
    equal(probe.firstFrame, "text");
    equal(probe.settings?.audio_compression, "opus");
    const packets = probe.audio;
    // No FLAC header: every packet is a 20 ms Opus packet marked as such.
    ok(packets.every((p) => p.codec === "opus"), "codec field");
    ok(packets.every((p) => p.r > 0 && p.l === 0), "no r = 0 header packets");
    for (let i = 1; i < packets.length; i++) {
      ok(packets[i].frameNum > packets[i - 1].frameNum, "one per FFT frame");
    }
    // TOC byte: config 16–31 (CELT) or 0–15 (SILK/hybrid), one 20 ms frame.
    ok(
      packets.every((p) => (p.data[0] & 0x03) === 0),
      "one frame per packet",
    );
    const bytes = packets.reduce((n, p) => n + p.data.length, 0);
    const kbps = (bytes * 8) / (packets.length * 0.02) / 1000;
    ok(kbps > 50 && kbps < 100, `${kbps.toFixed(1)} kb/s`);
    // opusscript's decoder hears the 1 kHz modulation after the AGC settles.
    const pcm = decodeWithOpusscript(packets.map((p) => p.data), 12000);
    equal(pcm.length, packets.length * 240);
    const steady = pcm.subarray(pcm.length / 2);
    const on = toneLevel(steady, TONE_HZ, 12000);
    ok(on > 1e4, `tone level ${on}`);
    ok(on > 100 * toneLevel(steady, 1700, 12000), "1 kHz dominates");
    ok(on > 100 * toneLevel(steady, 450, 12000), "1 kHz dominates");
    equal(server.stats().codecs.opus, 0);
  } finally {
    await server.close();
  }
});

Deno.test("SdrServer: codec_caps without Opus gets FLAC (header first); set_codec switches either way", async () => {
  const server = await start();
  try {
    const probe = await SdrProbe.connect(base(server), "audio", {
      maxKept: 100_000,
    });
    await probe.waitFor(() => probe.audio.length >= 5, 10_000);
    equal(server.stats().codecs.opus, 1);
    probe.send({ cmd: "codec_caps", opus: false });
    const flac = () => probe.audio.filter((p) => p.codec === "flac");
    await probe.waitFor(() => flac().length >= 40, 10_000);
    deepEqual(server.stats().codecs, { flac: 1, opus: 0 });
    // The FLAC packets start with the stream header and form one stream.
    const header = flac().slice(0, 3);
    ok(header.every((p) => p.r === 0 && p.frameNum === 0), "header packets");
    equal(new TextDecoder().decode(header[0].data), "fLaC");
    const first = probe.audio.indexOf(header[0]);
    ok(
      probe.audio.slice(0, first).every((p) => p.codec === "opus"),
      "opus until the switch",
    );
    const stream = decodeFlac(concat(flac().map((p) => p.data)));
    equal(stream.sampleRate, 12000);
    equal(stream.frames.length, flac().length - 3);
    // An explicit choice wins over the capabilities.
    probe.send({ cmd: "set_codec", codec: "opus" });
    const count = probe.audio.length;
    await probe.waitFor(
      () =>
        probe.audio.slice(count).filter((p) => p.codec === "opus").length >= 5,
      10_000,
    );
    probe.send({ cmd: "set_codec", codec: "pcm" }); // sv1btl-internal: refused
    await probe.waitFor(
      () =>
        (server.stats().sockets.audio.commandsRejected.unsupported_codec ??
          0) === 1,
      5000,
    );
    equal(server.stats().codecs.opus, 1);
    await probe.close();
  } finally {
    await server.close();
  }
});

Deno.test("SdrServer with FLAC by default sends Opus to a client that chooses it", async () => {
  const server = await start({ audioCompression: "flac" });
  try {
    const probe = await SdrProbe.connect(base(server), "audio", {
      maxKept: 100_000,
    });
    await probe.waitFor(() => probe.audio.length >= 10, 10_000);
    equal(probe.settings?.audio_compression, "flac");
    ok(probe.audio.every((p) => p.codec === undefined), "plain FLAC packets");
    probe.send({ cmd: "codec_caps", opus: true }); // capable, but FLAC is the default
    probe.send({ cmd: "set_codec", codec: "opus" });
    const opus = () => probe.audio.filter((p) => p.codec === "opus");
    await probe.waitFor(() => opus().length >= 50, 10_000);
    const pcm = decodeWithOpusscript(opus().map((p) => p.data), 12000);
    const steady = pcm.subarray(pcm.length / 2);
    ok(
      toneLevel(steady, TONE_HZ, 12000) > 100 * toneLevel(steady, 1700, 12000),
      "1 kHz dominates",
    );
    await probe.close();
  } finally {
    await server.close();
  }
});

Deno.test("SdrServer frees each listener's Opus encoder: 1,000 /audio connections come and go, the wasm heap stays", async () => {
  const server = await start({ limits: { perIp: 0 } });
  const batch = 25;
  const cycle = async () => {
    const probes = await Promise.all(
      Array.from(
        { length: batch },
        () => SdrProbe.connect(base(server), "audio", { decode: false }),
      ),
    );
    await Promise.all(
      probes.map((p) => p.waitFor(() => p.settings !== undefined, 10_000)),
    );
    await Promise.all(probes.map((p) => p.close()));
  };
  const settled = async () => {
    const end = performance.now() + 10_000;
    while (
      server.stats().sockets.audio.clients > 0 && performance.now() < end
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    equal(server.stats().sockets.audio.clients, 0);
  };
  try {
    await cycle(); // the heap grows once to hold a batch
    await settled();
    const before = opusHeapBytes();
    ok(before > 0);
    for (let i = 0; i < 1000 / batch; i++) await cycle();
    await settled();
    equal(server.stats().sockets.audio.accepted, 1000 + batch);
    deepEqual(server.stats().codecs, { flac: 0, opus: 0 });
    equal(opusHeapBytes(), before, "the wasm heap did not grow");
  } finally {
    await server.close();
  }
});
