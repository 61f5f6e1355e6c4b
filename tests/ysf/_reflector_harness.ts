/**
 * Test helpers for the reflector state machine: a fake clock and I/O that
 * records sends and events, and builders of YSFD frames with valid FICH and
 * data channels (made with the codec's encoders).
 *
 * @module
 */

import {
  buildData,
  buildPoll,
  encodeFich,
  encodeHeaderPayload,
  encodeVd2,
  type Fich,
} from "../../lib/ysf/mod.ts";
import {
  type HandleResult,
  type LocalEndpointId,
  type Peer,
  type ReflectorEvent,
  YsfReflectorCore,
  type YsfReflectorOptions,
} from "../../lib/ysf/reflector/mod.ts";

/** One recorded send. */
export interface Sent {
  data: Uint8Array;
  to: Peer;
  via: LocalEndpointId;
}

const SYNC = [0xd4, 0x71, 0xc9, 0x63, 0x4d];

/** Fields of a test frame. */
export interface FrameSpec {
  fi: number;
  dgid?: number;
  dt?: number;
  fn?: number;
  ft?: number;
  cm?: number;
  gateway?: string;
  source?: string;
  destination?: string;
  csdSource?: string;
  csdDestination?: string;
  end?: boolean;
  counter?: number;
}

/**
 * A 155-byte YSFD with a valid FICH; header/terminator frames carry CSD1/2,
 * V/D mode 2 frames with FN 1 carry the source in their data channel.
 */
export function frame(spec: FrameSpec): Uint8Array {
  const air = new Uint8Array(120);
  air.set(SYNC, 0);
  const fich: Fich = {
    fi: spec.fi,
    cs: 2,
    cm: spec.cm ?? 0,
    bn: 0,
    bt: 0,
    fn: spec.fn ?? 0,
    ft: spec.ft ?? 6,
    dev: false,
    mr: 0,
    voip: true,
    dt: spec.dt ?? 2,
    sql: false,
    dgid: spec.dgid ?? 0,
  };
  encodeFich(fich, air, 5);
  const source = spec.source ?? "G4ABC";
  if (spec.fi === 0 || spec.fi === 2) {
    encodeHeaderPayload(
      {
        destination: spec.csdDestination ?? "ALL",
        source: spec.csdSource ?? source,
        downlink: "",
        uplink: source,
      },
      air,
      0,
    );
  } else if (fich.dt === 2 && fich.fn === 1) {
    encodeVd2(spec.csdSource ?? source, air, 0);
  }
  return buildData({
    gateway: spec.gateway ?? "GW1ABC",
    source,
    destination: spec.destination ?? "ALL",
    counter: spec.counter ?? 0,
    end: spec.end ?? spec.fi === 2,
    frame: air,
  });
}

/** Header, then `count` V/D mode 2 frames (FN cycling 0..6). */
export function transmission(
  spec: Omit<FrameSpec, "fi" | "fn"> & { count?: number },
): { header: Uint8Array; body: Uint8Array[]; terminator: Uint8Array } {
  const body: Uint8Array[] = [];
  for (let i = 0; i < (spec.count ?? 3); i++) {
    body.push(frame({ ...spec, fi: 1, fn: i % 7, counter: (i + 1) & 0x7f }));
  }
  return {
    header: frame({ ...spec, fi: 0, end: false }),
    body,
    terminator: frame({ ...spec, fi: 2, end: true }),
  };
}

/** A reflector with a fake clock and recording I/O. */
export class Harness {
  time = 0;
  sent: Sent[] = [];
  events: ReflectorEvent[] = [];
  readonly core: YsfReflectorCore;

  constructor(options: Partial<YsfReflectorOptions> = {}) {
    this.core = new YsfReflectorCore(
      {
        name: "SHACK TEST",
        description: "Tests",
        now: () => this.time,
        ...options,
      },
      {
        send: (data, to, via) => void this.sent.push({ data, to, via }),
        event: (event) => void this.events.push(event),
      },
    );
  }

  /** Links a client with a YSFP and returns its peer. */
  link(
    callsign: string,
    port: number,
    address = "192.0.2.1",
    via: LocalEndpointId = "main",
  ): Peer {
    const peer = { address, port };
    const result = this.core.handle(buildPoll(callsign), peer, via);
    if (result !== "accepted") {
      throw new Error(`Expected ${callsign} to link, found ${result}`);
    }
    return peer;
  }

  /** Hands one datagram to the reflector. */
  handle(
    data: Uint8Array,
    from: Peer,
    via: LocalEndpointId = "main",
  ): HandleResult {
    return this.core.handle(data, from, via);
  }

  /** Sends every frame, `stepMs` apart; returns the results. */
  play(
    frames: Uint8Array[],
    from: Peer,
    stepMs = 100,
    via: LocalEndpointId = "main",
  ): HandleResult[] {
    const results: HandleResult[] = [];
    for (const f of frames) {
      results.push(this.core.handle(f, from, via));
      this.time += stepMs;
    }
    return results;
  }

  /** Moves the clock and runs the timers. */
  advance(ms: number): void {
    this.time += ms;
    this.core.tick();
  }

  /** Sends of YSFD to `peer` (by port and address). */
  dataTo(peer: Peer): Sent[] {
    return this.sent.filter((s) =>
      s.to.port === peer.port && s.to.address === peer.address &&
      s.data.length === 155
    );
  }

  /** Every recorded event of one type. */
  eventsOf<T extends ReflectorEvent["type"]>(
    type: T,
  ): Extract<ReflectorEvent, { type: T }>[] {
    return this.events.filter((e) => e.type === type) as Extract<
      ReflectorEvent,
      { type: T }
    >[];
  }

  /** Forgets the recorded sends and events. */
  clear(): void {
    this.sent = [];
    this.events = [];
  }
}

/** Bytes as text. */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Text as bytes. */
export function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
