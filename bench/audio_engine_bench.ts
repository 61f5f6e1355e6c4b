/**
 * Benchmarks of the deterministic audio engine (lib/audio/engine).
 *
 * As a bench file: `deno bench -A bench/audio_engine_bench.ts` measures one
 * 256-frame stereo block at 48 kHz (budget 5.33 ms) of a `poly` saw bank
 * with 1, 4 and 16 sounding voices through a swept lowpass and a delay, the
 * default patch playing the demo phrase, and the per-block overhead of an
 * empty patch, `blockChecksum`, and a snapshot/restore.
 *
 * As a script: `deno run -A bench/audio_engine_bench.ts [blocks, default
 * 5000]` renders that many blocks of the 16-voice patch with a note change
 * every 8 blocks (allocation, stealing, releases) and prints the mean, p99
 * and worst block time (over all blocks, and after the first 1000, once the
 * JIT has compiled the command paths too), and the share of the real-time
 * budget.
 *
 * @module
 */

import { AudioEngine } from "../lib/audio/engine/engine.ts";
import { blockChecksum } from "../lib/audio/engine/checksum.ts";
import type { EngineCommand } from "../lib/audio/engine/commands.ts";
import { demoPhrase } from "../lib/audio/engine/demo_phrase.ts";
import type { PatchSpec } from "../lib/audio/engine/patch_spec.ts";

const BLOCK = 256;
const RATE = 48000;

function voicePatch(): PatchSpec {
  return {
    modules: [
      {
        id: "bank",
        type: "poly",
        params: { voices: 16, wave: 1, amp: 0.05, sustain: 0.8 },
      },
      { id: "filter1", type: "filter", params: { cutoff: 2000, q: 2 } },
      { id: "lfo1", type: "lfo", params: { rate: 0.3, depth: 800 } },
      { id: "delay1", type: "delay", params: { time: 0.3, mix: 0.2 } },
      { id: "out", type: "output" },
    ],
    connections: [
      { from: "bank", to: "filter1" },
      { from: "lfo1", to: "filter1.cutoff" },
      { from: "filter1", to: "delay1" },
      { from: "delay1", to: "out" },
    ],
  };
}

/** An engine with `voices` held notes on the voice bank. */
function voices(count: number): AudioEngine {
  const engine = new AudioEngine({ patch: voicePatch() });
  for (let i = 0; i < count; i++) {
    engine.schedule({
      kind: "s_new",
      seq: i + 1,
      frame: 0,
      defName: "bank",
      nodeId: 1000 + i,
      addAction: 0,
      target: 0,
      controls: [["note", 40 + 2 * i]],
    });
  }
  const block = new Float32Array(BLOCK * 2);
  for (let i = 0; i < 500; i++) engine.renderBlock(block);
  return engine;
}

for (const count of [1, 4, 16]) {
  const engine = voices(count);
  const block = new Float32Array(BLOCK * 2);
  Deno.bench(`renderBlock(), ${count} voice(s), 256 frames stereo`, {
    group: "voices",
    baseline: count === 1,
  }, () => {
    engine.renderBlock(block);
  });
}

{
  const engine = new AudioEngine();
  const block = new Float32Array(BLOCK * 2);
  Deno.bench(
    "renderBlock(), empty patch (fixed cost)",
    { group: "voices" },
    () => {
      engine.renderBlock(block);
    },
  );
}

{
  const phrase = demoPhrase();
  const blocks = Math.ceil(phrase.frames / BLOCK);
  let engine = new AudioEngine({ patch: phrase.patch });
  let rendered = 0;
  const block = new Float32Array(BLOCK * 2);
  Deno.bench("renderBlock(), default patch playing the demo phrase", {
    group: "phrase",
  }, () => {
    if (rendered % blocks === 0) {
      engine = new AudioEngine({ patch: phrase.patch });
      for (const c of phrase.commands) engine.schedule(c);
    }
    engine.renderBlock(block);
    rendered++;
  });
}

{
  const block = new Float32Array(BLOCK * 2).map((_, i) => Math.sin(i));
  Deno.bench("blockChecksum(), 256 frames stereo", { group: "other" }, () => {
    blockChecksum(block);
  });
  const engine = voices(16);
  Deno.bench("snapshot() + restore(), 16 voices + 2 s delay line", {
    group: "other",
  }, () => {
    AudioEngine.restore(engine.snapshot());
  });
}

/** Renders `blocks` blocks with note changes, timing each block. */
function worstCase(blocks: number): void {
  const engine = voices(16);
  const block = new Float32Array(BLOCK * 2);
  const times = new Float64Array(blocks);
  let seq = 100;
  let node = 5000;
  for (let b = 0; b < blocks; b++) {
    if (b % 8 === 0) {
      // A new note steals the oldest voice; an older one is released.
      const frame = engine.frame + (b * 37) % BLOCK;
      const on: EngineCommand = {
        kind: "s_new",
        seq: ++seq,
        frame,
        defName: "bank",
        nodeId: ++node,
        addAction: 0,
        target: 0,
        controls: [["note", 40 + (node % 24)]],
      };
      engine.schedule(on);
      if (node - 4 > 5000) {
        engine.schedule({
          kind: "n_set",
          seq: ++seq,
          frame: frame + 100,
          nodeId: node - 4,
          controls: [["gate", 0]],
        });
      }
    }
    const t0 = performance.now();
    engine.renderBlock(block);
    times[b] = performance.now() - t0;
  }
  const sorted = times.slice().sort();
  const warm = times.slice(Math.min(1000, blocks - 1)).sort();
  const mean = times.reduce((a, b) => a + b, 0) / blocks;
  const budget = (BLOCK / RATE) * 1000;
  const us = (x: number) => `${(x * 1000).toFixed(1)} µs`;
  const share = (x: number) => `${((100 * x) / budget).toFixed(1)} %`;
  console.log(`blocks: ${blocks} (16 voices, 256 frames stereo, 48 kHz)`);
  console.log(
    `mean ${us(mean)}, p99 ${us(sorted[Math.floor(blocks * 0.99)])}, worst ${
      us(sorted[blocks - 1])
    }, worst after block 1000 ${us(warm[warm.length - 1])}`,
  );
  console.log(
    `budget ${budget.toFixed(2)} ms per block: mean ${share(mean)}, worst ${
      share(sorted[blocks - 1])
    }, worst warm ${share(warm[warm.length - 1])}`,
  );
  console.log(`rejected commands: ${engine.stats.rejected}`);
}

if (import.meta.main) worstCase(Number(Deno.args[0] ?? 5000));
