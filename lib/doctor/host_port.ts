/**
 * `host:port` addresses as doctor's `--target` values and config files
 * write them.
 *
 * @module
 */

/**
 * Splits `host:port`, `[v6]:port` or a bare host (then `defaultPort`).
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseHostPort } from "./host_port.ts";
 * deepEqual(parseHostPort("[::1]:42001", 42000), { hostname: "::1", port: 42001 });
 * deepEqual(parseHostPort("ysf.example.org", 42000), { hostname: "ysf.example.org", port: 42000 });
 * ```
 */
export function parseHostPort(
  text: string,
  defaultPort: number,
): { hostname: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  let hostname: string;
  let port: string | undefined;
  if (v6) {
    [, hostname, port] = v6 as unknown as [string, string, string | undefined];
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [hostname, port] = text.split(":") as [string, string];
  } else {
    hostname = text;
  }
  const n = port === undefined ? defaultPort : Number(port);
  if (!hostname || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new RangeError(`expected HOST:PORT, found "${text}"`);
  }
  return { hostname, port: n };
}
