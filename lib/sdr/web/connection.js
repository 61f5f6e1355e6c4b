/**
 * The page's three WebSockets (sdr-phantomsdr.md §2.2): `waterfall`,
 * `audio` and `events`, resolved against the page's own URL (so the client
 * also works under a reverse-proxy path). Each of `waterfall` and `audio`
 * sends the settings JSON first; waterfall messages are chunks of one zstd
 * stream of CBOR lines, audio messages CBOR packets, events JSON.
 *
 * When any socket fails or closes, all three are closed and opened again
 * after a backoff delay ({@link Backoff}); a fresh set starts a fresh zstd
 * decoder and a fresh audio stream. Received bytes are counted for the
 * status line.
 *
 * @module
 */

import { decodeCbor } from "./cbor.js";
import { Backoff } from "./reconnect.js";
import { Decompress } from "./zstd.js";

const KINDS = ["waterfall", "audio", "events"];

/** A random id for the `userid` command (not a secret; any context). */
function randomId() {
  const alphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let id = "";
  for (let i = 0; i < 21; i++) {
    id += alphabet[Math.floor(Math.random() * alphabet.length)];
  }
  return id;
}

/**
 * The three sockets, reconnected with backoff.
 *
 * @example
 * ```ts ignore
 * import { SdrConnection } from "./connection.js";
 *
 * const connection = new SdrConnection({
 *   onSettings: (kind, settings) => console.log(kind, settings.fft_size),
 *   onLine: (line) => console.log(line.l, line.r, line.data.length),
 * });
 * connection.start();
 * ```
 */
export class SdrConnection {
  /**
   * @param {object} handlers Callbacks.
   * @param {(kind: string, settings: Record<string, unknown>) => void} [handlers.onSettings]
   *   A settings JSON arrived (`"waterfall"` or `"audio"`).
   * @param {(line: { frameNum: number, l: number, r: number, data: Int8Array }) => void} [handlers.onLine]
   *   A waterfall line.
   * @param {(packet: Record<string, unknown>) => void} [handlers.onAudio] An audio packet.
   * @param {(message: unknown) => void} [handlers.onEvents] An `/events` message.
   * @param {(state: string, detail?: string) => void} [handlers.onState]
   *   `"connecting"`, `"live"`, `"reconnecting"` (detail: seconds), `"closed"`.
   * @param {(kind: string) => void} [handlers.onOpen] A socket opened.
   * @param {URL | string} [base] What the socket paths are resolved against
   *   (default: the page).
   */
  constructor(handlers, base = location.href) {
    this.handlers = handlers;
    this.base = new URL(base);
    this.base.protocol = this.base.protocol === "https:" ? "wss:" : "ws:";
    this.base.search = "";
    this.base.hash = "";
    /** @type {Record<string, WebSocket | undefined>} */
    this.sockets = {};
    this.backoff = new Backoff();
    this.userid = randomId();
    this.bytesReceived = 0;
    this.errors = 0;
    this.connects = 0;
    this.stopped = true;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    this.generation = 0;
  }

  /** Opens the sockets (and keeps them open until `stop()`). */
  start() {
    this.stopped = false;
    this.#open();
  }

  /** Closes the sockets and stops reconnecting. */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.#closeAll();
    this.handlers.onState?.("closed");
  }

  /**
   * Whether a socket is open.
   *
   * @param {string} kind `"waterfall"`, `"audio"` or `"events"`.
   * @returns {boolean} Open.
   */
  isOpen(kind) {
    return this.sockets[kind]?.readyState === WebSocket.OPEN;
  }

  /**
   * Sends a command on a socket if it is open.
   *
   * @param {string} kind The socket.
   * @param {Record<string, unknown>} command The command (with `cmd` first).
   * @returns {boolean} Whether it was sent.
   */
  send(kind, command) {
    const socket = this.sockets[kind];
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
      return false;
    }
    socket.send(JSON.stringify(command));
    return true;
  }

  #closeAll() {
    this.generation++;
    for (const kind of KINDS) {
      const socket = this.sockets[kind];
      this.sockets[kind] = undefined;
      if (socket === undefined) continue;
      socket.onopen =
        socket.onmessage =
        socket.onclose =
        socket.onerror =
          null;
      try {
        socket.close(1000);
      } catch {
        // Already closed.
      }
    }
  }

  #lost(/** @type {string} */ reason) {
    if (this.stopped) return;
    this.#closeAll();
    const delay = this.backoff.next();
    this.handlers.onState?.(
      "reconnecting",
      `${reason}; retrying in ${(delay / 1000).toFixed(1)} s`,
    );
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.#open();
    }, delay);
  }

  #open() {
    this.#closeAll();
    const generation = this.generation;
    this.handlers.onState?.("connecting");
    this.connects++;
    /** @type {Set<string>} */
    const settled = new Set();
    let opened = 0;
    let decoder = this.#waterfallDecoder();
    for (const kind of KINDS) {
      let socket;
      try {
        socket = new WebSocket(new URL(kind, this.base));
      } catch (error) {
        this.#lost(`cannot open /${kind}: ${String(error)}`);
        return;
      }
      socket.binaryType = "arraybuffer";
      this.sockets[kind] = socket;
      let first = kind !== "events";
      socket.onopen = () => {
        if (generation !== this.generation) return;
        this.handlers.onOpen?.(kind);
        opened++;
        if (opened === KINDS.length) {
          for (const k of KINDS) {
            this.send(k, { cmd: "userid", userid: this.userid });
          }
        }
      };
      socket.onmessage = (event) => {
        if (generation !== this.generation) return;
        const data = event.data;
        this.bytesReceived += typeof data === "string"
          ? data.length
          : data.byteLength;
        if (first) {
          if (typeof data !== "string") return; // settings must come first
          first = false;
          let settings;
          try {
            settings = JSON.parse(data);
          } catch {
            this.errors++;
            return;
          }
          if (kind === "waterfall") decoder = this.#waterfallDecoder();
          this.handlers.onSettings?.(kind, settings);
          settled.add(kind);
        } else if (kind === "events") {
          if (typeof data !== "string") return;
          try {
            this.handlers.onEvents?.(JSON.parse(data));
          } catch {
            this.errors++;
          }
          settled.add(kind);
        } else if (typeof data !== "string") {
          if (kind === "waterfall") decoder.push(new Uint8Array(data));
          else this.#audio(new Uint8Array(data));
        }
        if (settled.size === KINDS.length) {
          settled.add("live");
          this.backoff.connected();
          this.handlers.onState?.("live");
        }
      };
      socket.onerror = () => {
        // The close event follows and reconnects.
      };
      socket.onclose = (event) => {
        if (generation !== this.generation) return;
        const why = event.reason
          ? `/${kind} closed: ${event.reason}`
          : `/${kind} closed (${event.code})`;
        this.#lost(why);
      };
    }
  }

  /**
   * A decoder for one `/waterfall` connection: zstd stream → CBOR lines.
   *
   * @returns {{ push(bytes: Uint8Array): void }} The decoder.
   */
  #waterfallDecoder() {
    /** @type {Uint8Array[]} */
    let chunks = [];
    const zstd = new Decompress((chunk) => {
      chunks.push(chunk);
    });
    let failed = false;
    return {
      push: (bytes) => {
        if (failed) return;
        try {
          zstd.push(bytes);
        } catch {
          // A broken stream cannot be resumed: reconnect.
          failed = true;
          this.errors++;
          this.#lost("waterfall stream broken");
          return;
        }
        if (chunks.length === 0) return;
        let packet;
        if (chunks.length === 1) packet = chunks[0];
        else {
          const length = chunks.reduce((n, c) => n + c.length, 0);
          packet = new Uint8Array(length);
          let at = 0;
          for (const c of chunks) {
            packet.set(c, at);
            at += c.length;
          }
        }
        chunks = [];
        this.#line(packet);
      },
    };
  }

  /**
   * @param {Uint8Array} packet One decompressed CBOR line.
   */
  #line(packet) {
    let value;
    try {
      value = /** @type {Record<string, unknown>} */ (decodeCbor(packet));
    } catch {
      this.errors++;
      return;
    }
    const data = value.data;
    const l = value.l;
    const r = value.r;
    if (
      !(data instanceof Uint8Array) || typeof l !== "number" ||
      typeof r !== "number" || !(r > l)
    ) {
      this.errors++;
      return;
    }
    this.handlers.onLine?.({
      frameNum: typeof value.frame_num === "number" ? value.frame_num : 0,
      l,
      r,
      data: new Int8Array(data.buffer, data.byteOffset, data.byteLength),
    });
  }

  /**
   * @param {Uint8Array} bytes One audio packet.
   */
  #audio(bytes) {
    let value;
    try {
      value = decodeCbor(bytes);
    } catch {
      this.errors++;
      return;
    }
    if (value === null || typeof value !== "object") {
      this.errors++;
      return;
    }
    this.handlers.onAudio?.(/** @type {Record<string, unknown>} */ (value));
  }
}
