import { deepEqual, equal, throws } from "node:assert/strict";
import fc from "fast-check";
import type { Channel } from "../../lib/bridge/channel.ts";
import {
  parseChannelQuery,
  searchChannels,
} from "../../lib/bridge/api/channel_search.ts";
import {
  guideNumberConflict,
  mergeChannelPatch,
  parseChannelPatch,
} from "../../lib/bridge/api/channel_patch.ts";

function channels(n: number): Channel[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `id${i}`,
    guideNumber: String(i + 1),
    name: i % 2 === 0 ? `News ${i}` : `Sport ${i}`,
    url: `http://up/${i}`,
    enabled: i % 3 !== 0,
    headers: {},
    group: i % 2 === 0 ? "News" : "Sports",
  }));
}

Deno.test("searchChannels() pages partition the matches: every match once, in order, whatever the page size", () => {
  const all = channels(60);
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 25 }),
      fc.constantFrom(undefined, "news", "sport", "1", "zzz"),
      fc.constantFrom(undefined, true, false),
      (limit, q, enabled) => {
        const seen: string[] = [];
        let total = -1;
        for (let offset = 0; offset < 80; offset += limit) {
          const page = searchChannels(all, { q, enabled, limit, offset });
          total = page.total;
          equal(page.items.length <= limit, true);
          seen.push(...page.items.map((c) => c.id));
        }
        const expected = all.filter((c) =>
          (enabled === undefined || c.enabled === enabled) &&
          (q === undefined || c.name.toLowerCase().includes(q) ||
            c.guideNumber.includes(q) ||
            (c.group ?? "").toLowerCase().includes(q))
        ).map((c) => c.id);
        deepEqual(seen, expected);
        equal(total, expected.length);
      },
    ),
    { seed: 20240607, numRuns: 200 },
  );
});

Deno.test("parseChannelQuery() reads defaults and refuses out-of-range values", () => {
  deepEqual(parseChannelQuery(new URLSearchParams("")), {
    limit: 50,
    offset: 0,
  });
  deepEqual(
    parseChannelQuery(
      new URLSearchParams("q=%20bbc%20&enabled=false&offset=5"),
    ),
    {
      q: "bbc",
      enabled: false,
      limit: 50,
      offset: 5,
    },
  );
  deepEqual(parseChannelQuery(new URLSearchParams("q=%20%20")), {
    limit: 50,
    offset: 0,
  });
  throws(
    () => parseChannelQuery(new URLSearchParams("limit=11"), { maxLimit: 10 }),
    /from 1 to at most 10, found 11/,
  );
  throws(
    () => parseChannelQuery(new URLSearchParams("offset=1e3")),
    /non-negative integer, found "1e3"/,
  );
  throws(
    () => parseChannelQuery(new URLSearchParams("offset=9999999999")),
    /non-negative integer/,
  );
});

Deno.test("parseChannelPatch() normalises numbers and names and accepts null resets", () => {
  deepEqual(parseChannelPatch({ guideNumber: 5.1 }), { guideNumber: "5.1" });
  deepEqual(parseChannelPatch({ guideNumber: " 0012 " }), {
    guideNumber: "12",
  });
  deepEqual(parseChannelPatch({ guideNumber: null, name: null }), {
    guideNumber: null,
    name: null,
  });
  deepEqual(parseChannelPatch({ name: "  BBC One  " }), { name: "BBC One" });
  throws(
    () => parseChannelPatch({ guideNumber: "abc" }),
    /Expected guideNumber like 7 or 5.1, found "abc"/,
  );
  throws(() => parseChannelPatch({ name: 7 }), /found a number/);
  throws(
    () => parseChannelPatch({ name: "x".repeat(201) }),
    /found 201 characters/,
  );
});

Deno.test("mergeChannelPatch() keeps fields the patch leaves out and drops those set to null", () => {
  const previous = {
    channelId: "a",
    guideNumber: "9",
    name: "Nine",
    enabled: false,
  };
  deepEqual(mergeChannelPatch("a", previous, { enabled: true }), {
    ...previous,
    enabled: true,
  });
  deepEqual(
    mergeChannelPatch("a", previous, { guideNumber: null, name: null }),
    { channelId: "a", enabled: false },
  );
  deepEqual(mergeChannelPatch("a", undefined, { guideNumber: "3" }), {
    channelId: "a",
    guideNumber: "3",
  });
});

Deno.test("guideNumberConflict() finds numbers held by other channels or other mappings, not by the channel itself", () => {
  const all = channels(3);
  equal(guideNumberConflict("1", "id0", all, []), undefined);
  equal(guideNumberConflict("1", "id1", all, []), 'used by "News 0" (id0)');
  equal(
    guideNumberConflict("7", "id1", all, [{
      channelId: "id1",
      guideNumber: "7",
    }]),
    undefined,
  );
  equal(
    guideNumberConflict("7", "id1", all, [{
      channelId: "x",
      guideNumber: "07",
    }]),
    "mapped to channel x",
  );
});
