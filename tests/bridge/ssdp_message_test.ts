import { deepEqual, equal, ok } from "node:assert/strict";
import {
  matchSearch,
  notifyMessage,
  parseSsdpRequest,
  searchResponse,
  ssdpTargets,
} from "../../lib/bridge/ssdp/ssdp_message.ts";

const UUID = "10101010-0000-8000-8000-000010101010";
const search = (st: string, extra = "") =>
  parseSsdpRequest(
    `M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ${st}\r\n${extra}\r\n`,
  )!;

Deno.test("parseSsdpRequest() reads headers case-insensitively, with CRLF or LF", () => {
  const request = parseSsdpRequest(
    'M-SEARCH * HTTP/1.1\nhost: 239.255.255.250:1900\nMan: "ssdp:discover"\nst:   upnp:rootdevice  \n\n',
  )!;
  equal(request.method, "M-SEARCH");
  equal(request.headers.get("st"), "upnp:rootdevice");
  equal(request.headers.get("man"), '"ssdp:discover"');
});

Deno.test("parseSsdpRequest() refuses what is not an SSDP request", () => {
  for (
    const text of [
      "",
      "HTTP/1.1 200 OK\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",
      "M-SEARCH * HTTP/2\r\n\r\n",
      "M-SEARCH * HTTP/1.1\r\nno colon here\r\n\r\n",
      "M-SEARCH * HTTP/1.1\r\n" + "X: y\r\n".repeat(41) + "\r\n",
      "M-SEARCH * HTTP/1.1\r\nX: " + "y".repeat(3000) + "\r\n\r\n",
    ]
  ) {
    equal(parseSsdpRequest(text), undefined, JSON.stringify(text.slice(0, 40)));
  }
});

Deno.test("matchSearch() answers ssdp:all, rootdevice, uuid and MediaServer:1 with the right USN", () => {
  deepEqual(
    matchSearch(search("ssdp:all"), UUID).map((t) => t.usn),
    [
      `uuid:${UUID}::upnp:rootdevice`,
      `uuid:${UUID}`,
      `uuid:${UUID}::urn:schemas-upnp-org:device:MediaServer:1`,
      `uuid:${UUID}::urn:silicondust-com:device:HDHomeRun:1`,
    ],
  );
  deepEqual(matchSearch(search(`uuid:${UUID}`), UUID), [ssdpTargets(UUID)[1]]);
  deepEqual(
    matchSearch(search("urn:schemas-upnp-org:device:MediaServer:1"), UUID)
      .map((t) => t.target),
    ["urn:schemas-upnp-org:device:MediaServer:1"],
  );
  equal(matchSearch(search("uuid:someone-else"), UUID).length, 0);
  equal(
    matchSearch(search("urn:schemas-upnp-org:device:MediaRenderer:1"), UUID)
      .length,
    0,
  );
});

Deno.test("matchSearch() requires MAN ssdp:discover and ST on an M-SEARCH", () => {
  const noMan = parseSsdpRequest(
    "M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n",
  )!;
  equal(matchSearch(noMan, UUID).length, 0);
  const wrongMan = parseSsdpRequest(
    'M-SEARCH * HTTP/1.1\r\nMAN: "ssdp:other"\r\nST: ssdp:all\r\n\r\n',
  )!;
  equal(matchSearch(wrongMan, UUID).length, 0);
  const noSt = parseSsdpRequest(
    'M-SEARCH * HTTP/1.1\r\nMAN: "ssdp:discover"\r\n\r\n',
  )!;
  equal(matchSearch(noSt, UUID).length, 0);
  const notify = parseSsdpRequest(
    'NOTIFY * HTTP/1.1\r\nMAN: "ssdp:discover"\r\nST: ssdp:all\r\n\r\n',
  )!;
  equal(matchSearch(notify, UUID).length, 0);
  // Unicast M-SEARCH (no MX) is valid.
  const unicast = parseSsdpRequest(
    'M-SEARCH * HTTP/1.1\r\nHOST: 192.0.2.5:1900\r\nMAN: "ssdp:discover"\r\nST: upnp:rootdevice\r\n\r\n',
  )!;
  equal(matchSearch(unicast, UUID).length, 1);
});

const advert = {
  target: "upnp:rootdevice",
  usn: `uuid:${UUID}::upnp:rootdevice`,
  location: "http://192.0.2.5:5004/device.xml",
  maxAgeSeconds: 1800,
  server: "Linux UPnP/1.0 shack-bridge/0.1.0",
};

Deno.test("searchResponse() writes a complete 200 OK with the UPnP headers", () => {
  equal(
    searchResponse(advert, new Date(Date.UTC(2026, 0, 2, 3, 4, 5))),
    "HTTP/1.1 200 OK\r\n" +
      "CACHE-CONTROL: max-age=1800\r\n" +
      "DATE: Fri, 02 Jan 2026 03:04:05 GMT\r\n" +
      "EXT:\r\n" +
      "LOCATION: http://192.0.2.5:5004/device.xml\r\n" +
      "SERVER: Linux UPnP/1.0 shack-bridge/0.1.0\r\n" +
      "ST: upnp:rootdevice\r\n" +
      `USN: uuid:${UUID}::upnp:rootdevice\r\n` +
      "\r\n",
  );
});

Deno.test("notifyMessage() writes alive with LOCATION and byebye without", () => {
  const alive = notifyMessage(advert, "alive", "239.255.255.250:1900");
  ok(alive.startsWith("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"));
  ok(alive.includes("\r\nNTS: ssdp:alive\r\n"));
  ok(alive.includes("\r\nNT: upnp:rootdevice\r\n"));
  ok(alive.includes("\r\nLOCATION: http://192.0.2.5:5004/device.xml\r\n"));
  ok(alive.includes("\r\nCACHE-CONTROL: max-age=1800\r\n"));
  ok(alive.endsWith("\r\n\r\n"));
  const byebye = notifyMessage(advert, "byebye", "239.255.255.250:1900");
  ok(byebye.includes("\r\nNTS: ssdp:byebye\r\n"));
  ok(!byebye.includes("LOCATION"));
  // Both parse back as SSDP requests.
  equal(parseSsdpRequest(alive)?.headers.get("usn"), advert.usn);
  equal(parseSsdpRequest(byebye)?.method, "NOTIFY");
});
