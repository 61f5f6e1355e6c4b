import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import fc from "fast-check";
import {
  byobSource,
  FrameError,
  FrameReader,
} from "../../lib/audio/worker/frame_reader.ts";
import {
  blockFrameBytes,
  encodeFrame,
  readF64,
  readU32,
  writeF64,
  writeU32,
} from "../../lib/audio/worker/protocol.ts";
import { PipeWriter } from "../../lib/audio/supervisor/pipe_writer.ts";

/** A source that hands out `bytes` in the given chunk sizes. */
function chunkedSource(bytes: Uint8Array, sizes: number[]) {
  let at = 0;
  let i = 0;
  return {
    read(into: Uint8Array): Promise<Uint8Array | null> {
      if (at >= bytes.length) return Promise.resolve(null);
      const n = Math.min(
        sizes[i++ % sizes.length],
        into.length,
        bytes.length - at,
      );
      into.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(into.subarray(0, n));
    },
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("readF64()/writeF64() round-trip block indices past 2^32 at any offset", () => {
  const b = new Uint8Array(16);
  for (const [offset, v] of [[0, 0], [3, 2 ** 40 + 17], [8, -1], [5, 1e-300]]) {
    writeF64(b, offset, v);
    equal(readF64(b, offset), v);
  }
  writeU32(b, 1, 0xdeadbeef);
  equal(readU32(b, 1), 0xdeadbeef);
});

Deno.test("FrameReader.run() yields every frame whatever the chunking (property)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }),
      async (payloads, sizes) => {
        const frames = payloads.map((p, i) => encodeFrame(i + 1, p));
        const reader = new FrameReader(chunkedSource(concat(frames), sizes), {
          initialBytes: 16,
        });
        const got: [number, number[]][] = [];
        await reader.run((type, bytes, offset, length) => {
          got.push([type, [...bytes.subarray(offset + 8, offset + length)]]);
        });
        deepEqual(got, payloads.map((p, i) => [i + 1, [...p]]));
        equal(reader.pendingBytes, 0);
      },
    ),
    { seed: 42, numRuns: 200 },
  );
});

Deno.test("FrameReader.run() follows a BYOB stream's transferred buffer", async () => {
  const frames = [
    encodeFrame(3, new Uint8Array(5000).fill(7)),
    encodeFrame(4, new Uint8Array(3)),
  ];
  const all = concat(frames);
  let at = 0;
  const stream = new ReadableStream({
    type: "bytes",
    pull(controller) {
      const req = controller.byobRequest!;
      const view = req.view as Uint8Array;
      const n = Math.min(777, view.length, all.length - at);
      if (n === 0) {
        controller.close();
        req.respond(0);
        return;
      }
      view.set(all.subarray(at, at + n));
      at += n;
      req.respond(n);
    },
  });
  const source = byobSource(stream);
  const reader = new FrameReader(source, { initialBytes: 1024 });
  const got: number[] = [];
  await reader.run((type, bytes, offset, length) => {
    got.push(type, length, bytes[offset + 8]);
  });
  source.release();
  deepEqual(got, [3, 5008, 7, 4, 11, 0]);
});

Deno.test("FrameReader.run() rejects a frame longer than the limit", async () => {
  const header = new Uint8Array(8);
  writeU32(header, 0, 1 << 20);
  const reader = new FrameReader(chunkedSource(header, [8]), {
    maxFrameBytes: 1024,
  });
  await rejects(reader.run(() => {}), FrameError);
});

Deno.test("FrameReader.run() drops a trailing partial frame and reports it", async () => {
  const frame = encodeFrame(1, new Uint8Array(10));
  const reader = new FrameReader(chunkedSource(frame.subarray(0, 12), [5]));
  let frames = 0;
  await reader.run(() => frames++);
  equal(frames, 0);
  equal(reader.pendingBytes, 12);
});

Deno.test("PipeWriter.send() keeps frame order across many writes and reuses its buffers", async () => {
  const received: Uint8Array[] = [];
  const stream = new WritableStream<Uint8Array>({
    async write(chunk) {
      received.push(chunk.slice());
      await new Promise<void>((r) => queueMicrotask(r));
    },
  });
  const writer = new PipeWriter(stream, { capacity: 16384 });
  for (let i = 0; i < 500; i++) ok(writer.sendF64(4, i));
  await writer.close();
  const all = concat(received);
  equal(all.length, 500 * 16);
  for (let i = 0; i < 500; i++) equal(readF64(all, i * 16 + 8), i);
  ok(received.length < 500, "frames are batched while a write is pending");
  equal(writer.dropped, 0);
});

Deno.test("PipeWriter.send() drops and counts frames once a stalled pipe holds its capacity", async () => {
  const release = Promise.withResolvers<void>();
  const stream = new WritableStream<Uint8Array>({
    async write() {
      await release.promise;
    },
  });
  const writer = new PipeWriter(stream, { capacity: 64 });
  ok(writer.sendF64(4, 1)); // in flight
  let accepted = 0;
  for (let i = 0; i < 20; i++) if (writer.sendF64(4, i)) accepted++;
  equal(accepted, 4); // 64 bytes of 16-byte frames wait
  equal(writer.dropped, 16);
  release.resolve();
  await writer.close();
});

Deno.test("PipeWriter.send() grows for one frame larger than its capacity", async () => {
  const received: Uint8Array[] = [];
  const stream = new WritableStream<Uint8Array>({
    write(chunk) {
      received.push(chunk.slice());
    },
  });
  const writer = new PipeWriter(stream, { capacity: 64 });
  ok(writer.send(2, new Uint8Array(1000).fill(9)));
  await writer.close();
  const all = concat(received);
  equal(all.length, 1008);
  equal(readU32(all, 0), 1004);
  equal(all[1007], 9);
});

Deno.test("blockFrameBytes() is header plus float32 samples", () => {
  equal(blockFrameBytes(64, 1), 24 + 256);
});
