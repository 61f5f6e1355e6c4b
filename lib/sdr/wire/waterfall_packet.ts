/**
 * The `/waterfall` line packet (sdr-phantomsdr.md §2.5): one CBOR map
 * `{data, frame_num, l, r}` per line, as PhantomSDR builds it with
 * nlohmann::json (`std::map`, so keys in sorted order; shortest integers;
 * `data` a definite byte string of signed int8 values, never a typed-array
 * tag). `l` and `r` are level-0 (full-resolution) bins, i.e. `l_level <<
 * level` and `r_level << level`. Each packet is then zstd-compressed into
 * one WebSocket message by a `WaterfallCompressor`.
 *
 * Size limit: the frontend's streaming zstd decoder hands back its output in
 * 32 KiB pieces, so a decompressed packet must stay within 32 768 bytes, and
 * so must the compressed message, which can be 9 bytes longer than the
 * packet when zstd falls back to a raw block (6-byte frame header on the
 * first message + 3-byte block header). Hence at most
 * {@linkcode MAX_WATERFALL_PACKET_BYTES} = 32 759 bytes per packet and
 * {@linkcode MAX_WATERFALL_DATA_BYTES} = 32 717 bytes of line data (the
 * largest header is 42 bytes). A line is never split across packets: the
 * frontend draws each packet as one waterfall row, so two half-lines would
 * show as two rows. Lines are shorter than 2·`waterfall_size` by
 * construction (level selection), so a `waterfall_size` of at most
 * {@linkcode MAX_WATERFALL_SIZE} keeps every line within the limit; the
 * server's config validation should enforce it.
 *
 * @module
 */

import { cborText, CborWriter } from "./cbor_writer.ts";
import {
  cborIntegerField,
  decodeCborMap,
  describeCborValue,
} from "./cbor_reader.ts";
import { WireFormatError } from "./wire_format_error.ts";

/** Largest WebSocket message (and decompressed payload) the frontend handles. */
export const MAX_WATERFALL_MESSAGE_BYTES = 32768;

/** Largest CBOR packet: the message limit minus zstd's worst-case 9 bytes. */
export const MAX_WATERFALL_PACKET_BYTES: number = MAX_WATERFALL_MESSAGE_BYTES -
  9;

/** Largest CBOR header: map, 4 keys, uint64 frame_num, uint32 l/r, bytes head. */
const MAX_HEADER_BYTES = 1 + 5 + 3 + 10 + 9 + 2 + 5 + 2 + 5;

/** Largest `data` length that keeps the packet within the limit. */
export const MAX_WATERFALL_DATA_BYTES: number = MAX_WATERFALL_PACKET_BYTES -
  MAX_HEADER_BYTES;

/**
 * Largest `waterfall_size` whose lines (shorter than 2·`waterfall_size`)
 * always fit in one packet.
 */
export const MAX_WATERFALL_SIZE: number = Math.floor(
  (MAX_WATERFALL_DATA_BYTES + 1) / 2,
);

/** One waterfall line as sent on `/waterfall`. */
export interface WaterfallPacket {
  /** FFT frame counter (non-negative safe integer). */
  frameNum: number;
  /** First level-0 bin of the line. */
  l: number;
  /** End level-0 bin (exclusive). */
  r: number;
  /** Quantised power per bin at the line's level, signed 8-bit. */
  data: Int8Array | Uint8Array;
}

/** A decoded waterfall line: `data` viewed as signed bytes. */
export interface DecodedWaterfallPacket extends WaterfallPacket {
  /** Quantised power per bin, signed 8-bit (a view of the decoded bytes). */
  data: Int8Array;
}

const KEY_DATA = cborText("data");
const KEY_FRAME_NUM = cborText("frame_num");
const KEY_L = cborText("l");
const KEY_R = cborText("r");

/**
 * Encodes a waterfall line as PhantomSDR's CBOR map `{data, frame_num, l,
 * r}` (keys sorted, as nlohmann::json writes them).
 *
 * @param packet The line.
 * @returns The CBOR bytes (at most {@linkcode MAX_WATERFALL_PACKET_BYTES}).
 * @throws {RangeError} If `frameNum` is not a non-negative safe integer,
 * `l` or `r` is not an integer from 0 to 2^32 − 1, or `data` is longer than
 * {@linkcode MAX_WATERFALL_DATA_BYTES}.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { encodeWaterfallPacket } from "./waterfall_packet.ts";
 *
 * const bytes = encodeWaterfallPacket({
 *   frameNum: 2, l: 0, r: 1024, data: Int8Array.of(-1, 5),
 * });
 * deepEqual([...bytes], [
 *   0xa4,
 *   0x64, 0x64, 0x61, 0x74, 0x61, 0x42, 0xff, 0x05, // "data": h'ff05'
 *   0x69, 0x66, 0x72, 0x61, 0x6d, 0x65, 0x5f, 0x6e, 0x75, 0x6d, 0x02, // "frame_num": 2
 *   0x61, 0x6c, 0x00, // "l": 0
 *   0x61, 0x72, 0x19, 0x04, 0x00, // "r": 1024
 * ]);
 * ```
 */
export function encodeWaterfallPacket(packet: WaterfallPacket): Uint8Array {
  const { frameNum, l, r, data } = packet;
  if (!Number.isSafeInteger(frameNum) || frameNum < 0) {
    throw new RangeError(
      `Expected a non-negative safe integer frame number, found ${frameNum}`,
    );
  }
  for (const [name, value] of [["l", l], ["r", r]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(
        `Expected "${name}" to be a bin from 0 to 2^32 - 1, found ${value}`,
      );
    }
  }
  if (data.length > MAX_WATERFALL_DATA_BYTES) {
    throw new RangeError(
      `Expected at most ${MAX_WATERFALL_DATA_BYTES} bytes of waterfall data, found ${data.length}`,
    );
  }
  const writer = new CborWriter(MAX_HEADER_BYTES + data.length);
  writer.mapHeader(4);
  writer.raw(KEY_DATA);
  writer.bytes(data);
  writer.raw(KEY_FRAME_NUM);
  writer.int(frameNum);
  writer.raw(KEY_L);
  writer.int(l);
  writer.raw(KEY_R);
  writer.int(r);
  return writer.finish();
}

/**
 * Decodes one waterfall CBOR packet (the inverse of
 * {@linkcode encodeWaterfallPacket}, for tests and tools). Unknown keys are
 * ignored; trailing bytes are an error.
 *
 * @param bytes One CBOR item.
 * @returns The line, `data` as an `Int8Array` view.
 * @throws {WireFormatError} If the bytes are not a CBOR map with integer
 * `frame_num`, `l`, `r` and a byte-string `data`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodeWaterfallPacket, encodeWaterfallPacket } from "./waterfall_packet.ts";
 *
 * const line = { frameNum: 7, l: 4096, r: 8192, data: Int8Array.of(-128, 0, 127) };
 * deepEqual(decodeWaterfallPacket(encodeWaterfallPacket(line)), line);
 * ```
 */
export function decodeWaterfallPacket(
  bytes: Uint8Array,
): DecodedWaterfallPacket {
  const map = decodeCborMap(bytes, "waterfall");
  const data = map.data;
  if (!(data instanceof Uint8Array)) {
    throw new WireFormatError(
      `Expected a byte string "data" in the waterfall packet, found ${
        describeCborValue(data)
      }`,
    );
  }
  return {
    frameNum: cborIntegerField(map, "frame_num", "waterfall"),
    l: cborIntegerField(map, "l", "waterfall"),
    r: cborIntegerField(map, "r", "waterfall"),
    data: new Int8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}
