import {
  deepEqual,
  equal,
  match,
  notEqual,
  ok,
  throws,
} from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { Channel } from "../../lib/bridge/channel.ts";
import { buildLineup } from "../../lib/bridge/lineup/build_lineup.ts";
import { parseM3u } from "../../lib/bridge/m3u/m3u_parser.ts";
import { BridgeStore } from "../../lib/bridge/store/bridge_store.ts";
import {
  SCHEMA_VERSION,
  StoreSchemaError,
} from "../../lib/bridge/store/schema.ts";
import { mergeGuide } from "../../lib/bridge/xmltv/merge_guide.ts";
import { parseXmltv } from "../../lib/bridge/xmltv/xmltv_parser.ts";
import type { XmltvProgramme } from "../../lib/bridge/xmltv/xmltv_guide.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url);

async function withStore(
  fn: (path: string, dir: string) => Promise<void> | void,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shack_store_test_" });
  try {
    await fn(`${dir}/bridge.db`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function channel(id: string, guideNumber: string, enabled = true): Channel {
  return {
    id,
    guideNumber,
    name: `Channel ${guideNumber}`,
    url: `http://up/${id}`,
    enabled,
    headers: { Referer: "http://portal/" },
  };
}

function programme(
  ch: string,
  startMin: number,
  stopMin: number | undefined,
  title: string,
): XmltvProgramme {
  const p: XmltvProgramme = {
    channel: ch,
    start: startMin * 60_000,
    title,
    categories: [],
    episodeNums: [],
  };
  if (stopMin !== undefined) p.stop = stopMin * 60_000;
  return p;
}

Deno.test("BridgeStore() creates a WAL database at the current schema version", async () => {
  await withStore((path) => {
    const store = new BridgeStore(path);
    equal(store.journalMode, "wal");
    equal(store.integrityCheck(), "ok");
    equal(store.path, path);
    store.close();
    store.close(); // idempotent
    const db = new DatabaseSync(path);
    const version = db.prepare("PRAGMA user_version").get() as {
      user_version: number;
    };
    const tables = (db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    ).all() as { name: string }[]).map((r) => r.name);
    db.close();
    equal(version.user_version, SCHEMA_VERSION);
    for (
      const table of [
        "channels",
        "epg_channels",
        "epg_programmes",
        "mappings",
        "session_history",
        "settings",
        "sources",
      ]
    ) ok(tables.includes(table), table);
  });
});

Deno.test("BridgeStore() refuses a database from a newer shack", async () => {
  await withStore((path) => {
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    throws(
      () => new BridgeStore(path),
      (error: unknown) =>
        error instanceof StoreSchemaError &&
        error.found === SCHEMA_VERSION + 1 &&
        /expected a schema version of at most/.test(error.message),
    );
  });
  throws(
    () => new BridgeStore(":memory:", { maxSessionHistory: 0 }),
    RangeError,
  );
});

Deno.test("BridgeStore.deviceId() is generated once and kept", async () => {
  await withStore((path) => {
    const store = new BridgeStore(path);
    const id = store.deviceId();
    const uuid = store.deviceUuid();
    match(id, /^[0-9A-F]{8}$/);
    match(
      uuid,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    equal(store.deviceId(), id);
    store.close();
    const again = new BridgeStore(path);
    equal(again.deviceId(), id);
    equal(again.deviceUuid(), uuid);
    again.close();
    const other = new BridgeStore(":memory:");
    notEqual(other.deviceId(), undefined);
    other.close();
  });
});

Deno.test("BridgeStore settings can be set, listed and deleted", () => {
  const store = new BridgeStore(":memory:");
  equal(store.getSetting("device.name"), undefined);
  store.setSetting("device.name", "Shack tuner");
  store.setSetting("device.name", "Shack tuner 2");
  store.setSetting("tuners", "4");
  deepEqual(store.settings(), { "device.name": "Shack tuner 2", tuners: "4" });
  equal(store.deleteSetting("tuners"), true);
  equal(store.deleteSetting("tuners"), false);
  store.close();
});

Deno.test("BridgeStore sources keep their refresh status across updates", () => {
  let now = 1000;
  const store = new BridgeStore(":memory:", { now: () => now });
  store.putSource({
    id: "b",
    kind: "m3u",
    location: "/b.m3u",
    enabled: true,
    options: {},
  });
  store.putSource({
    id: "a",
    kind: "m3u",
    location: "http://a/get.php",
    enabled: true,
    options: { startNumber: 1000, filter: { includeGroups: ["News"] } },
    position: 1,
  });
  store.putSource({
    id: "epg",
    kind: "xmltv",
    location: "/g.xml.gz",
    enabled: false,
    options: {},
  });
  deepEqual(store.sources().map((s) => s.id), ["b", "epg", "a"]);
  deepEqual(store.sources("xmltv").map((s) => s.id), ["epg"]);
  store.recordRefresh("a", { at: 5000, ok: true, itemCount: 42 });
  store.recordRefresh("a", { at: 9000, ok: false, error: "HTTP 503" });
  now = 10_000;
  store.putSource({ ...store.source("a")!, location: "http://a/new.php" });
  deepEqual(store.source("a"), {
    id: "a",
    kind: "m3u",
    location: "http://a/new.php",
    enabled: true,
    options: { startNumber: 1000, filter: { includeGroups: ["News"] } },
    position: 1,
    lastRefreshAt: 9000,
    lastSuccessAt: 5000,
    lastError: "HTTP 503",
    itemCount: 42,
  });
  store.recordRefresh("a", { at: 11_000, ok: true, itemCount: 40 });
  equal(store.source("a")!.lastError, undefined);
  equal(store.deleteSource("a"), true);
  equal(store.deleteSource("a"), false);
  equal(store.source("a"), undefined);
  store.close();
});

Deno.test("BridgeStore channels are replaced at once and looked up like a Lineup", () => {
  const store = new BridgeStore(":memory:");
  const first = [
    channel("a", "1"),
    channel("b", "2", false),
    channel("c", "10"),
  ];
  first[0].tvgId = "a.tv";
  first[0].logo = "http://logo/a.png";
  first[0].group = "News, US";
  first[0].sourceId = "src";
  first[0].hd = true;
  store.replaceChannels(first);
  deepEqual(store.allChannels(), first);
  deepEqual(store.channels().map((c) => c.id), ["a", "c"]);
  deepEqual(store.byGuideNumber("1"), first[0]);
  equal(store.byGuideNumber("2"), undefined);
  equal(store.byId("b"), undefined);
  equal(store.byId("c")?.guideNumber, "10");
  store.replaceChannels([channel("z", "5")]);
  deepEqual(store.allChannels().map((c) => c.id), ["z"]);
  store.close();
});

Deno.test("BridgeStore.transaction() rolls back everything when it throws", () => {
  const store = new BridgeStore(":memory:");
  store.replaceChannels([channel("a", "1")]);
  store.setSetting("k", "before");
  throws(() =>
    store.transaction(() => {
      store.setSetting("k", "after");
      store.replaceChannels([channel("b", "2")]);
      throw new Error("disk full");
    }), /disk full/);
  equal(store.getSetting("k"), "before");
  deepEqual(store.allChannels().map((c) => c.id), ["a"]);
  // A failing insert inside replaceChannels (duplicate id) keeps the old lineup.
  throws(() => store.replaceChannels([channel("x", "1"), channel("x", "2")]));
  deepEqual(store.allChannels().map((c) => c.id), ["a"]);
  equal(store.transaction(() => 42), 42);
  store.close();
});

Deno.test("BridgeStore mappings survive a refresh and feed buildLineup()", async () => {
  await withStore(async (path) => {
    const text = await Deno.readTextFile(new URL("provider.m3u", FIXTURES));
    const entries = parseM3u(text, { sourceId: "prov" }).entries;
    const store = new BridgeStore(path);
    const first = buildLineup([{ sourceId: "prov", entries }]).channels;
    store.replaceChannels(first);
    const cnn = first.find((c) => c.tvgId === "cnn.us")!;
    const arte = first.find((c) => c.tvgId === "arte.fr")!;
    store.setMapping({
      channelId: cnn.id,
      guideNumber: "500",
      name: "CNN Intl",
    });
    store.setMapping({ channelId: arte.id, enabled: false });
    store.setMapping({ channelId: arte.id, enabled: false }); // replaces
    store.close();

    const reopened = new BridgeStore(path);
    equal(reopened.mappings().length, 2);
    const refreshed = buildLineup([{ sourceId: "prov", entries }], {
      mappings: reopened.mappings(),
      previous: reopened.allChannels(),
    });
    reopened.replaceChannels(refreshed.channels);
    equal(reopened.byGuideNumber("500")?.name, "CNN Intl");
    equal(reopened.byId(arte.id), undefined);
    equal(reopened.allChannels().find((c) => c.id === arte.id)?.enabled, false);
    // A mapping that changes nothing is removed.
    reopened.setMapping({ channelId: arte.id });
    equal(reopened.mappings().length, 1);
    equal(reopened.deleteMapping(cnn.id), true);
    equal(reopened.deleteMapping(cnn.id), false);
    reopened.close();
  });
});

Deno.test("BridgeStore.replaceGuide() replaces one source's guide and guide() reads it back", async () => {
  const store = new BridgeStore(":memory:");
  const parsed = await parseXmltv(
    ReadableStream.from([await Deno.readFile(new URL("guide.xml", FIXTURES))]),
  );
  equal(store.replaceGuide("fixture", parsed), 5);
  store.replaceGuide("other", {
    programmes: new Map([["bbc1.uk", [programme("bbc1.uk", 0, 30, "Other")]]]),
  });
  const back = store.guide("fixture");
  deepEqual(back.channels, parsed.channels);
  deepEqual(back.programmes, parsed.programmes);
  // The stored guide merges like the parsed one.
  const lineup = [{ ...channel("x", "101"), tvgId: "bbc1.uk" }];
  deepEqual(mergeGuide(lineup, [back]), mergeGuide(lineup, [parsed]));
  // A refresh replaces only that source.
  store.replaceGuide("fixture", {
    programmes: new Map([["a", [programme("a", 10, 20, "New")]]]),
  });
  deepEqual([...store.guide("fixture").programmes.keys()], ["a"]);
  equal(store.guide("fixture").channels.length, 0);
  equal(store.guide("other").programmes.get("bbc1.uk")![0].title, "Other");
  // A failure while writing keeps the previous guide.
  const broken = new Map([["a", [programme("a", 0, 5, "Half")]]]);
  (broken as Map<string, unknown>).set("b", [{ channel: "b", start: 0 }]); // no title
  throws(() => store.replaceGuide("fixture", { programmes: broken }));
  equal(store.guide("fixture").programmes.get("a")![0].title, "New");
  store.close();
});

Deno.test("BridgeStore.guide() windows and pruneProgrammes() deletes ended ones", () => {
  const store = new BridgeStore(":memory:");
  store.replaceGuide("g", {
    programmes: new Map([[
      "a",
      [
        programme("a", 0, 30, "ended"),
        programme("a", 30, 60, "current"),
        programme("a", 60, undefined, "open-ended"),
        programme("a", 120, 150, "later"),
      ],
    ]]),
  });
  const titles = (q: { fromMs?: number; toMs?: number }) =>
    store.guide("g", q).programmes.get("a")?.map((p) => p.title) ?? [];
  deepEqual(titles({ fromMs: 30 * 60_000 }), [
    "current",
    "open-ended",
    "later",
  ]);
  deepEqual(titles({ fromMs: 40 * 60_000, toMs: 120 * 60_000 }), [
    "current",
    "open-ended",
  ]);
  equal(store.pruneProgrammes(30 * 60_000), 1);
  deepEqual(titles({}), ["current", "open-ended", "later"]);
  store.close();
});

Deno.test("BridgeStore.recordSession() keeps the newest maxSessionHistory rows", () => {
  const store = new BridgeStore(":memory:", { maxSessionHistory: 3 });
  for (let i = 1; i <= 7; i++) {
    store.recordSession({
      channelId: `ch${i}`,
      guideNumber: String(i),
      client: "192.0.2.1",
      userAgent: "Lavf/60".padEnd(2000, "x"),
      startedAt: i * 1000,
      endedAt: i * 1000 + 500,
      bytes: i * 100,
      endReason: "client_disconnect",
    });
  }
  const history = store.sessionHistory();
  deepEqual(history.map((s) => s.channelId), ["ch7", "ch6", "ch5"]);
  equal(history[0].bytes, 700);
  equal(history[0].endedAt, 7500);
  equal(history[0].userAgent!.length, 512);
  deepEqual(store.sessionHistory(1).map((s) => s.id), [7]);
  store.recordSession({ startedAt: 1 });
  deepEqual(store.sessionHistory()[0], { id: 8, startedAt: 1, bytes: 0 });
  store.close();
});
