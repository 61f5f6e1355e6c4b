/**
 * The HDHomeRun UDP discovery responder (port 65001): answers discover
 * requests for a tuner (or any device) with this bridge's DeviceID, tuner
 * count, base URL and lineup URL. Optional: Jellyfin's auto-discovery uses
 * it (and then asks `http://<sender>/discover.json`, i.e. port 80).
 *
 * @module
 */

import { TokenBucket } from "../../core/bounded/token_bucket.ts";
import type { Logger } from "../../core/log.ts";
import {
  decodeHdhrFrame,
  discoverReply,
  isDiscoverRequestFor,
} from "./hdhr_discover_packet.ts";

/** The HDHomeRun discovery port. */
export const HDHR_DISCOVER_PORT = 65001;

/**
 * Options of {@link HdhrDiscoverResponder.start}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HdhrDiscoverResponderOptions } from "./hdhr_discover_responder.ts";
 *
 * const options: HdhrDiscoverResponderOptions = {
 *   deviceId: "10101010", tunerCount: 2, baseUrl: "http://192.0.2.5:5004", port: 0,
 * };
 * equal(options.tunerCount, 2);
 * ```
 */
export interface HdhrDiscoverResponderOptions {
  /** The DeviceID (8 hex digits). */
  deviceId: string;
  /** Tuners. */
  tunerCount: number;
  /** The advertised base URL. */
  baseUrl: string;
  /** Address to bind. Default `0.0.0.0`. */
  hostname?: string;
  /** Port to bind. Default 65001; 0 for tests. */
  port?: number;
  /** Replies per second across all senders. Default 20. */
  maxRepliesPerSecond?: number;
  /** Socket trouble is logged here. */
  logger?: Logger;
}

/**
 * Counters of an {@link HdhrDiscoverResponder}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HdhrDiscoverStats } from "./hdhr_discover_responder.ts";
 *
 * const stats: HdhrDiscoverStats = { received: 0, replies: 0, ignored: 0, malformed: 0, rateLimited: 0 };
 * equal(stats.received, 0);
 * ```
 */
export interface HdhrDiscoverStats {
  /** Datagrams received. */
  received: number;
  /** Replies sent. */
  replies: number;
  /** Valid frames not for us (other type or device). */
  ignored: number;
  /** Datagrams that failed to decode (length, CRC). */
  malformed: number;
  /** Replies not sent because of the rate limit. */
  rateLimited: number;
}

/**
 * A running discovery responder.
 *
 * @example Answering Jellyfin's 20-byte request
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeHdhrFrame } from "./hdhr_discover_packet.ts";
 * import { HdhrDiscoverResponder } from "./hdhr_discover_responder.ts";
 *
 * const responder = await HdhrDiscoverResponder.start({
 *   deviceId: "10101010", tunerCount: 2, baseUrl: "http://127.0.0.1:5004",
 *   hostname: "127.0.0.1", port: 0,
 * });
 * const any = new Uint8Array([255, 255, 255, 255]);
 * const client = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
 * await client.send(
 *   encodeHdhrFrame({ type: 2, items: [{ tag: 1, value: any }, { tag: 2, value: any }] }),
 *   { transport: "udp", hostname: "127.0.0.1", port: responder.addr.port },
 * );
 * const [reply] = await client.receive();
 * equal(reply[1], 3);
 * client.close();
 * await responder.close();
 * ```
 */
export class HdhrDiscoverResponder {
  /** The bound address. */
  readonly addr: Deno.NetAddr;
  readonly #conn: Deno.DatagramConn;
  readonly #deviceId: number;
  readonly #reply: Uint8Array;
  readonly #bucket: TokenBucket;
  readonly #log: Logger | undefined;
  #loop: Promise<void> | undefined;
  #closed = false;
  #stats: HdhrDiscoverStats = {
    received: 0,
    replies: 0,
    ignored: 0,
    malformed: 0,
    rateLimited: 0,
  };

  private constructor(
    conn: Deno.DatagramConn,
    options: HdhrDiscoverResponderOptions,
  ) {
    this.#conn = conn;
    this.addr = conn.addr as Deno.NetAddr;
    this.#deviceId = parseInt(options.deviceId, 16) >>> 0;
    const base = options.baseUrl.replace(/\/+$/, "");
    this.#reply = discoverReply({
      deviceId: this.#deviceId,
      tunerCount: options.tunerCount,
      baseUrl: base,
      lineupUrl: `${base}/lineup.json`,
    });
    const rate = options.maxRepliesPerSecond ?? 20;
    this.#bucket = new TokenBucket({
      capacity: rate * 2,
      refillPerSecond: rate,
    });
    this.#log = options.logger;
  }

  /**
   * Binds the socket and starts answering.
   *
   * @param options DeviceID, tuners, base URL, address.
   * @returns The running responder.
   * @throws {RangeError} If the DeviceID is not 8 hex digits.
   */
  static start(
    options: HdhrDiscoverResponderOptions,
  ): Promise<HdhrDiscoverResponder> {
    if (!/^[0-9a-fA-F]{8}$/.test(options.deviceId)) {
      return Promise.reject(
        new RangeError(
          `Expected an 8-hex-digit DeviceID but found ${
            JSON.stringify(options.deviceId)
          }`,
        ),
      );
    }
    const conn = Deno.listenDatagram({
      transport: "udp",
      hostname: options.hostname ?? "0.0.0.0",
      port: options.port ?? HDHR_DISCOVER_PORT,
      reuseAddress: true,
    });
    const responder = new HdhrDiscoverResponder(conn, options);
    responder.#loop = responder.#receive();
    return Promise.resolve(responder);
  }

  /** A snapshot of the counters. */
  get stats(): HdhrDiscoverStats {
    return { ...this.#stats };
  }

  /** Closes the socket. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      try {
        this.#conn.close();
      } catch { /* already closed */ }
    }
    await this.#loop;
  }

  async #receive(): Promise<void> {
    for (;;) {
      let datagram: Uint8Array;
      let from: Deno.Addr;
      try {
        [datagram, from] = await this.#conn.receive();
      } catch (err) {
        if (!this.#closed) {
          this.#log?.warn("hdhr discovery: receive failed, responder stopped", {
            error: err,
          });
        }
        return;
      }
      this.#stats.received++;
      const frame = decodeHdhrFrame(datagram);
      if (frame === undefined) {
        this.#stats.malformed++;
        continue;
      }
      if (!isDiscoverRequestFor(frame, this.#deviceId)) {
        this.#stats.ignored++;
        continue;
      }
      if (!this.#bucket.tryTake()) {
        this.#stats.rateLimited++;
        continue;
      }
      try {
        await this.#conn.send(this.#reply, from as Deno.NetAddr);
        this.#stats.replies++;
      } catch (err) {
        this.#log?.debug("hdhr discovery: send failed", { error: err });
      }
    }
  }
}
