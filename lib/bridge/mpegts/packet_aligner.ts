/**
 * Cuts a byte stream of any chunking into whole 188-byte transport stream
 * packets, finding (and re-finding after corruption) the packet boundary.
 * The proxy passes every upstream chunk through it so that clients only ever
 * get whole packets, also across an upstream reconnect.
 *
 * @module
 */

import { TS_PACKET_SIZE, TS_SYNC_BYTE } from "./packet.ts";

/**
 * Options of {@link TsPacketAligner}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TsPacketAligner, type TsPacketAlignerOptions } from "./packet_aligner.ts";
 *
 * const options: TsPacketAlignerOptions = { lockPackets: 2 };
 * equal(new TsPacketAligner(options).synced, false);
 * ```
 */
export interface TsPacketAlignerOptions {
  /**
   * How many consecutive sync bytes, 188 bytes apart, establish the packet
   * boundary (2..8). Default 3.
   */
  lockPackets?: number;
}

/**
 * Counters of a {@link TsPacketAligner}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TsPacketAligner, type TsPacketAlignerStats } from "./packet_aligner.ts";
 *
 * const stats: TsPacketAlignerStats = new TsPacketAligner().stats;
 * equal(stats.packets, 0);
 * ```
 */
export interface TsPacketAlignerStats {
  /** Whole packets passed on. */
  packets: number;
  /** Bytes thrown away while looking for the packet boundary. */
  droppedBytes: number;
  /** Times the boundary was lost after it had been found. */
  syncLosses: number;
}

/**
 * Turns arbitrary chunks into runs of whole, sync-checked packets.
 *
 * While locked, every packet start is checked for 0x47; a packet that does
 * not start with it drops the lock, and the aligner then looks for
 * `lockPackets` sync bytes 188 bytes apart, dropping (and counting) the
 * bytes before them. A partial packet at the end of a chunk is held until
 * the next chunk completes it; at most `lockPackets × 188` bytes are held.
 *
 * Aligned chunks are passed on as `subarray`s of the input (no copy); only
 * packets completed across two chunks are copied.
 *
 * @example Packets split across chunks come out whole
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TsPacketAligner } from "./packet_aligner.ts";
 *
 * const stream = new Uint8Array(188 * 4);
 * for (let i = 0; i < 4; i++) stream[i * 188] = 0x47;
 * const aligner = new TsPacketAligner();
 * let bytes = 0;
 * for (const piece of aligner.push(stream.subarray(0, 500))) bytes += piece.length;
 * for (const piece of aligner.push(stream.subarray(500))) bytes += piece.length;
 * equal(bytes, 188 * 4);
 * equal(aligner.stats.packets, 4);
 * ```
 */
export class TsPacketAligner {
  readonly #lockPackets: number;
  readonly #carry: Uint8Array;
  #carryLength = 0;
  #locked = false;
  #packets = 0;
  #droppedBytes = 0;
  #syncLosses = 0;

  /**
   * Creates an aligner that is not yet locked.
   *
   * @param options The lock length.
   * @throws {RangeError} If `lockPackets` is not an integer in 2..8.
   */
  constructor(options: TsPacketAlignerOptions = {}) {
    const lockPackets = options.lockPackets ?? 3;
    if (!Number.isInteger(lockPackets) || lockPackets < 2 || lockPackets > 8) {
      throw new RangeError(
        `Expected lockPackets to be an integer in 2..8 but found ${lockPackets}`,
      );
    }
    this.#lockPackets = lockPackets;
    this.#carry = new Uint8Array(lockPackets * TS_PACKET_SIZE);
  }

  /** Whether the packet boundary is currently known. */
  get synced(): boolean {
    return this.#locked;
  }

  /** Bytes held back until more data arrives (at most `lockPackets × 188`). */
  get pending(): number {
    return this.#carryLength;
  }

  /** A snapshot of the counters. */
  get stats(): TsPacketAlignerStats {
    return {
      packets: this.#packets,
      droppedBytes: this.#droppedBytes,
      syncLosses: this.#syncLosses,
    };
  }

  /**
   * Forgets the held partial packet and the lock, e.g. before the bytes of a
   * new upstream connection follow. The held bytes count as dropped.
   */
  reset(): void {
    this.#droppedBytes += this.#carryLength;
    this.#carryLength = 0;
    this.#locked = false;
  }

  /**
   * Takes the next chunk of the stream.
   *
   * @param chunk The bytes (not modified; the returned pieces may be views
   * into it).
   * @returns Zero or more pieces, each a whole number of packets starting
   * with 0x47, in stream order.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let buffer = chunk;
    let pos = 0;
    if (this.#carryLength > 0) {
      if (this.#locked) {
        const need = TS_PACKET_SIZE - this.#carryLength;
        if (chunk.length < need) {
          this.#carry.set(chunk, this.#carryLength);
          this.#carryLength += chunk.length;
          return out;
        }
        this.#carry.set(chunk.subarray(0, need), this.#carryLength);
        out.push(this.#carry.slice(0, TS_PACKET_SIZE));
        this.#packets++;
        this.#carryLength = 0;
        pos = need;
      } else {
        buffer = new Uint8Array(this.#carryLength + chunk.length);
        buffer.set(this.#carry.subarray(0, this.#carryLength));
        buffer.set(chunk, this.#carryLength);
        this.#carryLength = 0;
      }
    }
    const length = buffer.length;
    while (pos < length) {
      if (this.#locked) {
        const start = pos;
        while (pos + TS_PACKET_SIZE <= length && buffer[pos] === TS_SYNC_BYTE) {
          pos += TS_PACKET_SIZE;
        }
        if (pos > start) {
          out.push(buffer.subarray(start, pos));
          this.#packets += (pos - start) / TS_PACKET_SIZE;
        }
        if (pos === length) break;
        if (pos + TS_PACKET_SIZE > length && buffer[pos] === TS_SYNC_BYTE) {
          this.#carry.set(buffer.subarray(pos), 0);
          this.#carryLength = length - pos;
          break;
        }
        this.#locked = false;
        this.#syncLosses++;
      }
      const span = (this.#lockPackets - 1) * TS_PACKET_SIZE;
      let found = -1;
      for (let p = pos; p + span < length; p++) {
        if (buffer[p] !== TS_SYNC_BYTE) continue;
        let ok = true;
        for (let k = 1; k < this.#lockPackets; k++) {
          if (buffer[p + k * TS_PACKET_SIZE] !== TS_SYNC_BYTE) {
            ok = false;
            break;
          }
        }
        if (ok) {
          found = p;
          break;
        }
      }
      if (found === -1) {
        // Positions from here on could still start a lock: keep them.
        const keepFrom = Math.max(pos, length - span);
        this.#droppedBytes += keepFrom - pos;
        this.#carry.set(buffer.subarray(keepFrom), 0);
        this.#carryLength = length - keepFrom;
        break;
      }
      this.#droppedBytes += found - pos;
      pos = found;
      this.#locked = true;
    }
    return out;
  }
}
