import { equal, ok } from "node:assert/strict";
import { SdrServer } from "../../lib/sdr/server/sdr_server.ts";
import { SdrProbe } from "../../lib/sdr/server/sdr_probe.ts";
import { SyntheticSource } from "../../lib/sdr/sources/synthetic_source.ts";

/** A masked client → server text frame (payload under 126 bytes). */
function maskedText(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const mask = [0x12, 0x34, 0x56, 0x78];
  const frame = new Uint8Array(6 + payload.length);
  frame.set([0x81, 0x80 | payload.length, ...mask]);
  for (let i = 0; i < payload.length; i++) {
    frame[6 + i] = payload[i] ^ mask[i % 4];
  }
  return frame;
}

/**
 * Opens `/audio` over a raw TCP connection, completes the handshake, sends
 * `commands`, and then never reads again, like a client on a dead link.
 */
async function stalledClient(
  port: number,
  commands: string[],
): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(
    new TextEncoder().encode(
      "GET /audio HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" +
        "Connection: Upgrade\r\nSec-WebSocket-Key: c3RhbGxlZC1jbGllbnQhIQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\n\r\n",
    ),
  );
  const buffer = new Uint8Array(256);
  const n = await conn.read(buffer);
  const head = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
  ok(head.startsWith("HTTP/1.1 101"), head);
  for (const command of commands) await conn.write(maskedText(command));
  return conn;
}

Deno.test("SdrServer drops and counts frames for a client that stops reading, not for the others", async () => {
  // AM over 2000 bins of band noise at 600 kS/s of audio is about 1 MB/s
  // of FLAC per listener, so the stalled connection's socket buffers (about
  // 4 MB on loopback) fill within seconds.
  const server = await SdrServer.start({
    source: new SyntheticSource({ sps: 1_200_000, stations: [] }),
    hostname: "127.0.0.1",
    port: 0,
    fftSize: 4096,
    audioSps: 600_000,
    waterfallSize: 1024,
    // Above a burst of frames sent in one turn of a busy event loop.
    maxBufferedBytes: 512 * 1024,
  });
  let stalled: Deno.TcpConn | undefined;
  let reader: SdrProbe | undefined;
  try {
    reader = await SdrProbe.connect(
      `ws://127.0.0.1:${server.addr.port}`,
      "audio",
      {
        maxKept: 1_000_000,
      },
    );
    const m = 2048 + 100;
    const commands = [
      JSON.stringify({ cmd: "demodulation", demodulation: "AM" }),
      JSON.stringify({ cmd: "window", l: m - 1000, m, r: m + 1000 }),
    ];
    for (const command of commands) reader.send(command);
    stalled = await stalledClient(server.addr.port, commands);
    const clients = () => server.clients().filter((c) => c.socket === "audio");
    const stalledInfo = () =>
      clients().find((c) =>
        c.userid === "" && c.id !== reader!.settings?.client_id
      );
    const deadline = Date.now() + 60_000;
    while (!((stalledInfo()?.framesDropped ?? 0) > 50)) {
      ok(Date.now() < deadline, "the stalled client never had frames dropped");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const before = reader.audio.length;
    await reader.waitFor(() => reader!.audio.length > before + 200, 10_000);

    const stats = server.stats().sockets.audio;
    ok(
      stats.framesDropped.backpressure > 50,
      JSON.stringify(stats.framesDropped),
    );
    const readerInfo = clients().find((c) =>
      c.id === reader!.settings?.client_id
    )!;
    equal(readerInfo.framesDropped, 0);
    ok(
      stalledInfo()!.framesSent > 10,
      "the stalled client was served at first",
    );
    // The reading client got every frame: consecutive frame numbers.
    const frames = reader.audio.slice(3);
    ok(frames.length > 500);
    for (let i = 1; i < frames.length; i++) {
      equal(frames[i].frameNum, frames[i - 1].frameNum + 1, `gap at ${i}`);
    }
    const metrics = server.metrics.render();
    ok(
      /shack_sdr_frames_dropped_total\{socket="audio",reason="backpressure"\} [1-9]/
        .test(metrics),
    );
  } finally {
    stalled?.close();
    await reader?.close();
    await server.close();
  }
});
