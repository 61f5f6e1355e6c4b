import { equal } from "node:assert/strict";
import {
  formatProgress,
  type ProgressOutput,
  renderProgress,
} from "../../lib/bridge/xmltv/progress.ts";

function recorder(isTerminal: boolean) {
  const written: string[] = [];
  const output: ProgressOutput = {
    isTerminal: () => isTerminal,
    writeSync: (p) => {
      // Accept at most 7 bytes per call, like a slow terminal.
      const n = Math.min(7, p.length);
      written.push(new TextDecoder().decode(p.subarray(0, n)));
      return n;
    },
  };
  return { written, output };
}

Deno.test("formatProgress() summarises what is known", () => {
  equal(formatProgress({ bytes: 0 }), "import: 0.0 MB");
  equal(
    formatProgress({ bytes: 10_485_760, entries: 1234 }, "uk.m3u"),
    "uk.m3u: 10.0 MB, 1,234 entries",
  );
  equal(
    formatProgress(
      { bytes: 300, totalBytes: 200, channels: 1, programmes: 2, done: true },
      "epg",
    ),
    "epg: 0.0 MB of 0.0 MB (100%), 1 channels, 2 programmes, done",
  );
});

Deno.test("renderProgress() rewrites one line on a terminal", () => {
  const { written, output } = recorder(true);
  equal(
    renderProgress({ bytes: 1_048_576, programmes: 10 }, {
      label: "epg",
      output,
    }),
    true,
  );
  equal(
    renderProgress({ bytes: 2_097_152, programmes: 20, done: true }, {
      label: "epg",
      output,
    }),
    true,
  );
  equal(
    written.join(""),
    "\r\x1b[2Kepg: 1.0 MB, 10 programmes" +
      "\r\x1b[2Kepg: 2.0 MB, 20 programmes, done\n",
  );
});

Deno.test("renderProgress() writes nothing when not a terminal or when writing fails", () => {
  const { written, output } = recorder(false);
  equal(renderProgress({ bytes: 1 }, { output }), false);
  equal(written.length, 0);
  const broken: ProgressOutput = {
    isTerminal: () => true,
    writeSync: () => {
      throw new Deno.errors.BrokenPipe("gone");
    },
  };
  equal(renderProgress({ bytes: 1 }, { output: broken }), false);
});
