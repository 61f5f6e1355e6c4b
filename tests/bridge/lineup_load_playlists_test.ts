import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { buildLineup } from "../../lib/bridge/lineup/build_lineup.ts";
import { loadPlaylists } from "../../lib/bridge/lineup/load_playlists.ts";
import { SourceFetchError } from "../../lib/bridge/m3u/fetch_playlist.ts";
import type { M3uProgress } from "../../lib/bridge/m3u/m3u_stream.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url);
const US =
  '#EXTM3U\n#EXTINF:-1 tvg-id="cnn" group-title="News",CNN\nhttp://us/cnn\n' +
  '#EXTINF:-1 group-title="Kids",Toons\nhttp://us/toons\n';

Deno.test("loadPlaylists() reads several sources, filtering while parsing", async () => {
  let agent: string | null = null;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => {
      agent = request.headers.get("user-agent");
      return new Response(US);
    },
  );
  try {
    const progress: string[] = [];
    const { sources, loads } = await loadPlaylists([
      { sourceId: "uk", location: new URL("provider.m3u.gz", FIXTURES) },
      {
        sourceId: "us",
        location: `http://127.0.0.1:${server.addr.port}/us.m3u`,
        startNumber: 500,
        filter: { includeGroups: ["news"] },
        headers: { "User-Agent": "shack-test" },
      },
    ], {
      onProgress: (id: string, p: M3uProgress) => {
        if (p.done) progress.push(`${id}:${p.entries}`);
      },
    });
    equal(agent, "shack-test");
    deepEqual(loads.map((l) => [l.sourceId, l.ok, l.stale, l.entries.length]), [
      ["uk", true, false, 6],
      ["us", true, false, 1],
    ]);
    equal(loads[0].header["url-tvg"], "http://epg.example/guide.xml.gz");
    deepEqual(progress, ["uk:6", "us:1"]);
    const { channels } = buildLineup(sources);
    deepEqual(
      channels.filter((c) => c.sourceId === "us").map((
        c,
      ) => [c.guideNumber, c.name]),
      [["500", "CNN"]],
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("loadPlaylists() keeps a failing source's previous entries", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_load_" });
  try {
    const path = `${dir}/us.m3u`;
    await Deno.writeTextFile(path, US);
    const first = await loadPlaylists([{ sourceId: "us", location: path }]);
    equal(first.loads[0].entries.length, 2);
    await Deno.remove(path);
    const previous = new Map([["us", first.loads[0].entries]]);
    const again = await loadPlaylists(
      [
        { sourceId: "us", location: path, filter: { excludeGroups: ["Kids"] } },
        { sourceId: "new", location: `${dir}/missing.m3u` },
      ],
      { previous },
    );
    const [us, fresh] = again.loads;
    equal(us.ok, false);
    equal(us.stale, true);
    ok(us.error instanceof SourceFetchError && us.error.kind === "not-found");
    equal(fresh.stale, false);
    equal(fresh.entries.length, 0);
    // The stale entries go through the (new) filter again.
    deepEqual(buildLineup(again.sources).channels.map((c) => c.name), ["CNN"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadPlaylists() stops on abort", async () => {
  await rejects(
    loadPlaylists([{
      sourceId: "a",
      location: new URL("provider.m3u", FIXTURES),
    }], {
      signal: AbortSignal.abort(new Error("shutdown")),
    }),
    /shutdown/,
  );
});
