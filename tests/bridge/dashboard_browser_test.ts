// The bridge dashboard in headless Chromium against a real BridgeApi over
// HTTP (real store in a temp dir, real lineup, real session registry):
// sessions appear live, Kill closes one on the server, channel search,
// enable toggle and renumber reach the store, the token prompt works.
// Skipped when /usr/bin/chromium is absent.
import { equal, match, ok } from "node:assert/strict";
import {
  type ApiFixture,
  numberedPlaylist,
  startApiFixture,
} from "./_api_fixture.ts";
import { chromiumTest, launchChromium, watchPage } from "../_browser.ts";
import { waitFor } from "../_wait.ts";

// The page callbacks below run in the browser; this file is type-checked
// without the DOM library, so declare the little of it they use.
declare const document: {
  body: unknown;
  documentElement: { scrollWidth: number };
};
declare function getComputedStyle(element: unknown): {
  backgroundColor: string;
};
declare const innerWidth: number;
declare const sessionStorage: { getItem(key: string): string | null };

const TOKEN = "browser-test-token-0123456789";

async function setup(requireToken: boolean): Promise<ApiFixture> {
  const f = await startApiFixture({
    playlist: numberedPlaylist(80, {
      groups: ["Sports", "News"],
      urlPrefix: "http://up.example/live/",
    }),
    sourceId: "uk",
    tunerCount: 4,
    token: TOKEN,
    source: {
      location: "http://iptv.example/get.php?username=bob&password=hunter2",
      refreshedAt: Date.now(),
      itemCount: 80,
    },
    api: { requireToken, refreshSources: () => {}, version: "test" },
  });
  f.logger.info("bridge started for the browser test");
  return f;
}

/** Polls a server-side condition (the page acts asynchronously). */
function until(check: () => boolean, what: string): Promise<void> {
  return waitFor(check, what, 10_000);
}

chromiumTest(
  "Bridge dashboard in Chromium: live sessions, Kill closes on the server, channel search, toggle and renumber persist",
  async () => {
    await using f = await setup(false);
    let released = 0;
    const first = f.sessions.open({
      channel: { id: "c1", guideNumber: "101", name: "BBC News" },
      client: { address: "192.0.2.10", userAgent: "Lavf/60.3.100" },
    });
    first.addCleanup(() => {
      released++;
    });
    first.markStreaming();
    first.recordBytes(2_500_000);
    const browser = await launchChromium();
    const expected = new Set<string>();
    try {
      const page = await browser.newPage({
        viewport: { width: 1200, height: 900 },
      });
      const problems = watchPage(page, {
        allowed: [`${f.base}/`, "ws://127.0.0.1"],
        ignoreConsole: (text) => [...expected].some((e) => text.includes(e)),
      });
      const loaded = await page.goto(`${f.base}/dashboard/`);
      equal(loaded?.status(), 200);
      await page.waitForSelector('#conn[data-state="live"]', {
        timeout: 10_000,
      });

      // The session opened before the page is listed.
      const row = page.locator(`#sessions tbody tr[data-id="${first.id}"]`);
      await row.waitFor({ timeout: 10_000 });
      equal(await row.locator(".addr").textContent(), "192.0.2.10");
      equal(await row.locator(".ua").textContent(), "Lavf/60.3.100");
      equal(await row.locator(".gn").textContent(), "101");
      match((await row.textContent()) ?? "", /BBC News/);
      equal(await row.locator(".pill").textContent(), "streaming");
      equal(await row.locator(".bytes").textContent(), "2.5 MB");
      equal(await page.textContent("#t-tuners"), "1 / 4");

      // Another opens: it appears without a reload.
      const second = f.sessions.open({
        channel: { id: "c2", guideNumber: "102", name: "<b>CNN</b>" },
        client: { address: "192.0.2.11" },
      });
      const secondRow = page.locator(
        `#sessions tbody tr[data-id="${second.id}"]`,
      );
      await secondRow.waitFor({ timeout: 10_000 });
      match((await secondRow.textContent()) ?? "", /<b>CNN<\/b>/);
      equal(
        await page.locator("#sessions tbody b").count(),
        0,
        "shown as text",
      );
      equal(await page.locator("#sessions tbody tr").count(), 2);
      await page.waitForFunction(
        () =>
          (globalThis as unknown as {
            document: { getElementById(id: string): { textContent: string } };
          }).document.getElementById("t-tuners").textContent === "2 / 4",
        undefined,
        { timeout: 10_000 },
      );

      // Kill: closed on the server, the row goes.
      await row.locator("button.kill").click();
      await row.waitFor({ state: "detached", timeout: 10_000 });
      await until(
        () => f.sessions.get(first.id) === undefined,
        "the session gone",
      );
      equal(first.state, "closed");
      equal(first.endReason, "terminated");
      equal(released, 1);
      equal(await page.locator("#sessions tbody tr").count(), 1);
      equal(f.sessions.get(second.id)?.state, "starting");

      // Channels: search filters.
      await page.click("#tab-channels");
      const channelRows = page.locator("#channels tbody tr");
      await page.waitForFunction(
        () =>
          (globalThis as unknown as {
            document: { querySelectorAll(s: string): { length: number } };
          }).document.querySelectorAll("#channels tbody tr").length === 50,
        undefined,
        { timeout: 10_000 },
      );
      equal(await page.textContent("#range"), "1–50 of 80");
      await page.fill("#channel-search", "cnn");
      await page.waitForFunction(
        () =>
          (globalThis as unknown as {
            document: { querySelectorAll(s: string): { length: number } };
          }).document.querySelectorAll("#channels tbody tr").length === 1,
        undefined,
        { timeout: 10_000 },
      );
      match(
        (await channelRows.first().textContent()) ?? "",
        /CNN International/,
      );
      equal(await page.textContent("#range"), "1–1 of 1");

      // Enable toggle persists in the store.
      const cnn = f.lineup.all().find((c) => c.name === "CNN International")!;
      await channelRows.first().locator("input.toggle").uncheck();
      await until(
        () =>
          f.store.mappings().some((m) =>
            m.channelId === cnn.id && m.enabled === false
          ),
        "the mapping stored",
      );
      equal(f.lineup.byId(cnn.id), undefined);
      ok(!(await channelRows.first().locator("input.toggle").isChecked()));

      // Renumber: saved on Enter; a taken number is refused with its reason.
      const number = channelRows.first().locator("input.gn-input");
      await number.fill("7");
      await number.press("Enter");
      await until(
        () =>
          f.store.mappings().some((m) =>
            m.channelId === cnn.id && m.guideNumber === "7"
          ),
        "the new number stored",
      );
      expected.add("status of 409");
      await number.fill("101");
      await number.press("Enter");
      await page.locator("#channels-msg").waitFor({ timeout: 10_000 });
      match(
        (await page.textContent("#channels-msg")) ?? "",
        /Expected GuideNumber 101 to be free, found it used by "BBC News"/,
      );
      equal(await number.inputValue(), "7");
      equal(f.lineup.all().find((c) => c.id === cnn.id)?.guideNumber, "7");

      // Sources and log.
      await page.click("#tab-sources");
      await page.locator("#sources tbody tr").first().waitFor({
        timeout: 10_000,
      });
      match(
        (await page.textContent("#sources tbody")) ?? "",
        /password=\*\*\*/,
      );
      await page.click("#tab-log");
      match(
        (await page.textContent("#log")) ?? "",
        /session killed from the API/,
      );

      // A phone: nothing wider than the screen; dark scheme followed.
      await page.setViewportSize({ width: 390, height: 800 });
      await page.click("#tab-sessions");
      ok(
        await page.evaluate(() =>
          document.documentElement.scrollWidth <= innerWidth
        ),
        "no horizontal scroll on a phone",
      );
      await page.emulateMedia({ colorScheme: "dark" });
      equal(
        await page.evaluate(() =>
          getComputedStyle(document.body).backgroundColor
        ),
        "rgb(17, 22, 28)",
      );
      await page.emulateMedia({ colorScheme: "light" });
      equal(
        await page.evaluate(() =>
          getComputedStyle(document.body).backgroundColor
        ),
        "rgb(244, 246, 248)",
      );
      equal(problems.length, 0, problems.join("\n"));
    } finally {
      await browser.close();
    }
  },
);

chromiumTest(
  "Bridge dashboard in Chromium: asks for the token on 401, keeps it in sessionStorage, and signs in from ?token=",
  async () => {
    await using f = await setup(true);
    const session = f.sessions.open({
      channel: { id: "c1", guideNumber: "101", name: "BBC News" },
      client: { address: "192.0.2.20" },
    });
    const browser = await launchChromium();
    const problems: string[] = [];
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        // The 401s are the point of this test.
        if (m.type() === "error" && !m.text().includes("status of 401")) {
          problems.push(`console: ${m.text()}`);
        }
      });
      await page.goto(`${f.base}/dashboard/`);
      await page.locator("#token-form").waitFor({ timeout: 10_000 });
      ok(await page.locator("#app").isHidden());
      equal(await page.getAttribute("#conn", "data-state"), "locked");

      await page.fill("#token-input", "wrong-token-0000000000");
      await page.click("#token-form button[type=submit]");
      await page.locator("#token-error").waitFor({ timeout: 10_000 });
      match((await page.textContent("#token-error")) ?? "", /not accepted/);

      await page.fill("#token-input", TOKEN);
      await page.click("#token-form button[type=submit]");
      await page.waitForSelector('#conn[data-state="live"]', {
        timeout: 10_000,
      });
      await page.locator(`#sessions tbody tr[data-id="${session.id}"]`).waitFor(
        {
          timeout: 10_000,
        },
      );
      equal(
        await page.evaluate(() => sessionStorage.getItem("shack-bridge-token")),
        TOKEN,
      );

      // A fresh browser profile signs in from the link in the log.
      const other = await browser.newContext();
      const linked = await other.newPage();
      linked.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      await linked.goto(`${f.base}/dashboard/?token=${TOKEN}`);
      equal(new URL(linked.url()).search, "", "the token left the address bar");
      await linked.waitForSelector('#conn[data-state="live"]', {
        timeout: 10_000,
      });
      ok(await linked.locator("#auth").isHidden());
      const cookies = await other.cookies();
      equal(cookies.length, 1);
      equal(cookies[0].httpOnly, true);
      equal(cookies[0].sameSite, "Strict");
      equal(problems.length, 0, problems.join("\n"));
    } finally {
      await browser.close();
    }
  },
);
