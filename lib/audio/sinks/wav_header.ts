/**
 * WAV (RIFF/WAVE) headers: {@link wavHeader} builds one for 16-bit PCM
 * (44 bytes) or 32-bit IEEE float (58 bytes, with the `fact` chunk float
 * files need), {@link parseWavHeader} reads one back.
 *
 * @module
 */

import type { SampleEncoding } from "./sink.ts";

/**
 * What a WAV header describes.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { WavInfo } from "./wav_header.ts";
 *
 * const info: WavInfo = { encoding: "s16le", sampleRate: 48000, channels: 2, dataBytes: 0 };
 * equal(info.channels, 2);
 * ```
 */
export interface WavInfo {
  /** `s16le` (PCM, format 1) or `f32le` (IEEE float, format 3). */
  encoding: SampleEncoding;
  /** Frames per second. */
  sampleRate: number;
  /** Samples per frame. */
  channels: number;
  /** Bytes of sample data after the header. */
  dataBytes: number;
}

/**
 * A parsed header: the {@link WavInfo} plus where the data starts.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseWavHeader, wavHeader } from "./wav_header.ts";
 *
 * const parsed = parseWavHeader(wavHeader({ encoding: "f32le", sampleRate: 8000, channels: 1, dataBytes: 40 }));
 * equal(parsed.dataOffset, 58);
 * ```
 */
export interface ParsedWavHeader extends WavInfo {
  /** Byte offset of the sample data. */
  dataOffset: number;
  /** The RIFF chunk size field. */
  riffBytes: number;
  /** Bytes per frame (`channels × bytes per sample`). */
  blockAlign: number;
}

/**
 * The largest `dataBytes` accepted: 4 GiB − 256 bytes, which keeps the
 * 32-bit RIFF size field (header + data − 8) in range for both header
 * sizes. At 48 kHz stereo that is 6.2 hours of 16-bit audio.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { WAV_MAX_DATA_BYTES } from "./wav_header.ts";
 *
 * equal(WAV_MAX_DATA_BYTES, 2 ** 32 - 256);
 * ```
 */
export const WAV_MAX_DATA_BYTES = 0xffff_ff00;

/**
 * The header size of an encoding: 44 bytes for `s16le`, 58 for `f32le`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { wavHeaderSize } from "./wav_header.ts";
 *
 * equal(wavHeaderSize("s16le"), 44);
 * ```
 *
 * @param encoding The sample encoding.
 * @returns The header size in bytes.
 */
export function wavHeaderSize(encoding: SampleEncoding): number {
  return encoding === "s16le" ? 44 : 58;
}

/**
 * Builds a WAV header. For `f32le` the `fmt ` chunk is 18 bytes (with
 * `cbSize` 0) followed by a `fact` chunk holding the frame count, as the
 * format requires for non-PCM data.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { wavHeader } from "./wav_header.ts";
 *
 * const header = wavHeader({ encoding: "s16le", sampleRate: 48000, channels: 2, dataBytes: 1024 });
 * equal(header.length, 44);
 * equal(new TextDecoder().decode(header.subarray(0, 4)), "RIFF");
 * equal(new DataView(header.buffer).getUint32(40, true), 1024);
 * ```
 *
 * @param info The format and data size.
 * @returns The header bytes.
 * @throws {RangeError} If `dataBytes` is negative, not whole frames or above
 * {@link WAV_MAX_DATA_BYTES}.
 */
export function wavHeader(info: WavInfo): Uint8Array {
  const bytes = info.encoding === "s16le" ? 2 : 4;
  const blockAlign = info.channels * bytes;
  if (
    !Number.isInteger(info.dataBytes) || info.dataBytes < 0 ||
    info.dataBytes > WAV_MAX_DATA_BYTES || info.dataBytes % blockAlign !== 0
  ) {
    throw new RangeError(
      `Expected dataBytes to be whole ${blockAlign}-byte frames up to ${WAV_MAX_DATA_BYTES}, found ${info.dataBytes}`,
    );
  }
  const size = wavHeaderSize(info.encoding);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, size - 8 + info.dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  const fmtSize = info.encoding === "s16le" ? 16 : 18;
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, info.encoding === "s16le" ? 1 : 3, true);
  view.setUint16(22, info.channels, true);
  view.setUint32(24, info.sampleRate, true);
  view.setUint32(28, info.sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bytes * 8, true);
  let at = 36;
  if (info.encoding === "f32le") {
    view.setUint16(36, 0, true); // cbSize
    ascii(38, "fact");
    view.setUint32(42, 4, true);
    view.setUint32(46, info.dataBytes / blockAlign, true);
    at = 50;
  }
  ascii(at, "data");
  view.setUint32(at + 4, info.dataBytes, true);
  return out;
}

/**
 * Reads a WAV header written by {@link wavHeader} or by another program
 * (chunks before `data` other than `fmt ` are skipped). Only PCM 16-bit and
 * IEEE float 32-bit are recognised.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseWavHeader, wavHeader } from "./wav_header.ts";
 *
 * const info = { encoding: "s16le" as const, sampleRate: 44100, channels: 1, dataBytes: 8 };
 * const { encoding, sampleRate, channels, dataBytes } = parseWavHeader(wavHeader(info));
 * deepEqual({ encoding, sampleRate, channels, dataBytes }, info);
 * ```
 *
 * @param bytes The start of the file (at least up to the `data` chunk
 * header).
 * @returns The parsed header.
 * @throws {TypeError} If the bytes are not a RIFF/WAVE header with a
 * supported format.
 */
export function parseWavHeader(bytes: Uint8Array): ParsedWavHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) =>
    at + 4 <= bytes.length
      ? String.fromCharCode(...bytes.subarray(at, at + 4))
      : "";
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") {
    throw new TypeError(
      `Expected a RIFF/WAVE header, found ${JSON.stringify(tag(0) + tag(8))}`,
    );
  }
  const riffBytes = view.getUint32(4, true);
  let at = 12;
  let fmt: Omit<WavInfo, "dataBytes"> & { blockAlign: number } | undefined;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === "fmt ") {
      if (size < 16 || at + 8 + 16 > bytes.length) {
        throw new TypeError(
          `Expected a fmt chunk of at least 16 bytes, found ${size}`,
        );
      }
      const format = view.getUint16(at + 8, true);
      const channels = view.getUint16(at + 10, true);
      const sampleRate = view.getUint32(at + 12, true);
      const blockAlign = view.getUint16(at + 20, true);
      const bits = view.getUint16(at + 22, true);
      let encoding: SampleEncoding;
      if (format === 1 && bits === 16) encoding = "s16le";
      else if (format === 3 && bits === 32) encoding = "f32le";
      else {
        throw new TypeError(
          `Expected 16-bit PCM (format 1) or 32-bit float (format 3), found format ${format} with ${bits} bits`,
        );
      }
      fmt = { encoding, channels, sampleRate, blockAlign };
    } else if (id === "data") {
      if (fmt === undefined) {
        throw new TypeError(
          "Expected a fmt chunk before the data chunk, found none",
        );
      }
      return {
        ...fmt,
        dataBytes: size,
        dataOffset: at + 8,
        riffBytes,
      };
    }
    at += 8 + size + (size % 2);
  }
  throw new TypeError(
    "Expected a data chunk within the header bytes, found none",
  );
}
