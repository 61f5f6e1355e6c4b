import { deepEqual, equal, ok, throws } from "node:assert/strict";
import type { Channel } from "../../lib/bridge/channel.ts";
import { Lineup } from "../../lib/bridge/lineup/lineup.ts";

function channel(id: string, guideNumber: string, enabled = true): Channel {
  return {
    id,
    guideNumber,
    name: `Channel ${guideNumber}`,
    url: `http://a/${id}`,
    enabled,
    headers: { "User-Agent": "x" },
  };
}

Deno.test("Lineup.channels() lists enabled channels in GuideNumber order", () => {
  const lineup = new Lineup([
    channel("c", "10"),
    channel("a", "2.1"),
    channel("d", "3", false),
    channel("b", "2"),
  ]);
  deepEqual(lineup.channels().map((c) => c.guideNumber), ["2", "2.1", "10"]);
  deepEqual(lineup.all().map((c) => c.id), ["b", "a", "d", "c"]);
  equal(lineup.version, 0);
});

Deno.test("Lineup.byGuideNumber() and byId() find enabled channels only", () => {
  const lineup = new Lineup([channel("a", "5"), channel("b", "6", false)]);
  equal(lineup.byGuideNumber("5")?.id, "a");
  equal(lineup.byGuideNumber("05")?.id, "a");
  equal(lineup.byGuideNumber("6"), undefined);
  equal(lineup.byGuideNumber("nope"), undefined);
  equal(lineup.byId("a")?.guideNumber, "5");
  equal(lineup.byId("b"), undefined);
  equal(lineup.byId("zzz"), undefined);
});

Deno.test("Lineup.replace() swaps atomically and keeps the old list on error", () => {
  const lineup = new Lineup([channel("a", "1")]);
  const before = lineup.channels();
  lineup.replace([channel("b", "2"), channel("c", "3")]);
  equal(lineup.version, 1);
  // A reader holding the old list still sees the old lineup, unchanged.
  deepEqual(before.map((c) => c.id), ["a"]);
  deepEqual(lineup.channels().map((c) => c.id), ["b", "c"]);
  throws(
    () => lineup.replace([channel("x", "1"), channel("x", "2")]),
    /Expected unique channel ids, found x twice/,
  );
  throws(
    () => lineup.replace([channel("x", "1"), channel("y", "1")]),
    TypeError,
  );
  equal(lineup.version, 1);
  deepEqual(lineup.channels().map((c) => c.id), ["b", "c"]);
  // The same number is fine when one of the two is disabled.
  lineup.replace([channel("x", "1"), channel("y", "1", false)]);
  equal(lineup.byGuideNumber("1")?.id, "x");
});

Deno.test("Lineup.replace() copies and freezes what it is given", () => {
  const input = [channel("a", "1")];
  const lineup = new Lineup(input);
  input[0].name = "changed";
  input[0].headers["User-Agent"] = "changed";
  const stored = lineup.byId("a")!;
  equal(stored.name, "Channel 1");
  equal(stored.headers["User-Agent"], "x");
  ok(Object.isFrozen(stored) && Object.isFrozen(stored.headers));
  ok(Object.isFrozen(lineup.channels()));
});
