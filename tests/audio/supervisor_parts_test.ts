import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { BlockRing } from "../../lib/audio/supervisor/block_ring.ts";
import { CommandLog } from "../../lib/audio/supervisor/command_log.ts";
import { workerCommand } from "../../lib/audio/supervisor/worker_command.ts";
import { WorkerProcess } from "../../lib/audio/supervisor/worker_process.ts";
import {
  FromWorker,
  readF64,
  readU32,
  ToWorker,
} from "../../lib/audio/worker/protocol.ts";

Deno.test("BlockRing.store() copies unaligned samples and tags them by index", () => {
  const ring = new BlockRing({ slots: 3, samplesPerBlock: 4 });
  const samples = new Float32Array([1, -1, 0.5, 0.25]);
  const frame = new Uint8Array(1 + 16);
  frame.set(new Uint8Array(samples.buffer), 1); // odd offset
  ring.store(5, 7, frame, 1);
  ok(ring.has(5));
  equal(ring.has(2), false);
  equal(ring.checksum(5), 7);
  deepEqual([...ring.samples(5)], [...samples]);
  ring.store(8, 1, frame, 1); // 8 % 3 === 5 % 3
  equal(ring.has(5), false);
  ring.clear();
  equal(ring.has(8), false);
  throws(() => new BlockRing({ slots: 0, samplesPerBlock: 4 }), RangeError);
});

Deno.test("CommandLog.trimThrough() keeps exactly the commands after a checkpoint", () => {
  const log = new CommandLog({ capacity: 100 });
  for (let seq = 1; seq <= 10; seq++) log.append(seq, new Uint8Array([seq]));
  log.trimThrough(6);
  equal(log.size, 4);
  ok(log.canReplayAfter(6));
  equal(log.canReplayAfter(5), false);
  deepEqual(log.since(8).map((e) => e.seq), [9, 10]);
  throws(() => log.append(10, new Uint8Array(1)), RangeError);
});

Deno.test("CommandLog.append() bounded by bytes drops the oldest and says so", () => {
  const log = new CommandLog({ capacity: 100, maxBytes: 10 });
  for (let seq = 1; seq <= 5; seq++) log.append(seq, new Uint8Array(4));
  equal(log.bytes, 8);
  equal(log.droppedThrough, 3);
  equal(log.canReplayAfter(2), false);
  ok(log.canReplayAfter(3));
});

Deno.test("workerCommand() runs the main module under deno and the binary itself when compiled", () => {
  deepEqual(
    workerCommand({
      execPath: "/usr/bin/deno",
      mainModule: "file:///srv/dist/shack.js",
    }),
    {
      command: "/usr/bin/deno",
      args: [
        "run",
        "-q",
        "--no-prompt",
        "--unstable-net",
        "file:///srv/dist/shack.js",
        "audio",
        "worker",
      ],
    },
  );
  deepEqual(
    workerCommand({ execPath: "C:\\bin\\deno.exe", mainModule: "file:///a.ts" })
      .args.at(-3),
    "file:///a.ts",
  );
  deepEqual(workerCommand({ execPath: "/opt/shack", entry: "file:///x.ts" }), {
    command: "/opt/shack",
    args: ["audio", "worker"],
  });
  deepEqual(
    workerCommand({
      execPath: "/usr/bin/deno",
      entry: "file:///w.ts",
      denoFlags: ["--v8-flags=--max-old-space-size=64"],
    }).args,
    [
      "run",
      "-q",
      "--no-prompt",
      "--unstable-net",
      "--v8-flags=--max-old-space-size=64",
      "file:///w.ts",
    ],
  );
});

Deno.test("WorkerProcess.spawn() talks frames with a real worker and close() ends it", async () => {
  const frames: number[] = [];
  const blocks: number[] = [];
  const hello = Promise.withResolvers<void>();
  const got = Promise.withResolvers<void>();
  const exited = Promise.withResolvers<number>();
  const worker = WorkerProcess.spawn({
    command: workerCommand({
      entry: new URL("../../lib/audio/worker/main.ts", import.meta.url),
    }),
    onFrame: (type, bytes, offset) => {
      frames.push(type);
      if (type === FromWorker.Hello) {
        equal(readU32(bytes, offset + 8) > 0, true);
        hello.resolve();
      }
      if (type === FromWorker.Block) {
        blocks.push(readF64(bytes, offset + 8));
        if (blocks.length === 5) got.resolve();
      }
    },
    onExit: (e) => exited.resolve(e.code),
  });
  try {
    await hello.promise;
    worker.writer.send(
      ToWorker.Init,
      new TextEncoder().encode(
        JSON.stringify({
          sampleRate: 8000,
          blockSize: 32,
          channels: 1,
          seed: 1,
        }),
      ),
    );
    worker.writer.sendF64(ToWorker.Credit, 5);
    await got.promise;
    deepEqual(blocks, [0, 1, 2, 3, 4]);
    deepEqual(frames.slice(0, 2), [FromWorker.Hello, FromWorker.Ready]);
  } finally {
    await worker.close();
  }
  equal(await exited.promise, 0, "a stop frame ends it cleanly");
});

Deno.test("WorkerProcess.close() kills a stopped (SIGSTOP) worker", async () => {
  const hello = Promise.withResolvers<void>();
  const worker = WorkerProcess.spawn({
    command: workerCommand({
      entry: new URL("../../lib/audio/worker/main.ts", import.meta.url),
    }),
    onFrame: (type) => {
      if (type === FromWorker.Hello) hello.resolve();
    },
    onExit: () => {},
  });
  try {
    await hello.promise;
    Deno.kill(worker.pid, "SIGSTOP");
  } finally {
    await worker.close(50);
  }
  equal(worker.exit?.signal, "SIGKILL");
});
