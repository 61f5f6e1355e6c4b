import { deepEqual, equal } from "node:assert/strict";
import {
  parseExtinf,
  parseM3uAttributes,
} from "../../lib/bridge/m3u/extinf.ts";

Deno.test("parseExtinf() keeps commas inside quoted values", () => {
  const line = parseExtinf(
    '#EXTINF:-1 tvg-id="cnn.us" group-title="News, US",CNN International',
  );
  deepEqual(line.attributes, { "tvg-id": "cnn.us", "group-title": "News, US" });
  equal(line.name, "CNN International");
  equal(line.duration, -1);
});

Deno.test("parseExtinf() lower-cases keys and keeps the first of duplicates", () => {
  const line = parseExtinf('#EXTINF:-1 TVG-ID="a" tvg-id="b" Tvg-Logo=x,N');
  deepEqual(line.attributes, { "tvg-id": "a", "tvg-logo": "x" });
});

Deno.test("parseExtinf() reads unquoted, single-quoted and adjacent values", () => {
  deepEqual(
    parseExtinf("#EXTINF:0 tvg-chno=7 tvg-id='x y' group-title=Culture,Arte"),
    {
      duration: 0,
      attributes: {
        "tvg-chno": "7",
        "tvg-id": "x y",
        "group-title": "Culture",
      },
      name: "Arte",
    },
  );
  deepEqual(
    parseExtinf('#EXTINF:-1 tvg-id="a"tvg-name="b",c').attributes,
    { "tvg-id": "a", "tvg-name": "b" },
  );
  // An unquoted value ends at a comma: the name follows.
  deepEqual(parseExtinf("#EXTINF:-1 tvg-chno=5,Five"), {
    duration: -1,
    attributes: { "tvg-chno": "5" },
    name: "Five",
  });
});

Deno.test('parseExtinf() unescapes \\" and keeps inner quotes', () => {
  equal(
    parseExtinf('#EXTINF:-1 tvg-name="MTV \\"Live\\"",MTV').attributes[
      "tvg-name"
    ],
    'MTV "Live"',
  );
  equal(
    parseExtinf('#EXTINF:-1 tvg-name="Rock"n"Roll",R').attributes["tvg-name"],
    'Rock"n"Roll',
  );
});

Deno.test("parseExtinf() tolerates a missing closing quote", () => {
  deepEqual(parseExtinf('#EXTINF:-1 tvg-id="abc tvg-name="X",Name'), {
    duration: -1,
    attributes: { "tvg-id": "abc", "tvg-name": "X" },
    name: "Name",
  });
  deepEqual(parseExtinf('#EXTINF:-1 group-title="News,Channel'), {
    duration: -1,
    attributes: { "group-title": "News" },
    name: "Channel",
  });
  deepEqual(parseExtinf('#EXTINF:-1 tvg-id="unterminated'), {
    duration: -1,
    attributes: { "tvg-id": "unterminated" },
    name: "",
  });
});

Deno.test("parseExtinf() takes the name after the attributes, commas included", () => {
  equal(
    parseExtinf('#EXTINF:-1 tvg-id="x",Channel 4, HD').name,
    "Channel 4, HD",
  );
  equal(parseExtinf("#EXTINF:-1,Plain, name").name, "Plain, name");
  equal(parseExtinf("#EXTINF:10.5,Artist - Title").duration, 10.5);
  // No comma at all: the loose words are the name.
  equal(parseExtinf('#EXTINF:-1 tvg-id="a" Some Name').name, "Some Name");
  equal(parseExtinf("#EXTINF:").name, "");
  equal(parseExtinf("#EXTINF:abc,N").duration, -1);
});

Deno.test("parseExtinf() ignores __proto__ and bounds the attribute count", () => {
  const line = parseExtinf('#EXTINF:-1 __proto__="x" constructor="y",n');
  deepEqual(Object.keys(line.attributes), ["constructor"]);
  equal(Object.getPrototypeOf(line.attributes), Object.prototype);
  const many = Array.from({ length: 100 }, (_, i) => `k${i}="${i}"`).join(" ");
  equal(
    Object.keys(
      parseExtinf(`#EXTINF:-1 ${many},N`, { maxAttributes: 10 })
        .attributes,
    ).length,
    10,
  );
});

Deno.test("parseM3uAttributes() reads an #EXTM3U header", () => {
  deepEqual(
    parseM3uAttributes(
      ' url-tvg="http://a.example/g.xml,http://b.example/g.xml" refresh=3600',
    ),
    {
      "url-tvg": "http://a.example/g.xml,http://b.example/g.xml",
      refresh: "3600",
    },
  );
});
