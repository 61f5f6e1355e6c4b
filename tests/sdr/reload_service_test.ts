// SdrService.reload() (what SIGHUP calls) with a changed configuration file:
// limits, per-address limits, chat, the station's description and the
// SDR-list registration change while running; open connections stay.
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import { loadSdrConfig } from "../../lib/sdr/config/load_sdr_config.ts";
import { SdrProbe } from "../../lib/sdr/server/sdr_probe.ts";
import { SdrService } from "../../lib/sdr/service.ts";
import { waitFor } from "../_wait.ts";

interface Directory {
  url: string;
  posts: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A local SDR list that records the listing updates it receives. */
function directory(): Directory {
  const posts: Record<string, unknown>[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
  }, async (request) => {
    posts.push(await request.json());
    return new Response("ok");
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/api/update_websdr`,
    posts,
    close: () => server.shutdown(),
  };
}

function shackToml(
  dir: Directory,
  values: {
    audio: number;
    sockets: number;
    name: string;
    antenna: string;
    chat: boolean;
    extra?: string;
  },
): string {
  return `[sdr]
bind = "127.0.0.1"
port = 0
${values.extra ?? ""}
[sdr.input]
sps = 96000
fft_size = 2048
waterfall_size = 256

[sdr.limits]
audio = ${values.audio}
per_ip_sockets = ${values.sockets}

[sdr.listing]
register_online = true
register_urls = ["${dir.url}"]
name = "${values.name}"
antenna = "${values.antenna}"
grid_locator = "JN58td"
operator = "DL0XYZ"
chat_enabled = ${values.chat}
`;
}

async function chatStatus(port: number): Promise<number> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/chat`);
  const opened = await new Promise<boolean>((resolve) => {
    socket.onopen = () => resolve(true);
    socket.onerror = () => resolve(false);
  });
  if (opened) {
    const closed = new Promise((resolve) => socket.onclose = resolve);
    socket.close();
    await closed;
  }
  return opened ? 101 : 403;
}

Deno.test("SdrService.reload() applies new limits, chat and listing from the file; open connections stay", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "shack_sdr_reload_" });
  const list = directory();
  const lines: string[] = [];
  const logger = new Logger({ format: "json", sink: (l) => lines.push(l) });
  const file = `${tmp}/shack.toml`;
  await Deno.writeTextFile(
    file,
    shackToml(list, {
      audio: 2,
      sockets: 10,
      name: "Before",
      antenna: "Dipole",
      chat: true,
    }),
  );
  const service = await SdrService.start(await loadSdrConfig(file), {
    logger,
  });
  const probes: SdrProbe[] = [];
  try {
    const base = `ws://127.0.0.1:${service.server.addr.port}`;
    await waitFor(() => list.posts.length >= 1, "the first listing");
    equal(list.posts[0].name, "Before");
    equal(list.posts[0].max_users, 2);
    for (let i = 0; i < 2; i++) {
      probes.push(await SdrProbe.connect(base, "audio", { decode: false }));
    }
    await rejects(SdrProbe.connect(base, "audio"), /refused/);
    equal(await chatStatus(service.server.addr.port), 101);

    // The operator edits the file and sends SIGHUP.
    await Deno.writeTextFile(
      file,
      shackToml(list, {
        audio: 1,
        sockets: 3,
        name: "After",
        antenna: "Loop",
        chat: false,
        extra: "trust_forwarded_for = true",
      }),
    );
    const posted = list.posts.length;
    await service.reload();

    // Open listeners stay and keep receiving audio.
    const frames = probes.map((p) => p.binaryFrames);
    await waitFor(
      () => probes.every((p, i) => p.binaryFrames > frames[i] + 5),
      "audio after the reload",
    );
    ok(probes.every((p) => p.closeCode === undefined));
    // New ones obey the new limit: 2 open > 1.
    await rejects(SdrProbe.connect(base, "audio"), /refused/);
    await probes.pop()!.close();
    await waitFor(
      () => service.server.stats().sockets.audio.clients === 1,
      "the close",
    );
    await rejects(SdrProbe.connect(base, "audio"), /refused/);
    await probes.pop()!.close();
    await waitFor(
      () => service.server.stats().sockets.audio.clients === 0,
      "the close",
    );
    probes.push(await SdrProbe.connect(base, "audio", { decode: false }));
    deepEqual(service.server.stats().sockets.audio.refused, { limit: 3 });
    equal(service.server.ipGuard.limits.sockets, 3);
    equal(service.config.server.trustForwardedFor, true);

    // Chat is off for new sockets; /server-info.json and the listing follow.
    equal(await chatStatus(service.server.addr.port), 403);
    const info = await (await fetch(
      `http://127.0.0.1:${service.server.addr.port}/server-info.json`,
    )).json();
    deepEqual(info, {
      serverName: "After",
      location: "JN58td",
      operators: [{ name: "DL0XYZ" }],
      email: "",
      chatEnabled: false,
    });
    await waitFor(() => list.posts.length > posted, "the re-registration");
    const update = list.posts.at(-1)!;
    equal(update.name, "After");
    equal(update.antenna, "Loop");
    equal(update.max_users, 1);
    equal(update.id, list.posts[0].id); // the same station
    ok(lines.some((l) => JSON.parse(l).msg === "configuration reloaded"));
  } finally {
    for (const probe of probes) await probe.close();
    await service.close();
    await list.close();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("SdrService.reload() keeps the running configuration when the file is bad, and names what needs a restart", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "shack_sdr_reload_" });
  const lines: string[] = [];
  const logger = new Logger({ format: "json", sink: (l) => lines.push(l) });
  const file = `${tmp}/config.toml`;
  const phantom = (audio: number, audioSps: number) =>
    `[server]\nhost = "127.0.0.1"\nport = 0\n[limits]\naudio = ${audio}\n` +
    `[input]\nsps = 96000\nfrequency = 7100000\nsignal = "iq"\nfft_size = 2048\n` +
    `audio_sps = ${audioSps}\nwaterfall_size = 256\n[input.driver]\nname = "synthetic"\n`;
  await Deno.writeTextFile(file, phantom(5, 12000));
  await Deno.writeTextFile(
    `${tmp}/markers.json`,
    JSON.stringify({
      markers: [{ frequency: 7_100_000, name: "Old", mode: "USB" }],
    }),
  );
  const service = await SdrService.start(await loadSdrConfig(file), {
    logger,
  });
  try {
    const base = `ws://127.0.0.1:${service.server.addr.port}`;
    await Deno.writeTextFile(file, "[limits]\naudio = -3\n");
    await service.reload();
    equal(service.server.limits.audio, 5);
    const refused = lines.map((l) => JSON.parse(l)).find((l) =>
      l.msg === "reload: configuration refused, keeping the running one"
    );
    ok(refused, lines.join("\n"));
    match(JSON.stringify(refused.error), /limits\.audio/);

    // A good file with a restart-only change: limits apply, the rest is named.
    await Deno.writeTextFile(file, phantom(7, 24000));
    await Deno.writeTextFile(
      `${tmp}/markers.json`,
      JSON.stringify({
        markers: [{ frequency: 7_110_000, name: "New", mode: "AM" }],
      }),
    );
    await service.reload();
    equal(service.server.limits.audio, 7);
    const restart = lines.map((l) => JSON.parse(l)).find((l) =>
      l.msg === "reload: these settings need a restart"
    );
    deepEqual(restart?.settings, ["input"]);
    // markers.json is re-read and served to clients that connect from now on.
    const probe = await SdrProbe.connect(base, "waterfall", { decode: false });
    await probe.waitFor(() => probe.settings !== undefined, 5000);
    match(String(probe.settings!.markers), /"New"/);
    await probe.close();
  } finally {
    await service.close();
    await Deno.remove(tmp, { recursive: true });
  }
});
