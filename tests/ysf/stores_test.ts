import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import {
  RoomMemoryFile,
  type RoomMemoryTimer,
} from "../../lib/ysf/stores/room_memory_file.ts";
import { RuleFiles } from "../../lib/ysf/stores/rule_files.ts";
import { writeFileAtomic } from "../../lib/ysf/stores/atomic_file.ts";
import { YsfReflectorCore } from "../../lib/ysf/reflector/reflector.ts";
import { buildPoll } from "../../lib/ysf/packets.ts";

const FIXTURES = new URL("../fixtures/ysf/", import.meta.url);
const fixture = (name: string) => new URL(name, FIXTURES).pathname;

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shack_ysf_stores_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A fake timer: collects armed callbacks; `fire()` runs the due ones. */
class FakeTimers {
  time = 0;
  readonly armed: { at: number; delay: number; callback: () => void }[] = [];
  cancelled = 0;
  readonly now = () => this.time;
  readonly setTimer: RoomMemoryTimer = (callback, delay) => {
    const entry = { at: this.time + delay, delay, callback };
    this.armed.push(entry);
    return () => {
      const index = this.armed.indexOf(entry);
      if (index >= 0) {
        this.armed.splice(index, 1);
        this.cancelled++;
      }
    };
  };
  /** Advances the clock and runs the timers due by then. */
  advance(ms: number): void {
    this.time += ms;
    const due = this.armed.filter((t) => t.at <= this.time);
    for (const entry of due) {
      this.armed.splice(this.armed.indexOf(entry), 1);
      entry.callback();
    }
  }
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

// --- RoomMemoryFile ----------------------------------------------------------

Deno.test("RoomMemoryFile round-trips rooms in pYSFReflector3's tinydb format", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dgid.json`;
    const warnings: string[] = [];
    const first = await RoomMemoryFile.open(path, {
      autoFlush: false,
      onWarning: (m) => warnings.push(m),
    });
    match(warnings[0], /not found, starting with no remembered rooms/);
    first.set("GWA", 50);
    first.set("GWB", 9);
    first.set("GWA", 1); // update keeps the document id
    first.set("GWB", 9); // no change
    equal(await first.close(), true);
    equal(
      await Deno.readTextFile(path),
      '{"_default": {"1": {"gateway": "GWA", "dgid": "1"}, "2": {"gateway": "GWB", "dgid": "9"}}}',
    );
    const second = await RoomMemoryFile.open(path, { autoFlush: false });
    equal(second.get("GWA"), 1);
    equal(second.get("GWB"), 9);
    equal(second.get("GWC"), undefined);
    equal(second.stats.loaded, 2);
    equal(second.dirty, false);
    second.set("GWC", 22);
    await second.close();
    match(
      await Deno.readTextFile(path),
      /"3": \{"gateway": "GWC", "dgid": "22"\}\}\}$/,
    );
  });
});

Deno.test("RoomMemoryFile reads a real pYSFReflector3 dgid.json unchanged and keeps its ids", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dgid.json`;
    await Deno.copyFile(fixture("dgid.json"), path);
    const warnings: string[] = [];
    const memory = await RoomMemoryFile.open(path, {
      autoFlush: false,
      onWarning: (m) => warnings.push(m),
    });
    deepEqual(warnings, []);
    equal(memory.size, 4);
    equal(memory.get("IK5XMK"), 50);
    equal(memory.get("G4ABC-HS"), 9);
    equal(memory.get("M0XYZ"), 1);
    equal(memory.get("F1ZZZ-RPT"), 50);
    equal(memory.dirty, false);
    memory.set("M0XYZ", 9);
    memory.set("NEWGW", 10);
    await memory.close();
    equal(
      await Deno.readTextFile(path),
      '{"_default": {"1": {"gateway": "IK5XMK", "dgid": "50"}, ' +
        '"2": {"gateway": "G4ABC-HS", "dgid": "9"}, ' +
        '"3": {"gateway": "M0XYZ", "dgid": "9"}, ' +
        '"5": {"gateway": "F1ZZZ-RPT", "dgid": "50"}, ' +
        '"6": {"gateway": "NEWGW", "dgid": "10"}}}',
    );
  });
});

Deno.test("RoomMemoryFile skips malformed and duplicate records, first record wins", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dgid.json`;
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        _default: {
          "2": { gateway: "GWA", dgid: "9" },
          "1": { gateway: "GWA", dgid: "50" },
          "3": { gateway: "GWB", dgid: "x" },
          "4": { gateway: "", dgid: "1" },
          "x": { gateway: "GWC", dgid: "1" },
          "5": "junk",
          "6": { gateway: "GWD", dgid: 20 },
          "7": { gateway: "GWE", dgid: "200" },
        },
        other: {},
      }),
    );
    const warnings: string[] = [];
    const memory = await RoomMemoryFile.open(path, {
      autoFlush: false,
      onWarning: (m) => warnings.push(m),
    });
    equal(memory.get("GWA"), 50); // document 1 comes first
    equal(memory.get("GWD"), 20);
    equal(memory.size, 2);
    equal(memory.stats.skipped, 6);
    ok(warnings.some((w) => /tables other than _default \(other\)/.test(w)));
    ok(
      warnings.some((w) => /6 malformed or duplicate records ignored/.test(w)),
    );
    memory.set("GWF", 1);
    await memory.close();
    // the next id follows the largest id seen
    match(await Deno.readTextFile(path), /"8": \{"gateway": "GWF"/);
  });
});

Deno.test("RoomMemoryFile keeps at most capacity gateways, least recently used first out", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dgid.json`;
    const memory = await RoomMemoryFile.open(path, {
      capacity: 3,
      autoFlush: false,
      onWarning: () => {},
    });
    memory.set("GW1", 1);
    memory.set("GW2", 2);
    memory.set("GW3", 3);
    equal(memory.get("GW1"), 1); // GW1 is now the most recently used
    memory.set("GW4", 4); // evicts GW2
    memory.set("GW5", 5); // evicts GW3
    equal(memory.size, 3);
    equal(memory.get("GW2"), undefined);
    equal(memory.get("GW3"), undefined);
    equal(memory.stats.evicted, 2);
    await memory.close();
    const data = JSON.parse(await Deno.readTextFile(path));
    deepEqual(
      Object.values(data._default).map((r) =>
        (r as { gateway: string }).gateway
      ),
      ["GW1", "GW4", "GW5"],
    );
    // a file larger than the capacity keeps its last records
    const reopened = await RoomMemoryFile.open(path, {
      capacity: 2,
      autoFlush: false,
      onWarning: () => {},
    });
    equal(reopened.size, 2);
    equal(reopened.get("GW1"), undefined);
    equal(reopened.get("GW5"), 5);
    await reopened.close();
  });
});

Deno.test("RoomMemoryFile writes atomically: each flush replaces the file by rename, no temp file left", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dgid.json`;
    const memory = await RoomMemoryFile.open(path, {
      autoFlush: false,
      minIntervalMs: 0,
      onWarning: () => {},
    });
    let previous = (await Deno.stat(dir)).ino; // no file yet
    for (let i = 1; i <= 5; i++) {
      for (let j = 0; j < 200; j++) memory.set(`GW${j}`, (i + j) % 100);
      equal(await memory.flush(), true);
      // the whole file is there after every flush, and nothing else
      const data = JSON.parse(await Deno.readTextFile(path));
      equal(Object.keys(data._default).length, 200);
      equal(data._default["1"].dgid, String(i % 100));
      deepEqual(await listDir(dir), ["dgid.json"]);
      // a new inode each time: replaced by rename, never rewritten in place
      const { ino } = await Deno.stat(path);
      notEqual(ino, previous);
      previous = ino;
    }
    await memory.close();
  });
});

Deno.test("writeFileAtomic() leaves the old file intact and no temp file when it fails", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/target`;
    await Deno.mkdir(path); // renaming a file over a directory fails
    await Deno.writeTextFile(`${path}/keep`, "old");
    let failed = false;
    try {
      await writeFileAtomic(path, "new");
    } catch {
      failed = true;
    }
    ok(failed);
    deepEqual(await listDir(dir), ["target"]);
    equal(await Deno.readTextFile(`${path}/keep`), "old");
  });
});

Deno.test("RoomMemoryFile reports a failed write, stays dirty and retries after retryMs", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dgid.json`;
    await Deno.mkdir(path);
    const warnings: string[] = [];
    const timers = new FakeTimers();
    const memory = await RoomMemoryFile.open(path, {
      autoFlush: false,
      now: timers.now,
      retryMs: 30_000,
      onWarning: (m) => warnings.push(m),
    });
    match(warnings[0], /is not a file/);
    memory.set("GWA", 9);
    equal(await memory.flushIfDue(), false);
    equal(memory.dirty, true);
    equal(memory.stats.writeErrors, 1);
    match(warnings[1], /Cannot write the room database/);
    timers.time = 1000;
    equal(await memory.flushIfDue(), false); // not before retryMs
    equal(memory.stats.writeErrors, 1);
    await Deno.remove(path);
    timers.time = 30_000;
    equal(await memory.flushIfDue(), true);
    equal(memory.dirty, false);
    match(warnings[2], /written again/);
    deepEqual(await listDir(dir), ["dgid.json"]);
    await memory.close();
  });
});

Deno.test("RoomMemoryFile starts empty on a corrupt file and moves it aside", async () => {
  await withTempDir(async (dir) => {
    for (
      const [name, text] of [["a.json", '{"_default": {"1": '], [
        "b.json",
        "[1, 2]",
      ], ["c.json", '{"_default": 5}']]
    ) {
      const path = `${dir}/${name}`;
      await Deno.writeTextFile(path, text);
      const warnings: string[] = [];
      const memory = await RoomMemoryFile.open(path, {
        autoFlush: false,
        onWarning: (m) => warnings.push(m),
      });
      equal(memory.size, 0, name);
      equal(warnings.length, 1, name);
      match(
        warnings[0],
        /moved to .*\.corrupt, starting with no remembered rooms/,
      );
      equal(await Deno.readTextFile(`${path}.corrupt`), text);
      memory.set("GWA", 1);
      await memory.close();
      equal(
        await Deno.readTextFile(path),
        '{"_default": {"1": {"gateway": "GWA", "dgid": "1"}}}',
      );
    }
    // an empty file is tinydb's empty database: no warning
    await Deno.writeTextFile(`${dir}/empty.json`, "");
    const warnings: string[] = [];
    const empty = await RoomMemoryFile.open(`${dir}/empty.json`, {
      autoFlush: false,
      onWarning: (m) => warnings.push(m),
    });
    equal(empty.size, 0);
    deepEqual(warnings, []);
    await empty.close();
  });
});

Deno.test("RoomMemoryFile debounces writes to one per minIntervalMs with an injected timer", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dgid.json`;
    const timers = new FakeTimers();
    const memory = await RoomMemoryFile.open(path, {
      now: timers.now,
      setTimer: timers.setTimer,
      minIntervalMs: 1000,
      onWarning: () => {},
    });
    memory.set("GWA", 9);
    equal(timers.armed.length, 1);
    equal(timers.armed[0].delay, 0); // nothing written yet: due now
    memory.set("GWB", 50);
    equal(timers.armed.length, 1); // one timer for both
    timers.advance(0);
    await memory.flush(); // waits for the write the timer started
    equal(memory.stats.writes, 1);
    equal(
      Object.keys(JSON.parse(await Deno.readTextFile(path))._default).length,
      2,
    );

    timers.advance(100);
    memory.set("GWC", 1);
    memory.set("GWD", 1);
    memory.set("GWE", 1);
    equal(timers.armed.length, 1);
    equal(timers.armed[0].delay, 900); // 1 s after the last write
    timers.advance(899);
    equal(memory.stats.writes, 1);
    timers.advance(1);
    await memory.flush();
    equal(memory.stats.writes, 2);
    equal(
      Object.keys(JSON.parse(await Deno.readTextFile(path))._default).length,
      5,
    );

    // close() cancels a pending timer and writes at once
    timers.advance(10);
    memory.set("GWF", 2);
    equal(timers.armed.length, 1);
    equal(await memory.close(), true);
    equal(timers.armed.length, 0);
    equal(timers.cancelled, 1);
    equal(memory.stats.writes, 3);
    equal(
      JSON.parse(await Deno.readTextFile(path))._default["6"].gateway,
      "GWF",
    );
    // after close nothing is scheduled any more
    memory.set("GWG", 3);
    equal(timers.armed.length, 0);
  });
});

Deno.test("RoomMemoryFile with real timers writes by itself and close() leaves nothing pending", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dgid.json`;
    const memory = await RoomMemoryFile.open(path, {
      minIntervalMs: 0,
      onWarning: () => {},
    });
    memory.set("GWA", 9);
    const deadline = Date.now() + 2000;
    while (memory.dirty && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    equal(memory.dirty, false);
    equal(memory.stats.writes, 1);
    memory.set("GWB", 9);
    await memory.close();
    equal(
      Object.keys(JSON.parse(await Deno.readTextFile(path))._default).length,
      2,
    );
  });
});

Deno.test("RoomMemoryFile serves the reflector as its RoomMemory", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dgid.json`;
    await Deno.copyFile(fixture("dgid.json"), path);
    const memory = await RoomMemoryFile.open(path, { autoFlush: false });
    const core = new YsfReflectorCore({
      name: "R",
      dgidList: [1, 9, 50],
      defaultDgid: 50,
      roomMemory: memory,
      now: () => 0,
    }, { send() {} });
    core.handle(
      buildPoll("G4ABC-HS"),
      { address: "192.0.2.1", port: 1000 },
      "main",
    );
    const [client] = core.snapshot().clients;
    equal(client.room, 9);
    equal(client.roomSource, "memory");
    await memory.close();
  });
});

// --- RuleFiles -----------------------------------------------------------------

async function copyFixtures(dir: string): Promise<void> {
  for (const name of ["deny.db", "BlockList.txt", "home.db"]) {
    await Deno.copyFile(fixture(name), `${dir}/${name}`);
  }
}

Deno.test("RuleFiles.load() reads the deny file, the block list and the home file", async () => {
  await withTempDir(async (dir) => {
    await copyFixtures(dir);
    const warnings: string[] = [];
    const files = new RuleFiles({
      denyFile: `${dir}/deny.db`,
      blockListFile: `${dir}/BlockList.txt`,
      homeFile: `${dir}/home.db`,
      checkRe: 1,
      allowedDgids: [1, 9, 50],
      onWarning: (m) => warnings.push(m),
    });
    const { acl, homeEntries } = await files.load();
    deepEqual(acl.counts(), {
      CS: 2,
      AL: 1,
      SB: 1,
      GW: 1,
      GWB: 1,
      IP: 1,
      IPB: 1,
      SN: 1,
      BlockList: 2,
    });
    equal(acl.checkCallsign("G4XYZ"), "CS"); // deny file
    equal(acl.checkCallsign("M0BAD"), "CS"); // block list
    equal(acl.checkCallsign("N0CALL"), undefined); // whitelist
    equal(acl.gatewayAccess("BADGW", "192.0.2.1"), "locked");
    equal(acl.gatewayAccess("GW", "192.0.2.7"), "listen-only");
    deepEqual(homeEntries.map((e) => [e.gateway, e.dgid, e.fixed]), [
      ["IK5XMK", 9, false],
      ["G4ABC-HS", 1, true],
      ["M0XYZ", 50, false],
    ]);
    deepEqual(warnings, []);
    equal(files.acl, acl);
  });
});

Deno.test("RuleFiles.load() starts with no rules when a file is missing, then picks it up", async () => {
  await withTempDir(async (dir) => {
    const warnings: string[] = [];
    const denyFile = `${dir}/deny.db`;
    const files = new RuleFiles({
      denyFile,
      checkRe: 0,
      onWarning: (m) => warnings.push(m),
    });
    const { acl } = await files.load();
    equal(acl.counts().CS, 0);
    equal(acl.checkRe, 0);
    deepEqual(warnings, [
      `Deny file ${denyFile} not found: no rules from it until it can be read`,
    ]);
    equal(await files.checkForChanges(), undefined);
    equal(warnings.length, 1); // warned once
    await Deno.writeTextFile(denyFile, "CS:G4XYZ\n");
    const update = await files.checkForChanges();
    deepEqual(update?.changed, ["deny"]);
    equal(update?.options.acl?.checkCallsign("G4XYZ"), "CS");
    equal(update?.options.acl?.checkRe, 0);
    equal("homeEntries" in (update?.options ?? {}), false);
  });
});

Deno.test("RuleFiles.checkForChanges() reloads when the mtime changed, even with the same content", async () => {
  await withTempDir(async (dir) => {
    await copyFixtures(dir);
    const denyFile = `${dir}/deny.db`;
    const files = new RuleFiles({ denyFile, homeFile: `${dir}/home.db` });
    await files.load();
    equal(await files.checkForChanges(), undefined);
    await Deno.utime(denyFile, new Date(2020, 0, 1), new Date(2020, 0, 1));
    const update = await files.checkForChanges();
    deepEqual(update?.changed, ["deny"]);
    ok(update?.options.acl !== undefined);
    equal(update?.options.homeEntries, undefined);
    equal(await files.checkForChanges(), undefined);
  });
});

Deno.test("RuleFiles.checkForChanges() reloads when the content changed within the same mtime", async () => {
  await withTempDir(async (dir) => {
    await copyFixtures(dir);
    const homeFile = `${dir}/home.db`;
    const files = new RuleFiles({ homeFile, allowedDgids: [1, 9, 50] });
    await files.load();
    const { mtime } = await Deno.stat(homeFile);
    await Deno.writeTextFile(homeFile, "IK5XMK:1:-1\n");
    await Deno.utime(homeFile, mtime!, mtime!); // same mtime as before
    equal((await Deno.stat(homeFile)).mtime?.getTime(), mtime?.getTime());
    const update = await files.checkForChanges();
    deepEqual(update?.changed, ["home"]);
    deepEqual(update?.options.homeEntries, [
      { gateway: "IK5XMK", dgid: 1, fixed: true, timeoutMs: 0 },
    ]);
    equal(update?.options.acl, undefined);
    equal(files.homeEntries, update?.options.homeEntries);
  });
});

Deno.test("RuleFiles.reloadNow() re-reads every file for SIGHUP, changed or not", async () => {
  await withTempDir(async (dir) => {
    await copyFixtures(dir);
    const files = new RuleFiles({
      denyFile: `${dir}/deny.db`,
      blockListFile: `${dir}/BlockList.txt`,
      homeFile: `${dir}/home.db`,
    });
    const first = await files.load();
    const update = await files.reloadNow();
    deepEqual(update.changed, ["deny", "blockList", "home"]);
    ok(update.options.acl !== undefined);
    notEqual(update.options.acl, first.acl); // rebuilt
    equal(update.options.homeEntries?.length, 3);
    // the options are what YsfReflectorCore.reload() takes
    const core = new YsfReflectorCore({
      name: "R",
      dgidList: [1, 9, 50],
      now: () => 0,
    }, { send() {} });
    core.reload(update.options);
    // without files, a reload has nothing to say
    deepEqual(await new RuleFiles().reloadNow(), { changed: [], options: {} });
  });
});

Deno.test("RuleFiles keeps the last rules of a file that disappears, and reloads it when it is back", async () => {
  await withTempDir(async (dir) => {
    await copyFixtures(dir);
    const denyFile = `${dir}/deny.db`;
    const warnings: string[] = [];
    const files = new RuleFiles({
      denyFile,
      onWarning: (m) => warnings.push(m),
    });
    await files.load();
    await Deno.remove(denyFile);
    equal(await files.checkForChanges(), undefined);
    equal(files.acl.checkCallsign("G4XYZ"), "CS");
    deepEqual(warnings, [
      `Deny file ${denyFile} not found: keeping its last rules`,
    ]);
    await Deno.writeTextFile(denyFile, "AL:TEST\n");
    const update = await files.checkForChanges();
    deepEqual(update?.changed, ["deny"]);
    equal(update?.options.acl?.checkCallsign("G4XYZ"), undefined);
    equal(update?.options.acl?.checkCallsign("TEST"), undefined);
    match(warnings[1], /is readable again/);
  });
});

Deno.test("RuleFiles resolves IP/IPB hostnames through the injected resolver", async () => {
  await withTempDir(async (dir) => {
    const denyFile = `${dir}/deny.db`;
    await Deno.writeTextFile(
      denyFile,
      "IP:gw.example\nIPB:bad.example\nIP:nx.example\n",
    );
    const asked: string[][] = [];
    const warnings: string[] = [];
    const files = new RuleFiles({
      denyFile,
      resolveHosts: (hosts) => {
        asked.push([...hosts]);
        return Promise.resolve(
          new Map([
            ["gw.example", ["192.0.2.10", "2001:db8::10"]],
            ["bad.example", ["192.0.2.66"]],
          ]),
        );
      },
      onWarning: (m) => warnings.push(m),
    });
    const { acl } = await files.load();
    deepEqual(asked, [["gw.example", "nx.example", "bad.example"]]);
    equal(acl.gatewayAccess("GW", "192.0.2.10"), "listen-only");
    equal(acl.gatewayAccess("GW", "2001:db8::10"), "listen-only");
    equal(acl.gatewayAccess("GW", "192.0.2.66"), "locked");
    deepEqual(warnings, ["Deny file: invalid hostname nx.example, ignored"]);
    // SIGHUP resolves again
    await files.reloadNow();
    equal(asked.length, 2);
    // without a resolver, hostnames are ignored with a warning
    const bare: string[] = [];
    await new RuleFiles({ denyFile, onWarning: (m) => bare.push(m) }).load();
    match(bare[0], /3 hostname\(s\) in IP\/IPB lines ignored/);
  });
});

Deno.test("RuleFiles reports ignored lines with file and line, and home entries outside the DG-ID list", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/deny.db`, "# rules\nXX:FOO\nCS:G4XYZ\n");
    await Deno.writeTextFile(`${dir}/home.db`, "GW1:22:5\nGW2:9:5\n");
    const warnings: string[] = [];
    const files = new RuleFiles({
      denyFile: `${dir}/deny.db`,
      homeFile: `${dir}/home.db`,
      allowedDgids: [9],
      onWarning: (m) => warnings.push(m),
    });
    const { homeEntries } = await files.load();
    deepEqual(homeEntries.map((e) => e.gateway), ["GW2"]);
    equal(warnings.length, 2);
    match(warnings[0], new RegExp(`^${dir}/deny\\.db:2: .*, line ignored$`));
    match(warnings[1], new RegExp(`^${dir}/home\\.db:1: .*, line ignored$`));
  });
});

Deno.test("RuleFiles refuses a file over maxFileBytes and keeps the rules it had", async () => {
  await withTempDir(async (dir) => {
    const denyFile = `${dir}/deny.db`;
    await Deno.writeTextFile(denyFile, "CS:G4XYZ\n");
    const warnings: string[] = [];
    const files = new RuleFiles({
      denyFile,
      maxFileBytes: 64,
      onWarning: (m) => warnings.push(m),
    });
    await files.load();
    await Deno.writeTextFile(denyFile, "CS:M0ABC\n".repeat(20));
    equal(await files.checkForChanges(), undefined);
    equal(files.acl.checkCallsign("G4XYZ"), "CS");
    match(
      warnings[0],
      /cannot be read \(larger than 64 bytes\): keeping its last rules/,
    );
  });
});
