import { deepEqual, equal, notDeepEqual, ok } from "node:assert/strict";
import { AudioEngine } from "../../lib/audio/engine/engine.ts";
import { blockChecksum } from "../../lib/audio/engine/checksum.ts";
import type { EngineCommand } from "../../lib/audio/engine/commands.ts";
import {
  channel,
  engineWith,
  ENVELOPE_PATCH,
  EVERYTHING_PATCH,
  everythingCommands,
  firstAbove,
  render,
  SAW_PATCH,
} from "./_engine_fixtures.ts";

Deno.test("AudioEngine.renderBlock() renders identical samples for the same commands", () => {
  const a = engineWith(EVERYTHING_PATCH, everythingCommands(), { seed: 5 });
  const b = engineWith(EVERYTHING_PATCH, everythingCommands(), { seed: 5 });
  const block = new Float32Array(a.blockSize * a.channels);
  const blockB = new Float32Array(block.length);
  let audible = 0;
  for (let i = 0; i < 80; i++) {
    a.renderBlock(block);
    b.renderBlock(blockB);
    equal(blockChecksum(block), blockChecksum(blockB), `block ${i}`);
    deepEqual(block, blockB);
    if (block.some((v) => v !== 0)) audible++;
  }
  ok(audible > 70, `only ${audible} audible blocks`);
  equal(a.stats.rejected, 0);
  equal(a.lastAppliedSeq, 9);
});

Deno.test("AudioEngine.renderBlock() depends on command timing and on the seed", () => {
  const base = everythingCommands();
  const shifted = base.map((c) =>
    c.kind === "s_new" && c.nodeId === 1001 ? { ...c, frame: c.frame + 1 } : c
  );
  const reference = render(engineWith(EVERYTHING_PATCH, base, { seed: 5 }), 40);
  const moved = render(engineWith(EVERYTHING_PATCH, shifted, { seed: 5 }), 40);
  notDeepEqual(moved, reference);
  // Identical up to the frame of the moved command (2100, stereo).
  deepEqual(moved.subarray(0, 2100 * 2), reference.subarray(0, 2100 * 2));
  const reseeded = render(engineWith(EVERYTHING_PATCH, base, { seed: 6 }), 40);
  notDeepEqual(reseeded, reference);
});

Deno.test("AudioEngine.schedule() applies a gate at its exact frame inside a block", () => {
  for (const frame of [0, 1000, 1023, 1024, 1279]) {
    const engine = engineWith(ENVELOPE_PATCH, [
      { kind: "gate", seq: 1, frame, module: "adsr1", on: true },
    ], { channels: 1, blockSize: 256 });
    const out = render(engine, 8);
    equal(firstAbove(out), frame, `gate at ${frame}`);
    // The attack is linear: 1 / (0.01 s × 48000) per sample.
    ok(Math.abs(out[frame] - 1 / 480) < 1e-6);
  }
});

Deno.test("AudioEngine.schedule() applies a command for a rendered frame at the next block", () => {
  const engine = engineWith(ENVELOPE_PATCH, [], {
    channels: 1,
    blockSize: 256,
  });
  render(engine, 4); // frames 0..1023
  engine.schedule({
    kind: "gate",
    seq: 1,
    frame: 100,
    module: "adsr1",
    on: true,
  });
  const out = render(engine, 2);
  equal(firstAbove(out), 0);
  equal(engine.frame, 6 * 256);
  equal(engine.blockIndex, 6);
});

Deno.test("AudioEngine.schedule() splits a block so a parameter changes at its frame", () => {
  const set: EngineCommand = {
    kind: "set",
    seq: 1,
    frame: 777,
    module: "osc1",
    param: "wave",
    value: 0,
  };
  const plain = render(engineWith(SAW_PATCH, [], { channels: 1 }), 6);
  const changed = render(engineWith(SAW_PATCH, [set], { channels: 1 }), 6);
  deepEqual(changed.subarray(0, 777), plain.subarray(0, 777));
  ok(changed[777] !== plain[777]);
});

Deno.test("AudioEngine.schedule() orders commands of one frame by seq and drops old seqs", () => {
  const engine = engineWith(ENVELOPE_PATCH, [], { channels: 1 });
  // Scheduled out of frame order; seq 2 (gate off) runs after seq 1 (on).
  equal(
    engine.schedule({
      kind: "gate",
      seq: 1,
      frame: 600,
      module: "adsr1",
      on: true,
    }),
    true,
  );
  equal(
    engine.schedule({
      kind: "gate",
      seq: 2,
      frame: 600,
      module: "adsr1",
      on: false,
    }),
    true,
  );
  equal(
    engine.schedule({
      kind: "gate",
      seq: 2,
      frame: 10,
      module: "adsr1",
      on: true,
    }),
    false,
  );
  const out = render(engine, 4);
  // On, then off, on the same sample: released before it rose. In the
  // other order the attack would have run.
  equal(firstAbove(out), -1);
  equal(engine.stats.stale, 1);
  equal(engine.stats.applied, 2);
});

Deno.test("AudioEngine.schedule() refuses commands when the queue is full", () => {
  const engine = new AudioEngine({ queueCapacity: 2 });
  equal(engine.schedule({ kind: "patch_abort", seq: 1, frame: 9000 }), true);
  equal(engine.schedule({ kind: "patch_abort", seq: 2, frame: 9000 }), true);
  equal(engine.schedule({ kind: "patch_abort", seq: 3, frame: 9000 }), false);
  equal(engine.stats.overflow, 1);
  equal(engine.pendingCommands, 2);
  equal(engine.lastScheduledSeq, 2);
});

Deno.test("AudioEngine.renderBlock() fills every channel and checks the block size", () => {
  const engine = engineWith(SAW_PATCH, [], { channels: 2, blockSize: 64 });
  const out = render(engine, 4);
  deepEqual(channel(out, 2, 0), channel(out, 2, 1));
  let threw = false;
  try {
    engine.renderBlock(new Float32Array(64));
  } catch (error) {
    threw = error instanceof RangeError;
  }
  equal(threw, true);
});

Deno.test("AudioEngine.renderBlock() gives the same samples for any block size", () => {
  // Segments follow absolute 32-frame boundaries, so 64- and 256-frame
  // blocks render the same stream.
  const commands = everythingCommands();
  const small = render(
    engineWith(EVERYTHING_PATCH, commands, { blockSize: 64 }),
    160,
  );
  const large = render(
    engineWith(EVERYTHING_PATCH, commands, { blockSize: 256 }),
    40,
  );
  deepEqual(small, large);
});
