import { deepEqual, equal, match, ok } from "node:assert/strict";
import { M3uParser, parseM3u } from "../../lib/bridge/m3u/m3u_parser.ts";

const FIXTURE = new URL("./fixtures/provider.m3u", import.meta.url);

Deno.test("parseM3u() reads the provider fixture (BOM, CRLF, options)", async () => {
  const text = await Deno.readTextFile(FIXTURE);
  equal(text.charCodeAt(0), 0xfeff);
  const result = parseM3u(text, { sourceId: "prov" });
  deepEqual(result.header, {
    "url-tvg": "http://epg.example/guide.xml.gz",
    "x-tvg-url": "http://epg.example/alt.xml",
  });
  deepEqual(result.warnings, []);
  equal(result.entries.length, 6);
  const [bbc, cnn, arte, mtv, dup, bare] = result.entries;
  deepEqual(
    { ...bbc },
    {
      sourceId: "prov",
      line: 3,
      duration: -1,
      name: "BBC One HD",
      url: "http://upstream.example/live/bbc1.ts",
      attributes: {
        "tvg-id": "bbc1.uk",
        "tvg-name": "BBC One",
        "tvg-logo": "http://logo.example/bbc1.png",
        "tvg-chno": "101",
        "group-title": "UK, Entertainment",
      },
      tvgId: "bbc1.uk",
      tvgName: "BBC One",
      tvgLogo: "http://logo.example/bbc1.png",
      tvgChno: "101",
      group: "UK, Entertainment",
      headers: {},
      vlcOptions: {},
      kodiProps: {},
    },
  );
  equal(cnn.name, "CNN International, Europe");
  equal(cnn.group, "News, US");
  deepEqual(cnn.headers, {
    "User-Agent": "Mozilla/5.0 (SMART-TV; Linux)",
    Referer: "http://portal.example/",
  });
  equal(cnn.vlcOptions["http-referrer"], "http://portal.example/");
  equal(arte.duration, 0);
  equal(arte.tvgChno, "7");
  equal(arte.kodiProps["inputstream.adaptive.manifest_type"], "hls");
  deepEqual(arte.headers, {
    "User-Agent": "Kodi/20",
    Origin: "http://kodi.example",
  });
  equal(mtv.group, "Music"); // from #EXTGRP
  equal(mtv.tvgName, 'MTV "Live"');
  equal(mtv.url, "http://upstream.example/live/mtv.ts");
  deepEqual(mtv.headers, {
    "User-Agent": "Pipe Agent",
    Referer: "http://pipe.example/",
  });
  equal(dup.tvgChno, "101");
  equal(bare.name, bare.url);
  equal(bare.line, 19);
  deepEqual(result.stats, {
    lines: 19,
    entries: 6,
    filtered: 0,
    droppedOverlong: 0,
    droppedOverLimit: 0,
    droppedNoUrl: 0,
    warningsDropped: 0,
  });
});

Deno.test("parseM3u() accepts LF, CR and a missing header", () => {
  for (const eol of ["\n", "\r", "\r\n"]) {
    const text = [
      "#EXTINF:-1,A",
      "http://a/1",
      "",
      "#EXTINF:-1,B",
      "http://a/2",
    ]
      .join(eol);
    const { entries, header } = parseM3u(text, { sourceId: "s" });
    deepEqual(entries.map((e) => [e.name, e.url]), [
      ["A", "http://a/1"],
      ["B", "http://a/2"],
    ]);
    deepEqual(header, {});
  }
});

Deno.test("parseM3u() accepts sloppy #EXTINF spellings and ignores unknown tags", () => {
  const { entries } = parseM3u(
    [
      "#extinf:-1 tvg-id=a,Lower case",
      "http://a/1",
      '#EXTINF -1 tvg-id="b",Space',
      "http://a/2",
      "#EXTINF-1,No colon",
      "http://a/3",
      "#EXTINFO:not an entry,Ignored",
      "#EXT-X-SESSION-DATA:DATA-ID=x",
      "http://a/4",
    ].join("\n"),
    { sourceId: "s" },
  );
  deepEqual(entries.map((e) => [e.name, e.tvgId]), [
    ["Lower case", "a"],
    ["Space", "b"],
    ["No colon", undefined],
    ["http://a/4", undefined],
  ]);
  equal(entries[2].duration, -1);
});

Deno.test("parseM3u() falls back to tvg-name and tvg-id for the name", () => {
  const { entries } = parseM3u(
    '#EXTINF:-1 tvg-name="Named",\nhttp://a/1\n#EXTINF:-1 tvg-id="only.id"\nhttp://a/2\n',
    { sourceId: "s" },
  );
  deepEqual(entries.map((e) => e.name), ["Named", "only.id"]);
});

Deno.test("parseM3u() applies options only to the next URL", () => {
  const { entries } = parseM3u(
    [
      "#EXTVLCOPT:http-user-agent=First",
      "#EXTGRP:G1",
      "#EXTINF:-1,One",
      "http://a/1",
      "#EXTINF:-1,Two",
      "http://a/2",
    ].join("\n"),
    { sourceId: "s" },
  );
  deepEqual(entries[0].headers, { "User-Agent": "First" });
  equal(entries[0].group, "G1");
  deepEqual(entries[1].headers, {});
  equal(entries[1].group, undefined);
});

Deno.test("parseM3u() drops header values that could inject lines", () => {
  const { entries } = parseM3u(
    "#EXTINF:-1,X\nhttp://a/1|User-Agent=ok%0D%0AX-Evil:1&Bad Name=v&Referer=http://r/\n",
    { sourceId: "s" },
  );
  deepEqual(entries[0].headers, { Referer: "http://r/" });
  equal(entries[0].url, "http://a/1");
});

Deno.test("parseM3u() counts an #EXTINF without a URL", () => {
  const result = parseM3u(
    "#EXTINF:-1,A\n#EXTINF:-1,B\nhttp://b\n#EXTINF:-1,C",
    {
      sourceId: "s",
    },
  );
  deepEqual(result.entries.map((e) => e.name), ["B"]);
  equal(result.stats.droppedNoUrl, 2);
  equal(result.warnings.length, 2);
  match(result.warnings[0], /^line 1: #EXTINF without a URL/);
});

Deno.test("parseM3u() drops overlong entries, counts them and warns", () => {
  const long = "x".repeat(200);
  const text = [
    "#EXTM3U",
    `#EXTINF:-1 tvg-logo="${long}",Long info`,
    "http://a/skipped-with-its-info",
    "#EXTINF:-1,Long URL",
    `http://a/${long}`,
    `#EXTVLCOPT:http-user-agent=${long}`,
    "#EXTINF:-1,Kept",
    "http://a/kept",
  ].join("\n");
  const result = parseM3u(text, { sourceId: "s", maxLineLength: 100 });
  deepEqual(result.entries.map((e) => e.name), ["Kept"]);
  deepEqual(result.entries[0].headers, {});
  equal(result.stats.droppedOverlong, 2);
  equal(result.warnings.length, 3);
  match(result.warnings[0], /^line 2: expected an #EXTINF line of at most 100/);
  match(result.warnings[1], /^line 5: expected a URL of at most 100/);
  match(result.warnings[2], /^line 6: expected a directive/);
});

Deno.test("parseM3u() keeps at most maxEntries and maxWarnings", () => {
  const text = Array.from(
    { length: 50 },
    (_, i) => `#EXTINF:-1,C${i}\nhttp://a/${i}\n#EXTINF:-1,orphan`,
  ).join("\n");
  const result = parseM3u(text, {
    sourceId: "s",
    maxEntries: 10,
    maxWarnings: 5,
  });
  equal(result.entries.length, 10);
  equal(result.stats.entries, 10);
  equal(result.stats.droppedOverLimit, 40);
  equal(result.stats.droppedNoUrl, 50);
  equal(result.warnings.length, 5);
  equal(result.stats.warningsDropped, 46);
});

Deno.test("parseM3u() filter refuses entries without counting them as kept", () => {
  const text = Array.from(
    { length: 20 },
    (_, i) =>
      `#EXTINF:-1 group-title="${
        i % 2 ? "News" : "Sport"
      }",C${i}\nhttp://a/${i}`,
  ).join("\n");
  const result = parseM3u(text, {
    sourceId: "s",
    maxEntries: 10,
    filter: (entry) => entry.group === "News",
  });
  equal(result.entries.length, 10);
  equal(result.stats.filtered, 10);
  equal(result.stats.droppedOverLimit, 0);
  ok(result.entries.every((e) => e.group === "News"));
});

Deno.test("M3uParser.line() handles #EXTVLCOPT-- and finish() is idempotent", () => {
  const parser = new M3uParser({ sourceId: "s" });
  parser.line("#EXTINF:-1,A");
  parser.line("#EXTVLCOPT--http-reconnect=true");
  parser.line("http://a/1");
  parser.line("#EXTINF:-1,dangling");
  const first = parser.finish();
  const second = parser.finish();
  equal(first.entries[0].vlcOptions["http-reconnect"], "true");
  equal(first.stats.droppedNoUrl, 1);
  equal(second.stats.droppedNoUrl, 1);
});

Deno.test("M3uParser() rejects invalid bounds", () => {
  let error: unknown;
  try {
    new M3uParser({ sourceId: "s", maxEntries: 0 });
  } catch (e) {
    error = e;
  }
  ok(error instanceof RangeError);
  match(error.message, /Expected maxEntries to be an integer >= 1, found 0/);
});
