import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import fc from "fast-check";
import {
  parseXmltv,
  XmltvParser,
  type XmltvProgress,
} from "../../lib/bridge/xmltv/xmltv_parser.ts";
import type { XmltvProgramme } from "../../lib/bridge/xmltv/xmltv_guide.ts";

const SEED = 20_261_121;
const FIXTURES = new URL("./fixtures/", import.meta.url);

function bytesStream(bytes: Uint8Array, cuts: number[] = []) {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((
    a,
    b,
  ) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    chunks.push(bytes.slice(at, p));
    at = p;
  }
  chunks.push(bytes.slice(at));
  return ReadableStream.from(chunks);
}

function xml(body: string): ReadableStream<Uint8Array> {
  return bytesStream(new TextEncoder().encode(`<tv>${body}</tv>`));
}

function programme(channel: string, hour: number, title = `P${hour}`): string {
  const h = String(hour).padStart(2, "0");
  return `<programme start="20240301${h}0000 +0000" channel="${channel}"><title>${title}</title></programme>`;
}

Deno.test("parseXmltv() reads the fixture guide", async () => {
  const guide = await parseXmltv(
    bytesStream(await Deno.readFile(new URL("guide.xml", FIXTURES))),
  );
  deepEqual(guide.channels, [
    {
      id: "bbc1.uk",
      displayNames: ["BBC One", "101", "BBC1 London"],
      icon: "http://logo.example/bbc1.png",
    },
    { id: "CNN.us", displayNames: ["CNN International"] },
    { id: "arte.fr", displayNames: ["ARTE"] },
  ]);
  const bbc = guide.programmes.get("bbc1.uk")!;
  deepEqual(bbc[0], {
    channel: "bbc1.uk",
    start: Date.UTC(2024, 2, 1, 18),
    stop: Date.UTC(2024, 2, 1, 18, 30),
    title: "BBC News at Six",
    desc: 'The latest national & international news, with "weather".',
    categories: ["News", "Current affairs"],
    episodeNums: [{ system: "xmltv_ns", value: ".2024-03-01." }],
  });
  deepEqual(bbc[1], {
    channel: "bbc1.uk",
    start: Date.UTC(2024, 2, 1, 18, 30), // 19:30 +0100
    stop: Date.UTC(2024, 2, 1, 19),
    title: "EastEnders",
    subTitle: "Episode 6871",
    desc: "Drama in <Albert Square> & beyond.",
    categories: ["Soap"],
    episodeNums: [
      { system: "xmltv_ns", value: "39.45.0/1" },
      { system: "onscreen", value: "S40E46" },
    ],
    icon: "http://img.example/ee.jpg",
  });
  const cnn = guide.programmes.get("CNN.us")!;
  deepEqual(cnn.map((p) => [p.title, p.start, p.stop]), [
    ["Newsroom", Date.UTC(2024, 2, 1, 19), undefined],
    ["Anderson Cooper 360°", Date.UTC(2024, 2, 2, 1), Date.UTC(2024, 2, 2, 2)],
  ]);
  equal(
    guide.programmes.get("arte.fr")![0].desc,
    "Un film sur l'histoire — en trois parties.",
  );
  equal(guide.stats.programmes, 5);
  equal(guide.stats.droppedInvalid, 3);
  equal(guide.stats.channels, 3);
  equal(guide.stats.malformed, 0);
});

Deno.test("parseXmltv() reads gzip by magic bytes, counting compressed bytes", async () => {
  const gz = await Deno.readFile(new URL("guide.xml.gz", FIXTURES));
  const plain = await Deno.readFile(new URL("guide.xml", FIXTURES));
  const a = await parseXmltv(bytesStream(gz, [1, 100]));
  const b = await parseXmltv(bytesStream(plain));
  deepEqual(a.programmes, b.programmes);
  deepEqual(a.channels, b.channels);
  equal(a.stats.bytes, gz.length);
  equal(b.stats.bytes, plain.length);
});

Deno.test("parseXmltv() gives the same guide for any chunking (UTF-8 split too)", async () => {
  const plain = await Deno.readFile(new URL("guide.xml", FIXTURES));
  const withUnicode = new TextEncoder().encode(
    new TextDecoder().decode(plain).replace("EastEnders", "ÉastÉnders 📺"),
  );
  const expected = await parseXmltv(bytesStream(withUnicode));
  equal(expected.programmes.get("bbc1.uk")![1].title, "ÉastÉnders 📺");
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(), { maxLength: 50 }), async (cuts) => {
      deepEqual(await parseXmltv(bytesStream(withUnicode, cuts)), expected);
    }),
    { seed: SEED, numRuns: 200 },
  );
});

Deno.test("parseXmltv() keeps at most maxProgrammesPerChannel and maxChannels", async () => {
  const body = ["a", "b", "c"].map((ch) =>
    `<channel id="${ch}"><display-name>${ch}</display-name></channel>` +
    [1, 2, 3, 4].map((h) => programme(ch, h)).join("")
  ).join("");
  const guide = await parseXmltv(xml(body), {
    maxProgrammesPerChannel: 2,
    maxChannels: 2,
  });
  deepEqual(guide.channels.map((c) => c.id), ["a", "b"]);
  deepEqual([...guide.programmes.keys()], ["a", "b"]);
  deepEqual(guide.programmes.get("a")!.map((p) => p.title), ["P1", "P2"]);
  equal(guide.stats.programmes, 4);
  // 2 over the per-channel limit for a and b, 4 for c, 1 channel element.
  equal(guide.stats.droppedOverLimit, 2 + 2 + 4 + 1);
});

Deno.test("parseXmltv() truncates long fields and bounds lists", async () => {
  const cats = Array.from(
    { length: 12 },
    (_, i) => `<category>c${i}</category>`,
  )
    .join("");
  const names = Array.from(
    { length: 6 },
    (_, i) => `<display-name>n${i}</display-name>`,
  )
    .join("");
  const guide = await parseXmltv(
    xml(
      `<channel id="a">${names}</channel>` +
        `<programme start="20240301000000" channel="a"><title>${
          "t".repeat(50)
        }</title><desc>${"d".repeat(10)}</desc>${cats}` +
        `<episode-num>1</episode-num><episode-num>2</episode-num><episode-num>3</episode-num><episode-num>4</episode-num><episode-num>5</episode-num></programme>`,
    ),
    { maxFieldLength: 20 },
  );
  const [p] = guide.programmes.get("a")!;
  equal(p.title, "t".repeat(20));
  equal(p.desc, "d".repeat(10));
  equal(p.categories.length, 8);
  deepEqual(p.episodeNums.map((e) => e.value), ["1", "2", "3", "4"]);
  equal(guide.channels[0].displayNames.length, 4);
  equal(guide.stats.truncatedFields, 1);
});

Deno.test("parseXmltv() skips filtered channels and programmes outside the window", async () => {
  const body = [1, 2, 3, 4, 5].map((h) => programme("a", h)).join("") +
    programme("b", 1);
  const guide = await parseXmltv(xml(body), {
    channelFilter: (id) => id === "a",
    fromMs: Date.UTC(2024, 2, 1, 2), // P1 (no stop) starts before: skipped
    toMs: Date.UTC(2024, 2, 1, 5),
  });
  deepEqual(guide.programmes.get("a")!.map((p) => p.title), ["P3", "P4"]);
  equal(guide.programmes.has("b"), false);
  equal(guide.stats.skipped, 4);
});

Deno.test("parseXmltv() passes items to callbacks instead of collecting them", async () => {
  const seen: XmltvProgramme[] = [];
  const channels: string[] = [];
  const guide = await parseXmltv(
    xml('<channel id="a"/><channel id="a"/>' + programme("a", 1)),
    {
      onProgramme: (p) => seen.push(p),
      onChannel: (c) => channels.push(c.id),
    },
  );
  deepEqual(channels, ["a"]); // a repeated channel element is ignored
  equal(seen.length, 1);
  equal(guide.programmes.size, 0);
  equal(guide.channels.length, 0);
  equal(guide.stats.programmes, 1);
});

Deno.test("parseXmltv() reports progress and ends with done", async () => {
  const body = Array.from(
    { length: 3000 },
    (_, i) => programme(`c${i % 10}`, i % 24),
  )
    .join("");
  const reports: XmltvProgress[] = [];
  const bytes = new TextEncoder().encode(`<tv>${body}</tv>`);
  await parseXmltv(
    bytesStream(bytes, Array.from({ length: 40 }, (_, i) => i * 5000)),
    { progressBytes: 16_384, onProgress: (p) => reports.push(p) },
  );
  ok(reports.length > 5);
  deepEqual(reports.at(-1), {
    bytes: bytes.length,
    channels: 0,
    programmes: 3000,
    done: true,
  });
  for (let i = 1; i < reports.length; i++) {
    ok(reports[i].bytes >= reports[i - 1].bytes);
  }
});

Deno.test("parseXmltv() rejects on abort and on a corrupt gzip stream", async () => {
  const controller = new AbortController();
  let cancelled = false;
  const endless = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode("<tv>"));
    },
    pull(c) {
      c.enqueue(new TextEncoder().encode(programme("a", 1)));
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  let reports = 0;
  await rejects(
    parseXmltv(endless, {
      signal: controller.signal,
      progressBytes: 1000,
      onProgress: () => {
        if (++reports === 3) controller.abort(new Error("shutting down"));
      },
    }),
    /shutting down/,
  );
  ok(cancelled);
  const corrupt = new Uint8Array([
    0x1f,
    0x8b,
    8,
    0,
    0,
    0,
    0,
    0,
    0,
    3,
    1,
    2,
    3,
    4,
  ]);
  await rejects(parseXmltv(bytesStream(corrupt)), TypeError);
});

Deno.test("XmltvParser never throws on arbitrary input", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.string({ maxLength: 10 }),
          fc.constantFrom(
            "<tv>",
            "</tv>",
            '<channel id="a">',
            "<channel>",
            "</channel>",
            '<programme start="20240101000000 +0000" channel="a">',
            '<programme start="2024" stop="x" channel="">',
            "</programme>",
            "<title>",
            "</title>",
            "<desc>",
            "</desc>",
            "<display-name>",
            "</display-name>",
            '<icon src="i"/>',
            '<episode-num system="s">',
            "</episode-num>",
            "<category/>",
            "&amp;",
            "<![CDATA[x]]>",
          ),
        ),
        { maxLength: 40 },
      ),
      (parts) => {
        const parser = new XmltvParser({
          maxFieldLength: 8,
          maxProgrammesPerChannel: 3,
        });
        parser.write(parts.join(""));
        const guide = parser.end();
        for (const list of guide.programmes.values()) {
          ok(list.length <= 3);
          for (const p of list) {
            ok(Number.isFinite(p.start) && p.title.length <= 8);
          }
        }
      },
    ),
    { seed: SEED, numRuns: 2000 },
  );
});
