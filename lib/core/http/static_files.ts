/**
 * Safe static file responses: MIME types, no directory crash, no path
 * traversal, conditional requests, HEAD, and cached compression.
 *
 * @module
 */

import type { CompressionCache } from "./compression_cache.ts";
import { type ContentEncoding, negotiateEncoding } from "./compress.ts";
import type { FileSource, SourceFile } from "./file_source.ts";
import { contentTypeFor, isCompressible } from "./mime.ts";
import { decodeRequestPath } from "./request_path.ts";

/**
 * Options for {@link serveStatic}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CompressionCache } from "./compression_cache.ts";
 * import type { ServeStaticOptions } from "./static_files.ts";
 * const options: ServeStaticOptions = { cacheControl: "max-age=30", compression: new CompressionCache() };
 * equal(options.cacheControl, "max-age=30");
 * ```
 */
export interface ServeStaticOptions {
  /** The `cache-control` header of file responses. Default `no-cache` (revalidate by ETag). */
  cacheControl?: string;
  /** Where compressed files are kept. Without one, nothing is compressed. */
  compression?: CompressionCache | null;
  /** Encodings on offer, most preferred first. Default `["br", "gzip"]`. */
  encodings?: readonly ContentEncoding[];
  /** Smaller files are sent as they are. Default 1 KiB. */
  compressMinBytes?: number;
  /** Larger files are streamed uncompressed. Default 8 MiB. */
  compressMaxBytes?: number;
  /** Files up to this size are read whole instead of streamed. Default 64 KiB. */
  streamMinBytes?: number;
  /** The file served for a directory URL. Default `index.html`; `""` serves none. */
  index?: string;
  /** Only paths under this prefix are served, with the prefix removed (e.g. `/static`). Default none. */
  prefix?: string;
  /** Serve names starting with `.`. Default `false` (they are not found). */
  dotfiles?: boolean;
  /** Told about unexpected errors (read failures); the response is then a 500. */
  onError?: (err: unknown, context: string) => void;
}

const ALLOW = "GET, HEAD";

/**
 * Answers a GET or HEAD request from a {@link FileSource}, or returns `null`
 * when there is nothing at that path so the caller can try other routes or
 * answer 404 itself.
 *
 * - Malformed or escaping paths (`%2e%2e`, `..%2f`, `%5c`, `%00`, bad
 *   percent-encoding) get a 400; names starting with `.` are not found
 *   unless `dotfiles` is set.
 * - A directory URL ending in `/` serves its index file, or `null` if there
 *   is none (never a listing). A directory URL without the trailing slash is
 *   redirected (301) to the URL with it when the index exists, so relative
 *   links in the page resolve; otherwise `null`.
 * - A file found with a method other than GET or HEAD gets a 405 with
 *   `Allow: GET, HEAD` (unknown paths return `null` for any method).
 * - Sets `content-type` by extension, `content-length`, `etag`,
 *   `last-modified`, `cache-control` and `x-content-type-options: nosniff`;
 *   `If-None-Match` (or, without it, `If-Modified-Since`) gives a 304.
 * - HEAD gets the same headers as GET and no body.
 * - With a {@link CompressionCache}, compressible types between
 *   `compressMinBytes` and `compressMaxBytes` are sent with brotli or gzip
 *   as `Accept-Encoding` allows, compressed once per file version, with
 *   `Vary: Accept-Encoding` and a weak ETag. Larger files are streamed as
 *   they are; no file above `streamMinBytes` is read whole except to
 *   compress it.
 *
 * @param request The request; only its method, URL and headers are used.
 * @param source Where files come from.
 * @param options Caching, compression and path options.
 * @returns The response, or `null` if there is no such file.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MemorySource } from "./memory_source.ts";
 * import { serveStatic } from "./static_files.ts";
 * const source = new MemorySource({ "index.html": "<h1>shack</h1>" });
 * const response = await serveStatic(new Request("http://localhost/"), source);
 * equal(response?.headers.get("content-type"), "text/html; charset=utf-8");
 * equal(await response?.text(), "<h1>shack</h1>");
 * equal(await serveStatic(new Request("http://localhost/nope"), source), null);
 * ```
 */
export async function serveStatic(
  request: Request,
  source: FileSource,
  options: ServeStaticOptions = {},
): Promise<Response | null> {
  const url = new URL(request.url);
  const prefix = (options.prefix ?? "").replace(/\/+$/, "");
  let pathname = url.pathname;
  if (prefix !== "") {
    if (pathname === prefix) pathname = "";
    else if (pathname.startsWith(prefix + "/")) {
      pathname = pathname.slice(prefix.length);
    } else return null;
  }
  const parsed = pathname === ""
    ? { segments: [], trailingSlash: false }
    : decodeRequestPath(pathname);
  if (parsed === null) {
    return textResponse(400, "Bad request path\n");
  }
  const { segments, trailingSlash } = parsed;
  if (!options.dotfiles && segments.some((s) => s.startsWith("."))) {
    return null;
  }
  const index = options.index ?? "index.html";
  const method = request.method;
  const readOnly = method === "GET" || method === "HEAD";
  const displayPath = "/" + segments.join("/");

  let file: SourceFile;
  try {
    const entry = await source.lookup(segments);
    if (entry === null) return null;
    if (entry.kind === "file") {
      if (trailingSlash) return null;
      file = entry;
    } else {
      if (index === "") return null;
      const indexEntry = await source.lookup([...segments, index]);
      if (indexEntry === null || indexEntry.kind !== "file") return null;
      if (!trailingSlash) {
        if (!readOnly) return methodNotAllowed();
        const location = prefix + "/" +
          segments.map(encodeURIComponent).join("/") +
          (segments.length > 0 ? "/" : "") + url.search;
        return new Response(null, {
          status: 301,
          headers: { location, "cache-control": "no-cache" },
        });
      }
      file = indexEntry;
    }
  } catch (err) {
    options.onError?.(err, `static lookup ${displayPath}`);
    return textResponse(500, "Internal server error\n");
  }
  if (!readOnly) return methodNotAllowed();
  try {
    return await serveFile(request, file, options);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null; // vanished meanwhile
    options.onError?.(err, `static read ${displayPath}`);
    return textResponse(500, "Internal server error\n");
  }
}

async function serveFile(
  request: Request,
  file: SourceFile,
  options: ServeStaticOptions,
): Promise<Response> {
  const head = request.method === "HEAD";
  const contentType = contentTypeFor(file.path);
  const cache = options.compression ?? null;
  const compressible = cache !== null &&
    isCompressible(contentType) &&
    file.size >= (options.compressMinBytes ?? 1024) &&
    file.size <= (options.compressMaxBytes ?? 8 * 1024 * 1024);
  const encoding = compressible
    ? negotiateEncoding(
      request.headers.get("accept-encoding"),
      options.encodings ?? ["br", "gzip"],
    )
    : null;
  const etag = encoding === null ? file.etag : weaken(file.etag);

  const headers = new Headers({
    "cache-control": options.cacheControl ?? "no-cache",
    etag,
  });
  if (file.mtime !== null) {
    headers.set("last-modified", file.mtime.toUTCString());
  }
  if (compressible) headers.set("vary", "Accept-Encoding");

  if (isNotModified(request, file)) {
    return new Response(null, { status: 304, headers });
  }
  headers.set("content-type", contentType);
  headers.set("x-content-type-options", "nosniff");

  if (encoding !== null && cache !== null) {
    let data: Uint8Array | null = null;
    try {
      data = await cache.get(file, encoding);
    } catch (err) {
      options.onError?.(err, `static compress /${file.path}`);
    }
    if (data !== null && data.byteLength < file.size) {
      headers.set("content-encoding", encoding);
      headers.set("content-length", String(data.byteLength));
      return new Response(head ? null : data as Uint8Array<ArrayBuffer>, {
        headers,
      });
    }
    headers.set("etag", file.etag); // sent as is after all
  }

  if (head) {
    headers.set("content-length", String(file.size));
    return new Response(null, { headers });
  }
  if (file.size <= (options.streamMinBytes ?? 64 * 1024)) {
    const data = await file.read();
    headers.set("content-length", String(data.byteLength));
    return new Response(data as Uint8Array<ArrayBuffer>, { headers });
  }
  headers.set("content-length", String(file.size));
  return new Response(await file.open(), { headers });
}

function isNotModified(request: Request, file: SourceFile): boolean {
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch !== null) {
    if (ifNoneMatch.trim() === "*") return true;
    const own = stripWeak(file.etag);
    return ifNoneMatch.split(",").some((tag) => stripWeak(tag) === own);
  }
  const ifModifiedSince = request.headers.get("if-modified-since");
  if (ifModifiedSince !== null && file.mtime !== null) {
    const since = Date.parse(ifModifiedSince);
    if (Number.isNaN(since)) return false;
    return Math.floor(file.mtime.getTime() / 1000) <=
      Math.floor(since / 1000);
  }
  return false;
}

function stripWeak(tag: string): string {
  const trimmed = tag.trim();
  return trimmed.startsWith("W/") ? trimmed.slice(2) : trimmed;
}

function weaken(tag: string): string {
  return tag.startsWith("W/") ? tag : "W/" + tag;
}

function methodNotAllowed(): Response {
  const response = textResponse(405, "Method not allowed\n");
  response.headers.set("allow", ALLOW);
  return response;
}

function textResponse(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
