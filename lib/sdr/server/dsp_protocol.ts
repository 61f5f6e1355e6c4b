/**
 * The messages between the main thread and the DSP Worker of `shack sdr
 * serve`: listener and waterfall commands go main → worker by
 * `postMessage`; frames (with their buffer transferred), readiness and
 * failures come back. Samples do not travel as messages: they go through a
 * `SampleRing` whose buffer is handed over in `init`.
 *
 * @module
 */

import type { AgcSettings } from "../audio/post.ts";
import type {
  DspEngineCounters,
  DspEngineOptions,
  DspFrameMessage,
  DspListenerWindow,
} from "./dsp_engine.ts";

/**
 * A main → worker message.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DspWorkerRequest } from "./dsp_protocol.ts";
 *
 * const request: DspWorkerRequest = { type: "window", id: 1, l: 100, m: 100, r: 300 };
 * equal(request.type, "window");
 * ```
 */
export type DspWorkerRequest =
  | {
    /** Start: attach the ring, build the engine, run. */
    type: "init";
    /** The `SampleRing` buffer the main thread writes samples into. */
    ring: SharedArrayBuffer;
    /** The engine's options. */
    engine: DspEngineOptions;
    /** Longest single wait for samples, ms (default 200). */
    waitTimeoutMs?: number;
    /** Longest run of frames without yielding to commands, ms (default 20). */
    yieldAfterMs?: number;
  }
  | {
    /** Register a listener. */
    type: "add";
    /** Listener id. */
    id: number;
    /** First window and mode. */
    window: DspListenerWindow;
  }
  | {
    /** Forget a listener. */
    type: "remove";
    /** Listener id. */
    id: number;
  }
  | {
    /** Set a listener's window. */
    type: "window";
    /** Listener id. */
    id: number;
    /** First bin. */
    l: number;
    /** Carrier bin. */
    m: number;
    /** End bin. */
    r: number;
  }
  | {
    /** Set a listener's mode. */
    type: "mode";
    /** Listener id. */
    id: number;
    /** Mode name. */
    mode: string;
  }
  | {
    /** Change a listener's AGC. */
    type: "agc";
    /** Listener id. */
    id: number;
    /** Settings to change. */
    settings: Partial<AgcSettings>;
  }
  | {
    /** Which waterfall level spans to send (see `DspEngine.setWaterfallSpans`). */
    type: "spans";
    /** `[l0, r0, l1, r1, …]`. */
    spans: number[];
  }
  | {
    /** Answer with `synced` once every earlier command is applied. */
    type: "sync";
    /** Echoed back. */
    seq: number;
  }
  | {
    /** Stop the loop and free the engine. */
    type: "stop";
  };

/**
 * A worker → main message.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DspWorkerEvent } from "./dsp_protocol.ts";
 *
 * const event: DspWorkerEvent = { type: "failed", message: "Expected a power of two" };
 * equal(event.type, "failed");
 * ```
 */
export type DspWorkerEvent =
  | {
    /** The engine is built and the loop runs. */
    type: "ready";
    /** FFT backend in use. */
    backend: string;
    /** Frames between waterfall lines. */
    skip: number;
    /** Waterfall levels. */
    levels: number;
  }
  | DspFrameMessage
  | {
    /** `add` was refused (listener limit or duplicate id). */
    type: "refused";
    /** Listener id. */
    id: number;
  }
  | {
    /** Init failed or the loop threw; the worker stops. */
    type: "failed";
    /** What happened. */
    message: string;
  }
  | {
    /** Every command before the `sync` with this `seq` is applied. */
    type: "synced";
    /** The `sync`'s sequence number. */
    seq: number;
  }
  | {
    /** The loop ended after `stop`. */
    type: "stopped";
    /** The engine's counters at the end. */
    counters: DspEngineCounters;
  };
