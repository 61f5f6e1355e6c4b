/**
 * The rule files of the YSF reflector ({@link RuleFiles}): the
 * pYSFReflector3 deny file, the G4KLX block list and the pYSFReflector3
 * home file, read at start, re-read when they change, and turned into the
 * `acl` / `homeEntries` options of `YsfReflectorCore.reload`.
 *
 * It only reads files (and asks an injected resolver for the addresses of
 * `IP:`/`IPB:` hostnames); the I/O layer owns the timer that calls
 * {@link RuleFiles.checkForChanges} every `reloadMinutes` and calls
 * {@link RuleFiles.reloadNow} on SIGHUP.
 *
 * - A file missing at start gives no rules and a warning, as the peers do;
 *   it is read as soon as it appears.
 * - A file is re-read when its modification time changed (pYSFReflector3:
 *   `touch deny.db` re-resolves its hostnames) or its content did (G4KLX
 *   compares a checksum; this catches edits within one mtime tick).
 * - A file that disappears or becomes unreadable later keeps its last rules
 *   (with one warning) rather than dropping them (G4KLX clears its list;
 *   pYSFReflector3's reload thread dies and keeps them).
 *
 * @module
 */

import { readFileSnapshot } from "../../core/file_snapshot.ts";
import {
  AccessControl,
  type CheckRe,
  type DenyRules,
  parseBlockList,
  parseDenyFile,
  type RuleFileWarning,
} from "../reflector/acl.ts";
import { type HomeEntry, parseHomeFile } from "../reflector/home_file.ts";

/**
 * Which rule file: `deny` (pYSFReflector3 `deny.db`), `blockList` (G4KLX
 * `BlockList.txt`) or `home` (pYSFReflector3 home file).
 *
 * @example A kind
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RuleFileKind } from "./rule_files.ts";
 *
 * const kind: RuleFileKind = "deny";
 * equal(kind, "deny");
 * ```
 */
export type RuleFileKind = "deny" | "blockList" | "home";

/**
 * Resolves the hostnames of `IP:`/`IPB:` lines to addresses (e.g. with
 * `Deno.resolveDns` for A and AAAA records). Hostnames missing from the
 * result are ignored, as pYSFReflector3 does with "Invalid hostname".
 *
 * @example A fixed resolver for tests
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import type { HostResolver } from "./rule_files.ts";
 *
 * const resolve: HostResolver = (hosts) =>
 *   Promise.resolve(new Map(hosts.map((host) => [host, ["192.0.2.7"]])));
 * deepEqual([...(await resolve(["gw.example"])).keys()], ["gw.example"]);
 * ```
 */
export type HostResolver = (
  hosts: readonly string[],
) => Promise<ReadonlyMap<string, readonly string[]>>;

/**
 * Options of {@link RuleFiles}.
 *
 * @example Both ACL files and a home file
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RuleFilesOptions } from "./rule_files.ts";
 *
 * const options: RuleFilesOptions = {
 *   denyFile: "/opt/pysfreflector/deny.db",
 *   blockListFile: "/etc/YSFReflector/BlockList.txt",
 *   homeFile: "/opt/pysfreflector/home.db",
 *   checkRe: 1,
 *   allowedDgids: [1, 9, 50],
 * };
 * equal(options.checkRe, 1);
 * ```
 */
export interface RuleFilesOptions {
  /** The pYSFReflector3 deny file, if any. */
  denyFile?: string;
  /** The G4KLX block list, if any. */
  blockListFile?: string;
  /** The pYSFReflector3 home file, if any. */
  homeFile?: string;
  /** The `CheckRE` mode of the access rules. Default 1. */
  checkRe?: CheckRe;
  /** The reflector's DG-ID list: home entries outside it are ignored. */
  allowedDgids?: readonly number[];
  /** Most home entries. Default 100 000. */
  maxHomeEntries?: number;
  /** The largest file read, bytes. Default 4 MiB. */
  maxFileBytes?: number;
  /** Resolves `IP:`/`IPB:` hostnames; without one they are ignored. */
  resolveHosts?: HostResolver;
  /** Told about missing files, ignored lines and failed reads (one line each). */
  onWarning?: (message: string) => void;
}

/**
 * The current rules.
 *
 * @example Reading
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RuleFiles, type RuleFilesState } from "./rule_files.ts";
 *
 * const state: RuleFilesState = await new RuleFiles({ checkRe: 0 }).load();
 * equal(state.acl.checkRe, 0);
 * ```
 */
export interface RuleFilesState {
  /** The access rules from the deny file and the block list. */
  acl: AccessControl;
  /** The home-file entries. */
  homeEntries: readonly HomeEntry[];
}

/**
 * What changed, and the options to pass to `YsfReflectorCore.reload`:
 * only the keys whose files changed are present (the reflector re-applies
 * the home file to every client when `homeEntries` is present).
 *
 * @example Applying an update
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RuleFilesUpdate } from "./rule_files.ts";
 *
 * const update: RuleFilesUpdate = { changed: [], options: {} };
 * equal("acl" in update.options, false);
 * ```
 */
export interface RuleFilesUpdate {
  /** The files that were re-read. */
  changed: RuleFileKind[];
  /** `acl` when the deny file or block list changed, `homeEntries` when the home file did. */
  options: { acl?: AccessControl; homeEntries?: readonly HomeEntry[] };
}

interface FileState {
  readonly kind: RuleFileKind;
  readonly path: string;
  /** Whether the file was read at least once. */
  seen: boolean;
  mtimeMs: number | undefined;
  checksum: string | undefined;
  /** Whether the last attempt failed (a warning was given). */
  failing: boolean;
}

const LABELS: Readonly<Record<RuleFileKind, string>> = {
  deny: "Deny file",
  blockList: "Block list",
  home: "Home file",
};

/**
 * Loads and watches the reflector's rule files. Call {@link RuleFiles.load}
 * once at start, {@link RuleFiles.checkForChanges} every `reloadMinutes`,
 * {@link RuleFiles.reloadNow} on SIGHUP; pass each update's `options` to
 * `YsfReflectorCore.reload`. Calls are serialised (a SIGHUP during a
 * periodic check waits for it).
 *
 * @example Start, edit, reload
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { RuleFiles } from "./rule_files.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const denyFile = `${dir}/deny.db`;
 *   await Deno.writeTextFile(denyFile, "CS:G4XYZ\n");
 *   const files = new RuleFiles({ denyFile, checkRe: 0 });
 *   const { acl } = await files.load();
 *   equal(acl.checkCallsign("G4XYZ"), "CS");
 *   equal(await files.checkForChanges(), undefined);
 *   await Deno.writeTextFile(denyFile, "CS:M0ABC\n");
 *   const update = await files.checkForChanges();
 *   deepEqual(update?.changed, ["deny"]);
 *   equal(update?.options.acl?.checkCallsign("G4XYZ"), undefined);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 */
export class RuleFiles {
  readonly #files: FileState[] = [];
  readonly #checkRe: CheckRe;
  readonly #allowedDgids: readonly number[] | undefined;
  readonly #maxHomeEntries: number | undefined;
  readonly #maxFileBytes: number;
  readonly #resolveHosts: HostResolver | undefined;
  readonly #warn: (message: string) => void;
  #deny: DenyRules | undefined;
  #blockList: string[] = [];
  #homeEntries: readonly HomeEntry[] = [];
  #acl: AccessControl;
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * Sets up the files to watch; nothing is read until
   * {@link RuleFiles.load}.
   *
   * @param options The files, `CheckRE`, DG-ID list, limits, resolver and
   * warning callback.
   * @throws {RangeError} If `checkRe` is not -1, 0 or 1.
   *
   * @example No files at all
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RuleFiles } from "./rule_files.ts";
   *
   * const files = new RuleFiles({ checkRe: -1 });
   * equal(files.acl.checkRe, -1);
   * ```
   */
  constructor(options: RuleFilesOptions = {}) {
    this.#checkRe = options.checkRe ?? 1;
    this.#acl = new AccessControl({ checkRe: this.#checkRe });
    this.#allowedDgids = options.allowedDgids;
    this.#maxHomeEntries = options.maxHomeEntries;
    this.#maxFileBytes = options.maxFileBytes ?? 4 * 1024 * 1024;
    this.#resolveHosts = options.resolveHosts;
    this.#warn = options.onWarning ?? (() => {});
    const add = (kind: RuleFileKind, path: string | undefined) => {
      if (path === undefined || path === "") return;
      this.#files.push({
        kind,
        path,
        seen: false,
        mtimeMs: undefined,
        checksum: undefined,
        failing: false,
      });
    };
    add("deny", options.denyFile);
    add("blockList", options.blockListFile);
    add("home", options.homeFile);
  }

  /**
   * The current access rules.
   *
   * @example Before loading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RuleFiles } from "./rule_files.ts";
   *
   * equal(new RuleFiles().acl.counts().CS, 0);
   * ```
   */
  get acl(): AccessControl {
    return this.#acl;
  }

  /**
   * The current home-file entries.
   *
   * @example Before loading
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RuleFiles } from "./rule_files.ts";
   *
   * equal(new RuleFiles().homeEntries.length, 0);
   * ```
   */
  get homeEntries(): readonly HomeEntry[] {
    return this.#homeEntries;
  }

  /**
   * Reads every configured file (start). A missing or unreadable file gives
   * no rules of its kind and a warning.
   *
   * @returns The rules for the reflector's options.
   *
   * @example A missing deny file
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RuleFiles } from "./rule_files.ts";
   *
   * const warnings: string[] = [];
   * const files = new RuleFiles({ denyFile: "/nonexistent/deny.db", onWarning: (m) => warnings.push(m) });
   * const { acl } = await files.load();
   * equal(acl.counts().CS, 0);
   * equal(warnings.length, 1);
   * ```
   */
  load(): Promise<RuleFilesState> {
    return this.#serial(async () => {
      await this.#refresh(true);
      return { acl: this.#acl, homeEntries: this.#homeEntries };
    });
  }

  /**
   * Re-reads the files whose modification time or content changed since
   * they were last read (including files that appeared). For the periodic
   * check (every `reloadMinutes`).
   *
   * @returns The update, or `undefined` when nothing changed.
   *
   * @example Nothing changed
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RuleFiles } from "./rule_files.ts";
   *
   * const files = new RuleFiles();
   * await files.load();
   * equal(await files.checkForChanges(), undefined);
   * ```
   */
  checkForChanges(): Promise<RuleFilesUpdate | undefined> {
    return this.#serial(async () => {
      const changed = await this.#refresh(false);
      return changed.length === 0 ? undefined : this.#update(changed, changed);
    });
  }

  /**
   * Re-reads every file now, changed or not, and re-resolves the hostnames
   * of the deny file (SIGHUP). The update carries `acl` when an ACL file is
   * configured and `homeEntries` when a home file is.
   *
   * @returns The update (`changed` lists the files that were read).
   *
   * @example SIGHUP
   * ```ts
   * import { deepEqual } from "node:assert/strict";
   * import { RuleFiles } from "./rule_files.ts";
   *
   * const dir = await Deno.makeTempDir();
   * try {
   *   await Deno.writeTextFile(`${dir}/home.db`, "GW1:9:-1\n");
   *   const files = new RuleFiles({ homeFile: `${dir}/home.db` });
   *   await files.load();
   *   const update = await files.reloadNow();
   *   deepEqual(update.changed, ["home"]);
   *   deepEqual(update.options.homeEntries?.map((e) => e.gateway), ["GW1"]);
   * } finally {
   *   await Deno.remove(dir, { recursive: true });
   * }
   * ```
   */
  reloadNow(): Promise<RuleFilesUpdate> {
    return this.#serial(async () => {
      const changed = await this.#refresh(true);
      return this.#update(
        changed,
        this.#files.map((file) => file.kind),
      );
    });
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }

  #update(
    changed: RuleFileKind[],
    include: readonly RuleFileKind[],
  ): RuleFilesUpdate {
    const options: RuleFilesUpdate["options"] = {};
    if (include.includes("deny") || include.includes("blockList")) {
      options.acl = this.#acl;
    }
    if (include.includes("home")) options.homeEntries = this.#homeEntries;
    return { changed, options };
  }

  /** Reads the files that changed (all with `force`); returns which did. */
  async #refresh(force: boolean): Promise<RuleFileKind[]> {
    const changed: RuleFileKind[] = [];
    for (const file of this.#files) {
      const result = await readFileSnapshot(file.path, this.#maxFileBytes);
      if (result.status !== "ok") {
        this.#unavailable(file, result);
        continue;
      }
      const same = file.seen && !file.failing &&
        result.mtimeMs === file.mtimeMs && result.checksum === file.checksum;
      if (file.failing) {
        this.#warn(`${LABELS[file.kind]} ${file.path} is readable again`);
      }
      file.failing = false;
      file.mtimeMs = result.mtimeMs;
      file.checksum = result.checksum;
      if (same && !force) continue;
      file.seen = true;
      this.#apply(file, result.text);
      changed.push(file.kind);
    }
    if (changed.includes("deny") || changed.includes("blockList")) {
      await this.#rebuildAcl();
    }
    return changed;
  }

  #unavailable(
    file: FileState,
    result: { status: "missing" } | { status: "error"; reason: string },
  ): void {
    if (file.failing) return; // warned already
    file.failing = true;
    const label = `${LABELS[file.kind]} ${file.path}`;
    const what = result.status === "missing"
      ? "not found"
      : `cannot be read (${result.reason})`;
    this.#warn(
      file.seen
        ? `${label} ${what}: keeping its last rules`
        : `${label} ${what}: no rules from it until it can be read`,
    );
  }

  #apply(file: FileState, text: string): void {
    const report = (warnings: readonly RuleFileWarning[]) => {
      for (const warning of warnings) {
        this.#warn(
          `${file.path}:${warning.line}: ${warning.reason}, line ignored`,
        );
      }
    };
    switch (file.kind) {
      case "deny": {
        this.#deny = parseDenyFile(text);
        report(this.#deny.warnings);
        break;
      }
      case "blockList":
        this.#blockList = parseBlockList(text);
        break;
      case "home": {
        const home = parseHomeFile(text, {
          allowedDgids: this.#allowedDgids,
          maxEntries: this.#maxHomeEntries,
        });
        report(home.warnings);
        this.#homeEntries = home.entries;
        break;
      }
    }
  }

  async #rebuildAcl(): Promise<void> {
    const deny = this.#deny;
    const hosts = deny === undefined
      ? []
      : [...new Set([...deny.hosts, ...deny.lockedHosts])];
    let resolvedHosts: ReadonlyMap<string, readonly string[]> | undefined;
    if (hosts.length > 0) {
      if (this.#resolveHosts === undefined) {
        this.#warn(
          `Deny file: ${hosts.length} hostname(s) in IP/IPB lines ignored (no resolver)`,
        );
      } else {
        try {
          resolvedHosts = await this.#resolveHosts(hosts);
        } catch (error) {
          this.#warn(
            `Deny file: cannot resolve the hostnames of IP/IPB lines (${
              error instanceof Error ? error.message : String(error)
            }), they are ignored`,
          );
        }
        for (const host of hosts) {
          if (resolvedHosts !== undefined && !resolvedHosts.has(host)) {
            this.#warn(`Deny file: invalid hostname ${host}, ignored`);
          }
        }
      }
    }
    this.#acl = new AccessControl({
      checkRe: this.#checkRe,
      deny,
      blockList: this.#blockList,
      resolvedHosts,
    });
  }
}
