/**
 * Safe decoding of a request path into file-name segments.
 *
 * @module
 */

/**
 * A URL path split into decoded segments that are safe to use as file names.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodeRequestPath } from "./request_path.ts";
 * deepEqual(decodeRequestPath("/assets/"), { segments: ["assets"], trailingSlash: true });
 * ```
 */
export interface RequestPath {
  /** Decoded segments; never empty strings, `.`, `..`, or containing `/`, `\` or control characters. */
  segments: string[];
  /** Whether the path ended with `/` (always `true` for `/`). */
  trailingSlash: boolean;
}

/**
 * Tells whether a decoded name is safe as one path segment: not empty, not
 * `.` or `..`, and free of `/`, `\`, NUL and other control characters.
 *
 * @param segment A decoded path segment or file name.
 * @returns `true` if the segment cannot address anything outside its folder.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isSafeSegment } from "./request_path.ts";
 * equal(isSafeSegment("app.js"), true);
 * equal(isSafeSegment(".."), false);
 * equal(isSafeSegment("a\\b"), false);
 * ```
 */
export function isSafeSegment(segment: string): boolean {
  if (segment === "" || segment === "." || segment === "..") return false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    // "/" (0x2f), "\" (0x5c), C0 controls and DEL.
    if (c === 0x2f || c === 0x5c || c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

/**
 * Decodes a URL pathname (as in `new URL(request.url).pathname`) into safe
 * segments. Empty segments (`//`) are skipped. Returns `null` when the path
 * is malformed or tries to escape: it does not start with `/`, has invalid
 * percent-encoding, or a segment decodes to `.`, `..`, or to text containing
 * `/`, `\`, NUL or another control character (`%2e%2e`, `..%2f`, `%5c`,
 * `%00`). A raw `\` is refused as well.
 *
 * @param pathname The raw (still percent-encoded) path.
 * @returns The decoded segments, or `null` if the path must be refused.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { decodeRequestPath } from "./request_path.ts";
 * deepEqual(decodeRequestPath("/a%20b/c.txt"), { segments: ["a b", "c.txt"], trailingSlash: false });
 * equal(decodeRequestPath("/..%2fetc/passwd"), null);
 * equal(decodeRequestPath("/x%00.html"), null);
 * ```
 */
export function decodeRequestPath(pathname: string): RequestPath | null {
  if (!pathname.startsWith("/")) return null;
  const segments: string[] = [];
  for (const raw of pathname.split("/")) {
    if (raw === "") continue;
    if (raw.includes("\\")) return null;
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (!isSafeSegment(decoded)) return null;
    segments.push(decoded);
  }
  return { segments, trailingSlash: pathname.endsWith("/") };
}
