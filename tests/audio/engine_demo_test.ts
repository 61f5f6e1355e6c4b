import { deepEqual, equal, ok } from "node:assert/strict";
import { AudioEngine } from "../../lib/audio/engine/engine.ts";
import { blockChecksum } from "../../lib/audio/engine/checksum.ts";
import {
  defaultPatch,
  demoPhrase,
} from "../../lib/audio/engine/demo_phrase.ts";
import { planPatch } from "../../lib/audio/engine/patch_graph.ts";
import { channel, render } from "./_engine_fixtures.ts";

function playPhrase(
  seed: number,
): { samples: Float32Array; engine: AudioEngine; checksums: number[] } {
  const phrase = demoPhrase();
  const engine = new AudioEngine({ patch: phrase.patch, seed });
  for (const c of phrase.commands) ok(engine.schedule(c));
  const block = new Float32Array(engine.blockSize * engine.channels);
  const blocks = Math.ceil(phrase.frames / engine.blockSize);
  const samples = new Float32Array(block.length * blocks);
  const checksums: number[] = [];
  for (let b = 0; b < blocks; b++) {
    engine.renderBlock(block);
    samples.set(block, b * block.length);
    checksums.push(blockChecksum(block));
  }
  return { samples, engine, checksums };
}

Deno.test("demoPhrase() is audible, does not clip and runs without rejections", () => {
  const { samples, engine } = playPhrase(1);
  const left = channel(samples, 2, 0);
  let peak = 0;
  let energy = 0;
  for (const v of left) {
    peak = Math.max(peak, Math.abs(v));
    energy += v * v;
  }
  const rms = Math.sqrt(energy / left.length);
  ok(peak > 0.2 && peak < 1, `peak ${peak}`);
  ok(rms > 0.03, `rms ${rms}`);
  equal(engine.stats.rejected, 0);
  equal(engine.stats.clipped, 0);
  equal(engine.pendingCommands, 0);
  // Every quarter second of the four bars has sound.
  const quarter = 12000;
  for (let start = 0; start + quarter <= 6.4 * 48000; start += quarter) {
    ok(
      left.subarray(start, start + quarter).some((v) => Math.abs(v) > 0.01),
      `at ${start}`,
    );
  }
});

Deno.test("demoPhrase() renders the same checksums on two runs", () => {
  const a = playPhrase(1);
  const b = playPhrase(1);
  deepEqual(a.checksums, b.checksums);
  deepEqual(a.samples, b.samples);
  ok(new Set(a.checksums).size > a.checksums.length / 2);
});

Deno.test("demoPhrase() scales to other rates and offsets", () => {
  const phrase = demoPhrase({
    sampleRate: 44100,
    firstSeq: 100,
    startFrame: 4410,
  });
  equal(phrase.commands[0].seq, 100);
  equal(phrase.commands[0].frame, 4410);
  equal(phrase.frames, Math.round(6.4 * 44100 + 1.2 * 44100));
  const engine = new AudioEngine({ sampleRate: 44100, patch: phrase.patch });
  for (const c of phrase.commands) engine.schedule(c);
  const out = render(engine, 20);
  ok(out.subarray(0, 4410 * 2).every((v) => v === 0));
  ok(out.subarray(4410 * 2).some((v) => v !== 0));
});

Deno.test("defaultPatch() is a valid graph ending in the output", () => {
  const patch = defaultPatch();
  const plan = planPatch(patch);
  equal(patch.modules[plan.order[plan.order.length - 1]].id, "out");
});
