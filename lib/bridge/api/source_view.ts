/**
 * What the API shows of a playlist or guide source: its status, with
 * credentials in the location (user info, `password=`-like query values)
 * masked, since provider URLs often carry them.
 *
 * @module
 */

import type { StoredSource } from "../store/store_records.ts";

/**
 * A source as the API shows it.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SourceView } from "./source_view.ts";
 *
 * const view: SourceView = { id: "uk", kind: "m3u", location: "/srv/uk.m3u", enabled: true, position: 0 };
 * equal(view.kind, "m3u");
 * ```
 */
export interface SourceView {
  /** Source id. */
  id: string;
  /** Playlist or guide. */
  kind: "m3u" | "xmltv";
  /** File path or URL, credentials masked. */
  location: string;
  /** Refreshed or not. */
  enabled: boolean;
  /** Priority. */
  position: number;
  /** When the last refresh finished (ms since the epoch). */
  lastRefreshAt?: number;
  /** When the last successful refresh finished. */
  lastSuccessAt?: number;
  /** Why the last refresh failed. */
  lastError?: string;
  /** Items read by the last successful refresh. */
  itemCount?: number;
}

const SECRET_KEYS =
  /^(?:pass(?:word|wd)?|pwd|token|key|apikey|api_key|secret|auth|username|user|login|sig|signature)$/i;

/**
 * Masks credentials in a source location: the user info of a URL and the
 * values of query parameters named like secrets (`username`, `password`,
 * `token`, `key`, ...). Paths and other text are returned unchanged.
 *
 * @param location A file path or URL.
 * @returns The location safe to show.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { redactLocation } from "./source_view.ts";
 *
 * equal(
 *   redactLocation("http://iptv.example/get.php?username=bob&password=hunter2&type=m3u"),
 *   "http://iptv.example/get.php?username=***&password=***&type=m3u",
 * );
 * equal(redactLocation("http://bob:pw@iptv.example/list.m3u"), "http://***@iptv.example/list.m3u");
 * equal(redactLocation("/srv/uk.m3u"), "/srv/uk.m3u");
 * ```
 */
export function redactLocation(location: string): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return location;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return location;
  const auth = url.username !== "" || url.password !== "" ? "***@" : "";
  const query = url.search === "" ? "" : "?" + url.search.slice(1).split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq < 0) return pair;
      let key = pair.slice(0, eq);
      try {
        key = decodeURIComponent(key);
      } catch {
        // keep it as sent
      }
      return SECRET_KEYS.test(key) ? `${pair.slice(0, eq)}=***` : pair;
    }).join("&");
  return `${url.protocol}//${auth}${url.host}${url.pathname}${query}`;
}

/**
 * The view of a stored source.
 *
 * @param source The source.
 * @returns The view (no options: they may hold headers with secrets).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sourceView } from "./source_view.ts";
 *
 * const view = sourceView({
 *   id: "uk", kind: "m3u", location: "http://u:p@iptv.example/x.m3u", enabled: true, options: { headers: {} }, position: 0,
 * });
 * equal(view.location, "http://***@iptv.example/x.m3u");
 * equal("options" in view, false);
 * ```
 */
export function sourceView(source: StoredSource): SourceView {
  const view: SourceView = {
    id: source.id,
    kind: source.kind,
    location: redactLocation(source.location),
    enabled: source.enabled,
    position: source.position,
  };
  if (source.lastRefreshAt !== undefined) {
    view.lastRefreshAt = source.lastRefreshAt;
  }
  if (source.lastSuccessAt !== undefined) {
    view.lastSuccessAt = source.lastSuccessAt;
  }
  if (source.lastError !== undefined) view.lastError = source.lastError;
  if (source.itemCount !== undefined) view.itemCount = source.itemCount;
  return view;
}
