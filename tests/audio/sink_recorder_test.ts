import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { parseWavHeader } from "../../lib/audio/sinks/wav_header.ts";
import { WavRecorder } from "../../lib/audio/sinks/wav_recorder.ts";

const FORMAT = { sampleRate: 48000, channels: 2, blockSize: 256 };

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shack_rec_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("WavRecorder records between start and stop only", async () => {
  await withDir(async (dir) => {
    const recorder = new WavRecorder({
      ...FORMAT,
      directory: `${dir}/recordings`,
    });
    const block = new Float32Array(512).fill(0.5);
    recorder.write(block); // before start: ignored
    const path = await recorder.start("take1");
    equal(path, `${dir}/recordings/take1.wav`);
    equal(recorder.recording, true);
    for (let i = 0; i < 100; i++) recorder.write(block);
    const status = await recorder.stop();
    recorder.write(block); // after stop: ignored
    deepEqual(status, {
      recording: false,
      file: path,
      seconds: 100 * 256 / 48000,
      frames: 25600,
      droppedBlocks: 0,
      error: null,
    });
    const bytes = await Deno.readFile(path);
    const header = parseWavHeader(bytes);
    equal(header.dataBytes, 100 * 1024);
    equal(bytes.length, 44 + 100 * 1024);
    equal(new DataView(bytes.buffer).getInt16(44, true), 16384);
  });
});

Deno.test("WavRecorder names files like Music Chronus and keeps them in its directory", async () => {
  await withDir(async (dir) => {
    const recorder = new WavRecorder({
      ...FORMAT,
      directory: dir,
      date: () => new Date(2025, 8, 3, 14, 5, 9),
    });
    const path = await recorder.start();
    equal(path, `${dir}/recording_20250903_140509.wav`);
    await rejects(recorder.start("other"), {
      name: "SinkStateError",
      message: `Expected no recording in progress, found one writing ${path}`,
    });
    await recorder.stop();
    for (
      const bad of ["../escape", "/etc/passwd", ".hidden", "a b", "", "x/y"]
    ) {
      await rejects(recorder.start(bad), TypeError, bad);
    }
    // the default name again: the file exists and is not replaced
    await rejects(recorder.start(), Deno.errors.AlreadyExists);
    equal(recorder.recording, false);
    const upper = await recorder.start("Take.WAV");
    equal(upper, `${dir}/Take.WAV`);
    await recorder.close();
    deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "Take.WAV",
      "recording_20250903_140509.wav",
    ]);
  });
});

Deno.test("WavRecorder drops and counts blocks beyond its buffer or its length limit", async () => {
  await withDir(async (dir) => {
    const recorder = new WavRecorder({
      ...FORMAT,
      directory: dir,
      bufferBlocks: 4,
      maxSeconds: 10 * 256 / 48000, // ten blocks
    });
    await recorder.start("short");
    // 20 blocks at once: the buffer holds 4 while the disk is busy
    for (let i = 0; i < 20; i++) recorder.write(new Float32Array(512));
    const burst = recorder.status();
    ok(burst.droppedBlocks >= 15, `dropped ${burst.droppedBlocks}`);
    for (let i = 0; i < 30; i++) {
      recorder.write(new Float32Array(512));
      await new Promise((resolve) => setTimeout(resolve, 0));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const status = await recorder.stop();
    equal(status.frames, 10 * 256);
    equal(status.frames / 256 + status.droppedBlocks, 50);
    equal(
      parseWavHeader(await Deno.readFile(`${dir}/short.wav`)).dataBytes,
      10 * 1024,
    );
  });
});

Deno.test("WavRecorder stops on a write error without throwing into the audio path", async () => {
  await withDir(async (dir) => {
    let writes = 0;
    let closed = 0;
    const recorder = new WavRecorder({
      ...FORMAT,
      directory: dir,
      openFile: () => {
        let frames = 0;
        return Promise.resolve({
          get seconds() {
            return frames / 48000;
          },
          get stats() {
            return { frames, droppedFull: 0 };
          },
          write: (block: Float32Array) => {
            writes++;
            if (writes === 3) {
              return Promise.reject(new Error("No space left on device"));
            }
            frames += block.length / 2;
            return Promise.resolve();
          },
          close: () => {
            closed++;
            return Promise.resolve();
          },
        });
      },
    });
    await recorder.start("full");
    for (let i = 0; i < 5; i++) recorder.write(new Float32Array(512));
    await new Promise((resolve) => setTimeout(resolve, 0));
    // the error ended the recording; the audio path saw nothing
    await (async () => {
      for (let i = 0; i < 100 && recorder.recording; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    equal(recorder.recording, false);
    recorder.write(new Float32Array(512)); // ignored
    const failed = recorder.status();
    equal(failed.error, "No space left on device");
    equal(failed.frames, 512);
    equal(failed.droppedBlocks, 3);
    equal(closed, 0);
    // a new recording closes the failed one first
    await recorder.start("next");
    equal(closed, 1);
    const status = await recorder.stop();
    equal(closed, 2);
    equal(status.error, null);
    equal(writes, 3);
    // a block of the wrong shape is the caller's bug: a RangeError
    await recorder.start("shape");
    let thrown: unknown;
    try {
      recorder.write(new Float32Array(3));
    } catch (error) {
      thrown = error;
    }
    equal(thrown instanceof RangeError, true);
    await recorder.close();
  });
});
