/**
 * The direct upstream: an HTTP(S) GET of an MPEG-TS channel whose body is
 * passed on as it arrives, with the channel's own request headers, redirects
 * followed by hand up to a limit, and failures mapped to
 * {@link UpstreamError} kinds. No ffmpeg is involved.
 *
 * @module
 */

import type { Channel } from "../channel.ts";
import { VERSION } from "../../version.ts";
import type { UpstreamReader } from "./upstream.ts";
import { toUpstreamError, UpstreamError } from "./upstream_error.ts";

/** Content types that mean "this is a playlist, not a transport stream". */
const PLAYLIST_TYPES = [
  "application/vnd.apple.mpegurl",
  "application/x-mpegurl",
  "audio/mpegurl",
  "audio/x-mpegurl",
  "application/dash+xml",
];

/**
 * The User-Agent sent upstream when the channel sets none.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { DEFAULT_UPSTREAM_USER_AGENT } from "./direct_upstream.ts";
 *
 * match(DEFAULT_UPSTREAM_USER_AGENT, /^shack-bridge\//);
 * ```
 */
export const DEFAULT_UPSTREAM_USER_AGENT = `shack-bridge/${VERSION}`;

/**
 * Options of {@link openDirectUpstream}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DirectUpstreamOptions } from "./direct_upstream.ts";
 *
 * const options: DirectUpstreamOptions = { maxRedirects: 3 };
 * equal(options.maxRedirects, 3);
 * ```
 */
export interface DirectUpstreamOptions {
  /** Aborting it cancels the request and the body. */
  signal?: AbortSignal;
  /** Redirects followed before giving up (`redirect_limit`). Default 5. */
  maxRedirects?: number;
  /** User-Agent when the channel sets none. Default {@link DEFAULT_UPSTREAM_USER_AGENT}. */
  userAgent?: string;
  /** The HTTP client (connection pool, proxy, TLS settings). Default Deno's. */
  client?: Deno.HttpClient;
}

/**
 * The request headers for a channel: its own headers (invalid names or
 * values are skipped) plus a default User-Agent.
 *
 * @param channel The channel.
 * @param userAgent The User-Agent when the channel sets none.
 * @returns The headers.
 *
 * @example Channel headers win over the default User-Agent
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { upstreamHeaders } from "./direct_upstream.ts";
 *
 * const headers = upstreamHeaders({ headers: { "User-Agent": "VLC/3.0.20", "bad name": "x" } }, "shack");
 * equal(headers.get("user-agent"), "VLC/3.0.20");
 * equal([...headers.keys()].length, 1);
 * ```
 */
export function upstreamHeaders(
  channel: Pick<Channel, "headers">,
  userAgent: string = DEFAULT_UPSTREAM_USER_AGENT,
): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(channel.headers ?? {})) {
    try {
      headers.set(name, value);
    } catch {
      // A malformed header from a playlist must not break the tune.
    }
  }
  if (!headers.has("user-agent")) headers.set("user-agent", userAgent);
  return headers;
}

/**
 * Opens a channel's URL with a GET and returns a reader of its body.
 *
 * @param channel The channel (its `url` and `headers`).
 * @param options Signal, redirect limit, User-Agent and HTTP client.
 * @returns A reader of the response body.
 * @throws {UpstreamError} (as a rejection) `http_status` for a non-2xx
 * answer, `redirect_limit` for a redirect loop, `not_mpegts` when the
 * upstream serves a playlist, `network` when the request fails.
 *
 * @example Reading an upstream
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openDirectUpstream } from "./direct_upstream.ts";
 *
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
 *   new Response(new Uint8Array(188).fill(0x47), { headers: { "content-type": "video/mp2t" } }));
 * const reader = await openDirectUpstream({
 *   url: `http://127.0.0.1:${server.addr.port}/live.ts`,
 *   headers: {},
 * });
 * equal((await reader.read())?.length, 188);
 * await reader.close();
 * await server.shutdown();
 * ```
 */
export async function openDirectUpstream(
  channel: Pick<Channel, "url" | "headers">,
  options: DirectUpstreamOptions = {},
): Promise<UpstreamReader> {
  const maxRedirects = options.maxRedirects ?? 5;
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const headers = upstreamHeaders(channel, options.userAgent);
  let url: URL;
  try {
    url = new URL(channel.url);
  } catch (err) {
    options.signal?.removeEventListener("abort", onAbort);
    throw new UpstreamError(
      "network",
      `Expected an absolute upstream URL but found ${
        JSON.stringify(channel.url.slice(0, 200))
      }`,
      { cause: err },
    );
  }
  try {
    for (let hop = 0;; hop++) {
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new UpstreamError(
          "not_mpegts",
          `Expected an http or https upstream URL but found ${url.protocol}`,
        );
      }
      const response = await fetch(url, {
        headers,
        redirect: "manual",
        signal: controller.signal,
        ...(options.client ? { client: options.client } : {}),
      });
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel().catch(() => {});
        if (hop >= maxRedirects) {
          throw new UpstreamError(
            "redirect_limit",
            `Expected at most ${maxRedirects} redirects but found more (last to ${
              location.slice(0, 200)
            })`,
            { status: response.status },
          );
        }
        url = new URL(location, url);
        continue;
      }
      if (response.status < 200 || response.status >= 300) {
        await response.body?.cancel().catch(() => {});
        throw new UpstreamError(
          "http_status",
          `Expected a 2xx upstream status but found ${response.status}`,
          { status: response.status },
        );
      }
      const type = (response.headers.get("content-type") ?? "").toLowerCase();
      if (PLAYLIST_TYPES.some((t) => type.startsWith(t))) {
        await response.body?.cancel().catch(() => {});
        throw new UpstreamError(
          "not_mpegts",
          `Expected an MPEG-TS upstream but found content type ${type}`,
        );
      }
      if (response.body === null) {
        throw new UpstreamError(
          "ended",
          "Expected an upstream body but found none",
        );
      }
      return new DirectReader(
        `direct ${url.origin}${url.pathname}`.slice(0, 300),
        response.body.getReader(),
        controller,
        () => options.signal?.removeEventListener("abort", onAbort),
      );
    }
  } catch (err) {
    options.signal?.removeEventListener("abort", onAbort);
    controller.abort();
    throw toUpstreamError(err);
  }
}

class DirectReader implements UpstreamReader {
  readonly description: string;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #controller: AbortController;
  readonly #detach: () => void;
  #closing: Promise<void> | undefined;

  constructor(
    description: string,
    reader: ReadableStreamDefaultReader<Uint8Array>,
    controller: AbortController,
    detach: () => void,
  ) {
    this.description = description;
    this.#reader = reader;
    this.#controller = controller;
    this.#detach = detach;
  }

  async read(): Promise<Uint8Array | null> {
    if (this.#closing !== undefined) return null;
    try {
      const { done, value } = await this.#reader.read();
      return done ? null : value;
    } catch (err) {
      if (this.#closing !== undefined) return null;
      throw toUpstreamError(err);
    }
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#detach();
      await this.#reader.cancel().catch(() => {});
      this.#controller.abort();
    })();
    return this.#closing;
  }
}
