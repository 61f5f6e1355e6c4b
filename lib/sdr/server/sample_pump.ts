/**
 * The main thread's source loop of `shack sdr serve`: reads raw bytes from a
 * {@linkcode SampleSource}, converts them to Float32 samples
 * ({@linkcode SampleStreamConverter}) and writes them into the `SampleRing`
 * the DSP Worker reads. It never waits for the ring: when the Worker falls
 * behind and the ring is full, the samples that do not fit are dropped and
 * counted by the ring (`SampleRing.overflows`), and the source keeps being
 * drained, so a live device never backs up.
 *
 * Whole samples only: the converter keeps a sample split across reads, and
 * every write is a whole number of samples, so I and Q never swap.
 *
 * @module
 */

import type { SampleRing } from "../../core/ring/sample_ring.ts";
import { SampleStreamConverter } from "../sample_format.ts";
import type { SampleSource, SourceEnd } from "../sources/source.ts";

/**
 * Options of {@linkcode SamplePump}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SamplePumpOptions } from "./sample_pump.ts";
 *
 * const options: SamplePumpOptions = { chunkBytes: 131072, yieldAfterMs: 5 };
 * equal(options.chunkBytes, 131072);
 * ```
 */
export interface SamplePumpOptions {
  /** Bytes per `read()` (default 64 KiB, rounded down to whole samples). */
  chunkBytes?: number;
  /**
   * Longest run of reads without yielding to the event loop, ms (default
   * 10): a source that is never empty (a file played as fast as possible)
   * must not starve the sockets.
   */
  yieldAfterMs?: number;
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
}

/**
 * Counters of a {@linkcode SamplePump}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SamplePumpCounters } from "./sample_pump.ts";
 *
 * const counters: SamplePumpCounters = { samples: 0, droppedSamples: 0, chunks: 0 };
 * equal(counters.droppedSamples, 0);
 * ```
 */
export interface SamplePumpCounters {
  /** Whole samples converted (IQ pairs or real values). */
  samples: number;
  /** Samples the ring could not take (DSP too slow). */
  droppedSamples: number;
  /** Reads. */
  chunks: number;
}

/**
 * Moves samples from a started source into a ring until the source ends.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SampleRing } from "../../core/ring/sample_ring.ts";
 * import { SyntheticSource } from "../sources/synthetic_source.ts";
 * import { SamplePump } from "./sample_pump.ts";
 *
 * const source = new SyntheticSource({ sps: 48000, pace: "fast", durationSeconds: 0.1, format: "u8" });
 * await source.start(new AbortController().signal);
 * const ring = SampleRing.create(16384);
 * const pump = new SamplePump(source, ring);
 * const end = await pump.run();
 * equal(end?.reason, "eof");
 * equal(pump.counters.samples, 4800);
 * equal(ring.available() + ring.overflows, 9600); // IQ: 2 floats per sample
 * ```
 */
export class SamplePump {
  #source: SampleSource;
  #ring: SampleRing;
  #converter: SampleStreamConverter;
  #bytes: Uint8Array;
  #floats: Float32Array;
  #values: number;
  #yieldAfter: number;
  #now: () => number;
  #running: Promise<SourceEnd | undefined> | undefined;
  #counters: SamplePumpCounters = { samples: 0, droppedSamples: 0, chunks: 0 };

  /**
   * @param source A started source.
   * @param ring The ring the DSP Worker reads (capacity even for IQ).
   * @param options Chunk size, yield interval, clock.
   * @throws {RangeError} If `chunkBytes` is smaller than one sample.
   */
  constructor(
    source: SampleSource,
    ring: SampleRing,
    options: SamplePumpOptions = {},
  ) {
    this.#source = source;
    this.#ring = ring;
    this.#converter = new SampleStreamConverter(source.format, {
      signal: source.signal,
    });
    const sampleBytes = this.#converter.sampleBytes;
    const chunk = options.chunkBytes ?? 64 * 1024;
    const whole = Math.floor(chunk / sampleBytes) * sampleBytes;
    if (!(whole >= sampleBytes)) {
      throw new RangeError(
        `Expected chunkBytes of at least one sample (${sampleBytes} bytes), found ${chunk}`,
      );
    }
    this.#values = source.signal === "iq" ? 2 : 1;
    this.#bytes = new Uint8Array(whole);
    // Room for the chunk plus one sample held from the previous read.
    this.#floats = new Float32Array(
      (whole / sampleBytes + 1) * this.#values,
    );
    this.#yieldAfter = options.yieldAfterMs ?? 10;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Live counters. */
  get counters(): Readonly<SamplePumpCounters> {
    return this.#counters;
  }

  /**
   * Reads until the source ends (its `read()` resolves `null`); abort the
   * source's signal or close it to stop. Calling it again returns the same
   * promise.
   *
   * @returns How the source ended (`source.ended`).
   */
  run(): Promise<SourceEnd | undefined> {
    this.#running ??= this.#loop();
    return this.#running;
  }

  async #loop(): Promise<SourceEnd | undefined> {
    const source = this.#source;
    const ring = this.#ring;
    const bytes = this.#bytes;
    const floats = this.#floats;
    const counters = this.#counters;
    let lastYield = this.#now();
    while (true) {
      const n = await source.read(bytes);
      if (n === null) break;
      const count = this.#converter.push(
        n === bytes.length ? bytes : bytes.subarray(0, n),
        floats,
      );
      counters.chunks++;
      if (count > 0) {
        const written = ring.write(
          count === floats.length ? floats : floats.subarray(0, count),
        );
        counters.samples += count / this.#values;
        counters.droppedSamples += (count - written) / this.#values;
      }
      if (this.#now() - lastYield >= this.#yieldAfter) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = this.#now();
      }
    }
    return source.ended;
  }
}
