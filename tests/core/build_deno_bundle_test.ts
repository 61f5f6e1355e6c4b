import { equal, match, ok, rejects } from "node:assert/strict";
import { denoBundle } from "../../lib/core/build/deno_bundle.ts";

Deno.test("denoBundle() bundles an entry file with its imports into one module", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shack_bundle_test_" });
  try {
    await Deno.writeTextFile(
      `${dir}/dep.ts`,
      "export const greeting: string = 'hello from the dependency';\n",
    );
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      'import { greeting } from "./dep.ts";\nexport const shout = greeting.toUpperCase();\n',
    );
    const text = await denoBundle(`${dir}/main.ts`, { minify: false });
    ok(text.includes("hello from the dependency"), text);
    ok(!/from\s+["']\.\/dep\.ts["']/.test(text), "the import was inlined");
    const out = `${dir}/out.js`;
    await Deno.writeTextFile(out, text);
    const mod = await import(new URL(`file://${out}`).href);
    equal(mod.shout, "HELLO FROM THE DEPENDENCY");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("denoBundle() bundles entry code and minifies by default", async () => {
  const plain = await denoBundle(
    {
      code:
        "export function addNumbers(first: number, second: number) {\n  return first + second;\n}\n",
    },
    { minify: false },
  );
  const minified = await denoBundle({
    code:
      "export function addNumbers(first: number, second: number) {\n  return first + second;\n}\n",
  });
  ok(plain.includes("first + second"), plain);
  ok(minified.length < plain.length, `${minified.length} < ${plain.length}`);
});

Deno.test("denoBundle() throws with what it bundled and deno's stderr", async () => {
  await rejects(
    denoBundle({ code: 'import "./missing_module.ts";\n' }, {
      what: "the test module",
    }),
    (error: Error) => {
      match(
        error.message,
        /^Cannot bundle the test module: deno bundle exited with \d+: /,
      );
      match(error.message, /missing_module/);
      return true;
    },
  );
});
