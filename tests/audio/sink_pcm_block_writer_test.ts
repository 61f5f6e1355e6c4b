import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { PcmBlockWriter } from "../../lib/audio/sinks/_pcm_block_writer.ts";
import {
  checkSampleEncoding,
  type SampleEncoding,
  SinkStateError,
} from "../../lib/audio/sinks/sink.ts";

const FORMAT = { sampleRate: 48000, channels: 2, blockSize: 2 };

Deno.test("PcmBlockWriter.write() encodes into one reused buffer and counts", async () => {
  const pcm = new PcmBlockWriter(FORMAT, "f32le");
  const buffers: ArrayBufferLike[] = [];
  const sent: number[] = [];
  const send = async (bytes: Uint8Array) => {
    buffers.push(bytes.buffer);
    const floats = new Float32Array(bytes.slice().buffer);
    sent.push(...floats);
    await Promise.resolve();
  };
  await pcm.write(new Float32Array([0.5, -0.5, 0.25, -0.25]), send);
  await pcm.write(new Float32Array([1, NaN]), send);
  deepEqual(sent, [0.5, -0.5, 0.25, -0.25, 1, 0]);
  equal(buffers[0], buffers[1], "the same buffer both times");
  deepEqual(pcm.stats, { blocks: 2, frames: 3, bytes: 24, writeErrors: 0 });
});

Deno.test("PcmBlockWriter.write() refuses a second write while one is in progress", async () => {
  const pcm = new PcmBlockWriter(FORMAT, "s16le");
  const gate = Promise.withResolvers<void>();
  const first = pcm.write(new Float32Array(4), () => gate.promise);
  await rejects(
    pcm.write(new Float32Array(4), () => Promise.resolve()),
    SinkStateError,
  );
  gate.resolve();
  await first;
  await pcm.write(new Float32Array(4), () => Promise.resolve());
  equal(pcm.stats.blocks, 2);
});

Deno.test("PcmBlockWriter.write() counts and rethrows a failed send, then writes again", async () => {
  const pcm = new PcmBlockWriter(FORMAT, "s16le");
  await rejects(
    pcm.write(new Float32Array(4), () => Promise.reject(new Error("EPIPE"))),
    /EPIPE/,
  );
  deepEqual(pcm.stats, { blocks: 0, frames: 0, bytes: 0, writeErrors: 1 });
  await rejects(
    pcm.write(new Float32Array(3), () => Promise.resolve()),
    RangeError,
  );
  await pcm.write(new Float32Array(4), () => Promise.resolve());
  deepEqual(pcm.stats, { blocks: 1, frames: 2, bytes: 8, writeErrors: 1 });
});

Deno.test("checkSampleEncoding() defaults to s16le and rejects unknown encodings", () => {
  equal(checkSampleEncoding(undefined), "s16le");
  equal(checkSampleEncoding("f32le"), "f32le");
  throws(
    () => checkSampleEncoding("s24le" as SampleEncoding),
    /Expected encoding "s16le" or "f32le", found "s24le"/,
  );
});
