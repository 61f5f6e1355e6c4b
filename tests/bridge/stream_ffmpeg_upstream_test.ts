import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import {
  ffmpegArgs,
  openFfmpegUpstream,
} from "../../lib/bridge/stream/ffmpeg_upstream.ts";
import { UpstreamError } from "../../lib/bridge/stream/upstream_error.ts";
import { TsChannelGenerator } from "../../lib/bridge/mpegts/ts_generator.ts";
import { TsStreamChecker } from "../../lib/bridge/mpegts/stream_checker.ts";

const FFMPEG = (() => {
  try {
    const out = new Deno.Command("ffmpeg", {
      args: ["-hide_banner", "-version"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return out.success;
  } catch {
    return false;
  }
})();
if (!FFMPEG) {
  console.error(
    "stream_ffmpeg_upstream_test: ffmpeg is not installed; the real-ffmpeg remux test is skipped (stand-in scripts cover spawn, kill and reap)",
  );
}

/** Writes an executable stand-in for ffmpeg and returns its path. */
async function script(dir: string, name: string, body: string) {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie is dead but not reaped
  } catch {
    return false;
  }
}

Deno.test("ffmpegArgs() remuxes with -c copy -f mpegts pipe:1 and passes channel headers", () => {
  const args = ffmpegArgs({
    url: "https://cdn.example/live/index.m3u8",
    headers: {
      "User-Agent": "VLC/3.0.20",
      Referer: "https://portal.example/",
      Cookie: "a=1",
      "X-Bad": "line\r\nInjected: yes",
    },
  });
  equal(args[args.indexOf("-user_agent") + 1], "VLC/3.0.20");
  equal(args[args.indexOf("-referer") + 1], "https://portal.example/");
  equal(args[args.indexOf("-headers") + 1], "Cookie: a=1\r\n");
  ok(args.includes("-reconnect_streamed"));
  equal(args[args.indexOf("-i") + 1], "https://cdn.example/live/index.m3u8");
  deepEqual(args.slice(-7), [
    "-c",
    "copy",
    "-f",
    "mpegts",
    "-muxdelay",
    "0",
    "pipe:1",
  ]);
  ok(!args.join(" ").includes("Injected"));
  // Non-HTTP inputs get no HTTP options.
  const rtsp = ffmpegArgs({ url: "rtsp://cam/stream", headers: {} });
  ok(!rtsp.includes("-reconnect"));
  ok(!rtsp.includes("-user_agent"));
});

Deno.test("openFfmpegUpstream() passes the child's stdout through", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ts = new TsChannelGenerator().next(200);
    await Deno.writeFile(`${dir}/in.ts`, ts);
    const path = await script(dir, "ffmpeg", `exec cat "${dir}/in.ts"`);
    const reader = await openFfmpegUpstream({
      url: "http://x/a.m3u8",
      headers: {},
    }, {
      ffmpegPath: path,
    });
    const checker = new TsStreamChecker();
    let total = 0;
    for (;;) {
      const chunk = await reader.read();
      if (chunk === null) break;
      checker.push(chunk);
      total += chunk.length;
    }
    equal(total, ts.length);
    equal(checker.report.continuityErrors, 0);
    equal((await reader.status).success, true);
    await reader.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FfmpegUpstreamReader.close() kills and reaps a live child within 1 s", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/in.ts`, new TsChannelGenerator().next(100));
    const path = await script(
      dir,
      "ffmpeg",
      `while :; do cat "${dir}/in.ts"; done`,
    );
    const reader = await openFfmpegUpstream({ url: "http://x/", headers: {} }, {
      ffmpegPath: path,
    });
    equal((await reader.read())![0], 0x47);
    ok(alive(reader.pid));
    const started = performance.now();
    await reader.close();
    const elapsed = performance.now() - started;
    ok(elapsed < 1000, `close took ${elapsed} ms`);
    ok(!alive(reader.pid), "the child is gone and reaped");
    equal(await reader.read(), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FfmpegUpstreamReader.close() falls back to SIGKILL for a child that ignores SIGTERM", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await script(
      dir,
      "ffmpeg",
      `trap '' TERM\nprintf 'G'\nwhile :; do sleep 0.05; done`,
    );
    const reader = await openFfmpegUpstream({ url: "http://x/", headers: {} }, {
      ffmpegPath: path,
      killGraceMs: 100,
    });
    equal((await reader.read())![0], 0x47);
    const started = performance.now();
    await reader.close();
    const elapsed = performance.now() - started;
    ok(elapsed >= 90 && elapsed < 1000, `close took ${elapsed} ms`);
    const status = await reader.status;
    equal(status.signal, "SIGKILL");
    ok(!alive(reader.pid));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openFfmpegUpstream() reports a missing executable and a failing child", async () => {
  await rejects(
    openFfmpegUpstream({ url: "http://x/", headers: {} }, {
      ffmpegPath: "/nonexistent/ffmpeg",
    }),
    (err: UpstreamError) =>
      err.kind === "spawn" &&
      err.message.startsWith("Expected to start /nonexistent/ffmpeg"),
  );
  const dir = await Deno.makeTempDir();
  try {
    const path = await script(
      dir,
      "ffmpeg",
      `echo "http://x/: Server returned 404 Not Found" >&2\nexit 1`,
    );
    const reader = await openFfmpegUpstream({ url: "http://x/", headers: {} }, {
      ffmpegPath: path,
    });
    await rejects(
      reader.read(),
      (err: UpstreamError) =>
        err.kind === "exit" &&
        err.message ===
          "Expected ffmpeg to keep streaming but found it exited with code 1: http://x/: Server returned 404 Not Found",
    );
    await reader.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "openFfmpegUpstream() remuxes an HLS upstream with the real ffmpeg, packet by packet",
  ignore: !FFMPEG,
  async fn() {
    // A real (decodable) source: ffmpeg's test pattern as HLS segments,
    // with codecs every ffmpeg build has.
    const dir = await Deno.makeTempDir();
    const made = await new Deno.Command("ffmpeg", {
      args: [
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=25",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=1000",
        "-t",
        "6",
        "-c:v",
        "mpeg2video",
        "-c:a",
        "mp2",
        "-f",
        "hls",
        "-hls_time",
        "1",
        "-hls_list_size",
        "0",
        `${dir}/index.m3u8`,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    ok(made.success, new TextDecoder().decode(made.stderr));
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (request) => {
        const name = new URL(request.url).pathname.slice(1);
        if (!/^[\w.]+$/.test(name)) return new Response(null, { status: 404 });
        try {
          return new Response(await Deno.readFile(`${dir}/${name}`));
        } catch {
          return new Response(null, { status: 404 });
        }
      },
    );
    try {
      const reader = await openFfmpegUpstream({
        url: `http://127.0.0.1:${server.addr.port}/index.m3u8`,
        headers: {},
      });
      const checker = new TsStreamChecker();
      let total = 0;
      for (;;) {
        const chunk = await reader.read();
        if (chunk === null) break;
        checker.push(chunk);
        total += chunk.length;
      }
      const report = checker.report;
      ok(total > 188 * 100, `only ${total} bytes`);
      equal(report.syncErrors, 0);
      equal(report.continuityErrors, 0);
      equal(report.psiErrors, 0);
      ok(report.pats > 0 && report.pmts > 0);
      equal(report.elementaryPids.length, 2);
      equal(report.pendingBytes, 0);
      await reader.close();
      ok(!alive(reader.pid));
    } finally {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
