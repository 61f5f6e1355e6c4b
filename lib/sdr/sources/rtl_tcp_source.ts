/**
 * An rtl_tcp client as a {@linkcode SampleSource}: u8 I,Q samples from a
 * remote RTL-SDR (`rtl_tcp -a 0.0.0.0`, SDR++ server, an Android bridge).
 *
 * It connects with a timeout that covers the TCP handshake and the 12-byte
 * greeting, sends the configured sample rate, frequency, gain and so on,
 * then streams samples into the caller's buffer. A dropped, reset or silent
 * connection (no samples for `idleTimeoutMs`) is closed and made again with
 * exponential backoff; settings changed meanwhile are sent on the new
 * connection. A connection that lasted `stableMs` reconnects at once, any
 * other waits for its backoff delay, so a peer that accepts and hangs up
 * cannot make it spin. I/Q alignment survives reconnects: when a connection
 * ends inside a sample, zero-valued bytes (128) complete it.
 *
 * @module
 */

import {
  encodeRtlTcpCommand,
  parseRtlTcpHeader,
  RTL_TCP_COMMAND_BYTES,
  RTL_TCP_HEADER_BYTES,
  RtlTcpCommand,
  type RtlTcpHeader,
} from "./rtl_tcp_protocol.ts";
import type { Sleep } from "./pacer.ts";
import { createSourceCounters } from "./source.ts";
import type {
  SampleSource,
  SourceCounters,
  SourceEnd,
  SourceEndReason,
} from "./source.ts";
import {
  abortableSleep,
  checkNonNegative,
  checkPositive,
  checkReadBuffer,
  describeError,
} from "./_util.ts";

/**
 * Reconnect policy of {@linkcode RtlTcpSource}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RtlTcpReconnectOptions } from "./rtl_tcp_source.ts";
 *
 * // 1 s, 2 s, 4 s … up to a minute, forever.
 * const policy: RtlTcpReconnectOptions = { initialDelayMs: 1000, maxDelayMs: 60_000 };
 * equal(policy.factor, undefined);
 * ```
 */
export interface RtlTcpReconnectOptions {
  /** Delay before the first retry, ms (default 500). */
  initialDelayMs?: number;
  /** Largest delay between retries, ms (default 30000). */
  maxDelayMs?: number;
  /** Growth of the delay per failed attempt (default 2). */
  factor?: number;
  /**
   * Failed attempts in a row (refused, timed out, or a connection that
   * dropped before `stableMs`) after which the source ends with reason
   * `"error"` (default Infinity: keep trying).
   */
  maxAttempts?: number;
  /** A connection that lasted this long (ms) resets the backoff (default 10000). */
  stableMs?: number;
}

/**
 * Options of {@linkcode RtlTcpSource}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RtlTcpSourceOptions } from "./rtl_tcp_source.ts";
 *
 * const options: RtlTcpSourceOptions = {
 *   hostname: "192.168.1.20", frequency: 145_500_000, sps: 2_400_000, gain: 38.6, ppm: 1,
 * };
 * equal(options.gain, 38.6);
 * ```
 */
export interface RtlTcpSourceOptions {
  /** Server host (default `"127.0.0.1"`). */
  hostname?: string;
  /** Server port (default 1234). */
  port?: number;
  /** Centre frequency, Hz (1 to 2^32 − 1). */
  frequency: number;
  /** Sample rate (default 2 048 000). */
  sps?: number;
  /** Tuner gain in dB, or `"auto"` (default). */
  gain?: number | "auto";
  /** Frequency correction in ppm (sent when given). */
  ppm?: number;
  /** RTL2832 digital AGC (sent when given). */
  agc?: boolean;
  /** Direct sampling: 0 off, 1 I branch, 2 Q branch (sent when given). */
  directSampling?: 0 | 1 | 2;
  /** Offset tuning (sent when given). */
  offsetTuning?: boolean;
  /** Bias tee (sent when given). */
  biasTee?: boolean;
  /** Time for the TCP connect plus the greeting, ms (default 5000). */
  connectTimeoutMs?: number;
  /** A connection with no samples for this long is dropped, ms (default 5000). */
  idleTimeoutMs?: number;
  /** Reconnect policy. */
  reconnect?: RtlTcpReconnectOptions;
  /** Told about connections, drops and retries (for logging). */
  onEvent?: (event: RtlTcpEvent) => void;
  /** Monotonic clock in milliseconds (default `performance.now`). */
  now?: () => number;
  /** Sleep used for the backoff (default: a timer). */
  sleep?: Sleep;
}

/**
 * Events reported to {@linkcode RtlTcpSourceOptions.onEvent}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RtlTcpEvent } from "./rtl_tcp_source.ts";
 *
 * const event: RtlTcpEvent = { type: "retry", attempt: 2, delayMs: 1000 };
 * equal(event.type, "retry");
 * ```
 */
export type RtlTcpEvent =
  | { type: "connected"; header: RtlTcpHeader; reconnect: boolean }
  | { type: "disconnected"; message: string; error?: unknown }
  | { type: "connect-failed"; attempt: number; error: unknown }
  | { type: "retry"; attempt: number; delayMs: number };

/** The value of a zero sample in u8 (PhantomSDR's offset binary). */
const U8_ZERO = 128;

interface Settings {
  gain: number | "auto";
  ppm: number | undefined;
  agc: boolean | undefined;
  directSampling: number | undefined;
  offsetTuning: boolean | undefined;
  biasTee: boolean | undefined;
}

/**
 * A {@linkcode SampleSource} reading u8 IQ from an rtl_tcp server.
 *
 * @example Against a one-shot fake server
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { encodeRtlTcpHeader } from "./rtl_tcp_protocol.ts";
 * import { RtlTcpSource } from "./rtl_tcp_source.ts";
 *
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * const served = (async () => {
 *   const conn = await listener.accept();
 *   await conn.write(encodeRtlTcpHeader(5, 29));
 *   await conn.write(new Uint8Array([1, 2, 3, 4]));
 *   await conn.read(new Uint8Array(15)); // the client's first commands
 *   conn.close();
 * })();
 * const source = new RtlTcpSource({
 *   port: listener.addr.port, frequency: 100_000_000,
 *   reconnect: { maxAttempts: 0 },
 * });
 * await source.start(new AbortController().signal);
 * const buf = new Uint8Array(4);
 * equal(await source.read(buf), 4);
 * deepEqual([...buf], [1, 2, 3, 4]);
 * equal(source.tuner?.tunerName, "R820T");
 * source.close();
 * await served;
 * listener.close();
 * ```
 */
export class RtlTcpSource implements SampleSource {
  /** Always `"rtl_tcp"`. */
  readonly kind = "rtl_tcp";
  /** Always `"u8"`. */
  readonly format = "u8" as const;
  /** Always `"iq"`. */
  readonly signal = "iq" as const;
  /** Server host. */
  readonly hostname: string;
  /** Server port. */
  readonly port: number;
  #sps: number;
  #frequency: number;
  #settings: Settings;
  #connectTimeoutMs: number;
  #idleTimeoutMs: number;
  #initialDelayMs: number;
  #maxDelayMs: number;
  #factor: number;
  #maxAttempts: number;
  #stableMs: number;
  #onEvent: ((event: RtlTcpEvent) => void) | undefined;
  #now: () => number;
  #sleep: Sleep;
  #counters: SourceCounters = createSourceCounters();
  #abortSignal: AbortSignal | undefined;
  #ended: SourceEnd | undefined;
  #reading = false;
  #conn: Deno.TcpConn | undefined;
  #header: RtlTcpHeader | undefined;
  #connections = 0;
  #connectedAt = 0;
  #lastDataAt = 0;
  #connBytes = 0;
  #padBytes = 0;
  #failures = 0;
  #lastError: unknown;
  #dropReason: string | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #writeChain: Promise<void> = Promise.resolve();
  #onAbort = () =>
    this.#end("aborted", `Stopped reading rtl_tcp ${this.#address()}`);
  #checkIdle = () => {
    const conn = this.#conn;
    if (conn === undefined) return;
    const idle = this.#now() - this.#lastDataAt;
    if (idle >= this.#idleTimeoutMs) {
      this.#dropReason =
        `Expected samples from rtl_tcp ${this.#address()} within ${this.#idleTimeoutMs} ms, found none for ${
          Math.round(idle)
        } ms`;
      closeQuietly(conn);
    }
  };

  /**
   * @param options Server, tuning, timeouts and reconnect policy.
   * @throws {RangeError} For an out-of-range frequency, rate, gain, port or
   * timeout.
   */
  constructor(options: RtlTcpSourceOptions) {
    this.hostname = options.hostname ?? "127.0.0.1";
    this.port = options.port ?? 1234;
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 65535) {
      throw new RangeError(
        `Expected a TCP port from 1 to 65535, found ${this.port}`,
      );
    }
    this.#frequency = checkU32("frequency", options.frequency);
    this.#sps = checkU32("sps", options.sps ?? 2_048_000);
    const gain = options.gain ?? "auto";
    if (gain !== "auto") checkGain(gain);
    this.#settings = {
      gain,
      ppm: options.ppm === undefined ? undefined : checkPpm(options.ppm),
      agc: options.agc,
      directSampling: options.directSampling === undefined
        ? undefined
        : checkDirectSampling(options.directSampling),
      offsetTuning: options.offsetTuning,
      biasTee: options.biasTee,
    };
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    checkPositive("connectTimeoutMs", this.#connectTimeoutMs);
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 5000;
    checkPositive("idleTimeoutMs", this.#idleTimeoutMs);
    const reconnect = options.reconnect ?? {};
    this.#initialDelayMs = reconnect.initialDelayMs ?? 500;
    checkNonNegative("reconnect.initialDelayMs", this.#initialDelayMs);
    this.#maxDelayMs = reconnect.maxDelayMs ?? 30_000;
    checkNonNegative("reconnect.maxDelayMs", this.#maxDelayMs);
    this.#factor = reconnect.factor ?? 2;
    if (!(this.#factor >= 1) || !Number.isFinite(this.#factor)) {
      throw new RangeError(
        `Expected reconnect.factor to be a number ≥ 1, found ${this.#factor}`,
      );
    }
    this.#maxAttempts = reconnect.maxAttempts ?? Infinity;
    checkNonNegative("reconnect.maxAttempts", this.#maxAttempts, true);
    this.#stableMs = reconnect.stableMs ?? 10_000;
    checkNonNegative("reconnect.stableMs", this.#stableMs);
    this.#onEvent = options.onEvent;
    this.#now = options.now ?? performance.now.bind(performance);
    this.#sleep = options.sleep ?? abortableSleep;
  }

  /** Sample rate last set, samples per second. */
  get sps(): number {
    return this.#sps;
  }

  /** Centre frequency last set, Hz. */
  get frequency(): number {
    return this.#frequency;
  }

  /** Live counters. */
  get counters(): Readonly<SourceCounters> {
    return this.#counters;
  }

  /** How the source ended, or `undefined` while it runs. */
  get ended(): SourceEnd | undefined {
    return this.#ended;
  }

  /** The greeting of the current (or last) connection. */
  get tuner(): RtlTcpHeader | undefined {
    return this.#header;
  }

  /** True while a connection is up. */
  get connected(): boolean {
    return this.#conn !== undefined;
  }

  /** The last connection error, for status pages. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /**
   * Binds the abort signal. The first connection is made by the first
   * `read()`, so a server that is down delays samples, not startup.
   *
   * @param signal Aborting it closes the connection and ends the source.
   * @throws {TypeError} If called twice.
   */
  start(signal: AbortSignal): Promise<void> {
    if (this.#abortSignal !== undefined) {
      return Promise.reject(
        new TypeError(
          "Expected start() to be called once, found a second call",
        ),
      );
    }
    this.#abortSignal = signal;
    if (signal.aborted) this.#onAbort();
    else signal.addEventListener("abort", this.#onAbort, { once: true });
    return Promise.resolve();
  }

  /**
   * Reads the next bytes, connecting or reconnecting first as needed.
   *
   * @param buf Destination, filled from index 0.
   * @returns Bytes read (≥ 1), or `null` once the source has ended.
   * @throws {TypeError} Before `start()`, for an empty buffer, or while
   * another `read()` is pending.
   */
  async read(buf: Uint8Array): Promise<number | null> {
    checkReadBuffer(buf);
    if (this.#ended !== undefined) return null;
    if (this.#abortSignal === undefined) {
      throw new TypeError("Expected start() before read(), found no start");
    }
    if (this.#reading) {
      throw new TypeError("Expected one read() at a time, found a second one");
    }
    this.#reading = true;
    try {
      while (true) {
        if (this.#ended !== undefined) return null;
        if (this.#padBytes > 0) {
          const n = Math.min(this.#padBytes, buf.length);
          buf.fill(U8_ZERO, 0, n);
          this.#padBytes -= n;
          this.#counters.bytes += n;
          this.#counters.chunks++;
          return n;
        }
        const conn = this.#conn ?? await this.#connect();
        if (conn === undefined) return null;
        let n: number | null;
        try {
          n = await conn.read(buf);
        } catch (error) {
          if (this.#ended !== undefined) return null;
          this.#drop(
            this.#dropReason ??
              `Read error on rtl_tcp ${this.#address()} (${
                describeError(error)
              })`,
            error,
          );
          continue;
        }
        if (this.#ended !== undefined) return null;
        if (n === null) {
          this.#drop(
            this.#dropReason ??
              `rtl_tcp ${this.#address()} closed the connection after ${this.#connBytes} bytes`,
          );
          continue;
        }
        if (n === 0) continue;
        this.#lastDataAt = this.#now();
        this.#connBytes += n;
        this.#counters.bytes += n;
        this.#counters.chunks++;
        return n;
      }
    } finally {
      this.#reading = false;
    }
  }

  /** Ends the source with reason `"closed"` and closes the connection. */
  close(): void {
    this.#end("closed", `Closed rtl_tcp ${this.#address()}`);
  }

  /**
   * Tunes to `hz` (now if connected, and on every reconnect).
   *
   * @param hz Centre frequency, 1 to 2^32 − 1 Hz.
   * @returns Resolves `true` once sent, `false` if not connected (it will be
   * sent on connect) or the send failed (the connection is then dropped).
   * @throws {RangeError} For an out-of-range frequency.
   */
  setFrequency(hz: number): Promise<boolean> {
    this.#frequency = checkU32("frequency", hz);
    return this.#send([RtlTcpCommand.SetFrequency, hz]);
  }

  /**
   * Sets the sample rate (now if connected, and on every reconnect).
   *
   * @param sps Samples per second.
   * @returns As {@linkcode RtlTcpSource.setFrequency}.
   * @throws {RangeError} For an out-of-range rate.
   */
  setSampleRate(sps: number): Promise<boolean> {
    this.#sps = checkU32("sps", sps);
    return this.#send([RtlTcpCommand.SetSampleRate, sps]);
  }

  /**
   * Sets the tuner gain in dB (manual gain mode), or automatic gain.
   *
   * @param gain dB (sent in tenths), or `"auto"`.
   * @returns As {@linkcode RtlTcpSource.setFrequency}.
   * @throws {RangeError} For a gain that is not a finite number or `"auto"`.
   */
  setGain(gain: number | "auto"): Promise<boolean> {
    if (gain !== "auto") checkGain(gain);
    this.#settings.gain = gain;
    return this.#send(gainCommands(gain));
  }

  /**
   * Sets the frequency correction.
   *
   * @param ppm Parts per million, an integer.
   * @returns As {@linkcode RtlTcpSource.setFrequency}.
   * @throws {RangeError} For a value that is not an integer.
   */
  setFrequencyCorrection(ppm: number): Promise<boolean> {
    this.#settings.ppm = checkPpm(ppm);
    return this.#send([RtlTcpCommand.SetFrequencyCorrection, ppm]);
  }

  /**
   * Turns the RTL2832's digital AGC on or off.
   *
   * @param on AGC on.
   * @returns As {@linkcode RtlTcpSource.setFrequency}.
   */
  setAgc(on: boolean): Promise<boolean> {
    this.#settings.agc = on;
    return this.#send([RtlTcpCommand.SetAgcMode, on ? 1 : 0]);
  }

  /**
   * Sets direct sampling (HF reception without the tuner).
   *
   * @param mode 0 off, 1 I branch, 2 Q branch.
   * @returns As {@linkcode RtlTcpSource.setFrequency}.
   * @throws {RangeError} For another mode.
   */
  setDirectSampling(mode: 0 | 1 | 2): Promise<boolean> {
    this.#settings.directSampling = checkDirectSampling(mode);
    return this.#send([RtlTcpCommand.SetDirectSampling, mode]);
  }

  /**
   * Turns offset tuning on or off.
   *
   * @param on Offset tuning on.
   * @returns As {@linkcode RtlTcpSource.setFrequency}.
   */
  setOffsetTuning(on: boolean): Promise<boolean> {
    this.#settings.offsetTuning = on;
    return this.#send([RtlTcpCommand.SetOffsetTuning, on ? 1 : 0]);
  }

  /**
   * Turns the bias tee (antenna power) on or off.
   *
   * @param on Bias tee on.
   * @returns As {@linkcode RtlTcpSource.setFrequency}.
   */
  setBiasTee(on: boolean): Promise<boolean> {
    this.#settings.biasTee = on;
    return this.#send([RtlTcpCommand.SetBiasTee, on ? 1 : 0]);
  }

  /**
   * Sends any command once, on the current connection only (not repeated
   * on reconnect).
   *
   * @param command Command byte.
   * @param value Parameter (−2^31 to 2^32 − 1).
   * @returns As {@linkcode RtlTcpSource.setFrequency}.
   * @throws {RangeError} For a command or parameter out of range.
   */
  sendCommand(command: number, value: number): Promise<boolean> {
    encodeRtlTcpCommand(
      new Uint8Array(RTL_TCP_COMMAND_BYTES),
      0,
      command,
      value,
    );
    return this.#send([command, value]);
  }

  /** The commands sent on every new connection, in order. */
  #initialCommands(): number[] {
    const s = this.#settings;
    const commands = [
      RtlTcpCommand.SetSampleRate,
      this.#sps,
      RtlTcpCommand.SetFrequency,
      this.#frequency,
      ...gainCommands(s.gain),
    ];
    if (s.ppm !== undefined) {
      commands.push(RtlTcpCommand.SetFrequencyCorrection, s.ppm);
    }
    if (s.agc !== undefined) {
      commands.push(RtlTcpCommand.SetAgcMode, s.agc ? 1 : 0);
    }
    if (s.directSampling !== undefined) {
      commands.push(RtlTcpCommand.SetDirectSampling, s.directSampling);
    }
    if (s.offsetTuning !== undefined) {
      commands.push(RtlTcpCommand.SetOffsetTuning, s.offsetTuning ? 1 : 0);
    }
    if (s.biasTee !== undefined) {
      commands.push(RtlTcpCommand.SetBiasTee, s.biasTee ? 1 : 0);
    }
    return commands;
  }

  /** Sends (command, value) pairs in order after any earlier sends. */
  #send(pairs: number[]): Promise<boolean> {
    const conn = this.#conn;
    if (conn === undefined || this.#ended !== undefined) {
      return Promise.resolve(false);
    }
    const bytes = new Uint8Array((pairs.length / 2) * RTL_TCP_COMMAND_BYTES);
    for (let i = 0; i < pairs.length; i += 2) {
      encodeRtlTcpCommand(
        bytes,
        (i / 2) * RTL_TCP_COMMAND_BYTES,
        pairs[i],
        pairs[i + 1],
      );
    }
    const sent = this.#writeChain.then(async () => {
      if (this.#conn !== conn) return false;
      try {
        let offset = 0;
        while (offset < bytes.length) {
          offset += await conn.write(bytes.subarray(offset));
        }
        return true;
      } catch (error) {
        if (this.#conn === conn) {
          this.#dropReason = `Write error on rtl_tcp ${this.#address()} (${
            describeError(error)
          })`;
          closeQuietly(conn);
        }
        return false;
      }
    });
    this.#writeChain = sent.then(() => {});
    return sent;
  }

  /**
   * Connects, retrying with backoff; resolves the connection, or `undefined`
   * once the source has ended (abort, close, attempts exhausted).
   */
  async #connect(): Promise<Deno.TcpConn | undefined> {
    while (true) {
      if (this.#ended !== undefined) return undefined;
      if (this.#failures > 0) {
        if (this.#failures > this.#maxAttempts) {
          this.#end(
            "error",
            `Expected to reach rtl_tcp ${this.#address()}, found ${this.#failures} failed attempts in a row (last: ${
              describeError(this.#lastError)
            })`,
            this.#lastError,
          );
          return undefined;
        }
        const delayMs = Math.min(
          this.#maxDelayMs,
          this.#initialDelayMs * this.#factor ** (this.#failures - 1),
        );
        this.#onEvent?.({ type: "retry", attempt: this.#failures, delayMs });
        await this.#sleep(delayMs, this.#abortSignal!);
        if (this.#ended !== undefined) return undefined;
      }
      try {
        return await this.#connectOnce();
      } catch (error) {
        if (this.#ended !== undefined) return undefined;
        this.#failures++;
        this.#counters.connectFailures++;
        this.#lastError = error;
        this.#onEvent?.({
          type: "connect-failed",
          attempt: this.#failures,
          error,
        });
      }
    }
  }

  async #connectOnce(): Promise<Deno.TcpConn> {
    const outer = this.#abortSignal!;
    const controller = new AbortController();
    let conn: Deno.TcpConn | undefined;
    let timedOut = false;
    const cancel = () => {
      controller.abort();
      if (conn !== undefined) closeQuietly(conn);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      cancel();
    }, this.#connectTimeoutMs);
    outer.addEventListener("abort", cancel, { once: true });
    try {
      conn = await Deno.connect({
        hostname: this.hostname,
        port: this.port,
        signal: controller.signal,
      });
      if (controller.signal.aborted) throw new Error("Connection cancelled");
      const header = new Uint8Array(RTL_TCP_HEADER_BYTES);
      let got = 0;
      while (got < RTL_TCP_HEADER_BYTES) {
        const n = await conn.read(header.subarray(got));
        if (n === null) {
          throw new Deno.errors.UnexpectedEof(
            `Expected a ${RTL_TCP_HEADER_BYTES}-byte rtl_tcp header, found the connection closed after ${got} bytes`,
          );
        }
        got += n;
      }
      this.#header = parseRtlTcpHeader(header);
    } catch (error) {
      if (conn !== undefined) closeQuietly(conn);
      if (timedOut) {
        throw new Deno.errors.TimedOut(
          `Expected rtl_tcp ${this.#address()} to connect and greet within ${this.#connectTimeoutMs} ms, found no ${
            conn === undefined ? "connection" : "header"
          }`,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
      outer.removeEventListener("abort", cancel);
    }
    try {
      conn.setNoDelay(true);
      conn.setKeepAlive(true);
    } catch {
      // Not fatal: only latency and dead-peer detection suffer.
    }
    const now = this.#now();
    this.#conn = conn;
    this.#connectedAt = now;
    this.#lastDataAt = now;
    this.#connBytes = 0;
    this.#dropReason = undefined;
    this.#writeChain = Promise.resolve();
    const reconnect = this.#connections++ > 0;
    if (reconnect) this.#counters.reconnects++;
    this.#watchdog = setInterval(
      this.#checkIdle,
      Math.max(10, Math.min(1000, this.#idleTimeoutMs / 4)),
    );
    this.#send(this.#initialCommands());
    this.#onEvent?.({ type: "connected", header: this.#header, reconnect });
    return conn;
  }

  /** Forgets the current connection after a failure. */
  #drop(message: string, error?: unknown): void {
    const conn = this.#conn;
    if (conn === undefined) return;
    this.#conn = undefined;
    closeQuietly(conn);
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    this.#dropReason = undefined;
    this.#padBytes = this.#connBytes % 2;
    this.#lastError = error ?? new Error(message);
    if (this.#now() - this.#connectedAt >= this.#stableMs) this.#failures = 0;
    else this.#failures++;
    this.#onEvent?.(
      error === undefined
        ? { type: "disconnected", message }
        : { type: "disconnected", message, error },
    );
  }

  #address(): string {
    return this.hostname.includes(":")
      ? `[${this.hostname}]:${this.port}`
      : `${this.hostname}:${this.port}`;
  }

  #end(reason: SourceEndReason, message: string, error?: unknown): void {
    if (this.#ended !== undefined) return;
    this.#ended = error === undefined
      ? { reason, message }
      : { reason, message, error };
    this.#abortSignal?.removeEventListener("abort", this.#onAbort);
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    const conn = this.#conn;
    this.#conn = undefined;
    if (conn !== undefined) closeQuietly(conn);
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

function gainCommands(gain: number | "auto"): number[] {
  return gain === "auto" ? [RtlTcpCommand.SetGainMode, 0] : [
    RtlTcpCommand.SetGainMode,
    1,
    RtlTcpCommand.SetGain,
    Math.round(gain * 10),
  ];
}

function checkU32(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 2 ** 32 - 1) {
    throw new RangeError(
      `Expected ${what} to be an integer from 1 to 4294967295, found ${value}`,
    );
  }
  return value;
}

function checkGain(gain: number): void {
  if (!Number.isFinite(gain) || Math.abs(gain) > 1000) {
    throw new RangeError(
      `Expected a gain in dB from -1000 to 1000 or "auto", found ${gain}`,
    );
  }
}

function checkPpm(ppm: number): number {
  if (!Number.isInteger(ppm) || Math.abs(ppm) > 1_000_000) {
    throw new RangeError(
      `Expected a frequency correction in whole ppm, found ${ppm}`,
    );
  }
  return ppm;
}

function checkDirectSampling(mode: number): number {
  if (mode !== 0 && mode !== 1 && mode !== 2) {
    throw new RangeError(
      `Expected direct sampling 0, 1 or 2, found ${mode}`,
    );
  }
  return mode;
}
