// The web client's built-in band plan.
import { deepEqual, equal, ok } from "node:assert/strict";
import {
  BAND_PLAN,
  bandAt,
  bandsInRange,
} from "../../lib/sdr/web/band_plan.js";
import { modeInfo } from "../../lib/sdr/web/modes.js";

Deno.test("BAND_PLAN is sorted, well-formed and names modes the client has", () => {
  ok(BAND_PLAN.length > 40);
  for (let i = 0; i < BAND_PLAN.length; i++) {
    const band = BAND_PLAN[i];
    ok(band.low < band.high, band.name);
    ok(band.name.length > 0 && band.name.length <= 8, band.name);
    ok(["ham", "broadcast", "utility", "digital"].includes(band.kind));
    if (band.mode !== undefined) equal(modeInfo(band.mode)?.name, band.mode);
    if (i > 0) ok(BAND_PLAN[i - 1].low <= band.low);
    ok(Object.isFrozen(band));
  }
  // The amateur bands do not overlap each other.
  const ham = BAND_PLAN.filter((b) => b.kind === "ham");
  for (let i = 1; i < ham.length; i++) ok(ham[i - 1].high <= ham[i].low);
});

Deno.test("bandsInRange() and bandAt() find what a view shows", () => {
  deepEqual(bandsInRange(14_000_000, 14_350_000).map((b) => b.name), [
    "20m",
    "FT8",
  ]);
  deepEqual(bandsInRange(0, 100_000), []);
  equal(bandsInRange(0, 3e9).length, BAND_PLAN.length);
  equal(bandAt(100_000_000)?.name, "FM BC");
  equal(bandAt(27_185_000)?.name, "CB");
  equal(bandAt(14_074_500)?.name, "FT8");
  // Edges belong to the band.
  equal(bandAt(7_000_000)?.name, "40m");
  const custom = [{ name: "x", low: 1, high: 2, kind: "ham" as const }];
  equal(bandAt(1.5, custom)?.name, "x");
});
