/**
 * A user's change to one channel through the API (`PATCH
 * /api/channels/<id>`): validated, merged into the channel's stored
 * mapping, and checked for GuideNumber conflicts before it is stored.
 *
 * @module
 */

import type { Channel } from "../channel.ts";
import type { ChannelMapping } from "../lineup/channel_mapping.ts";
import { normalizeGuideNumber } from "../lineup/guide_number.ts";
import { ApiError } from "./api_error.ts";
import { describeJson } from "./json_body.ts";

/**
 * A validated change. `null` removes the user's value (the playlist's
 * number or name comes back).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ChannelPatch } from "./channel_patch.ts";
 *
 * const patch: ChannelPatch = { guideNumber: "7", name: null };
 * equal(patch.guideNumber, "7");
 * ```
 */
export interface ChannelPatch {
  /** Show or hide the channel. */
  enabled?: boolean;
  /** The new GuideNumber (normalised), or `null` for the automatic one. */
  guideNumber?: string | null;
  /** The new name (trimmed), or `null` for the playlist's. */
  name?: string | null;
}

const FIELDS = ["enabled", "guideNumber", "name"];
const MAX_NAME = 200;
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Validates a PATCH body: an object with at least one of `enabled`
 * (boolean), `guideNumber` (like `7` or `"5.1"`, or `null`) and `name`
 * (1 to 200 characters without control characters, or `null`), and
 * nothing else.
 *
 * @param body The parsed JSON object.
 * @returns The change.
 * @throws {ApiError} 400 naming the field, what was expected and what was found.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, throws } from "node:assert/strict";
 * import { parseChannelPatch } from "./channel_patch.ts";
 *
 * deepEqual(parseChannelPatch({ guideNumber: "007", enabled: true }), { guideNumber: "7", enabled: true });
 * throws(() => parseChannelPatch({ enabled: "yes" }), /Expected enabled to be a boolean, found a string/);
 * throws(() => parseChannelPatch({ colour: "red" }), /found "colour"/);
 * ```
 */
export function parseChannelPatch(body: Record<string, unknown>): ChannelPatch {
  const keys = Object.keys(body);
  const unknown = keys.find((key) => !FIELDS.includes(key));
  if (unknown !== undefined) {
    throw new ApiError(
      400,
      `Expected only enabled, guideNumber and name, found ${
        JSON.stringify(unknown.slice(0, 40))
      }`,
    );
  }
  if (keys.length === 0) {
    throw new ApiError(
      400,
      "Expected at least one of enabled, guideNumber and name, found none",
    );
  }
  const patch: ChannelPatch = {};
  if ("enabled" in body) {
    if (typeof body.enabled !== "boolean") {
      throw new ApiError(
        400,
        `Expected enabled to be a boolean, found ${describeJson(body.enabled)}`,
      );
    }
    patch.enabled = body.enabled;
  }
  if ("guideNumber" in body) {
    const value = body.guideNumber;
    if (value === null) patch.guideNumber = null;
    else if (typeof value === "string" || typeof value === "number") {
      const number = normalizeGuideNumber(
        typeof value === "number" ? String(value) : value.slice(0, 40),
      );
      if (number === undefined) {
        throw new ApiError(
          400,
          `Expected guideNumber like 7 or 5.1, found ${
            JSON.stringify(String(value).slice(0, 40))
          }`,
        );
      }
      patch.guideNumber = number;
    } else {
      throw new ApiError(
        400,
        `Expected guideNumber to be a string, a number or null, found ${
          describeJson(value)
        }`,
      );
    }
  }
  if ("name" in body) {
    const value = body.name;
    if (value === null) patch.name = null;
    else if (typeof value === "string") {
      const name = value.trim();
      if (name === "" || name.length > MAX_NAME || CONTROL.test(name)) {
        throw new ApiError(
          400,
          `Expected name to be 1 to ${MAX_NAME} characters without control characters, found ${name.length} characters`,
        );
      }
      patch.name = name;
    } else {
      throw new ApiError(
        400,
        `Expected name to be a string or null, found ${describeJson(value)}`,
      );
    }
  }
  return patch;
}

/**
 * Applies a change to a channel's stored mapping.
 *
 * @param channelId The channel.
 * @param previous Its mapping so far, if any.
 * @param patch The change.
 * @returns The new mapping (fields set to `null` are left out).
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { mergeChannelPatch } from "./channel_patch.ts";
 *
 * deepEqual(
 *   mergeChannelPatch("a", { channelId: "a", guideNumber: "7", name: "Seven" }, { name: null, enabled: false }),
 *   { channelId: "a", guideNumber: "7", enabled: false },
 * );
 * ```
 */
export function mergeChannelPatch(
  channelId: string,
  previous: ChannelMapping | undefined,
  patch: ChannelPatch,
): ChannelMapping {
  const mapping: ChannelMapping = { channelId };
  const guideNumber = patch.guideNumber === undefined
    ? previous?.guideNumber
    : patch.guideNumber ?? undefined;
  const name = patch.name === undefined
    ? previous?.name
    : patch.name ?? undefined;
  const enabled = patch.enabled ?? previous?.enabled;
  if (guideNumber !== undefined) mapping.guideNumber = guideNumber;
  if (name !== undefined) mapping.name = name;
  if (enabled !== undefined) mapping.enabled = enabled;
  return mapping;
}

/**
 * Finds what already holds a GuideNumber: another channel of the lineup
 * (enabled or not: numbers are unique across the whole lineup), or another
 * channel's stored mapping (whose channel may be missing from this
 * refresh).
 *
 * @param number The normalised GuideNumber wanted.
 * @param channelId The channel that wants it.
 * @param channels Every channel of the lineup.
 * @param mappings Every stored mapping.
 * @returns What holds it (`used by "Name" (id)` or `mapped to channel
 *   <id>`), or `undefined` if it is free.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { guideNumberConflict } from "./channel_patch.ts";
 *
 * const channels = [
 *   { id: "a", guideNumber: "1", name: "One", url: "", enabled: true, headers: {} },
 *   { id: "b", guideNumber: "2", name: "Two", url: "", enabled: false, headers: {} },
 * ];
 * equal(guideNumberConflict("2", "a", channels, []), 'used by "Two" (b)');
 * equal(guideNumberConflict("3", "a", channels, [{ channelId: "gone", guideNumber: "3" }]), "mapped to channel gone");
 * equal(guideNumberConflict("1", "a", channels, []), undefined);
 * ```
 */
export function guideNumberConflict(
  number: string,
  channelId: string,
  channels: readonly Channel[],
  mappings: readonly ChannelMapping[],
): string | undefined {
  for (const channel of channels) {
    if (channel.id !== channelId && channel.guideNumber === number) {
      return `used by ${JSON.stringify(channel.name)} (${channel.id})`;
    }
  }
  for (const mapping of mappings) {
    if (
      mapping.channelId !== channelId && mapping.guideNumber !== undefined &&
      normalizeGuideNumber(mapping.guideNumber) === number
    ) {
      return `mapped to channel ${mapping.channelId}`;
    }
  }
  return undefined;
}
