// A BridgeApi over real HTTP (Deno.serve on port 0) with a real BridgeStore
// in a temp dir, a real Lineup built from one M3U source and a real
// SessionRegistry wired to the API's onSessionChange: shared by the API,
// live feed and dashboard tests.
import { Logger } from "../../lib/core/log.ts";
import {
  BridgeApi,
  type BridgeApiOptions,
} from "../../lib/bridge/api/bridge_api.ts";
import { ensureApiToken } from "../../lib/bridge/api/api_token.ts";
import { LogRing } from "../../lib/bridge/api/log_ring.ts";
import { buildLineup } from "../../lib/bridge/lineup/build_lineup.ts";
import { Lineup } from "../../lib/bridge/lineup/lineup.ts";
import { parseM3u } from "../../lib/bridge/m3u/m3u_parser.ts";
import { SessionRegistry } from "../../lib/bridge/session/session_registry.ts";
import { BridgeStore } from "../../lib/bridge/store/bridge_store.ts";

/**
 * `count` channels numbered 101.. in `groups` (channel i in
 * `groups[i % groups.length]`): "BBC News", "CNN International", then
 * "Channel 003".., each streamed from `${urlPrefix}${i}.ts`.
 */
export function numberedPlaylist(
  count: number,
  options: { groups: string[]; urlPrefix: string },
): string {
  const lines = ["#EXTM3U"];
  for (let i = 1; i <= count; i++) {
    const name = i === 1
      ? "BBC News"
      : i === 2
      ? "CNN International"
      : `Channel ${String(i).padStart(3, "0")}`;
    lines.push(
      `#EXTINF:-1 tvg-id="ch${i}" tvg-chno="${100 + i}" group-title="${
        options.groups[i % options.groups.length]
      }",${name}`,
      `${options.urlPrefix}${i}.ts`,
    );
  }
  return lines.join("\n") + "\n";
}

/** What {@link startApiFixture} builds. */
export interface ApiFixtureOptions {
  /** The M3U text of the one source. */
  playlist: string;
  /** Its source id. */
  sourceId: string;
  /** Tuners of the session registry. */
  tunerCount: number;
  /** Lines the log ring keeps. Default 100. */
  logCapacity?: number;
  /** The API token. Default: the store's (`ensureApiToken`). */
  token?: string;
  /** When given, the source is stored with this location and one refresh. */
  source?: { location: string; refreshedAt: number; itemCount: number };
  /** More BridgeApi options (they win over the fixture's). */
  api: Partial<BridgeApiOptions> & { requireToken: boolean };
}

/** The running API and what it was built from; dispose to close it all. */
export interface ApiFixture extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  base: string;
  /** `ws://127.0.0.1:PORT/api/live`. */
  ws: string;
  api: BridgeApi;
  store: BridgeStore;
  lineup: Lineup;
  sessions: SessionRegistry;
  ring: LogRing;
  logger: Logger;
  token: string;
  /** Calls of the default `refreshSources`. */
  refreshCalls: { count: number };
}

/** Starts a BridgeApi on loopback; anything it does not handle is 404 "not the API". */
export async function startApiFixture(
  options: ApiFixtureOptions,
): Promise<ApiFixture> {
  const dir = await Deno.makeTempDir({ prefix: "shack_bridge_api_" });
  const store = new BridgeStore(`${dir}/bridge.db`);
  const { sourceId } = options;
  const { entries } = parseM3u(options.playlist, { sourceId });
  const lineup = new Lineup();
  const rebuild = () => {
    const build = buildLineup([{ sourceId, entries }], {
      mappings: store.mappings(),
    });
    store.replaceChannels(build.channels);
    lineup.replace(build.channels);
  };
  rebuild();
  if (options.source) {
    store.putSource({
      id: sourceId,
      kind: "m3u",
      location: options.source.location,
      enabled: true,
      options: {},
    });
    store.recordRefresh(sourceId, {
      at: options.source.refreshedAt,
      ok: true,
      itemCount: options.source.itemCount,
    });
  }
  const ring = new LogRing({ capacity: options.logCapacity ?? 100 });
  const logger = new Logger({ sink: ring.sink });
  const wiring: { api?: BridgeApi } = {};
  const sessions = new SessionRegistry({
    tunerCount: options.tunerCount,
    onChange: (record) => wiring.api?.onSessionChange(record),
  });
  const token = options.token ?? ensureApiToken(store).token;
  const refreshCalls = { count: 0 };
  const api = new BridgeApi({
    sessions,
    store,
    lineup,
    rebuildLineup: rebuild,
    refreshSources: () => {
      refreshCalls.count++;
    },
    token,
    log: ring,
    logger,
    ...options.api,
  });
  wiring.api = api;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request, info) =>
      await api.handle(request, info) ??
        new Response("not the API\n", { status: 404 }),
  );
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    ws: `ws://127.0.0.1:${server.addr.port}/api/live`,
    api,
    store,
    lineup,
    sessions,
    ring,
    logger,
    token,
    refreshCalls,
    async [Symbol.asyncDispose]() {
      await api.close();
      await sessions.close();
      await server.shutdown();
      store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
