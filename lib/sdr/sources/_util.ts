/**
 * Helpers shared by the sample sources: option checks, an abortable sleep,
 * error descriptions.
 *
 * @module
 */

/** The default `Sleep`: a timer that an abort clears at once. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Throws a RangeError unless `value` is a finite positive number. */
export function checkPositive(what: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Expected ${what} to be a positive number, found ${value}`,
    );
  }
}

/** Throws a RangeError unless `value` is a finite number ≥ 0 (or Infinity if allowed). */
export function checkNonNegative(
  what: string,
  value: number,
  allowInfinity = false,
): void {
  if (
    !(value >= 0) || (!allowInfinity && !Number.isFinite(value))
  ) {
    throw new RangeError(
      `Expected ${what} to be a number ≥ 0, found ${value}`,
    );
  }
}

/** "Name: message" of an error, or its string form. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Throws a TypeError for an empty read buffer. */
export function checkReadBuffer(buf: Uint8Array): void {
  if (!(buf instanceof Uint8Array) || buf.length === 0) {
    throw new TypeError(
      `Expected a non-empty Uint8Array to read into, found ${
        buf instanceof Uint8Array ? "an empty one" : typeof buf
      }`,
    );
  }
}

/** True for errors that mean the peer or the writer went away. */
export function isClosedError(error: unknown): boolean {
  return error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.UnexpectedEof ||
    error instanceof Deno.errors.NotConnected;
}
