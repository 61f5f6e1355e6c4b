import { deepEqual, equal, throws } from "node:assert/strict";
import { buildPoll } from "../../lib/ysf/mod.ts";
import { Protections, type TempBlock } from "../../lib/ysf/reflector/mod.ts";
import { frame, Harness, transmission } from "./_reflector_harness.ts";

function room(options = {}) {
  const h = new Harness({
    dgidList: [50],
    defaultDgid: 50,
    prefix: false,
    ...options,
  });
  const a = h.link("GWA", 1);
  const b = h.link("GWB", 2);
  h.clear();
  return { h, a, b };
}

Deno.test("YsfReflectorCore.handle() cuts a stream at the TOT and blocks the callsign for Treactivate", () => {
  const { h, a, b } = room({ timeoutSeconds: 10, treactivateSeconds: 60 });
  equal(h.handle(frame({ fi: 0, source: "G4ABC-7" }), a), "accepted");
  for (let t = 1000; t <= 10_000; t += 1000) {
    h.time = t;
    equal(h.handle(frame({ fi: 1, fn: 1, source: "G4ABC-7" }), a), "accepted");
  }
  h.time = 10_001;
  equal(h.handle(frame({ fi: 1, fn: 2, source: "G4ABC-7" }), a), "timeout");
  equal(h.handle(frame({ fi: 1, fn: 3, source: "G4ABC-7" }), a), "timeout");
  equal(h.dataTo(b).length, 11);
  equal(h.eventsOf("stream-end")[0].reason, "timeout");
  const [added] = h.eventsOf("temp-block-added");
  deepEqual(added.block, {
    callsign: "G4ABC",
    reason: "timeout",
    since: 10_001,
    until: 70_001,
  });
  // The rest of that transmission ends with its terminator; the next one is blocked.
  equal(h.handle(frame({ fi: 2, source: "G4ABC-7" }), a), "timeout");
  h.time = 20_000;
  equal(h.handle(frame({ fi: 0, source: "G4ABC/P" }), a), "blocked");
  equal(h.eventsOf("blocked")[0].reason, "TEMP");
  // Another callsign through another gateway talks.
  equal(h.handle(frame({ fi: 0, source: "M0XYZ" }), b), "accepted");
  deepEqual(h.core.snapshot().tempBlocks.map((t) => t.callsign), ["G4ABC"]);
  // After Treactivate the block ends (tick reports it) and G4ABC talks again.
  h.time = 60_000;
  h.handle(buildPoll("GWA"), a);
  h.time = 70_001;
  h.core.tick();
  const [removed] = h.eventsOf("temp-block-removed");
  equal(removed.reason, "expired");
  equal(removed.block.callsign, "G4ABC");
  h.time = 72_000;
  equal(h.handle(frame({ fi: 0, source: "G4ABC" }), a), "accepted");
});

Deno.test("YsfReflectorCore.tick() applies the TOT to a stream whose frames keep coming", () => {
  const { h, a } = room({ timeoutSeconds: 5 });
  h.handle(frame({ fi: 0 }), a);
  for (let t = 1000; t <= 5000; t += 1000) {
    h.time = t;
    h.handle(frame({ fi: 1, fn: 3 }), a);
  }
  h.time = 5001;
  h.core.tick();
  equal(h.eventsOf("stream-end")[0].reason, "timeout");
  equal(h.eventsOf("temp-block-added").length, 1);
});

Deno.test("YsfReflectorCore.handle() keeps long streams when the TOT is off", () => {
  const { h, a, b } = room({ timeoutSeconds: 0 });
  h.handle(frame({ fi: 0 }), a);
  for (let t = 1000; t <= 600_000; t += 1000) {
    h.time = t;
    equal(h.handle(frame({ fi: 1, fn: 3 }), a), "accepted");
    if (t % 5000 === 0) {
      h.handle(buildPoll("GWA"), a);
      h.handle(buildPoll("GWB"), b);
      h.core.tick();
    }
  }
  equal(h.dataTo(b).length, 601);
  equal(h.eventsOf("temp-block-added").length, 0);
});

Deno.test("YsfReflectorCore.handle() blocks wild PTT: 3 streams within 5 s", () => {
  const { h, a, b } = room({
    wildPttCount: 3,
    wildPttTimeSeconds: 5,
    treactivateSeconds: 900,
  });
  for (const t of [0, 2000, 4000]) {
    h.time = t;
    const x = transmission({ source: "G4ABC", count: 1 });
    equal(h.handle(x.header, a), "accepted");
    h.handle(x.terminator, a);
  }
  const [added] = h.eventsOf("temp-block-added");
  equal(added.block.reason, "wild-ptt");
  equal(added.block.until, 4000 + 900_000);
  h.time = 6000;
  equal(h.handle(frame({ fi: 0 }), a), "blocked");
  equal(h.eventsOf("blocked")[0].reason, "TEMP");
  equal(h.dataTo(b).length, 6, "the third stream itself was relayed");
  // The block expires after Treactivate.
  for (let t = 10_000; t < 904_000; t += 10_000) {
    h.time = t;
    h.handle(buildPoll("GWA"), a);
    h.core.tick();
  }
  equal(h.eventsOf("temp-block-removed").length, 0);
  h.time = 904_000;
  h.core.tick();
  equal(h.eventsOf("temp-block-removed")[0].reason, "expired");
  equal(h.handle(frame({ fi: 0 }), a), "accepted");
});

Deno.test("YsfReflectorCore.handle() does not block streams spread beyond the wild-PTT window", () => {
  const { h, a } = room({ wildPttCount: 3, wildPttTimeSeconds: 5 });
  for (const t of [0, 3000, 5001, 8002, 10_003]) {
    h.time = t;
    equal(h.handle(frame({ fi: 0 }), a), "accepted");
    h.handle(frame({ fi: 2 }), a);
  }
  equal(h.eventsOf("temp-block-added").length, 0);
});

Deno.test("YsfReflectorCore.handle() has no wild-PTT block when wildPttCount is 0", () => {
  const { h, a } = room({ wildPttCount: 0 });
  for (let i = 0; i < 20; i++) {
    equal(h.handle(frame({ fi: 0 }), a), "accepted");
    h.handle(frame({ fi: 2 }), a);
  }
  equal(h.core.sizes.wildPttHistory, 0);
});

Deno.test("YsfReflectorCore.liftTempBlock() lifts a block at once", () => {
  const { h, a } = room({ wildPttCount: 1 });
  h.handle(frame({ fi: 0 }), a);
  h.handle(frame({ fi: 2 }), a);
  equal(h.core.liftTempBlock("g4abc"), true);
  equal(h.eventsOf("temp-block-removed")[0].reason, "lifted");
  h.time = 2000;
  equal(h.handle(frame({ fi: 0 }), a), "accepted");
});

Deno.test("Protections bounds the block table and evicts the block that ends soonest", () => {
  let time = 0;
  const removed: [string, string][] = [];
  const p = new Protections({
    now: () => time,
    maxTempBlocks: 2,
    treactivateSeconds: 100,
    onBlockRemoved: (block: TempBlock, reason) =>
      removed.push([block.callsign, reason]),
  });
  p.block("A1AAA", "timeout");
  time = 1;
  p.block("B1BBB", "timeout");
  time = 2;
  p.block("C1CCC", "wild-ptt");
  equal(p.size, 2);
  deepEqual(removed, [["A1AAA", "evicted"]]);
  deepEqual(p.blocks().map((b) => b.callsign), ["B1BBB", "C1CCC"]);
});

Deno.test("Protections bounds the wild-PTT history and keeps at most wildPttCount starts per call", () => {
  let time = 0;
  const p = new Protections({
    now: () => time,
    maxWildPttHistory: 10,
    wildPttCount: 3,
    wildPttTimeSeconds: 1,
  });
  for (let i = 0; i < 1000; i++) {
    time = i * 2000;
    p.recordStreamStart(`CALL${i}`);
  }
  equal(p.historySize, 10);
  p.sweep();
  equal(p.historySize, 1);
});

Deno.test("Protections.configure() keeps current blocks and validates", () => {
  let time = 0;
  const p = new Protections({ now: () => time, treactivateSeconds: 10 });
  p.block("G4ABC", "timeout");
  p.configure({ treactivateSeconds: 1000, maxTempBlocks: 5 });
  equal(p.isBlocked("G4ABC"), true);
  time = 10_000;
  equal(p.isBlocked("G4ABC"), false, "its end time did not change");
  throws(() => p.configure({ wildPttCount: -1 }), RangeError);
  throws(() => p.configure({ wildPttTimeSeconds: 0 }), RangeError);
  throws(() => p.configure({ timeoutSeconds: Number.NaN }), RangeError);
  equal(p.settings.treactivateSeconds, 1000);
});
