// Waterfall colours: colormap tables, the value → colour mapping, automatic
// levels and the dB of waterfall values against the server's quantiser.
import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  AutoLevels,
  COLORMAP_NAMES,
  colormapTable,
  paintLine,
  waterfallValueToDb,
} from "../../lib/sdr/web/colormaps.js";
import { quantizePower } from "../../lib/sdr/waterfall.ts";

Deno.test("colormapTable() gives 256 opaque colours for every colormap", () => {
  deepEqual([...COLORMAP_NAMES], [
    "classic",
    "turbo",
    "viridis",
    "inferno",
    "gray",
  ]);
  for (const name of COLORMAP_NAMES) {
    const table = colormapTable(name);
    equal(table.length, 1024);
    const colours = new Set<number>();
    for (let i = 0; i < 256; i++) {
      equal(table[4 * i + 3], 255);
      colours.add(
        (table[4 * i] << 16) | (table[4 * i + 1] << 8) | table[4 * i + 2],
      );
    }
    ok(colours.size > 100, `${name} has ${colours.size} colours`);
  }
  deepEqual(colormapTable("nope"), colormapTable("classic"));
  // Perceptual maps get brighter from bottom to top.
  for (const name of ["gray", "viridis", "inferno"]) {
    const t = colormapTable(name);
    const lum = (i: number) =>
      0.3 * t[4 * i] + 0.59 * t[4 * i + 1] + 0.11 * t[4 * i + 2];
    ok(lum(255) > lum(128) && lum(128) > lum(0), name);
  }
});

Deno.test("paintLine() maps min…max onto the table and clamps outside", () => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) table[i] = i;
  const out = new Uint32Array(5);
  paintLine(Int8Array.of(-128, -60, -40, -20, 127), table, -60, -20, out);
  deepEqual([...out], [0, 0, 128, 255, 255]);
  // A degenerate range does not divide by zero.
  paintLine(Int8Array.of(-5, 5), table, 0, 0, out);
  deepEqual([...out.subarray(0, 2)], [0, 255]);
});

Deno.test("AutoLevels follows the noise floor and the peaks, smoothed", () => {
  const levels = new AutoLevels({ smoothing: 0.5 });
  deepEqual(levels.levels, { min: -100, max: 0 });
  const noise = (floor: number) =>
    Int8Array.from({ length: 1024 }, (_, i) => floor + ((i * 7919) % 9) - 4);
  const first = levels.update(noise(-80));
  ok(first.min < -80 && first.min > -95, JSON.stringify(first));
  // Plain noise is not stretched: at least the minimum range.
  ok(first.max - first.min >= 30);
  // The floor rises: the levels follow half way per line.
  const second = levels.update(noise(-40));
  ok(second.min > first.min + 15 && second.min < -40, JSON.stringify(second));
  // A strong carrier raises the top.
  const line = noise(-40);
  line.fill(60, 500, 510);
  let now = levels.update(line);
  for (let i = 0; i < 20; i++) now = levels.update(line);
  ok(now.max > 55, JSON.stringify(now));
  levels.reset();
  deepEqual(levels.levels, { min: -100, max: 0 });
  deepEqual(levels.update(new Int8Array(0)), { min: -100, max: 0 });
});

Deno.test("waterfallValueToDb() inverts the server's quantiser", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(1024, 8192, 131072, 1048576),
      fc.double({ min: -170, max: -60, noNaN: true }),
      (fftSize, db) => {
        const power = 10 ** (db / 10);
        const value = quantizePower(power, Math.round(Math.log2(fftSize)));
        if (value <= -128 || value >= 127) return; // clipped
        // The quantiser truncates (towards zero) to 0.5 dB steps.
        const back = waterfallValueToDb(value, fftSize);
        ok(Math.abs(back - db) < 0.5 + 1e-9, `${db} → ${value} → ${back}`);
      },
    ),
    { seed: 9, numRuns: 400 },
  );
});
