// The embedded web client in headless Chromium against a real `shack sdr
// serve` process on the synthetic band: it loads without console errors or
// outside requests, the waterfall moves, a click on the AM tone station
// sends a `window` command and the audio heard (measured in the page with an
// AnalyserNode) carries the station's tone, mode changes, zoom, server
// markers, URL state, and a reconnect after the server restarts. A second
// test drives it as a phone; a third feeds it Opus from a stand-in server.
// Skipped when /usr/bin/chromium is absent.
import { deepEqual, equal, ok } from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Browser, Page } from "playwright-core";
import OpusScript from "opusscript";
import { serveStatic } from "../../lib/core/http/static_files.ts";
import { syntheticStations } from "../../lib/sdr/sources/synthetic_stations.ts";
import { webClientSource } from "../../lib/sdr/web/web_client.ts";
import { encodeAudioPacket } from "../../lib/sdr/wire/audio_packet.ts";
import { freeTcpPort } from "../_ports.ts";
import { SdrServeProcess, waitHealthy } from "./_sdr_serve.ts";
import { chromiumTest, launchChromium, watchPage } from "../_browser.ts";

// Page callbacks run in the browser; this file is type-checked without the
// DOM library, so declare the little of it they use.
declare function getComputedStyle(element: unknown): { animationName: string };

const SCREENSHOT = Deno.env.get("SHACK_SDR_SCREENSHOT") ??
  "/tmp/sdr_client.png";

// The default synthetic band: 2.048 MS/s IQ around 7.1 MHz, 131072 bins.
const BASEFREQ = 7_100_000 - 1_024_000;
const BINS_PER_HZ = 131072 / 2_048_000;
const STATIONS = syntheticStations();
const AM_TONES = STATIONS.find((s) => s.label === "AM tones")!;
const AM_VOICE = STATIONS.find((s) => s.label === "AM voice")!;

/** `shack sdr serve` on loopback `port` with the test's config. */
function sdrServe(port: number, config: string): SdrServeProcess {
  return new SdrServeProcess([
    "--config",
    config,
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
  ]);
}

function bin(hz: number): number {
  return (hz - BASEFREQ) * BINS_PER_HZ;
}

/** Polls `check` until it returns a value that is not undefined/false. */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const end = performance.now() + timeoutMs;
  let last: unknown;
  while (performance.now() < end) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    last = value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what} (last: ${String(last)})`);
}

interface Sent {
  path: string;
  command: Record<string, unknown>;
}

/** Records the JSON commands the page sends on its sockets. */
function recordCommands(page: Page): Sent[] {
  const sent: Sent[] = [];
  page.on("websocket", (ws) => {
    const path = new URL(ws.url()).pathname;
    ws.on("framesent", (frame) => {
      if (typeof frame.payload !== "string") return;
      try {
        sent.push({ path, command: JSON.parse(frame.payload) });
      } catch {
        sent.push({ path, command: { unparsed: frame.payload } });
      }
    });
  });
  return sent;
}

function lastCommand(
  sent: Sent[],
  path: string,
  cmd: string,
): Record<string, unknown> | undefined {
  for (let i = sent.length - 1; i >= 0; i--) {
    if (sent[i].path === path && sent[i].command.cmd === cmd) {
      return sent[i].command;
    }
  }
  return undefined;
}

/** Luminance statistics of the top rows of the waterfall canvas. */
function waterfallPixels(page: Page): Promise<{
  mean: number;
  sd: number;
  colours: number;
  rows: number[];
}> {
  return page.evaluate(`(() => {
    // Read a copy (made for reading) so the page's own canvas is untouched.
    const source = document.querySelector("canvas.waterfall");
    const canvas = document.createElement("canvas");
    canvas.width = source.width;
    canvas.height = source.height;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(source, 0, 0);
    const rows = Math.min(40, canvas.height);
    const image = ctx.getImageData(0, 0, canvas.width, rows).data;
    let sum = 0, sum2 = 0, n = 0;
    const colours = new Set();
    const rowSums = [];
    for (let y = 0; y < rows; y++) {
      let rowSum = 0;
      for (let x = 0; x < canvas.width; x++) {
        const i = 4 * (y * canvas.width + x);
        const v = 0.3 * image[i] + 0.59 * image[i + 1] + 0.11 * image[i + 2];
        sum += v; sum2 += v * v; n++; rowSum += v;
        if (colours.size < 5000) colours.add((image[i] << 16) | (image[i + 1] << 8) | image[i + 2]);
      }
      rowSums.push(rowSum);
    }
    const mean = sum / n;
    return { mean, sd: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), colours: colours.size, rows: rowSums };
  })()`);
}

/** The strongest audio frequency the page's AnalyserNode sees (100–3000 Hz). */
function audioPeak(page: Page): Promise<
  { hz: number; db: number; median: number; running: boolean }
> {
  return page.evaluate(`(() => {
    const audio = globalThis.shackSdr.audio;
    const analyser = audio.analyser;
    const data = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(data);
    const binHz = analyser.context.sampleRate / analyser.fftSize;
    const lo = Math.round(100 / binHz), hi = Math.round(3000 / binHz);
    let best = lo;
    for (let i = lo; i < hi; i++) if (data[i] > data[best]) best = i;
    const band = Array.from(data.slice(lo, hi)).sort((a, b) => a - b);
    return { hz: best * binHz, db: data[best], median: band[band.length >> 1], running: audio.running };
  })()`);
}

async function launch(): Promise<Browser> {
  return await launchChromium({
    args: ["--autoplay-policy=no-user-gesture-required"],
  });
}

/** Problems the page reports: console errors/warnings, page errors, outside requests. */
function watchProblems(page: Page, port: number) {
  let restarting = false;
  const problems = watchPage(page, {
    allowed: [
      `http://127.0.0.1:${port}/`,
      `ws://127.0.0.1:${port}/`,
      "blob:",
      "data:",
    ],
    // While the server is down the browser logs the failed reconnects.
    ignoreConsole: (text) =>
      restarting && /WebSocket connection to .* failed/.test(text),
    ignoreFailedRequest: () => restarting,
  });
  return {
    problems,
    restarting(value: boolean) {
      restarting = value;
    },
  };
}

async function writeConfig(dir: string): Promise<string> {
  await Deno.writeTextFile(
    `${dir}/markers.json`,
    JSON.stringify({
      markers: [
        { frequency: AM_VOICE.frequency, name: "AM voice", mode: "AM" },
        { frequency: 7_074_000, name: "FT8 <b>", mode: "USB" },
      ],
    }),
  );
  const config = `${dir}/shack.toml`;
  await Deno.writeTextFile(
    config,
    `[sdr]\nmarkers_file = "markers.json"\n\n[sdr.input]\nsmeter_offset = -40\n`,
  );
  return config;
}

chromiumTest(
  "web client in Chromium: waterfall, click to tune, AM tone heard, modes, zoom, markers, URL state, reconnect",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "shack_web_browser_" });
    const config = await writeConfig(dir);
    const port = freeTcpPort();
    let server = sdrServe(port, config);
    let browser: Browser | undefined;
    let other: WebSocket | undefined;
    try {
      await waitHealthy(port);
      browser = await launch();
      const page = await browser.newPage({
        viewport: { width: 1280, height: 900 },
      });
      const watch = watchProblems(page, port);
      const sent = recordCommands(page);

      // 1. URL state: AM voice, zoom 1 (half the band).
      const start =
        `http://127.0.0.1:${port}/?f=${AM_VOICE.frequency}&m=AM&z=1`;
      equal((await page.goto(start))?.status(), 200);
      await page.waitForSelector('#conn[data-state="live"]', {
        timeout: 15_000,
      });
      const first = await until(
        "the first audio window",
        () => lastCommand(sent, "/audio", "window"),
      );
      equal(first.m, bin(AM_VOICE.frequency));
      deepEqual(lastCommand(sent, "/audio", "demodulation"), {
        cmd: "demodulation",
        demodulation: "AM",
      });
      const wfWindow = await until(
        "a waterfall window",
        () => lastCommand(sent, "/waterfall", "window"),
      );
      equal(Number(wfWindow.r) - Number(wfWindow.l), 65536);
      ok(
        Number(wfWindow.l) <= bin(AM_VOICE.frequency) &&
          bin(AM_VOICE.frequency) <= Number(wfWindow.r),
      );
      for (const id of ["userid"]) {
        ok(sent.some((s) => s.path === "/events" && s.command.cmd === id));
      }

      // 2. The waterfall shows non-uniform content that moves.
      await until(
        "40 waterfall lines",
        () =>
          page.evaluate<number>("shackSdr.display.linesDrawn").then((n) =>
            n >= 40
          ),
      );
      const before = await waterfallPixels(page);
      ok(before.sd > 8, `waterfall is not uniform (sd ${before.sd})`);
      ok(before.colours > 20, `waterfall has ${before.colours} colours`);
      await new Promise((r) => setTimeout(r, 1500));
      const after = await waterfallPixels(page);
      const changedRows = after.rows.filter((v, i) =>
        Math.abs(v - before.rows[i]) > 1
      ).length;
      ok(changedRows > 10, `only ${changedRows} rows changed: not moving`);

      // The server's markers are drawn; their names are text, not markup.
      equal(await page.textContent("#marker-count"), "2");
      equal(await page.locator("main b").count(), 0);

      // 3. Click the AM tone station in the waterfall.
      const box = (await page.locator("canvas.waterfall").boundingBox())!;
      const view = await page.evaluate<{ l: number; r: number }>(
        "shackSdr.state.view",
      );
      const x = box.x +
        ((bin(AM_TONES.frequency) - view.l) / (view.r - view.l)) * box.width;
      const clicks = sent.length;
      await page.mouse.click(x, box.y + box.height / 2);
      const tuned = await until("a window for the AM tone station", () => {
        const c = lastCommand(sent.slice(clicks), "/audio", "window");
        return c && c.m === bin(AM_TONES.frequency) ? c : undefined;
      });
      ok(Number(tuned.r) - Number(tuned.l) <= 768);
      ok(
        Number(tuned.l) < Number(tuned.m) && Number(tuned.m) < Number(tuned.r),
      );
      equal(
        await page.evaluate<number>("shackSdr.state.tuning.frequency"),
        AM_TONES.frequency,
      );

      // 4. The audio carries the station's tones (440 and 880 Hz, a second
      // each), measured by the page's AnalyserNode.
      const tones = (AM_TONES.content as { tonesHz: number[] }).tonesHz;
      const peaks: { hz: number; db: number; median: number }[] = [];
      const end = performance.now() + 8000;
      while (performance.now() < end && peaks.length < 4) {
        await new Promise((r) => setTimeout(r, 250));
        const peak = await audioPeak(page);
        ok(peak.running, "the AudioContext runs");
        const onTone = tones.some((t) => Math.abs(peak.hz - t) < 15);
        if (onTone && peak.db - peak.median > 25) peaks.push(peak);
      }
      ok(
        peaks.length >= 4,
        `the tone was heard in ${peaks.length} of the measurements`,
      );

      // S-meter shows S-units and dBm with the server's offset.
      const meter = (await page.textContent("#smeter-text")) ?? "";
      ok(/^S\d(\+\d+)?$/.test(meter), meter);
      ok(/^-?\d+ dBm$/.test((await page.textContent("#smeter-dbm")) ?? ""));

      // 5. Mode change: LSB by button, then USB and CW by keyboard.
      let mark = sent.length;
      await page.click('#modes button[data-mode="LSB"]');
      const lsb = await until("LSB", () => {
        const d = lastCommand(sent.slice(mark), "/audio", "demodulation");
        const w = lastCommand(sent.slice(mark), "/audio", "window");
        return d?.demodulation === "LSB" && w ? w : undefined;
      });
      ok(Number(lsb.r) <= Number(lsb.m) + 1 && Number(lsb.l) < Number(lsb.r));
      equal(
        await page.getAttribute(
          '#modes button[data-mode="LSB"]',
          "aria-pressed",
        ),
        "true",
      );
      mark = sent.length;
      await page.keyboard.press("c");
      const cw = await until("CW", () => {
        const d = lastCommand(sent.slice(mark), "/audio", "demodulation");
        const w = lastCommand(sent.slice(mark), "/audio", "window");
        return d?.demodulation === "USB" && w ? w : undefined;
      });
      // CW: the carrier sits the BFO offset (700 Hz) below the dial.
      equal(cw.m, bin(AM_TONES.frequency - 700));
      await page.keyboard.press("a");

      // 6. Zoom in with the button: the server sends narrower lines.
      mark = sent.length;
      const spanBefore = view.r - view.l;
      await page.click("#zoom-in");
      const zoomed = await until("a narrower waterfall window", () => {
        const w = lastCommand(sent.slice(mark), "/waterfall", "window");
        // Whole bins around the (fractional) view: one more at most.
        return w && Math.abs(Number(w.r) - Number(w.l) - spanBefore / 2) <= 1
          ? w
          : undefined;
      });
      await until("lines of the zoomed window", async () => {
        const last = await page.evaluate<{ l: number; r: number }>(
          "shackSdr.display.lastLine",
        );
        return Math.abs(last.r - last.l - spanBefore / 2) < 64 &&
          Math.abs(last.l - Number(zoomed.l)) < 64;
      });
      equal(await page.textContent("#zoom-level"), "×4");

      // A server marker tunes when clicked (its label is on the spectrum).
      const hit = await page.evaluate<
        { x0: number; x1: number; y0: number; y1: number } | undefined
      >(
        `(() => { const h = shackSdr.display.hits.find((h) => h.marker.name === "AM voice"); return h && { x0: h.x0, x1: h.x1, y0: h.y0, y1: h.y1 }; })()`,
      );
      ok(hit !== undefined, "the AM voice marker is labelled");
      const spectrum = (await page.locator("canvas.spectrum").boundingBox())!;
      await page.mouse.click(
        spectrum.x + (hit.x0 + hit.x1) / 2,
        spectrum.y + (hit.y0 + hit.y1) / 2,
      );
      await until(
        "the marker's frequency",
        async () =>
          await page.evaluate<number>("shackSdr.state.tuning.frequency") ===
            AM_VOICE.frequency,
      );

      // 7. The URL follows the state.
      await until("the URL", () => {
        const url = new URL(page.url());
        return url.searchParams.get("f") === String(AM_VOICE.frequency) &&
          url.searchParams.get("m") === "AM" &&
          url.searchParams.get("z") === "2";
      });

      await page.screenshot({ path: SCREENSHOT });

      // Drag the passband's upper edge 4 px (1.6 kHz at 400 Hz/px) right:
      // the window widens on that side only.
      const passband = await until("the AM window", () => {
        const w = lastCommand(sent, "/audio", "window");
        return w && w.m === bin(AM_VOICE.frequency) ? w : undefined;
      });
      const spectrumView = await page.evaluate<{ l: number; r: number }>(
        "shackSdr.state.view",
      );
      const edgeX = spectrum.x +
        ((bin(AM_VOICE.frequency + 4500) - spectrumView.l) /
            (spectrumView.r - spectrumView.l)) * spectrum.width;
      const edgeY = spectrum.y + spectrum.height * 0.7;
      mark = sent.length;
      await page.mouse.move(edgeX, edgeY);
      await page.mouse.down();
      await page.mouse.move(edgeX + 2, edgeY);
      await page.mouse.move(edgeX + 4, edgeY);
      await page.mouse.move(edgeX + 8, edgeY);
      await page.mouse.up();
      const widened = await until("a wider window", () => {
        const w = lastCommand(sent.slice(mark), "/audio", "window");
        return w && Number(w.r) > Number(passband.r) + 60 ? w : undefined;
      });
      equal(widened.l, passband.l);
      equal(widened.m, passband.m);

      // Type a frequency in MHz; step up with the arrow key.
      await page.fill("#freq", "7.2M");
      await page.press("#freq", "Enter");
      await until(
        "7.2 MHz",
        async () =>
          await page.evaluate<number>("shackSdr.state.tuning.frequency") ===
            7_200_000,
      );
      await page.keyboard.press("ArrowRight");
      await until(
        "one 1 kHz step up",
        async () =>
          await page.evaluate<number>("shackSdr.state.tuning.frequency") ===
            7_201_000,
      );
      // The command follows the state change asynchronously (a busy
      // machine may take a moment): wait for it rather than sample it.
      await until(
        "the window command for 7.201 MHz",
        () => lastCommand(sent, "/audio", "window")?.m === bin(7_201_000),
      );

      // The wheel zooms out; a drag pans without tuning.
      const wf = (await page.locator("canvas.waterfall").boundingBox())!;
      await page.mouse.move(wf.x + wf.width / 2, wf.y + wf.height / 2);
      await page.mouse.wheel(0, 120);
      await until(
        "zoom ×2",
        async () => await page.textContent("#zoom-level") === "×2",
      );
      const panFrom = await page.evaluate<{ l: number; r: number }>(
        "shackSdr.state.view",
      );
      mark = sent.length;
      await page.mouse.move(wf.x + wf.width / 2, wf.y + 50);
      await page.mouse.down();
      for (let i = 1; i <= 5; i++) {
        await page.mouse.move(wf.x + wf.width / 2 - 40 * i, wf.y + 50);
      }
      await page.mouse.up();
      const panTo = await page.evaluate<{ l: number; r: number }>(
        "shackSdr.state.view",
      );
      ok(panTo.l > panFrom.l + 1000, `panned from ${panFrom.l} to ${panTo.l}`);
      equal(panTo.r - panTo.l, panFrom.r - panFrom.l);
      await until(
        "the panned waterfall window",
        () => lastCommand(sent.slice(mark), "/waterfall", "window"),
      );
      equal(
        await page.evaluate<number>("shackSdr.state.tuning.frequency"),
        7_201_000,
        "a drag does not tune",
      );

      // Another listener shows up from /events, and leaves.
      const otherBin = bin(7_250_000);
      other = new WebSocket(`ws://127.0.0.1:${port}/audio`);
      other.binaryType = "arraybuffer";
      await new Promise((resolve, reject) => {
        other!.onopen = resolve;
        other!.onerror = reject;
      });
      other.send(
        JSON.stringify({
          cmd: "window",
          l: otherBin - 100,
          m: otherBin,
          r: otherBin + 100,
        }),
      );
      const listenerMs =
        "shackSdr.tracker.listeners(shackSdr.state.clientId).map((l) => l.m)";
      await until(
        "the other listener",
        async () =>
          (await page.evaluate<number[]>(listenerMs)).includes(otherBin),
      );
      const gone = new Promise((resolve) => other!.onclose = resolve);
      other.close();
      await gone;
      other = undefined;
      await until(
        "the other listener gone",
        async () => (await page.evaluate<number[]>(listenerMs)).length === 0,
      );
      deepEqual(watch.problems, []);

      // 8. The server restarts: the page reconnects and resumes.
      watch.restarting(true);
      const status = await server.stop();
      equal(status.code, 0, server.stderr);
      await page.waitForSelector('#conn[data-state="reconnecting"]', {
        timeout: 10_000,
      });
      const linesBefore = await page.evaluate<number>(
        "shackSdr.display.linesReceived",
      );
      mark = sent.length;
      server = sdrServe(port, config);
      await waitHealthy(port);
      await page.waitForSelector('#conn[data-state="live"]', {
        timeout: 20_000,
      });
      watch.restarting(false);
      const again = await until("the window sent again", () => {
        const w = lastCommand(sent.slice(mark), "/audio", "window");
        return w && w.m === bin(7_201_000) ? w : undefined;
      });
      ok(again);
      await until(
        "new lines after the reconnect",
        async () =>
          await page.evaluate<number>("shackSdr.display.linesReceived") >
            linesBefore + 10,
      );
      await until(
        "audio after the reconnect",
        async () => (await audioPeak(page)).db > -100,
      );
      deepEqual(watch.problems, []);
    } finally {
      other?.close();
      await browser?.close();
      await server.kill();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

chromiumTest(
  "web client in Chromium as a phone: JS FLAC decoder, tap to tune, pinch zoom, recording, bookmarks, reduced motion",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "shack_web_phone_" });
    const config = await writeConfig(dir);
    const port = freeTcpPort();
    const server = sdrServe(port, config);
    let browser: Browser | undefined;
    try {
      await waitHealthy(port);
      browser = await launch();
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      const watch = watchProblems(page, port);
      const sent = recordCommands(page);
      // decoder=js: FLAC decoded in a Worker instead of WebCodecs, as on a
      // page served over plain http from another machine.
      await page.goto(
        `http://127.0.0.1:${port}/?f=${AM_TONES.frequency}&m=AM&z=3&decoder=js`,
      );
      await page.waitForSelector('#conn[data-state="live"]', {
        timeout: 15_000,
      });
      equal(
        await page.evaluate<string>("shackSdr.audio.decoderKind"),
        "worker",
      );
      ok(
        await page.evaluate<boolean>(
          "document.documentElement.scrollWidth <= innerWidth",
        ),
        "no sideways scrolling",
      );
      const tones = (AM_TONES.content as { tonesHz: number[] }).tonesHz;
      await until("the tone through the JS decoder", async () => {
        const peak = await audioPeak(page);
        return tones.some((t) => Math.abs(peak.hz - t) < 15) &&
          peak.db - peak.median > 25;
      }, 15_000);

      // A tap tunes: 20 kHz above the dial (snapped to the 1 kHz AM step).
      const box = (await page.locator("canvas.waterfall").boundingBox())!;
      const view = await page.evaluate<{ l: number; r: number }>(
        "shackSdr.state.view",
      );
      const target = AM_TONES.frequency + 20_000;
      const mark = sent.length;
      await page.touchscreen.tap(
        box.x + ((bin(target) - view.l) / (view.r - view.l)) * box.width,
        box.y + box.height / 3,
      );
      await until("a window 20 kHz up", () => {
        const w = lastCommand(sent.slice(mark), "/audio", "window");
        return w !== undefined && w.m === bin(target);
      });

      // A pinch (two touch points moving apart) zooms in.
      const zoomBefore = await page.evaluate<number>(
        "shackSdr.state.band.zoomOf(shackSdr.state.view)",
      );
      const cdp = await context.newCDPSession(page);
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      const touches = (d: number) => [
        { x: cx - d, y: cy, id: 1 },
        { x: cx + d, y: cy, id: 2 },
      ];
      await cdp.send("Input.dispatchTouchEvent", {
        type: "touchStart",
        touchPoints: touches(20),
      });
      for (let d = 30; d <= 80; d += 10) {
        await cdp.send("Input.dispatchTouchEvent", {
          type: "touchMove",
          touchPoints: touches(d),
        });
      }
      await cdp.send("Input.dispatchTouchEvent", {
        type: "touchEnd",
        touchPoints: [],
      });
      await until("a pinch zoom", async () =>
        await page.evaluate<number>(
          "shackSdr.state.band.zoomOf(shackSdr.state.view)",
        ) > zoomBefore);
      equal(
        await page.evaluate<number>("shackSdr.state.tuning.frequency"),
        target,
        "a pinch does not tune",
      );

      // Record a second or so of what is heard: a WAV file downloads.
      await page.click("#record");
      await new Promise((r) => setTimeout(r, 1500));
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("#record"),
      ]);
      const wav = await Deno.readFile((await download.path())!);
      const header = new DataView(wav.buffer);
      equal(new TextDecoder().decode(wav.subarray(0, 4)), "RIFF");
      equal(new TextDecoder().decode(wav.subarray(8, 12)), "WAVE");
      equal(header.getUint32(24, true), 12000);
      const seconds = header.getUint32(40, true) / 2 / 12000;
      ok(seconds > 0.5 && seconds < 10, `recorded ${seconds} s`);

      // Bookmarks: add with "b", export, import (names stay text).
      await page.keyboard.press("b");
      await until(
        "one bookmark",
        async () => await page.textContent("#bookmark-count") === "1",
      );
      const stored = await page.evaluate<string>(
        'localStorage.getItem("shack-sdr-bookmarks")',
      );
      ok(stored.includes(String(target)), stored);
      const [exported] = await Promise.all([
        page.waitForEvent("download"),
        page.click("#bookmark-export"),
      ]);
      const exportedJson = JSON.parse(
        await Deno.readTextFile((await exported.path())!),
      );
      deepEqual(exportedJson.markers, [
        { frequency: target, name: "", mode: "AM" },
      ]);
      await page.setInputFiles("#bookmark-import", {
        name: "more.json",
        mimeType: "application/json",
        buffer: Buffer.from(JSON.stringify({
          markers: [
            { frequency: 7_074_000, name: "<i>FT8</i>", mode: "USB" },
            { frequency: 7_030_000, name: "CW", mode: "CW" },
            { name: "no frequency" },
          ],
        })),
      });
      await until(
        "three bookmarks",
        async () => await page.textContent("#bookmark-count") === "3",
      );
      equal(await page.locator("main i").count(), 0);
      ok(
        ((await page.textContent("#bookmark-list")) ?? "").includes(
          "<i>FT8</i>",
        ),
      );

      // Reduced motion stops the pulsing "live" dot.
      const animation = () =>
        page.$eval(".conn .dot", (el) => getComputedStyle(el).animationName);
      equal(await animation(), "pulse");
      await page.emulateMedia({ reducedMotion: "reduce" });
      equal(await animation(), "none");
      deepEqual(watch.problems, []);
    } finally {
      await browser?.close();
      await server.kill();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

chromiumTest(
  "web client in Chromium: Opus packets (sv1btl's codec field) play through WebCodecs",
  async () => {
    // One second of a 700 Hz tone as 50 raw 20 ms Opus packets (700
    // whole cycles, so the loop is seamless), encoded at 48 kHz.
    const encoder = new OpusScript(48000, 1, OpusScript.Application.AUDIO);
    const packets: Uint8Array[] = [];
    try {
      for (let p = 0; p < 50; p++) {
        const pcm = new Int16Array(960);
        for (let i = 0; i < 960; i++) {
          const t = (p * 960 + i) / 48000;
          pcm[i] = Math.round(12000 * Math.sin(2 * Math.PI * 700 * t));
        }
        packets.push(
          Uint8Array.from(encoder.encode(Buffer.from(pcm.buffer), 960)),
        );
      }
    } finally {
      encoder.delete();
    }
    const settings = {
      audio_compression: "opus",
      audio_max_fft: 768,
      audio_max_sps: 12000,
      basefreq: BASEFREQ,
      defaults: {
        frequency: 7_100_000,
        l: 65536,
        m: 65536,
        modulation: "USB",
        r: 65728,
      },
      fft_result_size: 131072,
      fft_size: 131072,
      sps: 2_048_000,
      total_bandwidth: 2_048_000,
      waterfall_compression: "zstd",
      waterfall_size: 1024,
    };
    const timers = new Set<ReturnType<typeof setInterval>>();
    const received: string[] = [];
    const sockets = new Set<WebSocket>();
    const files = webClientSource();
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: () => {},
    }, async (request) => {
      const path = new URL(request.url).pathname;
      if (request.headers.get("upgrade") !== "websocket") {
        return await serveStatic(request, files) ??
          new Response("Not found\n", { status: 404 });
      }
      const { socket, response } = Deno.upgradeWebSocket(request);
      sockets.add(socket);
      socket.onmessage = (e) => received.push(`${path} ${e.data}`);
      socket.onclose = () => sockets.delete(socket);
      socket.onopen = () => {
        if (path === "/events") {
          socket.send(JSON.stringify({
            waterfall_clients: 1,
            signal_clients: 1,
            signal_changes: {},
          }));
          return;
        }
        socket.send(JSON.stringify(settings));
        if (path !== "/audio") return;
        let frame = 0;
        const timer = setInterval(() => {
          if (socket.readyState !== WebSocket.OPEN) return;
          socket.send(encodeAudioPacket({
            frameNum: frame,
            l: 0,
            m: 65536,
            r: 192,
            pwr: 1e-6,
            data: packets[frame % packets.length],
            codec: "opus",
            channels: 1,
          }));
          frame++;
        }, 20);
        timers.add(timer);
      };
      return response;
    });
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const page = await browser.newPage();
      const watch = watchProblems(page, server.addr.port);
      await page.goto(`http://127.0.0.1:${server.addr.port}/`);
      await page.waitForSelector('#conn[data-state="live"]', {
        timeout: 15_000,
      });
      await until("the 700 Hz tone", async () => {
        const peak = await audioPeak(page);
        return Math.abs(peak.hz - 700) < 15 && peak.db - peak.median > 25;
      });
      equal(await page.evaluate<string>("shackSdr.audio.codec"), "opus");
      equal(
        await page.evaluate<string>("shackSdr.audio.decoderKind"),
        "webcodecs",
      );
      ok(
        received.includes('/audio {"cmd":"codec_caps","opus":true}'),
        received.join("\n"),
      );
      deepEqual(watch.problems, []);
    } finally {
      await browser?.close();
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.close();
      await server.shutdown();
    }
  },
);
