import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import {
  parseWavHeader,
  WAV_MAX_DATA_BYTES,
  wavHeader,
} from "../../lib/audio/sinks/wav_header.ts";
import { WavSink } from "../../lib/audio/sinks/wav_sink.ts";

const FORMAT = { sampleRate: 48000, channels: 2, blockSize: 256 };

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shack_wav_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("wavHeader() writes the canonical 44-byte PCM and 58-byte float headers", () => {
  equal(
    hex(
      wavHeader({
        encoding: "s16le",
        sampleRate: 48000,
        channels: 2,
        dataBytes: 1024,
      }),
    ),
    "52494646" + "24040000" + "57415645" + "666d7420" + "10000000" + "0100" +
      "0200" + "80bb0000" + "00ee0200" + "0400" + "1000" + "64617461" +
      "00040000",
  );
  equal(
    hex(
      wavHeader({
        encoding: "f32le",
        sampleRate: 44100,
        channels: 1,
        dataBytes: 40,
      }),
    ),
    "52494646" + "5a000000" + "57415645" + "666d7420" + "12000000" + "0300" +
      "0100" + "44ac0000" + "10b10200" + "0400" + "2000" + "0000" +
      "66616374" + "04000000" + "0a000000" + "64617461" + "28000000",
  );
  throws(
    () =>
      wavHeader({
        encoding: "s16le",
        sampleRate: 48000,
        channels: 2,
        dataBytes: 6,
      }),
    RangeError,
  );
  throws(
    () =>
      wavHeader({
        encoding: "s16le",
        sampleRate: 48000,
        channels: 1,
        dataBytes: WAV_MAX_DATA_BYTES + 2,
      }),
    RangeError,
  );
});

Deno.test("parseWavHeader() skips unknown chunks and rejects other formats", () => {
  const base = wavHeader({
    encoding: "s16le",
    sampleRate: 8000,
    channels: 1,
    dataBytes: 2,
  });
  // insert a LIST chunk of 5 bytes (padded to 6) before "data"
  const list = new Uint8Array([
    0x4c,
    0x49,
    0x53,
    0x54,
    5,
    0,
    0,
    0,
    1,
    2,
    3,
    4,
    5,
    0,
  ]);
  const withList = new Uint8Array(base.length + list.length);
  withList.set(base.subarray(0, 36));
  withList.set(list, 36);
  withList.set(base.subarray(36), 36 + list.length);
  const parsed = parseWavHeader(withList);
  equal(parsed.dataOffset, 44 + list.length);
  equal(parsed.dataBytes, 2);
  throws(
    () => parseWavHeader(new TextEncoder().encode("RIFX....WAVE")),
    TypeError,
  );
  const pcm24 = wavHeader({
    encoding: "s16le",
    sampleRate: 8000,
    channels: 1,
    dataBytes: 0,
  });
  new DataView(pcm24.buffer).setUint16(34, 24, true);
  throws(() => parseWavHeader(pcm24), /format 1 with 24 bits/);
});

Deno.test("WavSink writes 16-bit samples that read back within one step", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/s16.wav`;
    const sink = await WavSink.open(path, FORMAT);
    const block = new Float32Array(512);
    for (let i = 0; i < block.length; i++) block[i] = Math.sin(i / 7) * 0.9;
    for (let i = 0; i < 8; i++) await sink.write(block);
    await sink.close();
    const bytes = await Deno.readFile(path);
    const header = parseWavHeader(bytes);
    deepEqual(
      { ...header },
      {
        encoding: "s16le",
        sampleRate: 48000,
        channels: 2,
        blockAlign: 4,
        dataBytes: 8 * 512 * 2,
        dataOffset: 44,
        riffBytes: 36 + 8 * 512 * 2,
      },
    );
    equal(bytes.length, 44 + 8 * 512 * 2);
    const samples = new DataView(bytes.buffer, 44);
    for (let i = 0; i < 512; i++) {
      const read = samples.getInt16(7 * 1024 + i * 2, true) / 32767;
      ok(Math.abs(read - block[i]) <= 0.5 / 32767 + 1e-9, `sample ${i}`);
    }
    equal(sink.stats.frames, 8 * 256);
    equal(sink.seconds, 8 * 256 / 48000);
  });
});

Deno.test("WavSink writes 32-bit float samples exactly", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/f32.wav`;
    const sink = await WavSink.open(path, {
      sampleRate: 96000,
      channels: 1,
      blockSize: 4,
      encoding: "f32le",
    });
    await sink.write(new Float32Array([0.1, -0.2, 1.5, NaN]));
    await sink.close();
    const bytes = await Deno.readFile(path);
    const header = parseWavHeader(bytes);
    equal(header.encoding, "f32le");
    equal(header.dataOffset, 58);
    equal(new DataView(bytes.buffer).getUint32(46, true), 4); // fact: frames
    const floats = new Float32Array(bytes.slice(58).buffer);
    deepEqual([...floats], [Math.fround(0.1), Math.fround(-0.2), 1.5, 0]);
  });
});

Deno.test("WavSink.close() finalises the header when stopped early", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/early.wav`;
    // A header interval far in the future: only close() writes the sizes.
    const sink = await WavSink.open(path, { ...FORMAT, headerIntervalMs: 1e9 });
    for (let i = 0; i < 3; i++) await sink.write(new Float32Array(512));
    const beforeClose = parseWavHeader(await Deno.readFile(path));
    equal(beforeClose.dataBytes, 0); // written at open only
    await Promise.all([sink.close(), sink.close()]);
    const header = parseWavHeader(await Deno.readFile(path));
    equal(header.dataBytes, 3 * 1024);
    equal(header.riffBytes, 36 + 3 * 1024);
    await rejects(sink.write(new Float32Array(512)), {
      name: "SinkStateError",
    });
  });
});

Deno.test("WavSink rewrites the header on its interval, by the injected clock", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/interval.wav`;
    let now = 0;
    const sink = await WavSink.open(path, {
      ...FORMAT,
      headerIntervalMs: 1000,
      now: () => now,
    });
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      now += 400;
      await sink.write(new Float32Array(512));
      sizes.push(parseWavHeader(await Deno.readFile(path)).dataBytes);
    }
    // written at open (0 ms), then at 1200 ms (3 blocks), 2400 ms (6 blocks)
    deepEqual(sizes, [0, 0, 3072, 3072, 3072, 6144]);
    equal(sink.stats.headerWrites, 3);
    await sink.close(); // nothing new since the last header
    equal(sink.stats.headerWrites, 3);
  });
});

Deno.test("WavSink leaves a readable file when its process is killed", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/killed.wav`;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        new URL("./_wav_writer_child.ts", import.meta.url).pathname,
        path,
        "50",
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    equal(new TextDecoder().decode(value), "ready\n");
    child.kill("SIGKILL");
    await reader.cancel();
    const status = await child.status;
    equal(status.signal, "SIGKILL");
    const bytes = await Deno.readFile(path);
    const header = parseWavHeader(bytes);
    ok(header.dataBytes >= 49 * 1024, `dataBytes ${header.dataBytes}`);
    equal(header.dataBytes % header.blockAlign, 0);
    ok(header.dataOffset + header.dataBytes <= bytes.length);
    equal(header.riffBytes, 36 + header.dataBytes);
  });
});

Deno.test("WavSink drops and counts blocks past its size limit", async () => {
  await withDir(async (dir) => {
    const sink = await WavSink.open(`${dir}/limit.wav`, {
      ...FORMAT,
      maxDataBytes: 2500,
    });
    for (let i = 0; i < 4; i++) await sink.write(new Float32Array(512));
    await sink.close();
    equal(sink.stats.blocks, 2);
    equal(sink.stats.droppedFull, 2);
    equal(
      parseWavHeader(await Deno.readFile(`${dir}/limit.wav`)).dataBytes,
      2048,
    );
  });
});

Deno.test("WavSink refuses overlapping writes, odd blocks and existing files when asked", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/x.wav`;
    const sink = await WavSink.open(path, FORMAT);
    const first = sink.write(new Float32Array(512));
    await rejects(sink.write(new Float32Array(512)), {
      name: "SinkStateError",
      message:
        "Expected the previous write() to have finished, found it in progress",
    });
    await first;
    await rejects(sink.write(new Float32Array(3)), RangeError);
    // a longer block than blockSize is accepted (the buffer grows)
    await sink.write(new Float32Array(2048));
    await sink.close();
    equal(sink.stats.frames, 256 + 1024);
    await rejects(
      WavSink.open(path, { ...FORMAT, overwrite: false }),
      Deno.errors.AlreadyExists,
    );
    await rejects(WavSink.open(path, { ...FORMAT, channels: 0 }), RangeError);
  });
});
