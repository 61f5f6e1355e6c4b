// Shared by the tests that drive a page in headless Chromium (playwright-core
// against the system's /usr/bin/chromium).
import { type Browser, chromium, type Page } from "playwright-core";

/** Where the tests expect Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether {@link CHROMIUM} is installed. */
export function chromiumPresent(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/**
 * A `Deno.test` that needs Chromium: skipped, with the reason printed, when
 * it is absent. playwright-core keeps internal timers and pipes to the
 * browser process that outlive `browser.close()` by a tick, so the
 * sanitizers are off; `fn` closes everything it starts.
 */
export function chromiumTest(name: string, fn: () => Promise<void>): void {
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      if (!chromiumPresent()) {
        console.log(`skipped: ${CHROMIUM} is absent (install chromium)`);
        return;
      }
      await fn();
    },
  });
}

/** Launches headless Chromium with the house flags, plus `args`. */
export async function launchChromium(
  options: { args?: string[] } = {},
): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      ...options.args ?? [],
    ],
  });
}

/** What {@link watchPage} treats as a problem. */
export interface PageWatchOptions {
  /** URL prefixes the page may request; any other request is a problem. */
  allowed: string[];
  /** Console errors and warnings to overlook (the message text). */
  ignoreConsole?: (text: string) => boolean;
  /** Failed requests to overlook (the URL). */
  ignoreFailedRequest?: (url: string) => boolean;
}

/**
 * Collects what the page reports: console errors and warnings, uncaught
 * page errors, failed requests and requests outside `allowed`. The array
 * fills as the page runs; assert it is empty.
 */
export function watchPage(page: Page, options: PageWatchOptions): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() !== "error" && m.type() !== "warning") return;
    if (options.ignoreConsole?.(m.text())) return;
    problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (options.ignoreFailedRequest?.(r.url())) return;
    problems.push(`failed: ${r.url()}`);
  });
  page.on("request", (r) => {
    const url = r.url();
    if (!options.allowed.some((prefix) => url.startsWith(prefix))) {
      problems.push(`outside request: ${url}`);
    }
  });
  return problems;
}
