/**
 * The main thread's side of the DSP Worker: starts the pre-bundled Worker
 * (`dsp_worker_bundle.ts`) from a `blob:` URL, hands it the sample ring,
 * forwards listener and waterfall commands, and delivers frames.
 *
 * A Worker that throws or reports a failure after it was ready is
 * terminated and started again after `restartDelayMs`, with every
 * registered listener and the waterfall spans replayed (the sample ring is
 * kept), so a DSP bug costs a gap, not the service. The listeners it
 * remembers for that are bounded by `engine.maxListeners`.
 *
 * @module
 */

import type { SampleRing } from "../../core/ring/sample_ring.ts";
import type { AgcSettings } from "../audio/post.ts";
import type {
  DspEngineOptions,
  DspFrameMessage,
  DspListenerWindow,
} from "./dsp_engine.ts";
import type { DspWorkerEvent, DspWorkerRequest } from "./dsp_protocol.ts";
import { DSP_WORKER_SOURCE } from "./dsp_worker_bundle.ts";

/**
 * Options of {@linkcode DspWorkerClient.start}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SampleRing } from "../../core/ring/sample_ring.ts";
 * import type { DspWorkerClientOptions } from "./dsp_worker_client.ts";
 *
 * const options: DspWorkerClientOptions = {
 *   engine: { sps: 48000, frequency: 0, fftSize: 1024, signal: "iq", waterfallSize: 256 },
 *   ring: SampleRing.create(8192),
 *   onFrame: () => {},
 *   restartDelayMs: 500,
 * };
 * equal(options.restartDelayMs, 500);
 * ```
 */
export interface DspWorkerClientOptions {
  /** The engine's options. */
  engine: DspEngineOptions;
  /** The ring the main thread writes samples into. */
  ring: SampleRing;
  /** Receives every frame (its buffer now belongs to the main thread). */
  onFrame: (frame: DspFrameMessage) => void;
  /** Told when the Worker refused a listener (limit or duplicate id). */
  onRefused?: (id: number) => void;
  /** Told about Worker failures and restarts. */
  onError?: (error: Error) => void;
  /**
   * Start the Worker from this module URL instead of the embedded bundle
   * (development: `new URL("./dsp_worker.ts", import.meta.url)` runs the
   * sources without rebuilding the bundle; needs read permission).
   */
  workerUrl?: string | URL;
  /** Longest wait for the first `ready`, ms (default 10000). */
  readyTimeoutMs?: number;
  /** Pause before restarting a failed Worker, ms (default 1000). */
  restartDelayMs?: number;
  /** Longest single wait for samples inside the Worker, ms (default 200). */
  waitTimeoutMs?: number;
}

/**
 * Counters of a {@linkcode DspWorkerClient}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DspWorkerClientCounters } from "./dsp_worker_client.ts";
 *
 * const counters: DspWorkerClientCounters = { frames: 0, refused: 0, failures: 0, restarts: 0 };
 * equal(counters.restarts, 0);
 * ```
 */
export interface DspWorkerClientCounters {
  /** Frames received. */
  frames: number;
  /** Listeners the Worker refused. */
  refused: number;
  /** Failures (errors, failed messages) after the Worker was ready. */
  failures: number;
  /** Restarts after a failure. */
  restarts: number;
}

/**
 * A running DSP Worker.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { SampleRing } from "../../core/ring/sample_ring.ts";
 * import { DspWorkerClient } from "./dsp_worker_client.ts";
 *
 * const ring = SampleRing.create(8192);
 * const frames: number[] = [];
 * const dsp = await DspWorkerClient.start({
 *   engine: { sps: 48000, frequency: 7_000_000, fftSize: 1024, signal: "iq", waterfallSize: 256 },
 *   ring,
 *   onFrame: (frame) => frames.push(frame.frameNum),
 * });
 * dsp.addListener(1, { l: 600, m: 600, r: 660, mode: "USB" });
 * await dsp.sync(); // the listener is registered
 * ring.write(new Float32Array(4096)); // four hops of silence
 * for (let i = 0; i < 500 && frames.length < 4; i++) {
 *   await new Promise((resolve) => setTimeout(resolve, 10));
 * }
 * ok(frames.includes(3));
 * await dsp.stop();
 * ```
 */
export class DspWorkerClient {
  #options: DspWorkerClientOptions;
  #url: string;
  #blobUrl: string | undefined;
  #worker: Worker | undefined;
  #ready = false;
  #stopped = false;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #listeners = new Map<number, DspListenerWindow>();
  #spans: number[] = [];
  #syncs = new Map<number, () => void>();
  #syncSeq = 0;
  #backend = "";
  #skip = 1;
  #levels = 1;
  #counters: DspWorkerClientCounters = {
    frames: 0,
    refused: 0,
    failures: 0,
    restarts: 0,
  };

  private constructor(options: DspWorkerClientOptions) {
    this.#options = options;
    if (options.workerUrl !== undefined) {
      this.#url = String(options.workerUrl);
    } else {
      this.#blobUrl = URL.createObjectURL(
        new Blob([DSP_WORKER_SOURCE], { type: "text/javascript" }),
      );
      this.#url = this.#blobUrl;
    }
  }

  /**
   * Starts the Worker and waits until its engine is built.
   *
   * @param options Engine, ring, callbacks.
   * @returns The running client.
   * @throws {Error} If the Worker fails to start or to build the engine
   * (e.g. a RangeError message for a bad layout) within `readyTimeoutMs`.
   */
  static async start(
    options: DspWorkerClientOptions,
  ): Promise<DspWorkerClient> {
    const client = new DspWorkerClient(options);
    try {
      await client.#spawn(options.readyTimeoutMs ?? 10_000);
    } catch (error) {
      await client.stop();
      throw error;
    }
    return client;
  }

  /** FFT backend the Worker uses. */
  get backend(): string {
    return this.#backend;
  }

  /** Frames between waterfall lines. */
  get skip(): number {
    return this.#skip;
  }

  /** Waterfall levels. */
  get levels(): number {
    return this.#levels;
  }

  /** Whether a Worker is running and ready. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Live counters. */
  get counters(): Readonly<DspWorkerClientCounters> {
    return this.#counters;
  }

  /**
   * Registers a listener (ignored beyond `engine.maxListeners`, reported
   * through `onRefused`).
   *
   * @param id Listener id.
   * @param window First window and mode.
   */
  addListener(id: number, window: DspListenerWindow): void {
    const max = this.#options.engine.maxListeners ?? 1000;
    if (!this.#listeners.has(id) && this.#listeners.size >= max) {
      this.#counters.refused++;
      this.#options.onRefused?.(id);
      return;
    }
    this.#listeners.set(id, { ...window });
    this.#post({ type: "add", id, window });
  }

  /**
   * Forgets a listener.
   *
   * @param id Listener id.
   */
  removeListener(id: number): void {
    if (!this.#listeners.delete(id)) return;
    this.#post({ type: "remove", id });
  }

  /**
   * Sets a listener's window.
   *
   * @param id Listener id.
   * @param l First bin.
   * @param m Carrier bin.
   * @param r End bin.
   */
  setWindow(id: number, l: number, m: number, r: number): void {
    const listener = this.#listeners.get(id);
    if (listener === undefined) return;
    listener.l = l;
    listener.m = m;
    listener.r = r;
    this.#post({ type: "window", id, l, m, r });
  }

  /**
   * Sets a listener's mode.
   *
   * @param id Listener id.
   * @param mode Mode name.
   */
  setMode(id: number, mode: string): void {
    const listener = this.#listeners.get(id);
    if (listener === undefined) return;
    listener.mode = mode;
    this.#post({ type: "mode", id, mode });
  }

  /**
   * Changes a listener's AGC (not replayed after a restart).
   *
   * @param id Listener id.
   * @param settings Settings to change.
   */
  setAgc(id: number, settings: Partial<AgcSettings>): void {
    if (!this.#listeners.has(id)) return;
    this.#post({ type: "agc", id, settings });
  }

  /**
   * Sets the waterfall spans (see `DspEngine.setWaterfallSpans`).
   *
   * @param spans `[l0, r0, l1, r1, …]`.
   */
  setWaterfallSpans(spans: readonly number[]): void {
    this.#spans = [...spans];
    this.#post({ type: "spans", spans: this.#spans });
  }

  /**
   * Resolves once the Worker has applied every command sent before (it
   * also resolves if the Worker fails or stops meanwhile). At most 1000 may
   * wait; more reject.
   *
   * @returns When the commands are applied.
   * @throws {RangeError} (as a rejection) With 1000 already waiting.
   */
  sync(): Promise<void> {
    if (this.#worker === undefined) return Promise.resolve();
    if (this.#syncs.size >= 1000) {
      return Promise.reject(
        new RangeError("Expected at most 1000 pending syncs, found 1000"),
      );
    }
    const seq = ++this.#syncSeq;
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#syncs.set(seq, resolve);
    this.#post({ type: "sync", seq });
    return promise;
  }

  /**
   * Stops the Worker at once (terminate) and releases the blob URL.
   * Idempotent.
   */
  stop(): Promise<void> {
    this.#releaseSyncs();
    this.#stopped = true;
    this.#ready = false;
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    this.#worker?.terminate();
    this.#worker = undefined;
    if (this.#blobUrl !== undefined) {
      URL.revokeObjectURL(this.#blobUrl);
      this.#blobUrl = undefined;
    }
    return Promise.resolve();
  }

  #post(request: DspWorkerRequest): void {
    // Before ready the Worker queues commands itself; while restarting
    // there is no Worker and the replay covers the state.
    this.#worker?.postMessage(request);
  }

  #spawn(readyTimeoutMs: number): Promise<void> {
    const worker = new Worker(this.#url, { type: "module" });
    this.#worker = worker;
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      if (this.#worker === worker) {
        worker.terminate();
        this.#worker = undefined;
      }
      settle(
        new Error(
          `Cannot start the DSP worker: no ready message within ${readyTimeoutMs} ms`,
        ),
      );
    }, readyTimeoutMs);
    worker.onmessage = (event: MessageEvent<DspWorkerEvent>) => {
      if (this.#worker !== worker) return;
      const message = event.data;
      switch (message.type) {
        case "frame":
          this.#counters.frames++;
          this.#options.onFrame(message);
          break;
        case "ready":
          this.#ready = true;
          this.#backend = message.backend;
          this.#skip = message.skip;
          this.#levels = message.levels;
          settle();
          break;
        case "refused":
          this.#counters.refused++;
          this.#listeners.delete(message.id);
          this.#options.onRefused?.(message.id);
          break;
        case "synced":
          this.#syncs.get(message.seq)?.();
          this.#syncs.delete(message.seq);
          break;
        case "failed":
          this.#fail(worker, new Error(message.message), settle);
          break;
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#fail(
        worker,
        new Error(`DSP worker error: ${event.message}`),
        settle,
      );
    };
    worker.onmessageerror = () => {
      this.#fail(
        worker,
        new Error("DSP worker sent an unreadable message"),
        settle,
      );
    };
    worker.postMessage(
      {
        type: "init",
        ring: this.#options.ring.buffer,
        engine: this.#options.engine,
        ...(this.#options.waitTimeoutMs !== undefined
          ? { waitTimeoutMs: this.#options.waitTimeoutMs }
          : {}),
      } satisfies DspWorkerRequest,
    );
    for (const [id, window] of this.#listeners) {
      worker.postMessage(
        { type: "add", id, window } satisfies DspWorkerRequest,
      );
    }
    if (this.#spans.length > 0) {
      worker.postMessage(
        { type: "spans", spans: this.#spans } satisfies DspWorkerRequest,
      );
    }
    return promise;
  }

  #fail(worker: Worker, error: Error, settle: (error?: Error) => void): void {
    if (this.#worker !== worker) return;
    worker.terminate();
    this.#worker = undefined;
    this.#releaseSyncs();
    const wasReady = this.#ready;
    this.#ready = false;
    settle(error);
    if (!wasReady || this.#stopped) return;
    this.#counters.failures++;
    this.#options.onError?.(error);
    this.#scheduleRestart();
  }

  #releaseSyncs(): void {
    for (const resolve of this.#syncs.values()) resolve();
    this.#syncs.clear();
  }

  /** Starts a new Worker after the delay; retries while it fails to start. */
  #scheduleRestart(): void {
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#stopped) return;
      this.#counters.restarts++;
      this.#spawn(this.#options.readyTimeoutMs ?? 10_000).catch((e) => {
        if (this.#stopped) return;
        this.#counters.failures++;
        this.#options.onError?.(e instanceof Error ? e : new Error(String(e)));
        this.#scheduleRestart();
      });
    }, this.#options.restartDelayMs ?? 1000);
  }
}
