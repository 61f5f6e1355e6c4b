/**
 * Access control of the YSF reflector: the pYSFReflector3 deny file
 * (`deny.db`: `CS`/bare call, `AL`, `SB`, `GW`, `GWB`, `IP`, `IPB`, `SN`
 * lines), the G4KLX `BlockList.txt` (one callsign per line, substring
 * match), the `CheckRE` decision (-1/0/1) and the decision order of a new
 * stream (reference ysf.md §3.3, §4). Pure: text in, rules out; the I/O
 * layer reads the files and resolves the hostnames of `IP`/`IPB` lines.
 *
 * @module
 */

import { isIpLiteral, normalizeAddress } from "./peer.ts";

/**
 * Why a stream was blocked, as pYSFReflector3 reports it (`BR`), plus
 * `TEMP` for a callsign under a temporary block (TOT / wild-PTT), which
 * pYSFReflector3 reports as `CS`:
 *
 * - `DT`: a data full-rate frame with FT 1 or 2 (Wires-X commands).
 * - `GW`: the gateway is on a `GW` (listen only) or `GWB` (locked) line.
 * - `IP`: the address is on an `IP` or `IPB` line.
 * - `SN`: the radio serial (radio-ID call mode) is on an `SN` line.
 * - `CS`: the callsign check failed (blocked suffix, blacklist, G4KLX block
 *   list, `CheckRE`).
 * - `TEMP`: the callsign is temporarily blocked.
 *
 * @example Checking a reason
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { BLOCK_REASONS } from "./acl.ts";
 *
 * equal(BLOCK_REASONS.includes("CS"), true);
 * ```
 */
export const BLOCK_REASONS = ["DT", "GW", "IP", "SN", "CS", "TEMP"] as const;

/** One of {@link BLOCK_REASONS}. */
export type BlockReason = (typeof BLOCK_REASONS)[number];

/**
 * pYSFReflector3's `CheckRE` setting: how a callsign that is on neither list
 * is treated, and whether the whitelist or the blacklist wins.
 *
 * - `1`: whitelist passes, blacklist blocks, otherwise the callsign must look
 *   like an amateur callsign ({@link isCallsign}).
 * - `0`: whitelist passes, blacklist blocks, otherwise it passes.
 * - `-1`: blacklist blocks, whitelist passes, otherwise it is blocked.
 *
 * @example A strict reflector
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AccessControl, type CheckRe } from "./acl.ts";
 *
 * const checkRe: CheckRe = -1;
 * equal(new AccessControl({ checkRe }).checkCallsign("G4ABC"), "CS");
 * ```
 */
export type CheckRe = -1 | 0 | 1;

/**
 * A line of a rule file that was not used, and why.
 *
 * @example A warning
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseDenyFile } from "./acl.ts";
 *
 * const [warning] = parseDenyFile("XX:FOO\n").warnings;
 * equal(warning.line, 1);
 * ```
 */
export interface RuleFileWarning {
  /** 1-based line number. */
  line: number;
  /** The line, trimmed. */
  text: string;
  /** Why it was ignored (a sentence). */
  reason: string;
}

/**
 * The rules of a pYSFReflector3 deny file. Callsigns, suffixes and gateway
 * names are upper-cased (pYSFReflector3 compares them case-sensitively;
 * radios and gateways send upper case); serials keep their case.
 *
 * @example Parsing
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseDenyFile, type DenyRules } from "./acl.ts";
 *
 * const rules: DenyRules = parseDenyFile("AL:N0CALL\nSB:RPT\n");
 * deepEqual(rules.whitelist, ["N0CALL"]);
 * deepEqual(rules.suffixes, ["RPT"]);
 * ```
 */
export interface DenyRules {
  /** `CS:CALL` and bare `CALL` lines (3..8 characters). */
  blacklist: string[];
  /** `AL:CALL` lines. */
  whitelist: string[];
  /** `SB:SUFFIX` lines. */
  suffixes: string[];
  /** `GW:name` lines: the gateway may listen, not talk. */
  gateways: string[];
  /** `GWB:name` lines: the gateway neither talks nor hears. */
  lockedGateways: string[];
  /** `IP:address` lines with an address literal (normalised). */
  addresses: string[];
  /** `IPB:address` lines with an address literal (normalised). */
  lockedAddresses: string[];
  /** `IP:hostname` lines: the I/O layer resolves them. */
  hosts: string[];
  /** `IPB:hostname` lines: the I/O layer resolves them. */
  lockedHosts: string[];
  /** `SN:xxxxx` lines (exactly 5 characters, case kept). */
  serials: string[];
  /** Lines that were not used (at most {@link MAX_RULE_FILE_WARNINGS}). */
  warnings: RuleFileWarning[];
}

/**
 * The most warnings a rule-file parser reports; further ignored lines are
 * only counted in the last warning.
 *
 * @example The cap
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_RULE_FILE_WARNINGS, parseDenyFile } from "./acl.ts";
 *
 * const text = "XX:FOO\n".repeat(MAX_RULE_FILE_WARNINGS + 50);
 * equal(parseDenyFile(text).warnings.length, MAX_RULE_FILE_WARNINGS);
 * ```
 */
export const MAX_RULE_FILE_WARNINGS = 100;

/**
 * Collects the warnings of a rule-file parser, at most
 * {@link MAX_RULE_FILE_WARNINGS}; further ones are counted in the last
 * warning's reason.
 *
 * @example Collecting
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RuleFileWarnings } from "./acl.ts";
 *
 * const warnings = new RuleFileWarnings();
 * warnings.add(3, "X", "Expected KIND:VALUE, found X");
 * equal(warnings.finish()[0].line, 3);
 * ```
 */
export class RuleFileWarnings {
  readonly #list: RuleFileWarning[] = [];
  #more = 0;

  /**
   * Records one ignored line.
   *
   * @param line 1-based line number.
   * @param text The line.
   * @param reason Why it was ignored.
   *
   * @example Recording
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RuleFileWarnings } from "./acl.ts";
   *
   * const warnings = new RuleFileWarnings();
   * warnings.add(1, "XX:FOO", "Unknown kind XX");
   * equal(warnings.finish().length, 1);
   * ```
   */
  add(line: number, text: string, reason: string): void {
    if (this.#list.length < MAX_RULE_FILE_WARNINGS) {
      this.#list.push({ line, text, reason });
    } else {
      this.#more++;
    }
  }

  /**
   * The warnings; if some were cut, the last one's reason counts them.
   *
   * @returns The list.
   *
   * @example Finishing
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RuleFileWarnings } from "./acl.ts";
   *
   * equal(new RuleFileWarnings().finish().length, 0);
   * ```
   */
  finish(): RuleFileWarning[] {
    if (this.#more > 0) {
      const last = this.#list[this.#list.length - 1];
      last.reason += ` (and ${this.#more} more ignored lines)`;
      this.#more = 0;
    }
    return this.#list;
  }
}

/** Splits rule-file text into trimmed lines with their 1-based numbers. */
function* ruleLines(text: string): Generator<[number, string]> {
  const lines = text.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) yield [i + 1, lines[i].trim()];
}

function addUnique(list: string[], seen: Set<string>, value: string): void {
  if (!seen.has(value)) {
    seen.add(value);
    list.push(value);
  }
}

/**
 * Parses a pYSFReflector3 deny file (`[Block List] File`, e.g. `deny.db`).
 * One rule per line; lines of 3 characters or fewer (after trimming) and
 * lines starting with `#` are ignored, as pYSFReflector3 does.
 *
 * | Line | Rule |
 * |---|---|
 * | `CALL` or `CS:CALL` | blacklist base callsign (3..8 characters) |
 * | `AL:CALL` | whitelist |
 * | `SB:SUFFIX` | block sources whose suffix (after `-`, `/`, `'` or space) equals it |
 * | `GW:name` / `GWB:name` | gateway listen-only / locked (neither talks nor hears) |
 * | `IP:addr` / `IPB:addr` | the same by address; a hostname is returned in `hosts` / `lockedHosts` for the I/O layer to resolve |
 * | `SN:xxxxx` | block a radio serial (5 characters) |
 *
 * Differences from pYSFReflector3, all more forgiving: kinds are accepted
 * in any case, callsign-like values are upper-cased, IPv6 literals are
 * accepted in `IP`/`IPB` lines (everything after the first `:`), and lines
 * it would silently ignore are reported in `warnings`.
 *
 * @param text The file content.
 * @returns The rules.
 *
 * @example The sample deny.db of pYSFReflector3
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseDenyFile } from "./acl.ts";
 *
 * const rules = parseDenyFile("# rules\nAL:N0CALL\nSB:RPT\nSB:ND\nIP:192.0.2.7\nGWB:BADGW\nIU0XXX\n");
 * deepEqual(rules.whitelist, ["N0CALL"]);
 * deepEqual(rules.suffixes, ["RPT", "ND"]);
 * deepEqual(rules.addresses, ["192.0.2.7"]);
 * deepEqual(rules.lockedGateways, ["BADGW"]);
 * deepEqual(rules.blacklist, ["IU0XXX"]);
 * ```
 */
export function parseDenyFile(text: string): DenyRules {
  const rules: DenyRules = {
    blacklist: [],
    whitelist: [],
    suffixes: [],
    gateways: [],
    lockedGateways: [],
    addresses: [],
    lockedAddresses: [],
    hosts: [],
    lockedHosts: [],
    serials: [],
    warnings: [],
  };
  const seen = new Map<string[], Set<string>>();
  const add = (list: string[], value: string) => {
    let set = seen.get(list);
    if (set === undefined) {
      set = new Set();
      seen.set(list, set);
    }
    addUnique(list, set, value);
  };
  const warnings = new RuleFileWarnings();
  for (const [number, line] of ruleLines(text)) {
    if (line.length <= 3 || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon < 0) {
      if (line.length <= 8) add(rules.blacklist, line.toUpperCase());
      else {
        warnings.add(
          number,
          line,
          `Expected a callsign of 3..8 characters, found ${line.length}`,
        );
      }
      continue;
    }
    const kind = line.slice(0, colon).trim().toUpperCase();
    const value = line.slice(colon + 1).trim();
    if (value === "") {
      warnings.add(number, line, `Expected a value after ${kind}:`);
      continue;
    }
    if (kind === "IP" || kind === "IPB") {
      const literal = isIpLiteral(value);
      if (!literal && (value.includes(":") || /\s/.test(value))) {
        warnings.add(
          number,
          line,
          `Expected an address or hostname after ${kind}:, found ${value}`,
        );
        continue;
      }
      const list = literal
        ? (kind === "IP" ? rules.addresses : rules.lockedAddresses)
        : (kind === "IP" ? rules.hosts : rules.lockedHosts);
      add(list, normalizeAddress(value));
      continue;
    }
    if (value.includes(":")) {
      warnings.add(
        number,
        line,
        `Expected one value after ${kind}:, found ${value}`,
      );
      continue;
    }
    const upper = value.toUpperCase();
    switch (kind) {
      case "CS":
        if (value.length >= 3 && value.length <= 8) add(rules.blacklist, upper);
        else {
          warnings.add(
            number,
            line,
            `Expected a callsign of 3..8 characters, found ${value.length}`,
          );
        }
        break;
      case "AL":
        add(rules.whitelist, upper);
        break;
      case "SB":
        add(rules.suffixes, upper);
        break;
      case "GW":
        add(rules.gateways, upper);
        break;
      case "GWB":
        add(rules.lockedGateways, upper);
        break;
      case "SN":
        if (value.length === 5) add(rules.serials, value);
        else {
          warnings.add(
            number,
            line,
            `Expected a serial of 5 characters, found ${value.length}`,
          );
        }
        break;
      default:
        warnings.add(
          number,
          line,
          `Expected one of CS, AL, SB, GW, GWB, IP, IPB, SN, found ${kind}`,
        );
    }
  }
  rules.warnings = warnings.finish();
  return rules;
}

/**
 * Parses a G4KLX `BlockList.txt`: one entry per line, upper-cased. A talker
 * is blocked when an entry occurs anywhere in its 10-character source field
 * (see {@link AccessControl}). Unlike G4KLX, lines are trimmed and empty
 * lines and `#` comments are skipped (a whitespace-only line would
 * otherwise block every callsign padded with spaces).
 *
 * @param text The file content.
 * @returns The entries, without duplicates.
 *
 * @example Parsing
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseBlockList } from "./acl.ts";
 *
 * deepEqual(parseBlockList("g4abc\r\n\n  M0XYZ  \n# note\n"), ["G4ABC", "M0XYZ"]);
 * ```
 */
export function parseBlockList(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [, line] of ruleLines(text)) {
    if (line === "" || line.startsWith("#")) continue;
    addUnique(out, seen, line.toUpperCase());
  }
  return out;
}

const SPLIT = /[-/' ]/;
const CALLSIGN = /^\d?[A-Z]{1,2}\d{1,4}[A-Z]{1,3}$/i;

/**
 * Splits a source callsign into its base call and suffix the way
 * pYSFReflector3 does (at the first `-`, `/`, `'` or space), upper-cased.
 *
 * @param source The callsign (YSFD bytes 14..23).
 * @returns The base call and the suffix (the part after the first
 * separator, up to the next one), if any.
 *
 * @example Splitting
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { splitCallsign } from "./acl.ts";
 *
 * deepEqual(splitCallsign("g4abc-rpt"), { base: "G4ABC", suffix: "RPT" });
 * deepEqual(splitCallsign("G4ABC"), { base: "G4ABC", suffix: undefined });
 * ```
 */
export function splitCallsign(
  source: string,
): { base: string; suffix: string | undefined } {
  const parts = source.trim().toUpperCase().split(SPLIT);
  return { base: parts[0], suffix: parts.length > 1 ? parts[1] : undefined };
}

/**
 * Whether a base callsign looks like an amateur callsign, pYSFReflector3's
 * `CheckRE=1` test: `^\d?[A-Z]{1,2}\d{1,4}[A-Z]{1,3}$` (any case), at most 8
 * characters.
 *
 * @param base The base callsign.
 * @returns `true` if it looks like a callsign.
 *
 * @example Callsign or not
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isCallsign } from "./acl.ts";
 *
 * equal(isCallsign("IU5JAE"), true);
 * equal(isCallsign("2E0ABC"), true);
 * equal(isCallsign("TEST"), false);
 * ```
 */
export function isCallsign(base: string): boolean {
  return base.length <= 8 && CALLSIGN.test(base);
}

/**
 * Options of {@link AccessControl}.
 *
 * @example Both rule sources
 * ```ts
 * import { equal } from "node:assert/strict";
 * import {
 *   AccessControl, type AccessControlOptions, parseBlockList, parseDenyFile,
 * } from "./acl.ts";
 *
 * const options: AccessControlOptions = {
 *   deny: parseDenyFile("AL:N0CALL\n"),
 *   blockList: parseBlockList("M0XYZ\n"),
 *   checkRe: 1,
 * };
 * equal(new AccessControl(options).checkCallsign("M0XYZ-7"), "CS");
 * ```
 */
export interface AccessControlOptions {
  /** Rules of a pYSFReflector3 deny file. Default: none. */
  deny?: DenyRules;
  /** Entries of a G4KLX block list (substring match). Default: none. */
  blockList?: readonly string[];
  /** The `CheckRE` mode. Default 1 (as pYSFReflector3). */
  checkRe?: CheckRe;
  /**
   * Addresses of the hostnames of `IP`/`IPB` lines (`deny.hosts`,
   * `deny.lockedHosts`), resolved by the I/O layer. Hostnames missing here
   * are ignored (pYSFReflector3 logs "Invalid hostname").
   */
  resolvedHosts?: ReadonlyMap<string, readonly string[]>;
}

/**
 * What a gateway may do, from its `GW`/`GWB`/`IP`/`IPB` rules.
 *
 * - `full`: talk and hear.
 * - `listen-only`: hear, not talk (`GW`, `IP`).
 * - `locked`: neither (`GWB`, `IPB`), though it stays linked.
 *
 * @example Checking
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AccessControl, type GatewayAccess, parseDenyFile } from "./acl.ts";
 *
 * const acl = new AccessControl({ deny: parseDenyFile("GW:G4ABC-GW\n") });
 * const access: GatewayAccess = acl.gatewayAccess("G4ABC-GW", "192.0.2.1");
 * equal(access, "listen-only");
 * ```
 */
export type GatewayAccess = "full" | "listen-only" | "locked";

/**
 * What a stream-opening frame is checked against; see
 * {@link AccessControl.decide}.
 *
 * @example A request
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AccessControl, type AccessRequest } from "./acl.ts";
 *
 * const request: AccessRequest = { gateway: "GW1", address: "192.0.2.1", source: "G4ABC" };
 * equal(new AccessControl().decide(request), undefined);
 * ```
 */
export interface AccessRequest {
  /** The client's gateway callsign (from its YSFP). */
  gateway: string;
  /** The client's address. */
  address: string;
  /** The talker (YSFD bytes 14..23, trimmed). */
  source: string;
  /** FICH DT, if the FICH was decoded. */
  dataType?: number;
  /** FICH FT, if the FICH was decoded. */
  frameTotal?: number;
  /** The radio serial (radio-ID call mode), if any. */
  serial?: string;
  /** Whether a base callsign is under a temporary block. */
  tempBlocked?: (base: string) => boolean;
}

/**
 * Immutable access rules built from a deny file, a G4KLX block list, or
 * both, with the `CheckRE` mode. Built once per (re)load; lookups are set
 * lookups, except the block list's substring scan.
 *
 * @example The decision order of a new stream
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { AccessControl, parseDenyFile } from "./acl.ts";
 *
 * const acl = new AccessControl({ deny: parseDenyFile("GW:GW1\nCS:G4XYZ\n") });
 * equal(acl.decide({ gateway: "GW1", address: "192.0.2.1", source: "G4ABC" }), "GW");
 * equal(acl.decide({ gateway: "GW2", address: "192.0.2.1", source: "G4XYZ" }), "CS");
 * equal(acl.decide({ gateway: "GW2", address: "192.0.2.1", source: "G4ABC" }), undefined);
 * ```
 */
export class AccessControl {
  readonly #checkRe: CheckRe;
  readonly #blacklist: ReadonlySet<string>;
  readonly #whitelist: ReadonlySet<string>;
  readonly #suffixes: ReadonlySet<string>;
  readonly #gateways: ReadonlySet<string>;
  readonly #lockedGateways: ReadonlySet<string>;
  readonly #addresses: ReadonlySet<string>;
  readonly #lockedAddresses: ReadonlySet<string>;
  readonly #serials: ReadonlySet<string>;
  readonly #blockList: readonly string[];

  /**
   * Builds the rules.
   *
   * @param options The rule sources and the `CheckRE` mode.
   * @throws {RangeError} If `checkRe` is not -1, 0 or 1.
   *
   * @example No rules
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AccessControl } from "./acl.ts";
   *
   * equal(new AccessControl().checkRe, 1);
   * ```
   */
  constructor(options: AccessControlOptions = {}) {
    const checkRe = options.checkRe ?? 1;
    if (checkRe !== -1 && checkRe !== 0 && checkRe !== 1) {
      throw new RangeError(
        `Expected checkRe to be -1, 0 or 1, found ${checkRe}`,
      );
    }
    this.#checkRe = checkRe;
    const deny = options.deny;
    const upper = (list: readonly string[] | undefined) =>
      new Set((list ?? []).map((s) => s.toUpperCase()));
    this.#blacklist = upper(deny?.blacklist);
    this.#whitelist = upper(deny?.whitelist);
    this.#suffixes = upper(deny?.suffixes);
    this.#gateways = upper(deny?.gateways);
    this.#lockedGateways = upper(deny?.lockedGateways);
    const resolve = (literals?: string[], hosts?: string[]) => {
      const set = new Set((literals ?? []).map(normalizeAddress));
      for (const host of hosts ?? []) {
        for (const a of options.resolvedHosts?.get(host) ?? []) {
          set.add(normalizeAddress(a));
        }
      }
      return set;
    };
    this.#addresses = resolve(deny?.addresses, deny?.hosts);
    this.#lockedAddresses = resolve(deny?.lockedAddresses, deny?.lockedHosts);
    this.#serials = new Set(deny?.serials ?? []);
    this.#blockList = [
      ...new Set((options.blockList ?? []).map((s) => s.trim().toUpperCase())),
    ]
      .filter((s) => s !== "");
  }

  /**
   * The `CheckRE` mode.
   *
   * @example Reading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AccessControl } from "./acl.ts";
   *
   * equal(new AccessControl({ checkRe: 0 }).checkRe, 0);
   * ```
   */
  get checkRe(): CheckRe {
    return this.#checkRe;
  }

  /**
   * The number of rules of each kind (for logs: pYSFReflector3 logs
   * "Loaded 3/CS 1/AL ...").
   *
   * @returns The counts.
   *
   * @example Counting
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AccessControl, parseDenyFile } from "./acl.ts";
   *
   * equal(new AccessControl({ deny: parseDenyFile("SB:RPT\n") }).counts().SB, 1);
   * ```
   */
  counts(): Record<
    "CS" | "AL" | "SB" | "GW" | "GWB" | "IP" | "IPB" | "SN" | "BlockList",
    number
  > {
    return {
      CS: this.#blacklist.size,
      AL: this.#whitelist.size,
      SB: this.#suffixes.size,
      GW: this.#gateways.size,
      GWB: this.#lockedGateways.size,
      IP: this.#addresses.size,
      IPB: this.#lockedAddresses.size,
      SN: this.#serials.size,
      BlockList: this.#blockList.length,
    };
  }

  /**
   * What a gateway may do, from its name and address.
   *
   * @param gateway The gateway callsign (YSFP).
   * @param address The client address.
   * @returns `locked` (GWB/IPB), `listen-only` (GW/IP) or `full`.
   *
   * @example Locked by address
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AccessControl, parseDenyFile } from "./acl.ts";
   *
   * const acl = new AccessControl({ deny: parseDenyFile("IPB:2001:db8::7\n") });
   * equal(acl.gatewayAccess("GW1", "2001:DB8:0::7"), "locked");
   * equal(acl.gatewayAccess("GW1", "2001:db8::8"), "full");
   * ```
   */
  gatewayAccess(gateway: string, address: string): GatewayAccess {
    const name = gateway.trim().toUpperCase();
    const ip = normalizeAddress(address);
    if (this.#lockedGateways.has(name) || this.#lockedAddresses.has(ip)) {
      return "locked";
    }
    if (this.#gateways.has(name) || this.#addresses.has(ip)) {
      return "listen-only";
    }
    return "full";
  }

  /**
   * Whether a link should be refused when the reflector's
   * `refuseBlockedLinks` option is on: the gateway is locked (`GWB`/`IPB`)
   * or its callsign matches the G4KLX block list (substring of the
   * 10-character callsign), which is how G4KLX users ask to keep a station
   * off the reflector entirely. Listen-only (`GW`/`IP`) gateways are still
   * linked.
   *
   * @param gateway The gateway callsign (YSFP).
   * @param address The client address.
   * @returns `true` to refuse the link.
   *
   * @example Refusing by block list
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AccessControl } from "./acl.ts";
   *
   * const acl = new AccessControl({ blockList: ["M0XYZ"] });
   * equal(acl.refusesLink("M0XYZ-HS", "192.0.2.1"), true);
   * equal(acl.refusesLink("G4ABC", "192.0.2.1"), false);
   * ```
   */
  refusesLink(gateway: string, address: string): boolean {
    return this.gatewayAccess(gateway, address) === "locked" ||
      this.#blockListed(gateway);
  }

  /**
   * Whether the radio serial is on an `SN` line.
   *
   * @param serial The 5-character serial.
   * @returns `true` if blocked.
   *
   * @example Serial
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AccessControl, parseDenyFile } from "./acl.ts";
   *
   * equal(new AccessControl({ deny: parseDenyFile("SN:FAHuL\n") }).serialBlocked("FAHuL"), true);
   * ```
   */
  serialBlocked(serial: string): boolean {
    return this.#serials.has(serial);
  }

  /**
   * The callsign check of pYSFReflector3 (`canTrasmit`): blocked suffix
   * (`CS`), temporary block (`TEMP`), then by `CheckRE` with the whitelist,
   * the blacklist (exact base call, plus the G4KLX block list as substring
   * of the 10-character source) and the callsign pattern.
   *
   * @param source The talker (YSFD bytes 14..23).
   * @param tempBlocked Whether a base call is temporarily blocked.
   * @returns `CS`, `TEMP`, or `undefined` if the callsign may talk.
   *
   * @example The three CheckRE modes on a non-callsign
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AccessControl, parseDenyFile } from "./acl.ts";
   *
   * const deny = parseDenyFile("AL:TEST\n");
   * equal(new AccessControl({ checkRe: 1 }).checkCallsign("TEST"), "CS");
   * equal(new AccessControl({ checkRe: 1, deny }).checkCallsign("TEST"), undefined);
   * equal(new AccessControl({ checkRe: 0 }).checkCallsign("TEST"), undefined);
   * equal(new AccessControl({ checkRe: -1, deny }).checkCallsign("TEST"), undefined);
   * equal(new AccessControl({ checkRe: -1, deny }).checkCallsign("G4ABC"), "CS");
   * ```
   */
  checkCallsign(
    source: string,
    tempBlocked?: (base: string) => boolean,
  ): "CS" | "TEMP" | undefined {
    const { base, suffix } = splitCallsign(source);
    if (suffix !== undefined && this.#suffixes.has(suffix)) return "CS";
    if (tempBlocked?.(base) === true) return "TEMP";
    const white = this.#whitelist.has(base);
    const black = this.#blacklist.has(base) || this.#blockListed(source);
    switch (this.#checkRe) {
      case 1:
        if (white) return undefined;
        if (black) return "CS";
        return isCallsign(base) ? undefined : "CS";
      case 0:
        if (white) return undefined;
        return black ? "CS" : undefined;
      default:
        if (black) return "CS";
        return white ? undefined : "CS";
    }
  }

  /**
   * The decision for a frame that would open a stream, first match wins
   * (pYSFReflector3 order): `DT` (data full rate with FT 1 or 2: Wires-X
   * commands), `GW` (GW/GWB), `IP` (IP/IPB), `SN` (serial), then
   * {@link AccessControl.checkCallsign} (`CS` / `TEMP`).
   *
   * @param request The frame's facts.
   * @returns The reason, or `undefined` if it may open a stream.
   *
   * @example Wires-X command frames
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { AccessControl } from "./acl.ts";
   *
   * const acl = new AccessControl();
   * equal(acl.decide({ gateway: "GW", address: "192.0.2.1", source: "G4ABC", dataType: 1, frameTotal: 1 }), "DT");
   * ```
   */
  decide(request: AccessRequest): BlockReason | undefined {
    if (
      request.dataType === 1 &&
      (request.frameTotal === 1 || request.frameTotal === 2)
    ) {
      return "DT";
    }
    const name = request.gateway.trim().toUpperCase();
    if (this.#gateways.has(name) || this.#lockedGateways.has(name)) return "GW";
    if (this.#addresses.size > 0 || this.#lockedAddresses.size > 0) {
      const ip = normalizeAddress(request.address);
      if (this.#addresses.has(ip) || this.#lockedAddresses.has(ip)) return "IP";
    }
    if (request.serial !== undefined && this.#serials.has(request.serial)) {
      return "SN";
    }
    return this.checkCallsign(request.source, request.tempBlocked);
  }

  /** G4KLX: an entry occurs in the upper-cased, space-padded 10-char field. */
  #blockListed(callsign: string): boolean {
    if (this.#blockList.length === 0) return false;
    const field = callsign.toUpperCase().padEnd(10, " ").slice(0, 10);
    for (const entry of this.#blockList) {
      if (field.includes(entry)) return true;
    }
    return false;
  }
}
