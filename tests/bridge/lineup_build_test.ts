import {
  deepEqual,
  equal,
  match,
  notEqual,
  ok,
  throws,
} from "node:assert/strict";
import {
  buildLineup,
  type LineupSource,
} from "../../lib/bridge/lineup/build_lineup.ts";
import { compileFilter } from "../../lib/bridge/lineup/channel_filter.ts";
import { channelId } from "../../lib/bridge/lineup/channel_id.ts";
import {
  compareGuideNumbers,
  normalizeGuideNumber,
} from "../../lib/bridge/lineup/guide_number.ts";
import { parseM3u } from "../../lib/bridge/m3u/m3u_parser.ts";
import type { M3uEntry } from "../../lib/bridge/m3u/m3u_entry.ts";

const FIXTURE = new URL("./fixtures/provider.m3u", import.meta.url);

function entries(sourceId: string, lines: string[]): M3uEntry[] {
  return parseM3u(lines.join("\n"), { sourceId }).entries;
}

function numbersAndNames(sources: LineupSource[], options = {}) {
  return buildLineup(sources, options).channels.map((c) => [
    c.guideNumber,
    c.name,
  ]);
}

Deno.test("buildLineup() turns the provider fixture into channels", async () => {
  const { entries } = parseM3u(await Deno.readTextFile(FIXTURE), {
    sourceId: "prov",
  });
  const build = buildLineup([{ sourceId: "prov", entries }]);
  deepEqual(build.channels.map((c) => [c.guideNumber, c.name]), [
    ["1", "CNN International, Europe"],
    ["2", "MTV Live"],
    ["3", "Duplicate Number"], // asked for 101, which BBC One holds
    ["4", "http://upstream.example/live/bare.ts"],
    ["7", "Arte"],
    ["101", "BBC One HD"],
  ]);
  const bbc = build.channels.find((c) => c.tvgId === "bbc1.uk")!;
  deepEqual(bbc, {
    id: channelId("prov", "tvg:bbc1.uk"),
    guideNumber: "101",
    name: "BBC One HD",
    url: "http://upstream.example/live/bbc1.ts",
    enabled: true,
    headers: {},
    sourceId: "prov",
    hd: true,
    tvgId: "bbc1.uk",
    logo: "http://logo.example/bbc1.png",
    group: "UK, Entertainment",
  });
  deepEqual(build.channels.find((c) => c.name === "Arte")!.headers, {
    "User-Agent": "Kodi/20",
    Origin: "http://kodi.example",
  });
  equal(build.stats.numberConflicts, 1);
  equal(build.warnings.length, 1);
  match(
    build.warnings[0],
    /^prov: "Duplicate Number": asks for tvg-chno 101, already taken by prov: "BBC One HD"; numbered automatically$/,
  );
});

Deno.test("buildLineup() ids are stable across refreshes and reordering", () => {
  const a = entries("s", [
    '#EXTINF:-1 tvg-id="one",One',
    "http://a/1?token=abc",
    "#EXTINF:-1,No id",
    "http://a/noid",
  ]);
  const b = entries("s", [
    "#EXTINF:-1,No id renamed",
    "http://a/noid",
    '#EXTINF:-1 tvg-id="one",One',
    "http://a/1?token=changed",
  ]);
  const idsA = new Map(
    buildLineup([{ sourceId: "s", entries: a }]).channels
      .map((c) => [c.url.split("?")[0], c.id]),
  );
  const idsB = new Map(
    buildLineup([{ sourceId: "s", entries: b }]).channels
      .map((c) => [c.url.split("?")[0], c.id]),
  );
  deepEqual(idsA, idsB);
  equal(idsA.get("http://a/1"), channelId("s", "tvg:one"));
  equal(idsA.get("http://a/noid"), channelId("s", "url:http://a/noid"));
  // Same entries in another source: other ids.
  notEqual(
    buildLineup([{ sourceId: "t", entries: a }]).channels[0].id,
    buildLineup([{ sourceId: "s", entries: a }]).channels[0].id,
  );
});

Deno.test("buildLineup() gives duplicates of a tvg-id distinct ids", () => {
  const list = entries("s", [
    '#EXTINF:-1 tvg-id="bbc1",BBC One HD',
    "http://a/hd",
    '#EXTINF:-1 tvg-id="bbc1",BBC One SD',
    "http://a/sd",
    '#EXTINF:-1 tvg-id="bbc1",BBC One SD again',
    "http://a/sd",
  ]);
  const { channels } = buildLineup([{ sourceId: "s", entries: list }]);
  equal(new Set(channels.map((c) => c.id)).size, 3);
  equal(channels[0].id, channelId("s", "tvg:bbc1"));
  deepEqual(channels.map((c) => c.hd), [true, false, false]);
});

Deno.test("buildLineup() numbers sequentially per source start and skips taken numbers", () => {
  const a = entries("a", [
    '#EXTINF:-1 tvg-chno="2",A-two',
    "http://a/2",
    "#EXTINF:-1,A-x",
    "http://a/x",
    "#EXTINF:-1,A-y",
    "http://a/y",
  ]);
  const b = entries("b", [
    "#EXTINF:-1,B-x",
    "http://b/x",
    '#EXTINF:-1 tvg-chno="1001",B-chno',
    "http://b/1001",
    "#EXTINF:-1,B-y",
    "http://b/y",
  ]);
  deepEqual(
    numbersAndNames([
      { sourceId: "a", entries: a },
      { sourceId: "b", entries: b, startNumber: 1000 },
    ]),
    [
      ["1", "A-x"],
      ["2", "A-two"],
      ["3", "A-y"],
      ["1000", "B-x"],
      ["1001", "B-chno"],
      ["1002", "B-y"],
    ],
  );
  // Without a start number, the second source counts up from 1 too.
  deepEqual(
    numbersAndNames([
      { sourceId: "a", entries: a },
      { sourceId: "b", entries: b },
    ]).map(([n]) => n),
    ["1", "2", "3", "4", "5", "1001"],
  );
});

Deno.test("buildLineup() normalizes and validates tvg-chno", () => {
  const list = entries("s", [
    '#EXTINF:-1 tvg-chno="007",Seven',
    "http://a/7",
    '#EXTINF:-1 tvg-chno="5-1",Five one',
    "http://a/51",
    '#EXTINF:-1 tvg-chno="abc",Bad',
    "http://a/bad",
  ]);
  const build = buildLineup([{ sourceId: "s", entries: list }]);
  deepEqual(build.channels.map((c) => [c.guideNumber, c.name]), [
    ["1", "Bad"],
    ["5.1", "Five one"],
    ["7", "Seven"],
  ]);
  match(build.warnings[0], /expected a tvg-chno like 7 or 5\.1, found "abc"/);
});

Deno.test("buildLineup() resolves collisions the same way whatever the mapping order", () => {
  const list = entries("s", [
    "#EXTINF:-1,A",
    "http://a/a",
    "#EXTINF:-1,B",
    "http://a/b",
  ]);
  const [a, b] = buildLineup([{ sourceId: "s", entries: list }]).channels;
  const mappings = [
    { channelId: a.id, guideNumber: "9" },
    { channelId: b.id, guideNumber: "9" },
  ];
  const one = buildLineup([{ sourceId: "s", entries: list }], { mappings });
  const two = buildLineup([{ sourceId: "s", entries: list }], {
    mappings: [...mappings].reverse(),
  });
  deepEqual(one.channels, two.channels);
  deepEqual(one.channels.map((c) => [c.guideNumber, c.name]), [
    ["1", "B"],
    ["9", "A"],
  ]);
  equal(one.stats.mappingConflicts, 1);
  match(one.warnings[0], /"B": mapped to 9, which is already mapped to s: "A"/);
});

Deno.test("buildLineup() applies mappings (renumber, rename, disable) that survive a refresh", () => {
  const before = entries("s", [
    '#EXTINF:-1 tvg-id="a" tvg-chno="1",Alpha',
    "http://a/a",
    '#EXTINF:-1 tvg-id="b" tvg-chno="2",Beta',
    "http://a/b",
    '#EXTINF:-1 tvg-id="c",Gamma',
    "http://a/c",
  ]);
  const ids = buildLineup([{ sourceId: "s", entries: before }]).channels.map((
    c,
  ) => c.id);
  const mappings = [
    { channelId: ids[0], guideNumber: "50", name: "Alpha (mine)" },
    { channelId: ids[1], enabled: false },
    { channelId: ids[2], guideNumber: "not a number" },
  ];
  // The provider reorders and adds a channel; the mappings still apply.
  const after = entries("s", [
    '#EXTINF:-1 tvg-id="new",New',
    "http://a/new",
    '#EXTINF:-1 tvg-id="c",Gamma',
    "http://a/c",
    '#EXTINF:-1 tvg-id="b" tvg-chno="2",Beta',
    "http://a/b",
    '#EXTINF:-1 tvg-id="a" tvg-chno="1",Alpha',
    "http://a/a",
  ]);
  const build = buildLineup([{ sourceId: "s", entries: after }], { mappings });
  deepEqual(
    build.channels.map((c) => [c.guideNumber, c.name, c.enabled]),
    [
      ["1", "New", true],
      ["2", "Beta", false],
      ["3", "Gamma", true],
      ["50", "Alpha (mine)", true],
    ],
  );
  equal(build.stats.enabled, 3);
  equal(build.stats.mappingConflicts, 1);
});

Deno.test("buildLineup() keeps previous numbers when the provider inserts a channel", () => {
  const before = entries("s", [
    "#EXTINF:-1,A",
    "http://a/a",
    "#EXTINF:-1,B",
    "http://a/b",
    "#EXTINF:-1,C",
    "http://a/c",
  ]);
  const first = buildLineup([{ sourceId: "s", entries: before }]);
  const after = entries("s", [
    "#EXTINF:-1,A",
    "http://a/a",
    "#EXTINF:-1,Inserted",
    "http://a/new",
    "#EXTINF:-1,B",
    "http://a/b",
    "#EXTINF:-1,C",
    "http://a/c",
  ]);
  deepEqual(numbersAndNames([{ sourceId: "s", entries: after }]), [
    ["1", "A"],
    ["2", "Inserted"],
    ["3", "B"],
    ["4", "C"],
  ]);
  deepEqual(
    numbersAndNames([{ sourceId: "s", entries: after }], {
      previous: first.channels,
    }),
    [["1", "A"], ["2", "B"], ["3", "C"], ["4", "Inserted"]],
  );
});

Deno.test("buildLineup() applies per-source filters and maxChannels", () => {
  const list = entries("s", [
    '#EXTINF:-1 group-title="News",CNN',
    "http://a/cnn",
    '#EXTINF:-1 group-title="News",CNN SD',
    "http://a/cnnsd",
    '#EXTINF:-1 group-title="Kids",Toons',
    "http://a/toons",
    '#EXTINF:-1 tvg-id="bbc1" group-title="UK",BBC One',
    "http://a/bbc",
  ]);
  const build = buildLineup([{
    sourceId: "s",
    entries: list,
    filter: {
      includeGroups: ["news"],
      includeTvgIds: ["BBC1"],
      excludeNames: ["\\bSD$"],
    },
  }]);
  deepEqual(build.channels.map((c) => c.name), ["CNN", "BBC One"]);
  equal(build.stats.filtered, 2);
  const capped = buildLineup([{ sourceId: "s", entries: list }], {
    maxChannels: 3,
  });
  equal(capped.channels.length, 3);
  equal(capped.stats.droppedOverLimit, 1);
  match(capped.warnings[0], /expected at most 3 channels, found more/);
  throws(() => buildLineup([], { maxChannels: 0 }), RangeError);
});

Deno.test("compileFilter() rejects an invalid regular expression", () => {
  throws(
    () => compileFilter({ includeNames: ["(unclosed"] }),
    (error: unknown) =>
      error instanceof SyntaxError &&
      /^Expected a valid regular expression in includeNames, found "\(unclosed"/
        .test(error.message),
  );
  const keepAll = compileFilter();
  ok(keepAll(entries("s", ["http://a/1"])[0]));
});

Deno.test("normalizeGuideNumber() and compareGuideNumbers() agree on order", () => {
  deepEqual(
    ["0", "00012", "3.0", "4_2", "1000000", " 9 ", "1.23456", "-1"].map(
      normalizeGuideNumber,
    ),
    [
      "undefined",
      "12",
      "3.0",
      "4.2",
      "undefined",
      "9",
      "undefined",
      "undefined",
    ]
      .map((v) => v === "undefined" ? undefined : v),
  );
  equal(compareGuideNumbers("5", "5"), 0);
  ok(compareGuideNumbers("9", "10") < 0);
  ok(compareGuideNumbers("10.1", "10.2") < 0);
  ok(compareGuideNumbers("abc", "1") > 0);
});
