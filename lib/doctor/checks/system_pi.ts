/**
 * The `system.pi` check, on a Raspberry Pi only: under-voltage, throttling
 * and frequency capping from `vcgencmd get_throttled`, and the CPU
 * temperature from `/sys/class/thermal/thermal_zone0/temp` (or `vcgencmd
 * measure_temp`), warning at 80 °C.
 *
 * @module
 */

import { type CommandRunner, runCommand } from "../command_runner.ts";
import {
  detectRaspberryPi,
  type DetectRaspberryPiOptions,
} from "../raspberry_pi.ts";
import { readSystemText } from "../system_text.ts";
import { parseThrottled, type ThrottledState } from "../throttled.ts";
import type { Check, CheckOutcome, CheckStatus } from "../types.ts";
import { probeBudget } from "./probe_budget.ts";

/** Options of {@link piCheck}. */
export interface PiCheckOptions extends DetectRaspberryPiOptions {
  /** The thermal zone file (millidegrees Celsius). Default `/sys/class/thermal/thermal_zone0/temp`. */
  thermalPath?: string;
  /** The vcgencmd command. Default `vcgencmd`. */
  vcgencmd?: string;
  /** Runs vcgencmd. Default {@link runCommand}. */
  run?: CommandRunner;
  /** Warn at or above this CPU temperature, °C. Default 80. */
  warnCelsius?: number;
}

/**
 * Reads a temperature: millidegrees (`48312`, the thermal zone file) or
 * `temp=48.3'C` (vcgencmd).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseTemperature } from "./system_pi.ts";
 * equal(parseTemperature("48312\n"), 48.312);
 * equal(parseTemperature("temp=81.2'C"), 81.2);
 * equal(parseTemperature("n/a"), undefined);
 * ```
 */
export function parseTemperature(text: string): number | undefined {
  const vc = /temp=(-?\d+(?:\.\d+)?)/.exec(text);
  if (vc) return Number(vc[1]);
  const milli = /^\s*(-?\d+)\s*$/.exec(text);
  return milli ? Number(milli[1]) / 1000 : undefined;
}

/**
 * The problems a `get_throttled` value reports: "fail" for under-voltage
 * now, "warn" for throttling now or anything since boot.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { judgeThrottled } from "./system_pi.ts";
 * import { parseThrottled } from "../throttled.ts";
 * deepEqual(judgeThrottled(parseThrottled("throttled=0x0")!), { status: "ok", problems: [] });
 * deepEqual(judgeThrottled(parseThrottled("throttled=0x50000")!), {
 *   status: "warn",
 *   problems: ["under-voltage since boot", "throttled since boot"],
 * });
 * ```
 */
export function judgeThrottled(
  state: ThrottledState,
): { status: CheckStatus; problems: string[] } {
  const now: string[] = [];
  const past: string[] = [];
  if (state.underVoltage) now.push("under-voltage now");
  if (state.frequencyCapped) now.push("frequency capped now");
  if (state.throttled) now.push("throttled now");
  if (state.softTempLimit) now.push("soft temperature limit now");
  if (state.underVoltageOccurred) past.push("under-voltage since boot");
  if (state.frequencyCappedOccurred) past.push("frequency capped since boot");
  if (state.throttledOccurred) past.push("throttled since boot");
  if (state.softTempLimitOccurred) {
    past.push("soft temperature limit since boot");
  }
  const problems = [...now, ...past];
  return {
    status: state.underVoltage ? "fail" : problems.length > 0 ? "warn" : "ok",
    problems,
  };
}

async function vcgencmd(
  options: PiCheckOptions,
  args: string[],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<{ text: string } | { error: string }> {
  try {
    const result = await (options.run ?? runCommand)(
      options.vcgencmd ?? "vcgencmd",
      args,
      { signal, timeoutMs },
    );
    return result.code === 0 ? { text: result.stdout } : {
      error: `vcgencmd ${args.join(" ")} exited with ${result.code}: ${
        result.stderr.trim().slice(0, 200)
      }`,
    };
  } catch (error) {
    return {
      error: error instanceof Deno.errors.NotFound
        ? "vcgencmd not found (sudo apt install libraspberrypi-bin)"
        : error instanceof Deno.errors.NotCapable
        ? "vcgencmd not run (needs --allow-run=vcgencmd)"
        : (error as Error).message,
    };
  }
}

/**
 * Builds the `system.pi` check ("skip" when not on a Raspberry Pi).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { piCheck } from "./system_pi.ts";
 * const check = piCheck({ modelPath: "/nonexistent/model", osRelease: () => "6.1.0-26-amd64" });
 * equal((await check.run({ signal: new AbortController().signal })).status, "skip");
 * ```
 */
export function piCheck(options: PiCheckOptions = {}): Check {
  const warnCelsius = options.warnCelsius ?? 80;
  return {
    name: "system.pi",
    description:
      `Raspberry Pi: no under-voltage or throttling, CPU below ${warnCelsius} °C`,
    async run(ctx): Promise<CheckOutcome> {
      const pi = await detectRaspberryPi(options);
      if (!pi) return { status: "skip", summary: "not a Raspberry Pi" };
      const timeoutMs = probeBudget(ctx, 2000);
      const throttledOut = await vcgencmd(
        options,
        ["get_throttled"],
        ctx.signal,
        timeoutMs,
      );
      const state = "text" in throttledOut
        ? parseThrottled(throttledOut.text)
        : undefined;
      const thermal = await readSystemText(
        options.thermalPath ?? "/sys/class/thermal/thermal_zone0/temp",
        256,
      );
      let celsius = thermal.ok ? parseTemperature(thermal.text) : undefined;
      let temperatureError = thermal.ok ? undefined : thermal.error;
      if (celsius === undefined) {
        const measured = await vcgencmd(
          options,
          ["measure_temp"],
          ctx.signal,
          timeoutMs,
        );
        celsius = "text" in measured
          ? parseTemperature(measured.text)
          : undefined;
        if ("error" in measured) {
          temperatureError = `${temperatureError ?? ""}${
            temperatureError ? "; " : ""
          }${measured.error}`;
        }
      }
      const details: Record<string, unknown> = {
        model: pi.model,
        modelSource: pi.source,
        ...(state ? { throttled: state } : {}),
        ...(celsius !== undefined
          ? { temperatureCelsius: Math.round(celsius * 10) / 10 }
          : {}),
        ...("error" in throttledOut
          ? { throttledError: throttledOut.error }
          : {}),
        ...(celsius === undefined && temperatureError
          ? { temperatureError }
          : {}),
      };
      if (!state && celsius === undefined) {
        return {
          status: "skip",
          summary: `${pi.model}: no throttling or temperature data (${
            "error" in throttledOut ? throttledOut.error : "no throttled="
          })`,
          details,
        };
      }
      const judged = state
        ? judgeThrottled(state)
        : { status: "ok" as CheckStatus, problems: [] };
      const hot = celsius !== undefined && celsius >= warnCelsius;
      const status: CheckStatus = judged.status === "fail"
        ? "fail"
        : judged.status === "warn" || hot
        ? "warn"
        : "ok";
      const parts = [
        pi.model,
        ...(celsius !== undefined ? [`${celsius.toFixed(1)} °C`] : []),
        ...(state
          ? [
            judged.problems.length > 0
              ? judged.problems.join(", ")
              : "power ok",
          ]
          : ["throttling unknown"]),
      ];
      const hints: string[] = [];
      if (judged.problems.some((p) => p.startsWith("under-voltage"))) {
        hints.push(
          "Under-voltage: use the official supply (5.1 V 3 A for a Pi 4, 5.1 V 5 A for a Pi 5) and a short, thick cable",
        );
      }
      if (hot || judged.problems.some((p) => !p.startsWith("under-voltage"))) {
        hints.push(
          "Heat: add a heatsink or fan (the Pi 5 Active Cooler) and give the case airflow",
        );
      }
      return {
        status,
        summary: parts.join(", "),
        ...(hints.length > 0 ? { hint: hints.join("\n") } : {}),
        details,
      };
    },
  };
}
