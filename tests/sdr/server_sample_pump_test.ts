import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { SampleRing } from "../../lib/core/ring/sample_ring.ts";
import type { SampleFormat } from "../../lib/sdr/sample_format.ts";
import { SamplePump } from "../../lib/sdr/server/sample_pump.ts";
import {
  createSourceCounters,
  type SampleSource,
  type SourceEnd,
} from "../../lib/sdr/sources/source.ts";
import { SyntheticSource } from "../../lib/sdr/sources/synthetic_source.ts";

/** A source that hands out fixed chunks (of any length, split anywhere). */
class ChunkSource implements SampleSource {
  readonly kind = "test";
  readonly signal = "iq" as const;
  readonly sps = 1000;
  readonly frequency = 0;
  readonly counters = createSourceCounters();
  ended: SourceEnd | undefined;
  #chunks: Uint8Array[];

  constructor(readonly format: SampleFormat, chunks: Uint8Array[]) {
    this.#chunks = chunks;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  read(buf: Uint8Array): Promise<number | null> {
    const chunk = this.#chunks.shift();
    if (chunk === undefined) {
      this.ended = { reason: "eof", message: "End of test chunks" };
      return Promise.resolve(null);
    }
    buf.set(chunk);
    return Promise.resolve(chunk.length);
  }

  close(): void {
    this.ended ??= { reason: "closed", message: "Closed" };
  }
}

Deno.test("SamplePump.run() converts bytes into whole IQ samples across odd chunk splits", async () => {
  // s16 IQ: (0.5, -0.5), (0.25, -1), split after 3 and 5 bytes.
  const bytes = [0x00, 0x40, 0x00, 0xc0, 0x00, 0x20, 0x00, 0x80];
  const source = new ChunkSource("s16", [
    Uint8Array.from(bytes.slice(0, 3)),
    Uint8Array.from(bytes.slice(3, 5)),
    Uint8Array.from(bytes.slice(5)),
  ]);
  const ring = SampleRing.create(16);
  const pump = new SamplePump(source, ring);
  const end = await pump.run();
  equal(end?.reason, "eof");
  equal(pump.counters.samples, 2);
  equal(pump.counters.chunks, 3);
  const out = new Float32Array(4);
  equal(ring.read(out), 4);
  deepEqual([...out], [0.5, -0.5, 0.25, -1]);
  equal(pump.run(), pump.run()); // the same run
});

Deno.test("SamplePump.run() drains a fast source into a full ring without waiting, counting the overflow", async () => {
  const source = new SyntheticSource({
    sps: 48000,
    pace: "fast",
    format: "u8",
    durationSeconds: 1,
  });
  await source.start(new AbortController().signal);
  const ring = SampleRing.create(4096); // nobody reads it
  const pump = new SamplePump(source, ring, { chunkBytes: 1000 });
  const end = await pump.run();
  equal(end?.reason, "eof");
  equal(pump.counters.samples, 48000);
  equal(ring.available(), 4096);
  equal(pump.counters.droppedSamples, 48000 - 2048);
  equal(ring.overflows, 2 * (48000 - 2048));
  ok(pump.counters.chunks >= 96);
});

Deno.test("SamplePump stops when the source's signal aborts", async () => {
  const abort = new AbortController();
  const source = new SyntheticSource({ sps: 48000 }); // real time, endless
  await source.start(abort.signal);
  const pump = new SamplePump(source, SampleRing.create(1 << 16));
  const running = pump.run();
  await new Promise((resolve) => setTimeout(resolve, 50));
  abort.abort();
  equal((await running)?.reason, "aborted");
});

Deno.test("new SamplePump() rejects a chunk smaller than one sample", () => {
  throws(
    () =>
      new SamplePump(new ChunkSource("f32", []), SampleRing.create(8), {
        chunkBytes: 7,
      }),
    RangeError,
  );
});
