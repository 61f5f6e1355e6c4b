/**
 * A synthetic live channel as MPEG-TS: PAT and PMT at the start of every
 * frame, then H.264-typed video and AAC-typed audio PES packets with PTS,
 * PCR and correct continuity counters. The payload is a test pattern, not
 * decodable video: enough for proxy, byte-accounting and disconnect tests
 * without ffmpeg, and for a slate.
 *
 * @module
 */

import { TS_PACKET_SIZE, writePacketHeader } from "./packet.ts";
import { buildPatPacket, buildPmtPacket, STREAM_TYPE } from "./psi.ts";

/**
 * Options of {@link TsChannelGenerator}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TsChannelGenerator, type TsChannelGeneratorOptions } from "./ts_generator.ts";
 *
 * const options: TsChannelGeneratorOptions = { videoPackets: 10, audioPackets: 2 };
 * equal(new TsChannelGenerator(options).packetsPerFrame, 14);
 * ```
 */
export interface TsChannelGeneratorOptions {
  /** Video packets per frame, >= 1. Default 20. */
  videoPackets?: number;
  /** Audio packets per frame, 1..20. Default 2. */
  audioPackets?: number;
  /** Frames per second (PTS step). Default 25. */
  frameRate?: number;
  /** The program number. Default 1. */
  programNumber?: number;
  /** The PMT PID. Default 0x1000. */
  pmtPid?: number;
  /** The video PID (also the PCR PID). Default 0x100. */
  videoPid?: number;
  /** The audio PID. Default 0x101. */
  audioPid?: number;
}

const TWO_30 = 2 ** 30;
const TWO_33 = 2 ** 33;

/** Writes a 5-byte PTS field with the '0010' prefix. */
function writePts(target: Uint8Array, at: number, pts: number): void {
  const high = Math.floor(pts / TWO_30) & 0x07;
  const low = pts % TWO_30;
  target[at] = 0x21 | (high << 1);
  target[at + 1] = (low >>> 22) & 0xff;
  target[at + 2] = ((low >>> 14) & 0xfe) | 0x01;
  target[at + 3] = (low >>> 7) & 0xff;
  target[at + 4] = ((low << 1) & 0xfe) | 0x01;
}

/** Writes a 6-byte PCR (33-bit base, extension 0). */
function writePcr(target: Uint8Array, at: number, base: number): void {
  target[at] = Math.floor(base / 2 ** 25) & 0xff;
  target[at + 1] = Math.floor(base / 2 ** 17) & 0xff;
  target[at + 2] = Math.floor(base / 2 ** 9) & 0xff;
  target[at + 3] = Math.floor(base / 2) & 0xff;
  target[at + 4] = ((base % 2) << 7) | 0x7e;
  target[at + 5] = 0;
}

/**
 * Generates a deterministic synthetic channel, packet by packet. Two
 * generators with the same options produce the same bytes, so a test can
 * compare what a proxy delivered with what the upstream sent.
 *
 * Every frame is `PAT, PMT, video × videoPackets, audio × audioPackets`.
 * Since each PID gets the same number of packets in every frame, 16 frames
 * bring every continuity counter back to its start value: a buffer of
 * `16 × k` frames can be sent in a loop without continuity errors (see
 * {@link TsChannelGenerator.loop}).
 *
 * @example Generating packets
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TsChannelGenerator } from "./ts_generator.ts";
 *
 * const generator = new TsChannelGenerator();
 * const bytes = generator.next(48);
 * equal(bytes.length, 48 * 188);
 * equal(bytes[188 * 24], 0x47);
 * equal(generator.packetsGenerated, 48);
 * ```
 */
export class TsChannelGenerator {
  readonly #videoPackets: number;
  readonly #audioPackets: number;
  readonly #ptsStep: number;
  readonly #programNumber: number;
  readonly #pmtPid: number;
  readonly #videoPid: number;
  readonly #audioPid: number;
  #ccPat = 0;
  #ccPmt = 0;
  #ccVideo = 0;
  #ccAudio = 0;
  #frame = 0;
  #slot = 0;
  #generated = 0;

  /**
   * Creates a generator at the start of its first frame.
   *
   * @param options Packet counts, frame rate and PIDs.
   * @throws {RangeError} If a count or the frame rate is out of range, or
   * the PIDs are not distinct.
   */
  constructor(options: TsChannelGeneratorOptions = {}) {
    this.#videoPackets = options.videoPackets ?? 20;
    this.#audioPackets = options.audioPackets ?? 2;
    const frameRate = options.frameRate ?? 25;
    this.#programNumber = options.programNumber ?? 1;
    this.#pmtPid = options.pmtPid ?? 0x1000;
    this.#videoPid = options.videoPid ?? 0x100;
    this.#audioPid = options.audioPid ?? 0x101;
    if (!Number.isInteger(this.#videoPackets) || this.#videoPackets < 1) {
      throw new RangeError(
        `Expected videoPackets to be an integer >= 1 but found ${this.#videoPackets}`,
      );
    }
    if (
      !Number.isInteger(this.#audioPackets) || this.#audioPackets < 1 ||
      this.#audioPackets > 20
    ) {
      throw new RangeError(
        `Expected audioPackets to be an integer in 1..20 but found ${this.#audioPackets}`,
      );
    }
    if (!(frameRate > 0 && frameRate <= 1000)) {
      throw new RangeError(
        `Expected frameRate in (0, 1000] but found ${frameRate}`,
      );
    }
    const pids = new Set([0, this.#pmtPid, this.#videoPid, this.#audioPid]);
    if (pids.size !== 4) {
      throw new RangeError(
        "Expected distinct PIDs for PAT, PMT, video and audio but found a repeat",
      );
    }
    this.#ptsStep = Math.round(90_000 / frameRate);
  }

  /** Packets in one frame: PAT + PMT + video + audio. */
  get packetsPerFrame(): number {
    return 2 + this.#videoPackets + this.#audioPackets;
  }

  /** Packets generated so far. */
  get packetsGenerated(): number {
    return this.#generated;
  }

  /** The video, audio and PMT PIDs. */
  get pids(): { pmt: number; video: number; audio: number } {
    return { pmt: this.#pmtPid, video: this.#videoPid, audio: this.#audioPid };
  }

  /**
   * Generates the next `count` packets.
   *
   * @param count The number of packets, an integer >= 0.
   * @returns `count × 188` bytes.
   * @throws {RangeError} If `count` is not an integer >= 0.
   */
  next(count: number): Uint8Array {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(
        `Expected a packet count >= 0 but found ${count}`,
      );
    }
    const out = new Uint8Array(count * TS_PACKET_SIZE);
    for (let i = 0; i < count; i++) this.#write(out, i * TS_PACKET_SIZE);
    return out;
  }

  /**
   * Generates `frames` whole frames from a fresh start; when `frames` is a
   * multiple of 16 the result can be repeated end to end without
   * continuity-counter errors (PTS/PCR jump back at the seam).
   *
   * @param frames The number of frames, an integer >= 1.
   * @param options The generator options.
   * @returns The bytes.
   * @throws {RangeError} If `frames` is not an integer >= 1.
   *
   * @example A loopable buffer
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { TsChannelGenerator } from "./ts_generator.ts";
   * import { TsStreamChecker } from "./stream_checker.ts";
   *
   * const loop = TsChannelGenerator.loop(16);
   * const checker = new TsStreamChecker();
   * checker.push(loop);
   * checker.push(loop);
   * equal(checker.report.continuityErrors, 0);
   * ```
   */
  static loop(
    frames: number,
    options: TsChannelGeneratorOptions = {},
  ): Uint8Array {
    if (!Number.isSafeInteger(frames) || frames < 1) {
      throw new RangeError(
        `Expected a frame count >= 1 but found ${frames}`,
      );
    }
    const generator = new TsChannelGenerator(options);
    return generator.next(frames * generator.packetsPerFrame);
  }

  #write(out: Uint8Array, at: number): void {
    const slot = this.#slot;
    const pts = (90_000 + this.#frame * this.#ptsStep) % TWO_33;
    if (slot === 0) {
      out.set(
        buildPatPacket({
          transportStreamId: 1,
          programs: [{
            programNumber: this.#programNumber,
            pmtPid: this.#pmtPid,
          }],
          continuityCounter: this.#ccPat,
        }),
        at,
      );
      this.#ccPat = (this.#ccPat + 1) & 0x0f;
    } else if (slot === 1) {
      out.set(
        buildPmtPacket({
          pmtPid: this.#pmtPid,
          programNumber: this.#programNumber,
          pcrPid: this.#videoPid,
          streams: [
            { streamType: STREAM_TYPE.h264, pid: this.#videoPid },
            { streamType: STREAM_TYPE.aacAdts, pid: this.#audioPid },
          ],
          continuityCounter: this.#ccPmt,
        }),
        at,
      );
      this.#ccPmt = (this.#ccPmt + 1) & 0x0f;
    } else if (slot < 2 + this.#videoPackets) {
      const first = slot === 2;
      writePacketHeader(out, at, {
        pid: this.#videoPid,
        payloadUnitStart: first,
        continuityCounter: this.#ccVideo,
        adaptationFieldControl: first ? 3 : 1,
      });
      this.#ccVideo = (this.#ccVideo + 1) & 0x0f;
      let p = at + 4;
      if (first) {
        out[p] = 7; // adaptation_field_length
        out[p + 1] = 0x10 | (this.#frame === 0 ? 0x40 : 0); // PCR (+ random access)
        writePcr(out, p + 2, (pts - 9_000 + TWO_33) % TWO_33);
        p += 8;
        // PES header: start code, stream_id 0xE0, length 0 (unbounded), PTS only.
        out.set([0x00, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x80, 0x80, 0x05], p);
        writePts(out, p + 9, pts);
        p += 14;
      }
      this.#pattern(out, p, at + TS_PACKET_SIZE);
    } else {
      const first = slot === 2 + this.#videoPackets;
      writePacketHeader(out, at, {
        pid: this.#audioPid,
        payloadUnitStart: first,
        continuityCounter: this.#ccAudio,
      });
      this.#ccAudio = (this.#ccAudio + 1) & 0x0f;
      let p = at + 4;
      if (first) {
        const pesLength = this.#audioPackets * 184 - 6;
        out.set([
          0x00,
          0x00,
          0x01,
          0xc0,
          pesLength >> 8,
          pesLength & 0xff,
          0x80,
          0x80,
          0x05,
        ], p);
        writePts(out, p + 9, pts);
        p += 14;
      }
      this.#pattern(out, p, at + TS_PACKET_SIZE);
    }
    this.#generated++;
    this.#slot++;
    if (this.#slot === this.packetsPerFrame) {
      this.#slot = 0;
      this.#frame++;
    }
  }

  /**
   * Fills a payload with a pattern that encodes the packet index and never
   * contains the sync byte (so a test's resync point is unambiguous).
   */
  #pattern(out: Uint8Array, from: number, to: number): void {
    const n = this.#generated;
    for (let i = from; i < to; i++) {
      const value = (n + i - from) & 0xff;
      out[i] = value === 0x47 ? 0xb8 : value;
    }
  }
}
