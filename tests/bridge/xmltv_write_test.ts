import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import type { Channel } from "../../lib/bridge/channel.ts";
import { Lineup } from "../../lib/bridge/lineup/lineup.ts";
import { mergeGuide } from "../../lib/bridge/xmltv/merge_guide.ts";
import { parseXmltv } from "../../lib/bridge/xmltv/xmltv_parser.ts";
import { writeXmltv, xmltvChunks } from "../../lib/bridge/xmltv/write_xmltv.ts";

const GUIDE = new URL("./fixtures/guide.xml", import.meta.url);
const NOW = Date.UTC(2024, 2, 1, 18, 40);

function channel(
  guideNumber: string,
  name: string,
  extra: Partial<Channel> = {},
): Channel {
  return {
    id: `id-${guideNumber}`,
    guideNumber,
    name,
    url: `http://a/${guideNumber}`,
    enabled: true,
    headers: {},
    ...extra,
  };
}

async function fixtureLineup() {
  const guide = await parseXmltv(
    ReadableStream.from([await Deno.readFile(GUIDE)]),
  );
  const lineup = new Lineup([
    channel("101", "BBC One", {
      tvgId: "bbc1.uk",
      logo: "http://logo/b1.png?a=1&b=2",
    }),
    channel("5.1", "CNN <US>", { tvgId: "CNN.us" }),
    channel("200", "No guide & co"),
    channel("300", "Hidden", { enabled: false, tvgId: "arte.fr" }),
  ]);
  return { guide, lineup, merged: mergeGuide(lineup, [guide]) };
}

Deno.test("writeXmltv() writes every enabled channel with GuideNumbers as ids", async () => {
  const { lineup, merged } = await fixtureLineup();
  const xml = writeXmltv(lineup, merged, { now: () => NOW });
  const ids = [...xml.matchAll(/<channel id="([^"]+)">/g)].map((m) => m[1]);
  deepEqual(ids, ["5.1", "101", "200"]);
  match(
    xml,
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<!DOCTYPE tv SYSTEM "xmltv\.dtd">\n<tv generator-info-name="shack">\n/,
  );
  match(
    xml,
    /<channel id="101">\n {4}<display-name>BBC One<\/display-name>\n {4}<display-name>101<\/display-name>\n {4}<icon src="http:\/\/logo\/b1\.png\?a=1&amp;b=2"\/>\n {2}<\/channel>/,
  );
  match(xml, /<display-name>CNN &lt;US&gt;<\/display-name>/);
  // Every programme's channel is a GuideNumber of the lineup.
  const programmeChannels = new Set(
    [...xml.matchAll(/<programme [^>]*channel="([^"]+)"/g)].map((m) => m[1]),
  );
  deepEqual([...programmeChannels].sort(), ["101", "200", "5.1"]);
  ok(!xml.includes("Hidden") && !xml.includes("Le Documentaire"));
  ok(xml.endsWith("</tv>\n"));
});

Deno.test("writeXmltv() output parses back to the same programmes", async () => {
  const { lineup, merged } = await fixtureLineup();
  const xml = writeXmltv(lineup, merged, { placeholders: false });
  const back = await parseXmltv(
    ReadableStream.from([new TextEncoder().encode(xml)]),
  );
  deepEqual(
    back.programmes,
    new Map([...merged].sort(([a], [b]) => a < b ? -1 : 1)),
  );
  deepEqual(back.channels.map((c) => [c.id, c.displayNames]), [
    ["5.1", ["CNN <US>", "5.1"]],
    ["101", ["BBC One", "101"]],
    ["200", ["No guide & co", "200"]],
  ]);
});

Deno.test("writeXmltv() fills channels without guide data with placeholder blocks", async () => {
  const { lineup, merged } = await fixtureLineup();
  const blocks = (xml: string) =>
    [...xml.matchAll(
      /<programme start="(\d+) \+0000" stop="(\d+) \+0000" channel="200">\n {4}<title>No guide &amp; co<\/title>/g,
    )]
      .map((m) => [m[1], m[2]]);
  const hourly = blocks(writeXmltv(lineup, merged, {
    now: () => NOW,
    placeholders: { hours: 3 },
  }));
  deepEqual(hourly, [
    ["20240301180000", "20240301190000"],
    ["20240301190000", "20240301200000"],
    ["20240301200000", "20240301210000"],
  ]);
  equal(blocks(writeXmltv(lineup, merged, { now: () => NOW })).length, 48);
  equal(
    blocks(writeXmltv(lineup, merged, {
      now: () => NOW,
      placeholders: { hours: 1, blockMinutes: 30 },
    })).length,
    2,
  );
  equal(blocks(writeXmltv(lineup, merged, { placeholders: false })).length, 0);
  throws(
    () => writeXmltv(lineup, merged, { placeholders: { hours: 0 } }),
    RangeError,
  );
});

Deno.test("writeXmltv() leaves out ended programmes and then uses placeholders", async () => {
  const { lineup, merged } = await fixtureLineup();
  const xml = writeXmltv(lineup, merged, {
    fromMs: Date.UTC(2024, 2, 1, 18, 30), // BBC News at Six ended
    now: () => NOW,
    placeholders: { hours: 1 },
  });
  ok(!xml.includes("BBC News at Six"));
  match(xml, /<title>EastEnders<\/title>/);
  const late = writeXmltv(lineup, merged, {
    fromMs: Date.UTC(2030, 0, 1),
    now: () => NOW,
    placeholders: { hours: 1 },
  });
  match(late, /channel="101">\n {4}<title>BBC One<\/title>/);
});

Deno.test("xmltvChunks() streams the same document writeXmltv() returns", async () => {
  const { lineup, merged } = await fixtureLineup();
  const options = { now: () => NOW };
  const body = ReadableStream.from(xmltvChunks(lineup, merged, options))
    .pipeThrough(new TextEncoderStream());
  equal(await new Response(body).text(), writeXmltv(lineup, merged, options));
  // A plain channel array works too (disabled ones are left out).
  const fromArray = writeXmltv(lineup.all(), merged, options);
  equal(fromArray, writeXmltv(lineup, merged, options));
});
