/**
 * HTTP helpers every shack service uses: `/healthz` and `/metrics`
 * responses, safe static files (from a directory or embedded in the
 * program) with cached compression, WebSocket upgrade with keep-alive and
 * backpressure, and a `Deno.serve` wrapper that shuts down within a
 * deadline.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CompressionCache, MemorySource, serveStatic, startHttpServer } from "./mod.ts";
 * const pages = new MemorySource({ "index.html": "<h1>shack</h1>" });
 * const compression = new CompressionCache();
 * const server = startHttpServer({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   routes: { healthz: () => ({ status: "ok", service: "demo" }) },
 *   handler: async (request) =>
 *     await serveStatic(request, pages, { compression }) ??
 *       new Response("Not found\n", { status: 404 }),
 * });
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
 * equal(await response.text(), "<h1>shack</h1>");
 * await server.shutdown();
 * ```
 *
 * @module
 */

export * from "./compress.ts";
export * from "./compression_cache.ts";
export * from "./directory_source.ts";
export * from "./file_source.ts";
export * from "./health.ts";
export * from "./memory_source.ts";
export * from "./mime.ts";
export * from "./request_path.ts";
export * from "./server.ts";
export * from "./static_files.ts";
export * from "./websocket.ts";
export * from "./websocket_send.ts";
export * from "./websocket_set.ts";
