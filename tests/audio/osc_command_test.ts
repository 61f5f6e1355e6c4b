import { deepEqual, equal, throws } from "node:assert/strict";
import {
  OscCommandError,
  parseOscCommand,
} from "../../lib/audio/osc/command.ts";
import { createMessage, type OscArgInput } from "../../lib/audio/osc/packet.ts";
import {
  doneReply,
  failReply,
  statusReply,
  syncedReply,
} from "../../lib/audio/osc/replies.ts";

function parse(address: string, args: OscArgInput[] = []) {
  return parseOscCommand(createMessage(address, args));
}

function rejects(address: string, args: OscArgInput[], pattern: RegExp) {
  throws(() => parse(address, args), (error) => {
    equal(error instanceof OscCommandError, true);
    equal((error as OscCommandError).address, address);
    equal(
      pattern.test((error as Error).message),
      true,
      (error as Error).message,
    );
    return true;
  });
}

Deno.test("parseOscCommand() reads Music Chronus's value forms", () => {
  deepEqual(parse("/mod/sine/freq", [{ type: "d", value: 440 }]), {
    kind: "mod",
    module: "sine",
    param: "freq",
    value: 440,
  });
  deepEqual(parse("/mod/filter/mode", [true]), {
    kind: "mod",
    module: "filter",
    param: "mode",
    value: 1,
  });
  deepEqual(parse("/mod/v1/cutoff", [{ type: "h", value: 2000n }]).kind, "mod");
  for (
    const [arg, on] of [
      [1, true],
      [0, false],
      [0.5, true],
      ["on", true],
      ["OFF", false],
      [false, false],
      [true, true],
    ] as [OscArgInput, boolean][]
  ) {
    deepEqual(parse("/gate/adsr", [arg]), { kind: "gate", module: "adsr", on });
  }
});

Deno.test("parseOscCommand() defaults the optional SuperCollider arguments", () => {
  deepEqual(parse("/s_new", ["sine", -1]), {
    kind: "s_new",
    defName: "sine",
    nodeId: -1,
    addAction: 0,
    targetId: 0,
    controls: [],
  });
  deepEqual(parse("/g_new", [10, 1, 0, 11]), {
    kind: "g_new",
    groups: [
      { groupId: 10, addAction: 1, targetId: 0 },
      { groupId: 11, addAction: 0, targetId: 0 },
    ],
  });
  deepEqual(parse("/notify", [1]), { kind: "notify", enabled: true });
  deepEqual(parse("/n_set", [{ type: "f", value: 1000 }]), {
    kind: "n_set",
    nodeId: 1000,
    controls: [],
  });
});

Deno.test("parseOscCommand() rejects wrong arguments, naming what it expected", () => {
  rejects("/mod/sine", [1], /\/mod\/<module>\/<param>/);
  rejects(
    "/mod/sine/freq",
    [],
    /Expected 1 argument for \/mod\/sine\/freq, found 0/,
  );
  rejects("/mod/sine/freq", ["high"], /finite number, found s "high"/);
  rejects("/mod/sine/freq", [{ type: "f", value: NaN }], /finite number/);
  rejects("/mod/si ne/freq", [1], /module ID/);
  rejects("/mod/a/b/c/d/e/f", [1], /1 to 4 parameter parts/);
  rejects("/gate/adsr", ["maybe"], /gate of 0\/1/);
  rejects("/gate/adsr", [], /Expected 1 argument/);
  rejects("/patch/create", ["x"], /Expected 2 arguments/);
  rejects(
    "/patch/connect",
    ["a", 3],
    /argument 2 of \/patch\/connect to be a string/,
  );
  rejects("/record/start", ["a", "b"], /0 to 1 arguments/);
  rejects("/s_new", ["sine"], /defName nodeID/);
  rejects("/s_new", ["sine", 1000, 7], /integer from 0 to 4, found i 7/);
  rejects("/s_new", ["sine", 1000, 0, 1, "freq"], /odd count/);
  rejects("/n_set", [1000, "freq", "loud"], /finite number/);
  rejects("/n_set", [1.5], /integer from 0/);
  rejects("/n_free", [], /no arguments/);
  rejects("/sync", [], /Expected 1 argument/);
  rejects("/notify", [2], /integer from 0 to 1/);
  rejects("/quit", [1], /Expected 0 arguments/);
  throws(() => parse("/d_recv", [new Uint8Array(4)]), (error) => {
    equal((error as OscCommandError).unknownAddress, true);
    return true;
  });
  throws(() => parse("/patch/explode"), OscCommandError);
  throws(() => parse("/record"), OscCommandError);
});

Deno.test("statusReply() and friends build scsynth-shaped replies", () => {
  const reply = statusReply({
    ugens: 1,
    synths: 2,
    groups: 3,
    synthDefs: 4,
    avgCpu: 1.5,
    peakCpu: 2.5,
    nominalSampleRate: 48000,
    actualSampleRate: 47999.5,
    counters: { failovers: 3, drift_ms: 0.25 },
  });
  deepEqual(reply.args.map((a) => a.type).join(""), "iiiiiffddsisd");
  deepEqual(reply.args[0], { type: "i", value: 1 });
  deepEqual(reply.args[12], { type: "d", value: 0.25 });
  deepEqual(syncedReply(-5).args, [{ type: "i", value: -5 }]);
  equal(doneReply("/quit").args.length, 1);
  deepEqual(failReply("/x\0", "bad\0").args.map((a) => a.value), ["/x", "bad"]);
});
