/**
 * The BaseURL the bridge advertises: configured (`advertisedUrl`), or
 * taken from the request's Host header when it is a plain host[:port] —
 * what the client used to reach us is what it can use again.
 *
 * @module
 */

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The base URL for a response: `advertisedUrl` without its trailing slash
 * if given, else `http://<Host header>` if the header is a well-formed
 * host[:port], else `fallback`.
 *
 * @param request The request.
 * @param options The configured URL and the fallback.
 * @returns The base URL, without a trailing slash.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { baseUrlFor } from "./base_url.ts";
 *
 * const request = new Request("http://192.0.2.5:5004/discover.json");
 * equal(baseUrlFor(request, { fallback: "http://127.0.0.1:5004" }), "http://192.0.2.5:5004");
 * equal(baseUrlFor(request, { advertisedUrl: "http://tv.lan:80/", fallback: "x" }), "http://tv.lan:80");
 * ```
 */
export function baseUrlFor(
  request: Request,
  options: { advertisedUrl?: string; fallback: string },
): string {
  if (options.advertisedUrl) return options.advertisedUrl.replace(/\/+$/, "");
  const host = request.headers.get("host") ?? new URL(request.url).host;
  return HOST.test(host) && host.length <= 260
    ? `http://${host}`
    : options.fallback.replace(/\/+$/, "");
}
