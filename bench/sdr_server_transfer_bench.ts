/**
 * How the DSP Worker of `shack sdr serve` hands frames to the main thread:
 * `postMessage` with the frame's `ArrayBuffer` transferred (what
 * `dsp_worker.ts` does) against a `SlotRing` over a SharedArrayBuffer (one
 * copy in, one copy out, the main thread waiting with `Atomics.waitAsync`).
 * A Worker sends `count` frames of `bytes` bytes as fast as it can (the
 * size of 100 listeners' 384-sample PCM blocks plus a waterfall line is
 * about 80 KB); the main thread touches every frame. Reports frames per
 * second and the main thread's CPU time per frame.
 *
 * Run: `deno run -A bench/sdr_server_transfer_bench.ts [bytes = 80000] [count = 5000]`
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { cpuUsage } from "node:process";
import { SlotRing } from "../lib/core/ring/slot_ring.ts";

const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown })
  .WorkerGlobalScope !== "undefined";

interface Start {
  mode: "transfer" | "slots";
  bytes: number;
  count: number;
  ring?: SharedArrayBuffer;
}

if (inWorker) {
  self.onmessage = async (event: MessageEvent<Start>) => {
    const { mode, bytes, count } = event.data;
    if (mode === "transfer") {
      for (let i = 0; i < count; i++) {
        const buffer = new ArrayBuffer(bytes);
        new Int16Array(buffer, 0, 4)[0] = i;
        self.postMessage({ type: "frame", frameNum: i, buffer }, [buffer]);
      }
    } else {
      const ring = SlotRing.attach(event.data.ring!);
      const frame = new Uint8Array(bytes);
      for (let i = 0; i < count; i++) {
        frame[0] = i & 0xff;
        while (!ring.push(frame)) await ring.waitForSpaceAsync(1, 100);
      }
    }
  };
} else {
  const bytes = Number(Deno.args[0] ?? 80_000);
  const count = Number(Deno.args[1] ?? 5000);
  for (const mode of ["transfer", "slots", "transfer", "slots"] as const) {
    const worker = new Worker(import.meta.url, { type: "module" });
    let sum = 0;
    const t0 = performance.now();
    const c0 = cpuUsage();
    if (mode === "transfer") {
      await new Promise<void>((resolve) => {
        let received = 0;
        worker.onmessage = (event) => {
          sum += new Int16Array(event.data.buffer, 0, 1)[0];
          if (++received === count) resolve();
        };
        worker.postMessage({ mode, bytes, count } satisfies Start);
      });
    } else {
      const ring = SlotRing.create(16, bytes);
      worker.postMessage(
        { mode, bytes, count, ring: ring.buffer } satisfies Start,
      );
      const out = new Uint8Array(bytes);
      for (let received = 0; received < count;) {
        const length = ring.pop(out);
        if (length < 0) {
          await ring.waitForDataAsync(1, 100);
          continue;
        }
        sum += out[0];
        received++;
      }
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = cpuUsage(c0);
    worker.terminate();
    console.log(
      `${mode.padEnd(8)} ${bytes} B: ${
        (count / elapsed).toFixed(0)
      } frames/s, ` +
        `process CPU ${
          ((cpu.user + cpu.system) / 1000 / count).toFixed(3)
        } ms/frame (${sum > 0 ? "ok" : "?"})`,
    );
  }
}
