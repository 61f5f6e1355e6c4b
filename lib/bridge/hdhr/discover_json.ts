/**
 * `/discover.json`: the HDHomeRun device document Plex and Jellyfin read
 * first.
 *
 * @module
 */

import type { HdhrDevice } from "./device.ts";

/**
 * The fields of `/discover.json`. `TunerCount` is a number (PlexBridge
 * sends a string; real devices and Jellyfin's model use a number).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { DiscoverJson } from "./discover_json.ts";
 *
 * const partial: Pick<DiscoverJson, "TunerCount"> = { TunerCount: 2 };
 * equal(partial.TunerCount, 2);
 * ```
 */
export interface DiscoverJson {
  FriendlyName: string;
  Manufacturer: string;
  ModelNumber: string;
  FirmwareName: string;
  FirmwareVersion: string;
  DeviceID: string;
  DeviceAuth: string;
  BaseURL: string;
  LineupURL: string;
  TunerCount: number;
}

/**
 * Builds `/discover.json`.
 *
 * @param device The device.
 * @param baseUrl The base URL (no trailing slash).
 * @returns The document.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { hdhrDevice } from "./device.ts";
 * import { discoverJson } from "./discover_json.ts";
 *
 * const doc = discoverJson(hdhrDevice({ deviceId: "10101010", tunerCount: 2 }), "http://192.0.2.5:5004");
 * equal(doc.LineupURL, "http://192.0.2.5:5004/lineup.json");
 * equal(doc.DeviceID, "10101010");
 * ```
 */
export function discoverJson(
  device: HdhrDevice,
  baseUrl: string,
): DiscoverJson {
  return {
    FriendlyName: device.friendlyName,
    Manufacturer: device.manufacturer,
    ModelNumber: device.modelNumber,
    FirmwareName: device.firmwareName,
    FirmwareVersion: device.firmwareVersion,
    DeviceID: device.deviceId,
    DeviceAuth: device.deviceAuth,
    BaseURL: baseUrl,
    LineupURL: `${baseUrl}/lineup.json`,
    TunerCount: device.tunerCount,
  };
}
