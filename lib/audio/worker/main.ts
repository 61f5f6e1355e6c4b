/**
 * A stand-alone entry point of an audio worker process, for embedding the
 * supervisor in a program other than `shack` (and for tests): `deno run
 * lib/audio/worker/main.ts` behaves like `shack audio worker`.
 *
 * @example Building the worker command from it
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { workerCommand } from "../supervisor/worker_command.ts";
 * const cmd = workerCommand({ entry: new URL("./main.ts", import.meta.url), execPath: "/usr/bin/deno" });
 * ok(cmd.args.at(-1)!.endsWith("main.ts"));
 * ```
 *
 * @module
 */

import { runAudioWorker } from "./run_worker.ts";

if (import.meta.main) {
  Deno.exit(await runAudioWorker());
}
