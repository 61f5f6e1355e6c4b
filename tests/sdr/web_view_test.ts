// Zoom and pan of the web client's view, against the server's level
// selection.
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import { BandGeometry, binToX, xToBin } from "../../lib/sdr/web/view.js";
import {
  selectWaterfallLevel,
  waterfallLevelCount,
} from "../../lib/sdr/waterfall.ts";

const band = new BandGeometry({
  basefreq: 6_076_000,
  totalBandwidth: 2_048_000,
  fftResultSize: 131072,
});

Deno.test("BandGeometry maps bins and frequencies both ways", () => {
  equal(band.binHz, 15.625);
  equal(band.low, 6_076_000);
  equal(band.high, 8_124_000);
  equal(band.hzToBin(7_500_000), 91136);
  equal(band.binToHz(91136), 7_500_000);
  fc.assert(
    fc.property(fc.double({ min: 0, max: 131072, noNaN: true }), (b) => {
      ok(Math.abs(band.hzToBin(band.binToHz(b)) - b) < 1e-6);
    }),
    { seed: 1 },
  );
  throws(
    () =>
      new BandGeometry({ basefreq: 0, totalBandwidth: 0, fftResultSize: 1 }),
    RangeError,
  );
});

Deno.test("BandGeometry zoom steps follow the server's levels down to 128 bins", () => {
  equal(band.maxZoom, 10);
  equal(band.spanAt(0), 131072);
  equal(band.spanAt(3), 16384);
  equal(band.spanAt(99), 128);
  equal(band.spanAt(-5), 131072);
  // Each zoom step down to the finest level gets lines of exactly
  // waterfall_size values from the server.
  const levels = waterfallLevelCount(131072, 1024);
  for (let zoom = 0; zoom < levels; zoom++) {
    const view = band.viewAt(zoom, 70000);
    const window = band.waterfallWindow(view);
    const selected = selectWaterfallLevel(window.l, window.r, {
      levels,
      waterfallSize: 1024,
      fftResultSize: 131072,
    })!;
    equal(selected.level, levels - 1 - zoom, `zoom ${zoom}`);
    ok(Math.abs(selected.r - selected.l - 1024) <= 1, `zoom ${zoom}`);
  }
});

Deno.test("BandGeometry.viewAt() and pan() keep views inside the band", () => {
  deepEqual(band.viewAt(0, 5), { l: 0, r: 131072 });
  deepEqual(band.viewAt(2, 0), { l: 0, r: 32768 });
  deepEqual(band.viewAt(2, 131072), { l: 98304, r: 131072 });
  deepEqual(band.pan({ l: 1000, r: 2000 }, -5000), { l: 0, r: 1000 });
  deepEqual(band.pan({ l: 1000, r: 2000 }, 500), { l: 1500, r: 2500 });
  deepEqual(band.clampView({ l: NaN, r: 5 }), { l: 0, r: 131072 });
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      (zoom, centre, shift) => {
        const view = band.pan(band.viewAt(zoom, centre), shift);
        ok(view.l >= 0 && view.r <= 131072);
        ok(Math.abs(view.r - view.l - band.spanAt(zoom)) < 1e-6);
        equal(band.zoomOf(view), zoom);
        const w = band.waterfallWindow(view);
        ok(Number.isInteger(w.l) && Number.isInteger(w.r));
        ok(0 <= w.l && w.l < w.r && w.r <= 131072);
        ok(w.l <= view.l && w.r >= view.r);
      },
    ),
    { seed: 2, numRuns: 300 },
  );
});

Deno.test("BandGeometry.zoomAround() keeps the anchor where it was on screen", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 9 }),
      fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      (zoom, fraction) => {
        const view = band.viewAt(zoom, 65536);
        const anchor = view.l + fraction * (view.r - view.l);
        const zoomed = band.zoomAround(view, zoom + 1, anchor);
        equal(band.zoomOf(zoomed), zoom + 1);
        const x0 = binToX(view, anchor, 1000);
        const x1 = binToX(zoomed, anchor, 1000);
        // Unless the band's edge stopped it.
        if (zoomed.l > 0 && zoomed.r < 131072) ok(Math.abs(x0 - x1) < 1e-6);
      },
    ),
    { seed: 4, numRuns: 300 },
  );
});

Deno.test("binToX() and xToBin() are inverse", () => {
  const view = { l: 1234.5, r: 9999 };
  for (const x of [0, 1, 333.3, 1280]) {
    ok(Math.abs(binToX(view, xToBin(view, x, 1280), 1280) - x) < 1e-9);
  }
});
