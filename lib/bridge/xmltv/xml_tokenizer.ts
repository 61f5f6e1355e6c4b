/**
 * A small streaming XML tokenizer (SAX-style) for guide files: fed text in
 * chunks of any size, split anywhere, it reports start tags with their
 * attributes, end tags and character data (entities decoded, CDATA
 * passed through) to an {@link XmlHandler}. Comments, processing
 * instructions and the DOCTYPE (with an internal subset) are skipped.
 *
 * Memory is bounded: a tag longer than `maxMarkupLength` is skipped and
 * counted as malformed, and text is handed over in pieces. It checks no
 * well-formedness beyond that and never throws on input: it is for reading
 * data, not validating it.
 *
 * @module
 */

import { decodeXmlEntities } from "./xml_text.ts";

/**
 * Receives what the tokenizer reads.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { XmlHandler } from "./xml_tokenizer.ts";
 *
 * let tags = 0;
 * const handler: XmlHandler = {
 *   openTag: () => tags++,
 *   closeTag: () => {},
 *   text: () => {},
 * };
 * handler.openTag("tv", {}, false);
 * equal(tags, 1);
 * ```
 */
export interface XmlHandler {
  /** A start tag (`selfClosing` for `<x/>`; no `closeTag` follows then). */
  openTag(
    name: string,
    attributes: Record<string, string>,
    selfClosing: boolean,
  ): void;
  /** An end tag. */
  closeTag(name: string): void;
  /** Character data, decoded; one text node may arrive in several pieces. */
  text(text: string): void;
  /** When it returns false, text is skipped without being decoded. */
  wantsText?(): boolean;
}

/**
 * Options of {@link XmlTokenizer}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { XmlTokenizerOptions } from "./xml_tokenizer.ts";
 *
 * const options: XmlTokenizerOptions = { maxMarkupLength: 4096 };
 * equal(options.maxMarkupLength, 4096);
 * ```
 */
export interface XmlTokenizerOptions {
  /** The longest tag kept; longer ones are skipped. Default 65 536. */
  maxMarkupLength?: number;
  /** Attributes kept per tag. Default 32. */
  maxAttributes?: number;
}

const enum Mode {
  Text,
  Markup,
  Comment,
  Cdata,
  Pi,
  Decl,
  SkipTag,
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const TEXT_PIECE = 65_536;

/**
 * The tokenizer; call {@link XmlTokenizer.write} for each chunk, then
 * {@link XmlTokenizer.end}.
 *
 * @example Chunks split inside tags and entities
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { XmlTokenizer } from "./xml_tokenizer.ts";
 *
 * const events: string[] = [];
 * const tokenizer = new XmlTokenizer({
 *   openTag: (name, attrs) => events.push(`<${name} ${JSON.stringify(attrs)}>`),
 *   closeTag: (name) => events.push(`</${name}>`),
 *   text: (text) => events.push(text),
 * });
 * for (const chunk of ['<title lang="e', 'n">Tom &am', "p; Jerry</ti", "tle>"]) {
 *   tokenizer.write(chunk);
 * }
 * tokenizer.end();
 * deepEqual(events.join(""), '<title {"lang":"en"}>Tom & Jerry</title>');
 * ```
 */
export class XmlTokenizer {
  readonly #handler: XmlHandler;
  readonly #maxMarkup: number;
  readonly #maxAttributes: number;
  #buffer = "";
  #mode = Mode.Text;
  #declDepth = 0;
  #declQuote = "";
  #malformed = 0;

  /**
   * Creates a tokenizer.
   *
   * @param handler Receives tags and text.
   * @param options Bounds.
   */
  constructor(handler: XmlHandler, options: XmlTokenizerOptions = {}) {
    this.#handler = handler;
    this.#maxMarkup = options.maxMarkupLength ?? 65_536;
    this.#maxAttributes = options.maxAttributes ?? 32;
  }

  /** Tags skipped as too long or unreadable, and a truncated ending. */
  get malformed(): number {
    return this.#malformed;
  }

  /**
   * Feeds the next piece of the document.
   *
   * @param chunk Text, split anywhere.
   */
  write(chunk: string): void {
    const s = this.#buffer.length > 0 ? this.#buffer + chunk : chunk;
    const n = s.length;
    let i = 0;
    scan: while (i < n) {
      switch (this.#mode) {
        case Mode.Text: {
          const lt = s.indexOf("<", i);
          if (lt < 0) {
            if (n - i <= TEXT_PIECE) break scan;
            // A long text: hand over all but a possible partial entity.
            const amp = s.lastIndexOf("&");
            const safe = amp >= i && n - amp < 16 && s.indexOf(";", amp) < 0
              ? amp
              : n;
            this.#text(s, i, safe);
            i = safe;
            break scan;
          }
          if (lt > i) this.#text(s, i, lt);
          i = lt;
          this.#mode = Mode.Markup;
          break;
        }
        case Mode.Markup: {
          // s[i] === "<"; wait until the kind of markup is known.
          if (i + 1 >= n) break scan;
          if (n - i < 9) {
            const head = s.slice(i);
            if ("<![CDATA[".startsWith(head) || "<!--".startsWith(head)) {
              break scan;
            }
          }
          const next = s.charCodeAt(i + 1);
          if (next === 33) { // '!'
            if (s.startsWith("<!--", i)) {
              this.#mode = Mode.Comment;
              i += 4;
            } else if (s.startsWith("<![CDATA[", i)) {
              this.#mode = Mode.Cdata;
              i += 9;
            } else {
              this.#mode = Mode.Decl;
              this.#declDepth = 0;
              this.#declQuote = "";
              i += 2;
            }
            break;
          }
          if (next === 63) { // '?'
            this.#mode = Mode.Pi;
            i += 2;
            break;
          }
          const end = tagEnd(s, i + 1);
          if (end < 0) {
            if (n - i > this.#maxMarkup) {
              this.#malformed++;
              this.#mode = Mode.SkipTag;
              i = n;
            }
            break scan;
          }
          if (end - i > this.#maxMarkup) {
            this.#malformed++;
          } else {
            this.#tag(s.slice(i + 1, end));
          }
          i = end + 1;
          this.#mode = Mode.Text;
          break;
        }
        case Mode.Comment:
        case Mode.Pi: {
          const close = this.#mode === Mode.Comment ? "-->" : "?>";
          const end = s.indexOf(close, i);
          if (end < 0) {
            i = Math.max(i, n - (close.length - 1));
            break scan;
          }
          i = end + close.length;
          this.#mode = Mode.Text;
          break;
        }
        case Mode.Cdata: {
          const end = s.indexOf("]]>", i);
          if (end < 0) {
            const keep = Math.max(i, n - 2);
            if (keep > i) this.#raw(s.slice(i, keep));
            i = keep;
            break scan;
          }
          if (end > i) this.#raw(s.slice(i, end));
          i = end + 3;
          this.#mode = Mode.Text;
          break;
        }
        case Mode.Decl: {
          for (; i < n; i++) {
            const c = s[i];
            if (this.#declQuote) {
              if (c === this.#declQuote) this.#declQuote = "";
            } else if (c === '"' || c === "'") this.#declQuote = c;
            else if (c === "[") this.#declDepth++;
            else if (c === "]") {
              this.#declDepth = Math.max(0, this.#declDepth - 1);
            } else if (c === ">" && this.#declDepth === 0) {
              i++;
              this.#mode = Mode.Text;
              continue scan;
            }
          }
          break scan;
        }
        case Mode.SkipTag: {
          const end = s.indexOf(">", i);
          if (end < 0) {
            i = n;
            break scan;
          }
          i = end + 1;
          this.#mode = Mode.Text;
          break;
        }
      }
    }
    this.#buffer = i < n ? s.slice(i) : "";
  }

  /**
   * Ends the document: pending text is delivered; an unfinished tag is
   * counted as malformed. The tokenizer can then be reused.
   */
  end(): void {
    if (this.#mode === Mode.Text) {
      if (this.#buffer.length > 0) {
        this.#text(this.#buffer, 0, this.#buffer.length);
      }
    } else if (this.#mode === Mode.Cdata) {
      if (this.#buffer.length > 0) this.#raw(this.#buffer);
      this.#malformed++;
    } else {
      this.#malformed++;
    }
    this.#buffer = "";
    this.#mode = Mode.Text;
  }

  #text(s: string, from: number, to: number): void {
    const handler = this.#handler;
    if (handler.wantsText && !handler.wantsText()) return;
    handler.text(decodeXmlEntities(s.slice(from, to)));
  }

  #raw(text: string): void {
    const handler = this.#handler;
    if (handler.wantsText && !handler.wantsText()) return;
    handler.text(text);
  }

  #tag(content: string): void {
    if (content.charCodeAt(0) === 47) { // '/'
      const name = content.slice(1).trim();
      if (name.length === 0) {
        this.#malformed++;
        return;
      }
      this.#handler.closeTag(name);
      return;
    }
    let body = content;
    const selfClosing = body.charCodeAt(body.length - 1) === 47;
    if (selfClosing) body = body.slice(0, -1);
    let nameEnd = 0;
    while (nameEnd < body.length && !isSpace(body.charCodeAt(nameEnd))) {
      nameEnd++;
    }
    const name = body.slice(0, nameEnd);
    if (name.length === 0) {
      this.#malformed++;
      return;
    }
    const attributes: Record<string, string> = {};
    if (nameEnd < body.length) {
      ATTRIBUTE.lastIndex = nameEnd;
      let count = 0;
      for (
        let m = ATTRIBUTE.exec(body);
        m !== null && count < this.#maxAttributes;
        m = ATTRIBUTE.exec(body)
      ) {
        const key = m[1];
        if (key === "__proto__" || Object.hasOwn(attributes, key)) continue;
        attributes[key] = decodeXmlEntities(m[2] ?? m[3]);
        count++;
      }
    }
    this.#handler.openTag(name, attributes, selfClosing);
  }
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/** The index of the `>` that ends the tag starting before `from`, or -1. */
function tagEnd(s: string, from: number): number {
  let quote = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return i;
  }
  return -1;
}
