/**
 * Peers (remote UDP address + port), the local endpoint a datagram arrived
 * on, and the textual address normalisation used for IP rules and per-IP
 * limits (IPv4, IPv6 and IPv4-mapped IPv6).
 *
 * @module
 */

/**
 * A remote UDP endpoint: the source of a datagram or the destination of a
 * send. The address is textual IPv4 (`192.0.2.1`) or IPv6 (`2001:db8::1`,
 * optionally with a `%zone`).
 *
 * @example A peer
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { Peer } from "./peer.ts";
 *
 * const peer: Peer = { address: "192.0.2.1", port: 42000 };
 * equal(peer.port, 42000);
 * ```
 */
export interface Peer {
  /** Textual IPv4 or IPv6 address. */
  address: string;
  /** UDP port. */
  port: number;
}

/**
 * Identifies the local socket a datagram arrived on (the main port, one of
 * several main sockets such as IPv4 and IPv6, or an auxiliary port). The
 * reflector replies through the same endpoint, because clients only accept
 * packets from the address they sent to. The I/O layer chooses the ids;
 * auxiliary ports are the ids listed in the `auxPorts` option.
 *
 * @example Endpoint ids
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LocalEndpointId } from "./peer.ts";
 *
 * const main: LocalEndpointId = "main";
 * const aux: LocalEndpointId = "aux-42010";
 * equal(main === aux, false);
 * ```
 */
export type LocalEndpointId = string;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/;

/** Whether `text` is a dotted-quad IPv4 address with octets 0..255. */
function isIpv4(text: string): boolean {
  const m = IPV4.exec(text);
  if (m === null) return false;
  for (let i = 1; i <= 4; i++) if (Number(m[i]) > 255) return false;
  return true;
}

/** Parses IPv6 text (lower case, no zone) into 8 groups, or `undefined`. */
function ipv6Groups(text: string): number[] | undefined {
  let head = text;
  let tail = "";
  const doubleColon = text.indexOf("::");
  if (doubleColon >= 0) {
    if (text.indexOf("::", doubleColon + 1) >= 0) return undefined;
    head = text.slice(0, doubleColon);
    tail = text.slice(doubleColon + 2);
  }
  const parse = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes(".")) {
        if (!isIpv4(piece)) return undefined;
        const o = piece.split(".").map(Number);
        out.push((o[0] << 8) | o[1], (o[2] << 8) | o[3]);
      } else {
        if (!HEX_GROUP.test(piece)) return undefined;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const a = parse(head);
  const b = parse(tail);
  if (a === undefined || b === undefined) return undefined;
  if (doubleColon < 0) return a.length === 8 ? a : undefined;
  if (a.length + b.length > 7) return undefined;
  return [...a, ...new Array<number>(8 - a.length - b.length).fill(0), ...b];
}

/** RFC 5952 text of 8 groups. */
function ipv6Text(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${
    hex.slice(bestStart + bestLength).join(":")
  }`;
}

/**
 * Normalises a textual IP address so that the same host always gives the
 * same string: lower case, IPv6 in RFC 5952 form (`2001:DB8:0:0::1` →
 * `2001:db8::1`), IPv4-mapped IPv6 (`::ffff:192.0.2.1`, as dual-stack
 * sockets report IPv4 peers) as plain IPv4. Text that is not an IP address
 * (e.g. a hostname) is returned trimmed and lower-cased.
 *
 * @param address The address text.
 * @returns The normalised text.
 *
 * @example Normalising
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { normalizeAddress } from "./peer.ts";
 *
 * equal(normalizeAddress("::FFFF:192.0.2.1"), "192.0.2.1");
 * equal(normalizeAddress("2001:0DB8:0:0:0:0:0:1"), "2001:db8::1");
 * equal(normalizeAddress("192.0.2.1"), "192.0.2.1");
 * ```
 */
export function normalizeAddress(address: string): string {
  const text = address.trim().toLowerCase();
  if (!text.includes(":")) return text;
  const percent = text.indexOf("%");
  const zone = percent >= 0 ? text.slice(percent) : "";
  const bare = percent >= 0 ? text.slice(0, percent) : text;
  const groups = ipv6Groups(bare);
  if (groups === undefined) return text;
  if (
    zone === "" && groups[0] === 0 && groups[1] === 0 && groups[2] === 0 &&
    groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff
  ) {
    return `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${
      groups[7] & 0xff
    }`;
  }
  return ipv6Text(groups) + zone;
}

/**
 * Whether `text` is an IPv4 or IPv6 address literal (as opposed to a
 * hostname that must be resolved).
 *
 * @param text The text.
 * @returns `true` for an address literal.
 *
 * @example Literal or hostname
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isIpLiteral } from "./peer.ts";
 *
 * equal(isIpLiteral("192.0.2.1"), true);
 * equal(isIpLiteral("2001:db8::1"), true);
 * equal(isIpLiteral("gw.example.org"), false);
 * ```
 */
export function isIpLiteral(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (isIpv4(t)) return true;
  if (!t.includes(":")) return false;
  const percent = t.indexOf("%");
  return ipv6Groups(percent >= 0 ? t.slice(0, percent) : t) !== undefined;
}
