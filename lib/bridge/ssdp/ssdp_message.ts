/**
 * SSDP (UPnP 1.0 discovery) messages: parsing an M-SEARCH, deciding which
 * of the device's search targets it asks for, and writing the unicast
 * search responses and the `ssdp:alive` / `ssdp:byebye` NOTIFYs. Text in,
 * text out; no sockets.
 *
 * @module
 */

/** The SSDP multicast group. */
export const SSDP_GROUP = "239.255.255.250";

/** The SSDP port. */
export const SSDP_PORT = 1900;

/** Largest SSDP datagram the bridge reads; longer ones are dropped. */
export const MAX_SSDP_MESSAGE_BYTES = 2048;

/**
 * A parsed SSDP request.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SsdpRequest } from "./ssdp_message.ts";
 *
 * const request: SsdpRequest = { method: "M-SEARCH", headers: new Map([["st", "ssdp:all"]]) };
 * equal(request.headers.get("st"), "ssdp:all");
 * ```
 */
export interface SsdpRequest {
  /** `M-SEARCH`, `NOTIFY`, … */
  method: string;
  /** Header values by lower-case name (the first of repeated headers). */
  headers: Map<string, string>;
}

/**
 * Parses an SSDP request (`<METHOD> * HTTP/1.1` plus headers).
 *
 * @param text The datagram as text.
 * @returns The request, or `undefined` if it is not a well-formed SSDP
 * request (or too long, or has too many headers).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseSsdpRequest } from "./ssdp_message.ts";
 *
 * const request = parseSsdpRequest(
 *   'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n',
 * );
 * equal(request?.method, "M-SEARCH");
 * equal(request?.headers.get("man"), '"ssdp:discover"');
 * equal(parseSsdpRequest("GET / HTTP/1.1\r\n\r\n"), undefined);
 * ```
 */
export function parseSsdpRequest(text: string): SsdpRequest | undefined {
  if (text.length > MAX_SSDP_MESSAGE_BYTES) return undefined;
  const lines = text.split(/\r?\n/);
  const start = /^([A-Z-]{1,20}) \* HTTP\/1\.[01]$/.exec(lines[0]);
  if (start === null) return undefined;
  const headers = new Map<string, string>();
  let count = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") break;
    const colon = line.indexOf(":");
    if (colon <= 0) return undefined;
    if (++count > 40) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { method: start[1], headers };
}

/**
 * The search targets a device answers to and their USNs: `upnp:rootdevice`,
 * `uuid:<uuid>`, MediaServer:1 and SiliconDust's HDHomeRun:1.
 *
 * @param uuid The device UUID (without `uuid:`).
 * @returns Pairs of search target (NT/ST) and USN.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { ssdpTargets } from "./ssdp_message.ts";
 *
 * deepEqual(ssdpTargets("u1")[0], { target: "upnp:rootdevice", usn: "uuid:u1::upnp:rootdevice" });
 * deepEqual(ssdpTargets("u1")[1], { target: "uuid:u1", usn: "uuid:u1" });
 * ```
 */
export function ssdpTargets(uuid: string): { target: string; usn: string }[] {
  const root = `uuid:${uuid}`;
  return [
    { target: "upnp:rootdevice", usn: `${root}::upnp:rootdevice` },
    { target: root, usn: root },
    {
      target: "urn:schemas-upnp-org:device:MediaServer:1",
      usn: `${root}::urn:schemas-upnp-org:device:MediaServer:1`,
    },
    {
      target: "urn:silicondust-com:device:HDHomeRun:1",
      usn: `${root}::urn:silicondust-com:device:HDHomeRun:1`,
    },
  ];
}

/**
 * Which targets an M-SEARCH asks for: all of them for `ssdp:all`, the
 * matching one for an exact search target, none for anything else or for a
 * request that is not a valid M-SEARCH (`MAN: "ssdp:discover"` and `ST`
 * are required).
 *
 * @param request The parsed request.
 * @param uuid The device UUID.
 * @returns The targets to answer, possibly empty.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { matchSearch, parseSsdpRequest } from "./ssdp_message.ts";
 *
 * const search = (st: string) =>
 *   parseSsdpRequest(`M-SEARCH * HTTP/1.1\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: ${st}\r\n\r\n`)!;
 * equal(matchSearch(search("ssdp:all"), "u1").length, 4);
 * equal(matchSearch(search("upnp:rootdevice"), "u1").length, 1);
 * equal(matchSearch(search("urn:schemas-upnp-org:device:Printer:1"), "u1").length, 0);
 * ```
 */
export function matchSearch(
  request: SsdpRequest,
  uuid: string,
): { target: string; usn: string }[] {
  if (request.method !== "M-SEARCH") return [];
  const man = request.headers.get("man");
  const st = request.headers.get("st");
  if (man === undefined || man.replaceAll('"', "") !== "ssdp:discover") {
    return [];
  }
  if (st === undefined || st === "") return [];
  const targets = ssdpTargets(uuid);
  if (st === "ssdp:all") return targets;
  return targets.filter((t) => t.target === st);
}

/**
 * Fields of a search response or NOTIFY.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SsdpAdvert } from "./ssdp_message.ts";
 *
 * const advert: SsdpAdvert = {
 *   target: "upnp:rootdevice", usn: "uuid:u1::upnp:rootdevice",
 *   location: "http://192.0.2.5:5004/device.xml", maxAgeSeconds: 1800, server: "shack",
 * };
 * equal(advert.maxAgeSeconds, 1800);
 * ```
 */
export interface SsdpAdvert {
  /** ST (response) or NT (NOTIFY). */
  target: string;
  /** USN. */
  usn: string;
  /** LOCATION: the device.xml URL. */
  location: string;
  /** CACHE-CONTROL max-age, seconds. */
  maxAgeSeconds: number;
  /** SERVER header. */
  server: string;
}

/**
 * Writes the unicast `HTTP/1.1 200 OK` answer to an M-SEARCH.
 *
 * @param advert The target, USN, location, max-age and server.
 * @param date The DATE header's time. Default now.
 * @returns The datagram text.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { searchResponse } from "./ssdp_message.ts";
 *
 * const text = searchResponse({
 *   target: "upnp:rootdevice", usn: "uuid:u1::upnp:rootdevice",
 *   location: "http://192.0.2.5:5004/device.xml", maxAgeSeconds: 1800, server: "shack",
 * }, new Date(0));
 * match(text, /^HTTP\/1\.1 200 OK\r\n/);
 * match(text, /\r\nST: upnp:rootdevice\r\n/);
 * match(text, /\r\nDATE: Thu, 01 Jan 1970 00:00:00 GMT\r\n/);
 * ```
 */
export function searchResponse(advert: SsdpAdvert, date = new Date()): string {
  return "HTTP/1.1 200 OK\r\n" +
    `CACHE-CONTROL: max-age=${advert.maxAgeSeconds}\r\n` +
    `DATE: ${date.toUTCString()}\r\n` +
    "EXT:\r\n" +
    `LOCATION: ${advert.location}\r\n` +
    `SERVER: ${advert.server}\r\n` +
    `ST: ${advert.target}\r\n` +
    `USN: ${advert.usn}\r\n` +
    "\r\n";
}

/**
 * Writes a NOTIFY: `ssdp:alive` (with LOCATION and max-age) or
 * `ssdp:byebye`.
 *
 * @param advert The target, USN, location, max-age and server.
 * @param kind `alive` or `byebye`.
 * @param host The HOST header (`239.255.255.250:1900`).
 * @returns The datagram text.
 *
 * @example Usage
 * ```ts
 * import { doesNotMatch, match } from "node:assert/strict";
 * import { notifyMessage } from "./ssdp_message.ts";
 *
 * const advert = {
 *   target: "upnp:rootdevice", usn: "uuid:u1::upnp:rootdevice",
 *   location: "http://192.0.2.5:5004/device.xml", maxAgeSeconds: 1800, server: "shack",
 * };
 * match(notifyMessage(advert, "alive", "239.255.255.250:1900"), /\r\nNTS: ssdp:alive\r\n/);
 * doesNotMatch(notifyMessage(advert, "byebye", "239.255.255.250:1900"), /LOCATION/);
 * ```
 */
export function notifyMessage(
  advert: SsdpAdvert,
  kind: "alive" | "byebye",
  host: string,
): string {
  let text = "NOTIFY * HTTP/1.1\r\n" + `HOST: ${host}\r\n`;
  if (kind === "alive") {
    text += `CACHE-CONTROL: max-age=${advert.maxAgeSeconds}\r\n` +
      `LOCATION: ${advert.location}\r\n` +
      `SERVER: ${advert.server}\r\n`;
  }
  return text +
    `NT: ${advert.target}\r\n` +
    `NTS: ssdp:${kind}\r\n` +
    `USN: ${advert.usn}\r\n` +
    "\r\n";
}
