// A loopback UDP client for reflector tests: it records every datagram it
// receives and lets a test wait for the next one matching a predicate.
import { buildPoll } from "../../lib/ysf/packets.ts";

export class UdpClient {
  readonly conn: Deno.DatagramConn;
  readonly received: Uint8Array[] = [];
  #waiters: {
    match: (d: Uint8Array) => boolean;
    resolve: (d: Uint8Array) => void;
  }[] = [];
  #reading: Promise<void>;
  #target: Deno.NetAddr;

  constructor(
    target: { hostname: string; port: number },
    hostname = "127.0.0.1",
  ) {
    this.conn = Deno.listenDatagram({ transport: "udp", hostname, port: 0 });
    this.#target = {
      transport: "udp",
      hostname: target.hostname,
      port: target.port,
    };
    this.#reading = this.#read();
  }

  get port(): number {
    return (this.conn.addr as Deno.NetAddr).port;
  }

  async #read(): Promise<void> {
    while (true) {
      let data: Uint8Array;
      try {
        [data] = await this.conn.receive();
      } catch {
        return;
      }
      this.received.push(data);
      for (const w of [...this.#waiters]) {
        if (w.match(data)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(data);
        }
      }
    }
  }

  send(data: Uint8Array): Promise<number> {
    return this.conn.send(data, this.#target);
  }

  /** Sends YSFP and waits for the reflector's reply. */
  async link(callsign: string): Promise<void> {
    const reply = this.next((d) => tag(d) === "YSFP");
    await this.send(buildPoll(callsign));
    await reply;
  }

  /** Resolves with the next datagram (arriving after this call) that matches. */
  next(
    match: (d: Uint8Array) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Uint8Array> {
    const { promise, resolve, reject } = Promise.withResolvers<Uint8Array>();
    const timer = setTimeout(() => {
      this.#waiters.splice(this.#waiters.indexOf(entry), 1);
      reject(new Error(`no matching datagram within ${timeoutMs} ms`));
    }, timeoutMs);
    const entry = {
      match,
      resolve: (d: Uint8Array) => {
        clearTimeout(timer);
        resolve(d);
      },
    };
    this.#waiters.push(entry);
    return promise;
  }

  /** Datagrams received so far with this tag. */
  count(t: string): number {
    return this.received.filter((d) => tag(d) === t).length;
  }

  async close(): Promise<void> {
    this.conn.close();
    await this.#reading;
  }
}

export function tag(d: Uint8Array): string {
  return new TextDecoder().decode(d.subarray(0, 4));
}

/** Waits until `check()` is true, polling every 10 ms, or fails after `timeoutMs`. */
export async function until(
  check: () => boolean,
  timeoutMs = 5000,
  what = "condition",
): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
