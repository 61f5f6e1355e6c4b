/**
 * XML character data: {@link decodeXmlEntities} for what the tokenizer
 * reads (the five predefined entities and numeric references) and
 * {@link escapeXml} for what the writer emits.
 *
 * @module
 */

const NAMED: Record<string, string | undefined> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

function fromCodePoint(code: number, raw: string): string {
  if (
    code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)
  ) {
    return raw;
  }
  return String.fromCodePoint(code);
}

/**
 * Replaces `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#NN;` and `&#xHH;`
 * with their characters. Unknown or invalid references are kept as written.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeXmlEntities } from "./xml_text.ts";
 *
 * equal(decodeXmlEntities("Tom &amp; Jerry &#8211; &#x1F4FA; &nbsp;"), "Tom & Jerry – 📺 &nbsp;");
 * ```
 *
 * @param text Character data as written in the document.
 * @returns The text.
 */
export function decodeXmlEntities(text: string): string {
  let amp = text.indexOf("&");
  if (amp < 0) return text;
  let out = "";
  let from = 0;
  while (amp >= 0) {
    const semi = text.indexOf(";", amp + 2);
    let replacement: string | undefined;
    if (semi > 0 && semi - amp <= 10) {
      const name = text.slice(amp + 1, semi);
      if (name.charCodeAt(0) === 35) { // '#'
        const hex = name.charCodeAt(1) === 120 || name.charCodeAt(1) === 88;
        const digits = hex ? name.slice(2) : name.slice(1);
        if (
          digits.length > 0 &&
          (hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)
        ) {
          const raw = text.slice(amp, semi + 1);
          const decoded = fromCodePoint(parseInt(digits, hex ? 16 : 10), raw);
          if (decoded !== raw) replacement = decoded;
        }
      } else {
        replacement = NAMED[name];
      }
    }
    if (replacement === undefined) {
      amp = text.indexOf("&", amp + 1);
      continue;
    }
    out += text.slice(from, amp) + replacement;
    from = semi + 1;
    amp = text.indexOf("&", from);
  }
  return from === 0 ? text : out + text.slice(from);
}

// deno-lint-ignore no-control-regex
const INVALID_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g;
const SPECIAL = /[&<>"']/g;
// deno-lint-ignore no-control-regex
const NEEDS_ESCAPE = /[&<>"'\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/**
 * Escapes text for XML element content or attribute values, and drops
 * characters XML 1.0 does not allow (control characters other than tab,
 * newline and carriage return).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { escapeXml } from "./xml_text.ts";
 *
 * equal(escapeXml(`Tom & "Jerry" <live>\u0001`), "Tom &amp; &quot;Jerry&quot; &lt;live&gt;");
 * ```
 *
 * @param text Any text.
 * @returns Text safe inside an element or a quoted attribute.
 */
export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(INVALID_XML, "").replace(SPECIAL, (c) => ESCAPES[c]);
}
