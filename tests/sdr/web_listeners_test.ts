// The web client's view of /events, fed by the server's EventsState.
import { deepEqual, equal } from "node:assert/strict";
import {
  listenerColour,
  ListenerTracker,
} from "../../lib/sdr/web/listeners.js";
import { EventsState } from "../../lib/sdr/wire/events_message.ts";

Deno.test("ListenerTracker follows the server's initial state and deltas", () => {
  const events = new EventsState();
  const tracker = new ListenerTracker();
  events.set("aa", 100, 150.5, 300);
  events.set("bb", 500, 500, 700);
  const counts = {
    waterfallClients: 2,
    signalClients: 2,
    waterfallKbits: 40,
    audioKbits: 300,
  };
  tracker.apply(JSON.parse(events.initialMessage(counts)));
  deepEqual(tracker.listeners().map((l) => l.id).sort(), ["aa", "bb"]);
  deepEqual(tracker.counts, {
    waterfallClients: 2,
    signalClients: 2,
    waterfallKbits: 40,
    audioKbits: 300,
  });
  events.tick(counts);
  events.set("aa", 200, 250, 400);
  events.delete("bb");
  events.set("cc", 1, 2, 3);
  tracker.apply(
    JSON.parse(events.tick({ waterfallClients: 1, signalClients: 2 })!),
  );
  deepEqual(tracker.listeners(), [
    { id: "aa", l: 200, m: 250, r: 400 },
    { id: "cc", l: 1, m: 2, r: 3 },
  ]);
  deepEqual(tracker.listeners("aa").map((l) => l.id), ["cc"]);
  equal(tracker.counts.audioKbits, undefined);
  tracker.reset();
  deepEqual(tracker.listeners(), []);
});

Deno.test("ListenerTracker ignores malformed messages and is bounded", () => {
  const tracker = new ListenerTracker({ maxListeners: 2 });
  equal(tracker.apply(null), false);
  equal(tracker.apply("text"), false);
  equal(tracker.apply({ signal_clients: 1 }), false);
  equal(
    tracker.apply({
      waterfall_clients: 0,
      signal_clients: 3,
      signal_changes: {
        a: [1, 2, 3],
        b: [1, "x", 3],
        c: [1],
        d: "no",
        e: [4, 5, 6],
        f: [7, 8, 9],
        ["x".repeat(100)]: [1, 2, 3],
      },
    }),
    true,
  );
  deepEqual(tracker.listeners().map((l) => l.id), ["a", "e"]);
  equal(tracker.ignored, 1);
  // A known listener still updates when full.
  tracker.apply({
    waterfall_clients: 0,
    signal_clients: 2,
    signal_changes: { a: [9, 9, 9] },
  });
  equal(tracker.listeners()[0].m, 9);
});

Deno.test("listenerColour() derives a hue from the id's first byte", () => {
  equal(listenerColour("00abc"), "hsl(0 80% 60%)");
  equal(listenerColour("ff00"), "hsl(360 80% 60%)");
  equal(listenerColour(""), "hsl(0 80% 60%)");
});
