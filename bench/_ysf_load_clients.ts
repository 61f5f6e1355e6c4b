/**
 * @module Loopback YSF clients for the relay load test
 * (bench/ysf_relay_load.ts): each {@link LoadClient} is one UDP socket with
 * one receive loop that reads into a reused buffer (Deno allocates a fresh
 * 64 KiB buffer per `receive()` otherwise, which caps a receiver near a
 * third of the rate) and records, per measurement step, which stamped frames
 * arrived and their one-way latency.
 */

import { buildPoll, buildUnlink } from "../lib/ysf/mod.ts";
import { STAMP_MAGIC, STAMP_OFFSET } from "./_ysf_load_frames.ts";

/** Where a {@link LoadClient} sends. */
export interface LoadTarget {
  /** Reflector address. */
  hostname: string;
  /** Reflector UDP port. */
  port: number;
}

/**
 * What one client recorded during a step.
 *
 * @example Empty
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StepRecord } from "./_ysf_load_clients.ts";
 * const r: StepRecord = { received: 0, duplicates: 0, stale: 0, latencies: new Float64Array(0) };
 * equal(r.received, 0);
 * ```
 */
export interface StepRecord {
  /** Distinct stamped frames of the step that arrived. */
  received: number;
  /** Stamped frames of the step that arrived more than once. */
  duplicates: number;
  /** Stamped frames of another step (late arrivals). */
  stale: number;
  /** One-way latency of each distinct frame, ms, in arrival order. */
  latencies: Float64Array;
}

/**
 * One loopback YSF client: a UDP socket on `hostname` (any 127.0.0.x),
 * linked to the target with YSFP, recording stamped YSFD.
 *
 * @example Open and close
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { LoadClient } from "./_ysf_load_clients.ts";
 * const c = new LoadClient({ hostname: "127.0.0.1", port: 9 }, "M0AAA", "127.0.0.1");
 * equal(c.callsign, "M0AAA");
 * await c.close();
 * ```
 */
export class LoadClient {
  readonly conn: Deno.DatagramConn;
  readonly callsign: string;
  readonly hostname: string;
  /** YSFP datagrams received (poll replies and keep-alives). */
  polls = 0;
  /** YSFD datagrams without a stamp (headers, terminators). */
  unstamped = 0;
  #target: Deno.NetAddr;
  #buffer = new Uint8Array(2048);
  #view = new DataView(this.#buffer.buffer);
  #loop: Promise<void>;
  #pollWaiter: (() => void) | undefined;
  #first = 0;
  #count = 0;
  #seen = new Uint8Array(0);
  #latencies = new Float64Array(0);
  #received = 0;
  #duplicates = 0;
  #stale = 0;
  #sendErrors = 0;

  constructor(target: LoadTarget, callsign: string, hostname: string) {
    this.callsign = callsign;
    this.hostname = hostname;
    this.conn = Deno.listenDatagram({ transport: "udp", hostname, port: 0 });
    this.#target = {
      transport: "udp",
      hostname: target.hostname,
      port: target.port,
    };
    this.#loop = this.#receive();
  }

  /** The local port. */
  get port(): number {
    return (this.conn.addr as Deno.NetAddr).port;
  }

  /** Sends that failed. */
  get sendErrors(): number {
    return this.#sendErrors;
  }

  /** Starts recording the stamped frames `first .. first + count - 1`. */
  startStep(first: number, count: number): void {
    this.#first = first;
    this.#count = count;
    this.#seen = new Uint8Array(count);
    this.#latencies = new Float64Array(count);
    this.#received = 0;
    this.#duplicates = 0;
    this.#stale = 0;
  }

  /** Distinct stamped frames of the current step received so far. */
  get received(): number {
    return this.#received;
  }

  /** What was recorded since {@link LoadClient.startStep}. */
  record(): StepRecord {
    return {
      received: this.#received,
      duplicates: this.#duplicates,
      stale: this.#stale,
      latencies: this.#latencies.subarray(0, this.#received),
    };
  }

  /** Sends without waiting; failures are counted. */
  send(data: Uint8Array): void {
    this.conn.send(data, this.#target).catch(() => {
      this.#sendErrors++;
    });
  }

  /** Sends a YSFP and resolves true when a YSFP arrives, false after `timeoutMs`. */
  poll(timeoutMs: number): Promise<boolean> {
    const { promise, resolve } = Promise.withResolvers<boolean>();
    const timer = setTimeout(() => {
      this.#pollWaiter = undefined;
      resolve(false);
    }, timeoutMs);
    this.#pollWaiter = () => {
      clearTimeout(timer);
      this.#pollWaiter = undefined;
      resolve(true);
    };
    this.send(buildPoll(this.callsign));
    return promise;
  }

  /** Sends a YSFU. */
  unlink(): void {
    this.send(buildUnlink(this.callsign));
  }

  /** Closes the socket and waits for the receive loop to end. */
  async close(): Promise<void> {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
    await this.#loop;
  }

  async #receive(): Promise<void> {
    const buffer = this.#buffer;
    const view = this.#view;
    while (true) {
      let length: number;
      try {
        length = (await this.conn.receive(buffer))[0].length;
      } catch {
        return;
      }
      if (length === 155 && buffer[3] === 0x44) {
        if (buffer[STAMP_OFFSET] !== STAMP_MAGIC) {
          this.unstamped++;
          continue;
        }
        const now = performance.now();
        const index = view.getUint32(STAMP_OFFSET + 1) - this.#first;
        if (index < 0 || index >= this.#count) {
          this.#stale++;
        } else if (this.#seen[index] !== 0) {
          this.#duplicates++;
        } else {
          this.#seen[index] = 1;
          this.#latencies[this.#received++] = now -
            view.getFloat64(STAMP_OFFSET + 5);
        }
      } else if (length === 14 && buffer[3] === 0x50) {
        this.polls++;
        this.#pollWaiter?.();
      }
    }
  }
}

/**
 * The 127.0.0.x address of the `index`-th listener, `perAddress` per
 * address, starting at 127.0.0.2 (127.0.0.1 is the talker's).
 *
 * @example Spreading
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { listenerAddress } from "./_ysf_load_clients.ts";
 * equal(listenerAddress(0, 16), "127.0.0.2");
 * equal(listenerAddress(16, 16), "127.0.0.3");
 * ```
 */
export function listenerAddress(index: number, perAddress: number): string {
  const n = 2 + Math.floor(index / perAddress);
  if (n > 254) {
    throw new RangeError(
      `Expected at most ${253 * perAddress} listeners, found index ${index}`,
    );
  }
  return `127.0.0.${n}`;
}

/**
 * A callsign-like name for the `index`-th client: `M` + digit + 3 letters.
 *
 * @example Names
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadCallsign } from "./_ysf_load_clients.ts";
 * equal(loadCallsign(0), "M0AAA");
 * equal(loadCallsign(27), "M0ABB");
 * ```
 */
export function loadCallsign(index: number): string {
  const letters = String.fromCharCode(
    65 + Math.floor(index / 676) % 26,
    65 + Math.floor(index / 26) % 26,
    65 + index % 26,
  );
  return `M${Math.floor(index / 17576) % 10}${letters}`;
}

/**
 * Links every client (YSFP, waiting for the reply), `batch` at a time;
 * returns how many got no reply within `timeoutMs`.
 *
 * @example Nobody to link
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { linkAll } from "./_ysf_load_clients.ts";
 * equal(await linkAll([], 10, 100), 0);
 * ```
 */
export async function linkAll(
  clients: readonly LoadClient[],
  batch: number,
  timeoutMs: number,
): Promise<number> {
  let failed = 0;
  for (let i = 0; i < clients.length; i += batch) {
    const replies = await Promise.all(
      clients.slice(i, i + batch).map((c) => c.poll(timeoutMs)),
    );
    failed += replies.filter((ok) => !ok).length;
  }
  return failed;
}
