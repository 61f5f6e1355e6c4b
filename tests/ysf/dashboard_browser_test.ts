// The dashboard page in headless Chromium against a real YsfServer on
// loopback: gateways and talkers appear live (no reload), remote strings are
// shown as text, no console errors. Skipped when /usr/bin/chromium is absent.
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { startHttpServer } from "../../lib/core/http/server.ts";
import { YsfServer } from "../../lib/ysf/server.ts";
import { YsfDashboard } from "../../lib/ysf/web/dashboard.ts";
import { transmission } from "./_reflector_harness.ts";
import { UdpClient } from "./_udp_client.ts";
import { chromiumTest, launchChromium, watchPage } from "../_browser.ts";

// The page callbacks below run in the browser; this file is type-checked
// without the DOM library, so declare the little of it they use.
interface PageNode {
  textContent: string | null;
}
declare const document: {
  body: PageNode;
  documentElement: { scrollWidth: number };
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): { length: number };
};
declare function getComputedStyle(
  element: unknown,
): { animationName: string; display: string; backgroundColor: string };
declare const innerWidth: number;

const SCREENSHOT = "/tmp/ysf_dashboard.png";

chromiumTest(
  "YsfDashboard page in Chromium: gateways, talkers and last heard appear live, as text, without errors",
  async () => {
    // Wired as YsfServer will wire it: events in, requests routed first.
    const dashboard = new YsfDashboard(() => server.core.snapshot(), {
      version: "shack test",
    });
    const server = await YsfServer.start({
      reflector: {
        name: "SHACK DEMO",
        description: "Loopback demo",
        dgidList: [9, 50],
        defaultDgid: 50,
        prefix: false,
        // Streams end by terminator only, however slow the machine is.
        watchdogMs: 60_000,
      },
      bind: ["127.0.0.1"],
      port: 0,
      onEvent: (event) => dashboard.onEvent(event),
    });
    const http = startHttpServer({
      hostname: "127.0.0.1",
      port: 0,
      handler: async (request) =>
        await dashboard.handle(request) ??
          new Response("Not Found\n", { status: 404 }),
    });
    const target = { hostname: "127.0.0.1", port: server.sockets[0].port };
    const a = new UdpClient(target);
    const b = new UdpClient(target);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({
        viewport: { width: 1200, height: 900 },
      });
      const base = `http://127.0.0.1:${http.addr.port}/`;
      const problems = watchPage(page, { allowed: [base] });
      const loaded = await page.goto(base);
      equal(loaded?.status(), 200);
      await page.waitForSelector('#conn[data-state="live"]', {
        timeout: 10_000,
      });
      equal(await page.textContent("#name"), "SHACK DEMO");
      equal(await page.textContent("#desc"), "Loopback demo");
      match((await page.textContent("#sid")) ?? "", /^#\d{5}$/);
      await page.evaluate(() => {
        (globalThis as unknown as { marker: number }).marker = 42;
      });

      // Two gateways link: they appear without a reload.
      await a.link("GW1ABC");
      await b.link("<b>X</b>");
      await page.waitForFunction(
        () => document.querySelectorAll("#gateways tbody tr").length === 2,
        undefined,
        { timeout: 10_000 },
      );
      deepEqual(
        await page.$$eval(
          "#gateways tbody tr .call",
          (els) => els.map((e) => e.textContent),
        ),
        ["GW1ABC", "<b>X</b>"],
      );
      equal(await page.locator("#t-gateways").textContent(), "2");
      // Shown as text: no element was made from the callsign.
      equal(await page.locator("main b").count(), 0);
      equal(
        await page.locator('.room[data-dgid="50"] .room-meta').first()
          .textContent(),
        "2 listening",
      );

      // A transmission: the talker appears live, with a running duration.
      const talk = transmission({
        gateway: "GW1ABC",
        source: "G4ABC",
        dgid: 50,
        count: 12,
      });
      await a.send(talk.header);
      await a.send(talk.body[0]);
      const talker = page.locator('.room[data-dgid="50"] .talker');
      await talker.waitFor({ timeout: 10_000 });
      match((await talker.textContent()) ?? "", /G4ABC/);
      const duration = talker.locator("[data-since]");
      const before = await duration.textContent();
      for (const f of talk.body.slice(1, 6)) await a.send(f);
      await page.waitForFunction(
        (text) =>
          document.querySelector('.room[data-dgid="50"] .talker [data-since]')
            ?.textContent !== text,
        before,
        { timeout: 10_000 },
      );
      const after = await duration.textContent();
      ok(before !== after, `duration ran: ${before} -> ${after}`);
      const heardLive = page.locator("#heard tbody tr").first();
      match((await heardLive.textContent()) ?? "", /G4ABC.*on air/);
      equal(await page.locator("#t-onair").textContent(), "1");
      // It ends: gone from the room, in last heard with its end.
      for (const f of talk.body.slice(6)) await a.send(f);
      await a.send(talk.terminator);
      await page.waitForSelector('.room[data-dgid="50"] .idle', {
        timeout: 10_000,
      });
      await page.waitForFunction(
        () =>
          document.querySelector("#heard tbody tr .badge")?.textContent ===
            "end",
        undefined,
        { timeout: 10_000 },
      );
      const ended = await page.$$eval(
        "#heard tbody tr:first-child td",
        (tds) => tds.map((td) => td.textContent),
      );
      equal(ended[1], "G4ABC");
      equal(ended[2], "GW1ABC");
      equal(ended[3], "50");
      match(ended[4] ?? "", /^\d+\.\d s$/);
      equal(ended[5], "end");

      // A second talker through the gateway with the markup callsign, left
      // on air for the screenshot.
      const second = transmission({
        gateway: "<b>X</b>",
        source: "M0XYZ",
        dgid: 50,
        count: 8,
      });
      await b.send(second.header);
      await b.send(second.body[0]);
      await page.waitForFunction(
        () =>
          document.querySelector('.room[data-dgid="50"] .talker')?.textContent
            ?.includes("M0XYZ"),
        undefined,
        { timeout: 10_000 },
      );
      await b.send(second.body[1]);
      const row = await page.$$eval(
        "#heard tbody tr:first-child td",
        (tds) => tds.map((td) => td.textContent),
      );
      equal(row[1], "M0XYZ");
      equal(row[2], "<b>X</b>");
      equal(await page.locator("main b, main i").count(), 0);
      equal(
        await page.evaluate(() =>
          (globalThis as unknown as { marker: number }).marker
        ),
        42,
        "the page was never reloaded",
      );
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      await b.send(second.body[2]);

      // Reduced motion stops the pulsing dot; dark mode changes colours.
      const animation = () =>
        page.$eval(
          ".live-dot",
          (el) => getComputedStyle(el).animationName,
        );
      equal(await animation(), "pulse");
      await page.emulateMedia({ reducedMotion: "reduce" });
      equal(await animation(), "none");
      const background = () =>
        page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await page.emulateMedia({ colorScheme: "light" });
      const light = await background();
      await page.emulateMedia({ colorScheme: "dark" });
      ok(light !== await background(), "dark mode has its own colours");

      // On a phone the tables become labelled cards, nothing overflows.
      await page.setViewportSize({ width: 375, height: 800 });
      equal(
        await page.$eval(
          "#gateways thead",
          (el) => getComputedStyle(el).display,
        ),
        "none",
      );
      ok(
        await page.evaluate(() =>
          document.documentElement.scrollWidth <= innerWidth
        ),
        "no horizontal scrolling on a phone",
      );
      for (const f of second.body.slice(3)) await b.send(f);
      await b.send(second.terminator);
      deepEqual(problems, []);
      equal(dashboard.counters.viewers, 1);
      ok(dashboard.counters.deltas > 0);
    } finally {
      await browser.close();
      await a.close();
      await b.close();
      await dashboard.close();
      await http.shutdown();
      await server.close();
    }
  },
);
