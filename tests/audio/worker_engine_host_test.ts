import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import {
  AudioWorker,
  checksumBytes,
} from "../../lib/audio/worker/audio_worker.ts";
import {
  encodeFrame,
  FromWorker,
  readF64,
  readU32,
  ToWorker,
  writeF64,
} from "../../lib/audio/worker/protocol.ts";
import { runAudioWorker } from "../../lib/audio/worker/run_worker.ts";
import {
  AudioEngine,
  blockChecksum,
  demoPhrase,
  encodeCommand,
} from "../../lib/audio/engine/mod.ts";

const SR = 16000;
const BS = 64;
const CH = 2;

function harness() {
  const out: Uint8Array[] = [];
  const exits: number[] = [];
  const worker = new AudioWorker({
    write: (b) => out.push(b.slice()),
    exit: (code) => exits.push(code),
    pid: 42,
  });
  const feed = (f: Uint8Array) =>
    worker.handleFrame(readU32(f, 4), f, 0, f.length);
  const f64 = (type: number, v: number) => {
    const p = new Uint8Array(8);
    writeF64(p, 0, v);
    feed(encodeFrame(type, p));
  };
  const blocks = () =>
    out.filter((f) => readU32(f, 4) === FromWorker.Block).map((f) => ({
      index: readF64(f, 8),
      checksum: readU32(f, 16),
      samples: new Float32Array(f.slice(24).buffer),
    }));
  return { worker, out, exits, feed, f64, blocks };
}

function initFrame(patch: unknown) {
  return encodeFrame(
    ToWorker.Init,
    new TextEncoder().encode(
      JSON.stringify({
        sampleRate: SR,
        blockSize: BS,
        channels: CH,
        seed: 3,
        patch,
      }),
    ),
  );
}

function reference(blocks: number) {
  const phrase = demoPhrase({ sampleRate: SR });
  const engine = new AudioEngine({
    sampleRate: SR,
    blockSize: BS,
    channels: CH,
    seed: 3,
    patch: phrase.patch,
  });
  for (const c of phrase.commands) engine.schedule(c);
  const out: Float32Array[] = [];
  for (let i = 0; i < blocks; i++) {
    const b = new Float32Array(BS * CH);
    engine.renderBlock(b);
    out.push(b);
  }
  return out;
}

Deno.test("AudioWorker.handleFrame() renders exactly the credited blocks, identical to the engine", () => {
  const h = harness();
  h.worker.hello();
  equal(readU32(h.out[0], 4), FromWorker.Hello);
  equal(readU32(h.out[0], 8), 42);
  const phrase = demoPhrase({ sampleRate: SR });
  h.feed(initFrame(phrase.patch));
  equal(readU32(h.out[1], 4), FromWorker.Ready);
  for (const c of phrase.commands) {
    h.feed(encodeFrame(ToWorker.Command, encodeCommand(c)));
  }
  h.f64(ToWorker.Credit, 10);
  h.f64(ToWorker.Credit, 7); // a smaller credit never takes back
  h.f64(ToWorker.Credit, 40);
  const got = h.blocks();
  equal(got.length, 40);
  const ref = reference(40);
  got.forEach((b, i) => {
    equal(b.index, i);
    deepEqual(b.samples, ref[i]);
    equal(b.checksum, blockChecksum(ref[i]));
  });
  ok(got.some((b) => b.samples.some((v) => v !== 0)), "the phrase is audible");
});

Deno.test("AudioWorker.handleFrame() snapshot + restore continues bit-identically", () => {
  const a = harness();
  const phrase = demoPhrase({ sampleRate: SR });
  a.feed(initFrame(phrase.patch));
  for (const c of phrase.commands) {
    a.feed(encodeFrame(ToWorker.Command, encodeCommand(c)));
  }
  a.f64(ToWorker.Credit, 25);
  a.f64(ToWorker.Snapshot, 9);
  const snap = a.out.find((f) => readU32(f, 4) === FromWorker.Snapshot)!;
  equal(readF64(snap, 8), 9);
  equal(readF64(snap, 16), 25);
  equal(readF64(snap, 24), phrase.commands.at(-1)!.seq);
  const b = harness();
  b.feed(encodeFrame(ToWorker.Restore, snap.slice(32)));
  const ready = b.out.find((f) => readU32(f, 4) === FromWorker.Ready)!;
  equal(readF64(ready, 8), 25);
  a.f64(ToWorker.Credit, 60);
  b.f64(ToWorker.Credit, 60);
  const fromA = a.blocks().slice(25);
  const fromB = b.blocks();
  equal(fromB.length, 35);
  fromB.forEach((blk, i) => {
    equal(blk.index, fromA[i].index);
    equal(blk.checksum, fromA[i].checksum);
  });
});

Deno.test("AudioWorker.handleFrame() Inject flips one sample of one block only", () => {
  const clean = harness();
  const bad = harness();
  for (const h of [clean, bad]) {
    h.feed(initFrame(demoPhrase({ sampleRate: SR }).patch));
  }
  bad.f64(ToWorker.Inject, 3);
  for (const h of [clean, bad]) h.f64(ToWorker.Credit, 6);
  const c = clean.blocks();
  const d = bad.blocks();
  for (let i = 0; i < 6; i++) {
    if (i === 3) notEqual(d[i].checksum, c[i].checksum);
    else equal(d[i].checksum, c[i].checksum);
  }
});

Deno.test("AudioWorker.handleFrame() answers a frame before init with an error and exit 1", () => {
  const h = harness();
  h.f64(ToWorker.Credit, 1);
  equal(readU32(h.out[0], 4), FromWorker.Error);
  deepEqual(h.exits, [1]);
  ok(h.worker.stopped);
});

Deno.test("AudioWorker.handleFrame() reports a rejected command and keeps rendering", () => {
  const h = harness();
  h.feed(initFrame(demoPhrase({ sampleRate: SR }).patch));
  h.feed(
    encodeFrame(
      ToWorker.Command,
      encodeCommand({
        kind: "set",
        seq: 1,
        frame: 0,
        module: "nope",
        param: "x",
        value: 1,
      }),
    ),
  );
  h.feed(encodeFrame(ToWorker.Command, new Uint8Array([200])));
  h.f64(ToWorker.Credit, 2);
  const rejects = h.out.filter((f) => readU32(f, 4) === FromWorker.Reject);
  equal(rejects.length, 2);
  equal(readF64(rejects[0], 8), -1); // undecodable: no seq
  equal(readF64(rejects[1], 8), 1);
  equal(h.blocks().length, 2);
  equal(h.worker.stats.rejected, 2);
});

Deno.test("checksumBytes() equals the engine's blockChecksum()", () => {
  const block = new Float32Array(512).map((_, i) => Math.sin(i));
  equal(checksumBytes(new Uint8Array(block.buffer)), blockChecksum(block));
});

Deno.test("runAudioWorker() says hello, renders on credit and ends at Stop", async () => {
  const input: Uint8Array[] = [
    initFrame(undefined),
    (() => {
      const p = new Uint8Array(8);
      writeF64(p, 0, 3);
      return encodeFrame(ToWorker.Credit, p);
    })(),
    encodeFrame(ToWorker.Stop, new Uint8Array(0)),
  ];
  const written: number[] = [];
  const pending = Promise.withResolvers<number | null>();
  const code = await runAudioWorker({
    input: {
      read(p) {
        const next = input.shift();
        if (!next) return pending.promise; // never ends by itself
        p.set(next);
        return Promise.resolve(next.length);
      },
    },
    output: {
      writeSync(p) {
        if (p.length >= 8) written.push(readU32(p, 4));
        return p.length;
      },
    },
    ignoreSigint: false,
  });
  pending.resolve(null);
  equal(code, 0);
  deepEqual(written, [
    FromWorker.Hello,
    FromWorker.Ready,
    FromWorker.Block,
    FromWorker.Block,
    FromWorker.Block,
  ]);
});

Deno.test("runAudioWorker() returns 1 when its output breaks", async () => {
  let reads = 0;
  const code = await runAudioWorker({
    input: {
      read(p) {
        if (reads++ > 0) return Promise.resolve(null);
        const f = initFrame(undefined);
        p.set(f);
        return Promise.resolve(f.length);
      },
    },
    output: {
      writeSync() {
        throw new Deno.errors.BrokenPipe("gone");
      },
    },
    ignoreSigint: false,
  });
  equal(code, 1);
});
