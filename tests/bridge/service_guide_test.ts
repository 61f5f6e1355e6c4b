/**
 * BridgeService's guide: a gzip XMLTV file imported in the background into
 * the store and served as `/xmltv.xml` (and its aliases) keyed by
 * GuideNumber, with every enabled channel.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import { parse } from "../../lib/core/config/schema.ts";
import { bridgeConfigSchema } from "../../lib/bridge/config.ts";
import { BridgeService } from "../../lib/bridge/service.ts";
import { formatXmltvTime } from "../../lib/bridge/xmltv/xmltv_time.ts";
import { parseXmltv } from "../../lib/bridge/xmltv/xmltv_parser.ts";

const quiet = () => new Logger({ sink: () => {} });

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function setup(options: { placeholders?: boolean } = {}) {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/tv.m3u`,
    [
      "#EXTM3U",
      '#EXTINF:-1 tvg-id="news.example" tvg-chno="5",News',
      "http://192.0.2.1/news.ts",
      '#EXTINF:-1 tvg-id="Sport.Example" tvg-chno="6",Sport',
      "http://192.0.2.1/sport.ts",
      '#EXTINF:-1 tvg-chno="7",Movies',
      "http://192.0.2.1/movies.ts",
      '#EXTINF:-1 tvg-id="gone.example" tvg-chno="8",Gone',
      "http://192.0.2.1/gone.ts",
      "",
    ].join("\n"),
  );
  const hour = 3_600_000;
  const now = Math.floor(Date.now() / hour) * hour;
  const programme = (channel: string, start: number, title: string) =>
    `<programme start="${formatXmltvTime(start)}" stop="${
      formatXmltvTime(start + hour)
    }" channel="${channel}"><title>${title}</title></programme>`;
  const xml = `<?xml version="1.0"?>
<tv>
  <channel id="news.example"><display-name>News</display-name></channel>
  <channel id="sport.example"><display-name>Sport</display-name></channel>
  <channel id="gone.example"><display-name>Gone</display-name></channel>
  ${programme("news.example", now - 5 * hour, "Long Ago")}
  ${programme("news.example", now, "Morning &amp; News")}
  ${programme("news.example", now + hour, "Weather")}
  ${programme("sport.example", now, "Match")}
  ${programme("gone.example", now, "Hidden")}
</tv>
`;
  await Deno.writeFile(`${dir}/guide.xml.gz`, await gzip(xml));
  const config = parse(bridgeConfigSchema, {
    bind: "127.0.0.1",
    port: 0,
    ssdp: false,
    data_dir: `${dir}/data`,
    placeholder_guide: options.placeholders ?? true,
    playlists: [{ url: `${dir}/tv.m3u` }],
    epg: [{ url: `${dir}/guide.xml.gz` }],
  });
  const service = await BridgeService.start(config, { logger: quiet() });
  const base = `http://127.0.0.1:${service.server.addr.port}`;
  return {
    service,
    base,
    async close() {
      await service.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("BridgeService serves /xmltv.xml keyed by GuideNumber from a gzip XMLTV file", async () => {
  const { service, base, close } = await setup();
  try {
    // Disable "Gone" through the API: it leaves the lineup and the guide.
    const gone = service.lineup.all().find((c) => c.name === "Gone")!;
    const patch = await fetch(`${base}/api/channels/${gone.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ enabled: false }),
    });
    equal(patch.status, 200);
    await patch.body?.cancel();
    await service.guideImported;
    equal(service.guideStats.ok, 1);
    const response = await fetch(`${base}/xmltv.xml`);
    equal(response.status, 200);
    ok(response.headers.get("content-type")!.startsWith("application/xml"));
    const text = await response.text();
    const guide = await parseXmltv(new Blob([text]).stream());
    // Every enabled channel, by GuideNumber, and nothing else.
    deepEqual(guide.channels.map((c) => c.id), ["5", "6", "7"]);
    deepEqual(guide.channels[0].displayNames, ["News", "5"]);
    // Programmes from the file, matched by tvg-id (case-insensitively),
    // past ones left out; "Movies" has no guide data: placeholders.
    deepEqual(guide.programmes.get("5")!.map((p) => p.title), [
      "Morning & News",
      "Weather",
    ]);
    deepEqual(guide.programmes.get("6")!.map((p) => p.title), ["Match"]);
    ok(guide.programmes.get("7")!.every((p) => p.title === "Movies"));
    ok(!text.includes("Hidden"));
    ok(!text.includes("Long Ago"));
    // The aliases serve the same document; HEAD has no body.
    for (const alias of ["/epg.xml", "/guide.xml"]) {
      equal(await (await fetch(`${base}${alias}`)).text(), text);
    }
    const head = await fetch(`${base}/xmltv.xml`, { method: "HEAD" });
    equal(head.status, 200);
    equal(await head.text(), "");
    const post = await fetch(`${base}/xmltv.xml`, { method: "POST" });
    equal(post.status, 405);
    await post.body?.cancel();
    // The import figures are on /metrics.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    ok(/^shack_bridge_epg_refreshes_total\{result="ok"\} 1$/m.test(metrics));
    ok(/^shack_bridge_epg_imported_programmes [1-9]/m.test(metrics), metrics);
    // The source's refresh is recorded in the store (and /api/sources).
    const sources = await (await fetch(`${base}/api/sources`)).json();
    const epg = sources.sources.find((s: { kind: string }) =>
      s.kind === "xmltv"
    );
    ok(epg.lastSuccessAt > 0, JSON.stringify(epg));
  } finally {
    await close();
  }
});

Deno.test("BridgeService leaves channels without guide data out of the programmes when placeholders are off", async () => {
  const { service, base, close } = await setup({ placeholders: false });
  try {
    await service.guideImported;
    const text = await (await fetch(`${base}/xmltv.xml`)).text();
    const guide = await parseXmltv(new Blob([text]).stream());
    deepEqual(guide.channels.map((c) => c.id), ["5", "6", "7", "8"]);
    equal(guide.programmes.get("7"), undefined);
    deepEqual(guide.programmes.get("8")!.map((p) => p.title), ["Hidden"]);
  } finally {
    await close();
  }
});
