// The web client's recorder: WAV files of what is heard.
import { equal, throws } from "node:assert/strict";
import { WavRecorder } from "../../lib/sdr/web/wav_recorder.js";

Deno.test("WavRecorder writes a 16-bit mono PCM WAV file", () => {
  const recorder = new WavRecorder({ sampleRate: 12000.4 });
  recorder.push(Float32Array.of(0, 0.5, -0.5, 1, -1, 2, -2));
  recorder.push(Float32Array.of(0.25));
  const file = recorder.finish();
  const view = new DataView(file.buffer);
  const text = (at: number) =>
    new TextDecoder().decode(file.subarray(at, at + 4));
  equal(text(0), "RIFF");
  equal(view.getUint32(4, true), file.length - 8);
  equal(text(8), "WAVE");
  equal(text(12), "fmt ");
  equal(view.getUint32(16, true), 16);
  equal(view.getUint16(20, true), 1);
  equal(view.getUint16(22, true), 1);
  equal(view.getUint32(24, true), 12000);
  equal(view.getUint32(28, true), 24000);
  equal(view.getUint16(32, true), 2);
  equal(view.getUint16(34, true), 16);
  equal(text(36), "data");
  equal(view.getUint32(40, true), 16);
  const samples = Array.from(
    { length: 8 },
    (_, i) => view.getInt16(44 + 2 * i, true),
  );
  equal(samples.join(","), "0,16384,-16384,32767,-32768,32767,-32768,8192");
  equal(recorder.seconds, 8 / 12000);
});

Deno.test("WavRecorder stops at its bound", () => {
  const recorder = new WavRecorder({ sampleRate: 1000, maxSeconds: 2 });
  equal(recorder.push(new Float32Array(1500)), true);
  equal(recorder.full, false);
  equal(recorder.push(new Float32Array(1500)), false);
  equal(recorder.full, true);
  equal(recorder.push(new Float32Array(1)), false);
  equal(recorder.seconds, 2);
  equal(recorder.finish().length, 44 + 4000);
  throws(() => new WavRecorder({ sampleRate: 0 }), RangeError);
});
