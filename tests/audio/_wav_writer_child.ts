// Test helper: writes a WAV file block after block until killed, printing
// "ready" once `blocks` blocks are written. Usage: <path> <blocks>
import { WavSink } from "../../lib/audio/sinks/wav_sink.ts";

const [path, blocksText] = Deno.args;
const sink = await WavSink.open(path, {
  sampleRate: 48000,
  channels: 2,
  blockSize: 256,
  headerIntervalMs: 0,
});
const block = new Float32Array(512);
for (let i = 0; i < block.length; i++) block[i] = Math.sin(i / 10) * 0.5;
let written = 0;
while (true) {
  await sink.write(block);
  written++;
  if (written === Number(blocksText)) {
    await Deno.stdout.write(new TextEncoder().encode("ready\n"));
  }
}
