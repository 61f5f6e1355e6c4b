import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { XmlTokenizer } from "../../lib/bridge/xmltv/xml_tokenizer.ts";
import {
  decodeXmlEntities,
  escapeXml,
} from "../../lib/bridge/xmltv/xml_text.ts";

const SEED = 20_261_121;
const GUIDE = new URL("./fixtures/guide.xml", import.meta.url);

/** Events with adjacent text pieces joined, so chunking does not matter. */
function tokenize(chunks: string[], maxMarkupLength?: number) {
  const events: unknown[] = [];
  const tokenizer = new XmlTokenizer({
    openTag: (name, attributes, selfClosing) =>
      events.push(["open", name, attributes, selfClosing]),
    closeTag: (name) => events.push(["close", name]),
    text: (text) => {
      const last = events.at(-1);
      if (Array.isArray(last) && last[0] === "text") last[1] += text;
      else events.push(["text", text]);
    },
  }, { maxMarkupLength });
  for (const chunk of chunks) tokenizer.write(chunk);
  tokenizer.end();
  return { events, malformed: tokenizer.malformed };
}

function split(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((
    a,
    b,
  ) => a - b);
  const out: string[] = [];
  let at = 0;
  for (const p of points) {
    out.push(text.slice(at, p));
    at = p;
  }
  out.push(text.slice(at));
  return out;
}

Deno.test("XmlTokenizer.write() reports tags, attributes and decoded text", () => {
  const { events, malformed } = tokenize([
    `<?xml version="1.0"?><!DOCTYPE tv SYSTEM "xmltv.dtd" [ <!ENTITY x "a>b"> ]>` +
    `<tv a='1' b="x > y" c="&lt;&amp;&#65;&#x42;"><!-- a <comment> -- -->` +
    `<p>A &amp; B<![CDATA[<raw> &amp; ]]]]></p><i src="x"/><e></e></tv>`,
  ]);
  equal(malformed, 0);
  deepEqual(events, [
    ["open", "tv", { a: "1", b: "x > y", c: "<&AB" }, false],
    ["open", "p", {}, false],
    ["text", "A & B<raw> &amp; ]]"],
    ["close", "p"],
    ["open", "i", { src: "x" }, true],
    ["open", "e", {}, false],
    ["close", "e"],
    ["close", "tv"],
  ]);
});

Deno.test("XmlTokenizer gives the same events for any split of the fixture guide", async () => {
  const text = await Deno.readTextFile(GUIDE);
  const whole = tokenize([text]);
  equal(whole.malformed, 0);
  fc.assert(
    fc.property(fc.array(fc.nat(), { maxLength: 60 }), (cuts) => {
      deepEqual(tokenize(split(text, cuts)), whole);
    }),
    { seed: SEED, numRuns: 300 },
  );
  // One character at a time, too.
  deepEqual(tokenize([...text]), whole);
});

Deno.test("XmlTokenizer skips an overlong tag, counts it and resynchronises", () => {
  const long = "x".repeat(500);
  const { events, malformed } = tokenize(
    [`<a><b attr="${long}">t</b><c/></a>`],
    100,
  );
  equal(malformed, 1);
  deepEqual(events, [
    ["open", "a", {}, false],
    ["text", "t"],
    ["close", "b"],
    ["open", "c", {}, true],
    ["close", "a"],
  ]);
  // The same when the long tag arrives in pieces.
  const pieces = tokenize(
    split(`<a><b attr="${long}">t</b><c/></a>`, [5, 50, 120, 300]),
    100,
  );
  deepEqual(pieces, { events, malformed });
});

Deno.test("XmlTokenizer hands a huge text node over in pieces", () => {
  const tokenizer = new XmlTokenizer({
    openTag: () => {},
    closeTag: () => {},
    text: (t) => pieces.push(t.length),
  });
  const pieces: number[] = [];
  const block = "a&amp;".repeat(20_000); // 120 000 chars, no '<'
  tokenizer.write("<d>");
  for (let i = 0; i < 5; i++) tokenizer.write(block);
  equal(pieces.length > 0, true); // delivered before the end tag arrived
  tokenizer.write("</d>");
  tokenizer.end();
  equal(pieces.reduce((a, b) => a + b, 0), 5 * 20_000 * 2);
});

Deno.test("XmlTokenizer.end() counts an unfinished tag and flushes text", () => {
  const a = tokenize(["<a>text"]);
  deepEqual(a.events, [["open", "a", {}, false], ["text", "text"]]);
  equal(a.malformed, 0);
  equal(tokenize(["<a><b x='1"]).malformed, 1);
  equal(tokenize(["<a><!-- never closed"]).malformed, 1);
  equal(tokenize(["< >", "</>"]).malformed, 2);
});

Deno.test("XmlTokenizer never throws on arbitrary text", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.string({ maxLength: 20 }),
          fc.constantFrom(
            "<",
            ">",
            "</",
            "/>",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "<?",
            "?>",
            "<!DOCTYPE",
            "[",
            "]",
            '"',
            "'",
            "&",
            "&amp;",
            "&#x",
            ";",
            "=",
          ),
        ),
        { maxLength: 40 },
      ),
      fc.array(fc.nat(), { maxLength: 5 }),
      (parts, cuts) => {
        const text = parts.join("");
        const whole = tokenize([text], 64);
        deepEqual(tokenize(split(text, cuts), 64), whole);
      },
    ),
    { seed: SEED, numRuns: 2000 },
  );
});

Deno.test("decodeXmlEntities() and escapeXml() round-trip", () => {
  equal(
    decodeXmlEntities("&#0; &#xD800; &bogus; & &amp"),
    "&#0; &#xD800; &bogus; & &amp",
  );
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 50 }), (text) => {
      const clean = text.replace(
        // deno-lint-ignore no-control-regex
        /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g,
        "",
      );
      equal(decodeXmlEntities(escapeXml(text)), clean);
    }),
    { seed: SEED, numRuns: 1000 },
  );
});
