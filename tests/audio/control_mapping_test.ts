import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  mapControls,
  mapOscCommand,
} from "../../lib/audio/control/map_command.ts";
import { Timeline } from "../../lib/audio/control/timeline.ts";
import { OscController } from "../../lib/audio/control/osc_controller.ts";
import { parseOscCommand } from "../../lib/audio/osc/command.ts";
import {
  createMessage,
  type OscMessage,
  type OscPacket,
} from "../../lib/audio/osc/packet.ts";
import { timetagFromMs } from "../../lib/audio/osc/timetag.ts";
import type { OscEvent } from "../../lib/audio/osc/server.ts";
import { parseScript } from "../../lib/audio/script.ts";
import { demoPhrase } from "../../lib/audio/engine/demo_phrase.ts";
import { encodeCommand } from "../../lib/audio/engine/command_codec.ts";
import type { CommandDraft } from "../../lib/audio/supervisor/supervisor.ts";

const map = (address: string, args: Parameters<typeof createMessage>[1] = []) =>
  mapOscCommand(parseOscCommand(createMessage(address, args)));

Deno.test("mapOscCommand() maps the Music Chronus addresses onto engine commands", () => {
  deepEqual(map("/mod/filter1/cutoff", [1200.5]), {
    kind: "engine",
    commands: [{
      kind: "set",
      module: "filter1",
      param: "cutoff",
      value: 1200.5,
    }],
  });
  deepEqual(map("/mod/voice1/adsr/attack", [0.1]), {
    kind: "engine",
    commands: [{
      kind: "set",
      module: "voice1",
      param: "adsr/attack",
      value: 0.1,
    }],
  });
  deepEqual(map("/gate/adsr", ["off"]), {
    kind: "engine",
    commands: [{ kind: "gate", module: "adsr", on: false }],
  });
  deepEqual(map("/patch/create", ["osc2", "osc"]), {
    kind: "engine",
    commands: [{ kind: "patch_create", id: "osc2", type: "osc" }],
  });
  deepEqual(map("/patch/connect", ["osc2", "out"]), {
    kind: "engine",
    commands: [{ kind: "patch_connect", from: "osc2", to: "out" }],
  });
  deepEqual(map("/patch/commit"), {
    kind: "engine",
    commands: [{ kind: "patch_commit" }],
  });
  deepEqual(map("/patch/abort"), {
    kind: "engine",
    commands: [{ kind: "patch_abort" }],
  });
  deepEqual(map("/record/start", ["take1"]), {
    kind: "record_start",
    file: "take1",
  });
  deepEqual(map("/record/stop"), { kind: "record_stop" });
});

Deno.test("mapOscCommand() maps the SuperCollider subset", () => {
  deepEqual(map("/s_new", ["lead", 1001, 0, 1, "note", 60, 2, 0.5]), {
    kind: "engine",
    commands: [{
      kind: "s_new",
      defName: "lead",
      nodeId: 1001,
      addAction: 0,
      target: 1,
      controls: [["note", 60], ["amp", 0.5]],
    }],
  });
  deepEqual(map("/n_set", [1001, "gate", 0]), {
    kind: "engine",
    commands: [{ kind: "n_set", nodeId: 1001, controls: [["gate", 0]] }],
  });
  deepEqual(map("/n_free", [1, 2]), {
    kind: "engine",
    commands: [{ kind: "n_free", nodeIds: [1, 2] }],
  });
  deepEqual(map("/g_new", [10, 0, 0, 11, 1, 10]), {
    kind: "engine",
    commands: [
      { kind: "g_new", groupId: 10, addAction: 0, target: 0 },
      { kind: "g_new", groupId: 11, addAction: 1, target: 10 },
    ],
  });
  deepEqual(map("/status"), { kind: "status" });
  deepEqual(map("/sync", [5]), { kind: "sync", id: 5 });
  deepEqual(map("/notify", [1, 3]), {
    kind: "notify",
    enabled: true,
    clientId: 3,
  });
  deepEqual(map("/quit"), { kind: "quit" });
  // every engine command it produces encodes
  for (
    const action of [
      map("/s_new", ["lead", 7, 0, 0, "freq", 440]),
      map("/g_new", [3]),
    ]
  ) {
    if (action.kind !== "engine") throw new Error("engine expected");
    for (const c of action.commands) {
      ok(encodeCommand({ ...c, seq: 1, frame: 0 } as never).length > 0);
    }
  }
});

Deno.test("mapControls() refuses a control index that names no voice control", () => {
  throws(() => mapControls([{ control: 9, value: 1 }]), RangeError);
});

Deno.test("Timeline.fromScript() keeps script order at equal frames and feeds up to the horizon", () => {
  const entries = parseScript("0.5 /mod/a/b 1\n0 /mod/a/b 2\n0 /gate/x 1\n", {
    sampleRate: 1000,
  });
  const t = Timeline.fromScript(entries, "s.osc");
  equal(t.remaining, 3);
  equal(t.lastFrame, 500);
  const got: [number, string][] = [];
  t.feed(
    500,
    (e) =>
      got.push([
        e.frame,
        e.action.kind === "engine" ? e.action.commands[0].kind : "",
      ]),
  );
  deepEqual(got, [[0, "set"], [0, "gate"]]);
  t.feed(Infinity, (e) => got.push([e.frame, e.action.kind]));
  equal(got.length, 3);
  equal(t.remaining, 0);
});

Deno.test("Timeline.fromScript() reports every bad line with its number", () => {
  const entries = parseScript("0 /mod/a/b 1\n1 /s_new\n2 /d_recv 1\n", {
    sampleRate: 1000,
  });
  throws(() => Timeline.fromScript(entries, "bad.osc"), (error: Error) => {
    equal(error.name, "ConfigError");
    ok(error.message.includes("bad.osc:2"));
    ok(error.message.includes("bad.osc:3"));
    return true;
  });
});

Deno.test("Timeline.fromCommands() keeps the phrase's frames", () => {
  const phrase = demoPhrase({ sampleRate: 8000 });
  const frames: number[] = [];
  Timeline.fromCommands(phrase.commands, 100).feed(
    Infinity,
    (e) => frames.push(e.frame),
  );
  deepEqual(frames, phrase.commands.map((c) => c.frame + 100));
});

function fakeTarget(startWallMs = NaN) {
  const sent: [CommandDraft, number | undefined][] = [];
  return {
    sent,
    target: {
      sampleRate: 1000,
      horizonFrame: 300,
      startWallMs,
      submit(command: CommandDraft, frame?: number) {
        sent.push([command, frame]);
        return { seq: sent.length, frame: frame ?? 300 };
      },
    },
  };
}

function event(
  message: OscMessage,
  replies: OscPacket[],
  timetag = 1n,
): OscEvent {
  return {
    message,
    timetag,
    from: { transport: "udp", hostname: "127.0.0.1", port: 5555 },
    receivedAt: 0,
    reply: (p) => {
      replies.push(p);
      return true;
    },
  };
}

const STATUS = () => ({
  ugens: 7,
  synths: 0,
  groups: 1,
  synthDefs: 9,
  avgCpu: 0,
  peakCpu: 0,
  nominalSampleRate: 1000,
  actualSampleRate: 999,
  counters: { failovers: 2 },
});

Deno.test("OscController.handle() sends immediate commands at the horizon and bundled ones at their frame", () => {
  const start = Date.UTC(2026, 0, 1);
  const { sent, target } = fakeTarget(start);
  const replies: OscPacket[] = [];
  const c = new OscController({ target, status: STATUS });
  c.handle(event(createMessage("/mod/filter1/q", [2]), replies));
  c.handle(
    event(
      createMessage("/n_set", [5, "gate", 0]),
      replies,
      timetagFromMs(start + 1500),
    ),
  );
  deepEqual(sent.map(([, f]) => f), [undefined, 1500]);
  equal(replies.length, 0);
  equal(c.stats.timed, 1);
  equal(c.stats.commands, 2);
});

Deno.test("OscController.handle() answers /status, /sync, /notify, /quit and refuses with /fail", () => {
  const { target } = fakeTarget();
  const replies: OscPacket[] = [];
  let quit = 0;
  const notes: [OscPacket, Deno.NetAddr][] = [];
  const c = new OscController({
    target,
    status: STATUS,
    onQuit: () => quit++,
    send: (p, to) => {
      notes.push([p, to]);
      return true;
    },
  });
  c.handle(event(createMessage("/status"), replies));
  c.handle(event(createMessage("/sync", [42]), replies));
  c.handle(event(createMessage("/notify", [1]), replies));
  c.handle(event(createMessage("/s_new", ["lead", 9, 0, 0]), replies));
  c.handle(event(createMessage("/d_recv", [new Uint8Array(4)]), replies));
  c.handle(event(createMessage("/s_new", ["lead", 9, 0, 0, 12, 1]), replies));
  c.handle(event(createMessage("/record/start"), replies));
  c.handle(event(createMessage("/quit"), replies));
  const addresses = replies.map((r) => r.kind === "message" ? r.address : "");
  deepEqual(addresses, [
    "/status.reply",
    "/synced",
    "/done",
    "/fail",
    "/fail",
    "/fail",
    "/done",
  ]);
  const status = replies[0] as OscMessage;
  deepEqual(status.args.slice(-2), [{ type: "s", value: "failovers" }, {
    type: "i",
    value: 2,
  }]);
  equal(quit, 1);
  equal(c.clients, 1);
  equal(notes.length, 1);
  equal((notes[0][0] as OscMessage).address, "/n_go");
  equal(c.stats.failed, 3);
});

Deno.test("OscController.handle() refuses a timetag too far ahead", () => {
  const start = Date.UTC(2026, 0, 1);
  const { sent, target } = fakeTarget(start);
  const replies: OscPacket[] = [];
  const c = new OscController({ target, status: STATUS, maxAheadSeconds: 10 });
  c.handle(
    event(
      createMessage("/mod/a/b", [1]),
      replies,
      timetagFromMs(start + 60_000),
    ),
  );
  equal(sent.length, 0);
  equal((replies[0] as OscMessage).address, "/fail");
});
