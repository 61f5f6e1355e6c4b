import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  constants,
  createZstdDecompress,
  type ZstdDecompress,
} from "node:zlib";
import {
  WaterfallCompressor,
  WaterfallDecompressor,
} from "../../lib/sdr/wire/waterfall_compressor.ts";
import {
  decodeWaterfallPacket,
  encodeWaterfallPacket,
  MAX_WATERFALL_MESSAGE_BYTES,
  MAX_WATERFALL_PACKET_BYTES,
  type WaterfallPacket,
} from "../../lib/sdr/wire/waterfall_packet.ts";

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A noise-floor line with a few carriers, as a waterfall looks. */
function line(
  frameNum: number,
  random: () => number,
  bins = 1024,
): WaterfallPacket {
  const data = new Int8Array(bins);
  for (let i = 0; i < bins; i++) {
    let v = -70 + Math.round((random() + random() + random() - 1.5) * 6);
    if (i % 97 === 5) v += 45;
    data[i] = v;
  }
  return { frameNum, l: 0, r: bins * 128, data };
}

/**
 * Feeds one message to a plain node:zlib streaming zstd decoder (an
 * implementation independent of the compressor's wrapper) and returns what
 * it produced for that message alone.
 */
function feed(
  decoder: ZstdDecompress,
  message: Uint8Array,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    decoder.write(message, (error) => {
      if (error) return reject(error);
      const parts: Buffer[] = [];
      let chunk: Buffer | null;
      while ((chunk = decoder.read() as Buffer | null) !== null) {
        parts.push(chunk);
      }
      resolve(new Uint8Array(Buffer.concat(parts)));
    });
  });
}

Deno.test("WaterfallCompressor.compressLine() output decodes incrementally, one line per message", async () => {
  const compressor = new WaterfallCompressor();
  const decoder = createZstdDecompress();
  decoder.on("error", () => {});
  try {
    const random = prng(7);
    let packetBytes = 0;
    let messageBytes = 0;
    for (let n = 0; n < 200; n++) {
      const sent = line(n * 2, random);
      const message = await compressor.compressLine(sent);
      ok(message, `message ${n}`);
      ok(message.length <= MAX_WATERFALL_MESSAGE_BYTES);
      // One endless frame: only the first message carries the magic.
      equal(
        ZSTD_MAGIC.every((b, i) => message[i] === b),
        n === 0,
        `magic on message ${n}`,
      );
      // Decodable at once, and exactly this line's packet.
      const packet = await feed(decoder, message);
      deepEqual(packet, encodeWaterfallPacket(sent));
      deepEqual(decodeWaterfallPacket(packet), sent);
      packetBytes += packet.length;
      messageBytes += message.length;
    }
    equal(compressor.messages, 200);
    equal(compressor.bytesIn, packetBytes);
    equal(compressor.bytesOut, messageBytes);
    ok(
      messageBytes < 0.75 * packetBytes,
      `ratio ${messageBytes / packetBytes}`,
    );
  } finally {
    compressor.close();
    decoder.destroy();
  }
});

Deno.test("WaterfallCompressor writes a 2^windowLog window in the frame header", async () => {
  for (const windowLog of [17, 12]) {
    const compressor = new WaterfallCompressor({ windowLog });
    const message = await compressor.compress(new Uint8Array(100));
    compressor.close();
    ok(message);
    // Frame header descriptor 0x00: no checksum, no dict, no content size, not single-segment.
    equal(message[4], 0x00);
    // Window descriptor: exponent in the top 5 bits, window = 2^(10 + exponent).
    equal(10 + (message[5] >> 3), windowLog);
    equal(message[5] & 7, 0);
  }
});

Deno.test("WaterfallCompressor messages need the connection's own decoder", async () => {
  const compressor = new WaterfallCompressor();
  const random = prng(3);
  const first = await compressor.compressLine(line(0, random));
  const second = await compressor.compressLine(line(1, random));
  compressor.close();
  ok(first && second);
  const fresh = new WaterfallDecompressor();
  await rejects(fresh.push(second)); // a mid-stream chunk is not a frame
  fresh.close();
  const own = new WaterfallDecompressor();
  equal(decodeWaterfallPacket((await own.push(first))!).frameNum, 0);
  equal(decodeWaterfallPacket((await own.push(second))!).frameNum, 1);
  own.close();
});

Deno.test("WaterfallCompressor keeps an incompressible largest packet within 32 KiB", async () => {
  const compressor = new WaterfallCompressor();
  const random = prng(11);
  const packet = Uint8Array.from(
    { length: MAX_WATERFALL_PACKET_BYTES },
    () => random() * 256,
  );
  const first = await compressor.compress(packet);
  const second = await compressor.compress(packet.reverse().slice());
  compressor.close();
  ok(first && second);
  ok(first.length <= MAX_WATERFALL_MESSAGE_BYTES, `first ${first.length}`);
  ok(second.length <= MAX_WATERFALL_MESSAGE_BYTES, `second ${second.length}`);
});

Deno.test("WaterfallCompressor.compress() rejects a packet over the limit", async () => {
  const compressor = new WaterfallCompressor();
  await rejects(
    compressor.compress(new Uint8Array(MAX_WATERFALL_PACKET_BYTES + 1)),
    RangeError,
  );
  equal(compressor.messages, 0);
  compressor.close();
});

Deno.test("WaterfallCompressor drops packets beyond maxPending and keeps the rest in order", async () => {
  const compressor = new WaterfallCompressor({ maxPending: 2 });
  const decoder = new WaterfallDecompressor();
  const random = prng(5);
  const lines = Array.from({ length: 10 }, (_, n) => line(n, random, 256));
  const results = await Promise.all(
    lines.map((l) => compressor.compressLine(l)),
  );
  equal(compressor.dropped, 8);
  equal(compressor.pending, 0);
  equal(results.filter((r) => r === undefined).length, 8);
  deepEqual(
    decodeWaterfallPacket((await decoder.push(results[0]!))!),
    lines[0],
  );
  deepEqual(
    decodeWaterfallPacket((await decoder.push(results[1]!))!),
    lines[1],
  );
  // Once drained, it accepts packets again.
  const again = await compressor.compressLine(lines[2]);
  deepEqual(decodeWaterfallPacket((await decoder.push(again!))!), lines[2]);
  compressor.close();
  decoder.close();
});

Deno.test("WaterfallCompressor.close() settles pending and later calls with undefined", async () => {
  const compressor = new WaterfallCompressor({ maxPending: 8 });
  const random = prng(9);
  const pending = [0, 1, 2].map((n) =>
    compressor.compressLine(line(n, random))
  );
  compressor.close();
  equal(compressor.closed, true);
  for (const result of await Promise.all(pending)) equal(result, undefined);
  equal(await compressor.compressLine(line(3, random)), undefined);
  compressor.close(); // idempotent
});

Deno.test("WaterfallCompressor per connection: independent streams", async () => {
  const a = new WaterfallCompressor();
  const b = new WaterfallCompressor({ level: 1 });
  const random = prng(1);
  const l0 = line(0, random);
  const [ma, mb] = await Promise.all([a.compressLine(l0), b.compressLine(l0)]);
  a.close();
  b.close();
  ok(ma && mb);
  ok(ZSTD_MAGIC.every((v, i) => ma[i] === v && mb[i] === v));
  for (const message of [ma, mb]) {
    const decoder = new WaterfallDecompressor();
    deepEqual(decodeWaterfallPacket((await decoder.push(message))!), l0);
    decoder.close();
  }
});

Deno.test("WaterfallCompressor rejects out-of-range options", () => {
  for (
    const options of [
      { level: 0 },
      { level: 20 },
      { windowLog: 9 },
      { hashLog: 27 },
      { chainLog: 5 },
      { maxPending: 0 },
    ]
  ) {
    let threw = false;
    try {
      new WaterfallCompressor(options).close();
    } catch (error) {
      threw = error instanceof RangeError;
    }
    ok(threw, JSON.stringify(options));
  }
  equal(constants.ZSTD_e_flush, 1);
});

Deno.test("WaterfallCompressor.compressLine() rejects a line it cannot encode", async () => {
  const compressor = new WaterfallCompressor();
  await rejects(
    compressor.compressLine({
      frameNum: -1,
      l: 0,
      r: 1,
      data: new Int8Array(1),
    }),
    RangeError,
  );
  equal(compressor.pending, 0);
  compressor.close();
});
