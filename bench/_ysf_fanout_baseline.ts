/**
 * @module The trivial fan-out the relay load test compares shack against:
 * `deno run -A bench/_ysf_fanout_baseline.ts --port P` binds 127.0.0.1:P;
 * a YSFP registers its sender (and is answered), a YSFU forgets it, and
 * every 155-byte YSFD is sent as is to every other registered sender. No
 * parsing, no rooms, no limits — the most a Deno process can relay with the
 * same socket calls (one reused receive buffer, one `send()` per receiver),
 * so the load generator's own ceiling shows next to shack's. Stops on
 * SIGTERM or SIGINT.
 */

const portArg = Deno.args.indexOf("--port");
const port = portArg >= 0 ? Number(Deno.args[portArg + 1]) : 0;
const conn = Deno.listenDatagram({
  transport: "udp",
  hostname: "127.0.0.1",
  port,
});
const POLL_REPLY = new TextEncoder().encode("YSFPREFLECTOR ");
const peers = new Map<string, Deno.NetAddr>();
const stop = () => {
  try {
    conn.close();
  } catch {
    // already closed
  }
};
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);

const buffer = new Uint8Array(2048);
let errors = 0;
const countError = () => {
  errors++;
};
while (true) {
  let received: [Uint8Array, Deno.Addr];
  try {
    received = await conn.receive(buffer);
  } catch {
    break;
  }
  const [data, addr] = received;
  const from = addr as Deno.NetAddr;
  const key = `${from.hostname}:${from.port}`;
  if (data.length === 155 && data[3] === 0x44) {
    const copy = data.slice();
    for (const [k, to] of peers) {
      if (k !== key) conn.send(copy, to).catch(countError);
    }
  } else if (data.length === 14 && data[3] === 0x50) {
    if (!peers.has(key)) {
      peers.set(key, {
        transport: "udp",
        hostname: from.hostname,
        port: from.port,
      });
    }
    conn.send(POLL_REPLY, from).catch(countError);
  } else if (data.length === 14 && data[3] === 0x55) {
    peers.delete(key);
  }
}
if (errors > 0) console.error(`send errors: ${errors}`);
Deno.exit(0);
