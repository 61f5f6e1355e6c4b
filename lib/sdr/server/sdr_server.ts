/**
 * `shack sdr serve`'s running engine: a WebSDR backend wire-compatible with
 * PhantomSDR/PhantomSDR+ (sdr-phantomsdr.md §2), on one HTTP port.
 *
 * Data flow: the source's bytes are converted on the main thread and written
 * into a `SampleRing` ({@linkcode SamplePump}); the DSP Worker
 * ({@linkcode DspWorkerClient}) runs the big FFT, the waterfall levels and
 * every listener's audio chain and posts one frame per hop; the main thread
 * only encodes (FLAC or Opus per `/audio` connection, CBOR + zstd per
 * `/waterfall` connection) and sends. The main thread never runs the big
 * FFT.
 *
 * Sockets, as the original frontend expects them:
 * - `/audio` and `/waterfall` send the settings JSON as their first (text)
 *   frame; `/audio` then sends the FLAC header packets (`r = 0`) and one
 *   CBOR packet per FFT frame (`l = 0`, `m` = carrier bin, `r` = width,
 *   `pwr`); `/waterfall` sends one zstd-flushed CBOR line every `skip`
 *   frames for the client's zoom level and window.
 *   With `audioCompression: "opus"` (sv1btl), `/audio` sends raw 20 ms Opus
 *   packets instead, each in the same CBOR packet plus `"codec": "opus"`; a
 *   client may choose with `codec_caps` (`opus: false` gets FLAC) or
 *   `set_codec` (`flac` or `opus`), and a switch to FLAC resends the FLAC
 *   header (packets with `"codec": "flac"`).
 * - `/events` sends the full state on open, then a delta every
 *   `eventsIntervalMs` when something changed (`[-1, -1, -1]` for a
 *   departed listener).
 * - `/chat` (when enabled; otherwise refused with 403) speaks PhantomSDR+
 *   v2's JSON dialect ({@linkcode ChatRoom}); `/server-info.json` says who
 *   runs the station and whether chat is on.
 * - Commands are parsed with `parseCommand`; invalid, oversized, binary or
 *   rate-limited ones are ignored and counted.
 *
 * A slow client never delays the others: before a frame is encoded for a
 * connection whose `bufferedAmount` is over `maxBufferedBytes`, the frame
 * is dropped for that connection and counted (a compressed waterfall
 * message is always sent once made, since the zstd stream needs every
 * chunk). Everything that grows with clients is bounded by `limits`; each
 * address is held to `ipLimits` ({@linkcode IpGuard}: sockets, listeners,
 * new sockets per minute, temporary bans), refused upgrades get 429 with
 * `Retry-After`. {@linkcode SdrServer.reload} replaces the limits, the chat
 * settings and the station's description while running (open connections
 * stay). `close()` closes every socket and stops the Worker within a
 * second.
 *
 * @module
 */

import { TokenBucket } from "../../core/bounded/token_bucket.ts";
import { CompressionCache } from "../../core/http/compression_cache.ts";
import { DirectorySource } from "../../core/http/directory_source.ts";
import type { FileSource } from "../../core/http/file_source.ts";
import type { HealthReport, HealthStatus } from "../../core/http/health.ts";
import {
  type HttpContext,
  type HttpServerHandle,
  startHttpServer,
} from "../../core/http/server.ts";
import { serveStatic } from "../../core/http/static_files.ts";
import { isWebSocketRequest } from "../../core/http/websocket.ts";
import {
  createWsSendCounters,
  type WsSendCounters,
} from "../../core/http/websocket_send.ts";
import type { Logger } from "../../core/log.ts";
import { Registry } from "../../core/metrics.ts";
import { SampleRing } from "../../core/ring/sample_ring.ts";
import { AGC_PRESETS, type AgcSettings } from "../audio/post.ts";
import type { FftBackendName } from "../fft/fft_backend.ts";
import type { SampleSource, SourceEnd } from "../sources/source.ts";
import { type SpectrumLayout, spectrumLayout } from "../spectrum_layout.ts";
import {
  defaultWaterfallWindow,
  selectWaterfallLevel,
  waterfallLevelCount,
} from "../waterfall.ts";
import { webClientSource } from "../web/web_client.ts";
import {
  encodeAudioHeaderPackets,
  encodeAudioPacket,
} from "../wire/audio_packet.ts";
import {
  type Command,
  type Demodulation,
  parseCommand,
} from "../wire/commands.ts";
import { type EventsCounts, EventsState } from "../wire/events_message.ts";
import { FlacEncoder } from "../wire/flac_encoder.ts";
import { OpusEncoder, type OpusEncoderOptions } from "../wire/opus_encoder.ts";
import { loadOpus } from "../wire/opus_module.ts";
import { ChatHistory } from "../chat/chat_history.ts";
import { ChatRoom } from "../chat/chat_room.ts";
import { buildServerInfoJson, type SdrServerInfo } from "./server_info.ts";
import { IpGuard, type IpLimits } from "./ip_guard.ts";
import {
  buildSettingsJson,
  type SettingsDefaults,
  type SettingsJsonOptions,
} from "../wire/settings_json.ts";
import {
  WaterfallCompressor,
  type WaterfallCompressorOptions,
} from "../wire/waterfall_compressor.ts";
import { MAX_WATERFALL_SIZE } from "../wire/waterfall_packet.ts";
import {
  ConnectionLimits,
  MAX_CONNECTIONS_PER_KIND,
  SDR_SOCKET_KINDS,
  type SdrLimits,
  type SdrSocketKind,
} from "./connection_limits.ts";
import { defaultWindow } from "./default_window.ts";
import type { DspFrameMessage, DspListenerSettings } from "./dsp_engine.ts";
import { DspWorkerClient } from "./dsp_worker_client.ts";
import { SamplePump } from "./sample_pump.ts";

/**
 * Options of {@linkcode SdrServer.start}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SyntheticSource } from "../sources/synthetic_source.ts";
 * import type { SdrServerOptions } from "./sdr_server.ts";
 *
 * const options: SdrServerOptions = {
 *   source: new SyntheticSource(),
 *   port: 9002,
 *   fftSize: 131072,
 *   waterfallSize: 1024,
 *   limits: { audio: 100 },
 * };
 * equal(options.port, 9002);
 * ```
 */
export interface SdrServerOptions {
  /**
   * The sample source, not started yet: the server starts it with its own
   * signal and closes it in `close()`. Its `sps`, `frequency`, `signal` and
   * `format` define the receiver.
   */
  source: SampleSource;
  /** Address to listen on (default `0.0.0.0`). */
  hostname?: string;
  /** Port (PhantomSDR's default is 9002; 0 picks a free one). */
  port: number;
  /** `[input] fft_size` (default 131072). */
  fftSize?: number;
  /** `[input] audio_sps` (default 12000). */
  audioSps?: number;
  /** `[input] waterfall_size` (default 1024, at most `MAX_WATERFALL_SIZE`). */
  waterfallSize?: number;
  /** `[input] brightness_offset` (default 0). */
  brightnessOffset?: number;
  /** `[input.defaults] frequency` in Hz (default −1: the centre). */
  defaultFrequency?: number;
  /** `[input.defaults] modulation` (default `"USB"`). */
  defaultModulation?: string;
  /** `[server] html_root`: the frontend's files (default: shack's embedded web client). */
  htmlRoot?: string;
  /** Connection limits. */
  limits?: SdrLimits;
  /**
   * Per-address limits and bans ({@linkcode IpGuard}; default: none, only
   * `limits.perIp` per socket kind). Give all five fields: an absent one
   * takes `IpGuard`'s default.
   */
  ipLimits?: IpLimits;
  /**
   * `[input] audio_compression`: the codec of new `/audio` connections
   * (default `"flac"`; `"opus"` falls back to FLAC if libopus cannot load).
   */
  audioCompression?: AudioCodec;
  /** Opus settings (default 80 kb/s, complexity 5). */
  opus?: Omit<OpusEncoderOptions, "sampleRate">;
  /** `/chat` (default: not served). */
  chat?: SdrChatOptions;
  /** `/server-info.json` (default: a placeholder description). */
  serverInfo?: SdrServerInfo;
  /**
   * Drop a frame for a connection whose `bufferedAmount` is above this
   * (default 131072; PhantomSDR uses 50000).
   */
  maxBufferedBytes?: number;
  /** `[server] otherusers`: publish listeners' windows on `/events` (default true). */
  showOtherUsers?: boolean;
  /** Plus: `smeter_offset` in the settings JSON (sent when given). */
  smeterOffset?: number;
  /** sv1btl: `analog_smeter_offset` (sent when given). */
  analogSmeterOffset?: number;
  /** Plus: `grid_locator` (sent when given). */
  gridLocator?: string;
  /** Plus: `markers`, a JSON string `{"markers":[…]}` (sent when given). */
  markers?: string;
  /** sv1btl: send `client_id` in the `/audio` settings (default true). */
  sendClientId?: boolean;
  /** `/events` tick, ms (default 1000). */
  eventsIntervalMs?: number;
  /** Plus: stats-only `/events` message at least this often, ms (default 0: never). */
  eventsStatsIntervalMs?: number;
  /**
   * Take the client address for the per-address limit from `X-Real-IP`, or
   * else the last `X-Forwarded-For` entry (what the proxy in front saw),
   * instead of the socket's peer (default false: only behind a trusted
   * reverse proxy, which would otherwise make every client one address).
   */
  trustForwardedFor?: boolean;
  /** WebSocket keep-alive (default 30 s; 0 disables). */
  idleTimeoutSeconds?: number;
  /** Longest accepted command, characters (default 1024). */
  maxCommandLength?: number;
  /** Commands per second per connection (default 20, bursts of 40). */
  commandsPerSecond?: number;
  /** Seconds of samples the ring holds (default 0.25; at least 4 hops). */
  ringSeconds?: number;
  /** Force an FFT backend in the Worker. */
  backend?: FftBackendName;
  /** Settings of every listener's audio chain. */
  listener?: DspListenerSettings;
  /** zstd settings of the `/waterfall` connections. */
  waterfallCompression?: WaterfallCompressorOptions;
  /** Start the Worker from this URL instead of the embedded bundle (development). */
  workerUrl?: string | URL;
  /** Pause before restarting a failed DSP Worker, ms (default 1000). */
  workerRestartDelayMs?: number;
  /** Log lines (connections are logged at debug level). */
  logger?: Logger;
  /** Aborting it closes the server. */
  signal?: AbortSignal;
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
}

/**
 * An `/audio` codec this server sends.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { AudioCodec } from "./sdr_server.ts";
 *
 * const codec: AudioCodec = "opus";
 * equal(codec, "opus");
 * ```
 */
export type AudioCodec = "flac" | "opus";

/**
 * The `/chat` socket of {@linkcode SdrServerOptions}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrChatOptions } from "./sdr_server.ts";
 *
 * const chat: SdrChatOptions = { enabled: true, historyFile: "/var/lib/shack/chat_history.json" };
 * equal(chat.maxSockets, undefined);
 * ```
 */
export interface SdrChatOptions {
  /** Serve `/chat` (`[websdr] chat_enabled`; default true). */
  enabled?: boolean;
  /** Keep the last 20 messages in this file (default: memory only). */
  historyFile?: string;
  /** Words masked with `*` (default: a short built-in list). */
  maskedWords?: readonly string[];
  /** Most chat sockets (default 200). */
  maxSockets?: number;
  /** Messages per minute per socket (default 12, bursts of 4). */
  messagesPerMinute?: number;
}

/**
 * What {@linkcode SdrServer.reload} can change while running; absent
 * fields stay as they are.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrServerReload } from "./sdr_server.ts";
 *
 * const changes: SdrServerReload = { limits: { audio: 50 }, chatEnabled: false };
 * equal(changes.limits?.audio, 50);
 * ```
 */
export interface SdrServerReload {
  /** Connection limits (new connections obey them). */
  limits?: SdrLimits;
  /** Per-address limits (bans in force stay). */
  ipLimits?: IpLimits;
  /** Whether to trust `X-Real-IP` / `X-Forwarded-For`. */
  trustForwardedFor?: boolean;
  /** Serve `/chat` to new sockets (open chat sockets stay). */
  chatEnabled?: boolean;
  /** Words masked in chat messages from now on. */
  chatMaskedWords?: readonly string[];
  /** `/server-info.json`. */
  serverInfo?: SdrServerInfo;
  /** The settings JSON's `grid_locator` for new clients. */
  gridLocator?: string;
  /** The codec of new `/audio` connections. */
  audioCompression?: AudioCodec;
}

/**
 * One connection, as {@linkcode SdrServer.clients} reports it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrClientInfo } from "./sdr_server.ts";
 *
 * const info: SdrClientInfo = {
 *   id: "3fa8…", socket: "audio", ip: "192.0.2.1", userid: "", framesSent: 10,
 *   framesDropped: 0, bytesOut: 2048, commandsRejected: 0,
 * };
 * equal(info.socket, "audio");
 * ```
 */
export interface SdrClientInfo {
  /** Server-chosen id (the `/events` key for audio clients). */
  id: string;
  /** Socket kind. */
  socket: SdrSocketKind;
  /** Remote address. */
  ip: string;
  /** The client's `userid`, if it sent one. */
  userid: string;
  /** Frames sent. */
  framesSent: number;
  /** Frames dropped for this connection. */
  framesDropped: number;
  /** Bytes sent. */
  bytesOut: number;
  /** Commands rejected (invalid, oversized, binary, rate-limited). */
  commandsRejected: number;
}

/**
 * Counters of a socket kind.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrSocketStats } from "./sdr_server.ts";
 *
 * const stats: SdrSocketStats = {
 *   clients: 1, accepted: 2, refused: { limit: 1 }, framesSent: 10,
 *   framesDropped: { backpressure: 0 }, bytesOut: 2048, commands: 3,
 *   commandsRejected: { too_long: 1 },
 * };
 * equal(stats.refused.limit, 1);
 * ```
 */
export interface SdrSocketStats {
  /** Open connections. */
  clients: number;
  /** Connections accepted since start. */
  accepted: number;
  /**
   * Connections refused, by reason (`limit`, `per_ip`, `upgrade`,
   * `closing`, and the per-address `banned`, `rate`, `sockets`,
   * `listeners`; for `/chat` also `disabled`, `full`).
   */
  refused: Record<string, number>;
  /** Frames sent. */
  framesSent: number;
  /** Frames dropped, by reason (`backpressure`, `not_open`, `send_failed`, `compressor_busy`). */
  framesDropped: Record<string, number>;
  /** Bytes sent. */
  bytesOut: number;
  /** Commands accepted. */
  commands: number;
  /** Commands rejected, by reason (`parseCommand` reasons, `binary`, `rate_limited`). */
  commandsRejected: Record<string, number>;
}

/**
 * A snapshot of {@linkcode SdrServer.stats}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SdrServerStats } from "./sdr_server.ts";
 *
 * function overflowing(stats: SdrServerStats): boolean {
 *   return stats.ringOverflowSamples > 0;
 * }
 * equal(typeof overflowing, "function");
 * ```
 */
export interface SdrServerStats {
  /** Samples read from the source. */
  inputSamples: number;
  /** Samples per second over the last events tick. */
  inputSamplesPerSecond: number;
  /** Samples the ring could not take (DSP too slow). */
  ringOverflowSamples: number;
  /** Frames received from the DSP Worker. */
  dspFrames: number;
  /** DSP Worker restarts. */
  dspRestarts: number;
  /** Per socket kind. */
  sockets: Record<SdrSocketKind, SdrSocketStats>;
  /** `/chat`. */
  chat: {
    clients: number;
    accepted: number;
    refused: Record<string, number>;
    messages: number;
    rejected: Record<string, number>;
  };
  /** Per-address refusals and bans. */
  ip: ReturnType<IpGuard["stats"]>;
  /** `/audio` connections per codec now. */
  codecs: Record<AudioCodec, number>;
}

interface Connection {
  kind: SdrSocketKind;
  id: string;
  ip: string;
  socket: WebSocket;
  open: boolean;
  userid: string;
  framesSent: number;
  framesDropped: number;
  bytesOut: number;
  commandsRejected: number;
  bucket: TokenBucket;
}

interface AudioConnection extends Connection {
  kind: "audio";
  listenerId: number;
  codec: AudioCodec;
  /** Write `codec` in every packet (after a switch, or when Opus is the default). */
  codecField: boolean;
  /** The codec chosen with `set_codec` (wins over `codec_caps`). */
  chosen: AudioCodec | undefined;
  /** Whether the client can decode Opus (`codec_caps`), if it said. */
  opusCapable: boolean | undefined;
  /** Frames were dropped since the last encode (Opus restarts cleanly). */
  gap: boolean;
  encoder: FlacEncoder | undefined;
  opus: OpusEncoder | undefined;
  l: number;
  m: number;
  r: number;
  mode: string;
  muted: boolean;
}

interface WaterfallConnection extends Connection {
  kind: "waterfall";
  compressor: WaterfallCompressor;
  level: number;
  l: number;
  r: number;
}

type AnyConnection = AudioConnection | WaterfallConnection | Connection;

interface SocketCounters {
  accepted: number;
  refused: Record<string, number>;
  send: WsSendCounters;
  compressorBusy: number;
  commands: number;
  rejected: Record<string, number>;
}

/** No per-address limits or bans. */
const IP_LIMITS_OFF: IpLimits = Object.freeze({
  sockets: 0,
  listeners: 0,
  connectionsPerMinute: 0,
  banAfter: 0,
  banSeconds: 0,
});

/** What an IPv4 or IPv6 address written by a proxy may look like. */
const ADDRESS_TEXT = /^[0-9A-Fa-f:.]{2,45}$/;

const PATHS: Readonly<Record<string, SdrSocketKind>> = {
  "/audio": "audio",
  "/waterfall": "waterfall",
  "/events": "events",
};

/** Demodulators this server implements (`AM-S` is not one). */
const DEMODULATIONS: readonly Demodulation[] = [
  "USB",
  "LSB",
  "AM",
  "FM",
  "SAM",
  "AM-ENV",
];

const STAGE_BUCKETS = [
  0.0001,
  0.00025,
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
];

/**
 * A running PhantomSDR-compatible server.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SyntheticSource } from "../sources/synthetic_source.ts";
 * import { SdrServer } from "./sdr_server.ts";
 *
 * const server = await SdrServer.start({
 *   source: new SyntheticSource({ sps: 96000, frequency: 7_100_000 }),
 *   hostname: "127.0.0.1", port: 0, fftSize: 2048, waterfallSize: 256,
 * });
 * const socket = new WebSocket(`ws://127.0.0.1:${server.addr.port}/waterfall`);
 * const first = await new Promise<MessageEvent>((resolve) => socket.onmessage = resolve);
 * equal(JSON.parse(first.data).fft_size, 2048);
 * socket.close();
 * await new Promise((resolve) => socket.onclose = resolve);
 * await server.close();
 * ```
 */
export class SdrServer {
  /** The receiver's layout (the settings JSON values). */
  readonly layout: SpectrumLayout;
  /** The settings JSON `defaults`. */
  readonly defaults: SettingsDefaults;
  /** Frames between waterfall lines. */
  readonly skip: number;
  /** Waterfall zoom levels. */
  readonly levels: number;
  /** `/metrics`. */
  readonly metrics: Registry;
  /** Resolves when the source's loop has ended, with how it ended. */
  readonly sourceEnded: Promise<SourceEnd | undefined>;

  #options: SdrServerOptions;
  #now: () => number;
  #startedAt: number;
  #source: SampleSource;
  #ring: SampleRing;
  #pump: SamplePump;
  #dsp: DspWorkerClient;
  #http!: HttpServerHandle;
  #abort: AbortController;
  #limits: ConnectionLimits;
  #events: EventsState;
  #files: FileSource;
  #compression = new CompressionCache();
  #settings: SettingsJsonOptions;
  #waterfallSettings: string;
  #waterfallSize: number;
  #maxBuffered: number;
  #maxCommand: number;
  #commandRate: number;
  #ipGuard: IpGuard;
  #trustForwardedFor: boolean;
  #audioCodec: AudioCodec;
  #opusAvailable: boolean;
  #chat: ChatRoom;
  #chatEnabled: boolean;
  #chatCounters = { accepted: 0, refused: {} as Record<string, number> };
  #serverInfo: SdrServerInfo;
  #audio = new Map<number, AudioConnection>();
  #waterfall = new Set<WaterfallConnection>();
  #eventSockets = new Set<Connection>();
  #nextListenerId = 1;
  #counters: Record<SdrSocketKind, SocketCounters>;
  #dspFrames = 0;
  #eventsTimer: ReturnType<typeof setInterval> | undefined;
  #spansTimer: ReturnType<typeof setTimeout> | undefined;
  #lastSpans = "";
  #tickAt: number;
  #tickSamples = 0;
  #tickOverflow = 0;
  #tickBytes: Record<SdrSocketKind, number> = {
    audio: 0,
    waterfall: 0,
    events: 0,
  };
  #inputRate = 0;
  #overflowing = false;
  #kbits: Record<SdrSocketKind, number> = { audio: 0, waterfall: 0, events: 0 };
  #sourceEnd: SourceEnd | undefined;
  #sourceDone = false;
  #closing: Promise<void> | undefined;
  #unlisten: (() => void) | undefined;
  #log: Logger | undefined;
  #stages!: ReturnType<Registry["histogram"]>;

  private constructor(
    options: SdrServerOptions,
    layout: SpectrumLayout,
    settings: SettingsJsonOptions,
    ring: SampleRing,
    dsp: DspWorkerClient,
    pump: SamplePump,
    limits: ConnectionLimits,
    abort: AbortController,
    ipGuard: IpGuard,
    chat: ChatRoom,
    opusAvailable: boolean,
  ) {
    this.#options = options;
    this.#ipGuard = ipGuard;
    this.#chat = chat;
    this.#opusAvailable = opusAvailable;
    this.#trustForwardedFor = options.trustForwardedFor ?? false;
    this.#audioCodec = options.audioCompression === "opus" && opusAvailable
      ? "opus"
      : "flac";
    this.#chatEnabled = options.chat !== undefined &&
      (options.chat.enabled ?? true);
    this.#serverInfo = options.serverInfo ?? {
      serverName: "shack",
      location: options.gridLocator ?? "",
      operator: "",
      email: "",
    };
    this.#abort = abort;
    this.#now = options.now ?? (() => performance.now());
    this.#startedAt = this.#now();
    this.#tickAt = this.#startedAt;
    this.#log = options.logger;
    this.#source = options.source;
    this.layout = layout;
    this.defaults = settings.defaults;
    this.#ring = ring;
    this.#dsp = dsp;
    this.#pump = pump;
    this.#limits = limits;
    this.skip = dsp.skip;
    this.levels = dsp.levels;
    this.#waterfallSize = options.waterfallSize ?? 1024;
    this.#maxBuffered = options.maxBufferedBytes ?? 131072;
    this.#maxCommand = options.maxCommandLength ?? 1024;
    this.#commandRate = options.commandsPerSecond ?? 20;
    this.#events = new EventsState({
      maxClients: MAX_CONNECTIONS_PER_KIND,
      showOtherUsers: options.showOtherUsers ?? true,
      statsIntervalMs: options.eventsStatsIntervalMs ?? 0,
      now: this.#now,
    });
    this.#files = options.htmlRoot !== undefined
      ? new DirectorySource(options.htmlRoot)
      : webClientSource();
    this.#settings = settings;
    this.#waterfallSettings = buildSettingsJson(settings);
    const counters = {} as Record<SdrSocketKind, SocketCounters>;
    for (const kind of SDR_SOCKET_KINDS) {
      counters[kind] = {
        accepted: 0,
        refused: {},
        send: createWsSendCounters(),
        compressorBusy: 0,
        commands: 0,
        rejected: {},
      };
    }
    this.#counters = counters;
    this.metrics = this.#registry();
    this.sourceEnded = pump.run().then((end) => {
      this.#sourceDone = true;
      this.#sourceEnd = end;
      if (!this.#abort.signal.aborted) {
        this.#log?.warn("source ended", {
          reason: end?.reason,
          message: end?.message,
        });
      }
      return end;
    }, (error) => {
      this.#sourceDone = true;
      this.#sourceEnd = {
        reason: "error",
        message: `Source loop failed: ${String(error)}`,
        error,
      };
      this.#log?.error("source loop failed", { error });
      return this.#sourceEnd;
    });
  }

  /**
   * Starts the DSP Worker, the source, the HTTP server and the `/events`
   * timer.
   *
   * @param options Source, port, receiver settings and limits.
   * @returns The running server.
   * @throws {RangeError} For an unsupported layout, waterfall size, default
   * frequency or limit.
   * @throws {Error} If the DSP Worker cannot start, or what the source's
   * `start()` or `Deno.serve` throws (`SampleSourceError`,
   * `Deno.errors.AddrInUse`).
   */
  static async start(options: SdrServerOptions): Promise<SdrServer> {
    const source = options.source;
    const fftSize = options.fftSize ?? 131072;
    const layout = spectrumLayout({
      sps: source.sps,
      frequency: source.frequency,
      fftSize,
      signal: source.signal,
      audioSps: options.audioSps ?? 12000,
    });
    const waterfallSize = options.waterfallSize ?? 1024;
    if (waterfallSize > MAX_WATERFALL_SIZE) {
      throw new RangeError(
        `Expected a waterfall size of at most ${MAX_WATERFALL_SIZE}, found ${waterfallSize}`,
      );
    }
    waterfallLevelCount(layout.fftResultSize, waterfallSize);
    const defaults = defaultWindow(
      layout,
      options.defaultFrequency,
      options.defaultModulation,
    );
    const limits = new ConnectionLimits(options.limits);
    const ipGuard = new IpGuard(options.ipLimits ?? IP_LIMITS_OFF, {
      ...(options.now ? { now: options.now } : {}),
    });
    const opusAvailable = options.audioCompression === "opus"
      ? loadOpus()
      : true;
    if (!opusAvailable) {
      options.logger?.warn("opus unavailable, sending flac");
    }
    const settings: SettingsJsonOptions = {
      sps: source.sps,
      audioMaxSps: options.audioSps ?? 12000,
      audioMaxFft: layout.audioFftSize,
      fftSize: layout.fftSize,
      fftResultSize: layout.fftResultSize,
      waterfallSize,
      basefreq: layout.basefreq,
      totalBandwidth: layout.totalBandwidth,
      defaults,
      audioCompression: options.audioCompression === "opus" && opusAvailable
        ? "opus"
        : "flac",
      ...(options.gridLocator !== undefined
        ? { gridLocator: options.gridLocator }
        : {}),
      ...(options.smeterOffset !== undefined
        ? { smeterOffset: options.smeterOffset }
        : {}),
      ...(options.markers !== undefined ? { markers: options.markers } : {}),
      ...(options.analogSmeterOffset !== undefined
        ? { analogSmeterOffset: options.analogSmeterOffset }
        : {}),
    };
    buildSettingsJson(settings); // throws RangeError for a bad field, before anything starts
    const values = source.signal === "iq" ? 2 : 1;
    const ringSeconds = options.ringSeconds ?? 0.25;
    const ringFloats = Math.max(
      4 * layout.hopFloats,
      Math.ceil(ringSeconds * source.sps * values),
    );
    const ring = SampleRing.create(2 ** Math.ceil(Math.log2(ringFloats)));
    const pump = new SamplePump(source, ring);
    const ref: { server?: SdrServer } = {};
    const dsp = await DspWorkerClient.start({
      engine: {
        sps: source.sps,
        frequency: source.frequency,
        fftSize,
        signal: source.signal,
        audioSps: options.audioSps ?? 12000,
        waterfallSize,
        brightnessOffset: options.brightnessOffset ?? 0,
        maxListeners: MAX_CONNECTIONS_PER_KIND,
        ...(options.backend ? { backend: options.backend } : {}),
        ...(options.listener ? { listener: options.listener } : {}),
      },
      ring,
      onFrame: (frame) => {
        if (ref.server !== undefined) ref.server.#onFrame(frame);
      },
      onRefused: (id) => {
        if (ref.server !== undefined) ref.server.#onRefused(id);
      },
      onError: (error) => options.logger?.error("dsp worker failed", { error }),
      ...(options.workerUrl !== undefined
        ? { workerUrl: options.workerUrl }
        : {}),
      ...(options.workerRestartDelayMs !== undefined
        ? { restartDelayMs: options.workerRestartDelayMs }
        : {}),
    });
    const chatOptions = options.chat ?? {};
    const log = options.logger;
    const chat = new ChatRoom({
      history: await ChatHistory.load({
        ...(chatOptions.historyFile ? { file: chatOptions.historyFile } : {}),
        onWarning: (message) => log?.warn("chat history", { message }),
      }),
      ...(chatOptions.maskedWords
        ? { maskedWords: chatOptions.maskedWords }
        : {}),
      ...(chatOptions.maxSockets ? { maxSockets: chatOptions.maxSockets } : {}),
      ...(chatOptions.messagesPerMinute
        ? { messagesPerMinute: chatOptions.messagesPerMinute }
        : {}),
      ...(log ? { logger: log } : {}),
    });
    const abort = new AbortController();
    try {
      await source.start(abort.signal);
    } catch (error) {
      await dsp.stop();
      throw error;
    }
    let server: SdrServer;
    try {
      server = new SdrServer(
        options,
        layout,
        settings,
        ring,
        dsp,
        pump,
        limits,
        abort,
        ipGuard,
        chat,
        opusAvailable,
      );
      ref.server = server;
      server.#http = startHttpServer({
        hostname: options.hostname ?? "0.0.0.0",
        port: options.port,
        service: "sdr",
        // Bounded by `limits` per kind; sized for the highest a reload may set.
        maxConnections: 3 * MAX_CONNECTIONS_PER_KIND +
          (chatOptions.maxSockets ?? 200),
        shutdownDeadlineMs: 700,
        handler: (request, context) => server.#handle(request, context),
        routes: {
          healthz: () => server.health(),
          metrics: server.metrics,
        },
        onError: (error, context) =>
          options.logger?.warn("http error", { context, error }),
      });
    } catch (error) {
      abort.abort();
      source.close();
      await dsp.stop();
      throw error;
    }
    server.#eventsTimer = setInterval(
      () => server.#tick(),
      options.eventsIntervalMs ?? 1000,
    );
    if (options.signal !== undefined) {
      const signal = options.signal;
      const onAbort = () => server.close();
      signal.addEventListener("abort", onAbort, { once: true });
      server.#unlisten = () => signal.removeEventListener("abort", onAbort);
      if (signal.aborted) server.close();
    }
    options.logger?.info("sdr server listening", {
      port: server.#http.addr.port,
      sps: source.sps,
      fftSize,
      backend: dsp.backend,
      source: source.kind,
    });
    return server;
  }

  /** The address listened on (the real port when 0 was asked). */
  get addr(): Deno.NetAddr {
    return this.#http.addr;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** The FFT backend of the DSP Worker. */
  get backend(): string {
    return this.#dsp.backend;
  }

  /**
   * The `/healthz` report: failing when the source has ended or the DSP
   * Worker is down, degraded while the ring overflows.
   *
   * @returns The report.
   */
  health(): HealthReport {
    const end = this.#sourceEnd;
    const sourceStatus: HealthStatus = this.#sourceDone ? "failing" : "ok";
    const dspStatus: HealthStatus = !this.#dsp.ready
      ? "failing"
      : this.#overflowing
      ? "degraded"
      : "ok";
    const worst: HealthStatus = sourceStatus === "failing" ||
        dspStatus === "failing"
      ? "failing"
      : dspStatus;
    return {
      status: worst,
      service: "sdr",
      uptimeSeconds: Math.round((this.#now() - this.#startedAt) / 1000),
      checks: {
        source: {
          status: sourceStatus,
          kind: this.#source.kind,
          sps: this.#source.sps,
          samplesPerSecond: Math.round(this.#inputRate),
          ...(end ? { message: end.message, reason: end.reason } : {}),
        },
        dsp: {
          status: dspStatus,
          backend: this.#dsp.backend,
          frames: this.#dspFrames,
          restarts: this.#dsp.counters.restarts,
          ringOverflowSamples: this.#overflowSamples(),
        },
        clients: {
          status: "ok",
          audio: this.#limits.count("audio"),
          waterfall: this.#limits.count("waterfall"),
          events: this.#limits.count("events"),
        },
      },
    };
  }

  /**
   * Counters for tests and tools.
   *
   * @returns A snapshot.
   */
  stats(): SdrServerStats {
    const sockets = {} as Record<SdrSocketKind, SdrSocketStats>;
    for (const kind of SDR_SOCKET_KINDS) {
      const c = this.#counters[kind];
      sockets[kind] = {
        clients: this.#limits.count(kind),
        accepted: c.accepted,
        refused: { ...c.refused },
        framesSent: c.send.sent,
        framesDropped: this.#drops(kind),
        bytesOut: c.send.sentBytes,
        commands: c.commands,
        commandsRejected: { ...c.rejected },
      };
    }
    const chat = this.#chat.stats();
    return {
      inputSamples: this.#pump.counters.samples,
      inputSamplesPerSecond: this.#inputRate,
      ringOverflowSamples: this.#overflowSamples(),
      dspFrames: this.#dspFrames,
      dspRestarts: this.#dsp.counters.restarts,
      sockets,
      chat: {
        clients: chat.sockets,
        accepted: this.#chatCounters.accepted,
        refused: { ...this.#chatCounters.refused },
        messages: chat.messages,
        rejected: chat.rejected,
      },
      ip: this.#ipGuard.stats(),
      codecs: this.#codecCounts(),
    };
  }

  /** The chat room (history, counters). */
  get chat(): ChatRoom {
    return this.#chat;
  }

  /** The per-address guard (its limits, counters, bans). */
  get ipGuard(): IpGuard {
    return this.#ipGuard;
  }

  /** Current connection limits. */
  get limits(): Readonly<Record<SdrSocketKind, number>> {
    return this.#limits.max;
  }

  /** Whether `/chat` accepts new sockets. */
  get chatEnabled(): boolean {
    return this.#chatEnabled;
  }

  /** The codec of new `/audio` connections. */
  get audioCompression(): AudioCodec {
    return this.#audioCodec;
  }

  /**
   * Applies changed settings while running (SIGHUP): open connections
   * stay, new ones obey the new limits. Everything is validated before
   * anything changes.
   *
   * @param changes What changes.
   * @throws {RangeError} If a limit is invalid (nothing changed then).
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { SyntheticSource } from "../sources/synthetic_source.ts";
   * import { SdrServer } from "./sdr_server.ts";
   *
   * const server = await SdrServer.start({
   *   source: new SyntheticSource({ sps: 96000 }), hostname: "127.0.0.1", port: 0, fftSize: 2048,
   *   waterfallSize: 256,
   * });
   * server.reload({ limits: { audio: 5 }, ipLimits: { sockets: 8 }, chatEnabled: true });
   * equal(server.limits.audio, 5);
   * equal(server.ipGuard.limits.sockets, 8);
   * equal(server.chatEnabled, true);
   * await server.close();
   * ```
   */
  reload(changes: SdrServerReload): void {
    // Validate everything first.
    if (changes.limits) new ConnectionLimits(changes.limits);
    if (changes.ipLimits) new IpGuard(changes.ipLimits);
    let settings = this.#settings;
    if (changes.gridLocator !== undefined) {
      settings = { ...settings, gridLocator: changes.gridLocator };
    }
    const codec = changes.audioCompression === "opus" && !this.#opusAvailable
      ? "flac"
      : changes.audioCompression;
    if (codec !== undefined) {
      settings = { ...settings, audioCompression: codec };
    }
    const waterfallSettings = buildSettingsJson(settings);
    if (changes.chatMaskedWords) {
      this.#chat.setMaskedWords(changes.chatMaskedWords);
    }
    // Then apply.
    if (changes.limits) this.#limits.setLimits(changes.limits);
    if (changes.ipLimits) this.#ipGuard.setLimits(changes.ipLimits);
    if (changes.trustForwardedFor !== undefined) {
      this.#trustForwardedFor = changes.trustForwardedFor;
    }
    if (changes.chatEnabled !== undefined) {
      this.#chatEnabled = changes.chatEnabled;
    }
    if (changes.serverInfo) this.#serverInfo = { ...changes.serverInfo };
    if (codec !== undefined) this.#audioCodec = codec;
    this.#settings = settings;
    this.#waterfallSettings = waterfallSettings;
  }

  /**
   * The open connections.
   *
   * @returns One entry per connection.
   */
  clients(): SdrClientInfo[] {
    const out: SdrClientInfo[] = [];
    const all: AnyConnection[] = [
      ...this.#audio.values(),
      ...this.#waterfall,
      ...this.#eventSockets,
    ];
    for (const c of all) {
      out.push({
        id: c.id,
        socket: c.kind,
        ip: c.ip,
        userid: c.userid,
        framesSent: c.framesSent,
        framesDropped: c.framesDropped,
        bytesOut: c.bytesOut,
        commandsRejected: c.commandsRejected,
      });
    }
    return out;
  }

  /**
   * Replaces the markers sent in the settings JSON (markers.json reloaded on
   * SIGHUP or when it changed); clients that connect from now on get them.
   *
   * @param markers A JSON string `{"markers":[…]}`, or undefined for none.
   */
  setMarkers(markers: string | undefined): void {
    const settings = { ...this.#settings };
    if (markers === undefined) delete settings.markers;
    else settings.markers = markers;
    const waterfall = buildSettingsJson(settings); // validates before replacing
    this.#settings = settings;
    this.#waterfallSettings = waterfall;
  }

  /**
   * Closes every socket (1001), stops the source, the timers and the DSP
   * Worker; resolves within about a second. Idempotent.
   *
   * @returns When everything is stopped.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#unlisten?.();
    clearInterval(this.#eventsTimer);
    clearTimeout(this.#spansTimer);
    this.#abort.abort();
    this.#source.close();
    const chatClosed = this.#chat.close();
    await this.#dsp.stop();
    await this.#http.shutdown(700);
    await chatClosed;
    for (const c of [...this.#audio.values()]) this.#forget(c);
    for (const c of [...this.#waterfall]) this.#forget(c);
    for (const c of [...this.#eventSockets]) this.#forget(c);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.sourceEnded,
      new Promise((resolve) => timer = setTimeout(resolve, 100)),
    ]);
    clearTimeout(timer);
    this.#log?.info("sdr server closed");
  }

  #overflowSamples(): number {
    return this.#ring.overflows / (this.#source.signal === "iq" ? 2 : 1);
  }

  #drops(kind: SdrSocketKind): Record<string, number> {
    const c = this.#counters[kind];
    return {
      backpressure: c.send.droppedBackpressure,
      not_open: c.send.droppedNotOpen,
      send_failed: c.send.failed,
      compressor_busy: c.compressorBusy,
    };
  }

  // ---- HTTP and sockets -------------------------------------------------

  async #handle(request: Request, context: HttpContext): Promise<Response> {
    const url = new URL(request.url);
    const kind = Object.hasOwn(PATHS, url.pathname)
      ? PATHS[url.pathname]
      : undefined;
    if (kind !== undefined) return this.#upgrade(kind, request, context);
    if (url.pathname === "/chat") return this.#upgradeChat(request, context);
    if (url.pathname === "/server-info.json") {
      return new Response(
        request.method === "HEAD"
          ? null
          : buildServerInfoJson(this.#serverInfo, this.#chatEnabled),
        {
          headers: {
            "content-type": "application/json; charset=utf-8",
            "cache-control": "no-cache",
          },
        },
      );
    }
    if (isWebSocketRequest(request)) {
      return new Response("No such WebSocket\n", { status: 404 });
    }
    return await serveStatic(request, this.#files, {
      compression: this.#compression,
      cacheControl: "max-age=30",
    }) ?? new Response("Not found\n", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }

  #refuse(kind: SdrSocketKind, reason: string, response: Response): Response {
    const refused = this.#counters[kind].refused;
    refused[reason] = (refused[reason] ?? 0) + 1;
    return response;
  }

  #upgrade(
    kind: SdrSocketKind,
    request: Request,
    context: HttpContext,
  ): Response {
    if (!isWebSocketRequest(request)) {
      return new Response("Expected a WebSocket upgrade request\n", {
        status: 426,
        headers: { upgrade: "websocket", connection: "Upgrade" },
      });
    }
    if (this.#closing) {
      return this.#refuse(
        kind,
        "closing",
        new Response("Server shutting down\n", { status: 503 }),
      );
    }
    const ip = this.#clientAddress(request, context);
    const listener = kind === "audio";
    const admitted = this.#ipGuard.admit(ip, listener);
    if (!admitted.ok) {
      return this.#refuse(
        kind,
        admitted.reason,
        this.#tooMany(kind, ip, admitted.reason, admitted.retryAfterSeconds),
      );
    }
    const verdict = this.#limits.tryAcquire(kind, ip);
    if (verdict !== undefined) this.#ipGuard.release(ip, listener);
    if (verdict === "limit") {
      return this.#refuse(
        kind,
        verdict,
        new Response(`Too many /${kind} connections\n`, {
          status: 503,
          headers: { "retry-after": "30" },
        }),
      );
    }
    if (verdict === "per_ip") {
      const banned = this.#ipGuard.noteRefusal(ip);
      return this.#refuse(
        kind,
        verdict,
        this.#tooMany(
          kind,
          ip,
          verdict,
          banned ? this.#ipGuard.limits.banSeconds : 30,
        ),
      );
    }
    const upgrade = context.websockets.upgrade(request, {
      idleTimeoutSeconds: this.#options.idleTimeoutSeconds ?? 30,
    });
    if (!upgrade.ok) {
      this.#limits.release(kind, ip);
      this.#ipGuard.release(ip, listener);
      return this.#refuse(kind, "upgrade", upgrade.response);
    }
    const socket = upgrade.socket;
    socket.binaryType = "arraybuffer";
    const base: Connection = {
      kind,
      id: crypto.randomUUID(),
      ip,
      socket,
      open: false,
      userid: "",
      framesSent: 0,
      framesDropped: 0,
      bytesOut: 0,
      commandsRejected: 0,
      bucket: new TokenBucket({
        capacity: Math.max(1, 2 * this.#commandRate),
        refillPerSecond: this.#commandRate,
        now: this.#now,
      }),
    };
    let connection: AnyConnection;
    if (kind === "audio") {
      const audio: AudioConnection = {
        ...base,
        kind,
        listenerId: this.#takeListenerId(),
        codec: this.#audioCodec,
        codecField: this.#audioCodec === "opus",
        chosen: undefined,
        opusCapable: undefined,
        gap: false,
        encoder: undefined,
        opus: undefined,
        l: this.defaults.l,
        m: this.defaults.m,
        r: this.defaults.r,
        mode: this.defaults.modulation,
        muted: false,
      };
      try {
        this.#makeEncoder(audio);
      } catch (error) {
        // libopus out of memory: this listener gets FLAC.
        this.#log?.warn("opus encoder unavailable", { error });
        audio.codec = "flac";
        this.#makeEncoder(audio);
      }
      this.#audio.set(audio.listenerId, audio);
      connection = audio;
    } else if (kind === "waterfall") {
      const start = defaultWaterfallWindow(this.levels, this.#waterfallSize);
      const waterfall: WaterfallConnection = {
        ...base,
        kind,
        compressor: new WaterfallCompressor(this.#options.waterfallCompression),
        level: start.level,
        l: start.l,
        r: start.r,
      };
      this.#waterfall.add(waterfall);
      connection = waterfall;
    } else {
      this.#eventSockets.add(base);
      connection = base;
    }
    this.#counters[kind].accepted++;
    socket.addEventListener("open", () => this.#onOpen(connection));
    socket.addEventListener(
      "message",
      (event) => this.#onMessage(connection, event),
    );
    socket.addEventListener("close", () => {
      this.#limits.release(kind, ip);
      this.#ipGuard.release(ip, listener);
      this.#forget(connection);
    }, { once: true });
    socket.addEventListener("error", () => {});
    return upgrade.response;
  }

  /** The 429 of a per-address refusal. */
  #tooMany(
    kind: string,
    ip: string,
    reason: string,
    retryAfterSeconds: number,
  ): Response {
    const why = reason === "banned"
      ? `${ip} is banned for a while`
      : reason === "rate"
      ? `Too many new connections from ${ip}`
      : reason === "listeners"
      ? `Too many listeners from ${ip}`
      : `Too many /${kind} connections from ${ip}`;
    if (reason === "banned" || retryAfterSeconds > 30) {
      this.#log?.info("address refused", { ip, reason, retryAfterSeconds });
    }
    return new Response(`${why}\n`, {
      status: 429,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))),
      },
    });
  }

  #refuseChat(reason: string, response: Response): Response {
    const refused = this.#chatCounters.refused;
    refused[reason] = (refused[reason] ?? 0) + 1;
    return response;
  }

  #upgradeChat(request: Request, context: HttpContext): Response {
    if (!isWebSocketRequest(request)) {
      return new Response("Expected a WebSocket upgrade request\n", {
        status: 426,
        headers: { upgrade: "websocket", connection: "Upgrade" },
      });
    }
    if (!this.#chatEnabled) {
      return this.#refuseChat(
        "disabled",
        new Response("Chat is disabled on this server\n", { status: 403 }),
      );
    }
    if (this.#closing) {
      return this.#refuseChat(
        "closing",
        new Response("Server shutting down\n", { status: 503 }),
      );
    }
    if (this.#chat.full) {
      return this.#refuseChat(
        "full",
        new Response("Too many /chat connections\n", {
          status: 503,
          headers: { "retry-after": "30" },
        }),
      );
    }
    const ip = this.#clientAddress(request, context);
    const admitted = this.#ipGuard.admit(ip, false);
    if (!admitted.ok) {
      return this.#refuseChat(
        admitted.reason,
        this.#tooMany("chat", ip, admitted.reason, admitted.retryAfterSeconds),
      );
    }
    const upgrade = context.websockets.upgrade(request, {
      idleTimeoutSeconds: this.#options.idleTimeoutSeconds ?? 30,
    });
    if (!upgrade.ok) {
      this.#ipGuard.release(ip, false);
      return this.#refuseChat("upgrade", upgrade.response);
    }
    const socket = upgrade.socket;
    socket.addEventListener(
      "close",
      () => this.#ipGuard.release(ip, false),
      { once: true },
    );
    socket.addEventListener("error", () => {});
    if (!this.#chat.accept(socket, ip)) {
      socket.addEventListener("open", () => socket.close(1013, "Chat full"), {
        once: true,
      });
      return this.#refuseChat("full", upgrade.response);
    }
    this.#chatCounters.accepted++;
    return upgrade.response;
  }

  /** Creates the connection's encoder for its codec (freeing the other). */
  #makeEncoder(audio: AudioConnection): void {
    audio.opus?.close();
    audio.opus = undefined;
    audio.encoder = undefined;
    if (audio.codec === "opus") {
      audio.opus = new OpusEncoder({
        ...this.#options.opus,
        sampleRate: this.#settings.audioMaxSps,
      });
    } else {
      audio.encoder = new FlacEncoder({
        sampleRate: Math.min(655350, Math.round(this.#settings.audioMaxSps)),
        blockSize: this.layout.audioFftSize / 2,
      });
    }
  }

  /** Switches a listener's codec; a switch to FLAC resends the header. */
  #switchCodec(audio: AudioConnection, codec: AudioCodec): void {
    if (codec === "opus" && !this.#opusAvailable) codec = "flac";
    if (audio.codec === codec) return;
    const previous = audio.codec;
    audio.codec = codec;
    audio.codecField = true;
    try {
      this.#makeEncoder(audio);
    } catch (error) {
      this.#log?.warn("opus encoder unavailable", { error });
      audio.codec = previous;
      this.#makeEncoder(audio);
      return;
    }
    if (audio.open && audio.encoder) this.#sendFlacHeader(audio);
  }

  #sendFlacHeader(audio: AudioConnection): void {
    for (
      const packet of encodeAudioHeaderPackets(
        audio.encoder!.headerMessages(),
        audio.codecField ? { codec: "flac" } : {},
      )
    ) {
      this.#sendAlways(audio, packet);
    }
  }

  #codecCounts(): Record<AudioCodec, number> {
    const counts: Record<AudioCodec, number> = { flac: 0, opus: 0 };
    for (const audio of this.#audio.values()) counts[audio.codec]++;
    return counts;
  }

  /** The next listener id: a positive int32 (frames carry them as Int32Array). */
  #takeListenerId(): number {
    let id = this.#nextListenerId;
    while (this.#audio.has(id)) id = id >= 0x7fffffff ? 1 : id + 1;
    this.#nextListenerId = id >= 0x7fffffff ? 1 : id + 1;
    return id;
  }

  #clientAddress(request: Request, context: HttpContext): string {
    const peer = context.info.remoteAddr.hostname;
    if (!this.#trustForwardedFor) return peer;
    const real = request.headers.get("x-real-ip")?.trim();
    if (real && ADDRESS_TEXT.test(real)) return real;
    const forwarded = request.headers.get("x-forwarded-for");
    if (forwarded && forwarded.length <= 1024) {
      const last = forwarded.split(",").at(-1)?.trim();
      if (last && ADDRESS_TEXT.test(last)) return last;
    }
    return peer;
  }

  #onOpen(c: AnyConnection): void {
    if (this.#closing) return;
    c.open = true;
    this.#log?.debug("client connected", {
      socket: c.kind,
      ip: c.ip,
      id: c.id,
    });
    if (c.kind === "audio") {
      const audio = c as AudioConnection;
      const settings = (this.#options.sendClientId ?? true)
        ? buildSettingsJson({ ...this.#settings, clientId: audio.id })
        : this.#waterfallSettings;
      this.#sendAlways(c, settings);
      if (audio.encoder) this.#sendFlacHeader(audio);
      this.#dsp.addListener(audio.listenerId, {
        l: audio.l,
        m: audio.m,
        r: audio.r,
        mode: audio.mode === "WBFM" ? "FM" : audio.mode,
      });
      this.#events.set(audio.id, audio.l, audio.m, audio.r);
    } else if (c.kind === "waterfall") {
      this.#sendAlways(c, this.#waterfallSettings);
      this.#scheduleSpans();
    } else {
      this.#sendAlways(c, this.#events.initialMessage(this.#eventCounts()));
    }
  }

  /** Removes a connection's state (on close, or at shutdown). */
  #forget(c: AnyConnection): void {
    if (c.kind === "audio") {
      const audio = c as AudioConnection;
      if (this.#audio.delete(audio.listenerId)) {
        if (!this.#closing) this.#dsp.removeListener(audio.listenerId);
        this.#events.delete(audio.id);
      }
      audio.opus?.close(); // frees its libopus state in the wasm heap
    } else if (c.kind === "waterfall") {
      const waterfall = c as WaterfallConnection;
      if (this.#waterfall.delete(waterfall)) {
        waterfall.compressor.close();
        this.#scheduleSpans();
      }
    } else {
      this.#eventSockets.delete(c);
    }
    if (c.open) {
      c.open = false;
      this.#log?.debug("client disconnected", {
        socket: c.kind,
        ip: c.ip,
        id: c.id,
      });
    }
  }

  #onRefused(listenerId: number): void {
    const audio = this.#audio.get(listenerId);
    if (audio === undefined) return;
    try {
      audio.socket.close(1013, "Too many listeners");
    } catch {
      // Already closing.
    }
  }

  #reject(c: Connection, reason: string): void {
    const rejected = this.#counters[c.kind].rejected;
    rejected[reason] = (rejected[reason] ?? 0) + 1;
    c.commandsRejected++;
  }

  #onMessage(c: AnyConnection, event: MessageEvent): void {
    if (this.#closing) return;
    if (typeof event.data !== "string") {
      this.#reject(c, "binary");
      return;
    }
    if (!c.bucket.tryTake()) {
      this.#reject(c, "rate_limited");
      return;
    }
    const parsed = parseCommand(event.data, {
      socket: c.kind,
      fftResultSize: this.layout.fftResultSize,
      audioMaxFft: this.layout.audioFftSize,
      maxLength: this.#maxCommand,
      demodulations: DEMODULATIONS,
    });
    if (!parsed.ok) {
      this.#reject(c, parsed.reason);
      return;
    }
    this.#counters[c.kind].commands++;
    this.#apply(c, parsed.command);
  }

  #apply(c: AnyConnection, command: Command): void {
    switch (command.cmd) {
      case "userid":
        c.userid = command.userid;
        return;
      case "window":
        if (c.kind === "audio") {
          const audio = c as AudioConnection;
          audio.l = command.l;
          audio.m = command.m ?? command.l;
          audio.r = command.r;
          this.#dsp.setWindow(audio.listenerId, audio.l, audio.m, audio.r);
          this.#events.set(audio.id, audio.l, audio.m, audio.r);
        } else if (c.kind === "waterfall") {
          const waterfall = c as WaterfallConnection;
          const window = selectWaterfallLevel(command.l, command.r, {
            levels: this.levels,
            waterfallSize: this.#waterfallSize,
            fftResultSize: this.layout.fftResultSize,
          });
          if (window === undefined) {
            this.#reject(c, "invalid_window");
            return;
          }
          waterfall.level = window.level;
          waterfall.l = window.l;
          waterfall.r = window.r;
          this.#scheduleSpans();
        }
        return;
      case "demodulation": {
        const audio = c as AudioConnection;
        audio.mode = command.demodulation;
        this.#dsp.setMode(audio.listenerId, command.demodulation);
        return;
      }
      case "mute":
        (c as AudioConnection).muted = command.mute;
        return;
      case "agc": {
        const audio = c as AudioConnection;
        let settings: Partial<AgcSettings>;
        if (command.speed === "custom") {
          settings = {
            enabled: true,
            ...(command.attack !== undefined
              ? { attackMs: command.attack }
              : {}),
            ...(command.release !== undefined
              ? { decayMs: command.release }
              : {}),
          };
        } else {
          settings = AGC_PRESETS[command.speed];
        }
        this.#dsp.setAgc(audio.listenerId, settings);
        return;
      }
      case "agc_enable":
        this.#dsp.setAgc((c as AudioConnection).listenerId, {
          enabled: command.enabled,
        });
        return;
      case "codec_caps": {
        // sv1btl: the client says whether it decodes Opus; without Opus it
        // gets FLAC, with it the server's codec (unless it chose one).
        const audio = c as AudioConnection;
        audio.opusCapable = command.opus;
        if (audio.chosen !== undefined) return;
        this.#switchCodec(
          audio,
          command.opus && this.#audioCodec === "opus" ? "opus" : "flac",
        );
        return;
      }
      case "set_codec": {
        const audio = c as AudioConnection;
        if (command.codec === "pcm") {
          // sv1btl's internal decoder only.
          this.#reject(c, "unsupported_codec");
          return;
        }
        audio.chosen = command.codec;
        this.#switchCodec(audio, command.codec);
        return;
      }
      default:
        // options, buffer, noise gate: accepted and ignored, as
        // PhantomSDR's original does.
        return;
    }
  }

  // ---- Sending ----------------------------------------------------------

  /** Sends a frame that must not be dropped (settings, headers, events state). */
  #sendAlways(c: Connection, data: string | Uint8Array): void {
    const counters = this.#counters[c.kind].send;
    if (c.socket.readyState !== WebSocket.OPEN) {
      counters.droppedNotOpen++;
      c.framesDropped++;
      return;
    }
    try {
      c.socket.send(data);
    } catch {
      counters.failed++;
      c.framesDropped++;
      return;
    }
    const size = typeof data === "string" ? data.length : data.byteLength;
    counters.sent++;
    counters.sentBytes += size;
    c.framesSent++;
    c.bytesOut += size;
  }

  /**
   * Whether a frame for `c` must be dropped now: not open yet (not
   * counted), closing (counted `not_open`) or over `maxBufferedBytes`
   * (counted `backpressure`).
   */
  #congested(c: Connection): boolean {
    if (!c.open) return true;
    const counters = this.#counters[c.kind].send;
    if (c.socket.readyState !== WebSocket.OPEN) {
      counters.droppedNotOpen++;
      c.framesDropped++;
      return true;
    }
    if (c.socket.bufferedAmount > this.#maxBuffered) {
      counters.droppedBackpressure++;
      c.framesDropped++;
      return true;
    }
    return false;
  }

  #onFrame(frame: DspFrameMessage): void {
    if (this.#closing) return;
    this.#dspFrames++;
    this.#stages.observe(frame.fftMs / 1000, { stage: "fft" });
    this.#stages.observe(frame.audioMs / 1000, { stage: "audio" });
    if (frame.waterfallSpans.length > 0) {
      this.#stages.observe(frame.waterfallMs / 1000, { stage: "waterfall" });
    }
    if (frame.postedAt !== undefined) {
      const delivery = performance.timeOrigin + performance.now() -
        frame.postedAt;
      this.#stages.observe(Math.max(0, delivery) / 1000, { stage: "delivery" });
    }
    const spf = frame.samplesPerFrame;
    const ids = frame.listenerIds;
    for (let i = 0; i < ids.length; i++) {
      const audio = this.#audio.get(ids[i]);
      if (audio === undefined) continue;
      if (this.#congested(audio)) {
        audio.gap = true;
        continue;
      }
      const pcm = frame.pcm.subarray(i * spf, (i + 1) * spf);
      if (audio.opus !== undefined) {
        let packets: Uint8Array[];
        try {
          if (audio.gap) audio.opus.reset();
          packets = audio.opus.encode(pcm);
        } catch (error) {
          this.#log?.error("opus encode failed", { error });
          continue;
        } finally {
          audio.gap = false;
        }
        for (const data of packets) {
          this.#sendAlways(
            audio,
            encodeAudioPacket({
              frameNum: frame.frameNum,
              l: 0,
              m: audio.m,
              r: audio.r - audio.l,
              pwr: frame.pwr[i],
              data,
              codec: "opus",
            }),
          );
        }
        continue;
      }
      audio.gap = false;
      let data: Uint8Array;
      try {
        data = audio.encoder!.encode(pcm);
      } catch (error) {
        this.#log?.error("flac encode failed", { error });
        continue;
      }
      this.#sendAlways(
        audio,
        encodeAudioPacket({
          frameNum: frame.frameNum,
          l: 0,
          m: audio.m,
          r: audio.r - audio.l,
          pwr: frame.pwr[i],
          data,
          ...(audio.codecField ? { codec: "flac" } : {}),
        }),
      );
    }
    const spans = frame.waterfallSpans;
    if (spans.length === 0) return;
    for (const waterfall of this.#waterfall) {
      let s = 0;
      while (s < spans.length && spans[s] !== waterfall.level) s += 4;
      if (s >= spans.length) continue;
      const spanL = spans[s + 1];
      const spanR = spans[s + 2];
      if (waterfall.l < spanL || waterfall.r > spanR) continue; // spans not updated yet
      if (this.#congested(waterfall)) continue;
      const offset = spans[s + 3] + waterfall.l - spanL;
      const compressor = waterfall.compressor;
      const busyBefore = compressor.dropped;
      compressor.compressLine({
        frameNum: frame.frameNum,
        l: waterfall.l << waterfall.level,
        r: waterfall.r << waterfall.level,
        data: frame.waterfallData.subarray(
          offset,
          offset + waterfall.r - waterfall.l,
        ),
      }).then((message) => {
        if (message === undefined) {
          if (compressor.dropped > busyBefore) {
            this.#counters.waterfall.compressorBusy++;
            waterfall.framesDropped++;
          }
          return;
        }
        // Always sent once compressed: the zstd stream needs every chunk.
        this.#sendAlways(waterfall, message);
      }, (error) => {
        this.#log?.error("waterfall compression failed", { error });
      });
    }
  }

  #scheduleSpans(): void {
    if (this.#spansTimer !== undefined || this.#closing) return;
    this.#spansTimer = setTimeout(() => {
      this.#spansTimer = undefined;
      this.#updateSpans();
    }, 10);
  }

  #updateSpans(): void {
    if (this.#closing) return;
    const spans = new Array<number>(2 * this.levels).fill(0);
    for (const w of this.#waterfall) {
      if (!w.open) continue;
      const i = 2 * w.level;
      if (spans[i + 1] <= spans[i]) {
        spans[i] = w.l;
        spans[i + 1] = w.r;
      } else {
        spans[i] = Math.min(spans[i], w.l);
        spans[i + 1] = Math.max(spans[i + 1], w.r);
      }
    }
    const key = spans.join(",");
    if (key === this.#lastSpans) return;
    this.#lastSpans = key;
    this.#dsp.setWaterfallSpans(spans);
  }

  // ---- /events and rates ------------------------------------------------

  #eventCounts(): EventsCounts {
    return {
      waterfallClients: this.#limits.count("waterfall"),
      signalClients: this.#limits.count("audio"),
      waterfallKbits: Math.round(this.#kbits.waterfall),
      audioKbits: Math.round(this.#kbits.audio),
    };
  }

  #tick(): void {
    if (this.#closing) return;
    const now = this.#now();
    const seconds = Math.max(1e-3, (now - this.#tickAt) / 1000);
    this.#tickAt = now;
    const samples = this.#pump.counters.samples;
    this.#inputRate = (samples - this.#tickSamples) / seconds;
    this.#tickSamples = samples;
    const overflow = this.#ring.overflows;
    this.#overflowing = overflow > this.#tickOverflow;
    this.#tickOverflow = overflow;
    for (const kind of SDR_SOCKET_KINDS) {
      const bytes = this.#counters[kind].send.sentBytes;
      this.#kbits[kind] = ((bytes - this.#tickBytes[kind]) * 8) / 1000 /
        seconds;
      this.#tickBytes[kind] = bytes;
    }
    const message = this.#events.tick(this.#eventCounts());
    if (message === undefined) return;
    for (const c of this.#eventSockets) {
      if (this.#congested(c)) continue;
      this.#sendAlways(c, message);
    }
  }

  // ---- /metrics ---------------------------------------------------------

  #registry(): Registry {
    const registry = new Registry({ prefix: "shack_sdr_" });
    const perKind = (f: (kind: SdrSocketKind) => number) =>
      SDR_SOCKET_KINDS.map((kind) => ({
        labels: { socket: kind },
        value: f(kind),
      }));
    const perReason = (
      f: (kind: SdrSocketKind) => Record<string, number>,
    ) =>
      SDR_SOCKET_KINDS.flatMap((kind) =>
        Object.entries(f(kind)).map(([reason, value]) => ({
          labels: { socket: kind, reason },
          value,
        }))
      );
    registry.counter({
      name: "input_samples_total",
      help: "Samples read from the source",
      collect: () => this.#pump.counters.samples,
    });
    registry.gauge({
      name: "input_samples_per_second",
      help: "Samples per second read from the source over the last second",
      collect: () => this.#inputRate,
    });
    registry.gauge({
      name: "source_up",
      help: "1 while the source delivers samples, 0 once it has ended",
      collect: () => this.#sourceDone ? 0 : 1,
    });
    registry.counter({
      name: "ring_overflow_samples_total",
      help:
        "Samples dropped because the DSP worker fell behind (sample ring full)",
      collect: () => this.#overflowSamples(),
    });
    registry.counter({
      name: "dsp_frames_total",
      help: "FFT frames received from the DSP worker",
      collect: () => this.#dspFrames,
    });
    registry.counter({
      name: "dsp_worker_restarts_total",
      help: "DSP worker restarts after a failure",
      collect: () => this.#dsp.counters.restarts,
    });
    this.#stages = registry.histogram({
      name: "dsp_stage_seconds",
      help:
        "DSP time per FFT frame by stage (fft, waterfall, audio for all listeners)",
      labelNames: ["stage"],
      buckets: STAGE_BUCKETS,
    });
    registry.gauge({
      name: "clients",
      help: "Open WebSocket connections by socket",
      labelNames: ["socket"],
      collect: () => perKind((kind) => this.#limits.count(kind)),
    });
    registry.counter({
      name: "connections_total",
      help: "WebSocket connections accepted by socket",
      labelNames: ["socket"],
      collect: () => perKind((kind) => this.#counters[kind].accepted),
    });
    registry.counter({
      name: "connections_refused_total",
      help: "WebSocket connections refused by socket and reason",
      labelNames: ["socket", "reason"],
      collect: () => perReason((kind) => this.#counters[kind].refused),
    });
    registry.counter({
      name: "frames_sent_total",
      help: "Frames sent by socket",
      labelNames: ["socket"],
      collect: () => perKind((kind) => this.#counters[kind].send.sent),
    });
    registry.counter({
      name: "frames_dropped_total",
      help: "Frames dropped by socket and reason",
      labelNames: ["socket", "reason"],
      collect: () => perReason((kind) => this.#drops(kind)),
    });
    registry.counter({
      name: "bytes_out_total",
      help: "Bytes sent by socket",
      labelNames: ["socket"],
      collect: () => perKind((kind) => this.#counters[kind].send.sentBytes),
    });
    registry.counter({
      name: "commands_total",
      help: "Client commands accepted by socket",
      labelNames: ["socket"],
      collect: () => perKind((kind) => this.#counters[kind].commands),
    });
    registry.counter({
      name: "commands_rejected_total",
      help: "Client commands ignored by socket and reason",
      labelNames: ["socket", "reason"],
      collect: () => perReason((kind) => this.#counters[kind].rejected),
    });
    registry.gauge({
      name: "audio_clients",
      help: "Open /audio connections by codec",
      labelNames: ["codec"],
      collect: () =>
        Object.entries(this.#codecCounts()).map(([codec, value]) => ({
          labels: { codec },
          value,
        })),
    });
    registry.gauge({
      name: "chat_clients",
      help: "Open /chat connections",
      collect: () => this.#chat.stats().sockets,
    });
    registry.counter({
      name: "chat_connections_refused_total",
      help: "/chat connections refused by reason",
      labelNames: ["reason"],
      collect: () =>
        Object.entries(this.#chatCounters.refused).map(([reason, value]) => ({
          labels: { reason },
          value,
        })),
    });
    registry.counter({
      name: "chat_messages_total",
      help: "Chat messages broadcast",
      collect: () => this.#chat.stats().messages,
    });
    registry.counter({
      name: "chat_messages_rejected_total",
      help: "Chat frames ignored by reason",
      labelNames: ["reason"],
      collect: () =>
        Object.entries(this.#chat.stats().rejected).map(([reason, value]) => ({
          labels: { reason },
          value,
        })),
    });
    registry.counter({
      name: "ip_refusals_total",
      help:
        "WebSocket upgrades refused by the per-address limits, by reason (banned, rate, sockets, listeners)",
      labelNames: ["reason"],
      collect: () =>
        Object.entries(this.#ipGuard.stats().refused).map((
          [reason, value],
        ) => ({ labels: { reason }, value })),
    });
    registry.counter({
      name: "ip_bans_total",
      help: "Addresses banned for repeatedly breaking the per-address limits",
      collect: () => this.#ipGuard.stats().bans,
    });
    registry.gauge({
      name: "ip_banned",
      help: "Addresses banned now",
      collect: () => this.#ipGuard.stats().banned,
    });
    return registry;
  }
}
