/**
 * Streams (one talker's transmission) of the reflector: the record, the
 * key of the floor it holds (one per room; one per client in the local room
 * and in single-room mode), and the event view.
 *
 * @module
 */

import type { Fich } from "../fich.ts";
import type { HeaderPayload } from "../payload.ts";
import { type ClientRecord, summarizeClient } from "./clients.ts";
import type { StreamInfo } from "./events.ts";

/**
 * The reflector's record of an open stream. Mutable; owned by the
 * reflector.
 *
 * @example A record
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ClientTable } from "./clients.ts";
 * import { type StreamRecord, streamKey } from "./streams.ts";
 *
 * const client = new ClientTable({ maxClients: 1, maxClientsPerIp: 1 })
 *   .create({ address: "192.0.2.1", port: 1 }, "main", "GW1", 0, 1);
 * const stream: StreamRecord = {
 *   id: 1, key: streamKey(50, false, client), room: 50, local: false, client,
 *   gateway: "GW1", source: "G4ABC", destination: "ALL", startedAt: 0, heardKey: "G4ABC", lastFrameAt: 0, frames: 1,
 *   fich: undefined, header: undefined, prefixText: undefined,
 * };
 * equal(stream.key, 50);
 * ```
 */
export interface StreamRecord {
  /** Stream id, increasing. */
  readonly id: number;
  /** {@link streamKey}: the floor it holds. */
  readonly key: number;
  /** Its room (0 in single-room mode). */
  readonly room: number;
  /** In the local room: never relayed. */
  readonly local: boolean;
  /** The talking client. */
  readonly client: ClientRecord;
  /** YSFD bytes 4..13 of the first frame. */
  readonly gateway: string;
  /** YSFD bytes 14..23 (may be filled in later in single-room mode). */
  source: string;
  /** YSFD bytes 24..33. */
  readonly destination: string;
  /** When it started (clock ms). */
  readonly startedAt: number;
  /** Its key in the last-heard list (the source at the start). */
  readonly heardKey: string;
  /** Its last frame (clock ms). */
  lastFrameAt: number;
  /** Frames received. */
  frames: number;
  /** The header FICH (rooms mode). */
  readonly fich: Fich | undefined;
  /** The header callsigns (rooms mode). */
  readonly header: HeaderPayload | undefined;
  /** `NN/CALL` for prefixed copies, when `prefix` is on. */
  readonly prefixText: string | undefined;
}

/**
 * The key of the floor a stream holds: the room's DG-ID (0..127) for a
 * shared room, or 128 + the client id for a per-client floor (the local
 * room, and single-room mode where there is no floor control).
 *
 * @param room The DG-ID.
 * @param perClient Whether every client has its own floor.
 * @param client The talking client.
 * @returns The key.
 *
 * @example Keys
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ClientTable } from "./clients.ts";
 * import { streamKey } from "./streams.ts";
 *
 * const client = new ClientTable({ maxClients: 1, maxClientsPerIp: 1 })
 *   .create({ address: "192.0.2.1", port: 1 }, "main", "GW1", 0, 7);
 * equal(streamKey(9, false, client), 9);
 * equal(streamKey(1, true, client), 135);
 * ```
 */
export function streamKey(
  room: number,
  perClient: boolean,
  client: ClientRecord,
): number {
  return perClient ? 128 + client.id : room;
}

/**
 * The event view of a stream record.
 *
 * @param record The record.
 * @returns A plain copy.
 *
 * @example Converting
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ClientTable } from "./clients.ts";
 * import { streamInfo } from "./streams.ts";
 *
 * const client = new ClientTable({ maxClients: 1, maxClientsPerIp: 1 })
 *   .create({ address: "192.0.2.1", port: 1 }, "main", "GW1", 0, 1);
 * const info = streamInfo({
 *   id: 3, key: 0, room: 0, local: false, client, gateway: "GW1", source: "G4ABC",
 *   destination: "ALL", startedAt: 0, heardKey: "G4ABC", lastFrameAt: 0, frames: 1,
 *   fich: undefined, header: undefined, prefixText: undefined,
 * });
 * equal(info.client.callsign, "GW1");
 * ```
 */
export function streamInfo(record: StreamRecord): StreamInfo {
  return {
    id: record.id,
    room: record.room,
    local: record.local,
    client: summarizeClient(record.client),
    gateway: record.gateway,
    source: record.source,
    destination: record.destination,
    startedAt: record.startedAt,
    fich: record.fich === undefined ? undefined : { ...record.fich },
    header: record.header === undefined ? undefined : { ...record.header },
  };
}
