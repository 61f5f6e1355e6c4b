/**
 * A streaming FLAC encoder (RFC 9639) for the `/audio` socket
 * (sdr-phantomsdr.md §2.6): integer PCM in, one FLAC frame per block out,
 * with a fixed block size equal to the audio frame size (samples per FFT
 * frame, `audio_fft_size/2`), so that FLAC adds no latency, as sv1btl's
 * server does, unlike libFLAC's default 4096-sample blocks.
 *
 * - Header: `headerMessages()` returns what libFLAC's stream encoder writes
 *   at init, as separate messages: `"fLaC"` (4 bytes), the STREAMINFO block
 *   (38 bytes; min = max block size, frame sizes, total samples and MD5
 *   unknown = 0, as in a live stream) and a VORBIS_COMMENT block (vendor
 *   string, no comments) marked last. The frontend needs `fLaC` + STREAMINFO
 *   before the first frame and ignores STREAMINFO's sample rate.
 * - Frames: fixed-blocksize strategy, frame number in the header (wraps at
 *   2^31, about two years of 31 frames/s); the last block of a stream may be
 *   shorter. Sample rates outside the 4-bit table are written explicitly in
 *   the frame header (kHz in 8 bits, Hz in 16 bits or tens of Hz in 16
 *   bits), falling back to "see STREAMINFO" when none fits.
 * - Subframes: CONSTANT when every sample is equal; otherwise FIXED
 *   predictor of order 0–4 (the order with the smallest sum of absolute
 *   residuals, as libFLAC chooses it) with partitioned Rice coding (the
 *   partition order and per-partition parameters minimising an upper bound
 *   of the size; 4-bit parameters, or 5-bit when a parameter exceeds 14),
 *   or VERBATIM when that is smaller. "Wasted bits" (common trailing zero
 *   bits) are shifted out. No LPC.
 * - Stereo: the smallest of independent, left/side, side/right and mid/side.
 * - CRC-8 over each frame header, CRC-16 over each frame.
 *
 * Buffers are allocated once per encoder; `encode()` returns a fresh copy of
 * the frame (the caller usually hands it to a WebSocket).
 *
 * @module
 */

import { flacCrc16, flacCrc8 } from "./flac_crc.ts";

/** Options of {@linkcode FlacEncoder}. */
export interface FlacEncoderOptions {
  /** Sample rate in Hz, 1 to 655350 (STREAMINFO and frame headers). */
  sampleRate: number;
  /** Samples per channel in every block but the last, 16 to 65535. */
  blockSize: number;
  /** 1 (default) or 2; stereo input is interleaved L, R. */
  channels?: 1 | 2;
  /** Bits per sample, 4 to 24 (default 16). */
  bitsPerSample?: number;
  /** Largest Rice partition order tried, 0 to 8 (default 6). */
  maxPartitionOrder?: number;
  /** Vendor string of the VORBIS_COMMENT block (default "shack"). */
  vendor?: string;
}

/** Sample-rate codes of the frame header's 4-bit table. */
const RATE_CODES = new Map<number, number>([
  [88200, 1],
  [176400, 2],
  [192000, 3],
  [8000, 4],
  [16000, 5],
  [22050, 6],
  [24000, 7],
  [32000, 8],
  [44100, 9],
  [48000, 10],
  [96000, 11],
]);

/** Sample-size codes of the frame header's 3-bit table. */
const SIZE_CODES = new Map<number, number>([
  [8, 1],
  [12, 2],
  [16, 4],
  [20, 5],
  [24, 6],
]);

/** Block-size codes of the frame header's 4-bit table. */
const BLOCK_CODES = new Map<number, number>([
  [192, 1],
  [576, 2],
  [1152, 3],
  [2304, 4],
  [4608, 5],
  [256, 8],
  [512, 9],
  [1024, 10],
  [2048, 11],
  [4096, 12],
  [8192, 13],
  [16384, 14],
  [32768, 15],
]);

/** 2^−t for t = 0…31 (exact in float64). */
const INVERSE_POWERS = Float64Array.from({ length: 32 }, (_, t) => 2 ** -t);

const CONSTANT = 0;
const VERBATIM = 1;
const FIXED = 2;

/** Channel assignments of the frame header. */
const INDEPENDENT = -1; // channels − 1
const LEFT_SIDE = 8;
const SIDE_RIGHT = 9;
const MID_SIDE = 10;

/** How one subframe will be written, and its size. */
interface SubframePlan {
  /** CONSTANT, VERBATIM or FIXED. */
  type: number;
  /** Size in bits (exact for CONSTANT/VERBATIM, an upper bound for FIXED). */
  bits: number;
  /** Sample size before wasted bits are removed. */
  sampleSize: number;
  /** Common trailing zero bits shifted out of `samples`. */
  wasted: number;
  /** FIXED predictor order. */
  order: number;
  /** Rice partition order. */
  partitionOrder: number;
  /** Rice parameter bits: 4 or 5. */
  parameterBits: number;
  /** Rice parameter per partition. */
  parameters: Uint8Array;
  /** The channel's samples (shifted right by `wasted`). */
  samples: Int32Array;
  /** FIXED residuals (index i = sample i; the first `order` unused). */
  residual: Int32Array;
}

/** MSB-first bit writer over a preallocated buffer. */
class BitWriter {
  buffer: Uint8Array;
  position = 0;
  #acc = 0;
  #bits = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(capacity);
  }

  reset(): void {
    this.position = 0;
    this.#acc = 0;
    this.#bits = 0;
  }

  /** Writes the low `n` bits of `value`, n from 0 to 25. */
  write(value: number, n: number): void {
    let acc = (this.#acc << n) | (value & ((1 << n) - 1));
    let bits = this.#bits + n;
    const buffer = this.buffer;
    while (bits >= 8) {
      bits -= 8;
      buffer[this.position++] = (acc >>> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
    this.#acc = acc;
    this.#bits = bits;
  }

  /** Writes the low `n` bits of `value`, n from 0 to 32. */
  writeLong(value: number, n: number): void {
    if (n > 24) {
      this.write(value >>> 24, n - 24);
      this.write(value & 0xffffff, 24);
    } else {
      this.write(value, n);
    }
  }

  /** Writes `count` zero bits. */
  zeros(count: number): void {
    while (count > 24) {
      this.write(0, 24);
      count -= 24;
    }
    this.write(0, count);
  }

  /** Writes one Rice code of the non-negative `u` with parameter `k`. */
  rice(u: number, k: number): void {
    const q = u >>> k;
    if (q + k < 24) {
      this.write((1 << k) | (u & ((1 << k) - 1)), q + 1 + k);
    } else {
      this.zeros(q);
      this.write(1, 1);
      this.writeLong(u, k);
    }
  }

  /** Pads with zero bits to a byte boundary. */
  align(): void {
    if (this.#bits > 0) this.write(0, 8 - this.#bits);
  }

  get bitPosition(): number {
    return this.position * 8 + this.#bits;
  }
}

function countTrailingZeros(value: number): number {
  return 31 - Math.clz32(value & -value);
}

function checkInteger(
  name: string,
  value: number,
  low: number,
  high: number,
): void {
  if (!Number.isInteger(value) || value < low || value > high) {
    throw new RangeError(
      `Expected ${name} to be an integer from ${low} to ${high}, found ${value}`,
    );
  }
}

/**
 * Encodes blocks of integer PCM as FLAC frames.
 *
 * @example A header and one frame of a 1 kHz tone at 12 kHz
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { FlacEncoder } from "./flac_encoder.ts";
 * import { decodeFlac } from "./flac_decoder.ts";
 *
 * const encoder = new FlacEncoder({ sampleRate: 12000, blockSize: 384 });
 * const [magic, streamInfo, comment] = encoder.headerMessages();
 * equal(new TextDecoder().decode(magic), "fLaC");
 * equal(streamInfo.length, 38);
 * const block = new Int16Array(384).map((_, i) =>
 *   Math.round(8000 * Math.sin(2 * Math.PI * 1000 * i / 12000))
 * );
 * const frame = encoder.encode(block);
 * equal(frame[0], 0xff); // sync code
 * const stream = decodeFlac(new Uint8Array([...magic, ...streamInfo, ...comment, ...frame]));
 * equal(stream.sampleRate, 12000);
 * equal(stream.channels[0][100], block[100]);
 * ```
 */
export class FlacEncoder {
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** Samples per channel in every block but the last. */
  readonly blockSize: number;
  /** Number of channels. */
  readonly channels: 1 | 2;
  /** Bits per sample. */
  readonly bitsPerSample: number;

  #maxPartitionOrder: number;
  #vendor: string;
  #frameNumber = 0;
  #framesEncoded = 0;
  #finished = false;
  #writer: BitWriter;
  /** Candidate subframes: L (or mono), R, M, S. */
  #plans: SubframePlan[] = [];
  /** Per-partition absolute sums for the partition search. */
  #sums: Float64Array;
  #trialParameters: Uint8Array;

  /**
   * Creates an encoder; buffers for one block are allocated here.
   *
   * @param options Sample rate, block size, channels, bits per sample.
   * @throws {RangeError} If an option is out of range.
   */
  constructor(options: FlacEncoderOptions) {
    const channels = options.channels ?? 1;
    const bitsPerSample = options.bitsPerSample ?? 16;
    const maxPartitionOrder = options.maxPartitionOrder ?? 6;
    checkInteger("sampleRate", options.sampleRate, 1, 655350);
    checkInteger("blockSize", options.blockSize, 16, 65535);
    checkInteger("channels", channels, 1, 2);
    checkInteger("bitsPerSample", bitsPerSample, 4, 24);
    checkInteger("maxPartitionOrder", maxPartitionOrder, 0, 8);
    this.sampleRate = options.sampleRate;
    this.blockSize = options.blockSize;
    this.channels = channels;
    this.bitsPerSample = bitsPerSample;
    this.#maxPartitionOrder = maxPartitionOrder;
    this.#vendor = options.vendor ?? "shack";
    const n = this.blockSize;
    const candidates = channels === 2 ? 4 : 1;
    for (let c = 0; c < candidates; c++) {
      this.#plans.push({
        type: VERBATIM,
        bits: 0,
        sampleSize: bitsPerSample,
        wasted: 0,
        order: 0,
        partitionOrder: 0,
        parameterBits: 4,
        parameters: new Uint8Array(1 << maxPartitionOrder),
        samples: new Int32Array(n),
        residual: new Int32Array(n),
      });
    }
    this.#sums = new Float64Array(1 << maxPartitionOrder);
    this.#trialParameters = new Uint8Array(1 << maxPartitionOrder);
    // Header ≤ 16 bytes; each subframe ≤ its VERBATIM size (header byte,
    // up to 25 unary wasted bits, n samples of up to 25 bits); CRC-16.
    const subframeBytes = Math.ceil((8 + 32 + n * (bitsPerSample + 1)) / 8);
    this.#writer = new BitWriter(16 + channels * subframeBytes + 3);
  }

  /** Frames encoded so far. */
  get framesEncoded(): number {
    return this.#framesEncoded;
  }

  /** Whether a short (final) block has been encoded. */
  get finished(): boolean {
    return this.#finished;
  }

  /**
   * The stream header as libFLAC's stream encoder writes it: `"fLaC"`, the
   * STREAMINFO block and a VORBIS_COMMENT block (last), as three messages.
   *
   * @returns Three byte arrays (4, 38 and 4 + 8 + vendor-length bytes).
   */
  headerMessages(): Uint8Array[] {
    const magic = new TextEncoder().encode("fLaC");
    const info = new Uint8Array(38);
    const view = new DataView(info.buffer);
    view.setUint32(0, (0 << 24) | 34); // not last, type 0, length 34
    view.setUint16(4, this.blockSize); // min block size
    view.setUint16(6, this.blockSize); // max block size
    // min/max frame size (24 bits each) unknown: 0.
    // sample rate (20) | channels − 1 (3) | bits − 1 (5) | total samples (36)
    view.setUint32(
      14,
      (this.sampleRate << 12) | ((this.channels - 1) << 9) |
        ((this.bitsPerSample - 1) << 4),
    );
    // Remaining total-samples bits and the MD5 stay 0 (unknown).
    const vendor = new TextEncoder().encode(this.#vendor);
    const comment = new Uint8Array(4 + 4 + vendor.length + 4);
    const commentView = new DataView(comment.buffer);
    commentView.setUint32(0, (0x80 << 24) | (4 << 24) | (comment.length - 4));
    commentView.setUint32(4, vendor.length, true);
    comment.set(vendor, 8);
    commentView.setUint32(8 + vendor.length, 0, true); // no comments
    return [magic, info, comment];
  }

  /**
   * The header messages concatenated (for files and tests).
   *
   * @returns `"fLaC"` + STREAMINFO + VORBIS_COMMENT.
   */
  header(): Uint8Array {
    const parts = this.headerMessages();
    const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  /**
   * Encodes one block as one FLAC frame.
   *
   * @param samples `blockSize` samples per channel (interleaved L, R for
   * stereo); fewer (at least 1) make this the stream's final block.
   * @returns The frame bytes (a fresh copy).
   * @throws {RangeError} If the block has the wrong length, a sample is
   * outside the signed `bitsPerSample` range, or a final block was already
   * encoded.
   */
  encode(samples: Int16Array | Int32Array): Uint8Array {
    if (this.#finished) {
      throw new RangeError(
        "Expected no block after the final (short) block, found another",
      );
    }
    const channels = this.channels;
    const frames = samples.length / channels;
    if (
      !Number.isInteger(frames) || frames < 1 || frames > this.blockSize
    ) {
      throw new RangeError(
        `Expected 1 to ${this.blockSize} samples per channel (${channels} interleaved), found ${samples.length} values`,
      );
    }
    if (frames < this.blockSize) this.#finished = true;
    this.#load(samples, frames);
    let assignment = INDEPENDENT;
    let first = this.#plans[0];
    let second: SubframePlan | undefined;
    if (channels === 1) {
      this.#analyze(first, frames);
    } else {
      const [left, right, mid, side] = this.#plans;
      for (const plan of this.#plans) this.#analyze(plan, frames);
      const options: [number, SubframePlan, SubframePlan][] = [
        [INDEPENDENT, left, right],
        [LEFT_SIDE, left, side],
        [SIDE_RIGHT, side, right],
        [MID_SIDE, mid, side],
      ];
      let best = Infinity;
      for (const [code, a, b] of options) {
        if (a.bits + b.bits < best) {
          best = a.bits + b.bits;
          assignment = code;
          first = a;
          second = b;
        }
      }
    }
    const writer = this.#writer;
    writer.reset();
    this.#writeHeader(frames, assignment);
    this.#writeSubframe(first, frames);
    if (second) this.#writeSubframe(second, frames);
    writer.align();
    const crc = flacCrc16(writer.buffer, 0, writer.position);
    writer.write(crc, 16);
    this.#frameNumber = (this.#frameNumber + 1) % 0x80000000;
    this.#framesEncoded++;
    return writer.buffer.slice(0, writer.position);
  }

  /** Copies (and range-checks) the input into the candidate buffers. */
  #load(samples: Int16Array | Int32Array, frames: number): void {
    const bits = this.bitsPerSample;
    const needCheck = !(samples instanceof Int16Array && bits >= 16);
    const low = -(2 ** (bits - 1));
    const high = 2 ** (bits - 1) - 1;
    const plans = this.#plans;
    if (this.channels === 1) {
      const out = plans[0].samples;
      for (let i = 0; i < frames; i++) {
        const s = samples[i];
        if (needCheck && (s < low || s > high)) throw this.#rangeError(s);
        out[i] = s;
      }
      plans[0].sampleSize = bits;
      return;
    }
    const left = plans[0].samples;
    const right = plans[1].samples;
    const mid = plans[2].samples;
    const side = plans[3].samples;
    for (let i = 0; i < frames; i++) {
      const l = samples[2 * i];
      const r = samples[2 * i + 1];
      if (needCheck && (l < low || l > high || r < low || r > high)) {
        throw this.#rangeError(l < low || l > high ? l : r);
      }
      left[i] = l;
      right[i] = r;
      mid[i] = (l + r) >> 1;
      side[i] = l - r;
    }
    plans[0].sampleSize = bits;
    plans[1].sampleSize = bits;
    plans[2].sampleSize = bits;
    plans[3].sampleSize = bits + 1;
  }

  #rangeError(sample: number): RangeError {
    return new RangeError(
      `Expected ${this.bitsPerSample}-bit signed samples, found ${sample}`,
    );
  }

  /** Chooses CONSTANT, FIXED or VERBATIM for one channel. */
  #analyze(plan: SubframePlan, n: number): void {
    const x = plan.samples;
    const size = plan.sampleSize;
    let or = 0;
    let constant = true;
    const x0 = x[0];
    for (let i = 0; i < n; i++) {
      or |= x[i];
      if (x[i] !== x0) constant = false;
    }
    plan.wasted = 0;
    if (constant) {
      plan.type = CONSTANT;
      plan.bits = 8 + size;
      return;
    }
    const wasted = countTrailingZeros(or);
    if (wasted > 0) {
      for (let i = 0; i < n; i++) x[i] >>= wasted;
      plan.wasted = wasted;
    }
    const effective = size - wasted;
    const verbatim = 8 + wasted + n * effective;
    const fixed = this.#planFixed(plan, n, effective) + 8 + wasted;
    if (fixed < verbatim) {
      plan.type = FIXED;
      plan.bits = fixed;
    } else {
      plan.type = VERBATIM;
      plan.bits = verbatim;
    }
  }

  /**
   * Picks the FIXED order and Rice partitioning; fills `plan.residual`,
   * `order`, `partitionOrder`, `parameterBits`, `parameters`.
   *
   * @returns An upper bound of the subframe's bits after its 8-bit header
   * and wasted-bits field.
   */
  #planFixed(plan: SubframePlan, n: number, sampleSize: number): number {
    const x = plan.samples;
    // Sums of |residual| per order over the same range, as libFLAC does
    // (blocks of 4 samples or fewer, only a final block, use order 0).
    const maxOrder = n > 4 ? 4 : 0;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    for (let i = 4; i < n; i++) {
      const e0 = x[i];
      const e1 = e0 - x[i - 1];
      const e2 = e1 - (x[i - 1] - x[i - 2]);
      const e3 = e2 - (x[i - 1] - 2 * x[i - 2] + x[i - 3]);
      const e4 = e3 - (x[i - 1] - 3 * x[i - 2] + 3 * x[i - 3] - x[i - 4]);
      s0 += Math.abs(e0);
      s1 += Math.abs(e1);
      s2 += Math.abs(e2);
      s3 += Math.abs(e3);
      s4 += Math.abs(e4);
    }
    const sums = [s0, s1, s2, s3, s4];
    let order = 0;
    for (let o = 1; o <= maxOrder; o++) if (sums[o] < sums[order]) order = o;
    const e = plan.residual;
    switch (order) {
      case 0:
        for (let i = 0; i < n; i++) e[i] = x[i];
        break;
      case 1:
        for (let i = 1; i < n; i++) e[i] = x[i] - x[i - 1];
        break;
      case 2:
        for (let i = 2; i < n; i++) e[i] = x[i] - 2 * x[i - 1] + x[i - 2];
        break;
      case 3:
        for (let i = 3; i < n; i++) {
          e[i] = x[i] - 3 * x[i - 1] + 3 * x[i - 2] - x[i - 3];
        }
        break;
      default:
        for (let i = 4; i < n; i++) {
          e[i] = x[i] - 4 * x[i - 1] + 6 * x[i - 2] - 4 * x[i - 3] + x[i - 4];
        }
    }
    plan.order = order;
    return order * sampleSize + 6 + this.#planRice(plan, n, order);
  }

  /**
   * Partition search: for each partition order, the Rice parameter per
   * partition minimising `count·(k+1) + ⌊sum/2^k⌋`, an upper bound of the
   * exact `Σ (u_i >> k) + count·(k+1)`.
   *
   * @returns Bits of the partition parameters and codes (upper bound).
   */
  #planRice(plan: SubframePlan, n: number, order: number): number {
    let top = Math.min(this.#maxPartitionOrder, countTrailingZeros(n));
    while (top > 0 && (n >> top) <= order) top--;
    const sums = this.#sums;
    const partitions = 1 << top;
    const size = n >> top;
    const e = plan.residual;
    for (let p = 0; p < partitions; p++) {
      let sum = 0;
      for (
        let i = p === 0 ? order : p * size, end = (p + 1) * size;
        i < end;
        i++
      ) {
        const v = e[i];
        sum += v < 0 ? -2 * v - 1 : 2 * v;
      }
      sums[p] = sum;
    }
    let bestBits = Infinity;
    const trial = this.#trialParameters;
    for (let p = top; p >= 0; p--) {
      if (p < top) {
        for (let j = 0; j < 1 << p; j++) {
          sums[j] = sums[2 * j] + sums[2 * j + 1];
        }
      }
      const count = n >> p;
      let bits = 0;
      let maxK = 0;
      for (let j = 0; j < 1 << p; j++) {
        const c = j === 0 ? count - order : count;
        const sum = sums[j];
        let k = 0;
        let best = c + sum; // k = 0
        if (sum > c && c > 0) {
          // k0 = ⌊log2(sum / c)⌋ from the float's exponent.
          const k0 = 31 - Math.clz32(Math.min(sum / c, 0x7fffffff) >>> 0);
          for (let t = Math.max(1, k0 - 1); t <= Math.min(30, k0 + 1); t++) {
            const cost = c * (t + 1) + Math.floor(sum * INVERSE_POWERS[t]);
            if (cost < best) {
              best = cost;
              k = t;
            }
          }
        }
        trial[j] = k;
        if (k > maxK) maxK = k;
        bits += best;
      }
      const parameterBits = maxK > 14 ? 5 : 4;
      bits += parameterBits << p;
      if (bits < bestBits) {
        bestBits = bits;
        plan.partitionOrder = p;
        plan.parameterBits = parameterBits;
        const parameters = plan.parameters;
        for (let j = 0; j < 1 << p; j++) parameters[j] = trial[j];
      }
    }
    return bestBits;
  }

  #writeHeader(frames: number, assignment: number): void {
    const w = this.#writer;
    const rate = this.sampleRate;
    const blockCode = BLOCK_CODES.get(frames) ?? (frames <= 256 ? 6 : 7);
    let rateCode = RATE_CODES.get(rate);
    if (rateCode === undefined) {
      if (rate % 1000 === 0 && rate <= 255000) rateCode = 12;
      else if (rate <= 65535) rateCode = 13;
      else if (rate % 10 === 0 && rate <= 655350) rateCode = 14;
      else rateCode = 0;
    }
    const channelCode = assignment === INDEPENDENT
      ? this.channels - 1
      : assignment;
    w.write(0xfff8, 16); // sync, reserved 0, fixed blocking
    w.write((blockCode << 4) | rateCode, 8);
    w.write(
      (channelCode << 4) | ((SIZE_CODES.get(this.bitsPerSample) ?? 0) << 1),
      8,
    );
    this.#writeUtf8(this.#frameNumber);
    if (blockCode === 6) w.write(frames - 1, 8);
    else if (blockCode === 7) w.write(frames - 1, 16);
    if (rateCode === 12) w.write(rate / 1000, 8);
    else if (rateCode === 13) w.write(rate, 16);
    else if (rateCode === 14) w.write(rate / 10, 16);
    w.write(flacCrc8(w.buffer, 0, w.position), 8);
  }

  /** The "UTF-8"-style coded frame number (up to 31 bits, 6 bytes). */
  #writeUtf8(value: number): void {
    const w = this.#writer;
    if (value < 0x80) {
      w.write(value, 8);
      return;
    }
    let continuation: number;
    let leadBits: number;
    if (value < 0x800) [continuation, leadBits] = [1, 0xc0];
    else if (value < 0x10000) [continuation, leadBits] = [2, 0xe0];
    else if (value < 0x200000) [continuation, leadBits] = [3, 0xf0];
    else if (value < 0x4000000) [continuation, leadBits] = [4, 0xf8];
    else [continuation, leadBits] = [5, 0xfc];
    w.write(leadBits | (value >>> (6 * continuation)), 8);
    for (let c = continuation - 1; c >= 0; c--) {
      w.write(0x80 | ((value >>> (6 * c)) & 0x3f), 8);
    }
  }

  #writeSubframe(plan: SubframePlan, n: number): void {
    const w = this.#writer;
    const wasted = plan.wasted;
    const size = plan.sampleSize - wasted;
    const typeCode = plan.type === CONSTANT
      ? 0
      : plan.type === VERBATIM
      ? 1
      : 8 | plan.order;
    w.write((typeCode << 1) | (wasted > 0 ? 1 : 0), 8);
    if (wasted > 0) {
      w.zeros(wasted - 1);
      w.write(1, 1);
    }
    const x = plan.samples;
    if (plan.type === CONSTANT) {
      w.write(x[0], size);
      return;
    }
    if (plan.type === VERBATIM) {
      for (let i = 0; i < n; i++) w.write(x[i], size);
      return;
    }
    const order = plan.order;
    for (let i = 0; i < order; i++) w.write(x[i], size);
    const parameterBits = plan.parameterBits;
    w.write(parameterBits === 5 ? 1 : 0, 2);
    w.write(plan.partitionOrder, 4);
    const partitions = 1 << plan.partitionOrder;
    const count = n >> plan.partitionOrder;
    const e = plan.residual;
    for (let p = 0; p < partitions; p++) {
      const k = plan.parameters[p];
      w.write(k, parameterBits);
      for (
        let i = p === 0 ? order : p * count, end = (p + 1) * count;
        i < end;
        i++
      ) {
        const v = e[i];
        w.rice(v < 0 ? -2 * v - 1 : 2 * v, k);
      }
    }
  }
}
