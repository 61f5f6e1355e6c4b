import { ok } from "node:assert/strict";
import { AudioEngine } from "../../lib/audio/engine/engine.ts";
import { defaultPatch } from "../../lib/audio/engine/demo_phrase.ts";
import type { EngineCommand } from "../../lib/audio/engine/commands.ts";
import { EVERYTHING_PATCH } from "./_engine_fixtures.ts";

/**
 * The median growth of the JS heap per call of `fn`, over nine windows of
 * `n` calls. Between collections the heap only grows by what is allocated
 * (plus the few hundred bytes of `Deno.memoryUsage()` itself); the median
 * ignores the windows in which a collection ran or code was compiled.
 */
function bytesPerCall(fn: () => void, n: number): number {
  const deltas: number[] = [];
  for (let w = 0; w < 9; w++) {
    const before = Deno.memoryUsage().heapUsed;
    for (let i = 0; i < n; i++) fn();
    deltas.push(Deno.memoryUsage().heapUsed - before);
  }
  deltas.sort((a, b) => a - b);
  return deltas[4] / n;
}

function busyEngine(patch = defaultPatch()): AudioEngine {
  const engine = new AudioEngine({ patch });
  const commands: EngineCommand[] = [];
  let seq = 0;
  for (let i = 0; i < 8; i++) {
    commands.push({
      kind: "s_new",
      seq: ++seq,
      frame: i * 100,
      defName: "lead",
      nodeId: 1000 + i,
      addAction: 0,
      target: 0,
      controls: [["note", 50 + 3 * i]],
    });
  }
  commands.push({
    kind: "s_new",
    seq: ++seq,
    frame: 0,
    defName: patch === EVERYTHING_PATCH ? "lead" : "bass",
    nodeId: 2000,
    addAction: 0,
    target: 0,
    controls: [["note", 38]],
  });
  for (const c of commands) engine.schedule(c);
  return engine;
}

Deno.test("AudioEngine.renderBlock() allocates nothing per block", () => {
  // The instrument works: one small allocation per call is visible.
  const scratch = new Float32Array(64);
  const leaky = bytesPerCall(() => {
    scratch.subarray(1, 9)[0] = 1;
  }, 500);
  ok(leaky >= 32, `a subarray per call measured ${leaky} bytes`);

  for (const patch of [defaultPatch(), EVERYTHING_PATCH]) {
    const engine = busyEngine(patch);
    const block = new Float32Array(engine.blockSize * engine.channels);
    const step = () => engine.renderBlock(block);
    for (let i = 0; i < 3000; i++) step(); // warm up the JIT
    const perBlock = bytesPerCall(step, 500);
    ok(perBlock < 4, `renderBlock allocated ${perBlock} bytes per block`);
    ok(block.some((v) => v !== 0), "the voices were audible");
  }
});
