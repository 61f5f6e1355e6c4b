/**
 * Include/exclude filters of playlist entries, per source: by group
 * (`group-title`/`#EXTGRP`), by name (regular expressions) and by `tvg-id`.
 * An entry is kept when it matches at least one include rule (or there are
 * none) and no exclude rule.
 *
 * @module
 */

import type { M3uEntry } from "../m3u/m3u_entry.ts";

/**
 * Filter rules of one source. Groups and tvg-ids match exactly, ignoring
 * case; names match regular expressions, ignoring case.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { LineupFilter } from "./channel_filter.ts";
 *
 * const filter: LineupFilter = {
 *   includeGroups: ["UK, Entertainment", "News"],
 *   excludeNames: ["\\b(?:SD|backup)\\b"],
 * };
 * equal(filter.includeGroups?.length, 2);
 * ```
 */
export interface LineupFilter {
  /** Keep entries of these groups. */
  includeGroups?: readonly string[];
  /** Drop entries of these groups. */
  excludeGroups?: readonly string[];
  /** Keep entries whose name matches one of these regular expressions. */
  includeNames?: readonly string[];
  /** Drop entries whose name matches one of these regular expressions. */
  excludeNames?: readonly string[];
  /** Keep entries with these tvg-ids. */
  includeTvgIds?: readonly string[];
  /** Drop entries with these tvg-ids. */
  excludeTvgIds?: readonly string[];
}

function lowerSet(values: readonly string[] | undefined): Set<string> {
  return new Set((values ?? []).map((v) => v.trim().toLowerCase()));
}

function regexes(
  key: string,
  sources: readonly string[] | undefined,
): RegExp[] {
  return (sources ?? []).map((source) => {
    try {
      return new RegExp(source, "i");
    } catch (error) {
      throw new SyntaxError(
        `Expected a valid regular expression in ${key}, found ${
          JSON.stringify(source)
        } (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    }
  });
}

/**
 * Compiles filter rules into a predicate (usable as the `filter` of the M3U
 * parser, so that dropped entries are never kept in memory).
 *
 * @example Keep news, drop SD duplicates
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { compileFilter } from "./channel_filter.ts";
 * import { parseM3u } from "../m3u/m3u_parser.ts";
 *
 * const keep = compileFilter({ includeGroups: ["news"], excludeNames: [" SD$"] });
 * const { entries } = parseM3u(
 *   '#EXTINF:-1 group-title="News",CNN HD\nhttp://a/1\n' +
 *     '#EXTINF:-1 group-title="News",CNN SD\nhttp://a/2\n' +
 *     '#EXTINF:-1 group-title="Kids",Toons\nhttp://a/3\n',
 *   { sourceId: "s", filter: keep },
 * );
 * deepEqual(entries.map((e) => e.name), ["CNN HD"]);
 * ```
 *
 * @param filter The rules; none keeps everything.
 * @returns A predicate over entries.
 * @throws {SyntaxError} If a name rule is not a valid regular expression.
 */
export function compileFilter(
  filter: LineupFilter = {},
): (entry: M3uEntry) => boolean {
  const includeGroups = lowerSet(filter.includeGroups);
  const excludeGroups = lowerSet(filter.excludeGroups);
  const includeTvgIds = lowerSet(filter.includeTvgIds);
  const excludeTvgIds = lowerSet(filter.excludeTvgIds);
  const includeNames = regexes("includeNames", filter.includeNames);
  const excludeNames = regexes("excludeNames", filter.excludeNames);
  const hasIncludes = includeGroups.size > 0 || includeTvgIds.size > 0 ||
    includeNames.length > 0;
  return (entry) => {
    const group = entry.group?.trim().toLowerCase();
    const tvgId = entry.tvgId?.trim().toLowerCase();
    if (group !== undefined && excludeGroups.has(group)) return false;
    if (tvgId !== undefined && excludeTvgIds.has(tvgId)) return false;
    if (excludeNames.some((re) => re.test(entry.name))) return false;
    if (!hasIncludes) return true;
    return (group !== undefined && includeGroups.has(group)) ||
      (tvgId !== undefined && includeTvgIds.has(tvgId)) ||
      includeNames.some((re) => re.test(entry.name));
  };
}
