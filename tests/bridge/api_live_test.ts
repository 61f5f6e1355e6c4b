// The dashboard's live websocket over real HTTP: a snapshot on connect,
// then session deltas (event-driven from the registry's onChange), new log
// lines and reload notices; the token rules; the viewer limit.
import { deepEqual, equal, ok } from "node:assert/strict";
import type { LiveFeedOptions } from "../../lib/bridge/api/live_feed.ts";
import { type ApiFixture, startApiFixture } from "./_api_fixture.ts";

const TOKEN = "live-test-token-0123456789";
const PLAYLIST = `#EXTM3U
#EXTINF:-1 tvg-id="one" tvg-chno="1",One
http://up.example/1
#EXTINF:-1 tvg-id="two" tvg-chno="2",Two
http://up.example/2
`;

function setup(
  requireToken: boolean,
  live: LiveFeedOptions = {},
): Promise<ApiFixture> {
  return startApiFixture({
    playlist: PLAYLIST,
    sourceId: "t",
    tunerCount: 2,
    logCapacity: 50,
    token: TOKEN,
    api: {
      requireToken,
      refreshSources: undefined,
      // A long tick: deltas must come from the registry's events.
      live: { tickMs: 60_000, ...live },
    },
  });
}

// deno-lint-ignore no-explicit-any
type Message = any;

/** A websocket client that queues messages and waits for matching ones. */
class Viewer implements AsyncDisposable {
  readonly socket: WebSocket;
  readonly messages: Message[] = [];
  readonly opened: Promise<boolean>;
  readonly closed: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve) => {
      this.socket.onopen = () => resolve(true);
      this.socket.onerror = () => resolve(false);
    });
    this.closed = new Promise((resolve) => {
      this.socket.onclose = () => resolve();
    });
    this.socket.onmessage = (event) => {
      this.messages.push(JSON.parse(event.data));
      for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  /** Resolves with the first queued message matching `test` (removing it and those before it). */
  async next(test: (m: Message) => boolean, what: string): Promise<Message> {
    const deadline = Date.now() + 5000;
    while (true) {
      const index = this.messages.findIndex(test);
      if (index >= 0) return this.messages.splice(0, index + 1)[index];
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `Expected ${what} within 5 s, found ${JSON.stringify(this.messages)}`,
        );
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  async [Symbol.asyncDispose]() {
    if (this.socket.readyState !== WebSocket.CLOSED) {
      this.socket.close();
      await this.closed;
    }
  }
}

const channel = { id: "c1", guideNumber: "1", name: "One" };

Deno.test("BridgeApi /api/live sends a snapshot, then session changes as they happen, log lines and reload notices", async () => {
  await using f = await setup(true);
  const already = f.sessions.open({
    channel,
    client: { address: "192.0.2.1" },
  });
  f.logger.info("before the viewer");
  await using viewer = new Viewer(`${f.ws}?token=${TOKEN}`);
  ok(await viewer.opened);
  const snapshot = await viewer.next(
    (m) => m.type === "snapshot",
    "a snapshot",
  );
  deepEqual(snapshot.sessions.map((s: Message) => s.id), [already.id]);
  deepEqual(snapshot.status.tuners, { inUse: 1, total: 2 });
  ok(snapshot.log.some((e: Message) => e.line.includes("before the viewer")));

  // Opened through the registry: pushed without waiting for the tick.
  const session = f.sessions.open({
    channel: { id: "c2", guideNumber: "2", name: "Two" },
    client: { address: "192.0.2.2", userAgent: "Lavf/60" },
  });
  const added = await viewer.next(
    (m) =>
      m.type === "sessions" &&
      m.upsert.some((s: Message) => s.id === session.id),
    "the new session",
  );
  deepEqual(added.status.tuners, { inUse: 2, total: 2 });
  const view = added.upsert.find((s: Message) => s.id === session.id);
  equal(view.state, "starting");
  deepEqual(view.client, { address: "192.0.2.2", userAgent: "Lavf/60" });

  session.markStreaming();
  await viewer.next(
    (m) =>
      m.type === "sessions" &&
      m.upsert.some((s: Message) =>
        s.id === session.id && s.state === "streaming"
      ),
    "the session streaming",
  );

  f.logger.warn("something to see");
  const log = await viewer.next((m) => m.type === "log", "a log line");
  equal(log.lines.length, 1);
  equal(log.lines[0].level, "warn");

  await session.close("client_disconnect");
  const removed = await viewer.next(
    (m) => m.type === "sessions" && m.remove.includes(session.id),
    "the session removed",
  );
  deepEqual(removed.status.tuners, { inUse: 1, total: 2 });

  // A channel change tells viewers to reload the channel list.
  const response = await fetch(
    `${f.base}/api/channels/${f.lineup.all()[1].id}`,
    {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "application/json",
      },
      body: '{"enabled":false}',
    },
  );
  equal(response.status, 200);
  await response.body?.cancel();
  await viewer.next(
    (m) => m.type === "changed" && m.what === "lineup",
    "a lineup notice",
  );
  equal(f.api.liveCounters.viewers, 1);
});

Deno.test("BridgeApi /api/live finds byte counts on its tick and resends changed sessions only", async () => {
  await using f = await setup(false, { tickMs: 50 });
  // Left "starting": its bitrate stays 0, so only its bytes change.
  const session = f.sessions.open({ channel });
  await using viewer = new Viewer(f.ws);
  ok(await viewer.opened);
  await viewer.next((m) => m.type === "snapshot", "a snapshot");
  session.recordBytes(1316);
  const grown = await viewer.next(
    (m) =>
      m.type === "sessions" && m.upsert.some((s: Message) => s.bytes === 1316),
    "the byte count",
  );
  equal(grown.remove.length, 0);
  const other = f.sessions.open({
    channel: { id: "c2", guideNumber: "2", name: "Two" },
  });
  const next = await viewer.next(
    (m) =>
      m.type === "sessions" && m.upsert.some((s: Message) => s.id === other.id),
    "the second session",
  );
  deepEqual(
    next.upsert.map((s: Message) => s.id),
    [other.id],
    "the unchanged one is not resent",
  );
});

Deno.test("BridgeApi /api/live needs the token when one is required, and is bounded", async () => {
  await using f = await setup(true, { maxViewers: 1 });
  const refused = new Viewer(f.ws);
  equal(await refused.opened, false);
  await refused.closed;
  const wrong = new Viewer(`${f.ws}?token=wrong-token-0000000`);
  equal(await wrong.opened, false);
  await wrong.closed;
  await using first = new Viewer(`${f.ws}?token=${TOKEN}`);
  ok(await first.opened);
  const full = await fetch(`${f.base}/api/live?token=${TOKEN}`, {
    headers: {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      "sec-websocket-version": "13",
    },
  });
  equal(full.status, 503);
  await full.body?.cancel();
  equal(f.api.liveCounters.rejected, 1);
});

Deno.test("BridgeApi.close() closes live viewers with 1001 and refuses further requests", async () => {
  await using f = await setup(false);
  const viewer = new Viewer(f.ws);
  ok(await viewer.opened);
  const code = new Promise<number>((resolve) => {
    viewer.socket.addEventListener("close", (e) => resolve(e.code));
  });
  await f.api.close();
  equal(await code, 1001);
  const after = await fetch(`${f.base}/api/status`);
  equal(after.status, 503);
  await after.body?.cancel();
});
