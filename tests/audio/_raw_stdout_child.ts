// Test helper: writes `blocks` ramps as raw PCM to stdout.
// Usage: <encoding s16le|f32le> <blocks>
import { RawSink } from "../../lib/audio/sinks/raw_sink.ts";

const [encoding, blocksText] = Deno.args;
const sink = new RawSink({
  sampleRate: 48000,
  channels: 2,
  blockSize: 4,
  encoding: encoding as "s16le" | "f32le",
});
for (let i = 0; i < Number(blocksText); i++) {
  await sink.write(
    new Float32Array([0, 0.25, 0.5, -0.5, 1, -1, i / 100, -i / 100]),
  );
}
await sink.close();
