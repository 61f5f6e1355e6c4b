/**
 * HDHomeRun device identity: the 8-hex-digit DeviceID whose last digit is
 * a check digit (libhdhomerun's `hdhomerun_discover_validate_device_id`),
 * and the UPnP UUID derived from it, so discover.json, device.xml, SSDP
 * and UDP discovery all name the same device.
 *
 * @module
 */

/** libhdhomerun's nibble lookup table for the check digit. */
const LOOKUP = [
  0xa,
  0x5,
  0xf,
  0x6,
  0x7,
  0xc,
  0x1,
  0xb,
  0x9,
  0x2,
  0x8,
  0xd,
  0x4,
  0x3,
  0xe,
  0x0,
];

/**
 * The check digit (the lowest nibble) that makes the upper seven nibbles
 * of `id` a valid DeviceID.
 *
 * @param id The 32-bit DeviceID (its lowest nibble is ignored).
 * @returns The check digit, 0..15.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { deviceIdCheckDigit } from "./device_id.ts";
 *
 * equal(deviceIdCheckDigit(0x1010_1010), 0x0);
 * ```
 */
export function deviceIdCheckDigit(id: number): number {
  let sum = 0;
  sum ^= LOOKUP[(id >>> 28) & 0x0f];
  sum ^= (id >>> 24) & 0x0f;
  sum ^= LOOKUP[(id >>> 20) & 0x0f];
  sum ^= (id >>> 16) & 0x0f;
  sum ^= LOOKUP[(id >>> 12) & 0x0f];
  sum ^= (id >>> 8) & 0x0f;
  sum ^= LOOKUP[(id >>> 4) & 0x0f];
  return sum;
}

/**
 * Whether `id` is a valid HDHomeRun DeviceID: eight hex digits, not the
 * wildcard FFFFFFFF or 0, with a correct check digit.
 *
 * @param id The DeviceID as a string (case-insensitive) or number.
 * @returns `true` if valid.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isValidDeviceId } from "./device_id.ts";
 *
 * equal(isValidDeviceId("10101010"), true);
 * equal(isValidDeviceId("10101011"), false);
 * equal(isValidDeviceId("1010101"), false);
 * ```
 */
export function isValidDeviceId(id: string | number): boolean {
  let value: number;
  if (typeof id === "number") {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) return false;
    value = id;
  } else {
    if (!/^[0-9a-fA-F]{8}$/.test(id)) return false;
    value = parseInt(id, 16);
  }
  if (value === 0 || value === 0xffffffff) return false;
  return deviceIdCheckDigit(value) === (value & 0x0f);
}

/**
 * Generates a random valid DeviceID (upper-case hex). Generate it once and
 * persist it (see `loadOrCreateDeviceId`): a DeviceID that changes makes
 * Plex see a new device.
 *
 * @param random A source of 32-bit unsigned integers. Default
 * `crypto.getRandomValues`.
 * @returns The DeviceID, e.g. `"1A2B3C4D"`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { generateDeviceId, isValidDeviceId } from "./device_id.ts";
 *
 * const id = generateDeviceId();
 * equal(isValidDeviceId(id), true);
 * equal(generateDeviceId(() => 0x12345670), "12345674");
 * ```
 */
export function generateDeviceId(random?: () => number): string {
  const next = random ??
    (() => crypto.getRandomValues(new Uint32Array(1))[0]);
  let base = (next() >>> 0) & 0xfffffff0;
  for (;;) {
    const id = (base | deviceIdCheckDigit(base)) >>> 0;
    if (isValidDeviceId(id)) {
      return id.toString(16).toUpperCase().padStart(8, "0");
    }
    // 0 and the wildcard are reserved: step to the next base.
    base = (base + 0x10) >>> 0;
  }
}

/**
 * The UPnP UUID of a device, derived from its DeviceID so it is as stable
 * as the DeviceID (RFC 9562 version 8 layout, lower-case).
 *
 * @param deviceId A valid DeviceID.
 * @returns The UUID without the `uuid:` prefix.
 * @throws {RangeError} If `deviceId` is not a valid DeviceID.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { deviceUuid } from "./device_id.ts";
 *
 * equal(deviceUuid("10101010"), "10101010-0000-8000-8000-000010101010");
 * ```
 */
export function deviceUuid(deviceId: string): string {
  if (!isValidDeviceId(deviceId)) {
    throw new RangeError(
      `Expected a valid 8-hex-digit HDHomeRun DeviceID but found ${
        JSON.stringify(deviceId)
      }`,
    );
  }
  const id = deviceId.toLowerCase();
  return `${id}-0000-8000-8000-0000${id}`;
}
