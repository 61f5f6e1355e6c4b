// Polling for a condition the test cannot await directly (a server-side
// effect of a page action, a log line of a child process), with a deadline
// instead of a sleep.

/**
 * Polls `condition` every 10 ms until it holds; throws "Timed out waiting
 * for WHAT" after `timeoutMs`.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > end) {
      throw new Error(`Timed out waiting for ${what} (${timeoutMs} ms)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
