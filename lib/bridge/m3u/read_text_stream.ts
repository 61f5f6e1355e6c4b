/**
 * Reading a playlist or guide download as text: {@link readTextStream}
 * gunzips it when it is gzip ({@link gunzipIfCompressed}), decodes UTF-8
 * (replacing bad bytes) chunk by chunk, counts the input bytes, reports
 * progress every so many bytes and cancels the read on abort. The M3U and
 * XMLTV parsers feed their text to it.
 *
 * @module
 */

import { gunzipIfCompressed } from "./gunzip.ts";

/**
 * Options of {@link readTextStream}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ReadTextStreamOptions } from "./read_text_stream.ts";
 *
 * let text = "";
 * const options: ReadTextStreamOptions = { onText: (t) => text += t };
 * options.onText("a");
 * equal(text, "a");
 * ```
 */
export interface ReadTextStreamOptions {
  /** Called with the text of each chunk in order; the last call flushes the decoder. */
  onText: (text: string) => void;
  /** Called with the size of each chunk read (before gunzip). */
  onInputBytes?: (bytes: number) => void;
  /** Called with the input bytes so far, each time `progressBytes` more were read. */
  onProgress?: (bytes: number) => void;
  /** Input bytes between progress calls. Default 1 MiB. */
  progressBytes?: number;
  /** Cancels the read; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Reads `stream` (plain or gzip) to its end as text, passing each decoded
 * chunk to `onText`. The stream is cancelled on abort or when `onText`
 * throws.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readTextStream } from "./read_text_stream.ts";
 *
 * const bytes = new TextEncoder().encode("h\u00e9llo");
 * const parts: string[] = [];
 * const read = await readTextStream(
 *   ReadableStream.from([bytes.subarray(0, 2), bytes.subarray(2)]),
 *   { onText: (text) => parts.push(text) },
 * );
 * equal(parts.join(""), "h\u00e9llo");
 * equal(read, 6);
 * ```
 *
 * @param stream The bytes.
 * @param options Callbacks, progress step and signal.
 * @returns How many input bytes were read.
 * @throws {DOMException} `AbortError` (or the signal's reason) on abort;
 * the stream's own error if reading fails.
 */
export async function readTextStream(
  stream: ReadableStream<Uint8Array>,
  options: ReadTextStreamOptions,
): Promise<number> {
  const { signal, onText, onProgress } = options;
  signal?.throwIfAborted();
  const step = options.progressBytes ?? 1 << 20;
  let nextReport = step;
  let bytes = 0;
  const bytesIn = gunzipIfCompressed(stream, {
    onInputBytes: (n) => {
      bytes += n;
      options.onInputBytes?.(n);
    },
  });
  const decoder = new TextDecoder("utf-8", { fatal: false });
  const reader = bytesIn.getReader();
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    while (true) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) break;
      onText(decoder.decode(value, { stream: true }));
      if (onProgress && bytes >= nextReport) {
        nextReport = bytes + step;
        onProgress(bytes);
      }
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
  onText(decoder.decode());
  return bytes;
}
