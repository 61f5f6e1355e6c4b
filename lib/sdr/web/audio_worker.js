/**
 * The FLAC fallback decoder's Worker (a module Worker): receives the
 * `/audio` packets' bytes, posts back decoded frames mixed to mono. Used
 * where WebCodecs cannot decode FLAC; Workers need no secure context.
 *
 * Messages in: `{ type: "data", bytes: Uint8Array }`, `{ type: "reset" }`.
 * Messages out: `{ type: "frame", samples: Float32Array, sampleRate }`,
 * `{ type: "counters", frames, errors, droppedBytes }` after each batch.
 *
 * @module
 */

import { FlacStreamDecoder } from "./flac_decoder.js";

let decoder = new FlacStreamDecoder();

self.onmessage = (event) => {
  const message = event.data;
  if (message === null || typeof message !== "object") return;
  if (message.type === "reset") {
    decoder = new FlacStreamDecoder();
    return;
  }
  if (message.type !== "data" || !(message.bytes instanceof Uint8Array)) {
    return;
  }
  for (const frame of decoder.push(message.bytes)) {
    const channels = frame.channels;
    let samples = channels[0];
    if (channels.length > 1) {
      samples = new Float32Array(samples.length);
      for (const channel of channels) {
        for (let i = 0; i < samples.length; i++) {
          samples[i] += channel[i] / channels.length;
        }
      }
    }
    self.postMessage(
      { type: "frame", samples, sampleRate: frame.sampleRate },
      [samples.buffer],
    );
  }
  self.postMessage({ type: "counters", ...decoder.counters });
};
