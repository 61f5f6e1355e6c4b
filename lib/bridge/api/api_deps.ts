/**
 * What the management API needs from the rest of the bridge, as small
 * interfaces: `SessionRegistry`, `BridgeStore` and `Lineup` satisfy them
 * as they are, and tests can use the real classes.
 *
 * @module
 */

import type { Channel } from "../channel.ts";
import type { ChannelMapping } from "../lineup/channel_mapping.ts";
import type { SessionRecord } from "../session/session.ts";
import type { SessionState } from "../session/session_state.ts";
import type { StoredSource } from "../store/store_records.ts";

/**
 * One live session, as the API uses it (a `Session`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ApiSession } from "./api_deps.ts";
 * import { SessionRegistry } from "../session/session_registry.ts";
 *
 * const registry = new SessionRegistry({ tunerCount: 1 });
 * const session: ApiSession = registry.open({ channel: { id: "c", guideNumber: "1", name: "One" } });
 * equal(session.snapshot().state, "starting");
 * await registry.close();
 * ```
 */
export interface ApiSession {
  /** Session id. */
  readonly id: string;
  /** A plain snapshot. */
  snapshot(): SessionRecord;
  /** Ends it; resolves once it is closed (tuner and upstream released). */
  close(reason: "terminated"): Promise<void>;
}

/**
 * The live sessions and tuners (a `SessionRegistry`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ApiSessions } from "./api_deps.ts";
 * import { SessionRegistry } from "../session/session_registry.ts";
 *
 * const sessions: ApiSessions = new SessionRegistry({ tunerCount: 2 });
 * equal(sessions.tunerCount, 2);
 * ```
 */
export interface ApiSessions {
  /** Tuners advertised. */
  readonly tunerCount: number;
  /** Tuners held by live sessions. */
  readonly tunersInUse: number;
  /** The live sessions, oldest first. */
  sessions(): readonly ApiSession[];
  /** The live session with this id. */
  get(id: string): ApiSession | undefined;
  /** Live sessions per state. */
  countByState(): Record<SessionState, number>;
}

/**
 * The stored sources and user mappings (a `BridgeStore`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ApiStore } from "./api_deps.ts";
 * import { BridgeStore } from "../store/bridge_store.ts";
 *
 * const store = new BridgeStore(":memory:");
 * const api: ApiStore = store;
 * equal(api.sources().length, 0);
 * store.close();
 * ```
 */
export interface ApiStore {
  /** Every source with its last refresh status. */
  sources(): StoredSource[];
  /** Every user mapping. */
  mappings(): ChannelMapping[];
  /** Stores a channel's mapping (a mapping that changes nothing is deleted). */
  setMapping(mapping: ChannelMapping): void;
  /** Removes a channel's mapping. */
  deleteMapping(channelId: string): boolean;
}

/**
 * The live lineup (a `Lineup`).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ApiLineup } from "./api_deps.ts";
 * import { Lineup } from "../lineup/lineup.ts";
 *
 * const lineup: ApiLineup = new Lineup();
 * equal(lineup.all().length, 0);
 * ```
 */
export interface ApiLineup {
  /** Every channel, disabled ones included, by GuideNumber. */
  all(): readonly Channel[];
  /** Increases when the lineup is replaced (lets viewers reload the channel list). */
  readonly version?: number;
}
