/**
 * The streaming M3U reader: decodes a byte stream chunk by chunk (UTF-8,
 * BOM removed, gzip detected by its magic bytes) and feeds lines to an
 * {@link M3uParser}, so a huge playlist is never held in memory as one
 * string next to its parsed entries, and a line longer than the limit is
 * never buffered whole.
 *
 * @module
 */

import { LineSplitter } from "./line_splitter.ts";
import type { M3uParseResult } from "./m3u_entry.ts";
import { type M3uParseOptions, M3uParser } from "./m3u_parser.ts";
import { readTextStream } from "./read_text_stream.ts";

/**
 * Progress of a streaming M3U parse.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { M3uProgress } from "./m3u_stream.ts";
 *
 * const progress: M3uProgress = { bytes: 1 << 20, entries: 3000, done: false };
 * equal(progress.entries, 3000);
 * ```
 */
export interface M3uProgress {
  /** Bytes read from the stream so far (before decompression). */
  bytes: number;
  /** Entries kept so far. */
  entries: number;
  /** True on the last report. */
  done: boolean;
}

/**
 * Options of {@link parseM3uStream}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ParseM3uStreamOptions } from "./m3u_stream.ts";
 *
 * const options: ParseM3uStreamOptions = {
 *   sourceId: "uk",
 *   progressBytes: 4 << 20,
 *   onProgress: (p) => console.error(p.bytes),
 * };
 * equal(options.sourceId, "uk");
 * ```
 */
export interface ParseM3uStreamOptions extends M3uParseOptions {
  /** Stops reading (the stream is cancelled and the promise rejects). */
  signal?: AbortSignal;
  /** Called about every `progressBytes` bytes and once at the end. */
  onProgress?: (progress: M3uProgress) => void;
  /** How often `onProgress` is called, in bytes. Default 1 MiB. */
  progressBytes?: number;
}

/**
 * Parses a playlist from a byte stream. The stream is read to its end (or
 * cancelled on abort or error). Never throws on malformed text; rejects
 * only when the stream errors or `signal` aborts.
 *
 * @example A playlist arriving in awkward chunks
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseM3uStream } from "./m3u_stream.ts";
 *
 * const bytes = new TextEncoder().encode(
 *   '#EXTM3U\n#EXTINF:-1 group-title="Kids, Fun",Toons\nhttp://a/t.ts\n',
 * );
 * const stream = ReadableStream.from([bytes.subarray(0, 20), bytes.subarray(20)]);
 * const { entries } = await parseM3uStream(stream, { sourceId: "iptv" });
 * equal(entries[0].group, "Kids, Fun");
 * ```
 *
 * @param stream The playlist bytes (plain or gzip).
 * @param options Source id, bounds, filter, signal and progress callback.
 * @returns Entries, header attributes, counters and warnings.
 * @throws {DOMException} `AbortError` (or the signal's reason) on abort;
 * the stream's own error if reading fails.
 */
export async function parseM3uStream(
  stream: ReadableStream<Uint8Array>,
  options: ParseM3uStreamOptions,
): Promise<M3uParseResult> {
  const parser = new M3uParser(options);
  const splitter = new LineSplitter({ maxLineLength: parser.maxLineLength });
  const onLine = (line: string, overlong: boolean) =>
    parser.line(line, overlong);
  const { onProgress } = options;
  const bytes = await readTextStream(stream, {
    onText: (text) => splitter.push(text, onLine),
    onProgress: onProgress &&
      ((bytes) =>
        onProgress({ bytes, entries: parser.entryCount, done: false })),
    progressBytes: options.progressBytes,
    signal: options.signal,
  });
  splitter.flush(onLine);
  const result = parser.finish();
  options.onProgress?.({ bytes, entries: result.entries.length, done: true });
  return result;
}
