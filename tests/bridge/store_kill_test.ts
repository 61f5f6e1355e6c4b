import { equal, ok } from "node:assert/strict";
import { BridgeStore } from "../../lib/bridge/store/bridge_store.ts";
import { CHANNELS, PROGRAMMES } from "./fixtures/store_writer.ts";

const WRITER = new URL("./fixtures/store_writer.ts", import.meta.url).pathname;

/**
 * Starts the writer, waits until it reported `until` committed generations
 * (counting from where the database was), SIGKILLs it mid-write and returns
 * the last generation it reported.
 */
async function runAndKill(path: string, until: number): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", WRITER, path],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let reported = 0;
  let seen = 0;
  try {
    while (seen < until) {
      const { done, value } = await lines.read();
      if (done) break;
      buffer += value;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const part of parts) {
        reported = Number(part);
        seen++;
      }
    }
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await lines.cancel().catch(() => {});
  }
  const status = await child.status;
  const errors = await stderr;
  ok(seen >= until, `the writer stopped early: ${errors}`);
  equal(status.signal, "SIGKILL");
  return reported;
}

Deno.test("BridgeStore is consistent after its writer is SIGKILLed mid-transaction", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_store_kill_" });
  const path = `${dir}/bridge.db`;
  try {
    let previous = 0;
    for (let round = 0; round < 4; round++) {
      const reported = await runAndKill(path, 3 + round);
      ok(reported > previous);
      // Killed without a clean close: the write-ahead log is still there.
      ok((await Deno.stat(`${path}-wal`)).size > 0);
      const store = new BridgeStore(path);
      try {
        equal(store.integrityCheck(), "ok");
        equal(store.journalMode, "wal");
        const generation = Number(store.getSetting("generation"));
        // Everything reported was committed; at most one more commit landed
        // between the last report and the kill.
        ok(
          generation === reported || generation === reported + 1,
          `generation ${generation}, last reported ${reported}`,
        );
        const channels = store.allChannels();
        equal(channels.length, CHANNELS);
        ok(channels.every((c) => c.name === `g${generation}`));
        ok(
          channels.every((c) =>
            c.headers["User-Agent"] === `writer/${generation}`
          ),
        );
        const guide = store.guide("epg");
        const titles = new Set<string>();
        let count = 0;
        for (const list of guide.programmes.values()) {
          for (const p of list) {
            titles.add(p.title);
            count++;
          }
        }
        equal(count, PROGRAMMES);
        equal([...titles].join(), `g${generation}`);
        previous = generation;
      } finally {
        store.close();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
