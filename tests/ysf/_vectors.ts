/**
 * Test helpers for lib/ysf: the shared known-answer vectors (optional), the
 * pYSFReflector3 sample packets, hex conversion and bit flips.
 *
 * @module
 */

import type { Fich } from "../../lib/ysf/mod.ts";

/** The shape of shared/vectors/ysf_vectors.json. */
export interface YsfVectors {
  crc16: { in_hex: string; crc: string }[];
  golay24: { data12: number; code24_hex: string }[];
  fich: { fields: string; raw6_hex: string; fich25_hex: string }[];
  packets: { fields: string; ysfd155_hex: string }[];
  status_id: { name: string; configured_id: number; id: string }[];
}

const VECTORS_URL = new URL(
  "../../../shared/vectors/ysf_vectors.json",
  import.meta.url,
);

async function loadVectors(): Promise<YsfVectors | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(VECTORS_URL)) as YsfVectors;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      console.log(
        `Skipping YSF known-answer tests: ${VECTORS_URL.pathname} not found`,
      );
      return undefined;
    }
    throw error;
  }
}

/** The shared vectors, or `undefined` if the file is absent. */
export const vectors: YsfVectors | undefined = await loadVectors();

/** `true` when the vector tests must be skipped. */
export const noVectors: boolean = vectors === undefined;

/** The captured YSFD packets from pYSFReflector3's sources. */
export const pysf3Samples: { source: string; ysfd155_hex: string }[] =
  JSON.parse(
    await Deno.readTextFile(
      new URL("./fixtures/pysf3_samples.json", import.meta.url),
    ),
  ).packets;

/** Bytes of a hex string. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** Hex string of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Flips bit `index` (MSB first) of `data` in place. */
export function flipBit(data: Uint8Array, index: number): void {
  data[index >>> 3] ^= 0x80 >>> (index & 7);
}

/** Formats FICH fields as the vector file does (Python repr style). */
export function formatFich(f: Fich): string {
  const b = (v: boolean) => (v ? "True" : "False");
  return `Fich(fi=${f.fi} cs=${f.cs} cm=${f.cm} bn=${f.bn} bt=${f.bt} fn=${f.fn} ft=${f.ft} dev=${
    b(f.dev)
  } mr=${f.mr} voip=${b(f.voip)} dt=${f.dt} sql=${b(f.sql)} dgid=${f.dgid})`;
}

/** A small seeded PRNG (mulberry32) for deterministic test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return function next(): number {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
