/**
 * Keeps the DeviceID stable across restarts: read it from a small file,
 * or generate one and write it there on first start.
 *
 * @module
 */

import { generateDeviceId, isValidDeviceId } from "./device_id.ts";

/**
 * Thrown when the DeviceID file exists but does not hold a valid DeviceID
 * (a hand edit gone wrong): the bridge must not silently become a new
 * device.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DeviceIdFileError } from "./device_id_file.ts";
 *
 * const error = new DeviceIdFileError("/var/lib/shack/device_id", "zz");
 * equal(error.name, "DeviceIdFileError");
 * ```
 */
export class DeviceIdFileError extends Error {
  /** The file. */
  readonly path: string;

  /**
   * Creates the error.
   *
   * @param path The file.
   * @param found What it held (shortened).
   */
  constructor(path: string, found: string) {
    super(
      `Expected ${path} to hold an 8-hex-digit HDHomeRun DeviceID with a valid check digit but found ${
        JSON.stringify(found.slice(0, 40))
      }`,
    );
    this.name = "DeviceIdFileError";
    this.path = path;
  }
}

/**
 * Reads the DeviceID from `path`, or creates the file (and its directory)
 * with a new DeviceID.
 *
 * @param path The file, e.g. `<data dir>/bridge_device_id`.
 * @param options `generate` replaces the random generator (tests).
 * @returns The DeviceID (upper-case hex).
 * @throws {DeviceIdFileError} If the file holds something else.
 *
 * @example The second start reads the first start's DeviceID
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadOrCreateDeviceId } from "./device_id_file.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const first = await loadOrCreateDeviceId(`${dir}/device_id`);
 * equal(await loadOrCreateDeviceId(`${dir}/device_id`), first);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadOrCreateDeviceId(
  path: string,
  options: { generate?: () => string } = {},
): Promise<string> {
  try {
    const text = (await Deno.readTextFile(path)).trim();
    if (!isValidDeviceId(text)) throw new DeviceIdFileError(path, text);
    return text.toUpperCase();
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const id = (options.generate ?? generateDeviceId)();
  const slash = path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temp, `${id}\n`);
  try {
    // Two bridges starting at once: the first link wins, both read it.
    await Deno.link(temp, path);
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
  return await loadOrCreateDeviceId(path, options);
}
