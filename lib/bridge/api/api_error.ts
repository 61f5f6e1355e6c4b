/**
 * The error the bridge's management API answers with: an HTTP status and a
 * message that says what was expected and what was found.
 *
 * @module
 */

/**
 * A request the API refuses: thrown by the body and query parsers, turned
 * into a JSON `{"error": message}` response with `status` by `BridgeApi`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ApiError } from "./api_error.ts";
 *
 * const error = new ApiError(400, "Expected a JSON object, found an array");
 * equal(error.name, "ApiError");
 * equal(error.status, 400);
 * ```
 */
export class ApiError extends Error {
  /** The HTTP status of the answer (4xx). */
  readonly status: number;

  /**
   * Creates the error.
   *
   * @param status The HTTP status.
   * @param message What was expected and what was found.
   */
  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/**
 * A JSON response with the API's headers (`cache-control: no-store`,
 * `x-content-type-options: nosniff`).
 *
 * @param status The HTTP status.
 * @param body The value to serialise.
 * @param headers Extra headers.
 * @returns The response.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { jsonResponse } from "./api_error.ts";
 *
 * const response = jsonResponse(200, { ok: true });
 * equal(response.headers.get("content-type"), "application/json; charset=utf-8");
 * deepEqual(await response.json(), { ok: true });
 * ```
 */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...headers,
    },
  });
}

/**
 * The JSON answer for an error: `{"error": message}`.
 *
 * @param status The HTTP status.
 * @param message The message.
 * @param headers Extra headers.
 * @returns The response.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { errorResponse } from "./api_error.ts";
 *
 * const response = errorResponse(404, "Expected a live session, found none with id x");
 * equal(response.status, 404);
 * deepEqual(await response.json(), { error: "Expected a live session, found none with id x" });
 * ```
 */
export function errorResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(status, { error: message }, headers);
}
