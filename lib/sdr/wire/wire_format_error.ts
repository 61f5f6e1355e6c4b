/**
 * The error the wire-format decoders throw on malformed input.
 *
 * @module
 */

/**
 * Thrown by the wire-format decoders (CBOR packets, FLAC streams) when the
 * bytes do not have the expected shape. The message says what was expected
 * and what was found.
 *
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { decodeWaterfallPacket } from "./waterfall_packet.ts";
 * import { WireFormatError } from "./wire_format_error.ts";
 *
 * throws(() => decodeWaterfallPacket(new Uint8Array([0xa0])), WireFormatError);
 * equal(new WireFormatError("x").name, "WireFormatError");
 * ```
 */
export class WireFormatError extends Error {
  /**
   * Creates the error.
   *
   * @param message What was expected and what was found.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WireFormatError";
  }
}
