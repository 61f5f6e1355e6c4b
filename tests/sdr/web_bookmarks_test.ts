// The web client's bookmarks and server markers, against the server's
// markers.json reader.
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  addBookmark,
  MAX_BOOKMARKS,
  MAX_NAME_LENGTH,
  mergeBookmarks,
  parseBookmarks,
  removeBookmark,
  serializeBookmarks,
} from "../../lib/sdr/web/bookmarks.js";
import { markersJson, parseMarkers } from "../../lib/sdr/config/markers.ts";

Deno.test("parseBookmarks() reads the server's markers string", () => {
  const parsed = parseMarkers(JSON.stringify({
    markers: [
      { frequency: 7_074_000, name: "FT8", mode: "USB" },
      { frequency: 7_350_000, name: "<b>AM</b>", mode: "am" },
      { frequency: 7_030_000, name: "QRP", mode: "CW" },
    ],
  }));
  const { bookmarks, skipped } = parseBookmarks(markersJson(parsed.markers));
  equal(skipped, 0);
  deepEqual(bookmarks, [
    { frequency: 7_074_000, name: "FT8", mode: "USB" },
    { frequency: 7_350_000, name: "<b>AM</b>", mode: "AM" },
    { frequency: 7_030_000, name: "QRP", mode: "CW" },
  ]);
});

Deno.test("parseBookmarks() checks entries and bounds the list", () => {
  const { bookmarks, skipped } = parseBookmarks(JSON.stringify([
    { frequency: "7100000", name: 5, mode: "weird" },
    { frequency: -1 },
    { frequency: Infinity },
    null,
    "x",
    { frequency: 1e13 },
    { frequency: 10, name: "n".repeat(500), mode: "lsb" },
  ]));
  deepEqual(bookmarks, [
    { frequency: 7_100_000, name: "", mode: "USB" },
    { frequency: 10, name: "n".repeat(MAX_NAME_LENGTH), mode: "LSB" },
  ]);
  equal(skipped, 5);
  const many = Array.from(
    { length: MAX_BOOKMARKS + 5 },
    (_, i) => ({ frequency: i }),
  );
  const big = parseBookmarks(JSON.stringify({ markers: many }));
  equal(big.bookmarks.length, MAX_BOOKMARKS);
  equal(big.skipped, 5);
  throws(() => parseBookmarks("{"), SyntaxError);
  throws(() => parseBookmarks('{"markers":{}}'), TypeError);
  throws(() => parseBookmarks("null"), TypeError);
});

Deno.test("serializeBookmarks() round-trips and is a valid markers.json", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          frequency: fc.integer({ min: 0, max: 6e9 }),
          name: fc.string({ maxLength: MAX_NAME_LENGTH }),
          mode: fc.constantFrom("USB", "LSB", "AM", "SAM", "FM", "WBFM", "CW"),
        }),
        { maxLength: 30 },
      ),
      (list) => {
        const text = serializeBookmarks(list);
        deepEqual(parseBookmarks(text).bookmarks, list);
        equal(parseMarkers(text).markers.length, list.length);
      },
    ),
    { seed: 71, numRuns: 200 },
  );
});

Deno.test("addBookmark(), mergeBookmarks() and removeBookmark() keep a sorted, bounded list", () => {
  let list = addBookmark([], { frequency: 7_200_000, name: "b", mode: "AM" })!;
  list = addBookmark(list, { frequency: 7_100_000, name: "a", mode: "LSB" })!;
  list = addBookmark(list, { frequency: 7_100_000, name: "c", mode: "USB" })!;
  deepEqual(list.map((b) => b.name), ["a", "c", "b"]);
  equal(addBookmark(list, { frequency: -5, name: "", mode: "AM" }), undefined);
  list = removeBookmark(list, 7_100_000, "LSB");
  deepEqual(list.map((b) => b.name), ["c", "b"]);
  const full = Array.from({ length: MAX_BOOKMARKS }, (_, i) => ({
    frequency: i,
    name: "",
    mode: "AM",
  }));
  equal(addBookmark(full, { frequency: 1e9, name: "", mode: "AM" }), undefined);
  ok(addBookmark(full, { frequency: 5, name: "replaced", mode: "AM" }));
  const merged = mergeBookmarks(full, [
    { frequency: 5, name: "replaced", mode: "AM" },
    { frequency: 1e9, name: "new", mode: "AM" },
    { frequency: NaN, name: "bad", mode: "AM" },
  ]);
  equal(merged.added, 1);
  equal(merged.refused, 2);
  equal(merged.bookmarks.length, MAX_BOOKMARKS);
  equal(merged.bookmarks[5].name, "replaced");
});
