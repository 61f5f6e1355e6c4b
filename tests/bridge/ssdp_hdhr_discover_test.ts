import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { crc32 } from "../../lib/bridge/ssdp/crc32.ts";
import {
  decodeHdhrFrame,
  discoverReply,
  encodeHdhrFrame,
  HDHR_TAG,
  isDiscoverRequestFor,
} from "../../lib/bridge/ssdp/hdhr_discover_packet.ts";
import { HdhrDiscoverResponder } from "../../lib/bridge/ssdp/hdhr_discover_responder.ts";

/** Jellyfin's discover request, byte by byte (type 2, length 12, two wildcards, CRC). */
function jellyfinRequest(): Uint8Array {
  const body = new Uint8Array([
    0x00,
    0x02,
    0x00,
    0x0c,
    0x01,
    0x04,
    0xff,
    0xff,
    0xff,
    0xff,
    0x02,
    0x04,
    0xff,
    0xff,
    0xff,
    0xff,
  ]);
  const out = new Uint8Array(20);
  out.set(body);
  new DataView(out.buffer).setUint32(16, crc32(body), true);
  return out;
}

Deno.test("crc32() is the IEEE CRC-32 libhdhomerun uses", () => {
  equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  equal(crc32(new Uint8Array(0)), 0);
  throws(() => crc32(new Uint8Array(2), 1, 3), RangeError);
});

Deno.test("encodeHdhrFrame() produces Jellyfin's 20-byte discover request exactly", () => {
  const any = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
  deepEqual(
    encodeHdhrFrame({
      type: 2,
      items: [{ tag: HDHR_TAG.deviceType, value: any }, {
        tag: HDHR_TAG.deviceId,
        value: any,
      }],
    }),
    jellyfinRequest(),
  );
});

Deno.test("decodeHdhrFrame() round-trips long items and rejects damaged frames", () => {
  const long = new Uint8Array(300).fill(7);
  const bytes = encodeHdhrFrame({
    type: 3,
    items: [{ tag: 0x2a, value: long }, {
      tag: 0x10,
      value: new Uint8Array([4]),
    }],
  });
  // 300 = 0b10_0101100: first length byte 0x2c|0x80, second 2.
  deepEqual([...bytes.subarray(4, 7)], [0x2a, 0xac, 0x02]);
  const frame = decodeHdhrFrame(bytes)!;
  equal(frame.items[0].value.length, 300);
  equal(frame.items[1].value[0], 4);
  equal(decodeHdhrFrame(bytes.subarray(0, bytes.length - 1)), undefined);
  const flipped = bytes.slice();
  flipped[10] ^= 1;
  equal(decodeHdhrFrame(flipped), undefined);
  equal(decodeHdhrFrame(new Uint8Array(3)), undefined);
  // A length byte that runs past the payload.
  const bad = encodeHdhrFrame({ type: 2, items: [] });
  const grown = new Uint8Array(10);
  grown.set([0, 2, 0, 2, 0x01, 0x09]);
  new DataView(grown.buffer).setUint32(6, crc32(grown, 0, 6), true);
  equal(decodeHdhrFrame(grown), undefined);
  equal(decodeHdhrFrame(bad)?.items.length, 0);
  throws(
    () =>
      encodeHdhrFrame({
        type: 2,
        items: [{ tag: 1, value: new Uint8Array(0x4000) }],
      }),
    RangeError,
  );
});

Deno.test("isDiscoverRequestFor() matches wildcards, tuners and our DeviceID only", () => {
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n);
    return b;
  };
  const request = (type: number, id: number) => ({
    type: 2,
    items: [{ tag: 1, value: u32(type) }, { tag: 2, value: u32(id) }],
  });
  ok(isDiscoverRequestFor(decodeHdhrFrame(jellyfinRequest())!, 0x10101010));
  ok(isDiscoverRequestFor(request(1, 0x10101010), 0x10101010));
  ok(!isDiscoverRequestFor(request(5, 0xffffffff), 0x10101010)); // storage device
  ok(!isDiscoverRequestFor(request(1, 0x20202020), 0x10101010));
  ok(!isDiscoverRequestFor({ type: 3, items: [] }, 0x10101010));
  ok(isDiscoverRequestFor({ type: 2, items: [] }, 0x10101010));
});

Deno.test("discoverReply() carries type, DeviceID, tuners and both URLs", () => {
  const reply = discoverReply({
    deviceId: 0x12345674,
    tunerCount: 3,
    baseUrl: "http://192.0.2.5:5004",
    lineupUrl: "http://192.0.2.5:5004/lineup.json",
  });
  deepEqual([...reply.subarray(0, 2)], [0x00, 0x03]);
  const items = decodeHdhrFrame(reply)!.items;
  const text = new TextDecoder();
  deepEqual(items.map((i) => i.tag), [0x01, 0x02, 0x10, 0x2a, 0x27]);
  deepEqual([...items[0].value], [0, 0, 0, 1]);
  deepEqual([...items[1].value], [0x12, 0x34, 0x56, 0x74]);
  deepEqual([...items[2].value], [3]);
  equal(text.decode(items[3].value), "http://192.0.2.5:5004");
  equal(text.decode(items[4].value), "http://192.0.2.5:5004/lineup.json");
});

Deno.test("HdhrDiscoverResponder answers Jellyfin's request and ignores others", async () => {
  const responder = await HdhrDiscoverResponder.start({
    deviceId: "12345674",
    tunerCount: 2,
    baseUrl: "http://127.0.0.1:5004/",
    hostname: "127.0.0.1",
    port: 0,
  });
  const client = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  try {
    const to: Deno.NetAddr = {
      transport: "udp",
      hostname: "127.0.0.1",
      port: responder.addr.port,
    };
    await client.send(new Uint8Array([1, 2, 3]), to);
    const other = encodeHdhrFrame({
      type: 2,
      items: [{ tag: 2, value: new Uint8Array([0x20, 0x20, 0x20, 0x20]) }],
    });
    await client.send(other, to);
    await client.send(jellyfinRequest(), to);
    const [reply] = await client.receive();
    equal(reply[1], 3);
    const items = decodeHdhrFrame(reply)!.items;
    equal(new TextDecoder().decode(items[3].value), "http://127.0.0.1:5004");
    deepEqual(responder.stats, {
      received: 3,
      replies: 1,
      ignored: 1,
      malformed: 1,
      rateLimited: 0,
    });
  } finally {
    client.close();
    await responder.close();
    await responder.close();
  }
  await rejects(
    HdhrDiscoverResponder.start({
      deviceId: "xyz",
      tunerCount: 1,
      baseUrl: "http://x",
      port: 0,
    }),
    RangeError,
  );
});
