/**
 * XML text and attribute escaping for the bridge's XML outputs.
 *
 * @module
 */

/**
 * Escapes `&`, `<`, `>`, `"` and `'`, and drops characters XML 1.0 does
 * not allow (control characters other than tab, newline, return).
 *
 * @param text The text.
 * @returns The escaped text.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { escapeXml } from "./xml_escape.ts";
 *
 * equal(escapeXml(`Tom & Jerry <"HD">\u0001`), "Tom &amp; Jerry &lt;&quot;HD&quot;&gt;");
 * ```
 */
export function escapeXml(text: string): string {
  return text
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}
