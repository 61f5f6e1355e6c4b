/**
 * Content-encoding negotiation and gzip/brotli compression that does not
 * stall the event loop.
 *
 * @module
 */

import { constants, createBrotliCompress, createGzip } from "node:zlib";
import type { Transform } from "node:stream";

/** A content coding the static file server can produce. */
export type ContentEncoding = "br" | "gzip";

/**
 * Picks the best encoding the client accepts, from `Accept-Encoding`: the
 * highest `q` wins, ties go to the earlier entry of `supported`. `q=0`
 * refuses an encoding, `*` stands for any not named, and `x-gzip` counts as
 * `gzip`.
 *
 * @param acceptEncoding The header value, or `null` if absent.
 * @param supported Encodings on offer, most preferred first.
 * @returns The chosen encoding, or `null` for the identity encoding.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { negotiateEncoding } from "./compress.ts";
 * equal(negotiateEncoding("gzip, deflate, br"), "br");
 * equal(negotiateEncoding("br;q=0.5, gzip"), "gzip");
 * equal(negotiateEncoding("identity"), null);
 * ```
 */
export function negotiateEncoding(
  acceptEncoding: string | null,
  supported: readonly ContentEncoding[] = ["br", "gzip"],
): ContentEncoding | null {
  if (acceptEncoding === null || acceptEncoding === "") return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [rawName, ...params] = part.split(";");
    let name = rawName.trim().toLowerCase();
    if (name === "") continue;
    if (name === "x-gzip") name = "gzip";
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=").map((s) => s.trim().toLowerCase());
      if (key === "q") {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(1, Math.max(0, parsed)) : 0;
      }
    }
    weights.set(name, Math.max(weights.get(name) ?? 0, q));
  }
  let best: ContentEncoding | null = null;
  let bestQ = 0;
  for (const encoding of supported) {
    const q = weights.get(encoding) ?? weights.get("*") ?? 0;
    if (q > bestQ) {
      best = encoding;
      bestQ = q;
    }
  }
  return best;
}

/**
 * Options for {@link compressBytes}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { CompressOptions } from "./compress.ts";
 * const options: CompressOptions = { brotliQuality: 5, gzipLevel: 9 };
 * equal(options.gzipLevel, 9);
 * ```
 */
export interface CompressOptions {
  /** Brotli quality 0 to 11. Default 5 (11 is many times slower for a few percent). */
  brotliQuality?: number;
  /** Gzip level 1 to 9. Default 9. */
  gzipLevel?: number;
  /** Input is fed in slices of this many bytes. Default 64 KiB. */
  sliceBytes?: number;
  /** Yield to the event loop after this much work, in ms. Default 8. */
  yieldAfterMs?: number;
}

/**
 * Compresses bytes with gzip or brotli (node:zlib). Zlib runs on the main
 * thread in Deno, so the input is fed in slices and the function yields to
 * the event loop between them: compressing a multi-megabyte bundle does not
 * stall websockets for the whole time.
 *
 * @param data The bytes to compress.
 * @param encoding `gzip` or `br`.
 * @param options Quality and slicing.
 * @returns The compressed bytes.
 * @throws {RangeError} If a quality or level is out of range.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { gunzipSync } from "node:zlib";
 * import { compressBytes } from "./compress.ts";
 * const text = new TextEncoder().encode("hello ".repeat(1000));
 * const gz = await compressBytes(text, "gzip");
 * equal(gunzipSync(gz).length, text.length);
 * ```
 */
export async function compressBytes(
  data: Uint8Array,
  encoding: ContentEncoding,
  options: CompressOptions = {},
): Promise<Uint8Array> {
  const sliceBytes = options.sliceBytes ?? 64 * 1024;
  const yieldAfterMs = options.yieldAfterMs ?? 8;
  let stream: Transform;
  if (encoding === "br") {
    const quality = options.brotliQuality ?? 5;
    checkInteger("brotliQuality", quality, 0, 11);
    stream = createBrotliCompress({
      params: {
        [constants.BROTLI_PARAM_QUALITY]: quality,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength,
      },
    });
  } else if (encoding === "gzip") {
    const level = options.gzipLevel ?? 9;
    checkInteger("gzipLevel", level, 1, 9);
    stream = createGzip({ level });
  } else {
    throw new TypeError(
      `Expected encoding "br" or "gzip", found ${JSON.stringify(encoding)}`,
    );
  }
  checkInteger("sliceBytes", sliceBytes, 1, Number.MAX_SAFE_INTEGER);

  const chunks: Uint8Array[] = [];
  let total = 0;
  stream.on("data", (chunk: Uint8Array) => {
    chunks.push(chunk);
    total += chunk.byteLength;
  });
  const done = new Promise<void>((resolve, reject) => {
    stream.once("end", resolve);
    stream.once("error", reject);
  });
  done.catch(() => {}); // observed below; avoid an unhandled rejection meanwhile
  try {
    let since = performance.now();
    for (let offset = 0; offset < data.byteLength; offset += sliceBytes) {
      const slice = data.subarray(offset, offset + sliceBytes);
      await new Promise<void>((resolve, reject) => {
        stream.write(slice, (err) => err ? reject(err) : resolve());
      });
      if (performance.now() - since >= yieldAfterMs) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        since = performance.now();
      }
    }
    stream.end();
    await done;
  } catch (err) {
    stream.destroy();
    throw err;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function checkInteger(name: string, value: number, min: number, max: number) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Expected ${name} to be an integer from ${min} to ${max}, found ${value}`,
    );
  }
}
