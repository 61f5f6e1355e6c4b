import { deepEqual, equal, notDeepEqual, ok, throws } from "node:assert/strict";
import { AudioEngine } from "../../lib/audio/engine/engine.ts";
import { demoPhrase } from "../../lib/audio/engine/demo_phrase.ts";
import type { EngineCommand } from "../../lib/audio/engine/commands.ts";
import { MODULE_DEFS } from "../../lib/audio/engine/modules/module_registry.ts";
import { planPatch } from "../../lib/audio/engine/patch_graph.ts";
import {
  channel,
  engineWith,
  EVERYTHING_PATCH,
  everythingCommands,
  firstAbove,
  render,
  SAW_PATCH,
} from "./_engine_fixtures.ts";

Deno.test("AudioEngine.restore() continues bit-identically after a snapshot", () => {
  // Snapshot at many points: mid-attack, mid-ramp, with commands pending,
  // while the delay line and the noise generators are busy.
  for (const before of [1, 3, 7, 12, 25]) {
    const original = engineWith(EVERYTHING_PATCH, everythingCommands(), {
      seed: 11,
    });
    render(original, before);
    const restored = AudioEngine.restore(original.snapshot());
    equal(restored.frame, original.frame);
    equal(restored.blockIndex, original.blockIndex);
    equal(restored.pendingCommands, original.pendingCommands);
    equal(restored.lastAppliedSeq, original.lastAppliedSeq);
    equal(restored.lastScheduledSeq, original.lastScheduledSeq);
    const a = render(original, 40);
    const b = render(restored, 40);
    deepEqual(b, a, `snapshot after ${before} blocks`);
    ok(a.some((v) => v !== 0));
  }
});

Deno.test("AudioEngine.restore() keeps accepting the same later commands", () => {
  const phrase = demoPhrase();
  const first = phrase.commands.slice(0, 40);
  const later = phrase.commands.slice(40);
  const original = engineWith(phrase.patch, first, { seed: 3 });
  render(original, 30);
  const restored = AudioEngine.restore(original.snapshot());
  for (const engine of [original, restored]) {
    for (const command of later) equal(engine.schedule(command), true);
    // A replayed old command is refused by both.
    equal(engine.schedule(first[5]), false);
  }
  deepEqual(render(restored, 120), render(original, 120));
});

Deno.test("AudioEngine.snapshot() includes the pending patch and pending-module parameters", () => {
  const commands: EngineCommand[] = [
    { kind: "patch_clear", seq: 1, frame: 0 },
    { kind: "patch_create", seq: 2, frame: 0, id: "osc9", type: "osc" },
    { kind: "patch_create", seq: 3, frame: 0, id: "out", type: "output" },
    { kind: "patch_connect", seq: 4, frame: 0, from: "osc9", to: "out" },
    { kind: "set", seq: 5, frame: 0, module: "osc9", param: "wave", value: 3 },
    { kind: "patch_commit", seq: 6, frame: 5000 },
  ];
  const original = engineWith(EVERYTHING_PATCH, commands, { seed: 2 });
  render(original, 2); // the commit waits for frame 5120
  const restored = AudioEngine.restore(original.snapshot());
  deepEqual(restored.pendingModuleIds(), ["osc9", "out"]);
  equal(restored.paramValue("osc9", "wave"), 3);
  const a = render(original, 30);
  const b = render(restored, 30);
  deepEqual(b, a);
  deepEqual(original.moduleIds(), ["osc9", "out"]);
  deepEqual(restored.moduleIds(), ["osc9", "out"]);
});

Deno.test("AudioEngine.snapshot() is the same for engines in the same state", () => {
  const a = engineWith(EVERYTHING_PATCH, everythingCommands(), { seed: 4 });
  const b = engineWith(EVERYTHING_PATCH, everythingCommands(), { seed: 4 });
  render(a, 9);
  render(b, 9);
  deepEqual(a.snapshot(), b.snapshot());
  render(a, 1);
  notDeepEqual(a.snapshot(), b.snapshot());
  // A snapshot of a restored engine is the snapshot it came from.
  const bytes = b.snapshot();
  deepEqual(AudioEngine.restore(bytes).snapshot(), bytes);
});

Deno.test("AudioEngine.restore() rejects truncated, extended and foreign bytes", () => {
  const engine = engineWith(EVERYTHING_PATCH, everythingCommands(), {
    seed: 4,
  });
  render(engine, 3);
  const bytes = engine.snapshot();
  for (
    const length of [
      0,
      4,
      8,
      40,
      100,
      1000,
      bytes.length >> 1,
      bytes.length - 1,
    ]
  ) {
    throws(
      () => AudioEngine.restore(bytes.subarray(0, length)),
      RangeError,
      `length ${length}`,
    );
  }
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  throws(() => AudioEngine.restore(longer), RangeError);
  const foreign = bytes.slice();
  foreign[0] ^= 0xff;
  throws(() => AudioEngine.restore(foreign), RangeError);
});

Deno.test("EVERYTHING_PATCH uses every module type and its commands all apply", () => {
  const types = new Set(planPatch(EVERYTHING_PATCH).defs.map((d) => d.type));
  deepEqual([...types].sort(), MODULE_DEFS.map((d) => d.type).sort());
  const engine = engineWith(EVERYTHING_PATCH, everythingCommands());
  render(engine, 60);
  equal(engine.stats.applied, everythingCommands().length);
  equal(engine.stats.rejected, 0);
});

Deno.test("render() and channel() split interleaved blocks", () => {
  const engine = engineWith(SAW_PATCH, [], { channels: 2, blockSize: 32 });
  const out = render(engine, 3);
  equal(out.length, 192);
  equal(engine.frame, 96);
  deepEqual(channel(out, 2, 1), channel(out, 2, 0));
  equal(firstAbove(new Float32Array([0, 0.5, 1]), 0.6), 2);
});
