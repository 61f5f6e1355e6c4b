/**
 * The page's audio: decodes the `/audio` packets (FLAC or Opus; WebCodecs
 * where the browser has it, otherwise FLAC in a Worker), puts the samples
 * through the adaptive jitter buffer ({@link PlayoutScheduler}) and a
 * streaming resampler to the sound card's rate, and plays them as
 * back-to-back `AudioBufferSourceNode`s (no AudioWorklet, which would need
 * a secure context). The S-meter and squelch come from each packet's
 * `pwr`; the graph is sources → squelch gate → volume → analyser →
 * speakers, and a recorder keeps what passes the gate.
 *
 * @module
 */

import { flacHeader, FlacStreamDecoder } from "./flac_decoder.js";
import { PlayoutScheduler } from "./jitter_buffer.js";
import { Resampler } from "./resampler.js";
import { PowerSmoother, pwrToDbm, Squelch } from "./smeter.js";
import { WavRecorder } from "./wav_recorder.js";

/** A STREAMINFO for probing WebCodecs' FLAC support (12 kHz mono 16-bit). */
function probeFlacDescription() {
  const d = new Uint8Array(42);
  d.set([0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34]);
  d[8] = 0x01; // min block 384
  d[9] = 0x80;
  d[10] = 0x01; // max block 384
  d[11] = 0x80;
  // 12000 Hz (20 bits), 1 channel, 16 bits: 0x02EE0 | 000 | 01111
  d[18] = 0x02;
  d[19] = 0xee;
  d[20] = 0x00;
  d[21] = 0xf0;
  return d;
}

/**
 * What this browser's WebCodecs can decode (nothing where `AudioDecoder` is
 * missing, as on pages that are not a secure context).
 *
 * @returns {Promise<{ flac: boolean, opus: boolean }>} Support per codec.
 *
 * @example
 * ```ts ignore
 * import { detectCodecs } from "./audio_engine.js";
 *
 * const { opus } = await detectCodecs();
 * socket.send(JSON.stringify({ cmd: "codec_caps", opus }));
 * ```
 */
export async function detectCodecs() {
  const result = { flac: false, opus: false };
  if (typeof AudioDecoder === "undefined") return result;
  try {
    result.flac = (await AudioDecoder.isConfigSupported({
      codec: "flac",
      sampleRate: 12000,
      numberOfChannels: 1,
      description: probeFlacDescription(),
    })).supported === true;
  } catch {
    result.flac = false;
  }
  try {
    result.opus = (await AudioDecoder.isConfigSupported({
      codec: "opus",
      sampleRate: 48000,
      numberOfChannels: 1,
    })).supported === true;
  } catch {
    result.opus = false;
  }
  return result;
}

/**
 * Mixes an `AudioData` to mono and closes it.
 *
 * @param {AudioData} data Decoder output.
 * @returns {Float32Array} Mono samples.
 */
function monoOf(data) {
  const frames = data.numberOfFrames;
  const channels = data.numberOfChannels;
  const out = new Float32Array(frames);
  const plane = new Float32Array(frames);
  for (let c = 0; c < channels; c++) {
    data.copyTo(plane, { planeIndex: c, format: "f32-planar" });
    for (let i = 0; i < frames; i++) out[i] += plane[i] / channels;
  }
  data.close();
  return out;
}

/**
 * The audio path.
 *
 * @example
 * ```ts ignore
 * import { AudioEngine, detectCodecs } from "./audio_engine.js";
 *
 * const engine = new AudioEngine({ codecs: await detectCodecs() });
 * engine.ensureContext();
 * engine.configure({ sps: 2048000, fft_size: 131072, audio_max_fft: 768, audio_compression: "flac" });
 * socket.onmessage = (e) => engine.packet(decodeCbor(new Uint8Array(e.data)));
 * ```
 */
export class AudioEngine {
  /**
   * @param {object} options Options.
   * @param {{ flac: boolean, opus: boolean }} options.codecs WebCodecs support.
   * @param {boolean} [options.forceJs] Decode FLAC in JavaScript even where
   *   WebCodecs could (for testing the fallback).
   * @param {() => void} [options.onRecordingFull] The recording hit its bound.
   * @param {() => void} [options.onStateChange] The AudioContext started,
   *   was suspended or closed.
   */
  constructor(options) {
    this.codecs = options.codecs;
    this.forceJs = options.forceJs ?? false;
    this.onRecordingFull = options.onRecordingFull;
    this.onStateChange = options.onStateChange;
    /** @type {AudioContext | undefined} */
    this.context = undefined;
    /** @type {AnalyserNode | undefined} */
    this.analyser = undefined;
    /** @type {GainNode | undefined} */
    this.gate = undefined;
    /** @type {GainNode | undefined} */
    this.volumeNode = undefined;
    this.volume = 0.8;
    this.muted = false;
    this.squelchDbm = -Infinity;
    this.smeterOffset = 0;
    this.level = -200;
    this.smoother = new PowerSmoother();
    this.squelch = new Squelch();
    this.scheduler = new PlayoutScheduler();
    /** @type {Resampler | undefined} */
    this.resampler = undefined;
    /** Rate of the server's audio (audio_max_fft · sps / fft_size). */
    this.trueRate = 12000;
    /** `"flac"` or `"opus"`. */
    this.codec = "flac";
    /** `"webcodecs"`, `"worker"`, `"inline"`, `"unsupported"` or `""`. */
    this.decoderKind = "";
    /** @type {AudioDecoder | undefined} */
    this.webDecoder = undefined;
    /** @type {Worker | undefined} */
    this.worker = undefined;
    /** @type {FlacStreamDecoder | undefined} */
    this.inline = undefined;
    /** Header bytes collected for WebCodecs. */
    this.header = new Uint8Array(0);
    this.headerDone = false;
    this.timestamp = 0;
    this.packets = 0;
    this.decodedChunks = 0;
    this.decodeErrors = 0;
    this.dropped = 0;
    /** @type {WavRecorder | undefined} */
    this.recorder = undefined;
    this.recordRate = 0;
    this.generation = 0;
    /** Whether the squelch gate is open (as last set on the gain node). */
    this.gateOpen = true;
  }

  /**
   * Creates the AudioContext and graph if needed.
   *
   * @returns {AudioContext} The context (may be suspended until a gesture).
   */
  ensureContext() {
    if (this.context !== undefined) return this.context;
    const context = new AudioContext({ latencyHint: "interactive" });
    context.onstatechange = () => this.onStateChange?.();
    const gate = context.createGain();
    const volume = context.createGain();
    const analyser = context.createAnalyser();
    analyser.fftSize = 8192;
    analyser.smoothingTimeConstant = 0.5;
    gate.connect(volume);
    volume.connect(analyser);
    analyser.connect(context.destination);
    this.context = context;
    this.gate = gate;
    this.volumeNode = volume;
    this.analyser = analyser;
    this.scheduler = new PlayoutScheduler({ quantum: 1 / context.sampleRate });
    this.#applyVolume();
    return context;
  }

  /**
   * Whether sound is playing (the context runs).
   *
   * @returns {boolean} Running.
   */
  get running() {
    return this.context?.state === "running";
  }

  /**
   * Resumes a suspended context (call from a user gesture).
   *
   * @returns {Promise<void>} When resumed.
   */
  async resume() {
    const context = this.ensureContext();
    if (context.state !== "running") await context.resume();
  }

  /**
   * A new `/audio` stream: its settings JSON.
   *
   * @param {Record<string, unknown>} settings The settings.
   */
  configure(settings) {
    const sps = Number(settings.sps);
    const fftSize = Number(settings.fft_size);
    const audioMaxFft = Number(settings.audio_max_fft);
    const rate = (audioMaxFft * sps) / fftSize;
    this.trueRate = Number.isFinite(rate) && rate >= 1000 && rate <= 768000
      ? rate
      : Number(settings.audio_max_sps) || 12000;
    this.smeterOffset = Number.isFinite(Number(settings.smeter_offset))
      ? Number(settings.smeter_offset)
      : 0;
    const codec = String(settings.audio_compression ?? "flac").toLowerCase();
    this.#resetStream(codec === "opus" ? "opus" : "flac");
  }

  /**
   * One `/audio` packet (decoded CBOR).
   *
   * @param {Record<string, unknown>} packet `{ frame_num, l, m, r, pwr, data, codec? }`.
   */
  packet(packet) {
    this.packets++;
    const data = packet.data;
    if (typeof packet.pwr === "number" && packet.r !== 0) {
      const smoothed = this.smoother.push(packet.pwr);
      this.level = pwrToDbm(smoothed, this.smeterOffset);
      this.#updateGate();
    }
    if (!(data instanceof Uint8Array) || data.length === 0) return;
    const codec = typeof packet.codec === "string"
      ? packet.codec.toLowerCase()
      : this.codec;
    if (codec !== this.codec && (codec === "flac" || codec === "opus")) {
      this.#resetStream(codec);
    }
    if (this.codec === "opus") this.#opus(data, packet);
    else this.#flac(data);
  }

  /**
   * @param {number} volume 0…1.
   */
  setVolume(volume) {
    this.volume = Math.max(0, Math.min(1, volume));
    this.#applyVolume();
  }

  /**
   * @param {boolean} muted Whether to mute.
   */
  setMuted(muted) {
    this.muted = muted;
    this.#applyVolume();
  }

  /**
   * @param {number} dbm Squelch threshold, dBm (-Infinity: off).
   */
  setSquelch(dbm) {
    this.squelchDbm = dbm;
    this.#updateGate();
  }

  /**
   * Whether the squelch lets audio through.
   *
   * @returns {boolean} Open.
   */
  get squelchOpen() {
    return this.squelch.open || this.squelchDbm === -Infinity;
  }

  /**
   * Audio scheduled ahead of playback plus output latency, ms.
   *
   * @returns {number} Latency.
   */
  get latencyMs() {
    const context = this.context;
    if (context === undefined) return 0;
    const output = (context.outputLatency || 0) + (context.baseLatency || 0);
    return (this.scheduler.buffered(context.currentTime) + output) * 1000;
  }

  /**
   * Whether a recording runs.
   *
   * @returns {boolean} Recording.
   */
  get recording() {
    return this.recorder !== undefined;
  }

  /** Starts recording what passes the squelch and mute. */
  startRecording() {
    this.recordRate = this.codec === "opus" ? 48000 : this.trueRate;
    this.recorder = new WavRecorder({ sampleRate: this.recordRate });
  }

  /**
   * Stops recording.
   *
   * @returns {Blob | undefined} The WAV file, if anything was recorded.
   */
  stopRecording() {
    const recorder = this.recorder;
    this.recorder = undefined;
    if (recorder === undefined || recorder.seconds === 0) return undefined;
    return new Blob([recorder.finish()], { type: "audio/wav" });
  }

  /**
   * Seconds recorded so far.
   *
   * @returns {number} Seconds.
   */
  get recordedSeconds() {
    return this.recorder?.seconds ?? 0;
  }

  /** Stops decoding and closes the context. */
  close() {
    this.#closeDecoders();
    this.context?.close().catch(() => {});
    this.context = undefined;
  }

  // ---- decoding -------------------------------------------------------

  /** @param {string} codec The stream's codec. */
  #resetStream(codec) {
    this.generation++;
    this.#closeDecoders();
    this.codec = codec;
    this.header = new Uint8Array(0);
    this.headerDone = false;
    this.timestamp = 0;
    this.smoother.reset();
    this.scheduler.reset();
    this.resampler = undefined;
    if (codec === "opus") {
      this.decoderKind = this.codecs.opus ? "webcodecs" : "unsupported";
    } else {
      this.decoderKind = this.codecs.flac && !this.forceJs
        ? "webcodecs"
        : "worker";
    }
  }

  #closeDecoders() {
    if (this.webDecoder !== undefined && this.webDecoder.state !== "closed") {
      try {
        this.webDecoder.close();
      } catch {
        // Already closed.
      }
    }
    this.webDecoder = undefined;
    this.worker?.terminate();
    this.worker = undefined;
    this.inline = undefined;
  }

  /** @param {Uint8Array} data FLAC bytes. */
  #flac(data) {
    if (this.decoderKind === "webcodecs") {
      if (!this.headerDone) {
        const joined = new Uint8Array(this.header.length + data.length);
        joined.set(this.header, 0);
        joined.set(data, this.header.length);
        this.header = joined.length <= 65536 ? joined : new Uint8Array(0);
        const header = flacHeader(this.header);
        if (header === undefined) return;
        if (header === null) {
          // Not a header WebCodecs can start from: decode in JavaScript.
          this.#fallBack(this.header);
          return;
        }
        this.headerDone = true;
        const rest = this.header.subarray(header.length);
        this.header = this.header.slice(0, header.length);
        this.#openWebDecoder(
          "flac",
          header.info.sampleRate,
          header.info.channels,
        );
        if (rest.length > 0) this.#webDecode(rest);
        return;
      }
      this.#webDecode(data);
      return;
    }
    this.#jsDecode(data);
  }

  /**
   * @param {Uint8Array} data One Opus packet.
   * @param {Record<string, unknown>} packet The packet (for `channels`).
   */
  #opus(data, packet) {
    if (this.decoderKind !== "webcodecs") {
      this.dropped++;
      return;
    }
    if (this.webDecoder === undefined) {
      const channels = packet.channels === 2 ? 2 : 1;
      this.#openWebDecoder("opus", 48000, channels);
    }
    this.#webDecode(data);
  }

  /**
   * @param {string} codec `"flac"` or `"opus"`.
   * @param {number} sampleRate Configured rate.
   * @param {number} channels Channels.
   */
  #openWebDecoder(codec, sampleRate, channels) {
    const generation = this.generation;
    const decoder = new AudioDecoder({
      output: (audio) => {
        if (generation !== this.generation) {
          audio.close();
          return;
        }
        const rate = codec === "flac" ? this.trueRate : audio.sampleRate;
        this.#play(monoOf(audio), rate);
      },
      error: () => {
        if (generation !== this.generation) return;
        this.decodeErrors++;
        if (codec === "flac") this.#fallBack(this.header);
        else this.decoderKind = "unsupported";
      },
    });
    /** @type {AudioDecoderConfig} */
    const config = { codec, sampleRate, numberOfChannels: channels };
    if (codec === "flac") config.description = this.header;
    try {
      decoder.configure(config);
    } catch {
      this.decodeErrors++;
      if (codec === "flac") this.#fallBack(this.header);
      else this.decoderKind = "unsupported";
      return;
    }
    this.webDecoder = decoder;
  }

  /** @param {Uint8Array} data One encoded chunk. */
  #webDecode(data) {
    const decoder = this.webDecoder;
    if (decoder === undefined || decoder.state !== "configured") return;
    if (decoder.decodeQueueSize > 32) {
      this.dropped++;
      return;
    }
    try {
      decoder.decode(
        new EncodedAudioChunk({
          type: "key",
          timestamp: this.timestamp,
          data,
        }),
      );
      this.timestamp += 20_000;
    } catch {
      this.decodeErrors++;
      if (this.codec === "flac") this.#fallBack(this.header);
    }
  }

  /**
   * Switches FLAC decoding to JavaScript, replaying the header.
   *
   * @param {Uint8Array} header Bytes already received.
   */
  #fallBack(header) {
    if (this.webDecoder !== undefined) {
      try {
        this.webDecoder.close();
      } catch {
        // Already closed.
      }
      this.webDecoder = undefined;
    }
    this.generation++;
    this.decoderKind = "worker";
    this.headerDone = true;
    if (header.length > 0) this.#jsDecode(header.slice());
  }

  /** @param {Uint8Array} data FLAC bytes. */
  #jsDecode(data) {
    if (this.worker === undefined && this.inline === undefined) {
      this.#startWorker();
    }
    if (this.worker !== undefined) {
      const copy = data.slice();
      this.worker.postMessage({ type: "data", bytes: copy }, [copy.buffer]);
      return;
    }
    const inline = /** @type {FlacStreamDecoder} */ (this.inline);
    for (const frame of inline.push(data)) {
      this.#play(frame.channels[0], this.trueRate);
    }
  }

  #startWorker() {
    const generation = this.generation;
    try {
      const worker = new Worker(new URL("./audio_worker.js", import.meta.url), {
        type: "module",
      });
      worker.onmessage = (event) => {
        if (generation !== this.generation) return;
        const message = event.data;
        if (message?.type === "frame") {
          this.#play(message.samples, this.trueRate);
        } else if (message?.type === "counters") {
          this.decodeErrors = message.errors;
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        if (generation !== this.generation) return;
        // The Worker cannot run here: decode on the page.
        this.worker?.terminate();
        this.worker = undefined;
        this.inline = new FlacStreamDecoder();
        this.decoderKind = "inline";
      };
      this.worker = worker;
      this.decoderKind = "worker";
    } catch {
      this.inline = new FlacStreamDecoder();
      this.decoderKind = "inline";
    }
  }

  // ---- playback -------------------------------------------------------

  /**
   * Schedules decoded samples.
   *
   * @param {Float32Array} samples Mono samples.
   * @param {number} rate Their sample rate.
   */
  #play(samples, rate) {
    this.decodedChunks++;
    if (this.recorder !== undefined) {
      if (Math.abs(rate - this.recordRate) > 1) {
        this.onRecordingFull?.();
      } else {
        const pass = !this.muted && this.squelchOpen;
        const ok = this.recorder.push(
          pass ? samples : new Float32Array(samples.length),
        );
        if (!ok) this.onRecordingFull?.();
      }
    }
    const context = this.context;
    if (context === undefined || context.state !== "running") {
      this.dropped++;
      return;
    }
    const decision = this.scheduler.schedule(
      samples.length / rate,
      context.currentTime,
      performance.now() / 1000,
    );
    if (decision.action === "drop") return;
    if (
      this.resampler === undefined || this.resampler.inputRate !== rate ||
      this.resampler.outputRate !== context.sampleRate
    ) {
      this.resampler = new Resampler({
        inputRate: rate,
        outputRate: context.sampleRate,
      });
    }
    const out = this.resampler.process(samples, decision.rate);
    if (out.length === 0) return;
    const buffer = context.createBuffer(1, out.length, context.sampleRate);
    buffer.copyToChannel(out, 0);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(/** @type {GainNode} */ (this.gate));
    source.onended = () => source.disconnect();
    source.start(Math.max(decision.at, context.currentTime));
    this.scheduler.settle(decision.at, out.length / context.sampleRate);
  }

  #applyVolume() {
    const node = this.volumeNode;
    if (node === undefined || this.context === undefined) return;
    const gain = this.muted ? 0 : this.volume * this.volume;
    node.gain.setTargetAtTime(gain, this.context.currentTime, 0.02);
  }

  #updateGate() {
    const open = this.squelch.update(this.level, this.squelchDbm);
    const gate = this.gate;
    if (gate === undefined || this.context === undefined) return;
    if (open === this.gateOpen) return;
    this.gateOpen = open;
    gate.gain.setTargetAtTime(open ? 1 : 0, this.context.currentTime, 0.01);
  }
}
