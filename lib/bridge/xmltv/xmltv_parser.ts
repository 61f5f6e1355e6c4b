/**
 * The streaming XMLTV reader: {@link XmltvParser} turns tokenizer events
 * into channels and programmes (only the fields the bridge needs), and
 * {@link parseXmltv} runs it over a byte stream (gzip detected by its magic
 * bytes), so a 200 MB guide is read with little memory.
 *
 * Bounded: at most `maxChannels` channels and channel ids with programmes,
 * `maxProgrammesPerChannel` programmes per channel (the first ones in
 * document order, which guides write chronologically; use `fromMs` to skip
 * past ones), `maxFieldLength` characters per text field, 4 display names,
 * 8 categories and 4 episode numbers. What is dropped is counted.
 *
 * @module
 */

import { BoundedMap } from "../../core/bounded/bounded_map.ts";
import { readTextStream } from "../m3u/read_text_stream.ts";
import type {
  XmltvChannel,
  XmltvGuide,
  XmltvProgramme,
  XmltvStats,
} from "./xmltv_guide.ts";
import { parseXmltvTime } from "./xmltv_time.ts";
import { type XmlHandler, XmlTokenizer } from "./xml_tokenizer.ts";

/**
 * Options of {@link XmltvParser}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { XmltvParseOptions } from "./xmltv_parser.ts";
 *
 * const wanted = new Set(["bbc1.uk"]);
 * const options: XmltvParseOptions = {
 *   channelFilter: (id) => wanted.has(id),
 *   fromMs: Date.UTC(2024, 0, 1),
 * };
 * equal(options.channelFilter?.("bbc1.uk"), true);
 * ```
 */
export interface XmltvParseOptions {
  /** Channels kept at most, and channel ids with programmes. Default 10 000. */
  maxChannels?: number;
  /** Programmes kept per channel. Default 2 000. */
  maxProgrammesPerChannel?: number;
  /** Characters kept per text field. Default 4 096. */
  maxFieldLength?: number;
  /** Keep only programmes of these channel ids (e.g. the lineup's tvg-ids). */
  channelFilter?: (channelId: string) => boolean;
  /** Skip programmes that end at or before this time (UTC ms). */
  fromMs?: number;
  /** Skip programmes that start at or after this time (UTC ms). */
  toMs?: number;
  /** Receives each channel instead of the result collecting it. */
  onChannel?: (channel: XmltvChannel) => void;
  /** Receives each programme instead of the result collecting it. */
  onProgramme?: (programme: XmltvProgramme) => void;
}

/**
 * Progress of a guide parse, for a terminal display.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { XmltvProgress } from "./xmltv_parser.ts";
 *
 * const progress: XmltvProgress = { bytes: 1024, channels: 2, programmes: 40, done: false };
 * equal(progress.done, false);
 * ```
 */
export interface XmltvProgress {
  /** Bytes read (before decompression). */
  bytes: number;
  /** Channels so far. */
  channels: number;
  /** Programmes so far. */
  programmes: number;
  /** True on the last report. */
  done: boolean;
}

/**
 * Options of {@link parseXmltv}.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { ParseXmltvOptions } from "./xmltv_parser.ts";
 *
 * const options: ParseXmltvOptions = { progressBytes: 4 << 20, onProgress: () => {} };
 * equal(options.progressBytes, 4194304);
 * ```
 */
export interface ParseXmltvOptions extends XmltvParseOptions {
  /** Stops reading (the stream is cancelled and the promise rejects). */
  signal?: AbortSignal;
  /** Called about every `progressBytes` bytes and once at the end. */
  onProgress?: (progress: XmltvProgress) => void;
  /** How often `onProgress` is called, in bytes. Default 1 MiB. */
  progressBytes?: number;
}

const enum Context {
  None,
  Channel,
  Programme,
  Skip,
}

const PROGRAMME_FIELDS = new Set([
  "title",
  "sub-title",
  "desc",
  "category",
  "episode-num",
]);

interface Slot {
  count: number;
  list: XmltvProgramme[];
}

/**
 * Reads XMLTV text pushed in chunks of any size.
 *
 * @example Text split anywhere
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { XmltvParser } from "./xmltv_parser.ts";
 *
 * const parser = new XmltvParser();
 * parser.write('<tv><programme start="20240101180000 +0100" channel="a"><ti');
 * parser.write("tle>News &amp; Weather</title></programme></tv>");
 * const guide = parser.end();
 * const [news] = guide.programmes.get("a")!;
 * equal(news.title, "News & Weather");
 * equal(news.start, Date.UTC(2024, 0, 1, 17));
 * ```
 */
export class XmltvParser {
  readonly #tokenizer: XmlTokenizer;
  readonly #maxChannels: number;
  readonly #maxPerChannel: number;
  readonly #maxField: number;
  readonly #options: XmltvParseOptions;
  readonly #channels: XmltvChannel[] = [];
  readonly #seenChannels: BoundedMap<string, true>;
  readonly #slots: BoundedMap<string, Slot>;
  readonly #stats: XmltvStats = {
    bytes: 0,
    channels: 0,
    programmes: 0,
    droppedInvalid: 0,
    droppedOverLimit: 0,
    skipped: 0,
    truncatedFields: 0,
    malformed: 0,
  };
  #depth = 0;
  #context = Context.None;
  #contextDepth = 0;
  #channel: XmltvChannel | undefined;
  #programme: XmltvProgramme | undefined;
  #field: string | undefined;
  #fieldSystem: string | undefined;
  #fieldText = "";
  #fieldTruncated = false;

  /**
   * Creates a parser.
   *
   * @param options Bounds, filters and callbacks.
   * @throws {RangeError} If a bound is not a positive integer.
   */
  constructor(options: XmltvParseOptions = {}) {
    const positive = (name: string, value: number) => {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(
          `Expected ${name} to be an integer >= 1, found ${value}`,
        );
      }
      return value;
    };
    this.#options = options;
    this.#maxChannels = positive("maxChannels", options.maxChannels ?? 10_000);
    this.#maxPerChannel = positive(
      "maxProgrammesPerChannel",
      options.maxProgrammesPerChannel ?? 2_000,
    );
    this.#maxField = positive("maxFieldLength", options.maxFieldLength ?? 4096);
    this.#seenChannels = new BoundedMap({
      capacity: this.#maxChannels,
      policy: "reject",
    });
    this.#slots = new BoundedMap({
      capacity: this.#maxChannels,
      policy: "reject",
    });
    const handler: XmlHandler = {
      openTag: (name, attributes, selfClosing) =>
        this.#openTag(name, attributes, selfClosing),
      closeTag: () => this.#closeTag(),
      text: (text) => this.#text(text),
      wantsText: () => this.#field !== undefined,
    };
    this.#tokenizer = new XmlTokenizer(handler, {
      maxMarkupLength: Math.max(65_536, this.#maxField * 2),
    });
  }

  /** Counters so far. */
  get stats(): XmltvStats {
    return { ...this.#stats, malformed: this.#tokenizer.malformed };
  }

  /**
   * Feeds the next piece of the document.
   *
   * @param chunk Text, split anywhere.
   */
  write(chunk: string): void {
    this.#tokenizer.write(chunk);
  }

  /**
   * Ends the document and returns the guide (programmes ordered by start).
   *
   * @returns Channels, programmes by channel id (empty when `onChannel` /
   * `onProgramme` received them) and counters.
   */
  end(): XmltvGuide {
    this.#tokenizer.end();
    const programmes = new Map<string, XmltvProgramme[]>();
    for (const [id, slot] of this.#slots) {
      if (slot.list.length > 0) {
        programmes.set(id, slot.list.sort((a, b) => a.start - b.start));
      }
    }
    return { channels: this.#channels, programmes, stats: this.stats };
  }

  /**
   * Adds to the byte counter (for {@link parseXmltv}).
   *
   * @param bytes Bytes read.
   */
  countBytes(bytes: number): void {
    this.#stats.bytes += bytes;
  }

  #openTag(
    name: string,
    attributes: Record<string, string>,
    selfClosing: boolean,
  ): void {
    const depth = ++this.#depth;
    if (this.#context === Context.None) {
      if (name === "channel") this.#openChannel(attributes, depth);
      else if (name === "programme") this.#openProgramme(attributes, depth);
    } else if (depth === this.#contextDepth + 1) {
      if (this.#context === Context.Channel) {
        if (name === "display-name") this.#openField(name, undefined);
        else if (name === "icon") {
          const src = attributes.src?.trim();
          if (src && this.#channel!.icon === undefined) {
            this.#channel!.icon = this.#cut(src);
          }
        }
      } else if (this.#context === Context.Programme) {
        if (PROGRAMME_FIELDS.has(name)) {
          this.#openField(name, attributes.system);
        } else if (name === "icon") {
          const src = attributes.src?.trim();
          if (src && this.#programme!.icon === undefined) {
            this.#programme!.icon = this.#cut(src);
          }
        }
      }
    }
    if (selfClosing) this.#closeTag();
  }

  #closeTag(): void {
    const depth = this.#depth;
    if (this.#field !== undefined && depth === this.#contextDepth + 1) {
      this.#closeField();
    }
    if (this.#context !== Context.None && depth === this.#contextDepth) {
      if (this.#context === Context.Channel) this.#closeChannel();
      else if (this.#context === Context.Programme) this.#closeProgramme();
      this.#context = Context.None;
      this.#channel = undefined;
      this.#programme = undefined;
      this.#field = undefined;
    }
    if (depth > 0) this.#depth = depth - 1;
  }

  #text(text: string): void {
    if (this.#field === undefined) return;
    const room = this.#maxField - this.#fieldText.length;
    if (text.length > room) {
      if (room > 0) this.#fieldText += text.slice(0, room);
      this.#fieldTruncated = true;
    } else {
      this.#fieldText += text;
    }
  }

  #cut(value: string): string {
    if (value.length <= this.#maxField) return value;
    this.#stats.truncatedFields++;
    return value.slice(0, this.#maxField);
  }

  #openChannel(attributes: Record<string, string>, depth: number): void {
    const id = attributes.id?.trim();
    this.#contextDepth = depth;
    if (!id) {
      this.#context = Context.Skip;
      return;
    }
    this.#context = Context.Channel;
    this.#channel = { id: this.#cut(id), displayNames: [] };
  }

  #openProgramme(attributes: Record<string, string>, depth: number): void {
    this.#contextDepth = depth;
    this.#context = Context.Skip;
    const channel = attributes.channel?.trim();
    const start = parseXmltvTime(attributes.start);
    const stop = parseXmltvTime(attributes.stop);
    if (
      !channel || start === undefined || (stop !== undefined && stop < start)
    ) {
      this.#stats.droppedInvalid++;
      return;
    }
    const { channelFilter, fromMs, toMs } = this.#options;
    if (
      (channelFilter && !channelFilter(channel)) ||
      (fromMs !== undefined && (stop ?? start) <= fromMs) ||
      (toMs !== undefined && start >= toMs)
    ) {
      this.#stats.skipped++;
      return;
    }
    this.#context = Context.Programme;
    const programme: XmltvProgramme = {
      channel: this.#cut(channel),
      start,
      title: "",
      categories: [],
      episodeNums: [],
    };
    if (stop !== undefined) programme.stop = stop;
    this.#programme = programme;
  }

  #openField(name: string, system: string | undefined): void {
    this.#field = name;
    this.#fieldSystem = system;
    this.#fieldText = "";
    this.#fieldTruncated = false;
  }

  #closeField(): void {
    const name = this.#field!;
    this.#field = undefined;
    if (this.#fieldTruncated) this.#stats.truncatedFields++;
    const text = this.#fieldText.trim();
    this.#fieldText = "";
    if (text.length === 0) return;
    const channel = this.#channel;
    if (channel) {
      if (channel.displayNames.length < 4) channel.displayNames.push(text);
      return;
    }
    const p = this.#programme;
    if (!p) return;
    switch (name) {
      case "title":
        if (p.title === "") p.title = text;
        break;
      case "sub-title":
        p.subTitle ??= text;
        break;
      case "desc":
        p.desc ??= text;
        break;
      case "category":
        if (p.categories.length < 8 && !p.categories.includes(text)) {
          p.categories.push(text);
        }
        break;
      case "episode-num":
        if (p.episodeNums.length < 4) {
          const system = this.#fieldSystem?.trim();
          p.episodeNums.push(
            system ? { system, value: text } : { value: text },
          );
        }
        break;
    }
  }

  #closeChannel(): void {
    const channel = this.#channel!;
    if (this.#seenChannels.has(channel.id)) return; // the first one wins
    if (!this.#seenChannels.set(channel.id, true)) {
      this.#stats.droppedOverLimit++;
      return;
    }
    this.#stats.channels++;
    if (this.#options.onChannel) this.#options.onChannel(channel);
    else this.#channels.push(channel);
  }

  #closeProgramme(): void {
    const programme = this.#programme!;
    let slot = this.#slots.peek(programme.channel);
    if (slot === undefined) {
      slot = { count: 0, list: [] };
      if (!this.#slots.set(programme.channel, slot)) {
        this.#stats.droppedOverLimit++;
        return;
      }
    }
    if (slot.count >= this.#maxPerChannel) {
      this.#stats.droppedOverLimit++;
      return;
    }
    slot.count++;
    this.#stats.programmes++;
    if (this.#options.onProgramme) this.#options.onProgramme(programme);
    else slot.list.push(programme);
  }
}

/**
 * Parses an XMLTV guide from a byte stream (plain or gzip). Never throws on
 * malformed XML (it is counted); rejects only when the stream errors or
 * `signal` aborts.
 *
 * @example Channels and programmes of a small guide
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { parseXmltv } from "./xmltv_parser.ts";
 *
 * const xml = `<?xml version="1.0" encoding="UTF-8"?>
 * <!DOCTYPE tv SYSTEM "xmltv.dtd">
 * <tv>
 *   <channel id="bbc1.uk"><display-name>BBC One</display-name><icon src="http://i/bbc1.png"/></channel>
 *   <programme start="20240101180000 +0000" stop="20240101183000 +0000" channel="bbc1.uk">
 *     <title lang="en">News</title><category>News</category>
 *     <episode-num system="xmltv_ns">0.4.</episode-num>
 *   </programme>
 * </tv>`;
 * const guide = await parseXmltv(ReadableStream.from([new TextEncoder().encode(xml)]));
 * deepEqual(guide.channels, [{ id: "bbc1.uk", displayNames: ["BBC One"], icon: "http://i/bbc1.png" }]);
 * const [news] = guide.programmes.get("bbc1.uk")!;
 * equal(news.stop! - news.start, 30 * 60_000);
 * deepEqual(news.episodeNums, [{ system: "xmltv_ns", value: "0.4." }]);
 * ```
 *
 * @param stream The guide bytes.
 * @param options Bounds, filters, callbacks, signal, progress.
 * @returns The guide.
 * @throws {DOMException} `AbortError` (or the signal's reason) on abort; the
 * stream's error (e.g. a `SourceFetchError` or a corrupt gzip
 * `TypeError`) if reading fails.
 */
export async function parseXmltv(
  stream: ReadableStream<Uint8Array>,
  options: ParseXmltvOptions = {},
): Promise<XmltvGuide> {
  const parser = new XmltvParser(options);
  const { onProgress } = options;
  const bytes = await readTextStream(stream, {
    onText: (text) => parser.write(text),
    onInputBytes: (n) => parser.countBytes(n),
    onProgress: onProgress && ((bytes) => {
      const { channels, programmes } = parser.stats;
      onProgress({ bytes, channels, programmes, done: false });
    }),
    progressBytes: options.progressBytes,
    signal: options.signal,
  });
  const guide = parser.end();
  options.onProgress?.({
    bytes,
    channels: guide.stats.channels,
    programmes: guide.stats.programmes,
    done: true,
  });
  return guide;
}
