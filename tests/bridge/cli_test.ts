/**
 * `shack bridge serve` as a real process (`deno run -A cli/main.ts`): the
 * Plex/Jellyfin contract (reference §4.4), the tuner limit, a stable
 * DeviceID and renumbering across restarts, SIGTERM with streams and a
 * dashboard websocket connected, and the exit codes of bad input.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { deviceUuid } from "../../lib/bridge/hdhr/device_id.ts";
import { TsStreamChecker } from "../../lib/bridge/mpegts/stream_checker.ts";
import {
  type FakeUpstream,
  readAtLeast,
  startFakeUpstream,
} from "./_fake_upstream.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;
const LAVF = { "user-agent": "Lavf/60.3.100" };

/** A playlist of two live channels and one dead one, as a file. */
async function writePlaylist(dir: string, upstream: FakeUpstream) {
  const path = `${dir}/tv.m3u`;
  await Deno.writeTextFile(
    path,
    [
      "#EXTM3U",
      `#EXTINF:-1 tvg-id="one.tv" tvg-chno="101" group-title="News, US",One HD`,
      upstream.url("/live.ts"),
      `#EXTINF:-1 tvg-id="two.tv" tvg-chno="102",Two`,
      upstream.url("/live.ts?bitrate=1000000"),
      `#EXTINF:-1 tvg-id="three.tv" tvg-chno="103",Three`,
      upstream.url("/live.ts?bitrate=500000"),
      "",
    ].join("\r\n"),
  );
  return path;
}

interface Bridge {
  base: string;
  port: number;
  child: Deno.ChildProcess;
  /** Log lines (JSON) so far. */
  lines: Record<string, unknown>[];
  /** stderr text so far. */
  stderr(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<Deno.CommandStatus>;
  /** Waits for the exit (after a signal sent by the test). */
  done: Promise<Deno.CommandStatus>;
}

/** Starts `shack bridge serve` and waits for its "bridge ready" line. */
async function serve(
  args: string[],
  env: Record<string, string> = {},
): Promise<Bridge> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "bridge",
      "serve",
      "--bind",
      "127.0.0.1",
      "--port",
      "0",
      "--no-ssdp",
      "--log-format",
      "json",
      ...args,
    ],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  const lines: Record<string, unknown>[] = [];
  const ready = Promise.withResolvers<number>();
  const reading = (async () => {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of child.stderr) {
      const part = decoder.decode(chunk, { stream: true });
      text += part;
      pending += part;
      let nl;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        try {
          const entry = JSON.parse(line);
          lines.push(entry);
          if (entry.msg === "bridge listening") {
            ready.resolve(Number(String(entry.address).split(":").pop()));
          }
        } catch {
          // a non-JSON line (progress, commander)
        }
      }
    }
    ready.reject(new Error(`Expected the bridge to start, found:\n${text}`));
  })();
  const done = (async () => {
    const status = await child.status;
    await reading;
    return status;
  })();
  let port: number;
  const timer = setTimeout(
    () => ready.reject(new Error(`Expected a start within 60 s:\n${text}`)),
    60_000,
  );
  try {
    port = await ready.promise;
  } catch (error) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await done;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    child,
    lines,
    stderr: () => text,
    done,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      return await done;
    },
  };
}

/** Runs the CLI to completion. */
async function run(args: string[], cwd?: string) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
    ...(cwd ? { cwd } : {}),
  }).output();
  return {
    code: output.code,
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/** Polls `check` until it resolves true; rejects after `timeoutMs`. */
async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) {
      throw new Error(`Expected ${what} within ${timeoutMs} ms, found not`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - started;
}

async function json(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

Deno.test("shack bridge serve: the Plex/Jellyfin contract from --playlist alone", async () => {
  const dir = await Deno.makeTempDir();
  const upstream = startFakeUpstream();
  const playlist = await writePlaylist(dir, upstream);
  const bridge = await serve([
    "--playlist",
    playlist,
    "--data-dir",
    `${dir}/data`,
    "--tuners",
    "2",
  ]);
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  try {
    const { base } = bridge;
    // discover.json → LineupURL → lineup_status.json → device.xml
    const discover = (await json(`${base}/discover.json`)).body;
    match(discover.DeviceID, /^[0-9A-F]{8}$/);
    equal(discover.TunerCount, 2);
    equal(discover.BaseURL, base);
    equal(discover.LineupURL, `${base}/lineup.json`);
    const lineup = (await json(discover.LineupURL)).body;
    deepEqual(
      lineup.map((e: { GuideNumber: string; GuideName: string }) => [
        e.GuideNumber,
        e.GuideName,
      ]),
      [["101", "One HD"], ["102", "Two"], ["103", "Three"]],
    );
    equal(lineup[0].URL, `${base}/auto/v101`);
    const status = (await json(`${base}/lineup_status.json`)).body;
    equal(status.ScanInProgress, 0);
    const xml = await (await fetch(`${base}/device.xml`)).text();
    ok(xml.includes(`<UDN>uuid:${deviceUuid(discover.DeviceID)}</UDN>`), xml);

    // HEAD: no upstream opened
    const head = await fetch(lineup[0].URL, { method: "HEAD", headers: LAVF });
    equal(head.status, 200);
    equal(head.headers.get("content-type"), "video/mp2t");
    await head.body?.cancel();
    equal(upstream.totalConnections, 0);

    // GET as Plex's ffmpeg: valid MPEG-TS
    const response = await fetch(lineup[0].URL, { headers: LAVF });
    equal(response.status, 200);
    const reader = response.body!.getReader();
    readers.push(reader);
    const bytes = await readAtLeast(reader, 188 * 400);
    const checker = new TsStreamChecker();
    checker.push(bytes.subarray(0, bytes.length - (bytes.length % 188)));
    equal(checker.report.syncErrors, 0);
    equal(checker.report.continuityErrors, 0);
    ok(checker.report.pats > 0 && checker.report.pmts > 0);
    const live = (await json(`${base}/api/sessions`)).body;
    equal(live.sessions.length, 1);
    equal(live.tuners.inUse, 1);

    // close → session gone, tuner free, upstream released within 1 s
    await reader.cancel();
    readers.length = 0;
    await until(
      async () => {
        const s = (await json(`${base}/api/status`)).body;
        return s.tuners.inUse === 0 &&
          Object.entries(s.sessions).every(([state, n]) =>
            state === "closed" || n === 0
          );
      },
      1000,
      "the session gone and the tuner free",
    );
    await upstream.waitForOpenConnections(0, 1000);

    // TunerCount + 1: the third stream gets 503 like a real HDHomeRun
    for (const url of [lineup[0].URL, lineup[1].URL]) {
      const r = await fetch(url, { headers: LAVF });
      equal(r.status, 200);
      const reader = r.body!.getReader();
      readers.push(reader);
      await readAtLeast(reader, 188);
    }
    const busy = await fetch(lineup[2].URL, { headers: LAVF });
    equal(busy.status, 503);
    ok(busy.headers.get("x-hdhomerun-error"), "X-HDHomeRun-Error is set");
    await busy.body?.cancel();
    // An unknown channel is a 404.
    const unknown = await fetch(`${base}/auto/v999`, { headers: LAVF });
    equal(unknown.status, 404);
    await unknown.body?.cancel();
    for (const r of readers.splice(0)) await r.cancel();
    await upstream.waitForOpenConnections(0, 2000);

    // /healthz and /metrics for doctor; / goes to the dashboard
    const health = (await json(`${base}/healthz`)).body;
    equal(health.checks.tuners.total, 2);
    equal(health.checks.playlists.channels, 3);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    ok(/^shack_bridge_channels\{enabled="true"\} 3$/m.test(metrics), metrics);
    ok(
      /^shack_bridge_playlist_refreshes_total\{result="ok"\} 1$/m.test(metrics),
    );
    const root = await fetch(`${base}/`, { redirect: "manual" });
    equal(root.status, 302);
    equal(root.headers.get("location"), "/dashboard/");
    await root.body?.cancel();
  } finally {
    for (const r of readers) await r.cancel().catch(() => {});
    const status = await bridge.stop();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
    equal(status.code, 0, bridge.stderr());
  }
});

Deno.test("shack bridge serve: DeviceID and a renumbered channel survive a refresh and a restart", async () => {
  const dir = await Deno.makeTempDir();
  const upstream = startFakeUpstream();
  const playlist = await writePlaylist(dir, upstream);
  const args = ["--playlist", playlist, "--data-dir", `${dir}/data`];
  try {
    let bridge = await serve(args);
    let deviceId: string;
    try {
      const { base } = bridge;
      deviceId = (await json(`${base}/discover.json`)).body.DeviceID;
      const channels = (await json(`${base}/api/channels?q=Two`)).body;
      const two = channels.items.find((c: { name: string }) =>
        c.name === "Two"
      );
      ok(two, JSON.stringify(channels));
      // Renumber "Two" from 102 to 7; 101 is taken: 409.
      const conflict = await fetch(`${base}/api/channels/${two.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ guideNumber: "101" }),
      });
      equal(conflict.status, 409);
      await conflict.body?.cancel();
      const patched = await json(`${base}/api/channels/${two.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ guideNumber: "7" }),
      });
      equal(patched.status, 200, JSON.stringify(patched.body));
      equal(patched.body.channel.guideNumber, "7");
      // A playlist refresh (it asks for tvg-chno 102) keeps the user's number.
      const refresh = await fetch(`${base}/api/sources/refresh`, {
        method: "POST",
      });
      equal(refresh.status, 202);
      await refresh.body?.cancel();
      await until(
        async () => {
          const s = (await json(`${base}/api/sources`)).body;
          return !s.refreshing && s.lastRefresh?.ok === true;
        },
        10_000,
        "the refresh finished",
      );
      const lineup = (await json(`${base}/lineup.json`)).body;
      deepEqual(
        lineup.map((e: { GuideNumber: string }) => e.GuideNumber),
        ["7", "101", "103"],
      );
    } finally {
      equal((await bridge.stop()).code, 0, bridge.stderr());
    }

    // Restart with the same data directory.
    bridge = await serve(args);
    try {
      const { base } = bridge;
      const discover = (await json(`${base}/discover.json`)).body;
      equal(discover.DeviceID, deviceId);
      const xml = await (await fetch(`${base}/device.xml`)).text();
      ok(xml.includes(`<UDN>uuid:${deviceUuid(deviceId)}</UDN>`));
      const lineup = (await json(`${base}/lineup.json`)).body;
      deepEqual(
        lineup.map((e: { GuideNumber: string; GuideName: string }) =>
          `${e.GuideNumber} ${e.GuideName}`
        ),
        ["7 Two", "101 One HD", "103 Three"],
      );
    } finally {
      equal((await bridge.stop()).code, 0, bridge.stderr());
    }
  } finally {
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shack bridge serve: SIGTERM with two streams and a dashboard websocket exits 0 within 1 s", async () => {
  const dir = await Deno.makeTempDir();
  const upstream = startFakeUpstream();
  const playlist = await writePlaylist(dir, upstream);
  const bridge = await serve([
    "--playlist",
    playlist,
    "--data-dir",
    `${dir}/data`,
  ]);
  let socket: WebSocket | undefined;
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  try {
    const { base } = bridge;
    for (const n of ["101", "102"]) {
      const r = await fetch(`${base}/auto/v${n}`, { headers: LAVF });
      equal(r.status, 200);
      const reader = r.body!.getReader();
      readers.push(reader);
      await readAtLeast(reader, 188 * 10);
    }
    socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/api/live`);
    const ws = socket;
    const firstMessage = new Promise<void>((resolve, reject) => {
      ws.onmessage = () => resolve();
      ws.onerror = () => reject(new Error("websocket error"));
    });
    const closed = new Promise<CloseEvent>((resolve) => {
      ws.onclose = resolve;
    });
    await firstMessage;

    const started = performance.now();
    bridge.child.kill("SIGTERM");
    // Both clients see the end of their body (not an error).
    const ends = readers.map(async (reader) => {
      while (!(await reader.read()).done) { /* drain */ }
    });
    await Promise.all(ends);
    readers.length = 0;
    const status = await bridge.done;
    const elapsed = performance.now() - started;
    const close = await closed;
    socket = undefined;
    // Exit 0 means the shutdown finished inside its 1 s budget (a forced
    // stop exits 1); the wall clock bound is generous for a busy machine.
    equal(status.code, 0, bridge.stderr());
    ok(elapsed < 2000, `exited after ${Math.round(elapsed)} ms`);
    equal(close.code, 1001);
    const stopped = bridge.lines.find((l) => l.msg === "stopped");
    ok(stopped && Number(stopped.ms) < 1000, JSON.stringify(stopped));
    await upstream.waitForOpenConnections(0, 2000);
  } finally {
    for (const r of readers) await r.cancel().catch(() => {});
    socket?.close();
    await bridge.stop();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shack bridge serve: SHACK_BRIDGE_* variables, repeatables with commas", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/a.m3u`,
    "#EXTM3U\n#EXTINF:-1,Alpha\nhttp://192.0.2.1/a.ts\n",
  );
  await Deno.writeTextFile(
    `${dir}/b.m3u`,
    "#EXTM3U\n#EXTINF:-1,Beta\nhttp://192.0.2.1/b.ts\n",
  );
  const bridge = await serve([], {
    SHACK_BRIDGE_PLAYLIST: `${dir}/a.m3u,${dir}/b.m3u`,
    SHACK_BRIDGE_TUNERS: "3",
    SHACK_BRIDGE_DATA_DIR: `${dir}/data`,
    SHACK_BRIDGE_ADVERTISE_URL: "http://192.0.2.5:34400",
  });
  try {
    const discover = (await json(`${bridge.base}/discover.json`)).body;
    equal(discover.TunerCount, 3);
    equal(discover.BaseURL, "http://192.0.2.5:34400");
    const lineup = (await json(`${bridge.base}/lineup.json`)).body;
    deepEqual(lineup.map((e: { GuideName: string }) => e.GuideName), [
      "Alpha",
      "Beta",
    ]);
    await Deno.stat(`${dir}/data/bridge.sqlite`);
  } finally {
    equal((await bridge.stop()).code, 0, bridge.stderr());
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shack bridge serve: a bad [bridge] table exits 78 naming the key", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/shack.toml`,
      '[bridge]\ntuners = 2\nrefresh_minutes = "often"\n',
    );
    const bad = await run(["bridge", "serve", "--config", `${dir}/shack.toml`]);
    equal(bad.code, 78, bad.stderr);
    match(bad.stderr, /refresh_minutes/);
    await Deno.writeTextFile(
      `${dir}/typo.toml`,
      '[bridge]\nprot = 5004\n[[bridge.playlists]]\nurl = "tv.m3u"\n',
    );
    const typo = await run(["bridge", "serve", "--config", `${dir}/typo.toml`]);
    equal(typo.code, 78, typo.stderr);
    match(typo.stderr, /prot/);
    await Deno.writeTextFile(
      `${dir}/regex.toml`,
      '[bridge]\n[[bridge.playlists]]\nurl = "tv.m3u"\nexclude_names = ["(unclosed"]\n',
    );
    const regex = await run([
      "bridge",
      "serve",
      "--config",
      `${dir}/regex.toml`,
    ]);
    equal(regex.code, 78, regex.stderr);
    match(regex.stderr, /playlists\[0\]\.exclude_names\[0\]/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shack bridge serve: --tuners 0 is a usage error (exit 2)", async () => {
  const result = await run([
    "bridge",
    "serve",
    "--playlist",
    "tv.m3u",
    "--tuners",
    "0",
  ]);
  equal(result.code, 2, result.stderr);
  match(result.stderr, /--tuners/);
});
