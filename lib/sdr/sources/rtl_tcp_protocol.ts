/**
 * The rtl_tcp wire protocol (osmocom `rtl_tcp`, also spoken by SDR++,
 * rtl_tcp_andro and others): on connect the server sends a 12-byte header,
 * `"RTL0"`, the tuner type and the number of tuner gains (both u32 big
 * endian), then an endless stream of u8 I,Q samples. The client sends
 * 5-byte commands: a command byte and a u32 big-endian parameter.
 *
 * @module
 */

/**
 * Length of the server's greeting.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeRtlTcpHeader, RTL_TCP_HEADER_BYTES } from "./rtl_tcp_protocol.ts";
 *
 * equal(encodeRtlTcpHeader(5, 29).length, RTL_TCP_HEADER_BYTES);
 * ```
 */
export const RTL_TCP_HEADER_BYTES = 12;

/**
 * Length of one client command.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RTL_TCP_COMMAND_BYTES } from "./rtl_tcp_protocol.ts";
 *
 * equal(RTL_TCP_COMMAND_BYTES, 5);
 * ```
 */
export const RTL_TCP_COMMAND_BYTES = 5;

/**
 * Client command codes.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RtlTcpCommand } from "./rtl_tcp_protocol.ts";
 *
 * equal(RtlTcpCommand.SetFrequency, 0x01);
 * ```
 */
export const RtlTcpCommand = {
  /** Centre frequency in Hz. */
  SetFrequency: 0x01,
  /** Sample rate in samples per second. */
  SetSampleRate: 0x02,
  /** 0 = automatic tuner gain, 1 = manual. */
  SetGainMode: 0x03,
  /** Tuner gain in tenths of a dB (manual mode). */
  SetGain: 0x04,
  /** Frequency correction in ppm (signed). */
  SetFrequencyCorrection: 0x05,
  /** IF gain: stage << 16 | gain in tenths of a dB (E4000 only). */
  SetIfGain: 0x06,
  /** 1 = the RTL2832's 8-bit counter test mode. */
  SetTestMode: 0x07,
  /** 1 = the RTL2832's digital AGC on. */
  SetAgcMode: 0x08,
  /** 0 = off, 1 = I branch, 2 = Q branch (HF direct sampling). */
  SetDirectSampling: 0x09,
  /** 1 = offset tuning on (E4000). */
  SetOffsetTuning: 0x0a,
  /** RTL2832 crystal frequency in Hz. */
  SetRtlXtal: 0x0b,
  /** Tuner crystal frequency in Hz. */
  SetTunerXtal: 0x0c,
  /** Tuner gain by index into the tuner's gain table. */
  SetGainByIndex: 0x0d,
  /** 1 = bias tee (antenna power) on. */
  SetBiasTee: 0x0e,
} as const;

/**
 * A client command code.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RtlTcpCommand, type RtlTcpCommandCode } from "./rtl_tcp_protocol.ts";
 *
 * const code: RtlTcpCommandCode = RtlTcpCommand.SetBiasTee;
 * equal(code, 0x0e);
 * ```
 */
export type RtlTcpCommandCode =
  typeof RtlTcpCommand[keyof typeof RtlTcpCommand];

/** Tuner names by the header's tuner type (librtlsdr's `rtlsdr_tuner`). */
const TUNER_NAMES = [
  "unknown",
  "E4000",
  "FC0012",
  "FC0013",
  "FC2580",
  "R820T",
  "R828D",
] as const;

/**
 * The server's 12-byte greeting.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { RtlTcpHeader } from "./rtl_tcp_protocol.ts";
 *
 * const header: RtlTcpHeader = { tunerType: 5, tunerName: "R820T", gainCount: 29 };
 * equal(header.tunerName, "R820T");
 * ```
 */
export interface RtlTcpHeader {
  /** librtlsdr tuner type (5 = R820T, 6 = R828D). */
  tunerType: number;
  /** Tuner name, or `"unknown"` / `"type N"`. */
  tunerName: string;
  /** Number of discrete gains the tuner supports. */
  gainCount: number;
}

/**
 * Thrown when a peer does not speak rtl_tcp (wrong magic).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RtlTcpProtocolError } from "./rtl_tcp_protocol.ts";
 *
 * equal(new RtlTcpProtocolError("x").name, "RtlTcpProtocolError");
 * ```
 */
export class RtlTcpProtocolError extends Error {
  /**
   * @param message What was expected and what was found.
   */
  constructor(message: string) {
    super(message);
    this.name = "RtlTcpProtocolError";
  }
}

/**
 * Parses the server's greeting.
 *
 * @param bytes At least 12 bytes.
 * @returns The tuner type, name and gain count.
 * @throws {RtlTcpProtocolError} Unless the bytes start with `"RTL0"`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { encodeRtlTcpHeader, parseRtlTcpHeader } from "./rtl_tcp_protocol.ts";
 *
 * deepEqual(parseRtlTcpHeader(encodeRtlTcpHeader(5, 29)), {
 *   tunerType: 5, tunerName: "R820T", gainCount: 29,
 * });
 * ```
 */
export function parseRtlTcpHeader(bytes: Uint8Array): RtlTcpHeader {
  if (
    bytes.length < RTL_TCP_HEADER_BYTES || bytes[0] !== 0x52 ||
    bytes[1] !== 0x54 || bytes[2] !== 0x4c || bytes[3] !== 0x30
  ) {
    const found = Array.from(
      bytes.subarray(0, Math.min(bytes.length, RTL_TCP_HEADER_BYTES)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join(" ");
    throw new RtlTcpProtocolError(
      `Expected an rtl_tcp header starting with "RTL0" (52 54 4c 30), found ${
        found || "no bytes"
      }`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tunerType = view.getUint32(4);
  return {
    tunerType,
    tunerName: TUNER_NAMES[tunerType] ?? `type ${tunerType}`,
    gainCount: view.getUint32(8),
  };
}

/**
 * Builds a server greeting (for fake servers in tests and tools).
 *
 * @param tunerType librtlsdr tuner type.
 * @param gainCount Number of gains.
 * @returns 12 bytes.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeRtlTcpHeader } from "./rtl_tcp_protocol.ts";
 *
 * equal(new TextDecoder().decode(encodeRtlTcpHeader(5, 29).subarray(0, 4)), "RTL0");
 * ```
 */
export function encodeRtlTcpHeader(
  tunerType: number,
  gainCount: number,
): Uint8Array {
  const bytes = new Uint8Array(RTL_TCP_HEADER_BYTES);
  bytes.set([0x52, 0x54, 0x4c, 0x30]);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, tunerType >>> 0);
  view.setUint32(8, gainCount >>> 0);
  return bytes;
}

/**
 * Writes one 5-byte command into `out` at `offset`. The parameter is an
 * integer from −2^31 to 2^32 − 1; negative values (a negative ppm) are sent
 * as two's complement, as rtl_tcp reads them back into an `int`.
 *
 * @param out Destination with 5 bytes free from `offset`.
 * @param offset Where the command starts.
 * @param command The command code.
 * @param value The parameter.
 * @returns `offset + 5`.
 * @throws {RangeError} For a parameter that is not an integer in range or a
 * command that is not a byte.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { encodeRtlTcpCommand, RtlTcpCommand } from "./rtl_tcp_protocol.ts";
 *
 * const out = new Uint8Array(5);
 * encodeRtlTcpCommand(out, 0, RtlTcpCommand.SetFrequency, 100_000_000);
 * deepEqual([...out], [0x01, 0x05, 0xf5, 0xe1, 0x00]);
 * ```
 */
export function encodeRtlTcpCommand(
  out: Uint8Array,
  offset: number,
  command: number,
  value: number,
): number {
  if (!Number.isInteger(command) || command < 0 || command > 255) {
    throw new RangeError(
      `Expected an rtl_tcp command byte from 0 to 255, found ${command}`,
    );
  }
  if (!Number.isInteger(value) || value < -(2 ** 31) || value > 2 ** 32 - 1) {
    throw new RangeError(
      `Expected an rtl_tcp parameter from -2^31 to 2^32-1, found ${value}`,
    );
  }
  const v = value >>> 0;
  out[offset] = command;
  out[offset + 1] = v >>> 24;
  out[offset + 2] = (v >>> 16) & 0xff;
  out[offset + 3] = (v >>> 8) & 0xff;
  out[offset + 4] = v & 0xff;
  return offset + RTL_TCP_COMMAND_BYTES;
}
