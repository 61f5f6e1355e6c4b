/**
 * Who may use the bridge's API and dashboard: with a token required, a
 * request must carry it (`Authorization: Bearer`, the dashboard's cookie,
 * or `?token=` where allowed); without one (bound to loopback only),
 * requests must name a loopback host and come from the same origin, so a
 * web page elsewhere cannot drive the API through the browser.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { errorResponse } from "./api_error.ts";
import { tokensEqual } from "./api_token.ts";

/**
 * The name of the dashboard's cookie.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AUTH_COOKIE } from "./api_auth.ts";
 *
 * equal(AUTH_COOKIE, "shack_bridge_token");
 * ```
 */
export const AUTH_COOKIE = "shack_bridge_token";

/** The same answer whatever was wrong: nothing tells which part failed. */
const UNAUTHORIZED = "Expected a valid API token, found none or a wrong one";

/**
 * Options of {@link ApiAuth}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ApiAuthOptions } from "./api_auth.ts";
 *
 * const options: ApiAuthOptions = { token: "0123456789abcdef0123", requireToken: true };
 * equal(options.requireToken, true);
 * ```
 */
export interface ApiAuthOptions {
  /** The API token. */
  token: string;
  /** Whether requests need it (false when the server is bound to loopback only). */
  requireToken: boolean;
  /** Lifetime of the dashboard's cookie, seconds. Default 30 days. */
  cookieMaxAgeSeconds?: number;
}

/**
 * Options of {@link ApiAuth.check}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AuthCheckOptions } from "./api_auth.ts";
 *
 * const options: AuthCheckOptions = { allowQuery: true };
 * equal(options.allowQuery, true);
 * ```
 */
export interface AuthCheckOptions {
  /** Accept `?token=` (the websocket, which cannot send headers). Default false. */
  allowQuery?: boolean;
}

/**
 * Checks requests against the API token (or, when no token is required,
 * against cross-site use).
 *
 * @example A token is required
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ApiAuth } from "./api_auth.ts";
 *
 * const auth = new ApiAuth({ token: "0123456789abcdef0123", requireToken: true });
 * equal(auth.check(new Request("http://bridge/api/status"))?.status, 401);
 * const signed = new Request("http://bridge/api/status", {
 *   headers: { authorization: "Bearer 0123456789abcdef0123" },
 * });
 * equal(auth.check(signed), undefined);
 * ```
 */
export class ApiAuth {
  readonly #token: string;
  readonly #cookieValue: string;
  readonly #requireToken: boolean;
  readonly #cookieMaxAge: number;

  /**
   * Creates the checker.
   *
   * @param options The token and whether it is required.
   * @throws {RangeError} If the token is empty or the cookie lifetime is not a positive integer.
   */
  constructor(options: ApiAuthOptions) {
    if (options.token === "") {
      throw new RangeError("Expected a non-empty API token, found none");
    }
    const maxAge = options.cookieMaxAgeSeconds ?? 30 * 24 * 3600;
    if (!Number.isSafeInteger(maxAge) || maxAge < 1) {
      throw new RangeError(
        `Expected cookieMaxAgeSeconds to be an integer >= 1, found ${maxAge}`,
      );
    }
    this.#token = options.token;
    this.#requireToken = options.requireToken;
    this.#cookieMaxAge = maxAge;
    // The cookie holds a value derived from the token, not the token itself.
    this.#cookieValue = createHash("sha256")
      .update(`shack-bridge-cookie\0${options.token}`)
      .digest("base64url");
  }

  /** Whether requests need the token. */
  get requireToken(): boolean {
    return this.#requireToken;
  }

  /**
   * Whether `token` is the API token (constant time).
   *
   * @param token The candidate.
   * @returns `true` if it matches.
   */
  isToken(token: string): boolean {
    return tokensEqual(token, this.#token);
  }

  /**
   * Whether the request carries the token: `Authorization: Bearer`, the
   * dashboard cookie, or (with `allowQuery`) `?token=`.
   *
   * @param request The request.
   * @param options Whether the query may carry it.
   * @returns `true` if one of them matches.
   *
   * @example Usage
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ApiAuth } from "./api_auth.ts";
   *
   * const auth = new ApiAuth({ token: "0123456789abcdef0123", requireToken: true });
   * const request = new Request("http://bridge/api/live?token=0123456789abcdef0123");
   * equal(auth.authenticated(request), false);
   * equal(auth.authenticated(request, { allowQuery: true }), true);
   * ```
   */
  authenticated(request: Request, options: AuthCheckOptions = {}): boolean {
    // Every present credential is compared, so the time taken does not
    // tell which one was tried.
    let ok = false;
    const header = request.headers.get("authorization");
    if (header !== null) {
      const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
      if (match !== null && this.isToken(match[1])) ok = true;
    }
    const cookie = readCookie(request.headers.get("cookie"), AUTH_COOKIE);
    if (cookie !== undefined && tokensEqual(cookie, this.#cookieValue)) {
      ok = true;
    }
    if (options.allowQuery) {
      const query = queryToken(request);
      if (query !== undefined && this.isToken(query)) ok = true;
    }
    return ok;
  }

  /**
   * Decides whether the request may use the API.
   *
   * - Token required: the request must carry it, else 401 (with
   *   `WWW-Authenticate: Bearer`), the same answer whatever was wrong.
   * - No token required (loopback only): the `Host` must be a loopback
   *   name (`localhost`, `127.x.x.x`, `[::1]`), against DNS rebinding; and
   *   requests that change something, and websocket upgrades, must not
   *   come from another origin. Otherwise 403.
   *
   * @param request The request.
   * @param options Whether `?token=` is accepted.
   * @returns `undefined` if allowed, else the refusal to send.
   *
   * @example Loopback without a token
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ApiAuth } from "./api_auth.ts";
   *
   * const auth = new ApiAuth({ token: "0123456789abcdef0123", requireToken: false });
   * const local = new Request("http://127.0.0.1:5004/api/status", { headers: { host: "127.0.0.1:5004" } });
   * equal(auth.check(local), undefined);
   * const rebound = new Request("http://evil.example/api/status", { headers: { host: "evil.example" } });
   * equal(auth.check(rebound)?.status, 403);
   * ```
   */
  check(
    request: Request,
    options: AuthCheckOptions = {},
  ): Response | undefined {
    if (this.#requireToken) {
      if (this.authenticated(request, options)) return undefined;
      return errorResponse(401, UNAUTHORIZED, {
        "www-authenticate": 'Bearer realm="shack bridge"',
      });
    }
    const host = request.headers.get("host");
    if (host !== null && !isLoopbackHost(host)) {
      return errorResponse(
        403,
        `Expected a loopback host name (localhost, 127.0.0.1 or [::1]) because no API token is required, found ${
          JSON.stringify(host.slice(0, 100))
        }; require a token to serve other names`,
      );
    }
    const changes = request.method !== "GET" && request.method !== "HEAD";
    const upgrade = (request.headers.get("upgrade") ?? "").toLowerCase() ===
      "websocket";
    const origin = request.headers.get("origin");
    if ((changes || upgrade) && origin !== null) {
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = undefined;
      }
      if (originHost === undefined || host === null || originHost !== host) {
        return errorResponse(
          403,
          `Expected a request from this site, found origin ${
            JSON.stringify(origin.slice(0, 100))
          }`,
        );
      }
    }
    return undefined;
  }

  /**
   * The `Set-Cookie` value that signs the dashboard in: HttpOnly,
   * SameSite=Strict, Path=/, Secure when the request came over HTTPS.
   *
   * @param request The request (its scheme, or `x-forwarded-proto`).
   * @returns The header value.
   *
   * @example Usage
   * ```ts
   * import { match } from "node:assert/strict";
   * import { ApiAuth } from "./api_auth.ts";
   *
   * const auth = new ApiAuth({ token: "0123456789abcdef0123", requireToken: true });
   * match(auth.cookie(new Request("http://bridge/dashboard/")), /HttpOnly; SameSite=Strict/);
   * ```
   */
  cookie(request: Request): string {
    const secure = request.url.startsWith("https:") ||
      (request.headers.get("x-forwarded-proto") ?? "").toLowerCase() ===
        "https";
    return `${AUTH_COOKIE}=${this.#cookieValue}; Path=/; Max-Age=${this.#cookieMaxAge}; HttpOnly; SameSite=Strict${
      secure ? "; Secure" : ""
    }`;
  }
}

/**
 * The `?token=` of a request, if any.
 *
 * @param request The request.
 * @returns The token, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { queryToken } from "./api_auth.ts";
 *
 * equal(queryToken(new Request("http://bridge/dashboard/?token=abc")), "abc");
 * equal(queryToken(new Request("http://bridge/dashboard/")), undefined);
 * ```
 */
export function queryToken(request: Request): string | undefined {
  try {
    return new URL(request.url).searchParams.get("token") ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a `Host` header names the local machine: `localhost` (or a
 * `.localhost` name), an address in 127.0.0.0/8, or `[::1]`.
 *
 * @param host The header value (with or without a port).
 * @returns `true` for a loopback name.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isLoopbackHost } from "./api_auth.ts";
 *
 * equal(isLoopbackHost("127.0.0.1:5004"), true);
 * equal(isLoopbackHost("[::1]:5004"), true);
 * equal(isLoopbackHost("localhost"), true);
 * equal(isLoopbackHost("192.168.1.10:5004"), false);
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  if (hostname === "[::1]") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function readCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
