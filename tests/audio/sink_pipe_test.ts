import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { PipeExitedError, PipeSink } from "../../lib/audio/sinks/pipe_sink.ts";
import {
  detectPipeTool,
  findExecutable,
  type PipeTool,
  pipeToolArgs,
  PipeToolNotFoundError,
} from "../../lib/audio/sinks/pipe_tools.ts";

const FORMAT = { sampleRate: 48000, channels: 2, blockSize: 256 };

/**
 * A temporary PATH directory with fake tools: each records its arguments
 * (one per line), its PULSE_SERVER and its stdin into `<dir>/<name>.*`.
 */
async function withFakeTools(
  tools: readonly string[],
  fn: (dir: string) => Promise<void>,
  body = 'cat > "$0.stdin"',
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shack_pipe_" });
  try {
    for (const tool of tools) {
      const path = `${dir}/${tool}`;
      await Deno.writeTextFile(
        path,
        `#!/bin/sh\nprintf '%s\\n' "$@" > "$0.args"\nprintf '%s' "$PULSE_SERVER" > "$0.env"\n${body}\n`,
      );
      await Deno.chmod(path, 0o755);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function recordedArgs(dir: string, tool: string): Promise<string[]> {
  return (await Deno.readTextFile(`${dir}/${tool}.args`)).trimEnd().split("\n");
}

Deno.test("pipeToolArgs() gives each tool its raw-PCM command line", () => {
  const format = { sampleRate: 44100, channels: 1 };
  deepEqual(pipeToolArgs("pw-cat", format, "s16le"), [
    "--playback",
    "--rate",
    "44100",
    "--channels",
    "1",
    "--format",
    "s16",
    "-",
  ]);
  deepEqual(pipeToolArgs("pacat", format, "f32le"), [
    "--playback",
    "--raw",
    "--rate=44100",
    "--channels=1",
    "--format=float32le",
  ]);
  deepEqual(pipeToolArgs("aplay", format, "f32le").slice(-2), [
    "FLOAT_LE",
    "-",
  ]);
});

Deno.test("detectPipeTool() prefers pw-cat, then pacat, then aplay", async () => {
  await withFakeTools(["aplay", "pacat", "pw-cat"], async (dir) => {
    equal(detectPipeTool("auto", `/nonexistent:${dir}`).tool, "pw-cat");
    equal(detectPipeTool("aplay", dir).executable, `${dir}/aplay`);
    await Deno.remove(`${dir}/pw-cat`);
    equal(detectPipeTool("auto", dir).tool, "pacat");
    await Deno.remove(`${dir}/pacat`);
    equal(detectPipeTool("auto", dir).tool, "aplay");
    // not executable: skipped
    await Deno.chmod(`${dir}/aplay`, 0o644);
    equal(findExecutable("aplay", dir), undefined);
  });
});

Deno.test("detectPipeTool() says which tools and directories it searched", () => {
  throws(
    () => detectPipeTool("auto", "/nonexistent/a::/nonexistent/b"),
    (error) => {
      ok(error instanceof PipeToolNotFoundError);
      equal(
        error.message,
        "Expected one of pw-cat, pacat or aplay on PATH, found none (searched /nonexistent/a:/nonexistent/b)",
      );
      deepEqual(error.tools, ["pw-cat", "pacat", "aplay"]);
      return true;
    },
  );
  throws(
    () => PipeSink.start({ ...FORMAT, tool: "pacat", path: "" }),
    { message: "Expected pacat on PATH, found none (PATH is empty)" },
  );
});

for (const tool of ["pw-cat", "pacat", "aplay"] as PipeTool[]) {
  Deno.test(`PipeSink feeds ${tool} the format arguments and the PCM on stdin`, async () => {
    await withFakeTools([tool], async (dir) => {
      const sink = PipeSink.start({
        ...FORMAT,
        tool,
        path: dir,
        pulseServer: "unix:/run/pulse/native",
      });
      const block = new Float32Array(512);
      for (let i = 0; i < block.length; i++) block[i] = (i % 64) / 64 - 0.5;
      for (let i = 0; i < 20; i++) await sink.write(block);
      await sink.close();
      equal((await sink.status).code, 0);
      deepEqual(
        await recordedArgs(dir, tool),
        pipeToolArgs(tool, FORMAT, "s16le"),
      );
      equal(
        await Deno.readTextFile(`${dir}/${tool}.env`),
        "unix:/run/pulse/native",
      );
      const stdin = await Deno.readFile(`${dir}/${tool}.stdin`);
      equal(stdin.length, 20 * 512 * 2);
      const view = new DataView(stdin.buffer);
      equal(view.getInt16(2 * 65, true), Math.round((1 / 64 - 0.5) * 32767));
      equal(sink.stats.bytes, 20 * 1024);
    });
  });
}

Deno.test("PipeSink reports a tool that exits, with the end of its stderr", async () => {
  await withFakeTools(["pacat"], async (dir) => {
    const sink = PipeSink.start({ ...FORMAT, path: dir, encoding: "f32le" });
    equal(sink.tool, "pacat");
    await sink.status; // the tool has died: reaped
    await rejects(
      (async () => {
        // the pipe may take a write or two before it reports the broken pipe
        for (let i = 0; i < 100; i++) await sink.write(new Float32Array(512));
      })(),
      (error) => {
        ok(error instanceof PipeExitedError);
        equal(error.tool, "pacat");
        equal(error.code, 3);
        equal(
          error.message,
          "Expected pacat to keep playing, found it exited with code 3: Connection refused",
        );
        return true;
      },
    );
    ok(sink.stats.writeErrors >= 1);
    await sink.close();
  }, 'echo "Connection refused" >&2; exit 3');
});

Deno.test("PipeSink.close() kills and reaps a tool that ignores end-of-file and SIGTERM", async () => {
  await withFakeTools(["aplay"], async (dir) => {
    const sink = PipeSink.start({
      ...FORMAT,
      path: dir,
      closeTimeoutMs: 100,
    });
    await sink.write(new Float32Array(512));
    const start = performance.now();
    await sink.close();
    const elapsed = performance.now() - start;
    const status = await sink.status;
    equal(status.signal, "SIGKILL");
    ok(elapsed < 2000, `close took ${elapsed} ms`);
    await rejects(sink.write(new Float32Array(512)), {
      name: "SinkStateError",
    });
  }, "trap '' TERM; while :; do sleep 0.05; done");
});
