import { deepEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { ConfigError } from "../../lib/core/config/errors.ts";
import { loadScript, parseScript } from "../../lib/audio/script.ts";

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("Expected a ConfigError, found none");
}

Deno.test("parseScript() types arguments by their form and by prefix", () => {
  const [entry] = parseScript(
    '0 /x 440 -3 440.0 4.4e2 .5 "two words" voice s:440 i:7 f:1 d:0.1 h:9007199254740993 "esc \\"q\\" \\\\ \\n" s:"a b"\n',
  );
  deepEqual(entry.message.args, [
    { type: "i", value: 440 },
    { type: "i", value: -3 },
    { type: "f", value: 440 },
    { type: "f", value: 440 },
    { type: "f", value: 0.5 },
    { type: "s", value: "two words" },
    { type: "s", value: "voice" },
    { type: "s", value: "440" },
    { type: "i", value: 7 },
    { type: "f", value: 1 },
    { type: "d", value: 0.1 },
    { type: "h", value: 9007199254740993n },
    { type: "s", value: 'esc "q" \\ \n' },
    { type: "s", value: "a b" },
  ]);
});

Deno.test("parseScript() sorts by frame, keeps line order for ties, and reads comments", () => {
  const text = [
    "# a reproducible render",
    "",
    "2      /quit",
    "0.5    /gate/adsr 1   # note on",
    "@24000 /mod/sine/freq 330.0",
    "0      /s_new sine 1000",
    "\t1e-3 /n_set 1000 amp 0.5",
    "0.5    /gate/adsr 0",
  ].join("\r\n");
  const entries = parseScript(text, { file: "render.osc", sampleRate: 48000 });
  deepEqual(
    entries.map((e) => [e.line, e.frame, e.message.address]),
    [
      [6, 0, "/s_new"],
      [7, 48, "/n_set"],
      [4, 24000, "/gate/adsr"],
      [5, 24000, "/mod/sine/freq"],
      [8, 24000, "/gate/adsr"],
      [3, 96000, "/quit"],
    ],
  );
  equal(entries[3].seconds, 0.5);
  equal(entries[1].seconds, 0.001);
  // at 44.1 kHz the seconds map to other frames; @frames stay put
  const at44 = parseScript(text, { sampleRate: 44100 });
  deepEqual(at44.map((e) => e.frame), [0, 44, 22050, 22050, 24000, 88200]);
});

Deno.test("parseScript() reports every bad line with file:line, expected and found", () => {
  const text = [
    "0 /ok 1",
    "soon /quit",
    "-1 /quit",
    "1",
    "1 quit",
    "1 /x 1.2.3",
    '1 /x "unterminated',
    '1 /x "bad \\q"',
    "1 /x i:1.5",
    "1 /x 3000000000",
    "1 /x h:99999999999999999999",
    '1 "/quoted"',
    '1 /x "a"b',
  ].join("\n");
  const error = configError(() => parseScript(text, { file: "bad.osc" }));
  deepEqual(
    error.issues.map((i) => [i.line, i.expected, i.found]),
    [
      [2, "a time in seconds (0.5) or a frame (@24000)", '"soon"'],
      [3, "a time in seconds (0.5) or a frame (@24000)", '"-1"'],
      [4, "an OSC address after the time", "nothing"],
      [5, 'an OSC address starting with "/" (printable ASCII)', '"quit"'],
      [6, "a number (440, 440.0, 4.4e2), a quoted string or a word", '"1.2.3"'],
      [7, "a closing quote", 'the end of the line after "\\"unterminated"'],
      [8, 'an escape \\", \\\\, \\n or \\t', '"\\\\q"'],
      [9, "an int32 after i: (-2147483648 to 2147483647)", '"i:1.5"'],
      [10, "an int32 (use h: for 64-bit integers)", '"3000000000"'],
      [11, "an int64 after h:", '"h:99999999999999999999"'],
      [12, 'an OSC address starting with "/" (printable ASCII)', '"/quoted"'],
      [13, "a space after a quoted string", '"\\"a\\"b"'],
    ],
  );
  ok(error.message.startsWith("12 problems in the configuration\n"));
  ok(
    error.message.includes(
      '  bad.osc:2: expected a time in seconds (0.5) or a frame (@24000), found "soon"',
    ),
  );
  equal(error.exitCode, 78);
});

Deno.test("parseScript() enforces its entry limit and checks its options", () => {
  const error = configError(() =>
    parseScript("0 /a\n0 /b\n0 /c\n", { maxEntries: 2, file: "big.osc" })
  );
  equal(error.message, "big.osc:3: expected at most 2 commands, found more");
  throws(() => parseScript("", { sampleRate: 0 }), RangeError);
  deepEqual(parseScript("\n# only comments\n   \n"), []);
});

Deno.test("loadScript() reads a file and names it in errors", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_script_" });
  try {
    await Deno.writeTextFile(`${dir}/a.osc`, "0.25 /gate/adsr 1\n");
    const [entry] = await loadScript(`${dir}/a.osc`, { sampleRate: 8000 });
    equal(entry.frame, 2000);
    await Deno.writeTextFile(`${dir}/b.osc`, "x /gate/adsr 1\n");
    await rejects(loadScript(`${dir}/b.osc`), {
      name: "ConfigError",
      message:
        `${dir}/b.osc:1: expected a time in seconds (0.5) or a frame (@24000), found "x"`,
    });
    await rejects(loadScript(`${dir}/missing.osc`), {
      name: "ConfigError",
      message: `${dir}/missing.osc: file not found`,
    });
    await rejects(loadScript(dir), {
      message: `${dir}: expected a file, found a directory`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
