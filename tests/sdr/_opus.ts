// Helpers shared by the Opus tests: a tone, a Goertzel detector, and
// opusscript's own decoder (the npm wrapper, reading its wasm from disk),
// which checks our packets independently of lib/sdr/wire/opus_decoder.ts.
import OpusScript from "opusscript";

/** A sine of `amplitude` at `hz`, starting at sample `start`. */
export function tone(
  length: number,
  hz: number,
  rate: number,
  amplitude = 8000,
  start = 0,
): Int16Array {
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Math.round(
      amplitude * Math.sin((2 * Math.PI * hz * (start + i)) / rate),
    );
  }
  return out;
}

/** Power of `pcm` at `hz` (Goertzel), normalised by length². */
export function toneLevel(
  pcm: ArrayLike<number>,
  hz: number,
  rate: number,
): number {
  const c = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < pcm.length; i++) {
    const s = pcm[i] + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (s1 * s1 + s2 * s2 - c * s1 * s2) / (pcm.length * pcm.length);
}

/** Decodes raw Opus packets with the opusscript package's decoder. */
export function decodeWithOpusscript(
  packets: readonly Uint8Array[],
  rate: 8000 | 12000 | 16000 | 24000 | 48000,
): Int16Array {
  const decoder = new OpusScript(rate, 1, OpusScript.Application.AUDIO);
  try {
    const parts: Int16Array[] = [];
    let total = 0;
    for (const packet of packets) {
      const bytes = decoder.decode(Buffer.from(packet));
      const copy = new Uint8Array(bytes); // aligned copy
      const samples = new Int16Array(copy.buffer, 0, copy.length >> 1);
      parts.push(samples);
      total += samples.length;
    }
    const out = new Int16Array(total);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  } finally {
    decoder.delete();
  }
}
