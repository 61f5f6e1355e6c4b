/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * The DSP Worker of `shack sdr serve` (its entry point): a
 * {@linkcode DspEngine} fed from a `SampleRing` the main thread writes
 * converted samples into. It reads one hop at a time, posts each frame back
 * with its buffer transferred, and handles the main thread's commands
 * (`dsp_protocol.ts`) between frames: it waits for samples with
 * `Atomics.waitAsync` (never blocking its event loop) and, when it is
 * behind, still yields to its event loop at least every `yieldAfterMs`.
 * When the ring runs full because this loop is too slow, the ring counts
 * the overflow; the main thread never waits for it.
 *
 * Do not start this file by URL in production: `deno bundle` would not
 * follow it. `dsp_worker_client.ts` starts the pre-bundled copy in
 * `dsp_worker_bundle.ts` (see `build_dsp_worker_bundle.ts`).
 *
 * @module
 */

import { SampleRing } from "../../core/ring/sample_ring.ts";
import { DspEngine } from "./dsp_engine.ts";
import type { DspWorkerEvent, DspWorkerRequest } from "./dsp_protocol.ts";

let engine: DspEngine | undefined;
let stopping = false;
let started = false;
/** Commands that arrive while the engine is being built. */
const early: DspWorkerRequest[] = [];

function post(event: DspWorkerEvent, transfer: Transferable[] = []): void {
  self.postMessage(event, transfer);
}

function apply(request: DspWorkerRequest): void {
  const dsp = engine;
  if (dsp === undefined) {
    if (request.type !== "init" && request.type !== "stop") {
      // Bounded by the main thread's own limits (one add per listener).
      if (early.length < 100_000) early.push(request);
    }
    return;
  }
  switch (request.type) {
    case "add":
      if (!dsp.addListener(request.id, request.window)) {
        post({ type: "refused", id: request.id });
      }
      break;
    case "remove":
      dsp.removeListener(request.id);
      break;
    case "window":
      dsp.setWindow(request.id, request.l, request.m, request.r);
      break;
    case "mode":
      dsp.setMode(request.id, request.mode);
      break;
    case "agc":
      dsp.setAgc(request.id, request.settings);
      break;
    case "spans":
      dsp.setWaterfallSpans(request.spans);
      break;
    case "sync":
      post({ type: "synced", seq: request.seq });
      break;
  }
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function run(
  request: Extract<DspWorkerRequest, { type: "init" }>,
): Promise<void> {
  const ring = SampleRing.attach(request.ring);
  const dsp = await DspEngine.create(request.engine);
  engine = dsp;
  for (const queued of early.splice(0)) apply(queued);
  post({
    type: "ready",
    backend: dsp.backend,
    skip: dsp.skip,
    levels: dsp.levels,
  });
  const hopFloats = dsp.hopFloats;
  if (hopFloats > ring.capacity) {
    throw new RangeError(
      `Expected a sample ring of at least ${hopFloats} floats, found ${ring.capacity}`,
    );
  }
  const hop = new Float32Array(hopFloats);
  const waitMs = request.waitTimeoutMs ?? 200;
  const yieldAfter = request.yieldAfterMs ?? 20;
  let lastYield = performance.now();
  while (!stopping) {
    if (ring.available() < hopFloats) {
      await ring.waitForDataAsync(hopFloats, waitMs);
      lastYield = performance.now();
      continue;
    }
    ring.read(hop);
    const frame = dsp.processHop(hop);
    if (frame !== undefined) {
      frame.postedAt = performance.timeOrigin + performance.now();
      post(frame, [frame.buffer]);
    }
    if (performance.now() - lastYield >= yieldAfter) {
      await nextTask();
      lastYield = performance.now();
    }
  }
  post({ type: "stopped", counters: { ...dsp.counters } });
  dsp.dispose();
  engine = undefined;
  self.close();
}

self.onmessage = (event: MessageEvent<DspWorkerRequest>) => {
  const request = event.data;
  if (request.type === "init") {
    if (started) return;
    started = true;
    run(request).catch((error) => {
      post({
        type: "failed",
        message: error instanceof Error ? error.message : String(error),
      });
      self.close();
    });
  } else if (request.type === "stop") {
    stopping = true;
    if (!started) self.close();
  } else {
    apply(request);
  }
};
