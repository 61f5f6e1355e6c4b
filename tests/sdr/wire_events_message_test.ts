import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  buildEventsMessage,
  DEPARTED_WINDOW,
  EventsState,
} from "../../lib/sdr/wire/events_message.ts";

const counts = { waterfallClients: 3, signalClients: 2 };

Deno.test("buildEventsMessage() writes counts, changes and optional kbits", () => {
  const message = JSON.parse(buildEventsMessage(
    { ...counts, waterfallKbits: 52.5, audioKbits: 192 },
    [["ab12", [10, 15.5, 20]], ["__proto__", DEPARTED_WINDOW]],
  ));
  deepEqual(Object.keys(message), [
    "waterfall_clients",
    "signal_clients",
    "signal_changes",
    "waterfall_kbits",
    "audio_kbits",
  ]);
  deepEqual(Object.keys(message.signal_changes), ["ab12", "__proto__"]);
  deepEqual(message.signal_changes.ab12, [10, 15.5, 20]);
  equal(message.waterfall_kbits, 52.5);
  equal(
    buildEventsMessage(counts, []),
    '{"waterfall_clients":3,"signal_clients":2,"signal_changes":{}}',
  );
});

Deno.test("EventsState.initialMessage() lists every audio client", () => {
  const events = new EventsState();
  events.set("aa", 1, 2, 3);
  events.set("bb", 4, 5.25, 6);
  events.set("aa", 7, 8, 9); // update, not a new client
  equal(events.size, 2);
  deepEqual(JSON.parse(events.initialMessage(counts)).signal_changes, {
    aa: [7, 8, 9],
    bb: [4, 5.25, 6],
  });
  const hidden = new EventsState({ showOtherUsers: false });
  hidden.set("aa", 1, 2, 3);
  deepEqual(JSON.parse(hidden.initialMessage(counts)).signal_changes, {});
});

Deno.test("EventsState.tick() sends only what changed, departures as [-1,-1,-1]", () => {
  const events = new EventsState();
  events.set("aa", 1, 2, 3);
  events.set("bb", 4, 5, 6);
  deepEqual(JSON.parse(events.tick(counts)!).signal_changes, {
    aa: [1, 2, 3],
    bb: [4, 5, 6],
  });
  equal(events.tick(counts), undefined);
  events.set("bb", 4, 5, 6); // same window: nothing to say
  equal(events.tick(counts), undefined);
  events.set("bb", 40, 50, 60);
  events.delete("aa");
  events.set("cc", 7, 8, 9);
  deepEqual(JSON.parse(events.tick(counts)!).signal_changes, {
    bb: [40, 50, 60],
    cc: [7, 8, 9],
    aa: [-1, -1, -1],
  });
  // A client that came and went between two ticks was never announced.
  events.set("dd", 1, 1, 1);
  events.delete("dd");
  equal(events.tick(counts), undefined);
  equal(events.delete("nobody"), false);
});

Deno.test("EventsState.tick() reports a change of the client counts", () => {
  const events = new EventsState();
  ok(events.tick(counts)); // first tick: counts not yet sent
  equal(events.tick(counts), undefined);
  const message = events.tick({ waterfallClients: 4, signalClients: 2 });
  deepEqual(JSON.parse(message!), {
    waterfall_clients: 4,
    signal_clients: 2,
    signal_changes: {},
  });
  // kbit/s estimates alone do not trigger a message.
  equal(
    events.tick({ waterfallClients: 4, signalClients: 2, waterfallKbits: 99 }),
    undefined,
  );
});

Deno.test("EventsState with otherusers = 0 never publishes windows", () => {
  const events = new EventsState({ showOtherUsers: false });
  events.set("aa", 1, 2, 3);
  deepEqual(JSON.parse(events.tick(counts)!).signal_changes, {});
  events.set("aa", 4, 5, 6);
  equal(events.tick(counts), undefined);
});

Deno.test("EventsState sends stats every statsIntervalMs on the injected clock", () => {
  let now = 1000;
  const events = new EventsState({ statsIntervalMs: 10_000, now: () => now });
  ok(events.tick(counts));
  now += 9_999;
  equal(events.tick(counts), undefined);
  now += 1;
  deepEqual(JSON.parse(events.tick(counts)!).signal_changes, {});
  now += 5_000;
  equal(events.tick(counts), undefined);
});

Deno.test("EventsState refuses clients beyond maxClients and counts them", () => {
  const events = new EventsState({ maxClients: 2 });
  equal(events.set("a", 0, 0, 0), true);
  equal(events.set("b", 0, 0, 0), true);
  equal(events.set("c", 0, 0, 0), false);
  equal(events.set("a", 1, 1, 1), true); // existing ids can still move
  equal(events.refused, 1);
  equal(events.size, 2);
  events.delete("a");
  equal(events.set("c", 0, 0, 0), true);
  throws(() => new EventsState({ maxClients: 0 }), RangeError);
  throws(() => new EventsState({ statsIntervalMs: -1 }), RangeError);
});
