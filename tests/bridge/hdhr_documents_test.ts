import { deepEqual, equal, match, ok } from "node:assert/strict";
import { hdhrDevice } from "../../lib/bridge/hdhr/device.ts";
import { discoverJson } from "../../lib/bridge/hdhr/discover_json.ts";
import {
  lineupJson,
  lineupM3u,
  lineupXml,
} from "../../lib/bridge/hdhr/lineup_formats.ts";
import { lineupStatusJson } from "../../lib/bridge/hdhr/lineup_status.ts";
import { deviceXml } from "../../lib/bridge/hdhr/device_xml.ts";
import { deviceUuid } from "../../lib/bridge/hdhr/device_id.ts";
import { escapeXml } from "../../lib/bridge/hdhr/xml_escape.ts";
import type { Channel } from "../../lib/bridge/channel.ts";
import { testChannel } from "./_fake_upstream.ts";

const device = hdhrDevice({
  deviceId: "12345674",
  tunerCount: 3,
  friendlyName: "Shack <TV> & Co",
});
const base = "http://192.0.2.5:5004";
const channels: Channel[] = [
  testChannel("http://u/1.ts", {
    id: "a",
    guideNumber: "101",
    name: "BBC One",
    hd: true,
  }),
  testChannel("http://u/2.ts", {
    id: "b",
    guideNumber: "5.1",
    name: 'News "24" <live> & more',
    logo: "http://logo/x.png",
    group: "News",
  }),
];

Deno.test("discoverJson() has every field Plex and Jellyfin read, TunerCount as a number", () => {
  deepEqual(discoverJson(device, base), {
    FriendlyName: "Shack <TV> & Co",
    Manufacturer: "Silicondust",
    ModelNumber: "HDTC-2US",
    FirmwareName: "hdhomeruntc_atsc",
    FirmwareVersion: "20150826",
    DeviceID: "12345674",
    DeviceAuth: "shackbridge",
    BaseURL: base,
    LineupURL: `${base}/lineup.json`,
    TunerCount: 3,
  });
});

Deno.test("lineupJson() lists GuideNumber, GuideName, URL and HD only for HD channels", () => {
  deepEqual(lineupJson(channels, base), [
    {
      GuideNumber: "101",
      GuideName: "BBC One",
      URL: `${base}/auto/v101`,
      HD: 1,
    },
    {
      GuideNumber: "5.1",
      GuideName: 'News "24" <live> & more',
      URL: `${base}/auto/v5.1`,
    },
  ]);
});

Deno.test("lineupXml() escapes names and follows SiliconDust's Lineup/Program layout", () => {
  const xml = lineupXml(channels, base);
  match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Lineup>\n/);
  match(
    xml,
    /<Program><GuideNumber>101<\/GuideNumber><GuideName>BBC One<\/GuideName><HD>1<\/HD><URL>http:\/\/192\.0\.2\.5:5004\/auto\/v101<\/URL><\/Program>/,
  );
  ok(
    xml.includes(
      "<GuideName>News &quot;24&quot; &lt;live&gt; &amp; more</GuideName>",
    ),
  );
  ok(!xml.includes("<live>"));
  equal(xml.match(/<Program>/g)?.length, 2);
});

Deno.test("lineupM3u() writes one EXTINF per channel with tvg-id = GuideNumber", () => {
  const m3u = lineupM3u(channels, base).split("\n");
  equal(m3u[0], "#EXTM3U");
  equal(
    m3u[1],
    '#EXTINF:-1 channel-id="101" channel-number="101" tvg-id="101" tvg-chno="101" tvg-name="BBC One",101 BBC One',
  );
  equal(m3u[2], `${base}/auto/v101`);
  equal(
    m3u[3],
    '#EXTINF:-1 channel-id="5.1" channel-number="5.1" tvg-id="5.1" tvg-chno="5.1" tvg-name="News  24  <live> & more" tvg-logo="http://logo/x.png" group-title="News",5.1 News "24" <live> & more',
  );
  equal(m3u[4], `${base}/auto/v5.1`);
  equal(lineupM3u([], base), "#EXTM3U\n");
});

Deno.test("lineupM3u() and lineupXml() keep a hostile name on its own line", () => {
  const evil = testChannel("http://u/", {
    guideNumber: "9",
    name: "Evil\r\n#EXTINF:-1,Injected\nhttp://attacker/",
  });
  const m3u = lineupM3u([evil], base);
  equal(m3u.split("\n").length, 4); // header, EXTINF, URL, trailing ""
  ok(!m3u.includes("\nhttp://attacker/"));
  ok(!m3u.includes("\n#EXTINF:-1,Injected"));
});

Deno.test("lineupStatusJson() says no scan is running and a scan is possible", () => {
  deepEqual(lineupStatusJson("Antenna"), {
    ScanInProgress: 0,
    ScanPossible: 1,
    Source: "Antenna",
    SourceList: ["Antenna"],
  });
});

Deno.test("deviceXml() is a MediaServer:1 whose UDN and serial match the DeviceID", () => {
  const xml = deviceXml(device, base);
  match(xml, /<root xmlns="urn:schemas-upnp-org:device-1-0">/);
  match(
    xml,
    /<deviceType>urn:schemas-upnp-org:device:MediaServer:1<\/deviceType>/,
  );
  ok(xml.includes(`<UDN>uuid:${deviceUuid("12345674")}</UDN>`));
  ok(xml.includes("<serialNumber>12345674</serialNumber>"));
  ok(xml.includes("<friendlyName>Shack &lt;TV&gt; &amp; Co</friendlyName>"));
  ok(xml.includes(`<URLBase>${base}</URLBase>`));
  // Every opened element is closed (a crude well-formedness check).
  const opens = xml.match(/<([a-zA-Z]+)[ >]/g)!.map((t) => t.slice(1, -1));
  for (const name of opens) ok(xml.includes(`</${name}>`), name);
});

Deno.test("escapeXml() removes characters XML 1.0 forbids", () => {
  equal(escapeXml("a\u0000b\u0007c\td\ne\u001ff"), "abc\td\nef");
  equal(escapeXml("'"), "&apos;");
});
