/**
 * Opening a playlist or guide source: {@link fetchPlaylist} reads a local
 * file or an `http(s)` URL as a byte stream with a size cap, an inactivity
 * timeout and transparent gzip (by `Content-Encoding` or by magic bytes).
 * Failures are {@link SourceFetchError}s whose messages never include the
 * query string or credentials of the URL (IPTV providers put passwords
 * there).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { gunzipIfCompressed } from "./gunzip.ts";

/**
 * Why a {@link SourceFetchError} happened.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SourceFetchErrorKind } from "./fetch_playlist.ts";
 *
 * const kind: SourceFetchErrorKind = "timeout";
 * equal(kind, "timeout");
 * ```
 */
export type SourceFetchErrorKind =
  | "status"
  | "timeout"
  | "too-large"
  | "not-found"
  | "network";

/**
 * Options of {@link SourceFetchError}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SourceFetchErrorOptions } from "./fetch_playlist.ts";
 *
 * const options: SourceFetchErrorOptions = { status: 503 };
 * equal(options.status, 503);
 * ```
 */
export interface SourceFetchErrorOptions extends ErrorOptions {
  /** The HTTP status, for `kind: "status"`. */
  status?: number;
}

/**
 * A source could not be read (HTTP error, timeout, too large, missing
 * file, network failure).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SourceFetchError } from "./fetch_playlist.ts";
 *
 * const error = new SourceFetchError("status", "http://a.example/x.m3u", "Expected HTTP 2xx, found 404", { status: 404 });
 * equal(error.name, "SourceFetchError");
 * equal(error.status, 404);
 * ```
 */
export class SourceFetchError extends Error {
  override name = "SourceFetchError";
  /** What went wrong. */
  readonly kind: SourceFetchErrorKind;
  /** The source, without query string or credentials. */
  readonly location: string;
  /** The HTTP status, for `kind: "status"`. */
  readonly status?: number;

  /**
   * Creates the error.
   *
   * @param kind What went wrong.
   * @param location The (redacted) source.
   * @param message What was expected and what was found.
   * @param options `status` and `cause`.
   */
  constructor(
    kind: SourceFetchErrorKind,
    location: string,
    message: string,
    options: SourceFetchErrorOptions = {},
  ) {
    super(`${location}: ${message}`, options);
    this.kind = kind;
    this.location = location;
    if (options.status !== undefined) this.status = options.status;
  }
}

/**
 * Options of {@link fetchPlaylist}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { FetchPlaylistOptions } from "./fetch_playlist.ts";
 *
 * const options: FetchPlaylistOptions = {
 *   timeoutMs: 30_000,
 *   maxBytes: 64 * 1024 * 1024,
 *   headers: { "User-Agent": "shack" },
 * };
 * equal(options.timeoutMs, 30_000);
 * ```
 */
export interface FetchPlaylistOptions {
  /** Aborts the request and the returned stream. */
  signal?: AbortSignal;
  /**
   * The longest wait for data, in milliseconds: for the response headers,
   * then for each chunk while the stream is being read (a slow reader is not
   * a slow server). Default 60 000.
   */
  timeoutMs?: number;
  /** The most bytes delivered (after decompression). Default 256 MiB. */
  maxBytes?: number;
  /** Request headers (`User-Agent`, ...), for URLs. */
  headers?: HeadersInit;
  /** Decompress gzip detected by its magic bytes. Default true. */
  gunzip?: boolean;
  /** The fetch implementation. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * A URL or path as shown in messages: scheme, host and path only.
 *
 * @example Credentials and query are dropped
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { redactLocation } from "./fetch_playlist.ts";
 *
 * equal(
 *   redactLocation("http://user:pw@iptv.example/get.php?username=u&password=p"),
 *   "http://iptv.example/get.php",
 * );
 * equal(redactLocation("/srv/playlist.m3u"), "/srv/playlist.m3u");
 * ```
 *
 * @param location A URL or a file path.
 * @returns The location without credentials, query or fragment.
 */
export function redactLocation(location: string | URL): string {
  const text = String(location);
  if (!SCHEME.test(text) || /^[a-z]:[\\/]/i.test(text)) return text;
  try {
    const url = new URL(text);
    if (url.protocol === "file:") return url.pathname;
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return text.replace(/[?#].*$/, "");
  }
}

/**
 * Opens a file path, a `file:` URL or an `http(s)` URL as a byte stream.
 * The returned stream must be read to its end or cancelled (that closes
 * the file or the connection and clears the timer).
 *
 * @example A local playlist
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fetchPlaylist } from "./fetch_playlist.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".m3u" });
 * try {
 *   await Deno.writeTextFile(path, "#EXTM3U\n");
 *   const stream = await fetchPlaylist(path, { maxBytes: 1024 });
 *   equal(await new Response(stream).text(), "#EXTM3U\n");
 * } finally {
 *   await Deno.remove(path);
 * }
 * ```
 *
 * @param location A path, `file:` URL or `http(s)` URL.
 * @param options Signal, timeout, size cap, headers.
 * @returns The (decompressed) bytes.
 * @throws {SourceFetchError} If the file is missing, the server answers
 * other than 2xx, does not answer in time, or the declared size is too large.
 * (A size or timeout problem found while reading errors the stream with a
 * {@link SourceFetchError}.)
 * @throws {TypeError} For an unsupported URL scheme.
 */
export async function fetchPlaylist(
  location: string | URL,
  options: FetchPlaylistOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const shown = redactLocation(location);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  if (!(timeoutMs > 0)) {
    throw new RangeError(`Expected timeoutMs > 0, found ${timeoutMs}`);
  }
  if (!(maxBytes > 0)) {
    throw new RangeError(`Expected maxBytes > 0, found ${maxBytes}`);
  }
  const signal = options.signal;
  signal?.throwIfAborted();
  const text = String(location);
  const isUrl = location instanceof URL ||
    (SCHEME.test(text) && !/^[a-z]:[\\/]/i.test(text));
  const url = isUrl ? new URL(text) : undefined;
  if (url && !["http:", "https:", "file:"].includes(url.protocol)) {
    throw new TypeError(
      `Expected a file path or an http(s) or file URL, found ${url.protocol} (${shown})`,
    );
  }

  const controller = new AbortController();
  let failure: unknown;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reading: { reader?: ReadableStreamDefaultReader<Uint8Array> } = {};
  const fail = (error: unknown) => {
    failure ??= error;
    controller.abort(error);
    reading.reader?.cancel(error).catch(() => {});
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      fail(
        new SourceFetchError(
          "timeout",
          shown,
          `expected data within ${timeoutMs} ms, found none`,
        ),
      );
    }, timeoutMs);
  };
  const disarm = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const onAbort = () => fail(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const done = () => {
    disarm();
    signal?.removeEventListener("abort", onAbort);
  };

  let raw: ReadableStream<Uint8Array>;
  try {
    if (url && url.protocol !== "file:") {
      raw = await openHttp(
        url,
        shown,
        options,
        controller.signal,
        arm,
        maxBytes,
      )
        .catch((error) => {
          throw failure ?? error;
        });
    } else {
      raw = await openFile(url ? fileURLToPath(url) : text, shown, maxBytes);
    }
  } catch (error) {
    done();
    throw error;
  } finally {
    disarm();
  }
  if (failure !== undefined) {
    done();
    await raw.cancel().catch(() => {});
    throw failure;
  }

  const body = options.gunzip === false ? raw : gunzipIfCompressed(raw);
  const bodyReader = body.getReader();
  reading.reader = bodyReader;
  let total = 0;
  return new ReadableStream<Uint8Array>({
    async pull(out) {
      arm();
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await bodyReader.read();
      } catch (error) {
        done();
        out.error(failure ?? error);
        return;
      } finally {
        disarm();
      }
      if (failure !== undefined) {
        done();
        out.error(failure);
        return;
      }
      if (result.done) {
        done();
        out.close();
        return;
      }
      total += result.value.byteLength;
      if (total > maxBytes) {
        const error = new SourceFetchError(
          "too-large",
          shown,
          `expected at most ${maxBytes} bytes, found more`,
        );
        done();
        await bodyReader.cancel(error).catch(() => {});
        out.error(error);
        return;
      }
      out.enqueue(result.value);
    },
    async cancel(reason) {
      done();
      await bodyReader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}

async function openHttp(
  url: URL,
  shown: string,
  options: FetchPlaylistOptions,
  signal: AbortSignal,
  arm: () => void,
  maxBytes: number,
): Promise<ReadableStream<Uint8Array>> {
  const doFetch = options.fetch ?? globalThis.fetch;
  arm();
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: options.headers,
      signal,
      redirect: "follow",
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new SourceFetchError(
      "network",
      shown,
      `expected a response, found a network error (${
        error instanceof Error ? error.message : String(error)
      })`,
      { cause: error },
    );
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new SourceFetchError(
      "status",
      shown,
      `expected HTTP 2xx, found ${response.status} ${response.statusText}`
        .trimEnd(),
      { status: response.status },
    );
  }
  const length = Number(response.headers.get("content-length") ?? NaN);
  if (
    !response.headers.has("content-encoding") && Number.isFinite(length) &&
    length > maxBytes
  ) {
    await response.body?.cancel().catch(() => {});
    throw new SourceFetchError(
      "too-large",
      shown,
      `expected at most ${maxBytes} bytes, found Content-Length ${length}`,
    );
  }
  return response.body ?? ReadableStream.from<Uint8Array>([]);
}

async function openFile(
  path: string,
  shown: string,
  maxBytes: number,
): Promise<ReadableStream<Uint8Array>> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new SourceFetchError(
        "not-found",
        shown,
        "expected an existing file, found none",
        { cause: error },
      );
    }
    throw error;
  }
  try {
    const info = await file.stat();
    if (!info.isFile) {
      throw new SourceFetchError(
        "not-found",
        shown,
        "expected a regular file, found a directory or device",
      );
    }
    if (info.size > maxBytes) {
      throw new SourceFetchError(
        "too-large",
        shown,
        `expected at most ${maxBytes} bytes, found a file of ${info.size}`,
      );
    }
  } catch (error) {
    file.close();
    throw error;
  }
  return file.readable;
}
