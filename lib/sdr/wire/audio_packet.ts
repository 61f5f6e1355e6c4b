/**
 * The `/audio` binary packet (sdr-phantomsdr.md §2.6): after the settings
 * text frame, every binary message is one CBOR map (no zstd) wrapping the
 * bytes of one encoder output: `{data, frame_num, l, m, pwr, r}`, written as
 * nlohmann::json does (`std::map`, keys sorted; `l`, `r`, `frame_num`
 * shortest integers; `m` and `pwr` doubles, so float32 when exact, else
 * float64; `data` a definite byte string).
 *
 * - What the original server puts in it: `l` = 0, `r` = the window width
 *   in bins (r − l), `m` = the absolute carrier bin, `pwr` = the S-meter
 *   sum (§1.8). The original frontend reads only `pwr` and `data`.
 * - FLAC header: libFLAC's init writes `"fLaC"`, STREAMINFO and
 *   VORBIS_COMMENT as three callbacks, each sent as a packet with
 *   `frame_num = l = m = r = pwr = 0` before any frame
 *   ({@linkcode encodeAudioHeaderPackets}); Plus/NovaSDR-era frontends
 *   recognise them by "`r == 0` and data non-empty".
 * - sv1btl adds `channels`, `codec` and `sam_locked`; they are written only
 *   when given.
 *
 * @module
 */

import { cborText, CborWriter } from "./cbor_writer.ts";
import {
  cborIntegerField,
  cborNumberField,
  decodeCborMap,
  describeCborValue,
} from "./cbor_reader.ts";
import { WireFormatError } from "./wire_format_error.ts";

/** One `/audio` packet. */
export interface AudioPacket {
  /** FFT frame counter (0 for header packets). */
  frameNum: number;
  /** Window start as the server reports it (the original sends 0). */
  l: number;
  /** Carrier bin (fractional; the original sends the absolute bin). */
  m: number;
  /** Window end (the original sends the width r − l; 0 marks a header). */
  r: number;
  /** S-meter: sum of |X/N|² over the passband. */
  pwr: number;
  /** One encoder output (a FLAC header part or frame, an Opus packet…). */
  data: Uint8Array;
  /** sv1btl: 1 or 2 channels (written only when set). */
  channels?: number;
  /** sv1btl: "flac", "opus" or "pcm" (written only when set). */
  codec?: string;
  /** sv1btl: synchronous-AM lock indicator (written only when set). */
  samLocked?: boolean;
}

/** Extra fields of {@linkcode encodeAudioHeaderPackets}. */
export type AudioPacketExtras = Pick<
  AudioPacket,
  "channels" | "codec" | "samLocked"
>;

const KEY_CHANNELS = cborText("channels");
const KEY_CODEC = cborText("codec");
const KEY_DATA = cborText("data");
const KEY_FRAME_NUM = cborText("frame_num");
const KEY_L = cborText("l");
const KEY_M = cborText("m");
const KEY_PWR = cborText("pwr");
const KEY_R = cborText("r");
const KEY_SAM_LOCKED = cborText("sam_locked");

/**
 * Encodes an audio packet as PhantomSDR's CBOR map.
 *
 * @param packet The packet.
 * @returns The CBOR bytes.
 * @throws {RangeError} If `frameNum` is not a non-negative safe integer, or
 * `l`, `r` or `channels` is not a safe integer.
 *
 * @example The header marker packet around "fLaC"
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { encodeAudioPacket } from "./audio_packet.ts";
 *
 * const bytes = encodeAudioPacket({
 *   frameNum: 0, l: 0, m: 0, r: 0, pwr: 0, data: new TextEncoder().encode("fLaC"),
 * });
 * deepEqual([...bytes.subarray(0, 10)], [
 *   0xa6, 0x64, 0x64, 0x61, 0x74, 0x61, 0x44, 0x66, 0x4c, 0x61, // {"data": h'664c6143'…
 * ]);
 * ```
 */
export function encodeAudioPacket(packet: AudioPacket): Uint8Array {
  const { frameNum, l, m, r, pwr, data, channels, codec, samLocked } = packet;
  if (!Number.isSafeInteger(frameNum) || frameNum < 0) {
    throw new RangeError(
      `Expected a non-negative safe integer frame number, found ${frameNum}`,
    );
  }
  const count = 6 + (channels === undefined ? 0 : 1) +
    (codec === undefined ? 0 : 1) + (samLocked === undefined ? 0 : 1);
  const writer = new CborWriter(
    96 + data.length + (codec === undefined ? 0 : 9 + codec.length * 3),
  );
  writer.mapHeader(count);
  if (channels !== undefined) {
    writer.raw(KEY_CHANNELS);
    writer.int(channels);
  }
  if (codec !== undefined) {
    writer.raw(KEY_CODEC);
    writer.text(codec);
  }
  writer.raw(KEY_DATA);
  writer.bytes(data);
  writer.raw(KEY_FRAME_NUM);
  writer.int(frameNum);
  writer.raw(KEY_L);
  writer.int(l);
  writer.raw(KEY_M);
  writer.float(m);
  writer.raw(KEY_PWR);
  writer.float(pwr);
  writer.raw(KEY_R);
  writer.int(r);
  if (samLocked !== undefined) {
    writer.raw(KEY_SAM_LOCKED);
    writer.bool(samLocked);
  }
  return writer.finish();
}

/**
 * Wraps the encoder's stream-header messages (e.g.
 * `FlacEncoder.headerMessages()`) in header packets: all numeric fields 0,
 * one packet per message, in order.
 *
 * @param headerMessages The header parts, e.g. `"fLaC"`, STREAMINFO,
 * VORBIS_COMMENT.
 * @param extras sv1btl fields to include (`channels`, `codec`,
 * `samLocked`).
 * @returns One CBOR packet per part.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeAudioPacket, encodeAudioHeaderPackets } from "./audio_packet.ts";
 * import { FlacEncoder } from "./flac_encoder.ts";
 *
 * const encoder = new FlacEncoder({ sampleRate: 12000, blockSize: 384 });
 * const packets = encodeAudioHeaderPackets(encoder.headerMessages());
 * equal(packets.length, 3);
 * equal(decodeAudioPacket(packets[1]).data.length, 38); // STREAMINFO
 * equal(decodeAudioPacket(packets[1]).r, 0);
 * ```
 */
export function encodeAudioHeaderPackets(
  headerMessages: readonly Uint8Array[],
  extras: AudioPacketExtras = {},
): Uint8Array[] {
  return headerMessages.map((data) =>
    encodeAudioPacket({
      frameNum: 0,
      l: 0,
      m: 0,
      r: 0,
      pwr: 0,
      data,
      ...extras,
    })
  );
}

/**
 * Decodes one audio CBOR packet (the inverse of
 * {@linkcode encodeAudioPacket}, for tests and tools). Unknown keys are
 * ignored; trailing bytes are an error.
 *
 * @param bytes One CBOR item.
 * @returns The packet (`data` a view of the input).
 * @throws {WireFormatError} If a field is missing or has the wrong type.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodeAudioPacket, encodeAudioPacket } from "./audio_packet.ts";
 *
 * const packet = {
 *   frameNum: 1234, l: 0, m: 71936.5, r: 640, pwr: 1.25e-9, data: Uint8Array.of(1, 2),
 * };
 * deepEqual(decodeAudioPacket(encodeAudioPacket(packet)), packet);
 * ```
 */
export function decodeAudioPacket(bytes: Uint8Array): AudioPacket {
  const map = decodeCborMap(bytes, "audio");
  const data = map.data;
  if (!(data instanceof Uint8Array)) {
    throw new WireFormatError(
      `Expected a byte string "data" in the audio packet, found ${
        describeCborValue(data)
      }`,
    );
  }
  const packet: AudioPacket = {
    frameNum: cborIntegerField(map, "frame_num", "audio"),
    l: cborIntegerField(map, "l", "audio"),
    m: cborNumberField(map, "m", "audio"),
    r: cborIntegerField(map, "r", "audio"),
    pwr: cborNumberField(map, "pwr", "audio"),
    data,
  };
  if (map.channels !== undefined) {
    packet.channels = cborIntegerField(map, "channels", "audio");
  }
  if (map.codec !== undefined) {
    if (typeof map.codec !== "string") {
      throw new WireFormatError(
        `Expected a text "codec" in the audio packet, found ${
          describeCborValue(map.codec)
        }`,
      );
    }
    packet.codec = map.codec;
  }
  if (map.sam_locked !== undefined) {
    if (typeof map.sam_locked !== "boolean") {
      throw new WireFormatError(
        `Expected a boolean "sam_locked" in the audio packet, found ${
          describeCborValue(map.sam_locked)
        }`,
      );
    }
    packet.samLocked = map.sam_locked;
  }
  return packet;
}
