import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  type Command,
  COMMAND_REJECTIONS,
  type CommandRejection,
  type CommandSocket,
  parseCommand,
  type ParseCommandOptions,
  type ParseCommandResult,
} from "../../lib/sdr/wire/commands.ts";

const FFT_RESULT_SIZE = 131072;
const AUDIO_MAX_FFT = 768;

function on(socket: CommandSocket): ParseCommandOptions {
  return { socket, fftResultSize: FFT_RESULT_SIZE, audioMaxFft: AUDIO_MAX_FFT };
}

function accepted(text: string, socket: CommandSocket): Command {
  const result = parseCommand(text, on(socket));
  if (!result.ok) {
    throw new Error(`rejected ${text}: ${result.reason} (${result.message})`);
  }
  return result.command;
}

function rejected(
  text: string,
  socket: CommandSocket,
  options: Partial<ParseCommandOptions> = {},
): CommandRejection {
  const result = parseCommand(text, { ...on(socket), ...options });
  if (result.ok) {
    throw new Error(`accepted ${text}: ${JSON.stringify(result.command)}`);
  }
  ok(result.message.startsWith("Expected "), result.message);
  return result.reason;
}

Deno.test("parseCommand() accepts every command kind on its socket", () => {
  const cases: [CommandSocket, string, Command][] = [
    ["audio", '{"cmd":"window","l":71936,"m":71936.4,"r":72128}', {
      cmd: "window",
      l: 71936,
      m: 71936.4,
      r: 72128,
    }],
    ["waterfall", '{"cmd":"window","l":0,"r":131072}', {
      cmd: "window",
      l: 0,
      r: 131072,
    }],
    ["audio", '{"cmd":"demodulation","demodulation":"LSB"}', {
      cmd: "demodulation",
      demodulation: "LSB",
    }],
    ["audio", '{"cmd":"userid","userid":"V1StGXR8_Z5jdHi6B-myT"}', {
      cmd: "userid",
      userid: "V1StGXR8_Z5jdHi6B-myT",
    }],
    ["waterfall", '{"cmd":"userid","userid":"x"}', {
      cmd: "userid",
      userid: "x",
    }],
    ["events", '{"cmd":"userid","userid":"x"}', { cmd: "userid", userid: "x" }],
    ["audio", '{"cmd":"mute","mute":true}', { cmd: "mute", mute: true }],
    ["audio", '{"cmd":"options","options":{"nr":true}}', { cmd: "options" }],
    ["audio", '{"cmd":"agc","speed":"fast"}', { cmd: "agc", speed: "fast" }],
    ["audio", '{"cmd":"agc","speed":"custom","attack":"3","release":250}', {
      cmd: "agc",
      speed: "custom",
      attack: 3,
      release: 250,
    }],
    ["audio", '{"cmd":"buffer","size":"medium"}', {
      cmd: "buffer",
      size: "medium",
    }],
    ["audio", '{"cmd":"noise_gate_enable","enabled":false}', {
      cmd: "noise_gate_enable",
      enabled: false,
    }],
    ["audio", '{"cmd":"noise_gate_preset","preset":"weak-signal"}', {
      cmd: "noise_gate_preset",
      preset: "weak-signal",
    }],
    ["audio", '{"cmd":"agc_enable","enabled":true}', {
      cmd: "agc_enable",
      enabled: true,
    }],
    ["audio", '{"cmd":"codec_caps","opus":true}', {
      cmd: "codec_caps",
      opus: true,
    }],
    ["audio", '{"cmd":"set_codec","codec":"pcm"}', {
      cmd: "set_codec",
      codec: "pcm",
    }],
    [
      "chat",
      '{"cmd":"chat","username":" Anna ","message":" hi ","reply_to_id":"17_3"}',
      {
        cmd: "chat",
        username: "Anna",
        message: "hi",
        replyToId: "17_3",
      },
    ],
  ];
  for (const [socket, text, command] of cases) {
    deepEqual(accepted(text, socket), command, text);
  }
});

Deno.test("parseCommand() is lenient: key order, extra keys, numeric strings, case", () => {
  deepEqual(
    accepted(
      '{"r":"72128","extra":[1,2],"m":"71936.5","l":71936.9,"cmd":"window"}',
      "audio",
    ),
    {
      cmd: "window",
      l: 71936,
      m: 71936.5,
      r: 72128,
    },
  );
  deepEqual(
    accepted(
      '{"cmd":"window","l":"10.2","r":" 2000.1 ","level":3,"m":5}',
      "waterfall",
    ),
    {
      cmd: "window",
      l: 10,
      r: 2001,
    },
  );
  deepEqual(
    accepted('{"cmd":"demodulation","demodulation":" am-env "}', "audio"),
    {
      cmd: "demodulation",
      demodulation: "AM-ENV",
    },
  );
  deepEqual(accepted('{"cmd":"window","l":1e2,"m":1.5e2,"r":2E2}', "audio"), {
    cmd: "window",
    l: 100,
    m: 150,
    r: 200,
  });
  deepEqual(accepted('{"cmd":"buffer","size":3}', "audio"), {
    cmd: "buffer",
    size: "3",
  });
  // -0 becomes 0.
  const window = accepted(
    '{"cmd":"window","l":-0.0,"m":-0,"r":5}',
    "audio",
  ) as { l: number; m: number };
  ok(Object.is(window.l, 0) && Object.is(window.m, 0));
});

Deno.test("parseCommand() validates the audio window", () => {
  // l == r is an empty passband PhantomSDR accepts (zero bandwidth in the UI).
  deepEqual(accepted('{"cmd":"window","l":500,"m":500,"r":500}', "audio"), {
    cmd: "window",
    l: 500,
    m: 500,
    r: 500,
  });
  // Widest window, and the last bin.
  ok(
    accepted(
      `{"cmd":"window","l":${FFT_RESULT_SIZE - 768},"m":${
        FFT_RESULT_SIZE - 1
      },"r":${FFT_RESULT_SIZE}}`,
      "audio",
    ),
  );
  // CW: the carrier just outside the passband.
  ok(accepted('{"cmd":"window","l":1032,"m":1000,"r":1064}', "audio"));
  equal(rejected('{"cmd":"window","l":500,"r":600}', "audio"), "missing_field");
  equal(
    rejected('{"cmd":"window","l":600,"m":600,"r":500}', "audio"),
    "invalid_window",
  );
  equal(
    rejected('{"cmd":"window","l":0,"m":0,"r":769}', "audio"),
    "invalid_window",
  );
  equal(
    rejected('{"cmd":"window","l":-1,"m":0,"r":10}', "audio"),
    "out_of_range",
  );
  equal(
    rejected(
      `{"cmd":"window","l":131000,"m":131000,"r":${FFT_RESULT_SIZE + 1}}`,
      "audio",
    ),
    "out_of_range",
  );
  equal(
    rejected('{"cmd":"window","l":5000,"m":4000,"r":5100}', "audio"),
    "out_of_range",
  );
  equal(
    rejected('{"cmd":"window","l":5000,"m":1e400,"r":5100}', "audio"),
    "out_of_range",
  );
  equal(
    rejected('{"cmd":"window","l":"abc","m":0,"r":5}', "audio"),
    "invalid_type",
  );
  equal(
    rejected('{"cmd":"window","l":true,"m":0,"r":5}', "audio"),
    "invalid_type",
  );
  equal(
    rejected('{"cmd":"window","l":[1],"m":0,"r":5}', "audio"),
    "invalid_type",
  );
  equal(
    rejected('{"cmd":"window","l":null,"m":0,"r":5}', "audio"),
    "missing_field",
  );
  equal(
    rejected('{"cmd":"window","l":1e300,"m":0,"r":5}', "audio"),
    "out_of_range",
  );
});

Deno.test("parseCommand() validates the waterfall window, including r <= fft_result_size", () => {
  ok(accepted(`{"cmd":"window","l":0,"r":${FFT_RESULT_SIZE}}`, "waterfall"));
  equal(
    rejected(`{"cmd":"window","l":0,"r":${FFT_RESULT_SIZE + 1}}`, "waterfall"),
    "out_of_range",
  );
  equal(
    rejected('{"cmd":"window","l":-5,"r":100}', "waterfall"),
    "out_of_range",
  );
  equal(
    rejected('{"cmd":"window","l":100,"r":100}', "waterfall"),
    "invalid_window",
  );
  equal(
    rejected('{"cmd":"window","l":200,"r":100}', "waterfall"),
    "invalid_window",
  );
  equal(rejected('{"cmd":"window","r":100}', "waterfall"), "missing_field");
});

Deno.test("parseCommand() checks modes, enums, booleans and lengths", () => {
  equal(
    rejected('{"cmd":"demodulation","demodulation":"WBFM"}', "audio"),
    "unknown_mode",
  );
  equal(
    rejected('{"cmd":"demodulation","demodulation":7}', "audio"),
    "invalid_type",
  );
  equal(
    rejected('{"cmd":"demodulation","demodulation":"SAM"}', "audio", {
      demodulations: ["USB", "LSB", "AM", "FM"],
    }),
    "unknown_mode",
  );
  equal(rejected('{"cmd":"mute","mute":"true"}', "audio"), "invalid_type");
  equal(rejected('{"cmd":"mute","mute":1}', "audio"), "invalid_type");
  equal(rejected('{"cmd":"mute"}', "audio"), "missing_field");
  equal(rejected('{"cmd":"agc","speed":"turbo"}', "audio"), "invalid_value");
  equal(
    rejected('{"cmd":"agc","speed":"custom","attack":5}', "audio"),
    "missing_field",
  );
  equal(
    rejected('{"cmd":"agc","speed":"fast","attack":0}', "audio"),
    "out_of_range",
  );
  equal(
    rejected('{"cmd":"agc","speed":"fast","release":10001}', "audio"),
    "out_of_range",
  );
  equal(
    rejected('{"cmd":"noise_gate_preset","preset":"loud"}', "audio"),
    "invalid_value",
  );
  equal(
    rejected('{"cmd":"set_codec","codec":"mp3"}', "audio"),
    "invalid_value",
  );
  equal(
    rejected(`{"cmd":"buffer","size":"${"x".repeat(33)}"}`, "audio"),
    "out_of_range",
  );
  equal(rejected('{"cmd":"buffer","size":{}}', "audio"), "invalid_type");
  equal(rejected('{"cmd":"userid","userid":42}', "audio"), "invalid_type");
  equal(
    rejected('{"cmd":"chat","username":"  ","message":"hi"}', "chat"),
    "invalid_value",
  );
  equal(
    rejected('{"cmd":"chat","username":"a","message":""}', "chat"),
    "invalid_value",
  );
  equal(
    rejected(
      `{"cmd":"chat","username":"a","message":"${"m".repeat(201)}"}`,
      "chat",
    ),
    "out_of_range",
  );
  equal(
    rejected(
      `{"cmd":"chat","username":"a","message":"b","user_id":"${
        "u".repeat(65)
      }"}`,
      "chat",
    ),
    "out_of_range",
  );
  // Truncations as PhantomSDR does them (by code point here).
  const userid = "😀".repeat(40);
  deepEqual(accepted(`{"cmd":"userid","userid":"${userid}"}`, "audio"), {
    cmd: "userid",
    userid: "😀".repeat(32),
  });
  deepEqual(
    accepted(
      '{"cmd":"chat","username":"abcdefghijklmnopq","message":"x"}',
      "chat",
    ),
    {
      cmd: "chat",
      username: "abcdefghijklmn",
      message: "x",
    },
  );
});

Deno.test("parseCommand() rejects malformed frames with their reason", () => {
  const cases: [string, CommandSocket, CommandRejection][] = [
    ["{" + " ".repeat(1024) + "}", "audio", "too_long"],
    ["{", "audio", "invalid_json"],
    ["", "audio", "invalid_json"],
    ['{"cmd":"mute","mute":true}x', "audio", "invalid_json"],
    ["[1,2]", "audio", "not_an_object"],
    ["null", "audio", "not_an_object"],
    ['"window"', "audio", "not_an_object"],
    ['{"l":1}', "audio", "missing_cmd"],
    ['{"cmd":5}', "audio", "missing_cmd"],
    ['{"cmd":"receiver","id":1}', "audio", "unknown_cmd"],
    ['{"cmd":"__proto__"}', "audio", "unknown_cmd"],
    ['{"cmd":"toString"}', "audio", "unknown_cmd"],
    ['{"cmd":"WINDOW","l":0,"r":1}', "waterfall", "unknown_cmd"],
    [
      '{"cmd":"demodulation","demodulation":"USB"}',
      "waterfall",
      "wrong_socket",
    ],
    ['{"cmd":"window","l":0,"r":10}', "events", "wrong_socket"],
    ['{"cmd":"chat","username":"a","message":"b"}', "audio", "wrong_socket"],
    ['{"cmd":"userid","userid":"a"}', "chat", "wrong_socket"],
    ['{"cmd":"mute","mute":true}', "waterfall", "wrong_socket"],
  ];
  for (const [text, socket, reason] of cases) {
    equal(rejected(text, socket), reason, text.slice(0, 60));
  }
  equal(
    rejected('{"cmd":"mute","mute":true}', "audio", { maxLength: 10 }),
    "too_long",
  );
  // Not a string at all (a binary frame passed by mistake).
  const result = parseCommand(
    new Uint8Array(3) as unknown as string,
    on("audio"),
  );
  deepEqual(result.ok ? "" : result.reason, "not_text");
});

Deno.test("parseCommand() uses every rejection reason of the fixed set", () => {
  const seen = new Set<CommandRejection>();
  const probe: [string, CommandSocket][] = [
    ["x".repeat(2000), "audio"],
    ["{", "audio"],
    ["1", "audio"],
    ["{}", "audio"],
    ['{"cmd":"nope"}', "audio"],
    ['{"cmd":"chat","username":"a","message":"b"}', "audio"],
    ['{"cmd":"mute"}', "audio"],
    ['{"cmd":"mute","mute":0}', "audio"],
    ['{"cmd":"window","l":-1,"r":1}', "waterfall"],
    ['{"cmd":"window","l":2,"r":1}', "waterfall"],
    ['{"cmd":"demodulation","demodulation":"X"}', "audio"],
    ['{"cmd":"set_codec","codec":"X"}', "audio"],
  ];
  for (const [text, socket] of probe) {
    const result = parseCommand(text, on(socket));
    if (!result.ok) seen.add(result.reason);
  }
  seen.add(
    (parseCommand(5 as unknown as string, on("audio")) as {
      reason: CommandRejection;
    }).reason,
  );
  deepEqual([...seen].sort(), [...COMMAND_REJECTIONS].sort());
});

/** Asserts the result's shape and the invariants of accepted commands. */
function checkResult(result: ParseCommandResult, socket: CommandSocket): void {
  if (!result.ok) {
    ok(COMMAND_REJECTIONS.includes(result.reason), result.reason);
    ok(result.message.startsWith("Expected "), result.message);
    // The parser's last-resort catch would say so: no validator may throw.
    ok(!result.message.includes("internal error"), result.message);
    return;
  }
  const command = result.command;
  if (command.cmd === "window") {
    ok(Number.isSafeInteger(command.l) && Number.isSafeInteger(command.r));
    ok(command.l >= 0 && command.r <= FFT_RESULT_SIZE);
    if (socket === "waterfall") {
      ok(command.l < command.r);
      equal(command.m, undefined);
    } else {
      ok(command.l <= command.r && command.r - command.l <= AUDIO_MAX_FFT);
      ok(Number.isFinite(command.m));
    }
  } else if (command.cmd === "userid") {
    ok(Array.from(command.userid).length <= 32);
  } else if (command.cmd === "chat") {
    ok(command.username.length > 0 && command.message.length > 0);
  }
}

const SOCKETS: CommandSocket[] = ["audio", "waterfall", "events", "chat"];

/** Valid-looking commands to mutate. */
const commandObject = fc.oneof(
  fc.record({
    cmd: fc.constant("window"),
    l: fc.oneof(
      fc.integer({ min: -10, max: 140000 }),
      fc.double(),
      fc.string(),
    ),
    r: fc.oneof(
      fc.integer({ min: -10, max: 140000 }),
      fc.double(),
      fc.string(),
    ),
    m: fc.oneof(fc.double(), fc.integer(), fc.constant(null)),
  }, { requiredKeys: ["cmd"] }),
  fc.record({
    cmd: fc.constantFrom(
      "demodulation",
      "userid",
      "mute",
      "agc",
      "buffer",
      "set_codec",
    ),
    demodulation: fc.constantFrom("USB", "lsb", "AM-S", "WBFM", ""),
    userid: fc.string({ maxLength: 60 }),
    mute: fc.oneof(fc.boolean(), fc.integer()),
    speed: fc.constantFrom("off", "fast", "custom", "CUSTOM", "x"),
    attack: fc.oneof(fc.double(), fc.string()),
    size: fc.oneof(fc.string(), fc.integer()),
    codec: fc.constantFrom("pcm", "FLAC", "opus", "aac"),
  }, { requiredKeys: ["cmd"] }),
  fc.record({
    cmd: fc.constantFrom(
      "chat",
      "noise_gate_enable",
      "noise_gate_preset",
      "codec_caps",
      "options",
    ),
    username: fc.string({ maxLength: 30 }),
    message: fc.string({ maxLength: 250 }),
    enabled: fc.oneof(fc.boolean(), fc.constant("yes")),
    preset: fc.constantFrom("cw", "am-fm", "nope"),
    opus: fc.boolean(),
    options: fc.jsonValue(),
  }, { requiredKeys: ["cmd"] }),
);

/** A JSON text of a command with random character-level damage. */
const mutated = fc.tuple(
  commandObject,
  fc.array(
    fc.tuple(
      fc.nat(),
      fc.constantFrom("delete", "insert", "replace"),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 4 },
  ),
).map(([object, edits]) => {
  let text = JSON.stringify(object);
  for (const [at, kind, chunk] of edits) {
    const i = text.length === 0 ? 0 : at % text.length;
    if (kind === "delete") text = text.slice(0, i) + text.slice(i + 1);
    else if (kind === "insert") text = text.slice(0, i) + chunk + text.slice(i);
    else text = text.slice(0, i) + chunk + text.slice(i + chunk.length);
  }
  return text;
});

Deno.test("parseCommand() never throws on 12,000 random and mutated frames (fuzz)", () => {
  const counts = { accepted: 0, rejected: 0 };
  fc.assert(
    fc.property(
      fc.oneof(
        { arbitrary: fc.string({ maxLength: 200 }), weight: 2 },
        { arbitrary: fc.json(), weight: 2 },
        { arbitrary: commandObject.map((o) => JSON.stringify(o)), weight: 3 },
        { arbitrary: mutated, weight: 4 },
        {
          arbitrary: fc.string({ minLength: 1000, maxLength: 1100 }),
          weight: 1,
        },
      ),
      fc.constantFrom(...SOCKETS),
      (text, socket) => {
        const result = parseCommand(text, on(socket));
        checkResult(result, socket);
        counts[result.ok ? "accepted" : "rejected"]++;
      },
    ),
    { seed: 0xc0ffee, numRuns: 12000 },
  );
  // The generators reach both outcomes in quantity.
  ok(counts.accepted > 500, `accepted ${counts.accepted}`);
  ok(counts.rejected > 5000, `rejected ${counts.rejected}`);
});
