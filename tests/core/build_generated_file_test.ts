import { deepEqual, equal } from "node:assert/strict";
import { updateGeneratedFile } from "../../lib/core/build/generated_file.ts";

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    console: {
      log: (line: string) => lines.push(`log: ${line}`),
      error: (line: string) => lines.push(`error: ${line}`),
    },
  };
}

Deno.test("updateGeneratedFile() writes the text and says how many bytes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_generated_" });
  try {
    const out = recorder();
    const path = `${dir}/gen.js`;
    equal(
      await updateGeneratedFile(path, "fresh\n", {
        name: "lib/x/gen.js",
        builder: "lib/x/build.ts",
        check: false,
        console: out.console,
      }),
      true,
    );
    equal(await Deno.readTextFile(path), "fresh\n");
    deepEqual(out.lines, ["log: Wrote lib/x/gen.js (6 bytes)"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("updateGeneratedFile() with check reports a stale or missing file and writes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_generated_" });
  try {
    const options = {
      name: "lib/x/gen.js",
      builder: "lib/x/build.ts",
      check: true,
    };
    const path = `${dir}/gen.js`;
    const missing = recorder();
    equal(
      await updateGeneratedFile(path, "fresh\n", {
        ...options,
        console: missing.console,
      }),
      false,
    );
    deepEqual(missing.lines, [
      "error: lib/x/gen.js is stale: run lib/x/build.ts",
    ]);
    await Deno.writeTextFile(path, "old\n");
    const stale = recorder();
    equal(
      await updateGeneratedFile(path, "fresh\n", {
        ...options,
        console: stale.console,
      }),
      false,
    );
    equal(await Deno.readTextFile(path), "old\n");
    await Deno.writeTextFile(path, "fresh\n");
    const current = recorder();
    equal(
      await updateGeneratedFile(path, "fresh\n", {
        ...options,
        console: current.console,
      }),
      true,
    );
    deepEqual(current.lines, ["log: lib/x/gen.js is up to date"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
