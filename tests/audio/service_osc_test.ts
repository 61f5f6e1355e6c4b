import { deepEqual, equal, ok } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import { defaultAudioConfig } from "../../lib/audio/config.ts";
import { AudioService } from "../../lib/audio/service.ts";
import { workerCommand } from "../../lib/audio/supervisor/worker_command.ts";
import { decodePacket } from "../../lib/audio/osc/decode.ts";
import { encodeMessage } from "../../lib/audio/osc/encode.ts";
import type { OscMessage } from "../../lib/audio/osc/packet.ts";
import { PacedSink } from "../../lib/audio/sinks/paced_sink.ts";
import type {
  Sink,
  SinkFormat,
  SinkStats,
} from "../../lib/audio/sinks/sink.ts";

const WORKER = workerCommand({
  entry: new URL("../../lib/audio/worker/main.ts", import.meta.url),
});
const FORMAT: SinkFormat = { sampleRate: 16000, channels: 2, blockSize: 64 };

/** Remembers the first block that was not silent. */
class LoudnessSink implements Sink {
  readonly format = FORMAT;
  blocks = 0;
  firstLoud = -1;
  loud = Promise.withResolvers<number>();
  get stats(): SinkStats {
    return {
      blocks: this.blocks,
      frames: this.blocks * FORMAT.blockSize,
      bytes: 0,
    };
  }
  write(block: Float32Array): void {
    if (this.firstLoud < 0 && block.some((v) => Math.abs(v) > 1e-3)) {
      this.firstLoud = this.blocks;
      this.loud.resolve(this.blocks);
    }
    this.blocks++;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Expected ${what} within ${ms} ms`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

Deno.test("AudioService over real UDP: /status, /sync, an audible /s_new, /healthz, /metrics, /quit", async () => {
  const inner = new LoudnessSink();
  const service = await AudioService.start(
    {
      ...defaultAudioConfig(),
      sample_rate: FORMAT.sampleRate,
      block_size: FORMAT.blockSize,
      channels: FORMAT.channels,
      osc_host: "127.0.0.1",
      osc_port: 0,
      http_host: "127.0.0.1",
      realtime: true,
      stall_timeout_ms: 5000,
      startup_grace_ms: 5000,
    },
    {
      logger: new Logger({ sink: () => {} }),
      phrase: false,
      sink: new PacedSink(inner),
      httpPort: 0,
      workerCommand: WORKER,
    },
  );
  const client = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  const to = {
    transport: "udp" as const,
    hostname: "127.0.0.1",
    port: service.osc.addr.port,
  };
  const ask = async (
    address: string,
    args: Parameters<typeof encodeMessage>[1] = [],
  ) => {
    await client.send(encodeMessage(address, args), to);
    const [bytes] = await within(
      client.receive(),
      5000,
      `a reply to ${address}`,
    );
    return decodePacket(bytes) as OscMessage;
  };
  try {
    const status = await ask("/status");
    equal(status.address, "/status.reply");
    equal(status.args[0].value, 1);
    equal(status.args[7].value, FORMAT.sampleRate);
    const names = status.args.filter((a) => a.type === "s").map((a) => a.value);
    ok(names.includes("failovers") && names.includes("underruns"));

    deepEqual(await ask("/sync", [7]), {
      kind: "message",
      address: "/synced",
      args: [{ type: "i", value: 7 }],
    });

    equal(inner.firstLoud, -1, "silence before any note");
    const horizonBlock = service.supervisor.horizonFrame / FORMAT.blockSize;
    await client.send(
      encodeMessage("/s_new", ["lead", 1000, 0, 0, "note", 69, "amp", 1]),
      to,
    );
    equal((await ask("/sync", [8])).address, "/synced");
    const loudAt = await within(
      inner.loud.promise,
      10_000,
      "the note in the output",
    );
    ok(
      loudAt >= horizonBlock,
      `the note starts at block ${loudAt}, not before the horizon ${horizonBlock}`,
    );

    const bad = await ask("/d_recv", [new Uint8Array(8)]);
    equal(bad.address, "/fail");

    const base = `http://127.0.0.1:${service.http!.addr.port}`;
    const health = await fetch(`${base}/healthz`);
    equal(health.status, 200);
    const report = await health.json();
    equal(report.service, "audio");
    ok(["ok", "degraded"].includes(report.status));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    ok(/^shack_audio_blocks_written_total \d+$/m.test(metrics));
    ok(metrics.includes('shack_audio_failovers_total{reason="exit"} 0'));
    const missing = await fetch(`${base}/nope`);
    equal(missing.status, 404);
    await missing.body?.cancel();

    const done = await ask("/quit");
    equal(done.address, "/done");
    equal(await within(service.done, 2000, "the quit"), "quit");
  } finally {
    client.close();
    await service.close();
  }
});

Deno.test("AudioService.start() refuses a script with a bad line before starting anything", async () => {
  const { parseScript } = await import("../../lib/audio/script.ts");
  let failed: Error | undefined;
  try {
    await AudioService.start(
      { ...defaultAudioConfig(), sink: "null", osc_port: 0, http_port: 0 },
      {
        logger: new Logger({ sink: () => {} }),
        script: { entries: parseScript("0 /nope 1\n"), file: "x.osc" },
        workerCommand: WORKER,
      },
    );
  } catch (error) {
    failed = error as Error;
  }
  equal(failed?.name, "ConfigError");
});
