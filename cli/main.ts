/**
 * The `shack` command line: one program for the services a radio shack or
 * home lab keeps running.
 *
 * @module
 */

import { Command, CommanderError } from "@commander-js/extra-typings";
import { ConfigError } from "../lib/core/config/errors.ts";
import { ExitCode } from "../lib/core/exit_codes.ts";
import { VERSION } from "../lib/version.ts";
import { completionsCommand } from "./completions.ts";
import { doctorCommand } from "./doctor.ts";
import { serviceCommand } from "./service.ts";
import { upCommand } from "./up.ts";
import { ysfCommand } from "./ysf.ts";
import { sdrCommand } from "./sdr.ts";
import { applyBooleanEnv } from "./common.ts";
import { audioCommand } from "./audio.ts";
import { bridgeCommand } from "./bridge.ts";

/** Builds the whole command tree (used by main and by the completion generator). */
export function buildProgram(): Command {
  const program = new Command("shack")
    .description(
      "Services for a radio shack or home lab, in one program.\n" +
        "Every option can also be set with the environment variable shown in its help.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .helpCommand("help [command]", "show help for a command")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText(
      "after",
      `
Examples:
  $ shack sdr serve                 a WebSDR on port 9002 with a synthetic band
  $ shack ysf reflect --config pysfreflector.ini
  $ shack doctor                   check this machine and the configuration
  $ shack doctor --json            the same, for scripts
  $ shack completions bash > /etc/bash_completion.d/shack

Exit codes: 0 ok, 1 runtime failure, 2 usage error, 78 bad configuration,
130/143 when a second SIGINT/SIGTERM forces the stop.`,
    );
  program.addCommand(sdrCommand());
  program.addCommand(ysfCommand());
  program.addCommand(audioCommand());
  program.addCommand(bridgeCommand());
  program.addCommand(doctorCommand());
  program.addCommand(upCommand());
  program.addCommand(serviceCommand());
  program.addCommand(completionsCommand(() => program as unknown as Command));
  // addCommand() does not pass settings down: every command reports usage errors the same way.
  const configure = (cmd: Command) => {
    cmd.exitOverride().showSuggestionAfterError(true).helpOption(
      "-h, --help",
      "show help",
    );
    for (const sub of cmd.commands) configure(sub as Command);
  };
  configure(program as unknown as Command);
  program.hook(
    "preAction",
    (_root, action) => applyBooleanEnv(action as unknown as Command),
  );
  return program as unknown as Command;
}

/** Runs shack with `args` and returns the exit code (never calls Deno.exit itself). */
export async function main(args: string[]): Promise<number> {
  const program = buildProgram();
  Deno.exitCode = 0;
  try {
    if (args.length === 0) {
      program.outputHelp();
      return ExitCode.Usage;
    }
    await program.parseAsync(args, { from: "user" });
    return Deno.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; every parse error is a usage error.
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      ) {
        return ExitCode.Ok;
      }
      return ExitCode.Usage;
    }
    if (error instanceof ConfigError) {
      console.error(`error: ${error.message}`);
      return ExitCode.Config;
    }
    console.error(
      `error: ${error instanceof Error ? error.message : String(error)}`,
    );
    return ExitCode.Failure;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
