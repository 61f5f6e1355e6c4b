/**
 * Stable channel ids: a hash of the source id and the entry's `tvg-id`
 * (or its URL when it has none), so that the `/stream/<id>` URL and the
 * user's mappings survive playlist refreshes and reordering.
 *
 * @module
 */

import { createHash } from "node:crypto";

/**
 * The id of a channel: 16 hex digits of SHA-256 over the source id and a
 * key (`tvg:<tvg-id>` or `url:<url>`, plus extra parts to tell duplicates
 * apart).
 *
 * @example Same input, same id
 * ```ts
 * import { equal, notEqual } from "node:assert/strict";
 * import { channelId } from "./channel_id.ts";
 *
 * const a = channelId("uk", "tvg:bbc1.uk");
 * equal(a, channelId("uk", "tvg:bbc1.uk"));
 * equal(a.length, 16);
 * notEqual(a, channelId("us", "tvg:bbc1.uk"));
 * ```
 *
 * @param sourceId The playlist's id.
 * @param parts The key parts.
 * @returns 16 lower-case hex digits.
 */
export function channelId(sourceId: string, ...parts: string[]): string {
  const hash = createHash("sha256");
  hash.update(sourceId);
  for (const part of parts) {
    hash.update("\u0000");
    hash.update(part);
  }
  return hash.digest("hex").slice(0, 16);
}
