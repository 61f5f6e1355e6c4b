/**
 * The SSDP responder on `Deno.listenDatagram`: answers M-SEARCH
 * (`ssdp:all`, `upnp:rootdevice`, `uuid:…`, MediaServer:1, HDHomeRun:1)
 * with unicast replies, multicasts `ssdp:alive` NOTIFYs on start and
 * periodically, and `ssdp:byebye` on close. If joining 239.255.255.250
 * fails (no multicast route, container networking), it logs and keeps
 * answering unicast searches.
 *
 * @module
 */

import { TokenBucket } from "../../core/bounded/token_bucket.ts";
import type { Logger } from "../../core/log.ts";
import { VERSION } from "../../version.ts";
import {
  matchSearch,
  MAX_SSDP_MESSAGE_BYTES,
  notifyMessage,
  parseSsdpRequest,
  searchResponse,
  SSDP_GROUP,
  SSDP_PORT,
  type SsdpAdvert,
  ssdpTargets,
} from "./ssdp_message.ts";

/**
 * Options of {@link SsdpResponder.start}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SsdpResponderOptions } from "./ssdp_responder.ts";
 *
 * const options: SsdpResponderOptions = {
 *   uuid: "10101010-0000-8000-8000-000010101010",
 *   location: "http://192.0.2.5:5004/device.xml",
 *   port: 0,
 * };
 * equal(options.port, 0);
 * ```
 */
export interface SsdpResponderOptions {
  /** The device UUID (without `uuid:`), derived from the DeviceID. */
  uuid: string;
  /** The device.xml URL, with the advertised address. */
  location: string;
  /** Address to bind. Default `0.0.0.0`. */
  hostname?: string;
  /** Port to bind. Default 1900; 0 for tests. */
  port?: number;
  /** Join 239.255.255.250 to hear multicast searches. Default `true`. */
  joinMulticast?: boolean;
  /** The interface address for the multicast membership. Default `0.0.0.0`. */
  multicastInterface?: string;
  /** Where NOTIFYs go. Default `239.255.255.250:<port>` (1900 when bound to 0). */
  notifyTo?: { hostname: string; port: number };
  /** Period of the alive NOTIFYs, ms (at most half of max-age). Default 300,000. */
  notifyIntervalMs?: number;
  /** CACHE-CONTROL max-age, seconds. Default 1800. */
  maxAgeSeconds?: number;
  /** SERVER header. Default `Linux UPnP/1.0 shack-bridge/<version>`. */
  server?: string;
  /** Replies per second across all senders (bursts of twice that). Default 50. */
  maxRepliesPerSecond?: number;
  /** Socket trouble is logged here. */
  logger?: Logger;
}

/**
 * Counters of an {@link SsdpResponder}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SsdpResponderStats } from "./ssdp_responder.ts";
 *
 * const stats: SsdpResponderStats = {
 *   received: 0, searches: 0, replies: 0, ignored: 0, malformed: 0,
 *   rateLimited: 0, notifies: 0, sendErrors: 0,
 * };
 * equal(stats.replies, 0);
 * ```
 */
export interface SsdpResponderStats {
  /** Datagrams received. */
  received: number;
  /** M-SEARCHes that matched at least one target. */
  searches: number;
  /** Search responses sent. */
  replies: number;
  /** Valid messages that asked for nothing of ours (NOTIFYs of others, other targets). */
  ignored: number;
  /** Datagrams that were not SSDP requests (or too long). */
  malformed: number;
  /** Replies not sent because of the rate limit. */
  rateLimited: number;
  /** NOTIFY datagrams sent. */
  notifies: number;
  /** Failed sends. */
  sendErrors: number;
}

/**
 * A running SSDP responder.
 *
 * @example Answering a unicast M-SEARCH on loopback
 * ```ts
 * import { match } from "node:assert/strict";
 * import { SsdpResponder } from "./ssdp_responder.ts";
 *
 * const responder = await SsdpResponder.start({
 *   uuid: "10101010-0000-8000-8000-000010101010",
 *   location: "http://127.0.0.1:5004/device.xml",
 *   port: 0,
 *   joinMulticast: false,
 *   notifyTo: { hostname: "127.0.0.1", port: 9 },
 * });
 * const client = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
 * await client.send(
 *   new TextEncoder().encode('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: upnp:rootdevice\r\n\r\n'),
 *   { transport: "udp", hostname: "127.0.0.1", port: responder.addr.port },
 * );
 * const [reply] = await client.receive();
 * match(new TextDecoder().decode(reply), /USN: uuid:10101010-0000-8000-8000-000010101010::upnp:rootdevice/);
 * client.close();
 * await responder.close();
 * ```
 */
export class SsdpResponder {
  /** The bound address. */
  readonly addr: Deno.NetAddr;
  readonly #conn: Deno.DatagramConn;
  readonly #options: SsdpResponderOptions;
  readonly #adverts: SsdpAdvert[];
  readonly #notifyTo: Deno.NetAddr;
  readonly #bucket: TokenBucket;
  readonly #log: Logger | undefined;
  #membership: Deno.MulticastV4Membership | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #loop: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #stats: SsdpResponderStats = {
    received: 0,
    searches: 0,
    replies: 0,
    ignored: 0,
    malformed: 0,
    rateLimited: 0,
    notifies: 0,
    sendErrors: 0,
  };

  private constructor(
    conn: Deno.DatagramConn,
    options: SsdpResponderOptions,
  ) {
    this.#conn = conn;
    this.addr = conn.addr as Deno.NetAddr;
    this.#options = options;
    this.#log = options.logger;
    const maxAgeSeconds = options.maxAgeSeconds ?? 1800;
    const server = options.server ??
      `Linux UPnP/1.0 shack-bridge/${VERSION}`;
    this.#adverts = ssdpTargets(options.uuid).map((t) => ({
      ...t,
      location: options.location,
      maxAgeSeconds,
      server,
    }));
    const notifyTo = options.notifyTo ??
      { hostname: SSDP_GROUP, port: options.port || SSDP_PORT };
    this.#notifyTo = { transport: "udp", ...notifyTo };
    const rate = options.maxRepliesPerSecond ?? 50;
    this.#bucket = new TokenBucket({
      capacity: rate * 2,
      refillPerSecond: rate,
    });
  }

  /**
   * Binds the socket, joins the multicast group (if asked and possible),
   * sends the first alive NOTIFYs and starts answering.
   *
   * @param options UUID, location, address and timings.
   * @returns The running responder.
   * @throws {Deno.errors.AddrInUse} If the port is taken without address reuse.
   * @throws {RangeError} If the notify interval exceeds half the max-age.
   */
  static async start(options: SsdpResponderOptions): Promise<SsdpResponder> {
    const maxAgeSeconds = options.maxAgeSeconds ?? 1800;
    const interval = options.notifyIntervalMs ?? 300_000;
    if (!(interval > 0 && interval <= maxAgeSeconds * 500)) {
      throw new RangeError(
        `Expected notifyIntervalMs in (0, ${
          maxAgeSeconds * 500
        }] (half the max-age) but found ${interval}`,
      );
    }
    const conn = Deno.listenDatagram({
      transport: "udp",
      hostname: options.hostname ?? "0.0.0.0",
      port: options.port ?? SSDP_PORT,
      reuseAddress: true,
      loopback: true,
    });
    const responder = new SsdpResponder(conn, options);
    if (options.joinMulticast ?? true) {
      try {
        responder.#membership = await conn.joinMulticastV4(
          SSDP_GROUP,
          options.multicastInterface ?? "0.0.0.0",
        );
        await responder.#membership.setLoopback(true);
      } catch (err) {
        responder.#log?.warn(
          "ssdp: cannot join the multicast group, answering unicast searches only",
          { group: SSDP_GROUP, error: err },
        );
      }
    }
    responder.#loop = responder.#receive();
    await responder.notify("alive");
    responder.#timer = setInterval(
      () => void responder.notify("alive"),
      interval,
    );
    return responder;
  }

  /** Whether the multicast membership is active. */
  get multicast(): boolean {
    return this.#membership !== undefined;
  }

  /** A snapshot of the counters. */
  get stats(): SsdpResponderStats {
    return { ...this.#stats };
  }

  /**
   * Sends one NOTIFY per target.
   *
   * @param kind `alive` or `byebye`.
   */
  async notify(kind: "alive" | "byebye"): Promise<void> {
    const host = `${SSDP_GROUP}:${SSDP_PORT}`;
    for (const advert of this.#adverts) {
      await this.#send(notifyMessage(advert, kind, host), this.#notifyTo);
      this.#stats.notifies++;
    }
  }

  /**
   * Stops: byebye NOTIFYs, multicast membership left, socket closed.
   * Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#timer);
      await this.notify("byebye");
      try {
        await this.#membership?.leave();
      } catch { /* socket trouble: closing anyway */ }
      try {
        this.#conn.close();
      } catch { /* already closed */ }
      await this.#loop;
    })();
    return this.#closing;
  }

  async #receive(): Promise<void> {
    const decoder = new TextDecoder();
    for (;;) {
      let datagram: Uint8Array;
      let from: Deno.Addr;
      try {
        [datagram, from] = await this.#conn.receive();
      } catch (err) {
        if (this.#closing === undefined) {
          this.#log?.warn("ssdp: receive failed, responder stopped", {
            error: err,
          });
        }
        return;
      }
      this.#stats.received++;
      if (datagram.length > MAX_SSDP_MESSAGE_BYTES) {
        this.#stats.malformed++;
        continue;
      }
      const request = parseSsdpRequest(decoder.decode(datagram));
      if (request === undefined) {
        this.#stats.malformed++;
        continue;
      }
      const targets = matchSearch(request, this.#options.uuid);
      if (targets.length === 0) {
        this.#stats.ignored++;
        continue;
      }
      this.#stats.searches++;
      const date = new Date();
      for (const target of targets) {
        if (!this.#bucket.tryTake()) {
          this.#stats.rateLimited++;
          continue;
        }
        const advert = this.#adverts.find((a) => a.target === target.target)!;
        await this.#send(searchResponse(advert, date), from as Deno.NetAddr);
        this.#stats.replies++;
      }
    }
  }

  async #send(text: string, to: Deno.NetAddr): Promise<void> {
    try {
      await this.#conn.send(new TextEncoder().encode(text), to);
    } catch (err) {
      this.#stats.sendErrors++;
      this.#log?.debug("ssdp: send failed", {
        to: `${to.hostname}:${to.port}`,
        error: err,
      });
    }
  }
}
