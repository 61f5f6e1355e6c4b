/**
 * The HDHomeRun HTTP API of the bridge: `/discover.json`, `/lineup.json`
 * (+ `.xml`, `.m3u`), `/lineup_status.json`, `/lineup.post`,
 * `/device.xml` and the stream URLs `/auto/v<GuideNumber>`,
 * `/tuner<N>/v<GuideNumber>` and `/stream/<id>`, answered as a real
 * device does (404 for an unknown channel with `X-HDHomeRun-Error`).
 *
 * @module
 */

import type { Channel, ChannelLookup } from "../channel.ts";
import type { StreamRequestInfo } from "../stream/stream_proxy.ts";
import { HDHOMERUN_ERROR_HEADER } from "../stream/stream_proxy.ts";
import { baseUrlFor } from "./base_url.ts";
import type { HdhrDevice } from "./device.ts";
import { deviceXml } from "./device_xml.ts";
import { discoverJson } from "./discover_json.ts";
import { lineupJson, lineupM3u, lineupXml } from "./lineup_formats.ts";
import { lineupStatusJson } from "./lineup_status.ts";

/**
 * What serves the stream URLs (the bridge's `StreamProxy`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StreamServer } from "./hdhr_handler.ts";
 *
 * const streams: StreamServer = { serve: () => Promise.resolve(new Response("ts")) };
 * equal(typeof streams.serve, "function");
 * ```
 */
export interface StreamServer {
  /** Answers a GET or HEAD for a known, enabled channel. */
  serve(
    channel: Channel,
    request: Request,
    info?: StreamRequestInfo,
  ): Promise<Response>;
}

/**
 * Options of {@link HdhrHandler}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { HdhrHandlerOptions } from "./hdhr_handler.ts";
 *
 * const partial: Pick<HdhrHandlerOptions, "advertisedUrl" | "fallbackBaseUrl"> = {
 *   advertisedUrl: "http://192.0.2.5:5004",
 *   fallbackBaseUrl: "http://127.0.0.1:5004",
 * };
 * equal(partial.advertisedUrl, "http://192.0.2.5:5004");
 * ```
 */
export interface HdhrHandlerOptions {
  /** The device description. */
  device: HdhrDevice;
  /** The lineup. */
  channels: ChannelLookup;
  /** Serves the streams. */
  streams: StreamServer;
  /** BaseURL to advertise; default: from the request's Host header. */
  advertisedUrl?: string;
  /** BaseURL when the Host header is unusable. */
  fallbackBaseUrl: string;
  /** Told about `/lineup.post?scan=start|abort` (nothing to scan in IPTV). */
  onScan?: (action: "start" | "abort") => void;
}

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-cache",
};

const STREAM_PATH = /^\/(?:auto|tuner\d{1,2})\/v(.{1,64})$/;

/**
 * Routes the HDHomeRun API. {@link HdhrHandler.handle} returns `undefined`
 * for paths that are not part of the API, so a server can add its own
 * routes (dashboard, `/healthz`) and a 404.
 *
 * Stream requests take any query (`?transcode=native` from Jellyfin,
 * `?duration=`): they are accepted and ignored; the stream is the
 * upstream's MPEG-TS as it is.
 *
 * @example The documents a client reads
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { hdhrDevice } from "./device.ts";
 * import { HdhrHandler } from "./hdhr_handler.ts";
 *
 * const channel = { id: "a", guideNumber: "101", name: "One", url: "http://u/", enabled: true, headers: {} };
 * const handler = new HdhrHandler({
 *   device: hdhrDevice({ deviceId: "10101010", tunerCount: 2 }),
 *   channels: {
 *     channels: () => [channel],
 *     byGuideNumber: (n) => (n === "101" ? channel : undefined),
 *     byId: (id) => (id === "a" ? channel : undefined),
 *   },
 *   streams: { serve: () => Promise.resolve(new Response("ts")) },
 *   fallbackBaseUrl: "http://127.0.0.1:5004",
 * });
 * const discover = await handler.handle(new Request("http://192.0.2.5:5004/discover.json"))!;
 * equal((await discover.json()).BaseURL, "http://192.0.2.5:5004");
 * const unknown = await handler.handle(new Request("http://192.0.2.5:5004/auto/v999"))!;
 * equal(unknown.status, 404);
 * equal(handler.handle(new Request("http://192.0.2.5:5004/dashboard")), undefined);
 * ```
 */
export class HdhrHandler {
  readonly #options: HdhrHandlerOptions;

  /**
   * Creates the handler.
   *
   * @param options Device, lineup, stream server and URLs.
   */
  constructor(options: HdhrHandlerOptions) {
    this.#options = options;
  }

  /**
   * Answers an API request.
   *
   * @param request The request.
   * @param info Where it came from (for the session).
   * @returns The response, or `undefined` if the path is not part of the API.
   */
  handle(
    request: Request,
    info: StreamRequestInfo = {},
  ): Response | Promise<Response> | undefined {
    const url = new URL(request.url);
    const path = url.pathname;
    const method = request.method;
    const document = (make: (base: string) => Response) => {
      if (method !== "GET" && method !== "HEAD") return notAllowed("GET, HEAD");
      const response = make(this.#baseUrl(request));
      return method === "HEAD"
        ? new Response(null, {
          status: response.status,
          headers: response.headers,
        })
        : response;
    };
    switch (path) {
      case "/discover.json":
        return document((base) =>
          Response.json(discoverJson(this.#options.device, base), {
            headers: JSON_HEADERS,
          })
        );
      case "/lineup.json":
        return document((base) =>
          Response.json(lineupJson(this.#options.channels.channels(), base), {
            headers: JSON_HEADERS,
          })
        );
      case "/lineup.xml":
        return document((base) =>
          new Response(lineupXml(this.#options.channels.channels(), base), {
            headers: {
              "content-type": "application/xml; charset=utf-8",
              "cache-control": "no-cache",
            },
          })
        );
      case "/lineup.m3u":
        return document((base) =>
          new Response(lineupM3u(this.#options.channels.channels(), base), {
            headers: {
              "content-type": "audio/x-mpegurl; charset=utf-8",
              "cache-control": "no-cache",
            },
          })
        );
      case "/lineup_status.json":
        return document(() =>
          Response.json(lineupStatusJson(), { headers: JSON_HEADERS })
        );
      case "/device.xml":
        return document((base) =>
          new Response(deviceXml(this.#options.device, base), {
            headers: {
              "content-type": "application/xml; charset=utf-8",
              "cache-control": "no-cache",
            },
          })
        );
      case "/lineup.post":
        return this.#lineupPost(request, url);
    }
    let channel: Channel | undefined;
    let isStream = false;
    const auto = STREAM_PATH.exec(path);
    if (auto !== null) {
      isStream = true;
      const guideNumber = decode(auto[1]);
      if (guideNumber !== undefined) {
        channel = this.#options.channels.byGuideNumber(guideNumber);
      }
    } else if (path.startsWith("/stream/")) {
      isStream = true;
      const id = decode(path.slice(8));
      if (id !== undefined && id.length <= 200) {
        channel = this.#options.channels.byId(id);
      }
    }
    if (!isStream) return undefined;
    if (method !== "GET" && method !== "HEAD") return notAllowed("GET, HEAD");
    if (channel === undefined || !channel.enabled) {
      return new Response(method === "HEAD" ? null : "Unknown channel\n", {
        status: 404,
        headers: {
          "content-type": "text/plain; charset=utf-8",
          [HDHOMERUN_ERROR_HEADER]: "Unknown channel",
        },
      });
    }
    return this.#options.streams.serve(channel, request, info);
  }

  #baseUrl(request: Request): string {
    return baseUrlFor(request, {
      ...(this.#options.advertisedUrl !== undefined
        ? { advertisedUrl: this.#options.advertisedUrl }
        : {}),
      fallback: this.#options.fallbackBaseUrl,
    });
  }

  #lineupPost(request: Request, url: URL): Response {
    if (request.method !== "POST") return notAllowed("POST");
    const scan = url.searchParams.get("scan");
    if (scan !== "start" && scan !== "abort") {
      return new Response(
        `Expected scan=start or scan=abort but found ${
          scan === null
            ? "no scan parameter"
            : JSON.stringify(scan.slice(0, 40))
        }\n`,
        {
          status: 400,
          headers: { "content-type": "text/plain; charset=utf-8" },
        },
      );
    }
    this.#options.onScan?.(scan);
    return new Response(null, { status: 200 });
  }
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function notAllowed(allow: string): Response {
  return new Response("Method not allowed\n", {
    status: 405,
    headers: { allow, "content-type": "text/plain; charset=utf-8" },
  });
}
