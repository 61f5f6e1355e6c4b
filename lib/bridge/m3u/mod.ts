/**
 * M3U playlists for `shack bridge serve`: a tolerant `#EXTINF` tokenizer
 * (quoted values with commas, escaped and missing quotes, case-insensitive
 * keys), a bounded parser over text or a byte stream (BOM, CRLF, gzip,
 * `#EXTVLCOPT`/`#KODIPROP`/`#EXTGRP`, overlong lines dropped and counted),
 * and {@linkcode fetchPlaylist} for files and http(s) URLs with a size cap
 * and a timeout.
 *
 * @example A provider playlist from a file
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fetchPlaylist, parseM3uStream } from "./mod.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".m3u" });
 * try {
 *   await Deno.writeTextFile(
 *     path,
 *     '#EXTM3U\n#EXTINF:-1 tvg-id="bbc1.uk" tvg-chno="101",BBC One\nhttp://up.example/bbc1.ts\n',
 *   );
 *   const result = await parseM3uStream(await fetchPlaylist(path), {
 *     sourceId: "uk",
 *   });
 *   equal(result.entries[0].tvgChno, "101");
 * } finally {
 *   await Deno.remove(path);
 * }
 * ```
 *
 * @module
 */

export * from "./extinf.ts";
export * from "./line_splitter.ts";
export * from "./m3u_entry.ts";
export * from "./m3u_parser.ts";
export * from "./m3u_stream.ts";
export * from "./gunzip.ts";
export * from "./fetch_playlist.ts";
export * from "./read_text_stream.ts";
