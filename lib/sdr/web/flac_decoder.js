// @ts-check
/**
 * A streaming FLAC decoder (RFC 9639) in plain JavaScript: the web client's
 * fallback where the browser has no WebCodecs `AudioDecoder` for FLAC (an
 * older browser, or a page served over plain http from another machine,
 * which is not a secure context). It runs in a Worker (`audio_worker.js`)
 * or on the page.
 *
 * Bytes arrive as the `/audio` socket delivers them (sdr-phantomsdr.md
 * §2.6): the `fLaC` marker and metadata blocks (possibly split across
 * messages), then frames, normally one per message, though a frame may be
 * split and several may share a message. It decodes CONSTANT, VERBATIM,
 * FIXED and LPC subframes with Rice or escaped partitions, wasted bits and
 * the three stereo decorrelations; it checks the header CRC-8 and the frame
 * CRC-16, and after a bad frame searches for the next frame sync.
 * Buffered input is bounded (`maxBufferBytes`); beyond it the oldest bytes
 * are dropped and counted.
 *
 * @module
 */

/** Thrown inside the decoder when a frame continues past the data. */
class NeedMore extends Error {
  constructor() {
    super("Expected more FLAC data, found the end of the buffer");
    this.name = "NeedMore";
  }
}

/** Thrown inside the decoder for a frame that is not valid FLAC. */
class BadFrame extends Error {
  /**
   * @param {string} message What was expected and found.
   */
  constructor(message) {
    super(message);
    this.name = "BadFrame";
  }
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

const CRC8 = new Uint8Array(256);
const CRC16 = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c8 = i;
  let c16 = i << 8;
  for (let b = 0; b < 8; b++) {
    c8 = c8 & 0x80 ? ((c8 << 1) ^ 0x07) & 0xff : (c8 << 1) & 0xff;
    c16 = c16 & 0x8000 ? ((c16 << 1) ^ 0x8005) & 0xffff : (c16 << 1) & 0xffff;
  }
  CRC8[i] = c8;
  CRC16[i] = c16;
}

/**
 * @param {Uint8Array} bytes Data.
 * @param {number} start First byte.
 * @param {number} end End (exclusive).
 * @returns {number} CRC-8 (polynomial 0x07).
 */
function crc8(bytes, start, end) {
  let crc = 0;
  for (let i = start; i < end; i++) crc = CRC8[crc ^ bytes[i]];
  return crc;
}

/**
 * @param {Uint8Array} bytes Data.
 * @param {number} start First byte.
 * @param {number} end End (exclusive).
 * @returns {number} CRC-16 (polynomial 0x8005).
 */
function crc16(bytes, start, end) {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ CRC16[(crc >> 8) ^ bytes[i]];
  }
  return crc;
}

class BitReader {
  /**
   * @param {Uint8Array} bytes Data.
   * @param {number} byteOffset Where to start.
   * @param {number} end End of the data (exclusive).
   */
  constructor(bytes, byteOffset, end) {
    this.bytes = bytes;
    this.bit = byteOffset * 8;
    this.endBit = end * 8;
  }

  /**
   * @param {number} n Bits, 0 to 32.
   * @returns {number} Unsigned value.
   */
  read(n) {
    if (this.bit + n > this.endBit) throw new NeedMore();
    let value = 0;
    let bit = this.bit;
    const bytes = this.bytes;
    while (n > 0) {
      const offset = bit & 7;
      const take = Math.min(n, 8 - offset);
      const byte = bytes[bit >> 3];
      const chunk = (byte >> (8 - offset - take)) & ((1 << take) - 1);
      value = value * (1 << take) + chunk;
      bit += take;
      n -= take;
    }
    this.bit = bit;
    return value;
  }

  /**
   * @param {number} n Bits, 1 to 32.
   * @returns {number} Two's-complement value.
   */
  signed(n) {
    if (n === 0) return 0;
    const value = this.read(n);
    return value >= 2 ** (n - 1) ? value - 2 ** n : value;
  }

  /** @returns {number} Zero bits before the next one bit. */
  unary() {
    const bytes = this.bytes;
    let count = 0;
    let bit = this.bit;
    for (;;) {
      if (bit >= this.endBit) throw new NeedMore();
      if ((bit & 7) === 0 && bytes[bit >> 3] === 0 && bit + 8 <= this.endBit) {
        count += 8;
        bit += 8;
        continue;
      }
      const one = (bytes[bit >> 3] >> (7 - (bit & 7))) & 1;
      bit++;
      if (one) break;
      count++;
    }
    this.bit = bit;
    return count;
  }

  align() {
    this.bit = (this.bit + 7) & ~7;
  }

  /** @returns {number} The byte position (after `align()`). */
  get byte() {
    return this.bit >> 3;
  }
}

/**
 * What STREAMINFO says.
 *
 * @typedef {object} FlacStreamInfo
 * @property {number} sampleRate Hz.
 * @property {number} channels 1 to 8.
 * @property {number} bitsPerSample 4 to 32.
 * @property {number} maxBlockSize Samples per channel.
 */

/**
 * One decoded frame.
 *
 * @typedef {object} FlacFrame
 * @property {Float32Array[]} channels Samples per channel, ±1 full scale.
 * @property {number} sampleRate Hz (from the frame header or STREAMINFO).
 */

/**
 * Options of {@link FlacStreamDecoder}.
 *
 * @typedef {object} FlacStreamDecoderOptions
 * @property {number} [maxBufferBytes] Most bytes kept while waiting for the
 * rest of a frame or header (default 1 MiB).
 */

/**
 * Decodes a FLAC stream delivered in pieces.
 *
 * @example A stream made by the server's encoder
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { FlacEncoder } from "../wire/flac_encoder.ts";
 * import { FlacStreamDecoder } from "./flac_decoder.js";
 *
 * const encoder = new FlacEncoder({ sampleRate: 12000, blockSize: 384 });
 * const decoder = new FlacStreamDecoder();
 * for (const part of encoder.headerMessages()) equal(decoder.push(part).length, 0);
 * const pcm = Int16Array.from({ length: 384 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
 * const [frame] = decoder.push(encoder.encode(pcm));
 * equal(frame.channels[0].length, 384);
 * ok(Math.abs(frame.channels[0][10] - pcm[10] / 32768) < 1e-6);
 * equal(decoder.info?.sampleRate, 12000);
 * ```
 */
export class FlacStreamDecoder {
  /** @type {Uint8Array} */
  #buffer = new Uint8Array(0);
  /** @type {"magic" | "metadata" | "frames"} */
  #state = "magic";
  /** @type {FlacStreamInfo | undefined} */
  #info;
  #maxBuffer;
  #frames = 0;
  #errors = 0;
  #droppedBytes = 0;
  /** @type {Int32Array[]} */
  #work = [];

  /**
   * @param {FlacStreamDecoderOptions} [options] The buffer bound.
   */
  constructor(options = {}) {
    this.#maxBuffer = options.maxBufferBytes ?? 1 << 20;
  }

  /**
   * STREAMINFO, once read.
   *
   * @returns {FlacStreamInfo | undefined} The stream's parameters.
   */
  get info() {
    return this.#info;
  }

  /**
   * Frames decoded, bad frames skipped, bytes dropped.
   *
   * @returns {{ frames: number, errors: number, droppedBytes: number }} The counters.
   */
  get counters() {
    return {
      frames: this.#frames,
      errors: this.#errors,
      droppedBytes: this.#droppedBytes,
    };
  }

  /** Starts over: the next bytes must begin a new stream. */
  reset() {
    this.#buffer = new Uint8Array(0);
    this.#state = "magic";
    this.#info = undefined;
  }

  /**
   * Feeds bytes; returns the frames they completed.
   *
   * @param {Uint8Array} bytes The next bytes of the stream.
   * @returns {FlacFrame[]} Decoded frames, in order.
   */
  push(bytes) {
    this.#append(bytes);
    /** @type {FlacFrame[]} */
    const out = [];
    let pos = 0;
    const buffer = this.#buffer;
    while (pos < buffer.length) {
      if (this.#state === "magic") {
        if (buffer.length - pos < 4) break;
        if (
          buffer[pos] === 0x66 && buffer[pos + 1] === 0x4c &&
          buffer[pos + 2] === 0x61 && buffer[pos + 3] === 0x43
        ) {
          pos += 4;
          this.#state = "metadata";
        } else {
          // No header: decode frames that carry their own parameters.
          this.#state = "frames";
        }
        continue;
      }
      if (this.#state === "metadata") {
        if (buffer.length - pos < 4) break;
        const last = (buffer[pos] & 0x80) !== 0;
        const type = buffer[pos] & 0x7f;
        const length = (buffer[pos + 1] << 16) | (buffer[pos + 2] << 8) |
          buffer[pos + 3];
        if (buffer.length - pos < 4 + length) break;
        if (type === 0 && length >= 18) this.#readStreamInfo(buffer, pos + 4);
        pos += 4 + length;
        if (last) this.#state = "frames";
        continue;
      }
      // Frames: find a sync code.
      if (buffer.length - pos < 2) break;
      if (buffer[pos] !== 0xff || (buffer[pos + 1] & 0xfe) !== 0xf8) {
        const next = this.#findSync(buffer, pos + 1);
        this.#errors++;
        pos = next;
        continue;
      }
      try {
        const { frame, end } = this.#decodeFrame(buffer, pos);
        out.push(frame);
        this.#frames++;
        pos = end;
      } catch (error) {
        if (error instanceof NeedMore) break;
        this.#errors++;
        pos = this.#findSync(buffer, pos + 1);
      }
    }
    this.#buffer = buffer.subarray(pos);
    return out;
  }

  /**
   * @param {Uint8Array} bytes New bytes.
   */
  #append(bytes) {
    const kept = this.#buffer;
    if (kept.length === 0) {
      this.#buffer = bytes;
    } else {
      const joined = new Uint8Array(kept.length + bytes.length);
      joined.set(kept, 0);
      joined.set(bytes, kept.length);
      this.#buffer = joined;
    }
    if (this.#buffer.length > this.#maxBuffer) {
      const drop = this.#buffer.length - this.#maxBuffer;
      this.#droppedBytes += drop;
      this.#buffer = this.#buffer.subarray(drop);
      if (this.#state !== "frames") this.#state = "frames";
    }
  }

  /**
   * @param {Uint8Array} buffer Data.
   * @param {number} from Where to search.
   * @returns {number} The position of the next frame sync (or where the
   * search must resume when more data comes).
   */
  #findSync(buffer, from) {
    for (let i = from; i < buffer.length - 1; i++) {
      if (buffer[i] === 0xff && (buffer[i + 1] & 0xfe) === 0xf8) return i;
    }
    return Math.max(from, buffer.length - 1);
  }

  /**
   * @param {Uint8Array} b Data.
   * @param {number} p Start of the STREAMINFO body.
   */
  #readStreamInfo(b, p) {
    const maxBlockSize = (b[p + 2] << 8) | b[p + 3];
    const sampleRate = (b[p + 10] << 12) | (b[p + 11] << 4) | (b[p + 12] >> 4);
    const channels = ((b[p + 12] >> 1) & 0x07) + 1;
    const bitsPerSample = (((b[p + 12] & 1) << 4) | (b[p + 13] >> 4)) + 1;
    this.#info = { sampleRate, channels, bitsPerSample, maxBlockSize };
  }

  /**
   * Decodes the frame at `start`.
   *
   * @param {Uint8Array} b Data.
   * @param {number} start The frame's first byte (a sync code).
   * @returns {{ frame: FlacFrame, end: number }} The frame and where it ends.
   */
  #decodeFrame(b, start) {
    const r = new BitReader(b, start, b.length);
    r.read(15); // sync + reserved
    r.read(1); // blocking strategy
    const blockCode = r.read(4);
    const rateCode = r.read(4);
    const assignment = r.read(4);
    const sizeCode = r.read(3);
    if (r.read(1) !== 0) throw new BadFrame("Expected a zero reserved bit");
    // The coded frame or sample number (UTF-8-like, up to 7 bytes).
    const first = r.read(8);
    let extra = 0;
    if (first >= 0x80) {
      if ((first & 0xe0) === 0xc0) extra = 1;
      else if ((first & 0xf0) === 0xe0) extra = 2;
      else if ((first & 0xf8) === 0xf0) extra = 3;
      else if ((first & 0xfc) === 0xf8) extra = 4;
      else if ((first & 0xfe) === 0xfc) extra = 5;
      else if (first === 0xfe) extra = 6;
      else throw new BadFrame("Expected a coded frame number");
    }
    for (let i = 0; i < extra; i++) {
      if ((r.read(8) & 0xc0) !== 0x80) {
        throw new BadFrame("Expected a continuation byte in the frame number");
      }
    }
    let blockSize;
    if (blockCode === 0) {
      throw new BadFrame("Expected a block size code, found 0");
    } else if (blockCode === 1) blockSize = 192;
    else if (blockCode <= 5) blockSize = 576 << (blockCode - 2);
    else if (blockCode === 6) blockSize = r.read(8) + 1;
    else if (blockCode === 7) blockSize = r.read(16) + 1;
    else blockSize = 256 << (blockCode - 8);
    const info = this.#info;
    if (
      info !== undefined && info.maxBlockSize >= 16 &&
      blockSize > info.maxBlockSize
    ) {
      throw new BadFrame(
        `Expected at most ${info.maxBlockSize} samples per block, found ${blockSize}`,
      );
    }
    let sampleRate;
    if (rateCode === 0) sampleRate = this.#info?.sampleRate ?? 0;
    else if (rateCode <= 11) sampleRate = RATES[rateCode];
    else if (rateCode === 12) sampleRate = r.read(8) * 1000;
    else if (rateCode === 13) sampleRate = r.read(16);
    else if (rateCode === 14) sampleRate = r.read(16) * 10;
    else throw new BadFrame("Expected a sample rate code, found 15");
    let bits;
    if (sizeCode === 0) bits = this.#info?.bitsPerSample ?? 0;
    else if (sizeCode === 3) {
      throw new BadFrame("Expected a sample size code, found 3");
    } else bits = SIZES[sizeCode];
    if (bits === 0) throw new BadFrame("Expected a sample size, found none");
    const headerEnd = r.byte;
    const crc = r.read(8);
    if (crc !== crc8(b, start, headerEnd)) {
      throw new BadFrame("Expected a matching header CRC-8");
    }
    let channels;
    if (assignment <= 7) channels = assignment + 1;
    else if (assignment <= 10) channels = 2;
    else {throw new BadFrame(
        `Expected a channel assignment up to 10, found ${assignment}`,
      );}
    while (this.#work.length < channels) this.#work.push(new Int32Array(0));
    /** @type {Int32Array[]} */
    const samples = [];
    for (let c = 0; c < channels; c++) {
      if (this.#work[c].length < blockSize) {
        this.#work[c] = new Int32Array(blockSize);
      }
      const out = this.#work[c].subarray(0, blockSize);
      const side = (assignment === 8 && c === 1) ||
        (assignment === 9 && c === 0) || (assignment === 10 && c === 1);
      this.#subframe(r, out, bits + (side ? 1 : 0));
      samples.push(out);
    }
    r.align();
    const crcEnd = r.byte;
    const frameCrc = r.read(16);
    if (frameCrc !== crc16(b, start, crcEnd)) {
      throw new BadFrame("Expected a matching frame CRC-16");
    }
    if (assignment === 8) {
      const [left, side] = samples;
      for (let i = 0; i < blockSize; i++) side[i] = left[i] - side[i];
    } else if (assignment === 9) {
      const [side, right] = samples;
      for (let i = 0; i < blockSize; i++) side[i] = side[i] + right[i];
    } else if (assignment === 10) {
      const [mid, side] = samples;
      for (let i = 0; i < blockSize; i++) {
        const m = mid[i] * 2 + (side[i] & 1);
        mid[i] = (m + side[i]) >> 1;
        side[i] = (m - side[i]) >> 1;
      }
    }
    const scale = 1 / 2 ** (bits - 1);
    const channelsOut = samples.map((s) => {
      const f = new Float32Array(blockSize);
      for (let i = 0; i < blockSize; i++) f[i] = s[i] * scale;
      return f;
    });
    return { frame: { channels: channelsOut, sampleRate }, end: r.byte };
  }

  /**
   * Decodes one subframe into `out`.
   *
   * @param {BitReader} r The reader.
   * @param {Int32Array} out Samples (the block size long).
   * @param {number} bits Sample size of this subframe.
   */
  #subframe(r, out, bits) {
    if (r.read(1) !== 0) {
      throw new BadFrame("Expected a zero subframe padding bit");
    }
    const type = r.read(6);
    let wasted = 0;
    if (r.read(1) === 1) wasted = r.unary() + 1;
    const size = bits - wasted;
    if (size <= 0) {
      throw new BadFrame("Expected fewer wasted bits than the sample size");
    }
    const n = out.length;
    if (type === 0) {
      out.fill(r.signed(size));
    } else if (type === 1) {
      for (let i = 0; i < n; i++) out[i] = r.signed(size);
    } else if (type >= 8 && type <= 12) {
      const order = type - 8;
      if (order > n) {
        throw new BadFrame("Expected a predictor order within the block");
      }
      for (let i = 0; i < order; i++) out[i] = r.signed(size);
      this.#residual(r, out, order);
      for (let i = order; i < n; i++) {
        switch (order) {
          case 1:
            out[i] += out[i - 1];
            break;
          case 2:
            out[i] += 2 * out[i - 1] - out[i - 2];
            break;
          case 3:
            out[i] += 3 * out[i - 1] - 3 * out[i - 2] + out[i - 3];
            break;
          case 4:
            out[i] += 4 * out[i - 1] - 6 * out[i - 2] + 4 * out[i - 3] -
              out[i - 4];
            break;
        }
      }
    } else if (type >= 32) {
      const order = type - 31;
      if (order > n) {
        throw new BadFrame("Expected an LPC order within the block");
      }
      for (let i = 0; i < order; i++) out[i] = r.signed(size);
      const precision = r.read(4) + 1;
      if (precision === 16) {
        throw new BadFrame("Expected an LPC precision code below 15");
      }
      const shift = r.signed(5);
      if (shift < 0) throw new BadFrame("Expected a non-negative LPC shift");
      const coefficients = new Array(order);
      for (let i = 0; i < order; i++) coefficients[i] = r.signed(precision);
      this.#residual(r, out, order);
      const divisor = 2 ** shift;
      for (let i = order; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < order; j++) sum += coefficients[j] * out[i - 1 - j];
        out[i] += Math.floor(sum / divisor);
      }
    } else {
      throw new BadFrame(`Expected a known subframe type, found ${type}`);
    }
    if (wasted > 0) {
      for (let i = 0; i < n; i++) out[i] *= 2 ** wasted;
    }
  }

  /**
   * Reads the residual of a predicted subframe into `out[order…]`.
   *
   * @param {BitReader} r The reader.
   * @param {Int32Array} out Samples.
   * @param {number} order Predictor order (warm-up samples).
   */
  #residual(r, out, order) {
    const method = r.read(2);
    if (method > 1) {
      throw new BadFrame(
        `Expected a residual coding method 0 or 1, found ${method}`,
      );
    }
    const parameterBits = method === 0 ? 4 : 5;
    const escape = method === 0 ? 15 : 31;
    const partitionOrder = r.read(4);
    const partitions = 1 << partitionOrder;
    const n = out.length;
    if (n % partitions !== 0 || n / partitions < order) {
      throw new BadFrame("Expected partitions that divide the block");
    }
    const per = n / partitions;
    let i = order;
    for (let p = 0; p < partitions; p++) {
      const end = (p + 1) * per;
      const k = r.read(parameterBits);
      if (k === escape) {
        const raw = r.read(5);
        for (; i < end; i++) out[i] = r.signed(raw);
      } else {
        for (; i < end; i++) {
          const q = r.unary();
          const value = q * 2 ** k + r.read(k);
          out[i] = value % 2 === 1 ? -(value + 1) / 2 : value / 2;
        }
      }
    }
  }
}

/**
 * Reads a complete FLAC stream header (`fLaC` and the metadata blocks up to
 * the one marked last) at the start of some bytes: what a WebCodecs
 * `AudioDecoder` needs as its `description`.
 *
 * @param {Uint8Array} bytes The start of a stream.
 * @returns {{ length: number, info: FlacStreamInfo } | null | undefined}
 *   The header's length and STREAMINFO; `undefined` while incomplete; `null`
 *   if the bytes are not a FLAC header (no `fLaC`, or no STREAMINFO first).
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { FlacEncoder } from "../wire/flac_encoder.ts";
 * import { flacHeader } from "./flac_decoder.js";
 *
 * const parts = new FlacEncoder({ sampleRate: 12000, blockSize: 384 }).headerMessages();
 * equal(flacHeader(parts[0]), undefined);
 * const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
 * let at = 0;
 * for (const p of parts) { all.set(p, at); at += p.length; }
 * const header = flacHeader(all);
 * equal(header?.length, all.length);
 * deepEqual(header?.info, { sampleRate: 12000, channels: 1, bitsPerSample: 16, maxBlockSize: 384 });
 * equal(flacHeader(new TextEncoder().encode("OggS")), null);
 * ```
 */
export function flacHeader(bytes) {
  if (bytes.length < 4) {
    return "fLaC".startsWith(String.fromCharCode(...bytes)) ? undefined : null;
  }
  if (
    bytes[0] !== 0x66 || bytes[1] !== 0x4c || bytes[2] !== 0x61 ||
    bytes[3] !== 0x43
  ) return null;
  let pos = 4;
  /** @type {FlacStreamInfo | undefined} */
  let info;
  for (;;) {
    if (bytes.length - pos < 4) return undefined;
    const last = (bytes[pos] & 0x80) !== 0;
    const type = bytes[pos] & 0x7f;
    const length = (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) |
      bytes[pos + 3];
    if (info === undefined && (type !== 0 || length < 34)) return null;
    if (bytes.length - pos < 4 + length) return undefined;
    if (info === undefined) {
      const p = pos + 4;
      const b = bytes;
      info = {
        sampleRate: (b[p + 10] << 12) | (b[p + 11] << 4) | (b[p + 12] >> 4),
        channels: ((b[p + 12] >> 1) & 0x07) + 1,
        bitsPerSample: (((b[p + 12] & 1) << 4) | (b[p + 13] >> 4)) + 1,
        maxBlockSize: (b[p + 2] << 8) | b[p + 3],
      };
    }
    pos += 4 + length;
    if (last) return { length: pos, info };
  }
}
