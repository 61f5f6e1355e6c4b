/**
 * Transparent gzip: {@link gunzipIfCompressed} looks at the first two bytes
 * of a stream (`1f 8b`) and decompresses it with `DecompressionStream` when
 * they are gzip's magic, whatever the file name or `Content-Type` said.
 *
 * @module
 */

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Options of {@link gunzipIfCompressed}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { GunzipOptions } from "./gunzip.ts";
 *
 * let read = 0;
 * const options: GunzipOptions = { onInputBytes: (n) => read += n };
 * options.onInputBytes?.(10);
 * equal(read, 10);
 * ```
 */
export interface GunzipOptions {
  /** Called with the size of each chunk read from the input (before decompression). */
  onInputBytes?: (bytes: number) => void;
}

/**
 * Returns the stream's bytes, gunzipped if they start with the gzip magic
 * bytes, else unchanged. Reading starts only when the result is read;
 * cancelling the result cancels `stream`. A corrupt gzip stream makes the
 * result error (a `TypeError` from `DecompressionStream`).
 *
 * @example Plain and gzipped input give the same text
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { gunzipIfCompressed } from "./gunzip.ts";
 *
 * const plain = new TextEncoder().encode("#EXTM3U\n");
 * const gzipped = ReadableStream.from([plain]).pipeThrough(
 *   new CompressionStream("gzip"),
 * );
 * const a = await new Response(gunzipIfCompressed(gzipped)).text();
 * const b = await new Response(gunzipIfCompressed(ReadableStream.from([plain])))
 *   .text();
 * equal(a, "#EXTM3U\n");
 * equal(b, a);
 * ```
 *
 * @param stream Plain or gzip bytes.
 * @param options An input byte counter.
 * @returns The decompressed bytes.
 */
export function gunzipIfCompressed(
  stream: ReadableStream<Uint8Array>,
  options: GunzipOptions = {},
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  const onInputBytes = options.onInputBytes;
  const source = {
    async read(): Promise<ReadableStreamReadResult<Uint8Array>> {
      const result = await reader.read();
      if (!result.done) onInputBytes?.(result.value.byteLength);
      return result;
    },
    cancel(reason?: unknown): Promise<void> {
      return reader.cancel(reason);
    },
  };
  let inner: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let cancelled = false;

  async function open(): Promise<ReadableStreamDefaultReader<Uint8Array>> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let ended = false;
    while (total < 2) {
      const { done, value } = await source.read();
      if (done) {
        ended = true;
        break;
      }
      if (value.byteLength === 0) continue;
      chunks.push(value);
      total += value.byteLength;
    }
    const head = concat(chunks, total);
    const rest = new ReadableStream<Uint8Array>({
      start(controller) {
        if (head.byteLength > 0) controller.enqueue(head);
        if (ended) controller.close();
      },
      async pull(controller) {
        const { done, value } = await source.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        return source.cancel(reason);
      },
    }, { highWaterMark: 0 });
    const gzip = head.byteLength >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    if (!gzip) return rest.getReader();
    // The DOM typings declare a BufferSource writable side; bytes are fine.
    const gunzip = new DecompressionStream(
      "gzip",
    ) as unknown as TransformStream<
      Uint8Array,
      Uint8Array
    >;
    return rest.pipeThrough(gunzip).getReader();
  }

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      inner ??= await open();
      if (cancelled) {
        await inner.cancel();
        return;
      }
      const { done, value } = await inner.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      cancelled = true;
      if (inner) await inner.cancel(reason);
      else await source.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
