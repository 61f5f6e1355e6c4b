// A transmission carrying Yaesu GPS data through a real reflector ends in a
// position report at a (fake, local) APRS-IS server.
import { equal, match, ok } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import {
  YSF_DEFAULTS,
  type YsfServiceConfig,
} from "../../lib/ysf/config/service_config.ts";
import { YsfService } from "../../lib/ysf/service.ts";
import {
  encodeFich,
  encodeHeaderPayload,
  encodeVd2DataChannel,
  type Fich,
} from "../../lib/ysf/mod.ts";
import { UdpClient, until } from "./_udp_client.ts";

/** The GPS block of pYSFReflector3's gps.py example (an FT-991 near Florence). */
const D300 = new Uint8Array([
  69,
  34,
  98,
  95,
  49,
  84,
  51,
  85,
  89,
  50,
  48,
  38,
  58,
  83,
  108,
  32,
  28,
  32,
  3,
  110,
]);

function packet(
  fields: Partial<Fich>,
  channel?: Uint8Array | string,
): Uint8Array {
  const data = new Uint8Array(155);
  data.set(new TextEncoder().encode("YSFDGW1TLK    G4ABC     ALL       "));
  encodeFich({
    fi: 1,
    cs: 2,
    cm: 0,
    bn: 0,
    bt: 0,
    fn: 0,
    ft: 7,
    dev: false,
    mr: 0,
    voip: true,
    dt: 2,
    sql: false,
    dgid: 0,
    ...fields,
  }, data);
  if (typeof channel === "string") {
    channel = new TextEncoder().encode(channel.padEnd(10));
  }
  if (channel !== undefined) encodeVd2DataChannel(channel, data);
  return data;
}

function frameWithCsd(fi: number): Uint8Array {
  const data = packet({ fi, fn: 0 });
  encodeHeaderPayload({
    destination: "ALL",
    source: "G4ABC",
    downlink: "",
    uplink: "",
  }, data);
  data[34] = fi === 2 ? 1 : 0; // end-of-transmission flag on the terminator
  return data;
}

Deno.test("ysf + APRS: a GPS position in the data channel reaches APRS-IS after the terminator", async () => {
  const lines: string[] = [];
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      const enc = new TextEncoder();
      await conn.write(enc.encode("# aprsc 2.1 test\r\n"));
      let buf = "";
      (async () => {
        try {
          for await (
            const chunk of conn.readable.pipeThrough(new TextDecoderStream())
          ) {
            buf += chunk;
            let nl;
            while ((nl = buf.indexOf("\n")) >= 0) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              lines.push(line);
              if (line.startsWith("user ")) {
                const call = line.split(" ")[1];
                await conn.write(
                  enc.encode(`# logresp ${call} verified, server T2TEST\r\n`),
                );
              }
            }
          }
        } catch {
          // closed by the client
        }
      })();
    }
  })();
  const config: YsfServiceConfig = {
    format: "toml",
    file: "(test)",
    contact: "",
    web: "",
    notes: [],
    reflector: {
      ...YSF_DEFAULTS.reflector("rooms"),
      name: "APRS TEST",
      description: "",
      id: 12345,
    },
    network: { bind: ["127.0.0.1"], port: 0, auxPorts: [] },
    files: { checkRe: 1, reloadMinutes: 0, roomDatabaseMaxEntries: 100 },
    monitor: { enabled: false, bind: "127.0.0.1", port: 0 },
    aprs: {
      enabled: true,
      server: "127.0.0.1",
      port: (listener.addr as Deno.NetAddr).port,
      ssid: "-10",
    },
  };
  const service = await YsfService.start(config, {
    logger: new Logger({ sink: () => {} }),
  });
  const port = service.server.sockets[0].port;
  const talker = new UdpClient({ hostname: "127.0.0.1", port });
  const other = new UdpClient({ hostname: "127.0.0.1", port });
  try {
    await talker.link("GW1TLK");
    await other.link("GW2LSN");
    const channels: Record<number, Uint8Array | string> = {
      1: "G4ABC",
      6: D300.subarray(0, 10),
      7: D300.subarray(10, 20),
    };
    const frames = [frameWithCsd(0)];
    for (let fn = 0; fn <= 7; fn++) {
      frames.push(packet({ fn }, channels[fn] ?? "          "));
    }
    frames.push(frameWithCsd(2));
    for (const f of frames) await talker.send(f);
    await until(
      () =>
        lines.some((l) =>
          l.includes(">APRS") || l.includes(":!") || l.includes(":=")
        ),
      10_000,
      "a position report",
    );
    const login = lines.find((l) => l.startsWith("user "))!;
    match(login, /^user YSF12345 pass \d+ vers shack /);
    const report = lines.find((l) => l.startsWith("G4ABC"))!;
    ok(report, lines.join("\n"));
    console.log(`aprs: ${report}`);
    match(report, /4359\.\d\dN/);
    match(report, /01030\.\d\dE/);
    equal(other.count("YSFD"), frames.length);
  } finally {
    await talker.close();
    await other.close();
    await service.close();
    listener.close();
    for (const c of conns) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    await serving.catch(() => {});
  }
});
