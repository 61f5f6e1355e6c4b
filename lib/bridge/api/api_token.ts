/**
 * The bridge's API token: generated once and kept in the store's settings
 * unless the configuration names one, compared in constant time, and
 * announced in a log line with the dashboard URL.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import type { Logger } from "../../core/log.ts";

/**
 * The settings key the generated token is stored under.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { API_TOKEN_SETTING } from "./api_token.ts";
 *
 * equal(API_TOKEN_SETTING, "api.token");
 * ```
 */
export const API_TOKEN_SETTING = "api.token";

const TOKEN_SHAPE = /^[\x21-\x7e]{16,256}$/;

/**
 * Generates a token: 32 random bytes as base64url (43 characters).
 *
 * @returns The token.
 *
 * @example Usage
 * ```ts
 * import { equal, notEqual } from "node:assert/strict";
 * import { generateApiToken } from "./api_token.ts";
 *
 * equal(generateApiToken().length, 43);
 * notEqual(generateApiToken(), generateApiToken());
 * ```
 */
export function generateApiToken(): string {
  return crypto.getRandomValues(new Uint8Array(32)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
}

/**
 * Whether a string can be used as a token: 16 to 256 visible ASCII
 * characters (it travels in a header, a query string and a cookie).
 *
 * @param token The candidate.
 * @returns `true` if it is usable.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isValidApiToken } from "./api_token.ts";
 *
 * equal(isValidApiToken("correct-horse-battery-staple"), true);
 * equal(isValidApiToken("short"), false);
 * equal(isValidApiToken("has a space in it, sadly"), false);
 * ```
 */
export function isValidApiToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text).digest();
}

/**
 * Compares two secrets in constant time (of their SHA-256 digests, so the
 * time does not depend on where they differ or on their lengths).
 *
 * @param given What the client sent.
 * @param expected The real secret.
 * @returns `true` if they are equal.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { tokensEqual } from "./api_token.ts";
 *
 * equal(tokensEqual("abc", "abc"), true);
 * equal(tokensEqual("abd", "abc"), false);
 * equal(tokensEqual("", "abc"), false);
 * ```
 */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Where the token in use came from.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ApiTokenOrigin } from "./api_token.ts";
 *
 * const origin: ApiTokenOrigin = "generated";
 * equal(origin, "generated");
 * ```
 */
export type ApiTokenOrigin = "config" | "settings" | "generated";

/**
 * The token in use and where it came from.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ApiToken } from "./api_token.ts";
 *
 * const token: ApiToken = { token: "0123456789abcdef0123", origin: "config" };
 * equal(token.origin, "config");
 * ```
 */
export interface ApiToken {
  /** The secret. */
  token: string;
  /** `config`: named by the configuration; `settings`: generated on an earlier start; `generated`: generated now. */
  origin: ApiTokenOrigin;
}

/**
 * The part of `BridgeStore` that keeps the token.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { TokenSettings } from "./api_token.ts";
 *
 * const map = new Map<string, string>();
 * const settings: TokenSettings = {
 *   getSetting: (key) => map.get(key),
 *   setSetting: (key, value) => void map.set(key, value),
 * };
 * settings.setSetting("api.token", "x");
 * equal(settings.getSetting("api.token"), "x");
 * ```
 */
export interface TokenSettings {
  /** Reads a setting. */
  getSetting(key: string): string | undefined;
  /** Writes a setting. */
  setSetting(key: string, value: string): void;
}

/**
 * Returns the token to use: the configured one if given, else the one
 * stored in settings, else a new one (stored, so it survives restarts). A
 * stored value that is not a usable token is replaced.
 *
 * @param settings Where a generated token is kept (a `BridgeStore`).
 * @param configured The token named by the configuration, if any.
 * @returns The token and its origin.
 * @throws {RangeError} If `configured` is not 16 to 256 visible ASCII characters.
 *
 * @example Generated once, then kept
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BridgeStore } from "../store/bridge_store.ts";
 * import { ensureApiToken } from "./api_token.ts";
 *
 * const store = new BridgeStore(":memory:");
 * const first = ensureApiToken(store);
 * equal(first.origin, "generated");
 * const again = ensureApiToken(store);
 * equal(again.origin, "settings");
 * equal(again.token, first.token);
 * equal(ensureApiToken(store, "configured-token-1234").origin, "config");
 * store.close();
 * ```
 */
export function ensureApiToken(
  settings: TokenSettings,
  configured?: string,
): ApiToken {
  if (configured !== undefined) {
    if (!isValidApiToken(configured)) {
      throw new RangeError(
        `Expected the API token to be 16 to 256 visible ASCII characters, found ${configured.length} characters${
          /[^\x21-\x7e]/.test(configured) ? " including spaces or others" : ""
        }`,
      );
    }
    return { token: configured, origin: "config" };
  }
  const stored = settings.getSetting(API_TOKEN_SETTING);
  if (stored !== undefined && isValidApiToken(stored)) {
    return { token: stored, origin: "settings" };
  }
  const token = generateApiToken();
  settings.setSetting(API_TOKEN_SETTING, token);
  return { token, origin: "generated" };
}

/**
 * Options of {@link announceDashboard}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AnnounceDashboardOptions } from "./api_token.ts";
 *
 * const options: AnnounceDashboardOptions = {
 *   baseUrl: "http://192.0.2.5:5004",
 *   token: { token: "0123456789abcdef0123", origin: "generated" },
 *   requireToken: true,
 * };
 * equal(options.requireToken, true);
 * ```
 */
export interface AnnounceDashboardOptions {
  /** Where the server can be reached, e.g. `http://192.0.2.5:5004`. */
  baseUrl: string;
  /** The token from {@link ensureApiToken}. */
  token: ApiToken;
  /** Whether the API asks for the token (false when bound to loopback only). */
  requireToken: boolean;
}

/**
 * Logs where the dashboard is. When the token was just generated (and is
 * required), the URL carries it (`?token=`): opening that link once sets
 * the dashboard's cookie. Later starts name the settings key instead, so
 * the secret is not written to the log on every start.
 *
 * @param logger Where the line goes.
 * @param options The URL, the token and whether it is required.
 * @returns The URL logged.
 *
 * @example Usage
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { Logger } from "../../core/log.ts";
 * import { announceDashboard } from "./api_token.ts";
 *
 * const lines: string[] = [];
 * const logger = new Logger({ sink: (line) => lines.push(line) });
 * const url = announceDashboard(logger, {
 *   baseUrl: "http://192.0.2.5:5004/",
 *   token: { token: "0123456789abcdef0123", origin: "generated" },
 *   requireToken: true,
 * });
 * equal(url, "http://192.0.2.5:5004/dashboard/?token=0123456789abcdef0123");
 * match(lines[0], /API token generated/);
 * ```
 */
export function announceDashboard(
  logger: Logger,
  options: AnnounceDashboardOptions,
): string {
  const base = options.baseUrl.replace(/\/+$/, "");
  const page = `${base}/dashboard/`;
  const { token, origin } = options.token;
  if (!options.requireToken) {
    logger.info("bridge dashboard (loopback only, no token needed)", {
      url: page,
    });
    return page;
  }
  if (origin === "generated") {
    const url = `${page}?token=${encodeURIComponent(token)}`;
    logger.info(
      "bridge dashboard: API token generated and stored in settings; open this URL once to sign in",
      { url, setting: API_TOKEN_SETTING },
    );
    return url;
  }
  logger.info(
    "bridge dashboard: sign in with the API token",
    origin === "config"
      ? { url: page, token: "from the configuration" }
      : { url: page, token: "in settings", setting: API_TOKEN_SETTING },
  );
  return page;
}
