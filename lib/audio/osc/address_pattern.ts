/**
 * OSC 1.0 address pattern matching ({@link matchAddressPattern}): `?`, `*`,
 * `[abc]`, `[a-z]`, `[!a-z]` and `{foo,bar}`, none of which crosses a `/`.
 * Matching simulates the pattern as a set of positions (no backtracking),
 * so its cost is bounded by pattern length × address length × alternatives
 * whatever a remote sender puts in the pattern.
 *
 * @module
 */

const SPECIAL = /[?*[\]{}]/;

/**
 * Tells whether an address contains pattern characters (`? * [ ] { }`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isAddressPattern } from "./address_pattern.ts";
 *
 * equal(isAddressPattern("/mod/*\/freq"), true);
 * equal(isAddressPattern("/mod/sine/freq"), false);
 * ```
 *
 * @param address An OSC address or address pattern.
 * @returns `true` if it is a pattern.
 */
export function isAddressPattern(address: string): boolean {
  return SPECIAL.test(address);
}

type Token =
  | { kind: "char"; char: string }
  | { kind: "any" }
  | { kind: "star" }
  | { kind: "class"; negate: boolean; ranges: [string, string][] }
  | { kind: "alt"; options: string[] };

/**
 * Tells whether an OSC address pattern matches an address. Both are split
 * at `/` and must have the same number of parts; within a part, `?`
 * matches one character, `*` any run (also empty), `[...]` one character
 * of a set (`a-z` ranges, a leading `!` negates; a `-` at either end is
 * literal), `{a,b}` one of the listed strings. A malformed pattern (an
 * unclosed `[` or `{`) matches nothing.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { matchAddressPattern } from "./address_pattern.ts";
 *
 * equal(matchAddressPattern("/mod/voice?/freq", "/mod/voice1/freq"), true);
 * equal(matchAddressPattern("/mod/*", "/mod/voice1/freq"), false);
 * equal(matchAddressPattern("/{gate,mod}/[a-c]*", "/gate/adsr"), true);
 * equal(matchAddressPattern("/n_[!s]et", "/n_set"), false);
 * ```
 *
 * @param pattern The address pattern (from a received message).
 * @param address A concrete address (one the receiver implements).
 * @returns `true` if it matches.
 */
export function matchAddressPattern(pattern: string, address: string): boolean {
  const patternParts = pattern.split("/");
  const addressParts = address.split("/");
  if (patternParts.length !== addressParts.length) return false;
  for (let i = 0; i < patternParts.length; i++) {
    const tokens = tokenize(patternParts[i]);
    if (tokens === null || !matchPart(tokens, addressParts[i])) return false;
  }
  return true;
}

function tokenize(part: string): Token[] | null {
  const tokens: Token[] = [];
  const chars = [...part];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === "?") tokens.push({ kind: "any" });
    else if (c === "*") {
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
    } else if (c === "[") {
      const close = chars.indexOf("]", i + 1);
      if (close < 0) return null;
      let body = chars.slice(i + 1, close);
      const negate = body[0] === "!";
      if (negate) body = body.slice(1);
      const ranges: [string, string][] = [];
      for (let j = 0; j < body.length; j++) {
        if (body[j + 1] === "-" && j + 2 < body.length) {
          ranges.push([body[j], body[j + 2]]);
          j += 2;
        } else ranges.push([body[j], body[j]]);
      }
      tokens.push({ kind: "class", negate, ranges });
      i = close;
    } else if (c === "{") {
      const close = chars.indexOf("}", i + 1);
      if (close < 0) return null;
      tokens.push({
        kind: "alt",
        options: chars.slice(i + 1, close).join("").split(","),
      });
      i = close;
    } else if (c === "]" || c === "}") return null;
    else tokens.push({ kind: "char", char: c });
  }
  return tokens;
}

function matchPart(tokens: readonly Token[], part: string): boolean {
  const chars = [...part];
  const n = chars.length;
  // reachable[p]: the tokens so far can consume exactly chars[0, p)
  let reachable = new Uint8Array(n + 1);
  reachable[0] = 1;
  for (const token of tokens) {
    const next = new Uint8Array(n + 1);
    let any = false;
    for (let p = 0; p <= n; p++) {
      if (!reachable[p]) continue;
      switch (token.kind) {
        case "char":
          if (p < n && chars[p] === token.char) next[p + 1] = 1;
          break;
        case "any":
          if (p < n) next[p + 1] = 1;
          break;
        case "star":
          for (let q = p; q <= n; q++) next[q] = 1;
          p = n; // everything from the first reachable position is set
          break;
        case "class":
          if (p < n && inClass(token, chars[p])) next[p + 1] = 1;
          break;
        case "alt":
          for (const option of token.options) {
            const optionChars = [...option];
            const end = p + optionChars.length;
            if (
              end <= n && optionChars.every((ch, k) => chars[p + k] === ch)
            ) next[end] = 1;
          }
          break;
      }
    }
    for (let p = 0; p <= n; p++) if (next[p]) any = true;
    if (!any) return false;
    reachable = next;
  }
  return reachable[n] === 1;
}

function inClass(
  token: { negate: boolean; ranges: [string, string][] },
  char: string,
): boolean {
  const code = char.codePointAt(0)!;
  let found = false;
  for (const [low, high] of token.ranges) {
    if (code >= low.codePointAt(0)! && code <= high.codePointAt(0)!) {
      found = true;
      break;
    }
  }
  return found !== token.negate;
}
