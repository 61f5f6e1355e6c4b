/**
 * Options of the reflector state machine, their defaults (pYSFReflector3's
 * code defaults in rooms mode, G4KLX behaviour in single-room mode) and
 * their validation.
 *
 * @module
 */

import { VERSION } from "../../version.ts";
import { statusId } from "../status_id.ts";
import { AccessControl } from "./acl.ts";
import type { HomeEntry } from "./home_file.ts";
import type { LocalEndpointId } from "./peer.ts";
import type { ProtectionsSettings } from "./protections.ts";
import type { RoomMemory } from "./rooms.ts";

/**
 * How the reflector routes:
 *
 * - `rooms` (default): pYSFReflector3 semantics: DG-ID rooms, one talker
 *   per room, FICH decoded, ACL and protections.
 * - `single-room`: G4KLX semantics: no FICH decoding, every linked client
 *   hears every YSFD of every other client, no floor control (still with
 *   length checks, ACL and the G4KLX block list).
 *
 * @example Choosing a mode
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ReflectorMode } from "./options.ts";
 *
 * const mode: ReflectorMode = "single-room";
 * equal(mode, "single-room");
 * ```
 */
export type ReflectorMode = "rooms" | "single-room";

/**
 * A "virtual reflector" answering YSFS on an auxiliary port
 * (pYSFReflector3 `[REFL_ALIAS] refl_NN = DGID, ID, name, desc`).
 *
 * @example An alias
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { StatusAlias } from "./options.ts";
 *
 * const alias: StatusAlias = { name: "OLD REFLECTOR", description: "Now room 10" };
 * equal(alias.id, undefined);
 * ```
 */
export interface StatusAlias {
  /** Configured id (0 or absent: hash of the name). */
  id?: number;
  /** Name, printable ASCII (cut to 16). */
  name: string;
  /** Description, printable ASCII (cut to 14). */
  description: string;
}

/**
 * An auxiliary port: a local endpoint statically bound to one DG-ID
 * (pYSFReflector3 `aux_port = DG:port`), optionally answering YSFS as an
 * alias.
 *
 * @example An auxiliary port
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AuxPort } from "./options.ts";
 *
 * const aux: AuxPort = { endpoint: "aux-42010", dgid: 10 };
 * equal(aux.dgid, 10);
 * ```
 */
export interface AuxPort {
  /** The endpoint id the I/O layer passes for datagrams of this port. */
  endpoint: LocalEndpointId;
  /** Its DG-ID. */
  dgid: number;
  /** YSFS identity of this port; without one, it answers as the reflector. */
  alias?: StatusAlias;
}

/**
 * Options of {@link YsfReflectorCore}. Times are in the unit their name
 * says. Defaults in brackets; "rooms / single-room" where they differ.
 *
 * @example A pYSFReflector3-like setup
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { resolveReflectorOptions, type YsfReflectorOptions } from "./options.ts";
 *
 * const options: YsfReflectorOptions = {
 *   name: "SHACK REF",
 *   description: "Test",
 *   dgidList: [1, 9, 50],
 *   defaultDgid: 50,
 *   timeoutSeconds: 190,
 * };
 * equal(resolveReflectorOptions(options).defaultDgid, 50);
 * ```
 */
export interface YsfReflectorOptions {
  /** Reflector name for YSFS, printable ASCII (cut to 16). */
  name: string;
  /** Description for YSFS, printable ASCII (cut to 14) [""]. */
  description?: string;
  /** Configured status id (0: hash of the name) [0]. */
  id?: number;
  /** Version for the YSFV reply `shack <version>` [shack's version]. */
  version?: string;
  /** Routing mode ["rooms"]; cannot change on reload. */
  mode?: ReflectorMode;
  /** The clock in ms [`Date.now`]; cannot change on reload. */
  now?: () => number;
  /** Allowed DG-IDs, each 1..99 (`[DGID] list`) [none]. */
  dgidList?: readonly number[];
  /** Room of a client no rule applies to, 0..126 (`[DGID] default`) [22]. */
  defaultDgid?: number;
  /** The local room, never relayed, 1..99; 0 = none (`[DGID] local`) [1]. */
  localDgid?: number;
  /** Rewrite relayed sources to `NN/CALL` for dynamic clients (`prefix`) [true / false]. */
  prefix?: boolean;
  /** Back-to-home time of a home set by YSFO, seconds (`bth_time`) [900]. */
  bthTimeSeconds?: number;
  /** Auxiliary ports [none]. */
  auxPorts?: readonly AuxPort[];
  /** Home-file entries (see `parseHomeFile`) [none]. */
  homeEntries?: readonly HomeEntry[];
  /** Remembered room per gateway [a bounded in-memory map]. */
  roomMemory?: RoomMemory;
  /** Access rules [none, CheckRE 1 / 0]. */
  acl?: AccessControl;
  /** Refuse to link locked / block-listed gateways (no YSFP reply) [false]. */
  refuseBlockedLinks?: boolean;
  /** TOT in seconds, 0 = off [240 / 0]. */
  timeoutSeconds?: number;
  /** Temporary block duration, seconds [1800]. */
  treactivateSeconds?: number;
  /** Wild-PTT window, seconds [5]. */
  wildPttTimeSeconds?: number;
  /** Wild-PTT stream starts in the window, 0 = off [3 / 0]. */
  wildPttCount?: number;
  /** A client expires this long after its last YSFP, ms [60 000]. */
  clientExpiryMs?: number;
  /** Keep-alive `YSFPREFLECTOR ` to every client, ms; 0 = off [5000]. */
  keepAliveMs?: number;
  /** A stream ends after this long without frames, ms [1500]. */
  watchdogMs?: number;
  /** A refused gateway stays refused until this much silence, ms [1500]. */
  rejectHoldMs?: number;
  /** Most linked clients; newcomers beyond are refused [1000]. */
  maxClients?: number;
  /** Most clients from one address [16]. */
  maxClientsPerIp?: number;
  /** Most open streams [256]. */
  maxStreams?: number;
  /** Entries of the last-heard list [100]. */
  lastHeardSize?: number;
  /** Most temporary blocks [1000]. */
  maxTempBlocks?: number;
  /** Most callsigns with wild-PTT history [1000]. */
  maxWildPttHistory?: number;
  /** YSFS + YSFV replies per second (burst twice that); 0 = unlimited [20]. */
  statusRepliesPerSecond?: number;
}

/**
 * The options {@link YsfReflectorCore.reload} accepts: all but `mode` and
 * `now`. A key present with the value `undefined` goes back to its default.
 *
 * @example A reload
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ReloadableOptions } from "./options.ts";
 *
 * const change: ReloadableOptions = { maxClients: 2000 };
 * equal(change.maxClients, 2000);
 * ```
 */
export type ReloadableOptions = Partial<
  Omit<YsfReflectorOptions, "mode" | "now">
>;

/**
 * Options after defaults and validation.
 *
 * @example Resolving
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { resolveReflectorOptions, type ResolvedReflectorOptions } from "./options.ts";
 *
 * const resolved: ResolvedReflectorOptions = resolveReflectorOptions({ name: "PEER G4KLX" });
 * equal(resolved.statusId, "94296");
 * ```
 */
export interface ResolvedReflectorOptions {
  /** Name. */
  name: string;
  /** Description. */
  description: string;
  /** The 5-digit status id. */
  statusId: string;
  /** The YSFV reply text, `shack <version>`. */
  versionText: string;
  /** Mode. */
  mode: ReflectorMode;
  /** Allowed DG-IDs. */
  dgidList: ReadonlySet<number>;
  /** Default room. */
  defaultDgid: number;
  /** Local room, if any. */
  localDgid: number | undefined;
  /** Prefix rewrite. */
  prefix: boolean;
  /** Back-to-home time from YSFO, ms. */
  bthTimeMs: number;
  /** Auxiliary ports by endpoint, with their YSFS identity. */
  aux: ReadonlyMap<
    LocalEndpointId,
    {
      dgid: number;
      status: { id: string; name: string; description: string } | undefined;
    }
  >;
  /** Home entries by upper-cased gateway callsign. */
  home: ReadonlyMap<string, HomeEntry>;
  /** Access rules. */
  acl: AccessControl;
  /** Refuse locked links. */
  refuseBlockedLinks: boolean;
  /** Protection settings. */
  protections: Required<
    Pick<
      ProtectionsSettings,
      | "timeoutSeconds"
      | "treactivateSeconds"
      | "wildPttTimeSeconds"
      | "wildPttCount"
      | "maxTempBlocks"
      | "maxWildPttHistory"
    >
  >;
  /** Client expiry, ms. */
  clientExpiryMs: number;
  /** Keep-alive period, ms (0 = off). */
  keepAliveMs: number;
  /** Stream watchdog, ms. */
  watchdogMs: number;
  /** Reject hold, ms. */
  rejectHoldMs: number;
  /** Most clients. */
  maxClients: number;
  /** Most clients per address. */
  maxClientsPerIp: number;
  /** Most streams. */
  maxStreams: number;
  /** Last-heard entries. */
  lastHeardSize: number;
  /** Status/version replies per second (0 = unlimited). */
  statusRepliesPerSecond: number;
}

const PRINTABLE = /^[\x20-\x7e]*$/;

function text(value: unknown, name: string, fallback?: string): string {
  const v = value ?? fallback;
  if (typeof v !== "string" || !PRINTABLE.test(v)) {
    throw new TypeError(
      `Expected ${name} to be printable ASCII text, found ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function integer(
  value: unknown,
  fallback: number,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new RangeError(
      `Expected ${name} to be an integer in ${min}..${max}, found ${v}`,
    );
  }
  return v;
}

function duration(
  value: unknown,
  fallback: number,
  name: string,
  min = 0,
): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
    throw new RangeError(
      `Expected ${name} to be a finite number >= ${min}, found ${v}`,
    );
  }
  return v;
}

/**
 * Applies defaults to options and validates them.
 *
 * @param options The options.
 * @returns The resolved options.
 * @throws {TypeError} If the name, description or version is not printable
 * ASCII, or the mode is unknown.
 * @throws {RangeError} If a number is out of range.
 *
 * @example Mode-dependent defaults
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { resolveReflectorOptions } from "./options.ts";
 *
 * equal(resolveReflectorOptions({ name: "R" }).protections.timeoutSeconds, 240);
 * equal(resolveReflectorOptions({ name: "R", mode: "single-room" }).protections.timeoutSeconds, 0);
 * ```
 */
export function resolveReflectorOptions(
  options: YsfReflectorOptions,
): ResolvedReflectorOptions {
  const mode = options.mode ?? "rooms";
  if (mode !== "rooms" && mode !== "single-room") {
    throw new TypeError(
      `Expected mode to be "rooms" or "single-room", found ${
        JSON.stringify(mode)
      }`,
    );
  }
  const rooms = mode === "rooms";
  const name = text(options.name, "name");
  const description = text(options.description, "description", "");
  const version = text(options.version, "version", VERSION);
  const versionText = `shack ${version}`;
  if (versionText.length > 200) {
    throw new RangeError(
      `Expected a version of at most 194 characters, found ${version.length}`,
    );
  }
  const id = integer(options.id, 0, "id", 0);
  const dgidList = new Set<number>();
  for (const dgid of options.dgidList ?? []) {
    dgidList.add(integer(dgid, 0, "a dgidList entry", 1, 99));
  }
  const aux = new Map<
    LocalEndpointId,
    {
      dgid: number;
      status: { id: string; name: string; description: string } | undefined;
    }
  >();
  for (const port of options.auxPorts ?? []) {
    if (typeof port.endpoint !== "string") {
      throw new TypeError(
        `Expected an auxiliary port endpoint id string, found ${typeof port
          .endpoint}`,
      );
    }
    const dgid = integer(port.dgid, 0, `the DG-ID of ${port.endpoint}`, 1, 99);
    let status;
    if (port.alias !== undefined) {
      const aliasName = text(port.alias.name, "an alias name");
      status = {
        id: statusId(
          aliasName.slice(0, 16),
          integer(port.alias.id, 0, "an alias id", 0),
        ),
        name: aliasName.slice(0, 16),
        description: text(port.alias.description, "an alias description", "")
          .slice(0, 14),
      };
    }
    aux.set(port.endpoint, { dgid, status });
  }
  const home = new Map<string, HomeEntry>();
  for (const entry of options.homeEntries ?? []) {
    const key = entry.gateway.toUpperCase();
    if (!home.has(key)) home.set(key, entry);
  }
  const localDgid = integer(options.localDgid, 1, "localDgid", 0, 99);
  return {
    name: name.slice(0, 16),
    description: description.slice(0, 14),
    statusId: statusId(name.slice(0, 16), id),
    versionText,
    mode,
    dgidList,
    defaultDgid: integer(options.defaultDgid, 22, "defaultDgid", 0, 126),
    localDgid: localDgid === 0 ? undefined : localDgid,
    prefix: options.prefix ?? rooms,
    bthTimeMs: duration(options.bthTimeSeconds, 900, "bthTimeSeconds") * 1000,
    aux,
    home,
    acl: options.acl ?? new AccessControl({ checkRe: rooms ? 1 : 0 }),
    refuseBlockedLinks: options.refuseBlockedLinks ?? false,
    protections: {
      timeoutSeconds: duration(
        options.timeoutSeconds,
        rooms ? 240 : 0,
        "timeoutSeconds",
      ),
      treactivateSeconds: duration(
        options.treactivateSeconds,
        1800,
        "treactivateSeconds",
      ),
      wildPttTimeSeconds: duration(
        options.wildPttTimeSeconds,
        5,
        "wildPttTimeSeconds",
        0.001,
      ),
      wildPttCount: integer(
        options.wildPttCount,
        rooms ? 3 : 0,
        "wildPttCount",
        0,
      ),
      maxTempBlocks: integer(options.maxTempBlocks, 1000, "maxTempBlocks", 1),
      maxWildPttHistory: integer(
        options.maxWildPttHistory,
        1000,
        "maxWildPttHistory",
        1,
      ),
    },
    clientExpiryMs: duration(
      options.clientExpiryMs,
      60_000,
      "clientExpiryMs",
      1,
    ),
    keepAliveMs: duration(options.keepAliveMs, 5000, "keepAliveMs"),
    watchdogMs: duration(options.watchdogMs, 1500, "watchdogMs", 1),
    rejectHoldMs: duration(options.rejectHoldMs, 1500, "rejectHoldMs"),
    maxClients: integer(options.maxClients, 1000, "maxClients", 1),
    maxClientsPerIp: integer(options.maxClientsPerIp, 16, "maxClientsPerIp", 1),
    maxStreams: integer(options.maxStreams, 256, "maxStreams", 1),
    lastHeardSize: integer(options.lastHeardSize, 100, "lastHeardSize", 1),
    statusRepliesPerSecond: duration(
      options.statusRepliesPerSecond,
      20,
      "statusRepliesPerSecond",
    ),
  };
}
