/**
 * A compact binary form of {@linkcode EngineCommand} for the supervisor →
 * worker pipe, and its strict decoder.
 *
 * Layout (little-endian): `u8 kind code` (index in `COMMAND_KINDS` + 1),
 * `f64 seq`, `f64 frame` (safe integers, exact in a float64), then the
 * kind's fields in declaration order: strings as `u8 byteLength` + UTF-8,
 * numbers as `f64`, node ids and add actions as `i32`, `on` as `u8 0|1`,
 * lists as `u8 count` + items (controls: string, f64). A `set` of
 * `filter1.cutoff` is 40 bytes.
 *
 * The decoder rejects truncated input, trailing bytes, unknown kinds,
 * invalid UTF-8, a gate byte other than 0/1 and a `seq`/`frame` that is not
 * a safe integer >= 0, with a RangeError saying what it expected and found.
 *
 * @module
 */

import {
  checkCommandTiming,
  COMMAND_KINDS,
  type ControlPair,
  type EngineCommand,
  MAX_COMMAND_CONTROLS,
  MAX_COMMAND_NODES,
} from "./commands.ts";

/**
 * The longest string field, in UTF-8 bytes.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { MAX_STRING_BYTES } from "./command_codec.ts";
 *
 * equal(MAX_STRING_BYTES, 255);
 * ```
 */
export const MAX_STRING_BYTES = 255;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

class Writer {
  #bytes = new Uint8Array(64);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;

  #reserve(n: number): void {
    if (this.#length + n <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < this.#length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = next;
    this.#view = new DataView(next.buffer);
  }

  u8(value: number): void {
    this.#reserve(1);
    this.#view.setUint8(this.#length, value);
    this.#length += 1;
  }

  i32(name: string, value: number): void {
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
      throw new RangeError(
        `Expected ${name} to be a 32-bit integer but found ${value}`,
      );
    }
    this.#reserve(4);
    this.#view.setInt32(this.#length, value, true);
    this.#length += 4;
  }

  f64(name: string, value: number): void {
    if (typeof value !== "number") {
      throw new TypeError(
        `Expected ${name} to be a number but found ${typeof value}`,
      );
    }
    this.#reserve(8);
    this.#view.setFloat64(this.#length, value, true);
    this.#length += 8;
  }

  str(name: string, value: string): void {
    if (typeof value !== "string") {
      throw new TypeError(
        `Expected ${name} to be a string but found ${typeof value}`,
      );
    }
    const bytes = encoder.encode(value);
    if (bytes.length > MAX_STRING_BYTES) {
      throw new RangeError(
        `Expected ${name} of at most ${MAX_STRING_BYTES} UTF-8 bytes but found ${bytes.length}`,
      );
    }
    this.u8(bytes.length);
    this.#reserve(bytes.length);
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  count(name: string, length: number, max: number): void {
    if (length > max) {
      throw new RangeError(
        `Expected at most ${max} ${name} but found ${length}`,
      );
    }
    this.u8(length);
  }

  done(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

class Reader {
  readonly #view: DataView;
  readonly #bytes: Uint8Array;
  #offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #need(n: number, what: string): void {
    const left = this.#bytes.length - this.#offset;
    if (left < n) {
      throw new RangeError(
        `Expected ${n} bytes of ${what} at offset ${this.#offset} but found ${left}`,
      );
    }
  }

  u8(what: string): number {
    this.#need(1, what);
    return this.#view.getUint8(this.#offset++);
  }

  i32(what: string): number {
    this.#need(4, what);
    const v = this.#view.getInt32(this.#offset, true);
    this.#offset += 4;
    return v;
  }

  f64(what: string): number {
    this.#need(8, what);
    const v = this.#view.getFloat64(this.#offset, true);
    this.#offset += 8;
    return v;
  }

  str(what: string): string {
    const length = this.u8(`${what} length`);
    this.#need(length, what);
    const start = this.#offset;
    this.#offset += length;
    try {
      return decoder.decode(this.#bytes.subarray(start, start + length));
    } catch (cause) {
      throw new RangeError(
        `Expected valid UTF-8 in ${what} at offset ${start} but found invalid bytes`,
        { cause },
      );
    }
  }

  end(): void {
    const left = this.#bytes.length - this.#offset;
    if (left !== 0) {
      throw new RangeError(
        `Expected the command to end at offset ${this.#offset} but found ${left} more bytes`,
      );
    }
  }
}

function writeControls(w: Writer, controls: readonly ControlPair[]): void {
  w.count("controls", controls.length, MAX_COMMAND_CONTROLS);
  for (const [name, value] of controls) {
    w.str("control name", name);
    w.f64("control value", value);
  }
}

function readControls(r: Reader): ControlPair[] {
  const n = r.u8("control count");
  if (n > MAX_COMMAND_CONTROLS) {
    throw new RangeError(
      `Expected at most ${MAX_COMMAND_CONTROLS} controls but found ${n}`,
    );
  }
  const controls: ControlPair[] = [];
  for (let i = 0; i < n; i++) {
    controls.push([r.str("control name"), r.f64("control value")]);
  }
  return controls;
}

function writeIds(w: Writer, name: string, ids: readonly number[]): void {
  w.count(name, ids.length, MAX_COMMAND_NODES);
  for (const id of ids) w.i32(name, id);
}

function readIds(r: Reader, name: string): number[] {
  const n = r.u8(`${name} count`);
  if (n > MAX_COMMAND_NODES) {
    throw new RangeError(
      `Expected at most ${MAX_COMMAND_NODES} ${name} but found ${n}`,
    );
  }
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(r.i32(name));
  return ids;
}

/**
 * Encodes a command.
 *
 * @param command The command.
 * @returns Its bytes (a new array).
 * @throws {RangeError} For a `seq`/`frame` that is not a safe integer >= 0,
 * a string over 255 UTF-8 bytes, an id outside 32 bits or a list over 64
 * items.
 * @throws {TypeError} For a field of the wrong type or an unknown kind.
 *
 * @example Round trip
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { decodeCommand, encodeCommand } from "./command_codec.ts";
 *
 * const cmd = { kind: "set", seq: 1, frame: 480, module: "filter1", param: "cutoff", value: 800 } as const;
 * const bytes = encodeCommand(cmd);
 * equal(bytes.length, 40);
 * deepEqual(decodeCommand(bytes), cmd);
 * ```
 */
export function encodeCommand(command: EngineCommand): Uint8Array {
  checkCommandTiming(command);
  const code = COMMAND_KINDS.indexOf(command.kind);
  if (code < 0) {
    throw new TypeError(
      `Expected a command kind (${COMMAND_KINDS.join(", ")}) but found ${
        JSON.stringify((command as { kind: unknown }).kind)
      }`,
    );
  }
  const w = new Writer();
  w.u8(code + 1);
  w.f64("seq", command.seq);
  w.f64("frame", command.frame);
  switch (command.kind) {
    case "set":
      w.str("module", command.module);
      w.str("param", command.param);
      w.f64("value", command.value);
      break;
    case "gate":
      w.str("module", command.module);
      w.u8(command.on ? 1 : 0);
      break;
    case "patch_create":
      w.str("id", command.id);
      w.str("type", command.type);
      break;
    case "patch_connect":
    case "patch_disconnect":
      w.str("from", command.from);
      w.str("to", command.to);
      break;
    case "patch_clear":
    case "patch_commit":
    case "patch_abort":
      break;
    case "s_new":
      w.str("defName", command.defName);
      w.i32("nodeId", command.nodeId);
      w.i32("addAction", command.addAction);
      w.i32("target", command.target);
      writeControls(w, command.controls);
      break;
    case "n_set":
      w.i32("nodeId", command.nodeId);
      writeControls(w, command.controls);
      break;
    case "n_free":
      writeIds(w, "nodeIds", command.nodeIds);
      break;
    case "g_new":
      w.i32("groupId", command.groupId);
      w.i32("addAction", command.addAction);
      w.i32("target", command.target);
      break;
    case "g_freeAll":
      writeIds(w, "groupIds", command.groupIds);
      break;
  }
  return w.done();
}

/**
 * Decodes one command (the whole of `bytes`).
 *
 * @param bytes The encoded command.
 * @returns The command.
 * @throws {RangeError} For truncated input, trailing bytes, an unknown
 * kind code, invalid UTF-8, a gate byte other than 0/1, or a `seq`/`frame`
 * that is not a safe integer >= 0.
 *
 * @example Truncated input
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { decodeCommand, encodeCommand } from "./command_codec.ts";
 *
 * const bytes = encodeCommand({ kind: "patch_commit", seq: 3, frame: 0 });
 * throws(() => decodeCommand(bytes.subarray(0, 10)), RangeError);
 * throws(() => decodeCommand(new Uint8Array([99])), RangeError);
 * ```
 */
export function decodeCommand(bytes: Uint8Array): EngineCommand {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `Expected a Uint8Array but found ${
        Object.prototype.toString.call(bytes)
      }`,
    );
  }
  const r = new Reader(bytes);
  const code = r.u8("kind");
  const kind = COMMAND_KINDS[code - 1];
  if (kind === undefined) {
    throw new RangeError(
      `Expected a command kind code from 1 to ${COMMAND_KINDS.length} but found ${code}`,
    );
  }
  const seq = r.f64("seq");
  const frame = r.f64("frame");
  checkCommandTiming({ seq, frame });
  let command: EngineCommand;
  switch (kind) {
    case "set":
      command = {
        kind,
        seq,
        frame,
        module: r.str("module"),
        param: r.str("param"),
        value: r.f64("value"),
      };
      break;
    case "gate": {
      const module = r.str("module");
      const on = r.u8("on");
      if (on > 1) {
        throw new RangeError(`Expected a gate byte 0 or 1 but found ${on}`);
      }
      command = { kind, seq, frame, module, on: on === 1 };
      break;
    }
    case "patch_create":
      command = { kind, seq, frame, id: r.str("id"), type: r.str("type") };
      break;
    case "patch_connect":
    case "patch_disconnect":
      command = { kind, seq, frame, from: r.str("from"), to: r.str("to") };
      break;
    case "patch_clear":
    case "patch_commit":
    case "patch_abort":
      command = { kind, seq, frame };
      break;
    case "s_new":
      command = {
        kind,
        seq,
        frame,
        defName: r.str("defName"),
        nodeId: r.i32("nodeId"),
        addAction: r.i32("addAction"),
        target: r.i32("target"),
        controls: readControls(r),
      };
      break;
    case "n_set":
      command = {
        kind,
        seq,
        frame,
        nodeId: r.i32("nodeId"),
        controls: readControls(r),
      };
      break;
    case "n_free":
      command = { kind, seq, frame, nodeIds: readIds(r, "nodeIds") };
      break;
    case "g_new":
      command = {
        kind,
        seq,
        frame,
        groupId: r.i32("groupId"),
        addAction: r.i32("addAction"),
        target: r.i32("target"),
      };
      break;
    case "g_freeAll":
      command = { kind, seq, frame, groupIds: readIds(r, "groupIds") };
      break;
  }
  r.end();
  return command;
}
