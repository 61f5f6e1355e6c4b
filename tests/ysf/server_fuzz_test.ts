// 100,000 random and mutated datagrams at a real YsfServer over loopback UDP.
import { equal, ok } from "node:assert/strict";
import { YsfServer } from "../../lib/ysf/server.ts";
import {
  buildInfo,
  buildOptions,
  buildPoll,
  buildStatusQuery,
  buildUnlink,
  buildVersionQuery,
} from "../../lib/ysf/packets.ts";
import { DROP_REASONS } from "../../lib/ysf/reflector/counters.ts";
import { probeYsfStatus } from "../../lib/ysf/probe.ts";
import { transmission } from "./_reflector_harness.ts";

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("YsfServer survives 100,000 seeded random and mutated datagrams over UDP", async () => {
  const SEED = 0x5eed_2026;
  const TOTAL = 100_000;
  const rand = prng(SEED);
  const pick = <T>(items: readonly T[]): T =>
    items[Math.floor(rand() * items.length)];
  const server = await YsfServer.start({
    reflector: {
      name: "FUZZ",
      dgidList: [1, 10, 20],
      defaultDgid: 10,
      maxClients: 40,
      maxClientsPerIp: 8,
    },
    bind: ["127.0.0.1"],
    port: 0,
  });
  const target = {
    transport: "udp" as const,
    hostname: "127.0.0.1",
    port: server.sockets[0].port,
  };
  // Several senders on several loopback addresses: linked, unlinked, over the per-IP limit.
  const senders = Array.from(
    { length: 24 },
    (_, i) =>
      Deno.listenDatagram({
        transport: "udp",
        hostname: `127.0.2.${1 + (i % 3)}`,
        port: 0,
      }),
  );
  const tx = transmission({
    dgid: 10,
    gateway: "GW1FZZ",
    source: "G4ABC",
    count: 7,
  });
  const valid: Uint8Array[] = [
    buildPoll("GW1FZZ"),
    buildPoll("GW2FZZ-20"),
    buildUnlink("GW1FZZ"),
    buildStatusQuery(),
    buildVersionQuery(),
    buildOptions("GW1FZZ", "10;20;"),
    buildInfo({
      callsign: "GW1FZZ",
      rxFrequency: 430_000_000,
      txFrequency: 430_000_000,
      locator: "IO91WM",
      name: "Fuzz",
      hotspotType: "MMDVM",
      radioId: "1234567",
    }),
    tx.header,
    ...tx.body,
    tx.terminator,
  ];
  const mutate = (base: Uint8Array): Uint8Array => {
    switch (Math.floor(rand() * 6)) {
      case 0: // truncated
        return base.slice(0, Math.floor(rand() * base.length));
      case 1: { // extended
        const out = new Uint8Array(base.length + 1 + Math.floor(rand() * 64));
        out.set(base);
        for (let i = base.length; i < out.length; i++) {
          out[i] = Math.floor(rand() * 256);
        }
        return out;
      }
      case 2: { // bit flips
        const out = base.slice();
        const flips = 1 + Math.floor(rand() * 8);
        for (let i = 0; i < flips && out.length > 0; i++) {
          out[Math.floor(rand() * out.length)] ^= 1 << Math.floor(rand() * 8);
        }
        return out;
      }
      case 3: { // tag changed
        const out = base.slice();
        if (out.length >= 4) {
          out[3] = pick([0x50, 0x55, 0x44, 0x53, 0x4f, 0x49, 0x56, 0x00]);
        }
        return out;
      }
      case 4: // random bytes
        return crypto.getRandomValues(new Uint8Array(Math.floor(rand() * 200)));
      default: // valid as is
        return base;
    }
  };
  try {
    let sent = 0;
    while (sent < TOTAL) {
      const batch: Promise<number>[] = [];
      for (let i = 0; i < 50 && sent < TOTAL; i++, sent++) {
        batch.push(
          pick(senders).send(mutate(pick(valid)), target).catch(() => 0),
        );
      }
      await Promise.all(batch);
      // Let the reflector drain its socket so the kernel drops little.
      await new Promise((r) => setTimeout(r, 1));
    }
    // Everything that arrived is either accepted or counted under one reason.
    await new Promise((r) => setTimeout(r, 200));
    const c = server.core.counters;
    const dropped = DROP_REASONS.reduce(
      (sum, reason) => sum + c.drops[reason],
      0,
    );
    equal(c.accepted + dropped, c.datagrams);
    console.log(
      `fuzz: ${c.datagrams} of ${TOTAL} arrived, ${c.accepted} accepted, ${dropped} dropped`,
    );
    ok(
      c.datagrams >= TOTAL * 0.9,
      `only ${c.datagrams} of ${TOTAL} datagrams arrived`,
    );
    ok(c.drops.unknown_tag + c.drops.too_short + c.drops.runt > 0);
    const sizes = server.core.sizes;
    ok(sizes.clients <= 40, `clients ${sizes.clients} over the bound`);
    ok(sizes.streams <= 256);
    ok(sizes.lastHeard <= 100);
    // Still alive and answering.
    const status = await probeYsfStatus("127.0.0.1", target.port);
    equal(status.name, "FUZZ");
  } finally {
    for (const s of senders) s.close();
    await server.close();
  }
});
