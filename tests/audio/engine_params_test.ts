import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { AudioEngine } from "../../lib/audio/engine/engine.ts";
import { ParamBank } from "../../lib/audio/engine/param_bank.ts";
import { checkParamValue } from "../../lib/audio/engine/param_spec.ts";
import { MODULE_DEFS } from "../../lib/audio/engine/modules/module_registry.ts";
import { EngineCommandError } from "../../lib/audio/engine/engine_command_error.ts";
import type { EngineCommand } from "../../lib/audio/engine/commands.ts";
import type { PatchSpec } from "../../lib/audio/engine/patch_spec.ts";
import { render } from "./_engine_fixtures.ts";

Deno.test("checkParamValue() names module, parameter, range and value", () => {
  const cutoff = MODULE_DEFS.find((d) => d.type === "filter")!.params[1];
  throws(() => checkParamValue("filter1", "filter", cutoff, 30000), {
    name: "RangeError",
    message:
      "Expected parameter cutoff of module filter1 (filter) in [10, 20000] but found 30000",
  });
  throws(() => checkParamValue("filter1", "filter", cutoff, NaN), /found NaN/);
  const mode = MODULE_DEFS.find((d) => d.type === "filter")!.params[0];
  throws(() => checkParamValue("filter1", "filter", mode, 1.5), {
    message:
      "Expected parameter mode of module filter1 (filter) to be an integer in [0, 3] but found 1.5",
  });
  equal(checkParamValue("filter1", "filter", cutoff, 10), 10);
  equal(checkParamValue("filter1", "filter", cutoff, 20000), 20000);
});

Deno.test("Every module parameter has a default inside its range", () => {
  for (const def of MODULE_DEFS) {
    for (const spec of def.params) {
      ok(
        spec.min <= spec.default && spec.default <= spec.max,
        `${def.type}.${spec.name}`,
      );
      checkParamValue("x", def.type, spec, spec.default);
    }
  }
});

Deno.test("AudioEngine rejects a set out of range and reports it through onReject", () => {
  const errors: [EngineCommand, Error][] = [];
  const patch: PatchSpec = {
    modules: [{ id: "filter1", type: "biquad_filter" }],
    connections: [],
  };
  const engine = new AudioEngine({
    patch,
    onReject: (c, e) => errors.push([c, e]),
  });
  const bad: EngineCommand = {
    kind: "set",
    seq: 1,
    frame: 0,
    module: "filter1",
    param: "resonance",
    value: 40,
  };
  engine.schedule(bad);
  engine.schedule({
    kind: "set",
    seq: 2,
    frame: 0,
    module: "filter1",
    param: "bogus",
    value: 1,
  });
  engine.schedule({
    kind: "set",
    seq: 3,
    frame: 0,
    module: "nope",
    param: "q",
    value: 1,
  });
  engine.schedule({
    kind: "set",
    seq: 4,
    frame: 0,
    module: "filter1",
    param: "resonance",
    value: 4,
  });
  engine.schedule({
    kind: "gate",
    seq: 5,
    frame: 0,
    module: "filter1",
    on: true,
  });
  render(engine, 1);
  equal(errors.length, 4);
  equal(errors[0][0], bad);
  ok(errors[0][1] instanceof RangeError);
  equal(
    errors[0][1].message,
    "Expected parameter q of module filter1 (filter) in [0.1, 20] but found 40",
  );
  ok(
    errors[1][1] instanceof EngineCommandError &&
      /bogus/.test(errors[1][1].message),
  );
  ok(
    errors[2][1] instanceof EngineCommandError &&
      /nope/.test(errors[2][1].message),
  );
  ok(
    errors[3][1] instanceof EngineCommandError &&
      /gate/.test(errors[3][1].message),
  );
  equal(engine.paramValue("filter1", "q"), 4);
  equal(engine.stats.rejected, 4);
  equal(engine.stats.applied, 5);
});

Deno.test("AudioEngine rejects out-of-range initial patch values", () => {
  throws(
    () =>
      new AudioEngine({
        patch: {
          modules: [{ id: "o", type: "osc", params: { amp: 2 } }],
          connections: [],
        },
      }),
    /parameter amp of module o \(osc\) in \[0, 1\] but found 2/,
  );
  throws(() => new AudioEngine({ blockSize: 7 }), RangeError);
  throws(() => new AudioEngine({ channels: 0 }), RangeError);
  throws(() => new AudioEngine({ seed: -1 }), RangeError);
});

Deno.test("ParamBank ramps a smoothed change linearly over the ramp length", () => {
  const bank = new ParamBank([{
    name: "g",
    min: 0,
    max: 4,
    default: 1,
    smooth: true,
  }], 240);
  bank.set(0, 3);
  const values: number[] = [];
  for (let i = 0; i < 10; i++) {
    values.push(bank.start(0));
    bank.advance(32);
  }
  deepEqual(values.slice(0, 3), [1, 1 + 2 * 32 / 240, 1 + 2 * 64 / 240]);
  equal(values[8], 3);
  equal(bank.end(0, 1000), 3);
});

Deno.test("AudioEngine smooths a gain change over 5 ms from its frame", () => {
  const patch: PatchSpec = {
    modules: [
      {
        id: "dc",
        type: "osc",
        params: { wave: 2, freq: 0.1, amp: 1, pw: 0.99 },
      },
      { id: "g", type: "gain", params: { gain: 0.5 } },
      { id: "out", type: "output" },
    ],
    connections: [{ from: "dc", to: "g" }, { from: "g", to: "out" }],
  };
  const engine = new AudioEngine({ patch, channels: 1, blockSize: 256 });
  engine.schedule({
    kind: "set",
    seq: 1,
    frame: 1000,
    module: "g",
    param: "gain",
    value: 1,
  });
  const out = render(engine, 8);
  equal(out[999], 0.5);
  equal(out[1000], 0.5); // the ramp starts here
  ok(out[1001] > 0.5 && out[1001] < 0.51);
  ok(out[1120] > 0.7 && out[1120] < 0.8); // half-way through 240 frames
  // The ramp ends after 240 frames; per-sample interpolation runs along the
  // 32-frame control grid, so the last step lands on the grid point 1248.
  ok(out[1240] > 0.98 && out[1240] < 1);
  equal(out[1248], 1);
  // Monotonic rise, no step larger than 1/240 of the change.
  for (let i = 1000; i < 1248; i++) {
    ok(
      out[i + 1] >= out[i] && out[i + 1] - out[i] < 0.5 / 240 + 1e-6,
      `frame ${i}`,
    );
  }
});

Deno.test("AudioEngine LFO modulation is added to the parameter and clamped to its range", () => {
  const patch: PatchSpec = {
    modules: [
      {
        id: "dc",
        type: "osc",
        params: { wave: 2, freq: 0.1, amp: 1, pw: 0.99 },
      },
      { id: "g", type: "gain", params: { gain: 0.5 } },
      { id: "lfo1", type: "lfo", params: { rate: 10, depth: 1, shape: 2 } },
      { id: "out", type: "output", params: { level: 0.5 } },
    ],
    connections: [
      { from: "dc", to: "g" },
      { from: "lfo1", to: "g.gain" },
      { from: "g", to: "out" },
    ],
  };
  const engine = new AudioEngine({
    patch,
    channels: 1,
    sampleRate: 8000,
    blockSize: 64,
  });
  const out = render(engine, 30); // 240 ms: more than two LFO periods
  let max = 0, min = Infinity;
  for (const v of out) {
    max = Math.max(max, v);
    min = Math.min(min, v);
  }
  // 0.5 ± 1 clamped to the gain range [0, 4]: 1.5 and 0 (× output 0.5).
  ok(Math.abs(max - 0.75) < 1e-6, `max ${max}`);
  equal(min, 0);
});
