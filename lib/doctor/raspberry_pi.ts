/**
 * Telling whether doctor runs on a Raspberry Pi, and which one: the device
 * tree's model string, or, when `/proc` cannot be read, the kernel release
 * (Raspberry Pi OS kernels are named `…-rpi-v8`, `…-rpi-2712`).
 *
 * @module
 */

import { readSystemText } from "./system_text.ts";

/** Where the model came from. */
export interface PiModel {
  /** `Raspberry Pi 5 Model B Rev 1.0`, or a description of the guess. */
  model: string;
  /** True for a Pi 5 (BCM2712), whose default kernel uses 16 KB pages. */
  pi5: boolean;
  /** `device tree` or `kernel release`. */
  source: "device tree" | "kernel release";
}

/** Options of {@link detectRaspberryPi}. */
export interface DetectRaspberryPiOptions {
  /** The device tree model file. Default `/proc/device-tree/model`. */
  modelPath?: string;
  /** The kernel release. Default `Deno.osRelease()`. */
  osRelease?: () => string;
}

function release(options: DetectRaspberryPiOptions): string | undefined {
  try {
    return (options.osRelease ?? Deno.osRelease)();
  } catch {
    return undefined;
  }
}

/**
 * Returns the Pi model, or undefined when this is not a Raspberry Pi.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { detectRaspberryPi } from "./raspberry_pi.ts";
 * const pi = await detectRaspberryPi({
 *   modelPath: "/nonexistent/model",
 *   osRelease: () => "6.6.51+rpt-rpi-2712",
 * });
 * equal(pi?.pi5, true);
 * equal(pi?.source, "kernel release");
 * equal(await detectRaspberryPi({ modelPath: "/nonexistent/model", osRelease: () => "6.1.0-26-amd64" }), undefined);
 * ```
 */
export async function detectRaspberryPi(
  options: DetectRaspberryPiOptions = {},
): Promise<PiModel | undefined> {
  const read = await readSystemText(
    options.modelPath ?? "/proc/device-tree/model",
    4096,
  );
  if (read.ok) {
    const model = read.text.trim();
    return model.includes("Raspberry Pi")
      ? {
        model,
        pi5: /Raspberry Pi 5|Compute Module 5|Raspberry Pi 500/.test(model),
        source: "device tree",
      }
      : undefined;
  }
  const kernel = release(options);
  if (kernel && /rpi|raspi|bcm27/i.test(kernel)) {
    return {
      model: `Raspberry Pi (kernel ${kernel})`,
      pi5: /2712/.test(kernel),
      source: "kernel release",
    };
  }
  return undefined;
}
