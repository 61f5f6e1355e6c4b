// A transmission carrying Yaesu GPS data through a real reflector ends in a
// position report at a (fake, local) APRS-IS server.
import { equal, match, ok } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import { defaultYsfConfig } from "../../lib/ysf/config/service_config.ts";
import { YsfService } from "../../lib/ysf/service.ts";
import { encodeHeaderPayload } from "../../lib/ysf/mod.ts";
import { D300, packet } from "./_gps_frames.ts";
import { UdpClient, until } from "./_udp_client.ts";

function frameWithCsd(fi: number): Uint8Array {
  const data = packet({ fi, fn: 0 }, undefined, "GW1TLK");
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
  const config = defaultYsfConfig();
  config.reflector.name = "APRS TEST";
  config.reflector.id = 12345;
  config.network = { bind: ["127.0.0.1"], port: 0, auxPorts: [] };
  delete config.httpPort;
  config.aprs = {
    enabled: true,
    server: "127.0.0.1",
    port: (listener.addr as Deno.NetAddr).port,
    ssid: "-10",
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
      frames.push(packet({ fn }, channels[fn] ?? "          ", "GW1TLK"));
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
