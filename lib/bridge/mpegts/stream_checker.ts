/**
 * Checks a transport stream packet by packet, as a conformance test or a
 * probe would: a sync byte every 188 bytes, continuity counters per PID
 * and decodable PAT/PMT sections. It reports what it found; it never throws
 * on bad input.
 *
 * @module
 */

import {
  continuityCounter,
  discontinuityIndicator,
  hasPayload,
  NULL_PID,
  packetPid,
  PAT_PID,
  payloadUnitStart,
  TS_PACKET_SIZE,
  TS_SYNC_BYTE,
} from "./packet.ts";
import { parsePat, parsePmt } from "./psi.ts";

/**
 * What a {@link TsStreamChecker} has seen so far.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TsStreamChecker, type TsStreamReport } from "./stream_checker.ts";
 *
 * const report: TsStreamReport = new TsStreamChecker().report;
 * equal(report.packets, 0);
 * ```
 */
export interface TsStreamReport {
  /** Whole packets checked. */
  packets: number;
  /** Packets whose first byte was not 0x47. */
  syncErrors: number;
  /** Payload packets whose continuity counter did not follow the previous one of its PID. */
  continuityErrors: number;
  /** Distinct PIDs seen (null packets excluded). */
  pids: number;
  /** Valid PAT sections seen. */
  pats: number;
  /** Valid PMT sections seen (on a PID the PAT named). */
  pmts: number;
  /** PAT/PMT sections that failed to parse (bad CRC, length or table id). */
  psiErrors: number;
  /** PIDs of the elementary streams the last PMT declared. */
  elementaryPids: number[];
  /** Bytes of a trailing partial packet (not yet checked). */
  pendingBytes: number;
}

/**
 * Checks a stream from its first byte: every 188th byte must be 0x47 (no
 * resynchronisation: a sync error is reported, not hidden), each PID's
 * continuity counter must advance by one per payload packet (a repeated
 * counter, allowed once by the standard, and a signalled discontinuity are
 * accepted), and PAT/PMT sections must parse. Memory is bounded: one
 * counter slot per possible PID.
 *
 * @example Checking generated packets
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TsChannelGenerator } from "./ts_generator.ts";
 * import { TsStreamChecker } from "./stream_checker.ts";
 *
 * const checker = new TsStreamChecker();
 * checker.push(new TsChannelGenerator().next(100));
 * equal(checker.report.packets, 100);
 * equal(checker.report.syncErrors, 0);
 * equal(checker.report.continuityErrors, 0);
 * equal(checker.report.pmts > 0, true);
 * ```
 */
export class TsStreamChecker {
  readonly #lastCc = new Int8Array(NULL_PID + 1).fill(-1);
  readonly #repeated = new Uint8Array(NULL_PID + 1);
  readonly #isPmtPid = new Uint8Array(NULL_PID + 1);
  readonly #partial = new Uint8Array(TS_PACKET_SIZE);
  #partialLength = 0;
  #packets = 0;
  #syncErrors = 0;
  #continuityErrors = 0;
  #pids = 0;
  #pats = 0;
  #pmts = 0;
  #psiErrors = 0;
  #elementaryPids: number[] = [];

  /** A snapshot of the findings. */
  get report(): TsStreamReport {
    return {
      packets: this.#packets,
      syncErrors: this.#syncErrors,
      continuityErrors: this.#continuityErrors,
      pids: this.#pids,
      pats: this.#pats,
      pmts: this.#pmts,
      psiErrors: this.#psiErrors,
      elementaryPids: [...this.#elementaryPids],
      pendingBytes: this.#partialLength,
    };
  }

  /**
   * Checks the next bytes of the stream (any chunking).
   *
   * @param bytes The bytes.
   */
  push(bytes: Uint8Array): void {
    let pos = 0;
    if (this.#partialLength > 0) {
      const need = TS_PACKET_SIZE - this.#partialLength;
      const take = Math.min(need, bytes.length);
      this.#partial.set(bytes.subarray(0, take), this.#partialLength);
      this.#partialLength += take;
      pos = take;
      if (this.#partialLength < TS_PACKET_SIZE) return;
      this.#check(this.#partial, 0);
      this.#partialLength = 0;
    }
    for (; pos + TS_PACKET_SIZE <= bytes.length; pos += TS_PACKET_SIZE) {
      this.#check(bytes, pos);
    }
    if (pos < bytes.length) {
      this.#partial.set(bytes.subarray(pos), 0);
      this.#partialLength = bytes.length - pos;
    }
  }

  #check(bytes: Uint8Array, at: number): void {
    this.#packets++;
    if (bytes[at] !== TS_SYNC_BYTE) {
      this.#syncErrors++;
      return;
    }
    const pid = packetPid(bytes, at);
    if (pid === NULL_PID) return;
    const cc = continuityCounter(bytes, at);
    const last = this.#lastCc[pid];
    if (last === -1) this.#pids++;
    if (hasPayload(bytes, at)) {
      if (last !== -1 && !discontinuityIndicator(bytes, at)) {
        if (cc === last && this.#repeated[pid] === 0) {
          this.#repeated[pid] = 1;
        } else if (cc !== ((last + 1) & 0x0f)) {
          this.#continuityErrors++;
          this.#repeated[pid] = 0;
        } else {
          this.#repeated[pid] = 0;
        }
      }
      this.#lastCc[pid] = cc;
      if (payloadUnitStart(bytes, at)) this.#section(bytes, at, pid);
    } else if (last === -1) {
      this.#lastCc[pid] = cc;
    }
  }

  #section(bytes: Uint8Array, at: number, pid: number): void {
    if (pid !== PAT_PID && this.#isPmtPid[pid] === 0) return;
    const packet = bytes.subarray(at, at + TS_PACKET_SIZE);
    try {
      if (pid === PAT_PID) {
        const pat = parsePat(packet);
        this.#pats++;
        for (const program of pat.programs) {
          if (program.programNumber !== 0) this.#isPmtPid[program.pmtPid] = 1;
        }
      } else {
        const pmt = parsePmt(packet);
        this.#pmts++;
        this.#elementaryPids = pmt.streams.map((s) => s.pid);
      }
    } catch {
      this.#psiErrors++;
    }
  }
}
