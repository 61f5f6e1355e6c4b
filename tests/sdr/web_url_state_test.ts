// The web client's shareable URL state.
import { deepEqual, equal } from "node:assert/strict";
import fc from "fast-check";
import { MODE_NAMES } from "../../lib/sdr/web/modes.js";
import { formatUrlState, parseUrlState } from "../../lib/sdr/web/url_state.js";

Deno.test("parseUrlState() reads f, m, z and the passband; ignores the rest", () => {
  deepEqual(parseUrlState("?f=7074000&m=USB&z=3"), {
    frequency: 7_074_000,
    mode: "USB",
    zoom: 3,
  });
  deepEqual(parseUrlState("?m=cw&other=1&f=14060000.4"), {
    frequency: 14_060_000,
    mode: "CW",
  });
  deepEqual(parseUrlState("?f=1e7&m=&z=31&lo=3000&hi=-3000"), {});
  deepEqual(parseUrlState("?lo=-3000"), {});
  deepEqual(parseUrlState("?z=-1&f=abc"), {});
  deepEqual(parseUrlState(""), {});
  deepEqual(parseUrlState("?f=" + "9".repeat(30)), {});
});

Deno.test("formatUrlState() writes what parseUrlState() reads back", () => {
  fc.assert(
    fc.property(
      fc.record({
        frequency: fc.integer({ min: 0, max: 6_000_000_000 }),
        mode: fc.constantFrom(...MODE_NAMES),
        zoom: fc.integer({ min: 0, max: 30 }),
        low: fc.integer({ min: -100_000, max: 0 }),
        high: fc.integer({ min: 1, max: 100_000 }),
      }, { requiredKeys: ["frequency", "mode"] }),
      (state) => {
        const passband = state.low !== undefined && state.high !== undefined;
        const text = formatUrlState(state, { includePassband: true });
        const back = parseUrlState(text);
        const expected: Record<string, unknown> = {
          frequency: state.frequency,
          mode: state.mode,
        };
        if (state.zoom !== undefined) expected.zoom = state.zoom;
        if (passband) {
          expected.low = state.low;
          expected.high = state.high;
        }
        deepEqual(back, expected);
      },
    ),
    { seed: 61, numRuns: 300 },
  );
  equal(formatUrlState({}), "");
  equal(
    formatUrlState({ frequency: 7_100_000, low: -3000, high: 3000 }),
    "?f=7100000",
  );
});
