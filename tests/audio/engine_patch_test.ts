import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { planPatch } from "../../lib/audio/engine/patch_graph.ts";
import { PatchError } from "../../lib/audio/engine/patch_error.ts";
import { AudioEngine } from "../../lib/audio/engine/engine.ts";
import type { EngineCommand } from "../../lib/audio/engine/commands.ts";
import type { PatchSpec } from "../../lib/audio/engine/patch_spec.ts";
import { firstAbove, render, SAW_PATCH } from "./_engine_fixtures.ts";

function rejects(spec: PatchSpec, reason: string, message?: RegExp): void {
  throws(() => planPatch(spec), (error: unknown) => {
    ok(error instanceof PatchError, String(error));
    equal(error.reason, reason);
    if (message) ok(message.test(error.message), error.message);
    return true;
  });
}

Deno.test("planPatch() orders modules topologically, ties in patch order", () => {
  const plan = planPatch({
    modules: [
      { id: "out", type: "output" },
      { id: "delay1", type: "delay" },
      { id: "filter1", type: "filter" },
      { id: "lfo1", type: "lfo" },
      { id: "osc1", type: "osc" },
      { id: "osc2", type: "osc" },
    ],
    connections: [
      { from: "delay1", to: "out" },
      { from: "filter1", to: "delay1" },
      { from: "osc2", to: "filter1" },
      { from: "osc1", to: "filter1" },
      { from: "lfo1", to: "filter1.cutoff" },
    ],
  });
  // lfo1 (3), osc1 (4), osc2 (5) first, then filter1, delay1, out.
  deepEqual(plan.order, [3, 4, 5, 2, 1, 0]);
  deepEqual(plan.connections.map((c) => c.kind), [
    "audio",
    "audio",
    "audio",
    "audio",
    "control",
  ]);
});

Deno.test("planPatch() rejects cycles with their path", () => {
  rejects(
    {
      modules: [{ id: "g", type: "gain" }],
      connections: [{ from: "g", to: "g" }],
    },
    "cycle",
    /the cycle g -> g$/,
  );
  rejects(
    {
      modules: [
        { id: "osc1", type: "osc" },
        { id: "a", type: "gain" },
        { id: "b", type: "filter" },
        { id: "c", type: "delay" },
      ],
      connections: [
        { from: "osc1", to: "a" },
        { from: "a", to: "b" },
        { from: "b", to: "c" },
        { from: "c", to: "a" },
      ],
    },
    "cycle",
    /the cycle a -> b -> c -> a$/,
  );
  // A control edge closes a loop too.
  rejects({
    modules: [{ id: "l1", type: "lfo" }, { id: "l2", type: "lfo" }],
    connections: [{ from: "l1", to: "l2.rate" }, {
      from: "l2",
      to: "l1.depth",
    }],
  }, "cycle");
});

Deno.test("planPatch() rejects unknown modules, types, ports and parameters", () => {
  rejects(
    { modules: [{ id: "r", type: "reverb" }], connections: [] },
    "unknown_type",
    /"reverb"/,
  );
  rejects(
    {
      modules: [{ id: "osc1", type: "osc" }],
      connections: [{ from: "osc1", to: "nowhere" }],
    },
    "unknown_module",
    /nowhere/,
  );
  rejects(
    {
      modules: [{ id: "osc1", type: "osc" }, { id: "out", type: "output" }],
      connections: [{ from: "osc1.left", to: "out" }],
    },
    "unknown_port",
    /found left/,
  );
  rejects(
    {
      modules: [{ id: "osc1", type: "osc" }, { id: "out", type: "output" }],
      connections: [{ from: "osc1", to: "out.middle" }],
    },
    "unknown_port",
    /in, left, right, level\) but found middle/,
  );
  rejects(
    {
      modules: [{ id: "osc1", type: "osc" }, { id: "o2", type: "osc" }],
      connections: [{ from: "osc1", to: "o2" }],
    },
    "unknown_port",
    /has none/,
  );
  rejects({
    modules: [{ id: "osc1", type: "osc", params: { cutoff: 3 } }],
    connections: [],
  }, "unknown_param");
});

Deno.test("planPatch() rejects mismatched port kinds, duplicates, bad ids and limits", () => {
  rejects(
    {
      modules: [{ id: "osc1", type: "osc" }, { id: "f", type: "filter" }],
      connections: [{ from: "osc1", to: "f.cutoff" }],
    },
    "port_type",
    /control output/,
  );
  rejects(
    {
      modules: [{ id: "l", type: "lfo" }, { id: "f", type: "filter" }],
      connections: [{ from: "l", to: "f.in" }],
    },
    "port_type",
    /audio output/,
  );
  rejects(
    {
      modules: [{ id: "l", type: "lfo" }, { id: "p", type: "poly" }],
      connections: [{ from: "l", to: "p.voices" }],
    },
    "port_type",
    /not/,
  );
  rejects({
    modules: [{ id: "osc1", type: "osc" }, { id: "out", type: "output" }],
    connections: [{ from: "osc1", to: "out" }, {
      from: "osc1.out",
      to: "out.in",
    }],
  }, "duplicate_connection");
  rejects({
    modules: [{ id: "a", type: "osc" }, { id: "a", type: "gain" }],
    connections: [],
  }, "duplicate_module");
  rejects(
    { modules: [{ id: "a/b", type: "osc" }], connections: [] },
    "invalid_id",
  );
  rejects({
    modules: Array.from(
      { length: 65 },
      (_, i) => ({ id: `g${i}`, type: "gain" }),
    ),
    connections: [],
  }, "limit");
  throws(
    () =>
      planPatch({
        modules: [{ id: "f", type: "filter", params: { q: 99 } }],
        connections: [],
      }),
    RangeError,
  );
});

Deno.test("AudioEngine patch commands build off to the side and swap at a block boundary", () => {
  let seq = 0;
  const errors: Error[] = [];
  const engine = new AudioEngine({
    channels: 1,
    onReject: (_c, e) => errors.push(e),
  });
  const commands: EngineCommand[] = [
    {
      kind: "patch_create",
      seq: ++seq,
      frame: 0,
      id: "osc1",
      type: "simple_sine",
    },
    { kind: "patch_create", seq: ++seq, frame: 0, id: "env", type: "adsr" },
    { kind: "patch_create", seq: ++seq, frame: 0, id: "out", type: "output" },
    { kind: "patch_connect", seq: ++seq, frame: 0, from: "osc1", to: "env" },
    { kind: "patch_connect", seq: ++seq, frame: 0, from: "env", to: "out" },
    { kind: "patch_connect", seq: ++seq, frame: 0, from: "out", to: "osc1" }, // no output
    { kind: "patch_connect", seq: ++seq, frame: 0, from: "env", to: "osc1" }, // no input
    { kind: "gate", seq: ++seq, frame: 0, module: "env", on: true }, // pending module
    { kind: "patch_commit", seq: ++seq, frame: 300 }, // -> frame 512
  ];
  for (const c of commands) engine.schedule(c);
  const out = render(engine, 4);
  equal(errors.length, 2);
  ok(errors.every((e) => e instanceof PatchError));
  deepEqual(engine.moduleIds(), ["osc1", "env", "out"]);
  // Silent until the commit at the block boundary, then the primed gate
  // sounds from its first sample.
  equal(firstAbove(out), 513);
  equal(out[512], 0); // sine phase 0
});

Deno.test("AudioEngine patch_connect rejects a cycle and leaves the pending patch valid", () => {
  let seq = 0;
  const errors: Error[] = [];
  const engine = new AudioEngine({
    channels: 1,
    patch: SAW_PATCH,
    onReject: (_c, e) => errors.push(e),
  });
  const commands: EngineCommand[] = [
    { kind: "patch_create", seq: ++seq, frame: 0, id: "g1", type: "gain" },
    { kind: "patch_create", seq: ++seq, frame: 0, id: "g2", type: "gain" },
    { kind: "patch_connect", seq: ++seq, frame: 0, from: "g1", to: "g2" },
    { kind: "patch_connect", seq: ++seq, frame: 0, from: "g2", to: "g1" },
    { kind: "patch_commit", seq: ++seq, frame: 0 },
  ];
  for (const c of commands) engine.schedule(c);
  render(engine, 1);
  equal(errors.length, 1);
  ok(errors[0] instanceof PatchError && errors[0].reason === "cycle");
  deepEqual(engine.moduleIds(), ["osc1", "out", "g1", "g2"]);
});

Deno.test("AudioEngine patch commit keeps the state of modules kept by id and type", () => {
  // Re-committing the same patch must not reset the oscillator phase.
  let seq = 0;
  const plain = new AudioEngine({ channels: 1, patch: SAW_PATCH });
  const recommitted = new AudioEngine({ channels: 1, patch: SAW_PATCH });
  for (
    const c of [
      { kind: "patch_clear", seq: ++seq, frame: 0 },
      { kind: "patch_create", seq: ++seq, frame: 0, id: "osc1", type: "osc" },
      { kind: "patch_create", seq: ++seq, frame: 0, id: "out", type: "output" },
      {
        kind: "patch_connect",
        seq: ++seq,
        frame: 0,
        from: "osc1",
        to: "out.in",
      },
      { kind: "patch_commit", seq: ++seq, frame: 1024 },
    ] satisfies EngineCommand[]
  ) recommitted.schedule(c);
  deepEqual(render(recommitted, 8), render(plain, 8));
});

Deno.test("AudioEngine patch_abort and patch_disconnect edit the pending patch", () => {
  let seq = 0;
  const errors: Error[] = [];
  const engine = new AudioEngine({
    channels: 1,
    patch: SAW_PATCH,
    onReject: (_c, e) => errors.push(e),
  });
  const schedule = (c: EngineCommand) => engine.schedule(c);
  schedule({
    kind: "patch_create",
    seq: ++seq,
    frame: 0,
    id: "x",
    type: "gain",
  });
  schedule({ kind: "patch_abort", seq: ++seq, frame: 0 });
  schedule({
    kind: "patch_disconnect",
    seq: ++seq,
    frame: 0,
    from: "osc1.out",
    to: "out.in",
  });
  schedule({
    kind: "patch_disconnect",
    seq: ++seq,
    frame: 0,
    from: "osc1",
    to: "out",
  });
  schedule({ kind: "patch_commit", seq: ++seq, frame: 0 });
  const out = render(engine, 2);
  deepEqual(engine.moduleIds(), ["osc1", "out"]);
  equal(errors.length, 1); // the second disconnect
  ok(errors[0] instanceof PatchError && errors[0].reason === "not_connected");
  equal(firstAbove(out), -1);
});
