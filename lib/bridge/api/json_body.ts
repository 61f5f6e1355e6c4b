/**
 * Reading a request's JSON body with a size cap: the API never buffers more
 * than `maxBytes` of remote input, and refuses anything that is not a JSON
 * object sent as `application/json`.
 *
 * @module
 */

import { ApiError } from "./api_error.ts";

/**
 * Options of {@link readJsonObject}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ReadJsonOptions } from "./json_body.ts";
 *
 * const options: ReadJsonOptions = { maxBytes: 4096 };
 * equal(options.maxBytes, 4096);
 * ```
 */
export interface ReadJsonOptions {
  /** Largest body accepted, bytes. Default 16 KiB. */
  maxBytes?: number;
}

/**
 * Reads a request body that must be a JSON object sent with
 * `content-type: application/json` (which a cross-site form cannot send).
 * The body is read chunk by chunk and the read is cancelled as soon as it
 * exceeds `maxBytes`.
 *
 * @param request The request.
 * @param options The size cap.
 * @returns The parsed object.
 * @throws {ApiError} 400 if the content type is not JSON, the body is too
 *   large, not valid UTF-8 JSON, or not an object.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, rejects } from "node:assert/strict";
 * import { readJsonObject } from "./json_body.ts";
 *
 * const ok = new Request("http://localhost/", {
 *   method: "PATCH",
 *   headers: { "content-type": "application/json" },
 *   body: '{"enabled":false}',
 * });
 * deepEqual(await readJsonObject(ok), { enabled: false });
 * const list = new Request("http://localhost/", {
 *   method: "PATCH",
 *   headers: { "content-type": "application/json" },
 *   body: "[1]",
 * });
 * await rejects(readJsonObject(list), /Expected a JSON object, found an array/);
 * ```
 */
export async function readJsonObject(
  request: Request,
  options: ReadJsonOptions = {},
): Promise<Record<string, unknown>> {
  const maxBytes = options.maxBytes ?? 16 * 1024;
  const type = (request.headers.get("content-type") ?? "").split(";")[0]
    .trim().toLowerCase();
  if (type !== "application/json") {
    await request.body?.cancel().catch(() => {});
    throw new ApiError(
      400,
      `Expected content-type application/json, found ${
        type === "" ? "none" : JSON.stringify(type.slice(0, 100))
      }`,
    );
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  const bytes = await readCapped(request.body, maxBytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, "Expected a UTF-8 body, found invalid bytes");
  }
  if (text.trim() === "") {
    throw new ApiError(400, "Expected a JSON object, found an empty body");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "Expected a JSON object, found invalid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(
      400,
      `Expected a JSON object, found ${describeJson(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Names the JSON type of a value for an error message (`"an array"`,
 * `"a string"`, `"null"`, ...).
 *
 * @param value A parsed JSON value.
 * @returns The description.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { describeJson } from "./json_body.ts";
 *
 * equal(describeJson([1]), "an array");
 * equal(describeJson("x"), "a string");
 * equal(describeJson(null), "null");
 * ```
 */
export function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "object":
      return "an object";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    default:
      return typeof value;
  }
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    400,
    `Expected a body of at most ${maxBytes} bytes, found more`,
  );
}

async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, "Expected a complete body, found the upload cut");
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
