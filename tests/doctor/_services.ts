// Loopback stand-ins for doctor tests: shack-style HTTP services, an OSC
// engine that answers /status, and ports nothing answers on.
import { startHttpServer } from "../../lib/core/http/server.ts";
import type { HealthReport } from "../../lib/core/http/health.ts";
import type {
  Check,
  CheckOutcome,
  CheckTarget,
} from "../../lib/doctor/types.ts";
import { decodePacket } from "../../lib/audio/osc/decode.ts";
import { encodeMessage } from "../../lib/audio/osc/encode.ts";

export interface FakeHttpService {
  url: string;
  port: number;
  /** Changes what /healthz reports from now on. */
  health: HealthReport;
  close(): Promise<void>;
}

/** A shack-style HTTP service: /healthz from `health`, /metrics from `metrics`. */
export function startFakeHttpService(
  health: HealthReport,
  metrics = "",
): FakeHttpService {
  const state = { health };
  const server = startHttpServer({
    hostname: "127.0.0.1",
    port: 0,
    routes: {
      healthz: () => state.health,
      metrics: { render: () => metrics },
    },
    handler: () => new Response("Not found\n", { status: 404 }),
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    port: server.addr.port,
    get health() {
      return state.health;
    },
    set health(value: HealthReport) {
      state.health = value;
    },
    close: () => server.shutdown(),
  };
}

/** An HTTP server that is not a shack service (404 everywhere). */
export function startPlainHttpServer(): {
  port: number;
  close(): Promise<void>;
} {
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    () => new Response("nothing here\n", { status: 404 }),
  );
  return {
    port: server.addr.port,
    close: async () => {
      ac.abort();
      await server.finished;
    },
  };
}

export interface FakeOscEngine {
  port: number;
  /** How many /status requests were answered. */
  readonly answered: number;
  close(): Promise<void>;
}

/** A UDP endpoint that answers OSC /status with an scsynth-style /status.reply. */
export function startFakeOscEngine(): FakeOscEngine {
  const conn = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  let answered = 0;
  const loop = (async () => {
    try {
      while (true) {
        const [data, from] = await conn.receive();
        let address = "";
        try {
          const packet = decodePacket(data);
          if (packet.kind === "message") address = packet.address;
        } catch {
          continue;
        }
        if (address !== "/status") continue;
        // unused, ugens, synths, groups, synthdefs, avg cpu, peak cpu
        await conn.send(
          encodeMessage("/status.reply", [1, 12, 2, 1, 3, 4.5, 9.25]),
          from,
        );
        answered++;
      }
    } catch {
      // closed
    }
  })();
  return {
    port: (conn.addr as Deno.NetAddr).port,
    get answered() {
      return answered;
    },
    close: async () => {
      conn.close();
      await loop;
    },
  };
}

export { freeTcpPort, freeUdpPort } from "../_ports.ts";

/** A UDP socket that holds a port and never answers. */
export function holdUdpPort(): { port: number; close(): void } {
  const c = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.0.0.1",
    port: 0,
  });
  return { port: (c.addr as Deno.NetAddr).port, close: () => c.close() };
}

/** A TCP listener that accepts nothing (connections wait in the backlog). */
export function holdTcpPort(): { port: number; close(): void } {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  return { port: (l.addr as Deno.NetAddr).port, close: () => l.close() };
}

export const SDR_METRICS = [
  "# TYPE shack_sdr_clients gauge",
  'shack_sdr_clients{socket="audio"} 2',
  'shack_sdr_clients{socket="waterfall"} 3',
  "# TYPE shack_sdr_frames_dropped_total counter",
  'shack_sdr_frames_dropped_total{socket="audio",reason="slow"} 4',
  "shack_sdr_input_samples_total 123456",
  'shack_sdr_dsp_stage_seconds_bucket{stage="fft",le="0.005"} 9',
  "",
].join("\n");

export const AUDIO_METRICS = [
  "shack_audio_failovers_total 1",
  "shack_audio_underruns_total 0",
  "shack_audio_blocks_total 9999",
  "",
].join("\n");

export const BRIDGE_METRICS = [
  'shack_bridge_sessions{state="streaming"} 2',
  'shack_bridge_sessions{state="starting"} 1',
  "shack_bridge_tuners_free 1",
  "",
].join("\n");

export const signal = (): AbortSignal => new AbortController().signal;

/** A target given on the command line (`--target KIND=ADDRESS`). */
export const cliTarget = (kind: string, address: string): CheckTarget => ({
  kind,
  address,
  source: "command line",
});

/** A target from the config, its service bound to loopback. */
export const configTarget = (kind: string, address: string): CheckTarget => ({
  kind,
  address,
  source: "config",
  bind: "127.0.0.1",
});

/** Runs `check` against `targets` with a fresh signal. */
export async function runCheck(
  check: Check,
  targets: CheckTarget[],
  timeoutMs?: number,
): Promise<CheckOutcome> {
  return await check.run({
    targets,
    signal: signal(),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}
