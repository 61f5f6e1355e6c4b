/**
 * `shack audio run` as a library: an {@linkcode AudioConfig} in, a running
 * fault-tolerant audio engine out — the sink, the supervisor with its two
 * worker processes, the OSC server and its controller, a script or the
 * demo phrase, recording on command, `/healthz` and `/metrics` (and the
 * browser listening page for the http sink) — and one `close()` that
 * stops it all and finalises the output.
 *
 * @module
 */

import type { AudioConfig } from "./config.ts";
import { parseSinkSpec } from "./config.ts";
import type { Logger } from "../core/log.ts";
import { Registry } from "../core/metrics.ts";
import type { HealthReport, HealthStatus } from "../core/http/health.ts";
import { type HttpServerHandle, startHttpServer } from "../core/http/server.ts";
import { VERSION } from "../version.ts";
import { defaultPatch, demoPhrase } from "./engine/demo_phrase.ts";
import type { PatchSpec } from "./engine/patch_spec.ts";
import { MODULE_DEFS } from "./engine/modules/module_registry.ts";
import { OscServer } from "./osc/server.ts";
import type { OscMessage } from "./osc/packet.ts";
import type { StatusReplyFields } from "./osc/replies.ts";
import type { ScriptEntry } from "./script.ts";
import type { Sink } from "./sinks/sink.ts";
import { WavSink } from "./sinks/wav_sink.ts";
import { RawSink } from "./sinks/raw_sink.ts";
import { NullSink } from "./sinks/null_sink.ts";
import { PacedSink } from "./sinks/paced_sink.ts";
import { PipeSink } from "./sinks/pipe_sink.ts";
import { HttpSink } from "./sinks/http_sink.ts";
import { WavRecorder } from "./sinks/wav_recorder.ts";
import {
  AudioSupervisor,
  type AudioSupervisorOptions,
  type SupervisorEvent,
  type SupervisorStats,
} from "./supervisor/supervisor.ts";
import type { WorkerCommand } from "./supervisor/worker_command.ts";
import { OscController, type RecordHandler } from "./control/osc_controller.ts";
import { Timeline, type TimelineEntry } from "./control/timeline.ts";

/**
 * Options of {@linkcode AudioService.start}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Logger } from "../core/log.ts";
 * import type { AudioServiceOptions } from "./service.ts";
 * const o: AudioServiceOptions = { logger: new Logger({ sink: () => {} }), phrase: false };
 * equal(o.phrase, false);
 * ```
 */
export interface AudioServiceOptions {
  /** Where service lines go. */
  logger: Logger;
  /** Timed commands to play (a parsed `--script`); replaces the demo phrase. */
  script?: { entries: readonly ScriptEntry[]; file?: string };
  /** Play the engine's demo phrase when there is no script. Default true. */
  phrase?: boolean;
  /** Use this sink instead of the configured one (it is closed by `close`). */
  sink?: Sink;
  /** The HTTP port, overriding `http_port` (0 = any free port). */
  httpPort?: number;
  /** How to start workers. Default: this program's hidden `audio worker`. */
  workerCommand?: WorkerCommand;
  /** Worker stderr. Default "inherit". */
  workerStderr?: "inherit" | "null";
  /** Seed of the engines. Default 1. */
  seed?: number;
  /** Re-reads the configuration on SIGHUP. */
  loadConfig?: () => Promise<AudioConfig>;
  /** Supervisor events (also logged). */
  onEvent?: (event: SupervisorEvent) => void;
  /** Each block after it was written (meters, tests); the block is reused. */
  onBlock?: (block: Float32Array, index: number) => void;
  /** Supervisor limits beyond the configuration (tests, benchmarks). */
  supervisor?: Pick<
    AudioSupervisorOptions,
    | "checkpointIntervalMs"
    | "redundancyWaitMs"
    | "startTimeoutMs"
    | "verifyWaitMs"
  >;
}

/** Why a running service asks to be stopped. */
export type AudioStopReason = "duration" | "quit" | "error";

/**
 * Opens the configured sink.
 *
 * @param config The configuration (sink, format, encoding, real time).
 * @returns The sink (real-time file, raw and null sinks are paced).
 *
 * @example A null sink
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { defaultAudioConfig } from "./config.ts";
 * import { openAudioSink } from "./service.ts";
 * const sink = await openAudioSink({ ...defaultAudioConfig(), sink: "null", realtime: false });
 * equal(sink.format.sampleRate, 48000);
 * await sink.close();
 * ```
 */
export async function openAudioSink(config: AudioConfig): Promise<Sink> {
  const format = {
    sampleRate: config.sample_rate,
    channels: config.channels,
    blockSize: config.block_size,
  };
  const spec = parseSinkSpec(config.sink);
  const encoding = config.sample_format;
  const pace = (sink: Sink) => config.realtime ? new PacedSink(sink) : sink;
  switch (spec.kind) {
    case "wav":
      return pace(await WavSink.open(spec.path, { ...format, encoding }));
    case "raw":
      return pace(new RawSink({ ...format, encoding }));
    case "null":
      return new NullSink({ ...format, realtime: config.realtime });
    case "http":
      return new PacedSink(new HttpSink(format));
    case "pipe":
      return PipeSink.start({
        ...format,
        tool: spec.tool,
        encoding,
        ...(config.pulse_server !== ""
          ? { pulseServer: config.pulse_server }
          : {}),
      });
  }
}

/**
 * The default patch with the lead's polyphony set to `voices`.
 *
 * @param voices Voices of the `lead` module (1 to 16).
 * @returns The patch.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { audioPatch } from "./service.ts";
 * equal(audioPatch(4).modules.find((m) => m.id === "lead")!.params!.voices, 4);
 * ```
 */
export function audioPatch(voices: number): PatchSpec {
  const patch = defaultPatch();
  return {
    ...patch,
    modules: patch.modules.map((m) =>
      m.id === "lead" ? { ...m, params: { ...m.params, voices } } : m
    ),
  };
}

/**
 * A running audio service.
 *
 * @example Two seconds of the demo phrase into a null sink
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Logger } from "../core/log.ts";
 * import { defaultAudioConfig } from "./config.ts";
 * import { AudioService } from "./service.ts";
 * import { workerCommand } from "./supervisor/worker_command.ts";
 * const config = { ...defaultAudioConfig(), sink: "null", realtime: false, duration: 2, osc_port: 0, http_port: 0 };
 * const service = await AudioService.start(config, {
 *   logger: new Logger({ sink: () => {} }),
 *   workerCommand: workerCommand({ entry: new URL("./worker/main.ts", import.meta.url) }),
 * });
 * equal(await service.done, "duration");
 * await service.close();
 * equal(service.supervisor.stats.framesWritten, 96000);
 * ```
 */
export class AudioService {
  /** The configuration it runs with. */
  readonly config: AudioConfig;
  /** The supervisor and its workers. */
  readonly supervisor: AudioSupervisor;
  /** The output. */
  readonly sink: Sink;
  /** The OSC server. */
  readonly osc: OscServer;
  /** The OSC handler. */
  readonly controller: OscController;
  /** `/metrics`. */
  readonly registry: Registry;
  /** Recording on `/record/start`. */
  readonly recorder: WavRecorder;
  /** The HTTP server (none when `http_port` is 0). */
  readonly http: HttpServerHandle | undefined;
  readonly #log: Logger;
  #startedAt = performance.now();
  readonly #done = Promise.withResolvers<AudioStopReason>();
  readonly #loadConfig: (() => Promise<AudioConfig>) | undefined;
  #closing: Promise<void> | undefined;

  private constructor(
    config: AudioConfig,
    parts: {
      supervisor: AudioSupervisor;
      sink: Sink;
      osc: OscServer;
      controller: OscController;
      registry: Registry;
      recorder: WavRecorder;
      http: HttpServerHandle | undefined;
      log: Logger;
      loadConfig?: () => Promise<AudioConfig>;
    },
  ) {
    this.config = config;
    this.supervisor = parts.supervisor;
    this.sink = parts.sink;
    this.osc = parts.osc;
    this.controller = parts.controller;
    this.registry = parts.registry;
    this.recorder = parts.recorder;
    this.http = parts.http;
    this.#log = parts.log;
    this.#loadConfig = parts.loadConfig;
  }

  /**
   * Starts everything: sink, OSC server, workers, HTTP server.
   *
   * @param config The configuration.
   * @param options Logger, script, test hooks.
   * @returns The running service.
   * @throws {ConfigError} If the script has a bad line.
   * @throws {Deno.errors.AddrInUse} If the OSC or HTTP port is taken.
   */
  static async start(
    config: AudioConfig,
    options: AudioServiceOptions,
  ): Promise<AudioService> {
    const log = options.logger;
    const sampleRate = config.sample_rate;
    let timeline: Timeline | undefined;
    if (options.script) {
      timeline = Timeline.fromScript(
        options.script.entries,
        options.script.file,
      );
    } else if (options.phrase ?? true) {
      timeline = Timeline.fromCommands(demoPhrase({ sampleRate }).commands);
    }
    const sink = options.sink ?? await openAudioSink(config);
    const cleanup: (() => Promise<void>)[] = [() => sink.close()];
    try {
      const recorder = new WavRecorder({
        sampleRate,
        channels: config.channels,
        blockSize: config.block_size,
        directory: config.record_dir,
        encoding: config.sample_format,
      });
      cleanup.push(() => recorder.close());
      // the supervisor's hooks reach the controller and the service built below
      const startedAt = performance.now();
      const late: {
        controller?: OscController;
        service?: AudioService;
        quit?: boolean;
      } = {};
      // one function for every entry: nothing allocated per block
      const playEntry = (entry: TimelineEntry) => {
        try {
          late.controller!.apply(entry.action, entry.frame);
        } catch (error) {
          log.warn("script command failed", {
            line: entry.line,
            error: (error as Error).message,
          });
        }
      };
      const supervisor = new AudioSupervisor({
        sink,
        seed: options.seed ?? 1,
        patch: audioPatch(config.voices),
        realtime: config.realtime,
        leadBlocks: config.lead_blocks,
        stallTimeoutMs: config.stall_timeout_ms,
        startupGraceMs: config.startup_grace_ms,
        respawnBackoffMs: config.respawn_backoff_ms,
        durationFrames: Math.round(config.duration * sampleRate),
        ...(options.workerCommand
          ? { workerCommand: options.workerCommand }
          : {}),
        ...(options.workerStderr ? { workerStderr: options.workerStderr } : {}),
        ...options.supervisor,
        logger: log,
        onHorizon: (until) => timeline?.feed(until, playEntry),
        onBlock: (block, index) => {
          recorder.write(block);
          options.onBlock?.(block, index);
        },
        onEvent: (event) => {
          logEvent(log, event, config.verbose);
          options.onEvent?.(event);
        },
      });
      cleanup.push(() => supervisor.close());
      const record: RecordHandler = (action) => {
        switch (action.kind) {
          case "record_start":
            recorder.start(action.file).then(
              (path) => log.info("recording", { file: path }),
              (error) =>
                log.warn("cannot record", { error: (error as Error).message }),
            );
            return doneMessage("/record/start");
          case "record_stop":
            recorder.stop().then(
              (status) =>
                log.info("recording stopped", {
                  file: status.file,
                  seconds: status.seconds,
                }),
              () => {},
            );
            return doneMessage("/record/stop");
          case "record_status": {
            const s = recorder.status();
            return {
              kind: "message",
              address: "/record/status.reply",
              args: [
                { type: "i", value: s.recording ? 1 : 0 },
                { type: "f", value: s.seconds },
                { type: "s", value: s.file ?? "" },
              ],
            };
          }
        }
      };
      const osc: OscServer = new OscServer({
        hostname: config.osc_host,
        port: config.osc_port,
        handler: (event) => late.controller!.handle(event),
        onError: (error, context) =>
          log.warn("osc error", {
            context,
            error: (error as Error)?.message ?? String(error),
          }),
      });
      cleanup.push(() => osc.close());
      const controller = new OscController({
        target: supervisor,
        status: () => statusOf(supervisor, config, startedAt),
        record,
        onQuit: () => {
          if (late.service) late.service.#stop("quit");
          else late.quit = true;
        },
        send: (packet, to) => osc.send(packet, to),
      });
      late.controller = controller;
      const registry = new Registry({ prefix: "shack_audio_" });
      await supervisor.start();
      const httpPort = options.httpPort ?? config.http_port;
      const serveHttp = options.httpPort !== undefined ||
        config.http_port !== 0;
      const httpSink =
        sink instanceof PacedSink && sink.inner instanceof HttpSink
          ? sink.inner
          : sink instanceof HttpSink
          ? sink
          : undefined;
      let http: HttpServerHandle | undefined;
      if (serveHttp) {
        http = startHttpServer({
          hostname: config.http_host,
          port: httpPort,
          service: "audio",
          routes: {
            healthz: () => healthOf(supervisor, startedAt),
            metrics: registry,
          },
          handler: (request) =>
            httpSink?.handler(request) ??
              new Response("Not found\n", { status: 404 }),
          onError: (error, context) =>
            log.warn("http error", {
              context,
              error: (error as Error)?.message ?? String(error),
            }),
        });
      }
      const service = new AudioService(config, {
        supervisor,
        sink,
        osc,
        controller,
        registry,
        recorder,
        http,
        log,
        ...(options.loadConfig ? { loadConfig: options.loadConfig } : {}),
      });
      late.service = service;
      service.#startedAt = startedAt;
      if (late.quit) service.#stop("quit");
      service.#registerMetrics();
      if (config.duration > 0) {
        supervisor.finished.then(
          () => service.#stop("duration"),
          () => service.#stop("error"),
        );
      } else {
        supervisor.finished.catch(() => service.#stop("error"));
      }
      log.info("audio running", {
        osc: `${osc.addr.hostname}:${osc.addr.port}`,
        ...(http ? { http: `${http.addr.hostname}:${http.addr.port}` } : {}),
        sink: config.sink,
        rate: sampleRate,
        block: config.block_size,
        channels: config.channels,
        realtime: config.realtime,
        workers: supervisor.workers().map((w) => w.pid),
      });
      return service;
    } catch (error) {
      for (const fn of cleanup.reverse()) {
        try {
          await fn();
        } catch {
          // keep cleaning
        }
      }
      throw error;
    }
  }

  #stop(reason: AudioStopReason): void {
    this.#done.resolve(reason);
  }

  /** Resolves with the reason the service wants to stop (duration reached, `/quit`, writer error). */
  get done(): Promise<AudioStopReason> {
    return this.#done.promise;
  }

  /** The fields of `/status.reply` (counters appended as name/value pairs). */
  statusFields(): StatusReplyFields {
    return statusOf(this.supervisor, this.config, this.#startedAt);
  }

  /** The `/healthz` report: ok with both workers in lockstep, degraded with one, failing with none. */
  health(): HealthReport {
    return healthOf(this.supervisor, this.#startedAt);
  }

  /** SIGHUP: re-reads the configuration and reports what needs a restart. */
  async reload(): Promise<void> {
    if (!this.#loadConfig) return;
    const next = await this.#loadConfig();
    const changed = (Object.keys(next) as (keyof AudioConfig)[]).filter((key) =>
      JSON.stringify(next[key]) !== JSON.stringify(this.config[key])
    );
    if (changed.length > 0) {
      this.#log.warn("audio settings changed; restart to apply them", {
        keys: changed,
      });
    } else {
      this.#log.info("audio configuration unchanged");
    }
  }

  /**
   * Stops OSC, the workers and HTTP, then closes the sink (a WAV file gets
   * its final header) and any recording. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#done.resolve("quit");
    this.#closing = (async () => {
      await Promise.all([
        this.osc.close(),
        this.supervisor.close(),
        this.http?.shutdown(500),
      ]);
      await Promise.all([
        this.sink.close().catch((error) =>
          this.#log.warn("cannot close sink", {
            error: (error as Error).message,
          })
        ),
        this.recorder.close().catch(() => {}),
      ]);
    })();
    return this.#closing;
  }

  #registerMetrics(): void {
    const r = this.registry;
    const sup = this.supervisor;
    const stat = (key: keyof SupervisorStats) => () => sup.stats[key] as number;
    const counters: [string, string, keyof SupervisorStats][] = [
      ["blocks_written_total", "Blocks written to the sink", "blocksWritten"],
      ["frames_written_total", "Frames written to the sink", "framesWritten"],
      [
        "failover_gap_samples_total",
        "Samples missing or repeated over all failovers",
        "totalGapSamples",
      ],
      [
        "underruns_total",
        "Blocks neither worker delivered in time",
        "underruns",
      ],
      ["overruns_total", "Blocks dropped for lack of ring space", "overruns"],
      [
        "divergences_total",
        "Blocks whose checksums differed between the workers",
        "divergences",
      ],
      ["stalls_total", "Workers declared stalled", "stalls"],
      [
        "worker_exits_total",
        "Worker processes that exited unexpectedly",
        "workerExits",
      ],
      [
        "worker_respawns_total",
        "Workers started after the first two",
        "respawns",
      ],
      ["double_faults_total", "Failures with no standby ready", "doubleFaults"],
      [
        "unverified_blocks_total",
        "Blocks played without the second checksum",
        "unverifiedBlocks",
      ],
      ["commands_total", "Commands sent to the workers", "commandsSent"],
      [
        "commands_late_total",
        "Commands moved to the horizon because their frame had passed",
        "commandsLate",
      ],
      [
        "commands_rejected_total",
        "Commands the engine rejected",
        "commandsRejected",
      ],
      ["checkpoints_total", "Snapshots kept as checkpoints", "checkpoints"],
    ];
    for (const [name, help, key] of counters) {
      r.counter({ name, help, collect: stat(key) });
    }
    r.counter({
      name: "failovers_total",
      help: "Switches to the standby, by reason",
      labelNames: ["reason"],
      collect: () =>
        Object.entries(sup.stats.failoversByReason).map(([reason, value]) => ({
          labels: { reason },
          value,
        })),
    });
    const gauges: [string, string, keyof SupervisorStats][] = [
      [
        "failover_gap_samples",
        "Samples missing or repeated at the last failover",
        "lastGapSamples",
      ],
      [
        "failover_detection_ms",
        "Detection time of the last failover",
        "lastDetectionMs",
      ],
      [
        "respawn_to_lockstep_ms",
        "Spawn to first matching checksum of the last new worker",
        "lastLockstepMs",
      ],
      ["checkpoint_bytes", "Size of the newest checkpoint", "checkpointBytes"],
      ["command_log_commands", "Commands held for replay", "logCommands"],
    ];
    for (const [name, help, key] of gauges) {
      r.gauge({ name, help, collect: stat(key) });
    }
    r.gauge({
      name: "workers",
      help: "Live workers by role and state",
      labelNames: ["role", "state"],
      collect: () =>
        sup.workers().map((w) => ({
          labels: { role: w.role, state: w.state },
          value: 1,
        })),
    });
    r.gauge({
      name: "sink_late_blocks",
      help: "Blocks the real-time clock released after their deadline",
      collect: () => {
        const stats = this.sink.stats as { clock?: { late: number } };
        return stats.clock?.late ?? 0;
      },
    });
    r.counter({
      name: "osc_messages_total",
      help: "OSC messages handled",
      collect: () => this.osc.stats.messages,
    });
    r.counter({
      name: "osc_malformed_total",
      help: "Datagrams that were not OSC",
      collect: () => this.osc.stats.malformed,
    });
    r.counter({
      name: "osc_dropped_total",
      help: "OSC packets dropped because the queue was full",
      collect: () => this.osc.stats.dropped,
    });
    r.counter({
      name: "osc_failed_total",
      help: "OSC messages answered with /fail",
      collect: () => this.controller.stats.failed,
    });
  }
}

function statusOf(
  supervisor: AudioSupervisor,
  config: AudioConfig,
  startedAt: number,
): StatusReplyFields {
  const s = supervisor.stats;
  const elapsed = (performance.now() - startedAt) / 1000;
  const workers = supervisor.workers();
  return {
    ugens: audioPatch(config.voices).modules.length,
    synths: 0,
    groups: 1,
    synthDefs: MODULE_DEFS.length,
    avgCpu: 0,
    peakCpu: 0,
    nominalSampleRate: config.sample_rate,
    actualSampleRate: elapsed > 0 ? s.framesWritten / elapsed : 0,
    counters: {
      blocks: s.blocksWritten,
      failovers: s.failovers,
      underruns: s.underruns,
      overruns: s.overruns,
      divergences: s.divergences,
      respawns: s.respawns,
      workers: workers.length,
      lockstep: workers.filter((w) => w.state === "synced").length,
      commands: s.commandsSent,
      rejected: s.commandsRejected,
    },
  };
}

function healthOf(
  supervisor: AudioSupervisor,
  startedAt: number,
): HealthReport {
  const workers = supervisor.workers();
  const primary = workers.find((w) => w.role === "primary");
  const standby = workers.find((w) => w.role === "standby");
  const primaryOk = primary?.state === "synced" || primary?.state === "ready";
  let status: HealthStatus = "ok";
  if (!primaryOk) status = "failing";
  else if (standby?.state !== "synced") status = "degraded";
  const s = supervisor.stats;
  return {
    status,
    service: "audio",
    version: VERSION,
    uptimeSeconds: Math.round((performance.now() - startedAt) / 1000),
    checks: {
      primary: {
        status: primaryOk ? "ok" : "failing",
        ...(primary ? { pid: primary.pid, state: primary.state } : {}),
      },
      standby: {
        status: standby?.state === "synced" ? "ok" : "degraded",
        ...(standby ? { pid: standby.pid, state: standby.state } : {}),
      },
      audio: {
        status: "ok",
        blocks: s.blocksWritten,
        failovers: s.failovers,
        underruns: s.underruns,
        divergences: s.divergences,
      },
    },
  };
}

function doneMessage(command: string): OscMessage {
  return {
    kind: "message",
    address: "/done",
    args: [{ type: "s", value: command }],
  };
}

function logEvent(log: Logger, event: SupervisorEvent, verbose: boolean): void {
  switch (event.type) {
    case "lockstep":
      log.info("audio worker in lockstep", {
        pid: event.pid,
        block: event.block,
        ms: Math.round(event.ms),
      });
      break;
    case "worker-ready":
    case "worker-started":
      if (verbose) log.info(event.type, { pid: event.pid });
      break;
    case "underrun":
      if (verbose) log.warn("audio underrun", { block: event.block });
      break;
    case "double-fault":
    case "finished":
      log.info(`audio ${event.type}`, { ...event });
      break;
    default:
      break;
  }
}
