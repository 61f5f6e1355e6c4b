import { equal } from "node:assert/strict";
import fc from "fast-check";
import {
  formatXmltvTime,
  parseXmltvTime,
} from "../../lib/bridge/xmltv/xmltv_time.ts";

Deno.test("parseXmltvTime() applies offsets and accepts short forms", () => {
  const base = Date.UTC(2024, 2, 1, 20, 15, 30);
  equal(parseXmltvTime("20240301201530 +0000"), base);
  equal(parseXmltvTime("20240301211530 +0100"), base);
  equal(parseXmltvTime("20240301151530 -0500"), base);
  equal(parseXmltvTime("20240302014530 +05:30"), base);
  equal(parseXmltvTime("20240301201530"), base);
  equal(parseXmltvTime("20240301201530Z"), base);
  equal(parseXmltvTime(" 20240301201530 GMT "), base);
  equal(parseXmltvTime("202403012015"), Date.UTC(2024, 2, 1, 20, 15));
  equal(parseXmltvTime("2024030120"), Date.UTC(2024, 2, 1, 20));
  equal(parseXmltvTime("20240301"), Date.UTC(2024, 2, 1));
  equal(parseXmltvTime("20240229000000 +0000"), Date.UTC(2024, 1, 29));
});

Deno.test("parseXmltvTime() rejects what is not a time", () => {
  for (
    const bad of [
      undefined,
      "",
      "2024",
      "20240230000000 +0000", // February 30
      "20230229000000 +0000", // not a leap year
      "20241301000000 +0000",
      "20240301250000 +0000",
      "20240301000000 +2500",
      "20240301000000 +0000 extra",
      "2024-03-01T00:00:00Z",
    ]
  ) {
    equal(parseXmltvTime(bad), undefined, String(bad));
  }
});

Deno.test("formatXmltvTime() and parseXmltvTime() round-trip to the second", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31) }),
      (ms) => {
        const seconds = Math.floor(ms / 1000) * 1000;
        equal(parseXmltvTime(formatXmltvTime(ms)), seconds);
      },
    ),
    { seed: 7, numRuns: 2000 },
  );
});
