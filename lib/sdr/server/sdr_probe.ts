/**
 * A minimal PhantomSDR-protocol client for tests, load tests and health
 * checks: it opens one `/audio`, `/waterfall` or `/events` socket, keeps the
 * settings JSON, and decodes what follows as the frontend would (waterfall
 * messages through one streaming zstd decoder per socket, audio packets as
 * CBOR, events as JSON). Everything it keeps is bounded (`maxKept`).
 *
 * @module
 */

import type { AudioPacket } from "../wire/audio_packet.ts";
import { decodeAudioPacket } from "../wire/audio_packet.ts";
import { WaterfallDecompressor } from "../wire/waterfall_compressor.ts";
import {
  type DecodedWaterfallPacket,
  decodeWaterfallPacket,
} from "../wire/waterfall_packet.ts";
import type { SdrSocketKind } from "./connection_limits.ts";

/**
 * Options of {@linkcode SdrProbe.connect}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrProbeOptions } from "./sdr_probe.ts";
 *
 * const options: SdrProbeOptions = { decode: false, openTimeoutMs: 2000 };
 * equal(options.decode, false);
 * ```
 */
export interface SdrProbeOptions {
  /** Decode binary frames (default true; false only counts them). */
  decode?: boolean;
  /** Most decoded items kept per kind (default 10000; older ones are dropped). */
  maxKept?: number;
  /** Longest wait for the socket to open, ms (default 5000). */
  openTimeoutMs?: number;
}

/**
 * One client socket of a PhantomSDR server.
 *
 * @example
 * ```ts ignore
 * import { SdrProbe } from "./sdr_probe.ts";
 *
 * const probe = await SdrProbe.connect("ws://127.0.0.1:9002", "waterfall");
 * await probe.waitFor(() => probe.lines.length > 0, 5000);
 * console.log(probe.settings?.fft_size, probe.lines[0].l);
 * await probe.close();
 * ```
 */
export class SdrProbe {
  /** The socket kind. */
  readonly kind: SdrSocketKind;
  /** The underlying socket. */
  readonly socket: WebSocket;
  /** The settings JSON (first text frame on `/audio` and `/waterfall`). */
  settings: Record<string, unknown> | undefined;
  /** Type of the very first frame received. */
  firstFrame: "text" | "binary" | undefined;
  /** Decoded waterfall lines. */
  readonly lines: DecodedWaterfallPacket[] = [];
  /** Decoded audio packets (header packets included). */
  readonly audio: AudioPacket[] = [];
  /** `/events` messages. */
  readonly events: Record<string, unknown>[] = [];
  /** Binary frames received. */
  binaryFrames = 0;
  /** Text frames received. */
  textFrames = 0;
  /** Bytes received. */
  bytes = 0;
  /** Frames that did not decode. */
  decodeErrors = 0;
  /** The close code, once closed. */
  closeCode: number | undefined;
  #decode: boolean;
  #maxKept: number;
  #zstd: WaterfallDecompressor | undefined;
  #chain: Promise<void> = Promise.resolve();
  #closed: Promise<void>;
  #waiters = new Set<() => void>();

  private constructor(
    socket: WebSocket,
    kind: SdrSocketKind,
    options: SdrProbeOptions,
  ) {
    this.kind = kind;
    this.socket = socket;
    this.#decode = options.decode ?? true;
    this.#maxKept = options.maxKept ?? 10_000;
    if (kind === "waterfall" && this.#decode) {
      this.#zstd = new WaterfallDecompressor();
    }
    socket.binaryType = "arraybuffer";
    this.#closed = new Promise((resolve) => {
      socket.addEventListener("close", (event) => {
        this.closeCode = event.code;
        this.#zstd?.close();
        this.#notify();
        resolve();
      }, { once: true });
    });
    socket.addEventListener("message", (event) => this.#onMessage(event));
  }

  /**
   * Opens a socket and waits until it is open.
   *
   * @param base `ws://host:port` of the server.
   * @param kind Which socket.
   * @param options Decoding and limits.
   * @returns The open probe.
   * @throws {Error} If the connection is refused or does not open in time.
   */
  static connect(
    base: string,
    kind: SdrSocketKind,
    options: SdrProbeOptions = {},
  ): Promise<SdrProbe> {
    const socket = new WebSocket(`${base}/${kind}`);
    const probe = new SdrProbe(socket, kind, options);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error(`Cannot open /${kind}: timed out`));
      }, options.openTimeoutMs ?? 5000);
      socket.addEventListener("open", () => {
        clearTimeout(timer);
        resolve(probe);
      }, { once: true });
      socket.addEventListener("error", () => {
        clearTimeout(timer);
        reject(new Error(`Cannot open /${kind}: the server refused`));
      }, { once: true });
    });
  }

  /**
   * Sends a command (an object is JSON-encoded).
   *
   * @param command The command.
   */
  send(command: Record<string, unknown> | string): void {
    this.socket.send(
      typeof command === "string" ? command : JSON.stringify(command),
    );
  }

  /**
   * Resolves once `predicate()` holds (checked after every frame and on
   * close).
   *
   * @param predicate The condition.
   * @param timeoutMs Longest wait.
   * @throws {Error} If it does not hold within `timeoutMs`.
   */
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `Expected a condition on /${this.kind} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** Closes the socket and waits for the close. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close();
    await this.#closed;
    await this.#chain;
  }

  /** Resolves when the socket has closed (by either side). */
  get closed(): Promise<void> {
    return this.#closed;
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }

  #keep<T>(list: T[], item: T): void {
    if (list.length >= this.#maxKept) list.shift();
    list.push(item);
  }

  #onMessage(event: MessageEvent): void {
    const data = event.data;
    if (typeof data === "string") {
      this.firstFrame ??= "text";
      this.textFrames++;
      this.bytes += data.length;
      try {
        const value = JSON.parse(data);
        if (this.kind === "events") this.#keep(this.events, value);
        else this.settings ??= value;
      } catch {
        this.decodeErrors++;
      }
      this.#notify();
      return;
    }
    this.firstFrame ??= "binary";
    this.binaryFrames++;
    const bytes = new Uint8Array(data as ArrayBuffer);
    this.bytes += bytes.length;
    if (!this.#decode) {
      this.#notify();
      return;
    }
    if (this.kind === "audio") {
      try {
        this.#keep(this.audio, decodeAudioPacket(bytes));
      } catch {
        this.decodeErrors++;
      }
      this.#notify();
      return;
    }
    const zstd = this.#zstd;
    if (zstd === undefined) return;
    // One streaming decoder, fed in order.
    this.#chain = this.#chain.then(async () => {
      try {
        const packet = await zstd.push(bytes);
        if (packet !== undefined && packet.length > 0) {
          this.#keep(this.lines, decodeWaterfallPacket(packet));
        }
      } catch {
        this.decodeErrors++;
      }
      this.#notify();
    });
  }
}
