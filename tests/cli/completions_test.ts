import { deepEqual, equal, match, ok } from "node:assert/strict";
import { buildProgram } from "../../cli/main.ts";
import { completionScript, completionTree } from "../../cli/completions.ts";
import { runShack } from "./_run.ts";

async function have(tool: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("sh", {
      args: ["-c", `command -v ${tool}`],
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Asks the generated bash function what it completes for `line` (cursor at the end). */
async function bashComplete(script: string, line: string): Promise<string[]> {
  const words = line.split(" ");
  const program = `
${script}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})
COMP_CWORD=${words.length - 1}
_shack_complete
printf '%s\\n' "\${COMPREPLY[@]}"
`;
  const out = await new Deno.Command("bash", {
    args: ["-c", program],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) =>
    l !== ""
  );
}

Deno.test("completionTree() mirrors the command tree", () => {
  const nodes = completionTree(buildProgram());
  const root = nodes.find((n) => n.path.length === 0)!;
  deepEqual(root.subcommands.map((s) => s.name), [
    "sdr",
    "ysf",
    "audio",
    "bridge",
    "doctor",
    "up",
    "service",
    "completions",
    "help",
  ]);
  const doctor = nodes.find((n) => n.path.join(" ") === "doctor")!;
  const level = doctor.options.find((o) => o.flags.includes("--log-level"))!;
  deepEqual(level.choices, ["debug", "info", "warn", "error"]);
  ok(doctor.options.find((o) => o.flags.includes("--config"))!.file);
  const completions = nodes.find((n) => n.path.join(" ") === "completions")!;
  deepEqual(completions.argChoices, ["bash", "zsh", "fish"]);
});

Deno.test("bash completion completes commands, options and choices", async () => {
  if (!(await have("bash"))) {
    console.log("skipped: bash is not installed");
    return;
  }
  const script = completionScript(buildProgram(), "bash");
  deepEqual(await bashComplete(script, "shack d"), ["doctor"]);
  deepEqual(await bashComplete(script, "shack "), [
    "sdr",
    "ysf",
    "audio",
    "bridge",
    "doctor",
    "up",
    "service",
    "completions",
    "help",
    "-V",
    "--version",
    "-h",
    "--help",
  ]);
  ok((await bashComplete(script, "shack doctor --"))
    .includes("--json"));
  // Nested commands: `shack ysf <TAB>` and the options of `shack ysf reflect`.
  deepEqual(await bashComplete(script, "shack ysf "), [
    "reflect",
    "help",
    "-h",
    "--help",
  ]);
  ok(
    (await bashComplete(script, "shack ysf reflect --")).includes(
      "--http-port",
    ),
  );
  deepEqual(await bashComplete(script, "shack doctor --log-level "), [
    "debug",
    "info",
    "warn",
    "error",
  ]);
  deepEqual(await bashComplete(script, "shack doctor --log-format j"), [
    "json",
  ]);
  deepEqual(await bashComplete(script, "shack completions "), [
    "-h",
    "--help",
    "bash",
    "zsh",
    "fish",
  ]);
  // An option's value is not mistaken for a command.
  deepEqual(
    await bashComplete(script, "shack doctor --check doctor --log-level w"),
    ["warn"],
  );
});

Deno.test("fish completion answers complete -C", async (t) => {
  if (!(await have("fish"))) {
    console.log("skipped: fish is not installed (apt-get install fish)");
    return;
  }
  const dir = await Deno.makeTempDir();
  try {
    const r = await runShack(["completions", "fish"]);
    equal(r.code, 0);
    await Deno.writeTextFile(`${dir}/shack.fish`, r.stdout);
    const ask = async (line: string) => {
      const out = await new Deno.Command("fish", {
        args: [
          "--no-config",
          "-c",
          `source ${dir}/shack.fish; complete -C '${line}'`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      equal(out.code, 0, new TextDecoder().decode(out.stderr));
      return new TextDecoder().decode(out.stdout).split("\n").map((l) =>
        l.split("\t")[0]
      ).filter(
        (l) => l,
      );
    };
    const top = await ask("shack ");
    ok(top.includes("doctor") && top.includes("completions"), top.join(","));
    const opts = await ask("shack doctor --");
    ok(opts.includes("--json") && opts.includes("--log-level"), opts.join(","));
    deepEqual(await ask("shack doctor --log-format "), ["json", "text"].sort());
    await t.step("no doctor options at the top level", async () => {
      ok(!(await ask("shack --")).includes("--json"));
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("zsh completion parses and completes through compadd", async () => {
  if (!(await have("zsh"))) {
    console.log("skipped: zsh is not installed (apt-get install zsh)");
    return;
  }
  const script = completionScript(buildProgram(), "zsh");
  const check = await new Deno.Command("zsh", {
    args: ["-n", "-c", script],
    stderr: "piped",
  })
    .output();
  equal(check.code, 0, new TextDecoder().decode(check.stderr));
  // Drive the function with stand-ins for the completion system's builtins.
  const ask = async (line: string) => {
    const words = line.split(" ");
    const program = `
compdef() { :; }
compadd() { [[ "$1" == "--" ]] && shift; printf '%s\\n' "$@"; }
_describe() { local -a items; items=("\${(@P)\${@[-1]}}"); printf '%s\\n' "\${items[@]%%:*}"; }
_files() { echo "<files>"; }
_message() { :; }
${script}
words=(${words.map((w) => `'${w}'`).join(" ")})
CURRENT=${words.length}
_shack
`;
    const out = await new Deno.Command("zsh", {
      args: ["-f", "-c", program],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l);
  };
  const top = await ask("shack ");
  ok(top.includes("doctor") && top.includes("completions"), top.join(","));
  deepEqual(await ask("shack doctor --log-level "), [
    "debug",
    "info",
    "warn",
    "error",
  ]);
  deepEqual(await ask("shack doctor --config "), ["<files>"]);
  ok((await ask("shack doctor --")).includes("--json"));
  ok((await ask("shack completions ")).includes("fish"));
});

Deno.test("shack completions prints each script", async () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    const r = await runShack(["completions", shell]);
    equal(r.code, 0);
    match(r.stdout, /doctor/);
  }
});
