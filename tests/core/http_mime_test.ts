import { equal } from "node:assert/strict";
import {
  contentTypeFor,
  isCompressible,
  MIME_TYPES,
} from "../../lib/core/http/mime.ts";

Deno.test("contentTypeFor() maps the web extensions", () => {
  const expected: Record<string, string> = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "worker.mjs": "text/javascript; charset=utf-8",
    "site.css": "text/css; charset=utf-8",
    "data.json": "application/json; charset=utf-8",
    "logo.svg": "image/svg+xml; charset=utf-8",
    "a.png": "image/png",
    "a.jpg": "image/jpeg",
    "a.jpeg": "image/jpeg",
    "a.gif": "image/gif",
    "favicon.ico": "image/x-icon",
    "dsp.wasm": "application/wasm",
    "font.woff": "font/woff",
    "font.woff2": "font/woff2",
    "notes.txt": "text/plain; charset=utf-8",
    "app.js.map": "application/json; charset=utf-8",
    "site.webmanifest": "application/manifest+json; charset=utf-8",
    "playlist.m3u": "audio/x-mpegurl; charset=utf-8",
    "discover.xml": "application/xml; charset=utf-8",
  };
  for (const [name, type] of Object.entries(expected)) {
    equal(contentTypeFor(name), type, name);
  }
});

Deno.test("contentTypeFor() ignores case and folders", () => {
  equal(contentTypeFor("assets/INDEX.HTML"), "text/html; charset=utf-8");
  equal(contentTypeFor("a.b/c.WASM"), "application/wasm");
});

Deno.test("contentTypeFor() falls back to application/octet-stream", () => {
  for (
    const name of [
      "README",
      "a.unknownext",
      ".htaccess",
      "file.",
      "dir.d/x",
      "",
    ]
  ) {
    equal(contentTypeFor(name), "application/octet-stream", name);
  }
  equal(contentTypeFor("constructor"), "application/octet-stream");
  equal(contentTypeFor("x.constructor"), "application/octet-stream");
  equal(contentTypeFor("x.__proto__"), "application/octet-stream");
});

Deno.test("MIME_TYPES gives every text type a utf-8 charset", () => {
  for (const [ext, type] of Object.entries(MIME_TYPES)) {
    if (type.startsWith("text/")) {
      equal(type.endsWith("; charset=utf-8"), true, ext);
    }
  }
});

Deno.test("isCompressible() accepts text types and refuses compressed formats", () => {
  for (
    const type of [
      "text/html; charset=utf-8",
      "application/json",
      "image/svg+xml",
      "application/wasm",
      "TEXT/CSS",
    ]
  ) {
    equal(isCompressible(type), true, type);
  }
  for (
    const type of [
      "image/png",
      "image/jpeg",
      "font/woff2",
      "audio/mpeg",
      "application/octet-stream",
      "application/gzip",
    ]
  ) {
    equal(isCompressible(type), false, type);
  }
});
