// pYSFReflector3 publishes what the V/D mode 2 data channel of a running
// stream reveals (stream_id01..04) on its JSON monitor; so does shack, over
// real UDP from a real YsfService.
import { deepEqual, equal } from "node:assert/strict";
import { Logger } from "../../lib/core/log.ts";
import { defaultYsfConfig } from "../../lib/ysf/config/service_config.ts";
import { YsfService } from "../../lib/ysf/service.ts";
import { D300, packet } from "./_gps_frames.ts";
import { UdpClient, until } from "./_udp_client.ts";

const decoder = new TextDecoder();

function json(d: Uint8Array): Record<string, string> | undefined {
  if (d[0] !== 0x7b) return undefined;
  return JSON.parse(decoder.decode(d));
}

Deno.test("YsfService: the JSON monitor sends stream_id01..04 from the data channel as the stream runs", async () => {
  const config = defaultYsfConfig();
  config.reflector.name = "MONITOR TEST";
  config.network = { bind: ["127.0.0.1"], port: 0, auxPorts: [] };
  config.monitor = { enabled: true, bind: "127.0.0.1", port: 0 };
  delete config.httpPort;
  const service = await YsfService.start(config, {
    logger: new Logger({ sink: () => {} }),
  });
  const port = service.server.sockets[0].port;
  const monitorPort = service.monitor!.addr.port;
  const subscriber = new UdpClient({
    hostname: "127.0.0.1",
    port: monitorPort,
  });
  const talker = new UdpClient({ hostname: "127.0.0.1", port });
  try {
    const system = subscriber.next((d) => json(d)?.system !== undefined);
    await subscriber.send(new TextEncoder().encode("CONNREQ"));
    await system;
    await talker.link("GW1TLK");
    const channels: Record<number, Uint8Array | string> = {
      1: "G4ABC",
      4: "17733ABCDE",
      5: "27003FAPrb",
      6: D300.subarray(0, 10),
      7: D300.subarray(10, 20),
    };
    const frames = [packet({ fi: 0, fn: 0 }, undefined, "GW1TLK")];
    for (let fn = 0; fn <= 7; fn++) {
      frames.push(packet({ fn }, channels[fn] ?? "          ", "GW1TLK"));
    }
    // The same data again changes nothing and sends nothing more.
    for (let fn = 0; fn <= 7; fn++) {
      frames.push(packet({ fn }, channels[fn] ?? "          ", "GW1TLK"));
    }
    frames.push(packet({ fi: 2, fn: 0 }, undefined, "GW1TLK"));
    for (const f of frames) await talker.send(f);
    const messages = () =>
      subscriber.received.map(json).filter((m) => m !== undefined);
    await until(
      () => messages().some((m) => m.stream_end !== undefined),
      10_000,
      "stream_end on the monitor",
    );
    const all = messages();
    const id = all.find((m) => m.stream_start !== undefined)!.stream_start;
    const of = (key: string) => all.filter((m) => m[key] !== undefined);
    deepEqual(of("stream_id01"), [{ stream_id01: id, "Rem1+2": "17733ABCDE" }]);
    deepEqual(of("stream_id02"), [{ stream_id02: id, "Rem3+4": "27003FAPrb" }]);
    equal(of("stream_id03").length, 1);
    equal(of("stream_id03")[0].stream_id03, id);
    equal(Number.isInteger(Number(of("stream_id03")[0].radio_code)), true);
    const [position] = of("stream_id04");
    equal(position.stream_id04, id);
    equal(Math.floor(Number(position.latitude)), 43);
    equal(Math.floor(Number(position.longitude)), 10);
    // Order: the data channel messages come between start and end.
    const kinds = all.map((m) => Object.keys(m)[0]);
    equal(kinds.indexOf("stream_start") < kinds.indexOf("stream_id01"), true);
    equal(kinds.indexOf("stream_id04") < kinds.indexOf("stream_end"), true);
  } finally {
    await subscriber.close();
    await talker.close();
    await service.close();
  }
});
