/**
 * The `[bridge]` table: defaults, errors that name the key, the root
 * `shack.toml` schema, and command-line overrides.
 */
import { deepEqual, equal, rejects, throws } from "node:assert/strict";
import {
  applyBridgeOverrides,
  bridgeConfigSchema,
  DEFAULT_BRIDGE_PORT,
  defaultBridgeConfig,
  loadBridgeConfig,
} from "../../lib/bridge/config.ts";
import { parse } from "../../lib/core/config/schema.ts";
import { loadShackConfig } from "../../lib/config.ts";
import { DEFAULT_PORTS } from "../../lib/doctor/target.ts";

Deno.test("defaultBridgeConfig() has the documented defaults, on the port doctor probes", () => {
  const config = defaultBridgeConfig();
  equal(config.port, DEFAULT_BRIDGE_PORT);
  equal(DEFAULT_PORTS.bridge, DEFAULT_BRIDGE_PORT);
  deepEqual(
    {
      bind: config.bind,
      tuners: config.tuners,
      data_dir: config.data_dir,
      ssdp: config.ssdp,
      hdhr_discovery: config.hdhr_discovery,
      ffmpeg: config.ffmpeg,
      share_upstreams: config.share_upstreams,
      refresh_minutes: config.refresh_minutes,
      epg_refresh_minutes: config.epg_refresh_minutes,
      placeholder_guide: config.placeholder_guide,
    },
    {
      bind: "0.0.0.0",
      tuners: 2,
      data_dir: "bridge-data",
      ssdp: true,
      hdhr_discovery: false,
      ffmpeg: "ffmpeg",
      share_upstreams: true,
      refresh_minutes: 360,
      epg_refresh_minutes: 720,
      placeholder_guide: true,
    },
  );
  equal(config.advertise_url, undefined);
  equal(config.api_token, undefined);
  deepEqual(config.playlists, []);
});

Deno.test("bridgeConfigSchema names the key of every bad value", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ tuners: 256 }, /tuners: expected an integer from 1 to 255/],
    [{ port: 70000 }, /port: expected a port number/],
    [{ advertise_url: "192.0.2.5:34400" }, /advertise_url: expected an http/],
    [{ api_token: "short" }, /api_token: expected 16 to 256/],
    [{ playlists: [{ name: "a b", url: "x" }] }, /playlists\[0\]\.name/],
    [{ playlists: [{}] }, /playlists\[0\]\.url: expected a string/],
    [
      { playlists: [{ url: "a" }, { name: "playlist1", url: "b" }] },
      /playlists: expected playlists with different names/,
    ],
    [
      { playlists: [{ url: "a", include_names: ["(x"] }] },
      /playlists\[0\]\.include_names\[0\]: expected a regular expression/,
    ],
    [{ playlists: [{ url: "a", start_number: 0 }] }, /start_number/],
    [{ epg: [{ url: "" }] }, /epg\[0\]\.url/],
    [{ tunres: 4 }, /tunres/],
  ];
  for (const [table, message] of cases) {
    throws(() => parse(bridgeConfigSchema, table), {
      name: "ConfigError",
      message,
    }, JSON.stringify(table));
  }
});

Deno.test("loadShackConfig() validates [bridge] with the bridge schema", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/shack.toml`,
      '[bridge]\nport = 5004\n[[bridge.playlists]]\nname = "iptv"\nurl = "http://192.0.2.1/tv.m3u"\ninclude_groups = ["News"]\n[[bridge.epg]]\nurl = "guide.xml.gz"\n',
    );
    const { config } = await loadShackConfig(`${dir}/shack.toml`);
    equal(config.bridge?.port, 5004);
    deepEqual(config.bridge?.playlists[0].include_groups, ["News"]);
    equal(config.bridge?.epg[0].url, "guide.xml.gz");
    await Deno.writeTextFile(`${dir}/bad.toml`, "[bridge]\nssdp = 1\n");
    await rejects(() => loadShackConfig(`${dir}/bad.toml`), {
      name: "ConfigError",
      message: /bad\.toml:2: bridge\.ssdp: expected a boolean/,
    });
    await rejects(() => loadBridgeConfig(`${dir}/bad.toml`), {
      name: "ConfigError",
      message: /bridge\.ssdp/,
    });
    // A file without [bridge] gives the defaults.
    await Deno.writeTextFile(`${dir}/other.toml`, '[log]\nlevel = "debug"\n');
    deepEqual(
      await loadBridgeConfig(`${dir}/other.toml`),
      defaultBridgeConfig(),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("applyBridgeOverrides() replaces the lists and validates the result", () => {
  const file = parse(bridgeConfigSchema, {
    tuners: 3,
    playlists: [{ name: "file", url: "a.m3u" }],
    epg: [{ url: "g.xml" }],
  });
  const config = applyBridgeOverrides(file, {
    playlists: ["x.m3u", "http://192.0.2.1/y.m3u"],
    dataDir: "/var/lib/shack/bridge",
    advertiseUrl: "http://192.0.2.5:34400",
  });
  deepEqual(config.playlists.map((p) => p.url), [
    "x.m3u",
    "http://192.0.2.1/y.m3u",
  ]);
  deepEqual(config.epg.map((e) => e.url), ["g.xml"]);
  equal(config.tuners, 3);
  equal(config.data_dir, "/var/lib/shack/bridge");
  equal(config.advertise_url, "http://192.0.2.5:34400");
  // No flags: the file's values.
  deepEqual(applyBridgeOverrides(file, {}), file);
  throws(() => applyBridgeOverrides(file, { tuners: 0 }), {
    name: "ConfigError",
    message: /command line: tuners/,
  });
});
