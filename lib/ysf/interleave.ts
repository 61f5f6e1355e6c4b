/**
 * The dibit interleavers of the YSF FICH and data channels: coded dibit i goes
 * to bit positions n and n+1 with n = 40·(i mod rows) + 2·(i div rows).
 *
 * @module
 */

import { readBit, writeBit } from "./bits.ts";

function buildTable(dibits: number, rows: number): Uint16Array {
  const table = new Uint16Array(dibits);
  for (let i = 0; i < dibits; i++) {
    table[i] = 40 * (i % rows) + 2 * Math.floor(i / rows);
  }
  return table;
}

/**
 * Interleaver of the FICH and of the V/D mode 2 data channel: 100 dibits,
 * n = 40·(i mod 5) + 2·(i div 5) (G4KLX `INTERLEAVE_TABLE` /
 * `INTERLEAVE_TABLE_5_20`).
 *
 * @example First entries
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { INTERLEAVE_100 } from "./interleave.ts";
 *
 * deepEqual([...INTERLEAVE_100.subarray(0, 6)], [0, 40, 80, 120, 160, 2]);
 * ```
 */
export const INTERLEAVE_100: Uint16Array = buildTable(100, 5);

/**
 * Interleaver of the 20-byte data channels (header/terminator CSD1/CSD2,
 * data full rate, V/D mode 1): 180 dibits, n = 40·(i mod 9) + 2·(i div 9)
 * (G4KLX `INTERLEAVE_TABLE_9_20`).
 *
 * @example First entries
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { INTERLEAVE_180 } from "./interleave.ts";
 *
 * deepEqual([...INTERLEAVE_180.subarray(8, 10)], [320, 2]);
 * ```
 */
export const INTERLEAVE_180: Uint16Array = buildTable(180, 9);

/**
 * Interleaves coded bits: dibit i of `coded` (bits 2i and 2i+1) is written to
 * bits `table[i]` and `table[i]+1` of `out`. Only those bits of `out` change.
 *
 * @param coded The coded bits, at least 2·table.length bits.
 * @param out The interleaved bits, modified in place.
 * @param table {@link INTERLEAVE_100} or {@link INTERLEAVE_180}.
 * @param outOffset The byte of `out` where the interleaved block starts,
 * default 0.
 *
 * @example Round trip
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { deinterleave, interleave, INTERLEAVE_100 } from "./interleave.ts";
 *
 * const coded = Uint8Array.from({ length: 25 }, (_, i) => i * 37);
 * const air = new Uint8Array(25);
 * interleave(coded, air, INTERLEAVE_100);
 * const back = new Uint8Array(25);
 * deinterleave(air, back, INTERLEAVE_100);
 * deepEqual(back, coded);
 * ```
 */
export function interleave(
  coded: Uint8Array,
  out: Uint8Array,
  table: Uint16Array,
  outOffset = 0,
): void {
  const base = outOffset * 8;
  for (let i = 0, j = 0; i < table.length; i++, j += 2) {
    const n = base + table[i];
    writeBit(out, n, readBit(coded, j));
    writeBit(out, n + 1, readBit(coded, j + 1));
  }
}

/**
 * Reverses {@link interleave}: bits `table[i]` and `table[i]+1` of `air`
 * become dibit i (bits 2i, 2i+1) of `out`.
 *
 * @param air The interleaved bits.
 * @param out The coded bits in order, modified in place.
 * @param table {@link INTERLEAVE_100} or {@link INTERLEAVE_180}.
 *
 * @example Reading the first dibit
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { deinterleave, INTERLEAVE_100 } from "./interleave.ts";
 *
 * const air = new Uint8Array(25);
 * air[5] = 0xc0; // bits 40 and 41 = dibit 1
 * const coded = new Uint8Array(25);
 * deinterleave(air, coded, INTERLEAVE_100);
 * equal(coded[0], 0x30);
 * ```
 */
export function deinterleave(
  air: Uint8Array,
  out: Uint8Array,
  table: Uint16Array,
): void {
  for (let i = 0, j = 0; i < table.length; i++, j += 2) {
    const n = table[i];
    writeBit(out, j, readBit(air, n));
    writeBit(out, j + 1, readBit(air, n + 1));
  }
}
