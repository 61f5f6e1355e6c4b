import { deepEqual, ok } from "node:assert/strict";
import fc from "fast-check";
import { parseExtinf } from "../../lib/bridge/m3u/extinf.ts";
import { parseM3u } from "../../lib/bridge/m3u/m3u_parser.ts";
import { parseM3uStream } from "../../lib/bridge/m3u/m3u_stream.ts";

const SEED = 20_261_121;

/** Lines that look like playlist lines, with the usual sloppiness. */
const m3uLine = fc.oneof(
  fc.constantFrom(
    "#EXTM3U",
    '#EXTM3U url-tvg="http://e/g.xml"',
    "",
    "\r",
    "   ",
    "#EXTGRP:Music",
    "#KODIPROP:inputstream.adaptive.stream_headers=User-Agent=K%2F1",
    "#EXTVLCOPT:http-user-agent=UA",
    "#EXTVLCOPT:http-referrer=",
    "http://a/1.ts",
    "http://a/2.ts|User-Agent=x&Referer=y",
    "|=",
    "#EXTINF:-1,",
    "#EXTINF:",
    '#EXTINF:-1 tvg-id="x" group-title="a, b",Name',
    '#EXTINF:-1 tvg-id="unterminated,Name',
    "#EXTINF:-1 tvg-id='s' tvg-chno=7,N",
    '#EXTINF:-1 __proto__="p" constructor=c,N',
    '"""',
    "===,,,",
    "\uFEFF#EXTM3U",
  ),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 40 }).map((s) => `#EXTINF:-1 ${s}`),
  fc.tuple(
    fc.array(
      fc.tuple(
        fc.stringMatching(/^[a-zA-Z-]{0,8}$/),
        fc.string({ maxLength: 12 }),
        fc.constantFrom('"', "'", "", '\\"'),
      ),
      { maxLength: 5 },
    ),
    fc.string({ maxLength: 12 }),
  ).map(([attrs, name]) =>
    `#EXTINF:-1 ${
      attrs.map(([k, v, q]) => `${k}=${q}${v}${q}`).join(" ")
    },${name}`
  ),
);

const playlist = fc.tuple(
  fc.array(m3uLine, { maxLength: 30 }),
  fc.constantFrom("\n", "\r\n", "\r"),
).map(([lines, eol]) => lines.join(eol));

Deno.test("parseExtinf() never throws on arbitrary text", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      const line = parseExtinf(`#EXTINF:${text}`);
      ok(typeof line.name === "string");
      ok(Number.isFinite(line.duration));
      ok(Object.getPrototypeOf(line.attributes) === Object.prototype);
      for (const [key, value] of Object.entries(line.attributes)) {
        ok(key === key.toLowerCase() && typeof value === "string");
      }
    }),
    { seed: SEED, numRuns: 2000 },
  );
});

Deno.test("parseM3u() never throws and keeps its bounds on arbitrary text", () => {
  fc.assert(
    fc.property(
      fc.oneof(playlist, fc.string({ maxLength: 400 })),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 80 }),
      (text, maxEntries, maxLineLength) => {
        const result = parseM3u(text, {
          sourceId: "fuzz",
          maxEntries,
          maxLineLength,
          maxWarnings: 3,
        });
        ok(result.entries.length <= maxEntries);
        ok(result.warnings.length <= 3);
        for (const entry of result.entries) {
          ok(entry.url.length > 0 && entry.url.length <= maxLineLength);
          ok(!/[\r\n]/.test(entry.url));
          ok(typeof entry.name === "string" && entry.name.length > 0);
          for (const value of Object.values(entry.headers)) {
            // deno-lint-ignore no-control-regex
            ok(!/[\x00-\x1f\x7f]/.test(value));
          }
        }
      },
    ),
    { seed: SEED, numRuns: 2000 },
  );
});

Deno.test("parseM3uStream() agrees with parseM3u() on arbitrary playlists and chunkings", async () => {
  await fc.assert(
    fc.asyncProperty(
      playlist,
      fc.array(fc.nat(), { maxLength: 6 }),
      async (text, cuts) => {
        const bytes = new TextEncoder().encode(text);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))]
          .sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let at = 0;
        for (const p of points) {
          chunks.push(bytes.slice(at, p));
          at = p;
        }
        chunks.push(bytes.slice(at));
        const streamed = await parseM3uStream(ReadableStream.from(chunks), {
          sourceId: "fuzz",
          maxLineLength: 50,
        });
        // TextDecoder drops a leading BOM; so does the parser.
        const whole = parseM3u(text, { sourceId: "fuzz", maxLineLength: 50 });
        deepEqual(streamed.entries, whole.entries);
        deepEqual(streamed.stats, whole.stats);
      },
    ),
    { seed: SEED, numRuns: 300 },
  );
});
