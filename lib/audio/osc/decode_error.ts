/**
 * {@link OscDecodeError}: a datagram that is not a well-formed OSC 1.0
 * packet.
 *
 * @module
 */

/**
 * Thrown by `decodePacket` for bytes that are not a well-formed OSC 1.0
 * packet: too large, truncated, misaligned, an unknown type tag, a bundle
 * nested too deeply. `offset` is the byte where the problem was found.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { OscDecodeError } from "./decode_error.ts";
 *
 * const error = new OscDecodeError("Expected an OSC string, found none", 4);
 * equal(error.name, "OscDecodeError");
 * equal(error.offset, 4);
 * ```
 */
export class OscDecodeError extends Error {
  /** The byte offset in the packet where decoding failed. */
  readonly offset: number;

  /**
   * @param message What was expected and what was found.
   * @param offset The byte offset of the problem.
   */
  constructor(message: string, offset: number) {
    super(message);
    this.name = "OscDecodeError";
    this.offset = offset;
  }
}
