/**
 * The live lineup: an in-memory {@link ChannelLookup} whose channel list is
 * replaced atomically on refresh, so a request served during a refresh sees
 * either the old lineup or the new one, never a mix.
 *
 * @module
 */

import type { Channel, ChannelLookup } from "../channel.ts";
import { compareGuideNumbers, normalizeGuideNumber } from "./guide_number.ts";

interface Snapshot {
  all: readonly Channel[];
  enabled: readonly Channel[];
  byId: ReadonlyMap<string, Channel>;
  byNumber: ReadonlyMap<string, Channel>;
}

function freezeChannel(channel: Channel): Channel {
  return Object.freeze({
    ...channel,
    headers: Object.freeze({ ...channel.headers }),
  });
}

function snapshot(channels: readonly Channel[]): Snapshot {
  const all = channels.map(freezeChannel).sort((a, b) =>
    compareGuideNumbers(a.guideNumber, b.guideNumber)
  );
  const byId = new Map<string, Channel>();
  const byNumber = new Map<string, Channel>();
  for (const channel of all) {
    if (byId.has(channel.id)) {
      throw new TypeError(
        `Expected unique channel ids, found ${channel.id} twice`,
      );
    }
    byId.set(channel.id, channel);
    if (!channel.enabled) continue;
    const other = byNumber.get(channel.guideNumber);
    if (other) {
      throw new TypeError(
        `Expected unique GuideNumbers among enabled channels, found ${channel.guideNumber} for ${
          JSON.stringify(other.name)
        } and ${JSON.stringify(channel.name)}`,
      );
    }
    byNumber.set(channel.guideNumber, channel);
  }
  return {
    all: Object.freeze(all),
    enabled: Object.freeze(all.filter((c) => c.enabled)),
    byId,
    byNumber,
  };
}

/**
 * An in-memory lineup implementing {@link ChannelLookup}.
 *
 * @example Replace on refresh, look up by number or id
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { Lineup } from "./lineup.ts";
 *
 * const lineup = new Lineup();
 * lineup.replace([
 *   { id: "b", guideNumber: "10", name: "Ten", url: "http://a/10", enabled: true, headers: {} },
 *   { id: "a", guideNumber: "5.1", name: "Five", url: "http://a/5", enabled: true, headers: {} },
 *   { id: "c", guideNumber: "11", name: "Off", url: "http://a/11", enabled: false, headers: {} },
 * ]);
 * equal(lineup.channels().map((c) => c.guideNumber).join(), "5.1,10");
 * equal(lineup.byGuideNumber("10")?.name, "Ten");
 * equal(lineup.byId("c"), undefined); // disabled
 * equal(lineup.all().length, 3);
 * equal(lineup.version, 1);
 * ```
 */
export class Lineup implements ChannelLookup {
  #snapshot: Snapshot;
  #version = 0;

  /**
   * Creates a lineup.
   *
   * @param channels The initial channels (version 0).
   * @throws {TypeError} If ids, or GuideNumbers of enabled channels, repeat.
   */
  constructor(channels: readonly Channel[] = []) {
    this.#snapshot = snapshot(channels);
  }

  /**
   * Replaces every channel at once and increments {@link Lineup.version}.
   * On error nothing changes.
   *
   * @param channels The new channels (copied and frozen).
   * @throws {TypeError} If ids, or GuideNumbers of enabled channels, repeat.
   */
  replace(channels: readonly Channel[]): void {
    const next = snapshot(channels);
    this.#snapshot = next;
    this.#version++;
  }

  /** How many times {@link Lineup.replace} succeeded. */
  get version(): number {
    return this.#version;
  }

  /** Every enabled channel, ordered by GuideNumber (a frozen array). */
  channels(): readonly Channel[] {
    return this.#snapshot.enabled;
  }

  /** Every channel, disabled ones included, ordered by GuideNumber. */
  all(): readonly Channel[] {
    return this.#snapshot.all;
  }

  /**
   * The enabled channel with this GuideNumber (`"05"` finds `"5"`).
   *
   * @param guideNumber The number.
   * @returns The channel, or `undefined`.
   */
  byGuideNumber(guideNumber: string): Channel | undefined {
    const byNumber = this.#snapshot.byNumber;
    const exact = byNumber.get(guideNumber);
    if (exact) return exact;
    const normal = normalizeGuideNumber(guideNumber);
    return normal === undefined ? undefined : byNumber.get(normal);
  }

  /**
   * The enabled channel with this id.
   *
   * @param id The stable channel id.
   * @returns The channel, or `undefined`.
   */
  byId(id: string): Channel | undefined {
    const channel = this.#snapshot.byId.get(id);
    return channel?.enabled ? channel : undefined;
  }
}
