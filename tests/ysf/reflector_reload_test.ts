import { deepEqual, equal, throws } from "node:assert/strict";
import {
  buildPoll,
  buildStatusQuery,
  buildVersionQuery,
} from "../../lib/ysf/mod.ts";
import { AccessControl, parseDenyFile } from "../../lib/ysf/reflector/mod.ts";
import { frame, Harness, text } from "./_reflector_harness.ts";

Deno.test("YsfReflectorCore.reload() keeps clients, rooms and the open stream", () => {
  const h = new Harness({ dgidList: [9, 50], defaultDgid: 50, prefix: false });
  const a = h.link("GWA", 1);
  const b = h.link("GWB-9", 2);
  const c = h.link("GWC", 3);
  h.handle(frame({ fi: 0 }), a);
  const before = h.core.snapshot();
  h.core.reload({
    name: "RENAMED",
    description: "New",
    maxClients: 5,
    maxStreams: 10,
    lastHeardSize: 5,
    timeoutSeconds: 100,
    keepAliveMs: 1000,
    version: "9.9.9",
  });
  const after = h.core.snapshot();
  deepEqual(
    after.clients.map((x) => [x.id, x.room]),
    before.clients.map((x) => [x.id, x.room]),
  );
  equal(h.eventsOf("client-unlinked").length, 0);
  h.clear();
  h.time = 100;
  equal(h.handle(frame({ fi: 1, fn: 3 }), a), "accepted", "the stream goes on");
  equal(h.dataTo(c).length, 1);
  equal(h.dataTo(b).length, 0);
  h.handle(buildStatusQuery(), { address: "198.51.100.7", port: 9 });
  equal(text(h.sent.at(-1)!.data).slice(9, 25), "RENAMED         ");
  h.handle(buildVersionQuery(), { address: "198.51.100.7", port: 9 });
  equal(text(h.sent.at(-1)!.data), "YSFVshack 9.9.9");
  h.clear();
  h.advance(1000);
  equal(h.sent.length, 3, "new keep-alive period");
});

Deno.test("YsfReflectorCore.reload() applies a new ACL to linked clients", () => {
  const h = new Harness({ dgidList: [50], defaultDgid: 50, prefix: false });
  const a = h.link("GWA", 1);
  const b = h.link("GWB", 2);
  h.core.reload({
    acl: new AccessControl({ deny: parseDenyFile("GWB:GWB\nCS:M0BAD\n") }),
  });
  equal(h.core.snapshot().clients[1].access, "locked");
  h.clear();
  equal(h.handle(frame({ fi: 0, source: "G4ABC" }), a), "accepted");
  equal(h.dataTo(b).length, 0, "a locked client no longer hears");
  h.handle(frame({ fi: 2 }), a);
  h.time = 2000;
  equal(h.handle(frame({ fi: 0, source: "M0BAD" }), a), "blocked");
});

Deno.test("YsfReflectorCore.reload() with a smaller maxClients keeps every client and refuses newcomers", () => {
  const h = new Harness({ maxClients: 4 });
  for (let i = 0; i < 4; i++) h.link(`GW${i}`, i + 1);
  h.core.reload({ maxClients: 2 });
  equal(h.core.sizes.clients, 4);
  equal(
    h.handle(buildPoll("NEW"), { address: "192.0.2.9", port: 1 }),
    "refused_capacity",
  );
  for (let i = 0; i < 3; i++) {
    h.handle(new TextEncoder().encode(`YSFUGW${i}        `.slice(0, 14)), {
      address: "192.0.2.1",
      port: i + 1,
    });
  }
  equal(h.core.sizes.clients, 1);
  equal(
    h.handle(buildPoll("NEW"), { address: "192.0.2.9", port: 1 }),
    "accepted",
  );
  equal(
    h.handle(buildPoll("NEW2"), { address: "192.0.2.9", port: 2 }),
    "refused_capacity",
  );
  h.core.reload({ maxClients: 10 });
  equal(
    h.handle(buildPoll("NEW2"), { address: "192.0.2.9", port: 2 }),
    "accepted",
  );
});

Deno.test("YsfReflectorCore.reload() with invalid options throws and changes nothing", () => {
  const h = new Harness({ maxClients: 3, name: "KEEP" });
  h.link("GW1", 1);
  throws(() => h.core.reload({ maxClients: -1 }), RangeError);
  throws(() => h.core.reload({ name: "Ünïcode" }), TypeError);
  throws(() => h.core.reload({ dgidList: [100] }), RangeError);
  equal(h.core.snapshot().name, "KEEP");
  equal(h.core.sizes.clients, 1);
  h.link("GW2", 2);
  h.link("GW3", 3);
  equal(
    h.handle(buildPoll("GW4"), { address: "192.0.2.1", port: 4 }),
    "refused_capacity",
  );
});

Deno.test("YsfReflectorCore.reload() cannot change the mode", () => {
  const h = new Harness({ mode: "single-room" });
  h.core.reload({ ...{ mode: "rooms" } as Record<string, unknown> });
  equal(h.core.snapshot().mode, "single-room");
});
