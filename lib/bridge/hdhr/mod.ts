/**
 * lib/bridge/hdhr: the bridge's HDHomeRun face — DeviceID (check digit,
 * persistence) and UUID, the device description, `/discover.json`,
 * `/lineup.json|.xml|.m3u`, `/lineup_status.json`, `/device.xml` and the
 * request router that sends stream URLs to the stream proxy.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { deviceUuid, discoverJson, generateDeviceId, hdhrDevice } from "./mod.ts";
 *
 * const device = hdhrDevice({ deviceId: generateDeviceId(), tunerCount: 2 });
 * const doc = discoverJson(device, "http://192.0.2.5:5004");
 * equal(doc.DeviceID, device.deviceId);
 * equal(deviceUuid(device.deviceId).startsWith(device.deviceId.toLowerCase()), true);
 * ```
 *
 * @module
 */

export * from "./base_url.ts";
export * from "./device.ts";
export * from "./device_id.ts";
export * from "./device_id_file.ts";
export * from "./device_xml.ts";
export * from "./discover_json.ts";
export * from "./hdhr_handler.ts";
export * from "./lineup_formats.ts";
export * from "./lineup_status.ts";
export * from "./xml_escape.ts";
