import { deepEqual, equal, ok } from "node:assert/strict";
import { AudioEngine } from "../../lib/audio/engine/engine.ts";
import type {
  EngineCommand,
  SynthNewCommand,
} from "../../lib/audio/engine/commands.ts";
import { ENV_RELEASE } from "../../lib/audio/engine/envelope.ts";
import type { PatchSpec } from "../../lib/audio/engine/patch_spec.ts";
import { firstAbove, render } from "./_engine_fixtures.ts";

const POLY_PATCH: PatchSpec = {
  modules: [
    {
      id: "lead",
      type: "poly",
      params: { voices: 3, wave: 0, amp: 0.3, attack: 0.001, release: 0.01 },
    },
    { id: "pad", type: "poly", params: { voices: 2, wave: 3 } },
    { id: "out", type: "output" },
  ],
  connections: [{ from: "lead", to: "out" }, { from: "pad", to: "out" }],
};

function engine(): { engine: AudioEngine; errors: Error[] } {
  const errors: Error[] = [];
  const e = new AudioEngine({
    patch: POLY_PATCH,
    channels: 1,
    onReject: (_command, error) => errors.push(error),
  });
  return { engine: e, errors };
}

let seq = 0;
function sNew(
  nodeId: number,
  frame: number,
  controls: SynthNewCommand["controls"] = [],
  defName = "lead",
  addAction = 0,
  target = 0,
): SynthNewCommand {
  return {
    kind: "s_new",
    seq: ++seq,
    frame,
    defName,
    nodeId,
    addAction,
    target,
    controls,
  };
}

function run(e: AudioEngine, commands: EngineCommand[], blocks = 1): void {
  for (const c of commands) e.schedule(c);
  render(e, blocks);
}

Deno.test("AudioEngine s_new steals the oldest voice when all are busy", () => {
  const { engine: e, errors } = engine();
  run(e, [
    sNew(1000, 0, [["freq", 200]]),
    sNew(1001, 10, [["freq", 300]]),
    sNew(1002, 20, [["freq", 400]]),
    sNew(1003, 30, [["freq", 500]]), // steals 1000 (slot 0)
    sNew(1004, 40, [["freq", 600]]), // steals 1001 (slot 1)
  ]);
  equal(errors.length, 0);
  const voices = e.voices("lead");
  deepEqual(voices.map((v) => [v.slot, v.nodeId, v.freq]), [
    [0, 1003, 500],
    [1, 1004, 600],
    [2, 1002, 400],
  ]);
  // The stolen nodes are gone: addressing them is an error.
  run(e, [{
    kind: "n_set",
    seq: ++seq,
    frame: 0,
    nodeId: 1000,
    controls: [["amp", 0.5]],
  }]);
  equal(errors.length, 1);
  equal(errors[0].name, "EngineCommandError");
});

Deno.test("AudioEngine voice allocation is deterministic across engines", () => {
  const commands: EngineCommand[] = [];
  for (let i = 0; i < 40; i++) {
    commands.push(sNew(2000 + i, i * 300, [["note", 48 + (i * 7) % 24]]));
    if (i % 3 === 0) {
      commands.push({
        kind: "n_set",
        seq: ++seq,
        frame: i * 300 + 500,
        nodeId: 2000 + i,
        controls: [["gate", 0]],
      });
    }
  }
  const a = engine().engine;
  const b = engine().engine;
  for (const c of commands) {
    a.schedule(c);
    b.schedule(c);
  }
  deepEqual(render(a, 60), render(b, 60));
  deepEqual(a.voices("lead"), b.voices("lead"));
});

Deno.test("AudioEngine n_set gate 0 releases a voice and frees it after the release", () => {
  const { engine: e, errors } = engine();
  run(e, [sNew(1000, 0, [["note", 69], ["amp", 0.5]])], 2);
  equal(e.voices("lead")[0].freq, 440);
  run(e, [{
    kind: "n_set",
    seq: ++seq,
    frame: 0,
    nodeId: 1000,
    controls: [["gate", 0]],
  }], 0);
  render(e, 1);
  equal(e.voices("lead")[0].stage, ENV_RELEASE);
  render(e, 3); // release 10 ms = 480 frames
  deepEqual(e.voices("lead"), []);
  // The node id is free again.
  run(e, [sNew(1000, 0)]);
  equal(e.voices("lead").length, 1);
  equal(errors.length, 0);
});

Deno.test("AudioEngine s_new with gate 0 waits silently until n_set gate 1", () => {
  const { engine: e } = engine();
  e.schedule(sNew(1000, 0, [["gate", 0]]));
  e.schedule({
    kind: "n_set",
    seq: ++seq,
    frame: 600,
    nodeId: 1000,
    controls: [["gate", 1]],
  });
  const out = render(e, 4);
  equal(firstAbove(out), 600);
});

Deno.test("AudioEngine n_free stops a voice at its frame", () => {
  const { engine: e } = engine();
  e.schedule(sNew(1000, 0, [["freq", 300]]));
  e.schedule({ kind: "n_free", seq: ++seq, frame: 400, nodeIds: [1000] });
  const out = render(e, 4);
  ok(out.subarray(100, 400).some((v) => v !== 0));
  ok(out.subarray(400).every((v) => v === 0));
  deepEqual(e.voices("lead"), []);
});

Deno.test("AudioEngine groups: g_new, n_set on a group, g_freeAll and n_free of a group", () => {
  const { engine: e, errors } = engine();
  run(e, [
    {
      kind: "g_new",
      seq: ++seq,
      frame: 0,
      groupId: 10,
      addAction: 0,
      target: 0,
    },
    {
      kind: "g_new",
      seq: ++seq,
      frame: 0,
      groupId: 11,
      addAction: 0,
      target: 10,
    },
    sNew(1000, 0, [], "lead", 0, 10),
    sNew(1001, 0, [], "lead", 1, 11),
    sNew(1002, 0, [], "pad", 0, 0),
    sNew(1003, 0, [], "lead", 3, 1001), // after 1001: group 11
  ]);
  equal(errors.length, 0);
  deepEqual(e.groups(), [[10, 0], [11, 10]]);
  deepEqual(e.voices("lead").map((v) => [v.nodeId, v.group]), [[1000, 10], [
    1001,
    11,
  ], [1003, 11]]);
  run(e, [{
    kind: "n_set",
    seq: ++seq,
    frame: 0,
    nodeId: 10,
    controls: [["freq", 123]],
  }]);
  deepEqual(e.voices("lead").map((v) => v.freq), [123, 123, 123]);
  equal(e.voices("pad")[0].freq, 440);
  // g_freeAll frees what is in the group (voices and subgroups), keeps it.
  run(e, [{ kind: "g_freeAll", seq: ++seq, frame: 0, groupIds: [11] }]);
  deepEqual(e.voices("lead").map((v) => v.nodeId), [1000]);
  deepEqual(e.groups(), [[10, 0], [11, 10]]);
  run(e, [{ kind: "g_freeAll", seq: ++seq, frame: 0, groupIds: [10] }]);
  deepEqual(e.voices("lead"), []);
  deepEqual(e.groups(), [[10, 0]]);
  // n_free of a group frees it with everything in it.
  run(e, [sNew(1004, 0, [], "lead", 0, 10)]);
  run(e, [{ kind: "n_free", seq: ++seq, frame: 0, nodeIds: [10] }]);
  deepEqual(e.voices("lead"), []);
  deepEqual(e.groups(), []);
  equal(e.voices("pad").length, 1);
  equal(errors.length, 0);
});

Deno.test("AudioEngine s_new replace (add action 4) takes the target's place", () => {
  const { engine: e, errors } = engine();
  run(e, [
    {
      kind: "g_new",
      seq: ++seq,
      frame: 0,
      groupId: 5,
      addAction: 0,
      target: 0,
    },
    sNew(1000, 0, [], "lead", 0, 5),
    sNew(1001, 0, [], "pad", 4, 1000),
  ]);
  equal(errors.length, 0);
  deepEqual(e.voices("lead"), []);
  deepEqual(e.voices("pad").map((v) => [v.nodeId, v.group]), [[1001, 5]]);
});

Deno.test("AudioEngine rejects bad node commands and keeps rendering", () => {
  const { engine: e, errors } = engine();
  run(e, [
    sNew(1000, 0),
    sNew(1000, 0), // duplicate node id
    sNew(1001, 0, [], "reverb"), // unknown definition
    sNew(1002, 0, [["cutoff", 100]]), // unknown control
    sNew(1003, 0, [["freq", 1e6]]), // out of range
    sNew(1004, 0, [], "lead", 0, 99), // unknown group
    { kind: "n_free", seq: ++seq, frame: 0, nodeIds: [0] }, // the root
    {
      kind: "g_new",
      seq: ++seq,
      frame: 0,
      groupId: 1000,
      addAction: 0,
      target: 0,
    },
    { kind: "g_freeAll", seq: ++seq, frame: 0, groupIds: [77] },
  ]);
  equal(errors.length, 8);
  equal(e.stats.rejected, 8);
  ok(
    errors.some((error) =>
      error instanceof RangeError && /cutoff/.test(error.message)
    ),
  );
  ok(
    errors.some((error) =>
      error instanceof RangeError && /1000000/.test(error.message)
    ),
  );
  deepEqual(e.voices("lead").map((v) => v.nodeId), [1000]);
});

Deno.test('AudioEngine s_new "default" uses the first poly, node -1 is anonymous', () => {
  const { engine: e, errors } = engine();
  run(e, [sNew(-1, 0, [], "default"), sNew(-1, 0, [], "default")]);
  equal(errors.length, 0);
  deepEqual(e.voices("lead").map((v) => v.nodeId), [-1, -1]);
});

Deno.test("AudioEngine gate on a poly plays its freq parameter and follows it", () => {
  const { engine: e, errors } = engine();
  run(e, [
    {
      kind: "set",
      seq: ++seq,
      frame: 0,
      module: "lead",
      param: "freq",
      value: 330,
    },
    { kind: "gate", seq: ++seq, frame: 0, module: "lead", on: true },
  ], 2);
  deepEqual(e.voices("lead").map((v) => [v.nodeId, v.freq]), [[-1, 330]]);
  run(e, [{
    kind: "set",
    seq: ++seq,
    frame: 0,
    module: "lead",
    param: "freq",
    value: 440,
  }], 2);
  equal(e.voices("lead")[0].freq, 440);
  run(
    e,
    [{ kind: "gate", seq: ++seq, frame: 0, module: "lead", on: false }],
    4,
  );
  deepEqual(e.voices("lead"), []);
  equal(errors.length, 0);
});

Deno.test("AudioEngine lowering a poly's voices frees the voices above the count", () => {
  const { engine: e } = engine();
  run(e, [sNew(1, 0), sNew(2, 0), sNew(3, 0)]);
  equal(e.voices("lead").length, 3);
  run(e, [{
    kind: "set",
    seq: ++seq,
    frame: 0,
    module: "lead",
    param: "voices",
    value: 1,
  }]);
  deepEqual(e.voices("lead").map((v) => v.nodeId), [1]);
  run(e, [sNew(4, 0)]);
  deepEqual(e.voices("lead").map((v) => v.nodeId), [4]);
});
