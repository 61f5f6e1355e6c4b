// The G4KLX-format log file on a real file system (temporary directories),
// with an injected clock for flushes, dumps and daily rotation.
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  G4klxLogFile,
  type G4klxLogFileOptions,
  monitorStreamId,
} from "../../lib/ysf/monitor/mod.ts";
import { Registry } from "../../lib/core/metrics.ts";
import { AccessControl } from "../../lib/ysf/reflector/mod.ts";
import { frame, Harness } from "./_reflector_harness.ts";

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0, 0);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shack_g4klx_log_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function lines(path: string): Promise<string[]> {
  const text = await Deno.readTextFile(path);
  ok(text.endsWith("\n"), "the file ends with a newline");
  return text.slice(0, -1).split("\n");
}

function open(
  dir: string,
  clock: { time: number },
  options: Partial<G4klxLogFileOptions> = {},
): G4klxLogFile {
  return new G4klxLogFile({
    filePath: dir,
    fileRoot: "YSFReflector",
    now: () => clock.time,
    streamIdSalt: 1234,
    ...options,
  });
}

Deno.test("G4klxLogFile.writeEvent() writes G4KLX's line for each event kind", async () => {
  await withDir(async (dir) => {
    const h = new Harness({
      mode: "single-room",
      acl: new AccessControl({ blockList: ["M0BAD"], checkRe: 0 }),
    });
    h.time = T0;
    const log = open(dir, h);
    // Each event is logged when the reflector emits it (the log's clock is the harness's).
    let done = 0;
    const drain = () => {
      for (; done < h.events.length; done++) log.writeEvent(h.events[done]);
    };
    const a = h.link("GW1ABC", 42000);
    const b = h.link("GW2XYZ", 42001, "192.0.2.2");
    drain();
    h.time += 1234;
    h.handle(frame({ fi: 0, source: "G4ABC" }), a);
    drain();
    h.time += 100;
    h.handle(frame({ fi: 1, fn: 1, source: "G4ABC" }), a);
    h.time += 100;
    h.handle(frame({ fi: 2, source: "G4ABC" }), a);
    drain();
    h.time += 100;
    h.handle(frame({ fi: 0, source: "M0XYZ", destination: "GB7AA" }), b);
    drain();
    h.advance(2000); // the watchdog ends M0XYZ's stream
    drain();
    h.handle(frame({ fi: 0, source: "M0BAD" }), a);
    h.handle(new TextEncoder().encode("YSFUGW1ABC    "), a);
    drain();
    h.advance(70_000); // GW2XYZ stops polling
    drain();
    await log.close();
    deepEqual(await lines(`${dir}/YSFReflector-2024-05-01.log`), [
      "M: 2024-05-01 12:00:00.000 Adding GW1ABC     (192.0.2.1:42000)",
      "M: 2024-05-01 12:00:00.000 Adding GW2XYZ     (192.0.2.2:42001)",
      "M: 2024-05-01 12:00:01.234 Received data from G4ABC      to ALL        at GW1ABC    ",
      "M: 2024-05-01 12:00:01.434 Received end of transmission",
      "M: 2024-05-01 12:00:01.534 Received data from M0XYZ      to GB7AA      at GW1ABC    ",
      "M: 2024-05-01 12:00:03.534 Network watchdog has expired",
      "M: 2024-05-01 12:00:03.534 Data from M0BAD      at GW1ABC     blocked",
      "M: 2024-05-01 12:00:03.534 Removing GW1ABC     (192.0.2.1:42000) unlinked",
      "M: 2024-05-01 12:01:13.534 Removing GW2XYZ     (192.0.2.2:42001) disappeared",
    ]);
    equal(log.counters.written, 9);
    equal(log.counters.writeErrors, 0);
  });
});

Deno.test("G4klxLogFile with the pysf3 style writes pYSFReflector3's lines", async () => {
  await withDir(async (dir) => {
    const h = new Harness({
      dgidList: [9, 50],
      defaultDgid: 50,
      prefix: false,
    });
    h.time = T0;
    const log = open(dir, h, { style: "pysf3", fileRotate: false });
    const a = h.link("GW1ABC", 42000);
    h.link("GW2XYZ", 42001);
    h.handle(frame({ fi: 0, dgid: 50, source: "G4ABC" }), a);
    h.handle(frame({ fi: 2, dgid: 50, source: "G4ABC" }), a);
    h.handle(frame({ fi: 0, dgid: 50, source: "TEST" }), a);
    for (const e of h.events) log.writeEvent(e);
    log.writeStart("1.2.3");
    await log.close();
    const id = `<${
      monitorStreamId(h.eventsOf("stream-start")[0].stream.id, 1234)
    }>`;
    const at = "M: 2024-05-01 12:00:00.000";
    deepEqual(await lines(`${dir}/YSFReflector.log`), [
      `${at} Adding GW1ABC     (192.0.2.1:42000) DG-ID 50`,
      `${at} Adding GW2XYZ     (192.0.2.1:42001) DG-ID 50`,
      `${at} ${id} Received data from G4ABC      to ALL        at GW1ABC     FICH-Data: CS:2 | CM:0 | FT:6 | Dev:False | MR:0 | VoIP:True | DT:2 | SQL:False | SQC:50`,
      `${at} ${id} Additional information dst:ALL        src:G4ABC      uplink:G4ABC      downlink:          `,
      `${at} ${id} Received end of transmission coords: 999.000000, 999.000000`,
      `${at} Data from TEST       at GW1ABC     blocked/CS`,
      `${at} Starting YSFReflector (shack 1.2.3)`,
    ]);
  });
});

Deno.test("G4klxLogFile rotates daily at UTC midnight: each line goes to its own day's file", async () => {
  await withDir(async (dir) => {
    const clock = { time: Date.UTC(2024, 4, 1, 23, 59, 59, 500) };
    const log = open(dir, clock);
    log.write("before midnight");
    clock.time = Date.UTC(2024, 4, 2, 0, 0, 0, 250);
    log.write("after midnight");
    log.tick(); // 750 ms since the writer started: not yet
    equal(log.pendingLines, 2);
    clock.time += 1000;
    log.tick();
    await log.flush();
    equal(log.pendingLines, 0);
    deepEqual(await lines(`${dir}/YSFReflector-2024-05-01.log`), [
      "M: 2024-05-01 23:59:59.500 before midnight",
    ]);
    deepEqual(await lines(`${dir}/YSFReflector-2024-05-02.log`), [
      "M: 2024-05-02 00:00:00.250 after midnight",
    ]);
    equal(log.path, `${dir}/YSFReflector-2024-05-02.log`);
    log.write("later");
    await log.close();
    deepEqual(await lines(`${dir}/YSFReflector-2024-05-02.log`), [
      "M: 2024-05-02 00:00:00.250 after midnight",
      "M: 2024-05-02 00:00:01.250 later",
    ]);
    equal(log.counters.opens, 2);
    equal(log.counters.flushes, 3);
    // Writes after close are counted, not written.
    log.write("too late");
    equal(log.counters.droppedLines, 1);
    equal(log.pendingLines, 0);
  });
});

Deno.test("G4klxLogFile without rotation appends to Root.log across days", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/YSF.log`,
      "M: 2024-04-30 10:00:00.000 old line\n",
    );
    const clock = { time: Date.UTC(2024, 4, 1, 23, 59, 59, 999) };
    const log = open(dir, clock, { fileRoot: "YSF", fileRotate: false });
    log.write("one");
    clock.time += 1;
    log.write("two");
    await log.close();
    deepEqual(await lines(`${dir}/YSF.log`), [
      "M: 2024-04-30 10:00:00.000 old line",
      "M: 2024-05-01 23:59:59.999 one",
      "M: 2024-05-02 00:00:00.000 two",
    ]);
    equal(log.counters.opens, 1);
  });
});

Deno.test("G4klxLogFile recreates its file after the operator deletes or moves it", async () => {
  await withDir(async (dir) => {
    const clock = { time: T0 };
    const log = open(dir, clock, { fileRotate: false });
    const path = `${dir}/YSFReflector.log`;
    log.write("first");
    await log.flush();
    await Deno.remove(path);
    log.write("second");
    await log.flush();
    deepEqual(await lines(path), ["M: 2024-05-01 12:00:00.000 second"]);
    // logrotate: rename, then the next line starts a new file.
    await Deno.rename(path, `${path}.1`);
    log.write("third");
    await log.flush();
    deepEqual(await lines(`${path}.1`), ["M: 2024-05-01 12:00:00.000 second"]);
    deepEqual(await lines(path), ["M: 2024-05-01 12:00:00.000 third"]);
    // Without interference the open file is kept.
    log.write("fourth");
    await log.close();
    deepEqual(await lines(path), [
      "M: 2024-05-01 12:00:00.000 third",
      "M: 2024-05-01 12:00:00.000 fourth",
    ]);
    equal(log.counters.opens, 3);
    equal(log.counters.written, 4);
  });
});

Deno.test("G4klxLogFile counts and reports write errors once, never throws, and recovers", async () => {
  await withDir(async (dir) => {
    const clock = { time: T0 };
    const errors: { error: unknown; path: string }[] = [];
    const missing = `${dir}/missing`;
    const log = open(missing, clock, {
      fileRotate: false,
      onError: (error, path) => {
        errors.push({ error, path });
        throw new Error("a broken callback must not break the writer");
      },
    });
    log.write("lost one");
    await log.flush();
    log.write("lost two");
    await log.flush();
    equal(log.counters.writeErrors, 2);
    equal(log.counters.droppedLines, 2);
    equal(errors.length, 1);
    equal(errors[0].path, `${missing}/YSFReflector.log`);
    ok(errors[0].error instanceof Deno.errors.NotFound);
    await Deno.mkdir(missing);
    log.write("kept");
    await log.close();
    deepEqual(await lines(`${missing}/YSFReflector.log`), [
      "M: 2024-05-01 12:00:00.000 kept",
    ]);
    const registry = new Registry({ prefix: "shack_ysf_" });
    log.registerMetrics(registry);
    const metrics = registry.render();
    ok(metrics.includes("shack_ysf_g4klx_log_write_errors_total 2\n"));
    ok(metrics.includes("shack_ysf_g4klx_log_written_lines_total 1\n"));
  });
});

Deno.test("G4klxLogFile bounds its buffer and drops the excess", async () => {
  await withDir(async (dir) => {
    const clock = { time: T0 };
    const log = open(dir, clock, { maxBufferedLines: 3, fileRotate: false });
    for (let i = 0; i < 5; i++) log.write(`line ${i}`);
    equal(log.pendingLines, 3);
    equal(log.counters.droppedLines, 2);
    await log.close();
    equal((await lines(`${dir}/YSFReflector.log`)).length, 3);
    // Control characters cannot start a line of their own.
    const log2 = open(dir, clock, { fileRotate: false });
    log2.write("EVIL\nM: 2024-01-01 00:00:00.000 Adding FAKE (1.2.3.4:1)");
    await log2.close();
    const all = await lines(`${dir}/YSFReflector.log`);
    equal(all.length, 4);
    equal(
      all[3],
      "M: 2024-05-01 12:00:00.000 EVIL<10>M: 2024-01-01 00:00:00.000 Adding FAKE (1.2.3.4:1)",
    );
  });
});

Deno.test("G4klxLogFile.tick() logs the linked-list dump every 120 s", async () => {
  await withDir(async (dir) => {
    const h = new Harness({ mode: "single-room" });
    h.time = T0;
    h.link("GW1ABC", 42000);
    h.link("GW2XYZ", 42001, "192.0.2.2");
    const clock = { time: T0 };
    const log = open(dir, clock, {
      fileRotate: false,
      snapshot: () => h.core.snapshot(),
    });
    h.time = T0 + 4000;
    clock.time = T0 + 119_999;
    log.tick();
    clock.time = T0 + 120_000;
    log.tick();
    clock.time = T0 + 121_000;
    log.tick(); // flush
    clock.time = T0 + 125_000;
    log.tick(); // no second dump yet
    await log.close();
    const at = "M: 2024-05-01 12:02:00.000";
    const got = await lines(`${dir}/YSFReflector.log`);
    deepEqual(got, [
      `${at} Currently linked repeaters/gateways:`,
      `${at}     GW1ABC    : 192.0.2.1:42000 4/60`,
      `${at}     GW2XYZ    : 192.0.2.2:42001 4/60`,
    ]);
    // The dg9vh dashboard reads the callsign at column 31, 10 wide.
    equal(got[1].substring(31, 41), "GW1ABC    ");
  });
});

Deno.test("G4klxLogFile rejects a bad file root and never rejects from flush/close", async () => {
  throws(() => new G4klxLogFile({ filePath: "/tmp", fileRoot: "" }), TypeError);
  throws(
    () => new G4klxLogFile({ filePath: "/tmp", fileRoot: "a/b" }),
    TypeError,
  );
  throws(
    () =>
      new G4klxLogFile({ filePath: "/tmp", fileRoot: "x", flushIntervalMs: 0 }),
    RangeError,
  );
  const log = new G4klxLogFile({
    filePath: "/nonexistent/shack/dir",
    fileRoot: "x",
  });
  log.write("nowhere");
  await log.flush();
  await log.close();
  equal(log.counters.writeErrors, 1);
  equal(log.counters.droppedLines, 1);
});
