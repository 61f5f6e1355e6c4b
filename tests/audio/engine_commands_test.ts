import { deepEqual, equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  decodeCommand,
  encodeCommand,
  MAX_STRING_BYTES,
} from "../../lib/audio/engine/command_codec.ts";
import { CommandQueue } from "../../lib/audio/engine/command_queue.ts";
import {
  COMMAND_KINDS,
  type ControlPair,
  type EngineCommand,
} from "../../lib/audio/engine/commands.ts";
import { demoPhrase } from "../../lib/audio/engine/demo_phrase.ts";

const utf8 = new TextEncoder();
const text = fc.string({ maxLength: 24, unit: "grapheme" }).filter((s) =>
  utf8.encode(s).length <= MAX_STRING_BYTES
);
const i32 = fc.integer({ min: -2147483648, max: 2147483647 });
const timing = { seq: fc.maxSafeNat(), frame: fc.maxSafeNat() };
const controls: fc.Arbitrary<ControlPair[]> = fc.array(
  fc.tuple(text, fc.double()),
  { maxLength: 64 },
);

const command: fc.Arbitrary<EngineCommand> = fc.oneof(
  fc.record({
    kind: fc.constant("set" as const),
    ...timing,
    module: text,
    param: text,
    value: fc.double(),
  }),
  fc.record({
    kind: fc.constant("gate" as const),
    ...timing,
    module: text,
    on: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("patch_create" as const),
    ...timing,
    id: text,
    type: text,
  }),
  fc.record({
    kind: fc.constantFrom(
      "patch_connect" as const,
      "patch_disconnect" as const,
    ),
    ...timing,
    from: text,
    to: text,
  }),
  fc.record({
    kind: fc.constantFrom(
      "patch_clear" as const,
      "patch_commit" as const,
      "patch_abort" as const,
    ),
    ...timing,
  }),
  fc.record({
    kind: fc.constant("s_new" as const),
    ...timing,
    defName: text,
    nodeId: i32,
    addAction: i32,
    target: i32,
    controls,
  }),
  fc.record({
    kind: fc.constant("n_set" as const),
    ...timing,
    nodeId: i32,
    controls,
  }),
  fc.record({
    kind: fc.constant("n_free" as const),
    ...timing,
    nodeIds: fc.array(i32, { maxLength: 64 }),
  }),
  fc.record({
    kind: fc.constant("g_new" as const),
    ...timing,
    groupId: i32,
    addAction: i32,
    target: i32,
  }),
  fc.record({
    kind: fc.constant("g_freeAll" as const),
    ...timing,
    groupIds: fc.array(i32, { maxLength: 64 }),
  }),
);

Deno.test("decodeCommand() inverts encodeCommand() for every command kind", () => {
  const seen = new Set<string>();
  fc.assert(
    fc.property(command, (cmd) => {
      seen.add(cmd.kind);
      deepEqual(decodeCommand(encodeCommand(cmd)), cmd);
    }),
    { seed: 0x5eed, numRuns: 2000 },
  );
  equal(seen.size, COMMAND_KINDS.length);
});

Deno.test("decodeCommand() rejects every truncation of a valid command", () => {
  fc.assert(
    fc.property(command, (cmd) => {
      const bytes = encodeCommand(cmd);
      for (let n = 0; n < bytes.length; n++) {
        throws(() => decodeCommand(bytes.subarray(0, n)), RangeError);
      }
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      throws(() => decodeCommand(longer), RangeError);
    }),
    { seed: 0x7a11, numRuns: 300 },
  );
});

Deno.test("decodeCommand() on garbage returns a command or throws a RangeError", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 80 }),
      fc.integer({ min: 1, max: 13 }),
      (bytes, kind) => {
        // Half of the inputs start with a valid kind code to get deeper.
        if (bytes.length > 0 && kind % 2 === 0) bytes[0] = kind;
        try {
          const cmd = decodeCommand(bytes);
          deepEqual(encodeCommand(cmd), bytes);
        } catch (error) {
          ok(error instanceof RangeError, String(error));
        }
      },
    ),
    { seed: 0x6a7b, numRuns: 5000 },
  );
});

Deno.test("decodeCommand() rejects unknown kinds, gate bytes and bad timing", () => {
  throws(() => decodeCommand(new Uint8Array(0)), /Expected 1 bytes of kind/);
  throws(
    () => decodeCommand(new Uint8Array([0])),
    /kind code from 1 to 13 but found 0/,
  );
  throws(() => decodeCommand(new Uint8Array([14])), RangeError);
  const gate = encodeCommand({
    kind: "gate",
    seq: 1,
    frame: 2,
    module: "env",
    on: true,
  });
  gate[gate.length - 1] = 2;
  throws(() => decodeCommand(gate), /gate byte 0 or 1 but found 2/);
  const commit = encodeCommand({ kind: "patch_commit", seq: 1, frame: 2 });
  new DataView(commit.buffer).setFloat64(9, 2.5, true);
  throws(() => decodeCommand(commit), /frame to be a safe integer/);
  new DataView(commit.buffer).setFloat64(1, -1, true);
  throws(() => decodeCommand(commit), /seq to be a safe integer/);
  const bad = encodeCommand({
    kind: "set",
    seq: 1,
    frame: 0,
    module: "ab",
    param: "q",
    value: 1,
  });
  bad[18] = 0xff; // inside "ab"
  throws(() => decodeCommand(bad), /valid UTF-8/);
});

Deno.test("encodeCommand() rejects what does not fit the format", () => {
  throws(
    () => encodeCommand({ kind: "patch_clear", seq: -1, frame: 0 }),
    RangeError,
  );
  throws(
    () => encodeCommand({ kind: "patch_clear", seq: 0, frame: 0.5 }),
    RangeError,
  );
  throws(
    () =>
      encodeCommand({
        kind: "set",
        seq: 0,
        frame: 0,
        module: "x".repeat(256),
        param: "q",
        value: 1,
      }),
    /at most 255 UTF-8 bytes but found 256/,
  );
  throws(
    () =>
      encodeCommand({ kind: "n_free", seq: 0, frame: 0, nodeIds: [2 ** 31] }),
    /32-bit integer/,
  );
  throws(
    () =>
      encodeCommand({
        kind: "n_free",
        seq: 0,
        frame: 0,
        nodeIds: new Array(65).fill(1),
      }),
    /at most 64/,
  );
  throws(
    () => encodeCommand({ kind: "bogus" } as unknown as EngineCommand),
    RangeError, // no seq
  );
  throws(
    () =>
      encodeCommand(
        { kind: "bogus", seq: 0, frame: 0 } as unknown as EngineCommand,
      ),
    TypeError,
  );
});

Deno.test("encodeCommand() is compact for the common commands", () => {
  const { commands } = demoPhrase();
  for (const cmd of commands) ok(encodeCommand(cmd).length <= 64, cmd.kind);
  equal(
    encodeCommand({ kind: "gate", seq: 1, frame: 0, module: "adsr1", on: true })
      .length,
    24,
  );
});

Deno.test("CommandQueue pops in (frame, seq) order whatever the push order", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(50), fc.nat(1000)), { maxLength: 100 }),
      (keys) => {
        const queue = new CommandQueue(64);
        const accepted: [number, number][] = [];
        const seqs = new Set<number>();
        for (const [frame, seq] of keys) {
          if (seqs.has(seq)) continue; // seqs are unique in the engine
          seqs.add(seq);
          const cmd: EngineCommand = { kind: "patch_clear", seq, frame };
          if (queue.push(cmd, frame)) accepted.push([frame, seq]);
        }
        equal(queue.refused, Math.max(0, seqs.size - 64));
        accepted.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        deepEqual(queue.entries().map(([f, c]) => [f, c.seq]), accepted);
        const popped: [number, number][] = [];
        for (let c = queue.pop(); c !== undefined; c = queue.pop()) {
          popped.push([c.frame, c.seq]);
        }
        deepEqual(popped, accepted);
        equal(queue.size, 0);
      },
    ),
    { seed: 0xc0de, numRuns: 500 },
  );
});
