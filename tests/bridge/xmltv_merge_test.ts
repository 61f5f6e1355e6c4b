import { deepEqual, equal } from "node:assert/strict";
import type { Channel } from "../../lib/bridge/channel.ts";
import { Lineup } from "../../lib/bridge/lineup/lineup.ts";
import { mergeGuide } from "../../lib/bridge/xmltv/merge_guide.ts";
import type { XmltvProgramme } from "../../lib/bridge/xmltv/xmltv_guide.ts";
import { parseXmltv } from "../../lib/bridge/xmltv/xmltv_parser.ts";

const GUIDE = new URL("./fixtures/guide.xml", import.meta.url);

function channel(
  guideNumber: string,
  name: string,
  tvgId?: string,
  enabled = true,
): Channel {
  const c: Channel = {
    id: `id-${guideNumber}`,
    guideNumber,
    name,
    url: `http://a/${guideNumber}`,
    enabled,
    headers: {},
  };
  if (tvgId !== undefined) c.tvgId = tvgId;
  return c;
}

function show(
  ch: string,
  startHour: number,
  title: string,
  stopHour?: number,
): XmltvProgramme {
  const p: XmltvProgramme = {
    channel: ch,
    start: Date.UTC(2024, 0, 1, startHour),
    title,
    categories: [],
    episodeNums: [],
  };
  if (stopHour !== undefined) p.stop = Date.UTC(2024, 0, 1, stopHour);
  return p;
}

Deno.test("mergeGuide() keys the fixture guide by GuideNumber", async () => {
  const guide = await parseXmltv(
    ReadableStream.from([await Deno.readFile(GUIDE)]),
  );
  const lineup = new Lineup([
    channel("101", "BBC One HD", "bbc1.uk"),
    channel("102", "CNN", "cnn.us"), // case differs from the guide's CNN.us
    channel("103", "Arte"), // no tvg-id: matched by display name "ARTE"
    channel("104", "No guide", "missing.id"),
    channel("105", "Disabled", "bbc1.uk", false),
  ]);
  const merged = mergeGuide(lineup, [guide]);
  deepEqual([...merged.keys()], ["101", "102", "103"]);
  deepEqual(merged.get("101")!.map((p) => [p.channel, p.title]), [
    ["101", "BBC News at Six"],
    ["101", "EastEnders"],
  ]);
  // The stop of "Newsroom" is filled from the next programme's start.
  const cnn = merged.get("102")!;
  equal(cnn[0].stop, cnn[1].start);
  equal(merged.get("103")![0].title, "Le Documentaire");
  // Without name matching, Arte has no guide data.
  equal(mergeGuide(lineup, [guide], { matchByName: false }).has("103"), false);
  // The guide itself is not modified.
  equal(guide.programmes.get("bbc1.uk")![0].channel, "bbc1.uk");
  equal(guide.programmes.get("CNN.us")![0].stop, undefined);
});

Deno.test("mergeGuide() takes a channel's programmes from the first guide that has them", () => {
  const first = {
    programmes: new Map([["a", [show("a", 1, "first guide", 2)]]]),
  };
  const second = {
    programmes: new Map([
      ["a", [show("a", 1, "second guide", 2), show("a", 3, "also second")]],
      ["b", [show("b", 1, "only in second", 2)]],
    ]),
  };
  const merged = mergeGuide(
    [channel("1", "A", "a"), channel("2", "B", "b")],
    [first, second],
  );
  deepEqual(merged.get("1")!.map((p) => p.title), ["first guide"]);
  deepEqual(merged.get("2")!.map((p) => p.title), ["only in second"]);
});

Deno.test("mergeGuide() sorts, drops repeated starts and lets channels share a tvg-id", () => {
  const guide = {
    programmes: new Map([[
      "a",
      [
        show("a", 3, "third"),
        show("a", 1, "first"),
        show("a", 1, "dup"),
        show("a", 2, "second"),
      ],
    ]]),
  };
  const merged = mergeGuide(
    [channel("1", "A HD", "a"), channel("2", "A SD", "a")],
    [guide],
  );
  for (const number of ["1", "2"]) {
    deepEqual(
      merged.get(number)!.map((p) => [p.title, p.channel, p.stop]),
      [
        ["first", number, Date.UTC(2024, 0, 1, 2)],
        ["second", number, Date.UTC(2024, 0, 1, 3)],
        ["third", number, undefined],
      ],
    );
  }
});
