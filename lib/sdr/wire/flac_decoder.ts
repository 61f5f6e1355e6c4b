/**
 * A small FLAC decoder (RFC 9639) for the subset `FlacEncoder` writes
 * (CONSTANT, VERBATIM and FIXED subframes, Rice partitions with escapes,
 * wasted bits, all stereo decorrelations), for tests and tools. It checks
 * both CRCs and the frame numbers and keeps what each frame header said.
 * LPC subframes and variable-blocksize streams are rejected.
 *
 * @module
 */

import { flacCrc16, flacCrc8 } from "./flac_crc.ts";
import { WireFormatError } from "./wire_format_error.ts";

/** What one frame header said. */
export interface FlacFrameInfo {
  /** Frame number (fixed-blocksize streams). */
  frameNumber: number;
  /** Samples per channel. */
  blockSize: number;
  /** Sample rate from the header, or STREAMINFO's when the header defers. */
  sampleRate: number;
  /** The header's 4-bit sample-rate code. */
  sampleRateCode: number;
  /** Channel assignment code (0–7 independent, 8 L/S, 9 S/R, 10 M/S). */
  channelAssignment: number;
  /** Subframe types: "constant", "verbatim" or "fixedN". */
  subframes: string[];
  /** Frame length in bytes. */
  bytes: number;
}

/** A decoded FLAC stream. */
export interface FlacStream {
  /** STREAMINFO sample rate. */
  sampleRate: number;
  /** STREAMINFO bits per sample. */
  bitsPerSample: number;
  /** STREAMINFO minimum block size. */
  minBlockSize: number;
  /** STREAMINFO maximum block size. */
  maxBlockSize: number;
  /** Metadata block types in order (0 STREAMINFO, 4 VORBIS_COMMENT, …). */
  metadataTypes: number[];
  /** Decoded samples, one array per channel. */
  channels: Int32Array[];
  /** Per-frame header information. */
  frames: FlacFrameInfo[];
}

const RATES = [
  0,
  88200,
  176400,
  192000,
  8000,
  16000,
  22050,
  24000,
  32000,
  44100,
  48000,
  96000,
];
const SIZES = [0, 8, 12, 0, 16, 20, 24, 32];

class BitReader {
  #bytes: Uint8Array;
  #bit: number;

  constructor(bytes: Uint8Array, byteOffset: number) {
    this.#bytes = bytes;
    this.#bit = byteOffset * 8;
  }

  get bytePosition(): number {
    return this.#bit >>> 3;
  }

  read(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.#bit >>> 3;
      if (byte >= this.#bytes.length) {
        throw new WireFormatError(
          `Expected more FLAC data, found the end at byte ${byte}`,
        );
      }
      value = value * 2 + ((this.#bytes[byte] >>> (7 - (this.#bit & 7))) & 1);
      this.#bit++;
    }
    return value;
  }

  readSigned(n: number): number {
    const value = this.read(n);
    return n > 0 && value >= 2 ** (n - 1) ? value - 2 ** n : value;
  }

  unary(): number {
    let count = 0;
    while (this.read(1) === 0) count++;
    return count;
  }

  align(): void {
    this.#bit = (this.#bit + 7) & ~7;
  }
}

function fail(message: string): never {
  throw new WireFormatError(message);
}

/**
 * Decodes a whole FLAC stream (`fLaC`, metadata blocks, frames).
 *
 * @param bytes The stream.
 * @returns Samples per channel and header information.
 * @throws {WireFormatError} If the stream is malformed, a CRC or frame
 * number is wrong, or it uses a feature outside the subset.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodeFlac } from "./flac_decoder.ts";
 * import { FlacEncoder } from "./flac_encoder.ts";
 *
 * const encoder = new FlacEncoder({ sampleRate: 8000, blockSize: 16 });
 * const block = Int16Array.from({ length: 16 }, (_, i) => i * 100 - 800);
 * const bytes = new Uint8Array([...encoder.header(), ...encoder.encode(block)]);
 * deepEqual([...decodeFlac(bytes).channels[0]], [...block]);
 * ```
 */
export function decodeFlac(bytes: Uint8Array): FlacStream {
  if (
    bytes.length < 4 || bytes[0] !== 0x66 || bytes[1] !== 0x4c ||
    bytes[2] !== 0x61 || bytes[3] !== 0x43
  ) {
    fail("Expected a FLAC stream starting with fLaC, found other bytes");
  }
  let offset = 4;
  const metadataTypes: number[] = [];
  let info: DataView | undefined;
  for (let last = false; !last;) {
    if (offset + 4 > bytes.length) fail("Expected a metadata block header");
    last = (bytes[offset] & 0x80) !== 0;
    const type = bytes[offset] & 0x7f;
    const length = (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) |
      bytes[offset + 3];
    if (offset + 4 + length > bytes.length) {
      fail(`Expected ${length} bytes of metadata type ${type}, found fewer`);
    }
    if (type === 0) {
      info = new DataView(bytes.buffer, bytes.byteOffset + offset + 4, length);
    }
    metadataTypes.push(type);
    offset += 4 + length;
  }
  if (!info || info.byteLength !== 34 || metadataTypes[0] !== 0) {
    fail("Expected STREAMINFO (34 bytes) as the first metadata block");
  }
  const minBlockSize = info.getUint16(0);
  const maxBlockSize = info.getUint16(2);
  const packed = info.getUint32(10);
  const sampleRate = packed >>> 12;
  const channelCount = ((packed >>> 9) & 7) + 1;
  const bitsPerSample = ((packed >>> 4) & 31) + 1;
  const output: number[][] = Array.from({ length: channelCount }, () => []);
  const frames: FlacFrameInfo[] = [];
  while (offset < bytes.length) {
    const frame = decodeFrame(bytes, offset, {
      sampleRate,
      bitsPerSample,
      channelCount,
      expectedNumber: frames.length,
    });
    frames.push(frame.info);
    for (let c = 0; c < channelCount; c++) {
      for (const s of frame.channels[c]) output[c].push(s);
    }
    offset += frame.info.bytes;
  }
  return {
    sampleRate,
    bitsPerSample,
    minBlockSize,
    maxBlockSize,
    metadataTypes,
    channels: output.map((samples) => Int32Array.from(samples)),
    frames,
  };
}

interface FrameContext {
  sampleRate: number;
  bitsPerSample: number;
  channelCount: number;
  expectedNumber: number;
}

function decodeFrame(
  bytes: Uint8Array,
  start: number,
  context: FrameContext,
): { info: FlacFrameInfo; channels: Int32Array[] } {
  const reader = new BitReader(bytes, start);
  if (reader.read(15) !== 0x7ffc) {
    fail(`Expected a frame sync code at byte ${start}, found other bits`);
  }
  if (reader.read(1) !== 0) {
    fail("Expected a fixed-blocksize stream, found variable blocksize");
  }
  const blockCode = reader.read(4);
  const rateCode = reader.read(4);
  const channelAssignment = reader.read(4);
  const sizeCode = reader.read(3);
  reader.read(1);
  let frameNumber = reader.read(8);
  if (frameNumber >= 0x80) {
    let extra = 0;
    let mask = 0x40;
    while (frameNumber & mask) {
      extra++;
      mask >>= 1;
    }
    frameNumber &= mask - 1;
    for (let i = 0; i < extra; i++) {
      const next = reader.read(8);
      if ((next & 0xc0) !== 0x80) fail("Expected a UTF-8 continuation byte");
      frameNumber = frameNumber * 64 + (next & 0x3f);
    }
  }
  if (frameNumber !== context.expectedNumber % 0x80000000) {
    fail(
      `Expected frame number ${context.expectedNumber}, found ${frameNumber}`,
    );
  }
  let blockSize: number;
  if (blockCode === 1) blockSize = 192;
  else if (blockCode >= 2 && blockCode <= 5) blockSize = 576 << (blockCode - 2);
  else if (blockCode === 6) blockSize = reader.read(8) + 1;
  else if (blockCode === 7) blockSize = reader.read(16) + 1;
  else if (blockCode >= 8) blockSize = 256 << (blockCode - 8);
  else return fail("Expected a valid block size code, found 0");
  let sampleRate: number;
  if (rateCode === 0) sampleRate = context.sampleRate;
  else if (rateCode <= 11) sampleRate = RATES[rateCode];
  else if (rateCode === 12) sampleRate = reader.read(8) * 1000;
  else if (rateCode === 13) sampleRate = reader.read(16);
  else if (rateCode === 14) sampleRate = reader.read(16) * 10;
  else return fail("Expected a valid sample rate code, found 15");
  const bits = sizeCode === 0 ? context.bitsPerSample : SIZES[sizeCode];
  if (bits === 0) fail(`Expected a valid sample size code, found ${sizeCode}`);
  const headerEnd = reader.bytePosition;
  const crc8 = reader.read(8);
  if (crc8 !== flacCrc8(bytes, start, headerEnd)) {
    fail(`Expected a matching frame header CRC-8 at byte ${start}`);
  }
  const channelCount = channelAssignment < 8 ? channelAssignment + 1 : 2;
  if (channelCount !== context.channelCount || channelAssignment > 10) {
    fail(
      `Expected ${context.channelCount} channel(s), found assignment ${channelAssignment}`,
    );
  }
  const channels: Int32Array[] = [];
  const subframes: string[] = [];
  for (let c = 0; c < channelCount; c++) {
    const side = (channelAssignment === 8 && c === 1) ||
      (channelAssignment === 9 && c === 0) ||
      (channelAssignment === 10 && c === 1);
    channels.push(
      decodeSubframe(reader, blockSize, bits + (side ? 1 : 0), subframes),
    );
  }
  reader.align();
  const crcEnd = reader.bytePosition;
  const crc16 = reader.read(16);
  if (crc16 !== flacCrc16(bytes, start, crcEnd)) {
    fail(`Expected a matching frame CRC-16 at byte ${start}`);
  }
  if (channelAssignment >= 8) {
    const [a, b] = channels;
    for (let i = 0; i < blockSize; i++) {
      if (channelAssignment === 8) {
        b[i] = a[i] - b[i]; // right = left − side
      } else if (channelAssignment === 9) {
        a[i] = a[i] + b[i]; // left = side + right
      } else {
        const mid = a[i] * 2 + (b[i] & 1);
        const side = b[i];
        a[i] = (mid + side) >> 1;
        b[i] = (mid - side) >> 1;
      }
    }
  }
  return {
    info: {
      frameNumber,
      blockSize,
      sampleRate,
      sampleRateCode: rateCode,
      channelAssignment,
      subframes,
      bytes: reader.bytePosition - start,
    },
    channels,
  };
}

function decodeSubframe(
  reader: BitReader,
  n: number,
  bits: number,
  types: string[],
): Int32Array {
  if (reader.read(1) !== 0) fail("Expected a zero subframe padding bit");
  const type = reader.read(6);
  let wasted = 0;
  if (reader.read(1) === 1) wasted = reader.unary() + 1;
  const size = bits - wasted;
  const out = new Int32Array(n);
  if (type === 0) {
    types.push("constant");
    out.fill(reader.readSigned(size));
  } else if (type === 1) {
    types.push("verbatim");
    for (let i = 0; i < n; i++) out[i] = reader.readSigned(size);
  } else if (type >= 8 && type <= 12) {
    const order = type - 8;
    types.push(`fixed${order}`);
    for (let i = 0; i < order; i++) out[i] = reader.readSigned(size);
    decodeResidual(reader, n, order, out);
    for (let i = order; i < n; i++) {
      let prediction = 0;
      if (order === 1) prediction = out[i - 1];
      else if (order === 2) prediction = 2 * out[i - 1] - out[i - 2];
      else if (order === 3) {
        prediction = 3 * out[i - 1] - 3 * out[i - 2] + out[i - 3];
      } else if (order === 4) {
        prediction = 4 * out[i - 1] - 6 * out[i - 2] + 4 * out[i - 3] -
          out[i - 4];
      }
      out[i] += prediction;
    }
  } else {
    fail(`Expected a CONSTANT, VERBATIM or FIXED subframe, found type ${type}`);
  }
  if (wasted > 0) { for (let i = 0; i < n; i++) out[i] *= 2 ** wasted; }
  return out;
}

/** Reads the residual into `out[order…n)`. */
function decodeResidual(
  reader: BitReader,
  n: number,
  order: number,
  out: Int32Array,
): void {
  const method = reader.read(2);
  if (method > 1) {
    fail(`Expected residual coding method 0 or 1, found ${method}`);
  }
  const parameterBits = method === 0 ? 4 : 5;
  const escape = (1 << parameterBits) - 1;
  const partitionOrder = reader.read(4);
  const partitions = 1 << partitionOrder;
  if (n % partitions !== 0 || (n >> partitionOrder) < order) {
    fail(
      `Expected a partition order that fits ${n} samples, found ${partitionOrder}`,
    );
  }
  let i = order;
  for (let p = 0; p < partitions; p++) {
    const end = (p + 1) * (n >> partitionOrder);
    const k = reader.read(parameterBits);
    if (k === escape) {
      const size = reader.read(5);
      for (; i < end; i++) out[i] = reader.readSigned(size);
      continue;
    }
    for (; i < end; i++) {
      const u = reader.unary() * 2 ** k + reader.read(k);
      out[i] = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    }
  }
}
