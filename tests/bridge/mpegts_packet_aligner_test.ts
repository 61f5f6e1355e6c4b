import { deepEqual, equal, throws } from "node:assert/strict";
import fc from "fast-check";
import { TsPacketAligner } from "../../lib/bridge/mpegts/packet_aligner.ts";
import { TsChannelGenerator } from "../../lib/bridge/mpegts/ts_generator.ts";
import { TS_PACKET_SIZE } from "../../lib/bridge/mpegts/packet.ts";

const SEED = 20_261_121;

function concat(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** Feeds `bytes` cut at `cuts` (sorted offsets) and returns the output. */
function feed(aligner: TsPacketAligner, bytes: Uint8Array, cuts: number[]) {
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    for (const piece of aligner.push(bytes.subarray(from, cut))) {
      equal(piece.length % TS_PACKET_SIZE, 0);
      for (let i = 0; i < piece.length; i += TS_PACKET_SIZE) {
        equal(piece[i], 0x47);
      }
      pieces.push(piece.slice());
    }
    from = cut;
  }
  return concat(pieces);
}

Deno.test("TsPacketAligner.push() passes an aligned stream through unchanged, without copying", () => {
  const bytes = new TsChannelGenerator().next(40);
  const aligner = new TsPacketAligner();
  const pieces = aligner.push(bytes);
  equal(pieces.length, 1);
  equal(pieces[0].buffer, bytes.buffer); // a view, not a copy
  equal(pieces[0].length, bytes.length);
  equal(aligner.synced, true);
  deepEqual(aligner.stats, { packets: 40, droppedBytes: 0, syncLosses: 0 });
});

Deno.test("TsPacketAligner.push() gives the same bytes for any chunking", () => {
  const bytes = new TsChannelGenerator({ videoPackets: 5 }).next(60);
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), {
        maxLength: 40,
      }),
      (cuts) => {
        cuts.sort((a, b) => a - b);
        const aligner = new TsPacketAligner();
        deepEqual(feed(aligner, bytes, cuts), bytes);
        equal(aligner.pending, 0);
        equal(aligner.stats.droppedBytes, 0);
      },
    ),
    { seed: SEED, numRuns: 200 },
  );
});

Deno.test("TsPacketAligner.push() skips leading garbage and finds the boundary", () => {
  const packets = new TsChannelGenerator().next(10);
  const garbage = new Uint8Array(100).fill(0x47); // sync-looking bytes, not 188 apart
  garbage[99] = 0x00;
  const aligner = new TsPacketAligner();
  const out = feed(aligner, concat([garbage, packets]), [50, 150]);
  deepEqual(out, packets);
  equal(aligner.stats.droppedBytes, 100);
});

Deno.test("TsPacketAligner.push() resynchronises after bytes are inserted mid-packet", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 3, max: 30 }), // after the initial lock (3 packets)
      fc.integer({ min: 1, max: 187 }),
      fc.uniqueArray(fc.integer({ min: 1, max: 9000 }), { maxLength: 10 }),
      (badPacket, junkLength, cuts) => {
        const packets = new TsChannelGenerator().next(48);
        // Junk inside one packet: that packet goes out damaged (its header is
        // fine), the next boundary is missed and found again J bytes later.
        const at = badPacket * TS_PACKET_SIZE + 10;
        const junk = new Uint8Array(junkLength).fill(0xaa);
        const broken = concat([
          packets.subarray(0, at),
          junk,
          packets.subarray(at),
        ]);
        const valid = cuts.filter((c) => c < broken.length).sort((a, b) =>
          a - b
        );
        const aligner = new TsPacketAligner();
        const out = feed(aligner, broken, valid);
        const expected = concat([
          broken.subarray(0, (badPacket + 1) * TS_PACKET_SIZE),
          packets.subarray((badPacket + 1) * TS_PACKET_SIZE),
        ]);
        deepEqual(out, expected);
        equal(aligner.stats.syncLosses, 1);
        equal(aligner.stats.droppedBytes, junkLength);
      },
    ),
    { seed: SEED, numRuns: 150 },
  );
});

Deno.test("TsPacketAligner.push() holds at most lockPackets × 188 bytes of noise", () => {
  const aligner = new TsPacketAligner({ lockPackets: 3 });
  let out = 0;
  for (let i = 0; i < 100; i++) {
    // Sync-looking bytes, but never 188 apart.
    const noise = new Uint8Array(1000).fill(0x11);
    for (let j = i % 100; j < 1000; j += 100) noise[j] = 0x47;
    for (const piece of aligner.push(noise)) out += piece.length;
    equal(aligner.pending <= 3 * TS_PACKET_SIZE, true);
  }
  equal(out, 0);
  equal(aligner.synced, false);
  equal(aligner.stats.droppedBytes + aligner.pending, 100_000);
});

Deno.test("TsPacketAligner.reset() drops the partial packet before a new connection's bytes", () => {
  const first = new TsChannelGenerator().next(5);
  const second = new TsChannelGenerator({ videoPid: 0x200 }).next(5);
  const aligner = new TsPacketAligner();
  const a = concat(aligner.push(first.subarray(0, 3 * TS_PACKET_SIZE + 50)));
  equal(a.length, 3 * TS_PACKET_SIZE);
  aligner.reset();
  equal(aligner.synced, false);
  const b = concat(aligner.push(second));
  deepEqual(b, second);
  equal(aligner.stats.droppedBytes, 50);
});

Deno.test("TsPacketAligner() validates lockPackets", () => {
  throws(() => new TsPacketAligner({ lockPackets: 1 }), RangeError);
  throws(() => new TsPacketAligner({ lockPackets: 9 }), RangeError);
  throws(() => new TsPacketAligner({ lockPackets: 2.5 }), RangeError);
});
