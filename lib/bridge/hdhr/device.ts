/**
 * What the bridge says about itself as an HDHomeRun: the fields of
 * discover.json, device.xml and the discovery replies, with defaults that
 * Plex, Jellyfin and Emby accept.
 *
 * @module
 */

import { isValidDeviceId } from "./device_id.ts";

/**
 * The device description.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { hdhrDevice, type HdhrDevice } from "./device.ts";
 *
 * const device: HdhrDevice = hdhrDevice({ deviceId: "10101010", tunerCount: 2 });
 * equal(device.modelNumber, "HDTC-2US");
 * ```
 */
export interface HdhrDevice {
  /** 8-hex-digit DeviceID with a valid check digit (keep it stable). */
  deviceId: string;
  /** Shown by Plex and Jellyfin. */
  friendlyName: string;
  /** discover.json `Manufacturer` and device.xml `manufacturer`. */
  manufacturer: string;
  /** `ModelNumber` (Jellyfin treats a model containing "hdtc" as transcode-capable). */
  modelNumber: string;
  /** `FirmwareName`. */
  firmwareName: string;
  /** `FirmwareVersion`. */
  firmwareVersion: string;
  /** `DeviceAuth` (unused by IPTV clients). */
  deviceAuth: string;
  /** `TunerCount`: concurrent streams. */
  tunerCount: number;
}

/**
 * The defaults of {@link hdhrDevice}: the values HDHomeRun emulators
 * commonly send (telly, tvhProxy, antennas).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { HDHR_DEVICE_DEFAULTS } from "./device.ts";
 *
 * equal(HDHR_DEVICE_DEFAULTS.manufacturer, "Silicondust");
 * ```
 */
export const HDHR_DEVICE_DEFAULTS: Readonly<
  Omit<HdhrDevice, "deviceId" | "tunerCount">
> = Object.freeze({
  friendlyName: "shack bridge",
  manufacturer: "Silicondust",
  modelNumber: "HDTC-2US",
  firmwareName: "hdhomeruntc_atsc",
  firmwareVersion: "20150826",
  deviceAuth: "shackbridge",
});

/**
 * Builds a device description from the DeviceID, the tuner count and any
 * overrides.
 *
 * @param init DeviceID, TunerCount and optional overrides.
 * @returns The complete description.
 * @throws {RangeError} If the DeviceID is invalid or the tuner count is not
 * an integer in 1..255 (one byte in UDP discovery).
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { hdhrDevice } from "./device.ts";
 *
 * equal(hdhrDevice({ deviceId: "10101010", tunerCount: 4, friendlyName: "Shack" }).friendlyName, "Shack");
 * throws(() => hdhrDevice({ deviceId: "12345678", tunerCount: 4 }), RangeError);
 * ```
 */
export function hdhrDevice(
  init: Partial<HdhrDevice> & Pick<HdhrDevice, "deviceId" | "tunerCount">,
): HdhrDevice {
  if (!isValidDeviceId(init.deviceId)) {
    throw new RangeError(
      `Expected a valid 8-hex-digit HDHomeRun DeviceID but found ${
        JSON.stringify(init.deviceId)
      }`,
    );
  }
  if (
    !Number.isInteger(init.tunerCount) || init.tunerCount < 1 ||
    init.tunerCount > 255
  ) {
    throw new RangeError(
      `Expected a tuner count in 1..255 but found ${init.tunerCount}`,
    );
  }
  const defined = Object.fromEntries(
    Object.entries(init).filter(([, v]) => v !== undefined),
  );
  return {
    ...HDHR_DEVICE_DEFAULTS,
    ...defined,
    deviceId: init.deviceId.toUpperCase(),
  } as HdhrDevice;
}
