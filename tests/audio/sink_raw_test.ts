import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import { bytesPerSample, encodePcm } from "../../lib/audio/sinks/pcm.ts";
import { RawSink } from "../../lib/audio/sinks/raw_sink.ts";

Deno.test("encodePcm() clips, rounds and zeroes NaN for s16le", () => {
  const out = new Uint8Array(14);
  equal(
    encodePcm(
      new Float32Array([0.5, -0.5, 1.5, -3, NaN, 1e-6, -1]),
      "s16le",
      out,
    ),
    14,
  );
  const view = new DataView(out.buffer);
  deepEqual(
    Array.from({ length: 7 }, (_, i) => view.getInt16(i * 2, true)),
    [16384, -16384, 32767, -32767, 0, 0, -32767],
  );
  throws(
    () => encodePcm(new Float32Array(8), "s16le", new Uint8Array(15)),
    RangeError,
  );
});

Deno.test("encodePcm() copies floats for f32le, also into an unaligned buffer", () => {
  const samples = new Float32Array([0.1, -2, NaN, Infinity]);
  const aligned = new Uint8Array(16);
  encodePcm(samples, "f32le", aligned);
  deepEqual([...new Float32Array(aligned.buffer)], [
    Math.fround(0.1),
    -2,
    0,
    Infinity,
  ]);
  const backing = new Uint8Array(17);
  const unaligned = backing.subarray(1);
  encodePcm(samples, "f32le", unaligned);
  deepEqual(unaligned, aligned);
  equal(bytesPerSample("f32le"), 4);
});

Deno.test("RawSink writes raw PCM to a writer, taking partial writes", async () => {
  const chunks: Uint8Array[] = [];
  const writer = {
    write(p: Uint8Array) {
      const n = Math.min(3, p.length); // a writer that takes 3 bytes at a time
      chunks.push(p.slice(0, n));
      return Promise.resolve(n);
    },
  };
  const sink = new RawSink({
    sampleRate: 8000,
    channels: 2,
    blockSize: 2,
    writer,
  });
  await sink.write(new Float32Array([1, -1, 0, 0.5]));
  const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  deepEqual([...joined], [0xff, 0x7f, 0x01, 0x80, 0, 0, 0x00, 0x40]);
  equal(sink.stats.bytes, 8);
  await sink.close();
  await rejects(Promise.resolve().then(() => sink.write(new Float32Array(4))), {
    name: "SinkStateError",
  });
});

Deno.test("RawSink counts a failed write and rethrows it", async () => {
  const sink = new RawSink({
    sampleRate: 8000,
    channels: 1,
    blockSize: 4,
    writer: { write: () => Promise.reject(new Deno.errors.BrokenPipe("gone")) },
  });
  await rejects(sink.write(new Float32Array(4)), Deno.errors.BrokenPipe);
  equal(sink.stats.writeErrors, 1);
  equal(sink.stats.blocks, 0);
  await sink.close();
});

for (const encoding of ["s16le", "f32le"] as const) {
  Deno.test(`RawSink streams ${encoding} on a real process's stdout`, async () => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        new URL("./_raw_stdout_child.ts", import.meta.url).pathname,
        encoding,
        "50",
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    equal(output.code, 0);
    const bytes = output.stdout;
    const width = bytesPerSample(encoding);
    equal(bytes.length, 50 * 8 * width);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const read = (i: number) =>
      encoding === "s16le"
        ? view.getInt16(i * 2, true) / 32767
        : view.getFloat32(i * 4, true);
    // the last block: [0, 0.25, 0.5, -0.5, 1, -1, 0.49, -0.49]
    const base = 49 * 8;
    const expected = [0, 0.25, 0.5, -0.5, 1, -1, 0.49, -0.49];
    for (let i = 0; i < 8; i++) {
      const tolerance = encoding === "s16le" ? 1 / 32767 : 1e-7;
      equal(Math.abs(read(base + i) - expected[i]) <= tolerance, true, `${i}`);
    }
  });
}
