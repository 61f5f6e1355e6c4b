/**
 * Client → server text commands (sdr-phantomsdr.md §2.4): JSON objects
 * tagged by `"cmd"`, parsed leniently and validated strictly, never
 * throwing.
 *
 * Lenient: keys in any order, unknown keys ignored, numbers given as JSON
 * numbers or numeric strings, enum strings in any case (and trimmed).
 * Non-integer bins are rounded the way the frontend does it (audio `l`, `r`
 * floored; waterfall `l` floored and `r` rounded up, covering the request).
 *
 * Strict: the command must exist, belong to the socket it arrived on and
 * have every field in range:
 *
 * - audio `window`: `m` required and finite; `0 ≤ l ≤ r ≤ fft_result_size`
 *   (PhantomSDR also accepts `l == r`, an empty passband the frontend can
 *   send at zero bandwidth), `r − l ≤ audio_max_fft`, and the carrier within
 *   one audio FFT of the passband (`l − audio_max_fft ≤ m ≤ r +
 *   audio_max_fft`; CW puts `m` just outside it).
 * - waterfall `window`: `0 ≤ l < r ≤ fft_result_size` (PhantomSDR checks
 *   no upper bound and can read out of bounds).
 * - `demodulation`: one of the modes the server supports.
 * - booleans (`mute`, `enabled`, `opus`) must be JSON booleans.
 *
 * Input longer than `maxLength` (default 1024, PhantomSDR's truncation
 * length; a truncated JSON text would not parse either) is rejected before
 * parsing. Rejections carry a reason from the fixed set
 * {@linkcode COMMAND_REJECTIONS} and a message saying what was expected and
 * what was found.
 *
 * @module
 */

/** The socket a command arrived on. */
export type CommandSocket = "audio" | "waterfall" | "events" | "chat";

/** Server demodulator names on the wire (original + Plus variants). */
export const DEMODULATIONS = [
  "USB",
  "LSB",
  "AM",
  "FM",
  "SAM",
  "AM-ENV",
  "AM-S",
] as const;

/** A demodulator name. */
export type Demodulation = typeof DEMODULATIONS[number];

/** `agc` speeds (Steven v2 / NovaSDR presets). */
export const AGC_SPEEDS = [
  "off",
  "fast",
  "medium",
  "slow",
  "default",
  "custom",
] as const;

/** An `agc` speed. */
export type AgcSpeed = typeof AGC_SPEEDS[number];

/** sv1btl noise-gate presets. */
export const NOISE_GATE_PRESETS = [
  "balanced",
  "aggressive",
  "weak-signal",
  "smooth",
  "maximum",
  "cw",
  "am-fm",
] as const;

/** A noise-gate preset. */
export type NoiseGatePreset = typeof NOISE_GATE_PRESETS[number];

/** Audio codecs a client may ask for with `set_codec`. */
export const AUDIO_CODECS = ["flac", "opus", "pcm"] as const;

/** An audio codec name. */
export type AudioCodecName = typeof AUDIO_CODECS[number];

/** Why a command was rejected. */
export const COMMAND_REJECTIONS = [
  "too_long",
  "not_text",
  "invalid_json",
  "not_an_object",
  "missing_cmd",
  "unknown_cmd",
  "wrong_socket",
  "missing_field",
  "invalid_type",
  "out_of_range",
  "invalid_window",
  "unknown_mode",
  "invalid_value",
] as const;

/** A rejection reason. */
export type CommandRejection = typeof COMMAND_REJECTIONS[number];

/** `window`: a new passband (`/audio`) or view (`/waterfall`), in bins. */
export interface WindowCommand {
  /** Tag. */
  cmd: "window";
  /** First bin. */
  l: number;
  /** End bin (exclusive). */
  r: number;
  /** Carrier bin (fractional); always set on `/audio`, never on `/waterfall`. */
  m?: number;
}

/** `demodulation`: switch the demodulator. */
export interface DemodulationCommand {
  /** Tag. */
  cmd: "demodulation";
  /** The mode (upper case). */
  demodulation: Demodulation;
}

/** `userid`: the client's random id (first 32 characters kept). */
export interface UserIdCommand {
  /** Tag. */
  cmd: "userid";
  /** The id, at most 32 characters. */
  userid: string;
}

/** `mute`: stored, not acted upon by PhantomSDR. */
export interface MuteCommand {
  /** Tag. */
  cmd: "mute";
  /** Muted or not. */
  mute: boolean;
}

/** `options`: sent by the original frontend, ignored by every server. */
export interface OptionsCommand {
  /** Tag. */
  cmd: "options";
}

/** `agc` (Steven v2): AGC preset, or custom attack/release in ms. */
export interface AgcCommand {
  /** Tag. */
  cmd: "agc";
  /** Preset. */
  speed: AgcSpeed;
  /** Attack in ms (required for "custom"). */
  attack?: number;
  /** Release in ms (required for "custom"). */
  release?: number;
}

/** `buffer` (Steven v2): client-side buffer size, logged only. */
export interface BufferCommand {
  /** Tag. */
  cmd: "buffer";
  /** The size as sent (at most 32 characters). */
  size: string;
}

/** `noise_gate_enable` / `agc_enable` (sv1btl). */
export interface EnableCommand {
  /** Tag. */
  cmd: "noise_gate_enable" | "agc_enable";
  /** On or off. */
  enabled: boolean;
}

/** `noise_gate_preset` (sv1btl). */
export interface NoiseGatePresetCommand {
  /** Tag. */
  cmd: "noise_gate_preset";
  /** The preset. */
  preset: NoiseGatePreset;
}

/** `codec_caps` (sv1btl): whether the client can decode Opus. */
export interface CodecCapsCommand {
  /** Tag. */
  cmd: "codec_caps";
  /** Opus decoding available. */
  opus: boolean;
}

/** `set_codec` (sv1btl): switch the audio codec. */
export interface SetCodecCommand {
  /** Tag. */
  cmd: "set_codec";
  /** The codec. */
  codec: AudioCodecName;
}

/** `chat` (Plus, `/chat` socket). */
export interface ChatCommand {
  /** Tag. */
  cmd: "chat";
  /** Trimmed, at most 14 characters. */
  username: string;
  /** Trimmed, 1 to 200 characters. */
  message: string;
  /** Steven v2: the sender's id. */
  userId?: string;
  /** Steven v2: id of the message replied to. */
  replyToId?: string;
  /** Steven v2: username replied to. */
  replyToUsername?: string;
}

/** A parsed, validated command. */
export type Command =
  | WindowCommand
  | DemodulationCommand
  | UserIdCommand
  | MuteCommand
  | OptionsCommand
  | AgcCommand
  | BufferCommand
  | EnableCommand
  | NoiseGatePresetCommand
  | CodecCapsCommand
  | SetCodecCommand
  | ChatCommand;

/** The result of {@linkcode parseCommand}. */
export type ParseCommandResult =
  | { ok: true; command: Command }
  | { ok: false; reason: CommandRejection; message: string };

/** Options of {@linkcode parseCommand}. */
export interface ParseCommandOptions {
  /** The socket the text arrived on. */
  socket: CommandSocket;
  /** Usable bins: N (IQ) or N/2 (real). */
  fftResultSize: number;
  /** `audio_max_fft`: widest audio window in bins. */
  audioMaxFft: number;
  /** Longest accepted text in UTF-16 code units (default 1024). */
  maxLength?: number;
  /** Modes the server implements (default all of {@linkcode DEMODULATIONS}). */
  demodulations?: readonly Demodulation[];
}

/** Sockets each command is valid on. */
const SOCKETS: Record<Command["cmd"], readonly CommandSocket[]> = {
  window: ["audio", "waterfall"],
  demodulation: ["audio"],
  userid: ["audio", "waterfall", "events"],
  mute: ["audio"],
  options: ["audio"],
  agc: ["audio"],
  buffer: ["audio"],
  noise_gate_enable: ["audio"],
  noise_gate_preset: ["audio"],
  agc_enable: ["audio"],
  codec_caps: ["audio"],
  set_codec: ["audio"],
  chat: ["chat"],
};

const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Internal: a rejection thrown inside the validators, caught at the top. */
class Rejection {
  constructor(readonly reason: CommandRejection, readonly message: string) {}
}

function reject(reason: CommandRejection, message: string): never {
  throw new Rejection(reason, message);
}

function show(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === "string") {
    return `string ${
      JSON.stringify(value.length > 24 ? value.slice(0, 24) + "…" : value)
    }`;
  }
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

type JsonObject = Record<string, unknown>;

function get(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function requireField(object: JsonObject, key: string): unknown {
  const value = get(object, key);
  if (value === undefined || value === null) {
    reject("missing_field", `Expected a "${key}" field, found none`);
  }
  return value;
}

function number(object: JsonObject, key: string, required: true): number;
function number(
  object: JsonObject,
  key: string,
  required: false,
): number | undefined;
function number(
  object: JsonObject,
  key: string,
  required: boolean,
): number | undefined {
  const value = required ? requireField(object, key) : get(object, key);
  if (value === undefined || value === null) return undefined;
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && NUMERIC.test(value)) n = Number(value);
  else {
    return reject(
      "invalid_type",
      `Expected "${key}" to be a number, found ${show(value)}`,
    );
  }
  if (!Number.isFinite(n)) {
    reject("out_of_range", `Expected "${key}" to be finite, found ${n}`);
  }
  return n;
}

function boolean(object: JsonObject, key: string): boolean {
  const value = requireField(object, key);
  if (typeof value !== "boolean") {
    reject(
      "invalid_type",
      `Expected "${key}" to be true or false, found ${show(value)}`,
    );
  }
  return value;
}

function string(object: JsonObject, key: string, required: true): string;
function string(
  object: JsonObject,
  key: string,
  required: false,
): string | undefined;
function string(
  object: JsonObject,
  key: string,
  required: boolean,
): string | undefined {
  const value = required ? requireField(object, key) : get(object, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    reject(
      "invalid_type",
      `Expected "${key}" to be a string, found ${show(value)}`,
    );
  }
  return value;
}

function oneOf<T extends string>(
  object: JsonObject,
  key: string,
  allowed: readonly T[],
  normalise: (value: string) => string,
  reason: CommandRejection = "invalid_value",
): T {
  const raw = string(object, key, true);
  const value = normalise(raw.trim());
  if (!(allowed as readonly string[]).includes(value)) {
    reject(
      reason,
      `Expected "${key}" to be one of ${allowed.join(", ")}, found ${
        show(raw)
      }`,
    );
  }
  return value as T;
}

/** First `count` code points of a string. */
function codePoints(value: string, count: number): string {
  if (value.length <= count) return value;
  return Array.from(value).slice(0, count).join("");
}

function bin(value: number, key: string): number {
  if (!Number.isSafeInteger(value)) {
    reject(
      "out_of_range",
      `Expected "${key}" to be a bin number, found ${value}`,
    );
  }
  return value + 0; // no −0
}

function parseWindow(
  object: JsonObject,
  options: ParseCommandOptions,
): Command {
  const { fftResultSize, audioMaxFft } = options;
  const rawL = number(object, "l", true);
  const rawR = number(object, "r", true);
  if (options.socket === "waterfall") {
    const l = bin(Math.floor(rawL), "l");
    const r = bin(Math.ceil(rawR), "r");
    if (l < 0 || r > fftResultSize) {
      reject(
        "out_of_range",
        `Expected 0 <= l and r <= ${fftResultSize}, found l ${l} and r ${r}`,
      );
    }
    if (l >= r) {
      reject("invalid_window", `Expected l < r, found l ${l} and r ${r}`);
    }
    return { cmd: "window", l, r };
  }
  const m = number(object, "m", true);
  const l = bin(Math.floor(rawL), "l");
  const r = bin(Math.floor(rawR), "r");
  if (l < 0 || r > fftResultSize) {
    reject(
      "out_of_range",
      `Expected 0 <= l and r <= ${fftResultSize}, found l ${l} and r ${r}`,
    );
  }
  if (l > r || r - l > audioMaxFft) {
    reject(
      "invalid_window",
      `Expected l <= r and r - l <= ${audioMaxFft}, found l ${l} and r ${r}`,
    );
  }
  if (m < l - audioMaxFft || m > r + audioMaxFft) {
    reject(
      "out_of_range",
      `Expected m within ${audioMaxFft} bins of [${l}, ${r}], found ${m}`,
    );
  }
  return { cmd: "window", l, m: m + 0, r };
}

function parseAgc(object: JsonObject): AgcCommand {
  const speed = oneOf(object, "speed", AGC_SPEEDS, (v) => v.toLowerCase());
  const command: AgcCommand = { cmd: "agc", speed };
  for (const key of ["attack", "release"] as const) {
    const value = speed === "custom"
      ? number(object, key, true)
      : number(object, key, false);
    if (value === undefined) continue;
    if (!(value > 0 && value <= 10000)) {
      reject(
        "out_of_range",
        `Expected "${key}" from 0 to 10000 ms (exclusive of 0), found ${value}`,
      );
    }
    command[key] = value;
  }
  return command;
}

function parseChat(object: JsonObject): ChatCommand {
  const username = codePoints(string(object, "username", true).trim(), 14);
  if (username.length === 0) {
    reject("invalid_value", 'Expected a non-empty "username", found none');
  }
  const message = string(object, "message", true).trim();
  if (message.length === 0) {
    reject("invalid_value", 'Expected a non-empty "message", found none');
  }
  if (Array.from(message).length > 200) {
    reject(
      "out_of_range",
      `Expected a "message" of at most 200 characters, found ${message.length}`,
    );
  }
  const command: ChatCommand = { cmd: "chat", username, message };
  const optional = [
    ["user_id", "userId"],
    ["reply_to_id", "replyToId"],
    ["reply_to_username", "replyToUsername"],
  ] as const;
  for (const [key, property] of optional) {
    const value = string(object, key, false);
    if (value === undefined) continue;
    if (value.length > 64) {
      reject(
        "out_of_range",
        `Expected "${key}" of at most 64 characters, found ${value.length}`,
      );
    }
    command[property] = value;
  }
  return command;
}

function parseObject(
  object: JsonObject,
  cmd: Command["cmd"],
  options: ParseCommandOptions,
): Command {
  switch (cmd) {
    case "window":
      return parseWindow(object, options);
    case "demodulation": {
      const allowed = options.demodulations ?? DEMODULATIONS;
      return {
        cmd,
        demodulation: oneOf(
          object,
          "demodulation",
          allowed,
          (v) => v.toUpperCase(),
          "unknown_mode",
        ),
      };
    }
    case "userid":
      return { cmd, userid: codePoints(string(object, "userid", true), 32) };
    case "mute":
      return { cmd, mute: boolean(object, "mute") };
    case "options":
      return { cmd };
    case "agc":
      return parseAgc(object);
    case "buffer": {
      const value = requireField(object, "size");
      if (typeof value !== "string" && typeof value !== "number") {
        reject(
          "invalid_type",
          `Expected "size" to be a string, found ${show(value)}`,
        );
      }
      const size = String(value);
      if (size.length > 32) {
        reject(
          "out_of_range",
          `Expected "size" of at most 32 characters, found ${size.length}`,
        );
      }
      return { cmd, size };
    }
    case "noise_gate_enable":
    case "agc_enable":
      return { cmd, enabled: boolean(object, "enabled") };
    case "noise_gate_preset":
      return {
        cmd,
        preset: oneOf(
          object,
          "preset",
          NOISE_GATE_PRESETS,
          (v) => v.toLowerCase(),
        ),
      };
    case "codec_caps":
      return { cmd, opus: boolean(object, "opus") };
    case "set_codec":
      return {
        cmd,
        codec: oneOf(object, "codec", AUDIO_CODECS, (v) => v.toLowerCase()),
      };
    case "chat":
      return parseChat(object);
  }
}

/**
 * Parses and validates one client → server text frame. Never throws.
 *
 * @param text The frame's text.
 * @param options The socket, spectrum size and limits.
 * @returns `{ ok: true, command }` or `{ ok: false, reason, message }`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseCommand } from "./commands.ts";
 *
 * const options = { socket: "audio", fftResultSize: 131072, audioMaxFft: 768 } as const;
 * deepEqual(parseCommand('{"cmd":"window","l":71936,"m":71936,"r":72128}', options), {
 *   ok: true, command: { cmd: "window", l: 71936, m: 71936, r: 72128 },
 * });
 * deepEqual(parseCommand('{"r":"200.7","cmd":"window","l":"100","m":150.5}', options), {
 *   ok: true, command: { cmd: "window", l: 100, m: 150.5, r: 200 },
 * });
 * deepEqual(
 *   parseCommand('{"cmd":"window","l":0,"r":131073}', { ...options, socket: "waterfall" }),
 *   {
 *     ok: false, reason: "out_of_range",
 *     message: "Expected 0 <= l and r <= 131072, found l 0 and r 131073",
 *   },
 * );
 * deepEqual(parseCommand('{"cmd":"demodulation","demodulation":"usb"}', options), {
 *   ok: true, command: { cmd: "demodulation", demodulation: "USB" },
 * });
 * ```
 */
export function parseCommand(
  text: string,
  options: ParseCommandOptions,
): ParseCommandResult {
  try {
    if (typeof text !== "string") {
      reject("not_text", `Expected a text frame, found ${show(text)}`);
    }
    const maxLength = options.maxLength ?? 1024;
    if (text.length > maxLength) {
      reject(
        "too_long",
        `Expected at most ${maxLength} characters, found ${text.length}`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      reject("invalid_json", "Expected a JSON text, found malformed JSON");
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      reject("not_an_object", `Expected a JSON object, found ${show(value)}`);
    }
    const object = value as JsonObject;
    const cmd = get(object, "cmd");
    if (typeof cmd !== "string") {
      reject("missing_cmd", `Expected a string "cmd", found ${show(cmd)}`);
    }
    if (!Object.hasOwn(SOCKETS, cmd)) {
      reject("unknown_cmd", `Expected a known command, found ${show(cmd)}`);
    }
    const known = cmd as Command["cmd"];
    if (!SOCKETS[known].includes(options.socket)) {
      reject(
        "wrong_socket",
        `Expected "${known}" on ${
          SOCKETS[known].map((s) => "/" + s).join(" or ")
        }, found it on /${options.socket}`,
      );
    }
    return { ok: true, command: parseObject(object, known, options) };
  } catch (error) {
    if (error instanceof Rejection) {
      return { ok: false, reason: error.reason, message: error.message };
    }
    // Unreachable by design; still never throw to the caller.
    return {
      ok: false,
      reason: "invalid_value",
      message: `Expected a valid command, found an internal error (${
        String(error)
      })`,
    };
  }
}
