import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { SampleRing } from "../../lib/core/ring/sample_ring.ts";
import type { DspFrameMessage } from "../../lib/sdr/server/dsp_engine.ts";
import { DspWorkerClient } from "../../lib/sdr/server/dsp_worker_client.ts";
import {
  buildDspWorkerBundle,
  DSP_WORKER_BUNDLE_URL,
} from "../../lib/sdr/server/build_dsp_worker_bundle.ts";
import { NETWORK_HINTS } from "../_bundle.ts";
import { waitFor } from "../_wait.ts";

const SPS = 48000;
const FFT = 1024;
const ENGINE = {
  sps: SPS,
  frequency: 7_000_000,
  fftSize: FFT,
  signal: "iq" as const,
  waterfallSize: 256,
};

function tone(start: number, count: number, hz: number): Float32Array {
  const out = new Float32Array(2 * count);
  for (let j = 0; j < count; j++) {
    const t = (start + j) / SPS;
    out[2 * j] = 0.05 * Math.cos(2 * Math.PI * hz * t);
    out[2 * j + 1] = 0.05 * Math.sin(2 * Math.PI * hz * t);
  }
  return out;
}

function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  return waitFor(predicate, "a condition", timeoutMs);
}

Deno.test("DspWorkerClient.start() runs the bundled worker on PFFFT and returns frames", async () => {
  const ring = SampleRing.create(16384);
  const frames: DspFrameMessage[] = [];
  const dsp = await DspWorkerClient.start({
    engine: ENGINE,
    ring,
    onFrame: (frame) => frames.push(frame),
  });
  try {
    equal(dsp.backend, "pffft");
    equal(dsp.skip, 8);
    equal(dsp.levels, 3);
    dsp.addListener(5, { l: 600, m: 600, r: 664, mode: "USB" });
    dsp.setWaterfallSpans([0, 1024]);
    await dsp.sync();
    // 10 hops of a tone 6 kHz above the centre (waterfall index 639).
    for (let n = 0; n < 10; n++) {
      ok(ring.write(tone(n * 512, 512, 6000)) === 1024);
      await until(() => frames.length > n, 5000);
    }
    deepEqual(frames.map((f) => f.frameNum), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    equal(frames[3].listenerIds[0], 5);
    equal(frames[3].pcm.length, 128);
    const line = frames[8];
    equal(line.waterfallData.length, 1024);
    let best = 0;
    for (let i = 0; i < 1024; i++) {
      if (line.waterfallData[i] > line.waterfallData[best]) best = i;
    }
    equal(best, 639);
    equal(ring.overflows, 0);
    equal(dsp.counters.frames, 10);
  } finally {
    await dsp.stop();
  }
});

Deno.test("DspWorkerClient.start() rejects what the engine cannot build", async () => {
  await rejects(
    DspWorkerClient.start({
      engine: { ...ENGINE, fftSize: 1000 },
      ring: SampleRing.create(4096),
      onFrame: () => {},
    }),
    /power of two/,
  );
});

// A stand-in worker: ready at once, a frame per `add`, and a crash on a
// "CRASH" mode command (modes are replayed only inside `add` windows).
const FAKE_WORKER = `
self.onmessage = (event) => {
  const m = event.data;
  if (m.type === "init") self.postMessage({ type: "ready", backend: "fake", skip: 2, levels: 1 });
  if (m.type === "mode" && m.mode === "CRASH") throw new Error("boom");
  if (m.type === "add") {
    const buffer = new ArrayBuffer(12);
    self.postMessage({
      type: "frame", frameNum: 0, samplesPerFrame: 0,
      listenerIds: new Int32Array(buffer, 8, 1).fill(m.id), pwr: new Float64Array(buffer, 0, 1),
      pcm: new Int16Array(0), waterfallSpans: new Int32Array(0), waterfallData: new Int8Array(0),
      fftMs: 0, waterfallMs: 0, audioMs: 0, buffer, mode: m.window.mode,
    }, [buffer]);
  }
};`;

Deno.test("DspWorkerClient restarts a failed worker and replays its listeners", async () => {
  const url = URL.createObjectURL(
    new Blob([FAKE_WORKER], { type: "text/javascript" }),
  );
  const frames: { id: number; mode: string }[] = [];
  const errors: string[] = [];
  const dsp = await DspWorkerClient.start({
    engine: ENGINE,
    ring: SampleRing.create(4096),
    workerUrl: url,
    restartDelayMs: 20,
    onFrame: (frame) =>
      frames.push({
        id: frame.listenerIds[0],
        mode: (frame as unknown as { mode: string }).mode,
      }),
    onError: (error) => errors.push(error.message),
  });
  try {
    dsp.addListener(1, { l: 1, m: 1, r: 2, mode: "USB" });
    dsp.addListener(2, { l: 1, m: 1, r: 2 });
    await until(() => frames.length === 2, 5000);
    dsp.removeListener(2);
    dsp.setMode(1, "CRASH");
    await until(() => frames.length === 3, 5000);
    deepEqual(frames, [
      { id: 1, mode: "USB" },
      { id: 2, mode: undefined },
      { id: 1, mode: "CRASH" }, // replayed after the restart; 2 is gone
    ]);
    equal(dsp.counters.restarts, 1);
    equal(dsp.counters.failures, 1);
    ok(errors[0].includes("boom"), errors[0]);
    ok(dsp.ready);
  } finally {
    await dsp.stop();
    URL.revokeObjectURL(url);
  }
});

Deno.test("DspWorkerClient.addListener() refuses beyond maxListeners", async () => {
  const refused: number[] = [];
  const dsp = await DspWorkerClient.start({
    engine: { ...ENGINE, maxListeners: 1 },
    ring: SampleRing.create(4096),
    onFrame: () => {},
    onRefused: (id) => refused.push(id),
  });
  try {
    dsp.addListener(1, { l: 600, m: 600, r: 610 });
    dsp.addListener(2, { l: 600, m: 600, r: 610 });
    deepEqual(refused, [2]);
    equal(dsp.counters.refused, 1);
  } finally {
    await dsp.stop();
  }
});

Deno.test("buildDspWorkerBundle() matches the committed dsp_worker_bundle.ts", async () => {
  let built: string;
  try {
    built = await buildDspWorkerBundle();
  } catch (error) {
    if (NETWORK_HINTS.test(String(error))) {
      console.log(`skipped: deno bundle failed for network reasons: ${error}`);
      return;
    }
    throw error;
  }
  const committed = await Deno.readTextFile(DSP_WORKER_BUNDLE_URL);
  ok(
    built === committed,
    "lib/sdr/server/dsp_worker_bundle.ts is stale: run deno run -A lib/sdr/server/build_dsp_worker_bundle.ts",
  );
  ok(!built.includes("import.meta"), "import.meta left in the worker bundle");
});
