/**
 * `/device.xml`: the UPnP root device description SSDP's `LOCATION` points
 * to (a MediaServer:1 whose UDN is the UUID derived from the DeviceID).
 *
 * @module
 */

import type { HdhrDevice } from "./device.ts";
import { deviceUuid } from "./device_id.ts";
import { escapeXml } from "./xml_escape.ts";

/**
 * Builds `/device.xml`.
 *
 * @param device The device.
 * @param baseUrl The base URL (no trailing slash).
 * @returns The XML document.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { hdhrDevice } from "./device.ts";
 * import { deviceXml } from "./device_xml.ts";
 *
 * const xml = deviceXml(hdhrDevice({ deviceId: "10101010", tunerCount: 2 }), "http://192.0.2.5:5004");
 * match(xml, /<UDN>uuid:10101010-0000-8000-8000-000010101010<\/UDN>/);
 * match(xml, /<serialNumber>10101010<\/serialNumber>/);
 * ```
 */
export function deviceXml(device: HdhrDevice, baseUrl: string): string {
  const e = escapeXml;
  return `<?xml version="1.0" encoding="UTF-8"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
  <specVersion>
    <major>1</major>
    <minor>0</minor>
  </specVersion>
  <URLBase>${e(baseUrl)}</URLBase>
  <device>
    <deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>
    <friendlyName>${e(device.friendlyName)}</friendlyName>
    <manufacturer>${e(device.manufacturer)}</manufacturer>
    <modelName>${e(device.modelNumber)}</modelName>
    <modelNumber>${e(device.modelNumber)}</modelNumber>
    <serialNumber>${e(device.deviceId)}</serialNumber>
    <UDN>uuid:${deviceUuid(device.deviceId)}</UDN>
    <presentationURL>${e(baseUrl)}/</presentationURL>
  </device>
</root>
`;
}
