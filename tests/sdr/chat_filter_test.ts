import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import {
  ChatFilter,
  DEFAULT_CHAT_MASKED_WORDS,
  RESERVED_CHAT_NAMES,
} from "../../lib/sdr/chat/chat_filter.ts";
import { ChatHistory } from "../../lib/sdr/chat/chat_history.ts";
import {
  type ChatMessage,
  chatTimestamp,
  toChatMessage,
} from "../../lib/sdr/chat/chat_message.ts";

const standIn = () => "user123456";

function message(n: number): ChatMessage {
  return {
    id: `1700000000000_${n}`,
    username: "M0ABC",
    message: `message ${n}`,
    timestamp: "2023-11-14 22:13:20",
    user_id: "",
    type: "message",
    reply_to_id: "",
    reply_to_username: "",
  };
}

Deno.test("ChatFilter.username() trims to 14 characters and replaces reserved names", () => {
  const filter = new ChatFilter();
  equal(filter.username("  M0ABC  ", standIn), "M0ABC");
  equal(
    filter.username("abcdefghijklmnopqrstuvwxyz", standIn),
    "abcdefghijklmn",
  );
  equal(filter.username("😀".repeat(20), standIn), "😀".repeat(14)); // characters, not UTF-16 units
  for (const name of RESERVED_CHAT_NAMES) {
    equal(filter.username(name, standIn), "user123456");
    equal(filter.username(` ${name.toUpperCase()} `, standIn), "user123456");
  }
  equal(filter.username("administrator", standIn), "administrator");
  equal(filter.username("\u0000\u0007  ", standIn), "user123456"); // nothing printable
  equal(filter.username("M0\u202eABC", standIn), "M0ABC"); // no bidi override
  equal(
    new ChatFilter({ reservedNames: ["sysop"] }).username("SysOp", standIn),
    "user123456",
  );
});

Deno.test("ChatFilter.message() masks listed whole words in any case, and limits the length", () => {
  const filter = new ChatFilter({ maskedWords: ["qrm", "ass", "bad word"] });
  equal(filter.message("QRM on 40m, qrm!"), "*** on 40m, ***!");
  equal(filter.message("a classic pass"), "a classic pass"); // whole words only
  equal(filter.message("that ass"), "that ***");
  equal(filter.message("a bad word here"), "a ******** here");
  equal(filter.message("  spaced\u0000out  "), "spaced out");
  equal(Array.from(filter.message("é".repeat(250))).length, 200);
  // The default list masks its words; longest first.
  const defaults = new ChatFilter();
  ok(DEFAULT_CHAT_MASKED_WORDS.includes("motherfucker"));
  equal(defaults.message("MotherFucker!"), "************!");
  equal(new ChatFilter({ maskedWords: [] }).message("shit"), "shit");
  // Regex characters in a word are literal.
  equal(new ChatFilter({ maskedWords: ["a.b"] }).message("a.b axb"), "*** axb");
  throws(
    () =>
      new ChatFilter({
        maskedWords: Array.from({ length: 501 }, (_, i) => `w${i}`),
      }),
    RangeError,
  );
});

Deno.test("chatTimestamp() and toChatMessage() follow PhantomSDR+ v2's message shape", () => {
  const at = new Date(2024, 0, 2, 3, 4, 5).getTime(); // local time
  equal(chatTimestamp(at), "2024-01-02 03:04:05");
  deepEqual(toChatMessage(message(1)), message(1));
  equal(toChatMessage({ ...message(1), type: "history" }), undefined);
  equal(toChatMessage({ ...message(1), message: "" }), undefined);
  equal(toChatMessage({ ...message(1), username: 5 }), undefined);
  equal(toChatMessage("text"), undefined);
  equal(toChatMessage({ ...message(1), user_id: "x".repeat(2000) }), undefined);
});

Deno.test("ChatHistory keeps the last 20 and writes chat_history.json atomically", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_chat_" });
  try {
    const file = `${dir}/chat_history.json`;
    const history = await ChatHistory.load({ file });
    equal(history.size, 0);
    for (let n = 1; n <= 25; n++) history.add(message(n));
    await history.flush();
    equal(history.size, 20);
    const saved = JSON.parse(await Deno.readTextFile(file));
    ok(Array.isArray(saved));
    deepEqual(saved.map((m: ChatMessage) => m.message)[0], "message 6");
    equal(saved.length, 20);
    // Only the file itself: the temporary file was renamed over it.
    deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
      "chat_history.json",
    ]);
    ok(history.stats.writes >= 1);
    equal(history.stats.writeErrors, 0);
    const again = await ChatHistory.load({ file });
    deepEqual(again.messages(), history.messages());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ChatHistory.load() survives missing, corrupt and partly bad files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_chat_" });
  try {
    const warnings: string[] = [];
    const onWarning = (text: string) => warnings.push(text);
    equal(
      (await ChatHistory.load({ file: `${dir}/none.json`, onWarning })).size,
      0,
    );
    deepEqual(warnings, []);
    await Deno.writeTextFile(`${dir}/bad.json`, "{not json");
    equal(
      (await ChatHistory.load({ file: `${dir}/bad.json`, onWarning })).size,
      0,
    );
    match(warnings[0], /not JSON/);
    await Deno.writeTextFile(
      `${dir}/mixed.json`,
      JSON.stringify({ messages: [message(1), { id: 3 }, message(2)] }),
    );
    const mixed = await ChatHistory.load({
      file: `${dir}/mixed.json`,
      onWarning,
    });
    deepEqual(mixed.messages().map((m) => m.id), [
      message(1).id,
      message(2).id,
    ]);
    match(warnings[1], /1 malformed message/);
    // A write that cannot happen is a warning, not a crash.
    const unwritable = new ChatHistory({
      file: `${dir}/missing/dir/chat_history.json`,
      onWarning,
    });
    unwritable.add(message(1));
    await unwritable.flush();
    equal(unwritable.stats.writeErrors, 1);
    match(warnings[2], /cannot write/);
    throws(() => new ChatHistory({ capacity: 0 }), RangeError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
