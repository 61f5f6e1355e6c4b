import { deepEqual, equal, throws } from "node:assert/strict";
import {
  aprsBaseCallsign,
  aprsTimestamp,
  buildAprsPositionPacket,
  decodeYaesuGps,
  formatAprsLatitude,
  formatAprsLongitude,
  formatReflectorId,
  normalizeAprsSsid,
  YAESU_RADIO_MODELS,
  yaesuRadioModel,
} from "../../lib/ysf/aprs/mod.ts";
import { D300 } from "./_gps_frames.ts";

const AT = Date.UTC(2026, 3, 14, 9, 5, 42);

Deno.test("buildAprsPositionPacket() builds pYSFReflector3's example packet", () => {
  // ysfaprs.py __main__: aprs_string('IU5JAE', 44.0, 10.5, 0x31, '90123') with ssid -10
  equal(
    buildAprsPositionPacket(
      { source: "IU5JAE", latitude: 44, longitude: 10.5, radioCode: 0x31 },
      { reflectorId: 90123, ssid: "-10", now: () => AT },
    ),
    "IU5JAE-10>APRS,TCPIP*:@140905z4400.00N/01030.00E>YSF#90123 via shack FTM-300D",
  );
});

Deno.test("buildAprsPositionPacket() reports the gps.py FTM-300D block", () => {
  const d300 = D300;
  const gps = decodeYaesuGps(d300, 7)!;
  equal(
    buildAprsPositionPacket(
      { source: "IU5JAE-7  ", ...gps.position!, radioCode: gps.radioCode },
      { reflectorId: 4296, ssid: "-0", now: () => AT },
    ),
    "IU5JAE>APRS,TCPIP*:@140905z4359.20N/01030.55E>YSF#04296 via shack FTM-300D",
  );
});

Deno.test("buildAprsPositionPacket() uses <0x..> and the jogger for unknown radios", () => {
  equal(
    buildAprsPositionPacket(
      { source: "G4ABC/P", latitude: -33.858333333333334, longitude: -151.2 },
      { reflectorId: 123456, now: () => AT },
    ),
    "G4ABC>APRS,TCPIP*:@140905z3351.50S/15112.00W[YSF#123456 via shack <0x0>",
  );
  equal(
    buildAprsPositionPacket(
      { source: "G4ABC", latitude: 1, longitude: 2, radioCode: 0x3f },
      { reflectorId: 1, now: () => AT },
    )?.endsWith("[YSF#00001 via shack <0x3f>"),
    true,
  );
});

Deno.test("buildAprsPositionPacket() refuses callsigns APRS-IS would drop", () => {
  const options = { reflectorId: 1, now: () => AT };
  for (const source of ["AB", "", "G4 ABC", "-G4ABC", "G4ABC*", "ABCDEFGHIJ"]) {
    equal(
      buildAprsPositionPacket({ source, latitude: 1, longitude: 1 }, options),
      undefined,
      source,
    );
  }
  throws(
    () =>
      buildAprsPositionPacket(
        { source: "G4ABC", latitude: 91, longitude: 0 },
        options,
      ),
    RangeError,
  );
  throws(
    () =>
      buildAprsPositionPacket(
        { source: "G4ABC", latitude: 0, longitude: NaN },
        options,
      ),
    RangeError,
  );
});

Deno.test("formatAprsLatitude() and formatAprsLongitude() match aprslib's *_to_ddm", () => {
  // [value, latitude_to_ddm, longitude_to_ddm] from aprslib/util under
  // Python 3; the first six are exact ties, which Python rounds to even
  const answers: [number, string | null, string][] = [
    [10.03125, "1001.88N", "01001.88E"],
    [10.09375, "1005.62N", "01005.62E"],
    [10.15625, "1009.38N", "01009.38E"],
    [10.21875, "1013.12N", "01013.12E"],
    [10.28125, "1016.88N", "01016.88E"],
    [10.34375, "1020.62N", "01020.62E"],
    [-31.71010233003077, "3142.61S", "03142.61W"],
    [-62.84714869358965, "6250.83S", "06250.83W"],
    [27.16820514717368, "2710.09N", "02710.09E"],
    [-76.9614683998423, "7657.69S", "07657.69W"],
    [6.4587607752040554, "0627.53N", "00627.53E"],
    [-24.17599495573461, "2410.56S", "02410.56W"],
    [-79.56019354055277, "7933.61S", "07933.61W"],
    [1.3384319740956414, "0120.31N", "00120.31E"],
    [43.986666666666665, "4359.20N", "04359.20E"],
    [-0.0, "0000.00N", "00000.00E"],
    [0.0, "0000.00N", "00000.00E"],
    [-33.858333333333334, "3351.50S", "03351.50W"],
    [45.000001, "4500.00N", "04500.00E"],
    [-166.50156296088545, null, "16630.09W"],
    [-23.887553881541095, null, "02353.25W"],
    [-154.8520475131372, null, "15451.12W"],
    [-147.34331519620858, null, "14720.60W"],
    [-27.17309190869497, null, "02710.39W"],
    [117.66676488193372, null, "11740.01E"],
    [10.509166666666667, null, "01030.55E"],
    [-151.20416666666668, null, "15112.25W"],
  ];
  for (const [value, lat, lon] of answers) {
    if (lat !== null) equal(formatAprsLatitude(value), lat, String(value));
    equal(formatAprsLongitude(value), lon, String(value));
  }
});

Deno.test("formatAprsLatitude() carries 60.00 minutes where aprslib prints them", () => {
  // aprslib gives "8960.00N" and "17960.00E": not valid APRS
  equal(formatAprsLatitude(89.99999), "9000.00N");
  equal(formatAprsLongitude(179.99999), "18000.00E");
  equal(formatAprsLatitude(-90), "9000.00S");
  throws(() => formatAprsLatitude(90.5), RangeError);
  throws(() => formatAprsLongitude(-180.01), RangeError);
});

Deno.test("yaesuRadioModel() has pYSFReflector3's models and symbols", () => {
  deepEqual(
    Object.fromEntries(
      [...YAESU_RADIO_MODELS].map((
        [code, { model, symbol }],
      ) => [code.toString(16), `${model} ${symbol}`]),
    ),
    {
      "20": "DR-2X -",
      "24": "FT-1D [",
      "25": "FTM-400D >",
      "26": "DR-1X -",
      "27": "FT-991A -",
      "28": "FT-2D [",
      "29": "FTM-100D >",
      "2a": "FTM-3200D >",
      "2b": "FT-70D [",
      "2d": "FTM-3207D >",
      "2e": "FTM-7250D >",
      "30": "FT-3D [",
      "31": "FTM-300D >",
      "32": "FTM-200D >",
      "33": "FT-5D [",
      "34": "FTM-500D >",
      "35": "FTM-510D >",
    },
  );
  deepEqual(yaesuRadioModel(0x26), {
    model: "DR-1X",
    symbol: "-",
    known: true,
  });
  deepEqual(yaesuRadioModel(0xab), {
    model: "<0xab>",
    symbol: "[",
    known: false,
  });
});

Deno.test("aprsTimestamp() gives the UTC day, hour and minute", () => {
  equal(aprsTimestamp(AT), "140905z");
  equal(aprsTimestamp(Date.UTC(2026, 0, 1, 0, 0, 0)), "010000z");
  equal(aprsTimestamp(Date.UTC(2025, 11, 31, 23, 59, 59, 999)), "312359z");
});

Deno.test("aprsBaseCallsign(), normalizeAprsSsid() and formatReflectorId() follow pYSF3", () => {
  equal(aprsBaseCallsign("  G4ABC-RPT"), "G4ABC");
  equal(aprsBaseCallsign("50/G4ABC"), "50");
  equal(aprsBaseCallsign("G4ABC ND"), "G4ABC ND");
  equal(normalizeAprsSsid(""), "");
  equal(normalizeAprsSsid("-0"), "");
  equal(normalizeAprsSsid("-9"), "-9");
  equal(normalizeAprsSsid("-YS"), "-YS");
  for (const bad of ["10", "-", "-100", "- 1", "-1\r\n"]) {
    throws(() => normalizeAprsSsid(bad), RangeError, bad);
  }
  equal(formatReflectorId(0), "00000");
  equal(formatReflectorId(94296), "94296");
  equal(formatReflectorId(999999), "999999");
  throws(() => formatReflectorId(1_000_000), RangeError);
  throws(() => formatReflectorId(-1), RangeError);
});
