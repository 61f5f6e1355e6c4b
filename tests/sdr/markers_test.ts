import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import {
  type Marker,
  MarkersFile,
  markersJson,
  parseMarkers,
} from "../../lib/sdr/config/mod.ts";

const FIXTURE = new URL("../fixtures/sdr/markers.json", import.meta.url)
  .pathname;

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shack_sdr_markers_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function markersText(markers: readonly Partial<Marker>[]): string {
  return JSON.stringify({ markers });
}

// --- parseMarkers -------------------------------------------------------------

Deno.test("parseMarkers() reads PhantomSDR+'s markers.json format", async () => {
  const { markers, warnings } = parseMarkers(await Deno.readTextFile(FIXTURE));
  deepEqual(markers, [
    { frequency: 77500, name: "DCF77", mode: "CW" },
    { frequency: 7074000, name: "FT8", mode: "USB" },
    { frequency: 7185000, name: "7185", mode: "LSB" },
    { frequency: 27065000, name: "9", mode: "FM" },
  ]);
  deepEqual(warnings, []);
});

Deno.test("parseMarkers() accepts a bare list, a BOM, numeric names and digit-string frequencies", () => {
  const { markers, warnings } = parseMarkers(
    '\uFEFF[{"frequency":"14074000","name":14,"mode":" usb "},{"frequency":1.5,"name":"x","extra":true}]',
  );
  deepEqual(markers, [
    { frequency: 14074000, name: "14", mode: "usb" },
    { frequency: 1.5, name: "x", mode: "USB" },
  ]);
  deepEqual(warnings, []);
});

Deno.test("parseMarkers() skips bad entries with one warning each, at most five listed", () => {
  const entries: unknown[] = [
    { frequency: 1000, name: "good" },
    "not an object",
    null,
    { frequency: -1, name: "negative" },
    { frequency: 2e12, name: "too high" },
    { frequency: "12abc", name: "text" },
    { frequency: 1000 },
    { frequency: 1000, name: "bad mode", mode: 7 },
    { frequency: Number.MAX_VALUE, name: "huge" },
    { frequency: 2000, name: "also good" },
  ];
  const { markers, warnings } = parseMarkers(
    JSON.stringify({ markers: entries }),
  );
  deepEqual(markers.map((m) => m.name), ["good", "also good"]);
  equal(warnings.length, 6);
  deepEqual(warnings.slice(0, 3), [
    'marker 1: expected an object, found string "not an object", ignored',
    "marker 2: expected an object, found null, ignored",
    "marker 3: expected a frequency in Hz from 0 to 1000000000000, found number -1, ignored",
  ]);
  equal(warnings[5], "and 3 more markers ignored");
});

Deno.test("parseMarkers() bounds the count and the names", () => {
  const many = Array.from({ length: 25 }, (_, i) => ({
    frequency: 1000 * i,
    name: i === 0 ? "é".repeat(300) : `m${i}`,
    mode: "X".repeat(40),
  }));
  const { markers, warnings } = parseMarkers(markersText(many), {
    maxMarkers: 20,
    maxNameLength: 10,
  });
  equal(markers.length, 20);
  equal(markers[0].name, "é".repeat(10));
  equal(markers[0].mode, "X".repeat(16));
  deepEqual(warnings, [
    "1 marker name(s) longer than 10 characters cut",
    "5 markers beyond the first 20 ignored",
  ]);
  // the default bound
  const tooMany = parseMarkers(
    JSON.stringify(
      Array.from({ length: 10_005 }, () => ({ frequency: 1, name: "a" })),
    ),
  );
  equal(tooMany.markers.length, 10_000);
  match(tooMany.warnings[0], /^5 markers beyond the first 10000 ignored$/);
});

Deno.test("parseMarkers() refuses a file that is not JSON or not a markers list", () => {
  throws(() => parseMarkers(""), SyntaxError);
  throws(() => parseMarkers('{"markers": [1,'), SyntaxError);
  throws(() => parseMarkers("42"), {
    name: "TypeError",
    message: 'Expected a JSON object with a "markers" list, found number 42',
  });
  throws(() => parseMarkers('{"marks": []}'), {
    name: "TypeError",
    message:
      'Expected a JSON object with a "markers" list, found "markers" missing',
  });
  throws(() => parseMarkers('{"markers": {"a": 1}}'), {
    name: "TypeError",
    message:
      'Expected a JSON object with a "markers" list, found "markers" as an object',
  });
});

Deno.test("markersJson() writes the settings string parseMarkers() reads back", () => {
  const markers: Marker[] = [
    { frequency: 7074000, name: 'FT8 "40m"', mode: "USB" },
    { frequency: 77500, name: "DCF77 <b>", mode: "CW" },
  ];
  const text = markersJson(markers);
  deepEqual(JSON.parse(text), { markers });
  deepEqual(parseMarkers(text).markers, markers);
  equal(markersJson([]), '{"markers":[]}');
});

// --- MarkersFile ------------------------------------------------------------

Deno.test("MarkersFile.load() reads the file and checkForChanges() sees edits", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/markers.json`;
    await Deno.copyFile(FIXTURE, path);
    const warnings: string[] = [];
    const file = new MarkersFile(path, { onWarning: (m) => warnings.push(m) });
    equal(file.version, 0);
    equal(await file.load(), true);
    equal(file.version, 1);
    equal(file.markers.length, 4);
    equal(file.json, markersJson(file.markers));
    equal(await file.checkForChanges(), false);
    equal(file.version, 1);

    await Deno.writeTextFile(
      path,
      markersText([{ frequency: 3573000, name: "FT8 80m" }]),
    );
    equal(await file.checkForChanges(), true);
    equal(file.version, 2);
    deepEqual(file.markers, [{
      frequency: 3573000,
      name: "FT8 80m",
      mode: "USB",
    }]);
    equal(
      file.json,
      '{"markers":[{"frequency":3573000,"name":"FT8 80m","mode":"USB"}]}',
    );
    deepEqual(warnings, []);
  });
});

Deno.test("MarkersFile.checkForChanges() catches an edit that keeps size and mtime", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/markers.json`;
    await Deno.writeTextFile(
      path,
      markersText([{ frequency: 1000, name: "AAAA" }]),
    );
    const mtime = new Date("2024-01-01T00:00:00Z");
    await Deno.utime(path, mtime, mtime);
    const file = new MarkersFile(path);
    await file.load();
    await Deno.writeTextFile(
      path,
      markersText([{ frequency: 1000, name: "BBBB" }]),
    );
    await Deno.utime(path, mtime, mtime);
    equal((await Deno.stat(path)).mtime?.getTime(), mtime.getTime());
    equal(await file.checkForChanges(), true);
    equal(file.markers[0].name, "BBBB");
  });
});

Deno.test("MarkersFile keeps its markers when the file turns bad, warning once", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/markers.json`;
    await Deno.copyFile(FIXTURE, path);
    const warnings: string[] = [];
    const file = new MarkersFile(path, { onWarning: (m) => warnings.push(m) });
    await file.load();
    const before = file.json;

    await Deno.writeTextFile(path, '{"markers": [');
    equal(await file.checkForChanges(), false);
    equal(await file.checkForChanges(), false);
    equal(await file.reloadNow(), false); // same bad content: no new warning
    equal(file.json, before);
    equal(file.markers.length, 4);
    equal(warnings.length, 1);
    match(
      warnings[0],
      /markers\.json: .*; keeping the 4 markers loaded before$/,
    );

    await Deno.writeTextFile(path, '{"markers": "all"}');
    equal(await file.checkForChanges(), false);
    equal(warnings.length, 2);
    match(warnings[1], /"markers" as string "all"; keeping the 4 markers/);

    await Deno.writeTextFile(path, markersText([{ frequency: 5, name: "ok" }]));
    equal(await file.checkForChanges(), true);
    equal(file.markers.length, 1);
    match(warnings[2], /markers\.json is valid again$/);
  });
});

Deno.test("MarkersFile refuses a file over the size limit and keeps its markers", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/markers.json`;
    await Deno.writeTextFile(path, markersText([{ frequency: 5, name: "ok" }]));
    const warnings: string[] = [];
    const file = new MarkersFile(path, {
      maxFileBytes: 1000,
      onWarning: (m) => warnings.push(m),
    });
    await file.load();
    await Deno.writeTextFile(
      path,
      markersText(
        Array.from({ length: 100 }, (_, i) => ({ frequency: i, name: "x" })),
      ),
    );
    equal(await file.checkForChanges(), false);
    equal(file.markers.length, 1);
    deepEqual(warnings, [
      `${path} cannot be read (larger than 1000 bytes): keeping its last 1 markers`,
    ]);
  });
});

Deno.test("MarkersFile starts without a file, warns once, and reads it when it appears", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/markers.json`;
    const warnings: string[] = [];
    const file = new MarkersFile(path, { onWarning: (m) => warnings.push(m) });
    equal(await file.load(), false);
    equal(await file.checkForChanges(), false);
    equal(await file.checkForChanges(), false);
    deepEqual(warnings, [`${path} not found: no markers until it can be read`]);
    equal(file.json, '{"markers":[]}');

    await Deno.copyFile(FIXTURE, path);
    equal(await file.checkForChanges(), true);
    equal(file.markers.length, 4);
    equal(warnings[1], `${path} found`);

    // Deleted later: the markers stay
    await Deno.remove(path);
    equal(await file.checkForChanges(), false);
    equal(file.markers.length, 4);
    equal(warnings[2], `${path} not found: keeping its last 4 markers`);
    // Back with the same content: read again, nothing changed
    await Deno.copyFile(FIXTURE, path);
    equal(await file.checkForChanges(), false);
    equal(warnings[3], `${path} is readable again`);
    equal(warnings.length, 4);
  });
});

Deno.test("MarkersFile.reloadNow() re-reads an unchanged file and reports entry warnings", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/markers.json`;
    await Deno.writeTextFile(
      path,
      markersText([{ frequency: 1, name: "a" }, { name: "no frequency" }]),
    );
    const warnings: string[] = [];
    const file = new MarkersFile(path, { onWarning: (m) => warnings.push(m) });
    await file.load();
    equal(file.markers.length, 1);
    equal(await file.reloadNow(), false);
    equal(file.version, 1);
    // the entry warning is given at each real read (start and SIGHUP)
    deepEqual(warnings, [
      `${path}: marker 1: expected a frequency in Hz from 0 to 1000000000000, found nothing, ignored`,
      `${path}: marker 1: expected a frequency in Hz from 0 to 1000000000000, found nothing, ignored`,
    ]);
  });
});

Deno.test("MarkersFile serialises concurrent checks", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/markers.json`;
    await Deno.copyFile(FIXTURE, path);
    const file = new MarkersFile(path);
    const results = await Promise.all([
      file.load(),
      file.checkForChanges(),
      file.reloadNow(),
      file.checkForChanges(),
    ]);
    deepEqual(results, [true, false, false, false]);
    equal(file.version, 1);
  });
});

Deno.test("MarkersFile refuses limits that are not positive integers", () => {
  throws(() => new MarkersFile("m.json", { maxMarkers: 0 }), RangeError);
  throws(() => new MarkersFile("m.json", { maxFileBytes: 1.5 }), RangeError);
  throws(() => new MarkersFile("m.json", { maxNameLength: -1 }), {
    name: "RangeError",
    message: "Expected maxNameLength to be a positive integer, found -1",
  });
  ok(new MarkersFile("m.json").path === "m.json");
});

Deno.test("MarkersFile treats a directory as unreadable", async () => {
  await withTempDir(async (dir) => {
    const warnings: string[] = [];
    const file = new MarkersFile(dir, { onWarning: (m) => warnings.push(m) });
    equal(await file.load(), false);
    deepEqual(warnings, [
      `${dir} cannot be read (not a file): no markers until it can be read`,
    ]);
  });
});
