/**
 * User mappings: what a user changed about a channel (number, name,
 * enabled), keyed by the channel's stable id and applied on top of every
 * refresh by `buildLineup`.
 *
 * @module
 */

/**
 * A user's change to one channel; fields left out keep the playlist's value.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ChannelMapping } from "./channel_mapping.ts";
 *
 * const mapping: ChannelMapping = { channelId: "0123456789abcdef", guideNumber: "5", enabled: true };
 * equal(mapping.guideNumber, "5");
 * ```
 */
export interface ChannelMapping {
  /** The stable id of the channel. */
  channelId: string;
  /** The GuideNumber to use instead of the automatic one. */
  guideNumber?: string;
  /** The name to use instead of the playlist's. */
  name?: string;
  /** False hides the channel from the lineup; true shows it. */
  enabled?: boolean;
}
