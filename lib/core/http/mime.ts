/**
 * Media types by file extension, and which of them are worth compressing.
 *
 * @module
 */

const UTF8 = "; charset=utf-8";

/**
 * Media types by lower-case file extension (without the dot). Text types
 * carry `charset=utf-8`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MIME_TYPES } from "./mime.ts";
 * equal(MIME_TYPES.wasm, "application/wasm");
 * ```
 */
export const MIME_TYPES: Readonly<Record<string, string>> = Object.freeze({
  html: "text/html" + UTF8,
  htm: "text/html" + UTF8,
  js: "text/javascript" + UTF8,
  mjs: "text/javascript" + UTF8,
  cjs: "text/javascript" + UTF8,
  css: "text/css" + UTF8,
  txt: "text/plain" + UTF8,
  md: "text/markdown" + UTF8,
  csv: "text/csv" + UTF8,
  ini: "text/plain" + UTF8,
  conf: "text/plain" + UTF8,
  log: "text/plain" + UTF8,
  json: "application/json" + UTF8,
  map: "application/json" + UTF8,
  jsonl: "application/x-ndjson" + UTF8,
  ndjson: "application/x-ndjson" + UTF8,
  webmanifest: "application/manifest+json" + UTF8,
  xml: "application/xml" + UTF8,
  toml: "application/toml" + UTF8,
  yaml: "application/yaml" + UTF8,
  yml: "application/yaml" + UTF8,
  m3u: "audio/x-mpegurl" + UTF8,
  m3u8: "application/vnd.apple.mpegurl" + UTF8,
  svg: "image/svg+xml" + UTF8,
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  bmp: "image/bmp",
  ico: "image/x-icon",
  wasm: "application/wasm",
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  otf: "font/otf",
  eot: "application/vnd.ms-fontobject",
  pdf: "application/pdf",
  zip: "application/zip",
  gz: "application/gzip",
  zst: "application/zstd",
  cbor: "application/cbor",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  opus: "audio/ogg",
  flac: "audio/flac",
  wav: "audio/wav",
  mp4: "video/mp4",
  webm: "video/webm",
  ts: "video/mp2t",
});

/** The media type of files with an unknown extension. */
const FALLBACK = "application/octet-stream";

const COMPRESSIBLE = new Set([
  "application/json",
  "application/x-ndjson",
  "application/manifest+json",
  "application/xml",
  "application/toml",
  "application/yaml",
  "application/javascript",
  "application/wasm",
  "application/vnd.apple.mpegurl",
  "application/vnd.ms-fontobject",
  "audio/x-mpegurl",
  "image/svg+xml",
  "image/x-icon",
  "image/bmp",
  "font/ttf",
  "font/otf",
]);

/**
 * Returns the media type for a file name or path by its extension, or
 * `application/octet-stream` when the extension is unknown or missing.
 *
 * @param path A file name or `/`-separated path; only the last segment counts.
 * @returns The `content-type` value, with `charset=utf-8` for text types.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { contentTypeFor } from "./mime.ts";
 * equal(contentTypeFor("assets/app.JS"), "text/javascript; charset=utf-8");
 * equal(contentTypeFor("README"), "application/octet-stream");
 * ```
 */
export function contentTypeFor(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return FALLBACK;
  const ext = name.slice(dot + 1).toLowerCase();
  return Object.hasOwn(MIME_TYPES, ext) ? MIME_TYPES[ext] : FALLBACK;
}

/**
 * Tells whether a media type is worth compressing (text, JSON, XML, SVG,
 * WebAssembly, uncompressed fonts and icons). Already-compressed formats
 * (PNG, JPEG, WOFF2, audio, video, archives) are not.
 *
 * @param contentType A `content-type` value; parameters are ignored.
 * @returns `true` if gzip or brotli usually shrinks this type.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isCompressible } from "./mime.ts";
 * equal(isCompressible("text/css; charset=utf-8"), true);
 * equal(isCompressible("image/png"), false);
 * ```
 */
export function isCompressible(contentType: string): boolean {
  const semi = contentType.indexOf(";");
  const base = (semi === -1 ? contentType : contentType.slice(0, semi)).trim()
    .toLowerCase();
  return base.startsWith("text/") || COMPRESSIBLE.has(base);
}
