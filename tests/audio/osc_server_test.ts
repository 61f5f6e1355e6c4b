import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  type OscCommand,
  parseOscCommand,
} from "../../lib/audio/osc/command.ts";
import { decodePacket } from "../../lib/audio/osc/decode.ts";
import {
  encodeBundle,
  encodeMessage,
  encodePacket,
} from "../../lib/audio/osc/encode.ts";
import {
  createBundle,
  createMessage,
  type OscArgInput,
  type OscMessage,
} from "../../lib/audio/osc/packet.ts";
import {
  doneReply,
  failReply,
  statusReply,
  syncedReply,
} from "../../lib/audio/osc/replies.ts";
import { type OscEvent, OscServer } from "../../lib/audio/osc/server.ts";
import {
  frameToTimetag,
  timetagFromMs,
  timetagToFrame,
} from "../../lib/audio/osc/timetag.ts";
import { waitFor } from "../_wait.ts";

function udpClient(): Deno.DatagramConn {
  return Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
}

async function receiveMessage(client: Deno.DatagramConn): Promise<OscMessage> {
  const [bytes] = await client.receive();
  const packet = decodePacket(bytes);
  if (packet.kind !== "message") throw new Error("Expected a message reply");
  return packet;
}

Deno.test("OscServer parses every command address sent over real UDP", async () => {
  const commands: OscCommand[] = [];
  const server = new OscServer({
    port: 0,
    handler: ({ message, reply }) => {
      const command = parseOscCommand(message);
      commands.push(command);
      switch (command.kind) {
        case "status":
          reply(
            statusReply({
              ugens: 0,
              synths: 0,
              groups: 1,
              synthDefs: 3,
              avgCpu: 0,
              peakCpu: 0,
              nominalSampleRate: 48000,
              actualSampleRate: 48000,
              counters: { malformed: server.stats.malformed },
            }),
          );
          break;
        case "sync":
          reply(syncedReply(command.id));
          break;
        case "notify":
          reply(doneReply("/notify", command.clientId ?? 0));
          break;
        case "quit":
          reply(doneReply("/quit"));
          break;
      }
    },
  });
  const client = udpClient();
  try {
    const sent: [string, OscArgInput[], OscCommand][] = [
      ["/mod/sine/freq", [{ type: "f", value: 440 }], {
        kind: "mod",
        module: "sine",
        param: "freq",
        value: 440,
      }],
      ["/mod/voice1/adsr/attack", [0.25], {
        kind: "mod",
        module: "voice1",
        param: "adsr/attack",
        value: 0.25,
      }],
      ["/gate/adsr", ["off"], { kind: "gate", module: "adsr", on: false }],
      ["/gate/adsr1", [1], { kind: "gate", module: "adsr1", on: true }],
      ["/patch/create", ["osc1", "simple_sine"], {
        kind: "patch_create",
        id: "osc1",
        type: "simple_sine",
      }],
      ["/patch/connect", ["osc1", "env1"], {
        kind: "patch_connect",
        source: "osc1",
        destination: "env1",
      }],
      ["/patch/commit", [], { kind: "patch_commit" }],
      ["/patch/abort", [], { kind: "patch_abort" }],
      ["/record/start", ["take1.wav"], {
        kind: "record_start",
        file: "take1.wav",
      }],
      ["/record/start", [], { kind: "record_start" }],
      ["/record/status", [], { kind: "record_status" }],
      ["/record/stop", [], { kind: "record_stop" }],
      ["/s_new", ["voice", 1000, 1, 1, "freq", 220, "amp", 0.5], {
        kind: "s_new",
        defName: "voice",
        nodeId: 1000,
        addAction: 1,
        targetId: 1,
        controls: [{ control: "freq", value: 220 }, {
          control: "amp",
          value: 0.5,
        }],
      }],
      ["/n_set", [1000, "gate", 0, 2, 1.5], {
        kind: "n_set",
        nodeId: 1000,
        controls: [{ control: "gate", value: 0 }, { control: 2, value: 1.5 }],
      }],
      ["/n_free", [1000, 1001], { kind: "n_free", nodeIds: [1000, 1001] }],
      ["/g_new", [1, 0, 0], {
        kind: "g_new",
        groups: [{ groupId: 1, addAction: 0, targetId: 0 }],
      }],
      ["/notify", [1, 3], { kind: "notify", enabled: true, clientId: 3 }],
      ["/status", [], { kind: "status" }],
      ["/sync", [77], { kind: "sync", id: 77 }],
      ["/quit", [], { kind: "quit" }],
    ];
    for (const [address, args] of sent) {
      await client.send(encodeMessage(address, args), server.addr);
    }
    await waitFor(() => commands.length === sent.length, "every command");
    deepEqual(commands, sent.map(([, , command]) => command));

    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await receiveMessage(client));
    deepEqual(replies.map((r) => r.address), [
      "/done",
      "/status.reply",
      "/synced",
      "/done",
    ]);
    deepEqual(replies[0].args.map((a) => a.value), ["/notify", 3]);
    deepEqual(replies[1].args.slice(9).map((a) => a.value), ["malformed", 0]);
    deepEqual(replies[2].args, [{ type: "i", value: 77 }]);
    deepEqual(replies[3].args.map((a) => a.value), ["/quit"]);
    await waitFor(() => server.stats.replies === 4, "the replies to be sent");
    equal(server.stats.messages, sent.length);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("OscServer hands bundled messages their timetag, exact to the frame", async () => {
  const clock = {
    startNtp: timetagFromMs(Date.UTC(2025, 8, 1, 12)),
    sampleRate: 48000,
  };
  const applied: [string, number][] = [];
  const server = new OscServer({
    port: 0,
    handler: ({ message, timetag }) => {
      applied.push([
        message.address,
        timetag === 1n ? -1 : timetagToFrame(timetag, clock),
      ]);
    },
  });
  const client = udpClient();
  try {
    await client.send(
      encodeBundle(frameToTimetag(256 * 100, clock), [
        createMessage("/gate/adsr", [1]),
        createMessage("/mod/sine/freq", [330]),
        createBundle(frameToTimetag(256 * 100 + 17, clock), [
          createMessage("/gate/adsr", [0]),
        ]),
      ]),
      server.addr,
    );
    await client.send(encodeMessage("/status"), server.addr);
    await client.send(
      encodeBundle(frameToTimetag(48000 * 3600 + 1, clock), [
        createMessage("/n_free", [5]),
      ]),
      server.addr,
    );
    await waitFor(() => applied.length === 5, "five messages");
    deepEqual(applied, [
      ["/gate/adsr", 25600],
      ["/mod/sine/freq", 25600],
      ["/gate/adsr", 25617],
      ["/status", -1],
      ["/n_free", 172800001],
    ]);
  } finally {
    client.close();
    await server.close();
  }
});

/** 10,000 datagrams that `decodePacket` rejects, from a fixed seed. */
function malformedPackets(count: number): Uint8Array[] {
  const valid = [
    encodeMessage("/n_set", [1000, "freq", 440.5]),
    encodeMessage("/mod/sine/freq", [{ type: "d", value: 440 }]),
    encodeMessage("/b", [new Uint8Array(9), { type: "h", value: 5n }]),
    encodeBundle(5n << 32n, [
      createMessage("/gate/adsr", [1]),
      createBundle(6n << 32n, [createMessage("/quit")]),
    ]),
  ];
  const mutated = fc.tuple(
    fc.constantFrom(...valid),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.integer({ min: 0, max: 9 }),
  ).map(([bytes, flips, cut]) => {
    const copy = bytes.slice(0, bytes.length - cut);
    for (const [at, value] of flips) {
      if (copy.length > 0) copy[at % copy.length] = value;
    }
    return copy;
  });
  const arbitrary = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 80 }),
    mutated,
    // a plausible header followed by junk
    fc.uint8Array({ minLength: 4, maxLength: 40 }).map((junk) => {
      const out = new Uint8Array(8 + junk.length);
      out.set(encodeMessage("/a").subarray(0, 4));
      out[4] = 0x2c;
      out.set(junk, 8);
      return out;
    }),
  );
  const out: Uint8Array[] = [];
  let seed = 1;
  while (out.length < count) {
    for (const bytes of fc.sample(arbitrary, { seed: seed++, numRuns: 2000 })) {
      if (out.length === count) break;
      try {
        decodePacket(bytes);
      } catch {
        out.push(bytes);
      }
    }
  }
  return out;
}

Deno.test("OscServer counts and ignores 10,000 seeded malformed datagrams", async () => {
  const packets = malformedPackets(10_000);
  const handled: string[] = [];
  const server = new OscServer({
    port: 0,
    handler: ({ message, reply }) => {
      handled.push(message.address);
      if (message.address === "/sync") reply(syncedReply(1));
    },
  });
  const client = udpClient();
  try {
    // Paced in batches so the loopback socket buffer never overflows.
    for (let i = 0; i < packets.length; i += 50) {
      for (const bytes of packets.slice(i, i + 50)) {
        await client.send(bytes, server.addr);
      }
      const sent = Math.min(i + 50, packets.length);
      await waitFor(
        () => server.stats.received >= sent,
        `${sent} datagrams received`,
      );
    }
    await client.send(encodeMessage("/sync", [1]), server.addr);
    const reply = await receiveMessage(client);
    equal(reply.address, "/synced");
    const stats = server.stats;
    equal(stats.received, 10_001);
    equal(stats.malformed, 10_000);
    equal(stats.dropped, 0);
    deepEqual(handled, ["/sync"]);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("OscServer drops and counts packets beyond its queue while the handler is busy", async () => {
  const gate = Promise.withResolvers<void>();
  let handled = 0;
  const server = new OscServer({
    port: 0,
    queueCapacity: 4,
    handler: async () => {
      handled++;
      await gate.promise;
    },
  });
  const client = udpClient();
  try {
    for (let i = 0; i < 20; i++) {
      await client.send(encodeMessage("/n_free", [i]), server.addr);
    }
    await waitFor(() => server.stats.received === 20, "20 datagrams");
    // one in the handler, four queued, fifteen dropped
    equal(handled, 1);
    equal(server.queued, 4);
    equal(server.stats.dropped, 15);
    gate.resolve();
    await waitFor(() => handled === 5, "the queued packets");
    equal(server.stats.messages, 5);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("OscServer counts handler errors and keeps serving", async () => {
  const errors: string[] = [];
  const seen: string[] = [];
  const server = new OscServer({
    port: 0,
    handler: (event: OscEvent) => {
      seen.push(event.message.address);
      if (event.message.address === "/boom") throw new Error("boom");
      if (event.message.address === "/reject") {
        return Promise.reject(new Error("nope"));
      }
    },
    onError: (_error, context) => errors.push(context),
  });
  const client = udpClient();
  try {
    for (const address of ["/boom", "/reject", "/ok"]) {
      await client.send(encodeMessage(address), server.addr);
    }
    await waitFor(() => seen.length === 3, "three messages");
    equal(server.stats.handlerErrors, 2);
    deepEqual(errors, ["handle /boom", "handle /reject"]);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("OscServer.close() returns within 1 s even while the handler hangs", async () => {
  let entered = false;
  const server = new OscServer({
    port: 0,
    handler: () => {
      entered = true;
      return new Promise<void>(() => {}); // never settles
    },
  });
  const client = udpClient();
  try {
    await client.send(encodeMessage("/hang"), server.addr);
    await waitFor(() => entered, "the handler to start");
  } finally {
    client.close();
  }
  const start = performance.now();
  await server.close();
  const elapsed = performance.now() - start;
  ok(elapsed < 2000, `close took ${elapsed} ms`);
  equal(server.closed, true);
  equal(server.send(createMessage("/late"), server.addr), false);
});

Deno.test("OscServer closes when its signal aborts", async () => {
  const controller = new AbortController();
  const server = new OscServer({
    port: 0,
    handler: () => {},
    signal: controller.signal,
  });
  controller.abort();
  await server.close();
  equal(server.closed, true);
  // the port is free again
  const again = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: server.addr.port,
  });
  again.close();
});

Deno.test("OscServer replies to the sender's own address and port", async () => {
  const server = new OscServer({
    port: 0,
    handler: ({ message, reply }) => {
      reply(failReply(message.address, "unknown command"));
    },
  });
  const a = udpClient();
  const b = udpClient();
  try {
    await a.send(encodePacket(createMessage("/from/a")), server.addr);
    await b.send(encodePacket(createMessage("/from/b")), server.addr);
    deepEqual((await receiveMessage(a)).args[0].value, "/from/a");
    deepEqual((await receiveMessage(b)).args[0].value, "/from/b");
  } finally {
    a.close();
    b.close();
    await server.close();
  }
});
