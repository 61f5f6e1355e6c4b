import { deepEqual, equal, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  decodeYaesuGps,
  decodeYaesuPosition,
  yaesuGpsChecksum,
} from "../../lib/ysf/aprs/mod.ts";
import { hex } from "./_vectors.ts";
import { D300, D70 } from "./_gps_frames.ts";

/**
 * Blocks decoded by pYSFReflector3's own `gps.py` (run under Python 3 on
 * random blocks: Mic-E style positions, some with a corrupted byte, end
 * markers at random places, some checksums off by one): hex, FT, whether
 * the checksum matched, radio code, latitude, longitude (exact doubles).
 */
const PYSF3_ANSWERS: [
  string,
  number,
  boolean,
  number | null,
  number | null,
  number | null,
][] = [
  ["74476477342703f47c44", 6, true, 52, null, null],
  [
    "6c47646a25535132505830774575346f032b7744",
    7,
    true,
    37,
    31.346666666666668,
    1.6981666666666668,
  ],
  ["614764402b3639515239083e354d31234974039e", 7, true, 43, null, null],
  [
    "4d476464293433325650364653502e03143f507a",
    7,
    true,
    41,
    43.434333333333335,
    142.92533333333333,
  ],
  [
    "684764233f36543054335165377d530376382d28",
    7,
    true,
    63,
    64.07183333333333,
    -73.46616666666667,
  ],
  [
    "614764233236503433525873265f48033b56702a",
    7,
    true,
    50,
    -60.721333333333334,
    -107.17783333333334,
  ],
  [
    "15476428345255555053362b50506778039e6652",
    7,
    true,
    52,
    25.839333333333332,
    115.87533333333333,
  ],
  ["1e47644f2d3354531a573334393e03717e726d2f", 7, true, 45, null, null],
  ["573a217131525535335435615b5303fe5a44455f", 7, true, 49, null, null],
  [
    "304764342e5652503833553045252e6903294c3d",
    7,
    true,
    46,
    -62.13916666666667,
    -20.684833333333334,
  ],
  ["63226234270346507b73", 6, false, null, null, null],
  [
    "602262203f333150505338504554393443036e34",
    7,
    true,
    63,
    31.006333333333334,
    152.69266666666667,
  ],
  [
    "0047644d3f3334543936312a3d214f036c345c49",
    7,
    true,
    63,
    -34.82683333333333,
    14.550833333333333,
  ],
  [
    "1b22625d275252533633525b415803cc5c253258",
    7,
    true,
    39,
    -22.605333333333334,
    -63.626666666666665,
  ],
  ["0c2262772b3232523536587546256b03f94c302e", 7, true, 43, -22.428, -89.7015],
  [
    "064764652a583932355654702d2d5d030c7d5a25",
    7,
    true,
    42,
    -89.42733333333334,
    -104.28616666666667,
  ],
  [
    "3a47643d2e345431355630493c76542c6a7d0329",
    7,
    true,
    46,
    -44.26,
    145.54833333333335,
  ],
  ["1a22626827385535575139710c53393a40035634", 7, true, 39, null, null],
  ["4347647b2b335953363359563e6c03382a705777", 7, true, 43, -39.6065, -58.58],
  ["1a2262412855584752355767602b03ce3b594125", 7, true, 40, null, null],
  ["7c47646b2b305430323654294c63725b563d7734", 7, false, null, null, null],
  ["7f22625c306e0300287a", 6, true, 48, null, null],
  ["624764392e55565034373141382124660332355f", 7, true, 46, -56.0785, 37.4675],
  ["132262232b45597703fd", 6, true, 43, null, null],
  ["5847646a303c7736038a", 6, false, null, null, null],
  ["4c4e6967262f44030667", 6, true, 38, null, null],
  ["0e226259332d34038245", 6, true, 51, null, null],
  ["2d22622c3331505b3631583a4222384f4003135f", 7, true, 51, null, null],
  ["3b476445335753513552555f2777406503db6b36", 7, false, null, null, null],
  ["622f773f265961680392", 6, true, 38, null, null],
  ["292262792d4d03a36d46", 6, true, 45, null, null],
  [
    "2422623d2853585433513574351e353943500390",
    7,
    true,
    40,
    -38.719166666666666,
    108.417,
  ],
  ["1247643f29663d03cb43", 6, true, 41, null, null],
  ["4c2262453533525433523b5c4a45614a4a3603fd", 7, false, null, null, null],
  [
    "212262232430573130395967354c03514c354956",
    7,
    true,
    36,
    -7.183166666666667,
    -75.42466666666667,
  ],
  [
    "534764623432583234555237464f38467803f06d",
    7,
    true,
    52,
    -28.408666666666665,
    -127.7085,
  ],
  ["0322625226385130393458345c5c6732335d295b", 7, false, null, null, null],
  [
    "55476425283450555534365e5e595f685e032250",
    7,
    true,
    40,
    40.92433333333334,
    66.11016666666667,
  ],
  ["0e47642731573251523251645b226e48035a4174", 7, true, 49, 72.2035, -72.051],
  ["07226272263238525957597a274153326103b33f", 7, true, 38, 28.4965, -4.1895],
  ["1b2262402b030e524744", 6, false, null, null, null],
  ["6822622a34355154354b323a5e3748352a034f34", 7, true, 52, null, null],
  [
    "684764762b3351355552352e2d4347254203984b",
    7,
    true,
    43,
    31.920833333333334,
    118.28983333333333,
  ],
  ["7d226279335535033a52", 6, true, 51, null, null],
  ["0f443b5e24545751533531324059039353356064", 7, true, 36, null, null],
  ["74226248340377323a65", 6, true, 52, null, null],
  [
    "4347644a26353054525836432736262f03ef5d2c",
    7,
    true,
    38,
    50.714333333333336,
    139.18766666666667,
  ],
  ["76226247353052360331", 6, true, 53, null, null],
];

/**
 * An independent encoder of a position in the layout of the Yaesu blocks,
 * written from the APRS 1.0.1 Mic-E rules (chapter 10): latitude digits in
 * the destination characters ('0'..'9' or 'P'..'Y'), 4th = N/S, 5th =
 * longitude offset +100, 6th = E/W; longitude degrees d+28 with the
 * offset folding (0..9 → 118..127, 100..109 → 108..117), minutes m+28 (0..9
 * → 88..97), hundredths h+28.
 */
function encodeMicE(
  lat: { deg: number; min: number; hun: number; north: boolean },
  lon: { deg: number; min: number; hun: number; east: boolean },
): number[] {
  const digits = [
    Math.floor(lat.deg / 10),
    lat.deg % 10,
    Math.floor(lat.min / 10),
    lat.min % 10,
    Math.floor(lat.hun / 10),
    lat.hun % 10,
  ];
  const offset = lon.deg < 10 || lon.deg >= 100;
  const flags = [false, false, false, lat.north, offset, !lon.east];
  const dest = digits.map((d, i) => (flags[i] ? 0x50 : 0x30) + d);
  // the spec decodes d = b − 28 (+ 100 with the offset), then 180..189 → −80
  // and 190..199 → −190; these are the bytes that decode to lon.deg
  let degByte = lon.deg + 28;
  if (offset) {
    if (lon.deg < 10) degByte = lon.deg + 190 - 100 + 28;
    else if (lon.deg < 110) degByte = lon.deg + 80 - 100 + 28;
    else degByte = lon.deg - 100 + 28;
  }
  const minByte = lon.min < 10 ? lon.min + 88 : lon.min + 28;
  return [...dest, degByte, minByte, lon.hun + 28];
}

/** Decodes a Mic-E longitude the way the spec describes, to check the encoder. */
function specLongitude(bytes: number[], offset: boolean): number {
  let d = bytes[0] - 28 + (offset ? 100 : 0);
  if (d >= 180 && d <= 189) d -= 80;
  else if (d >= 190 && d <= 199) d -= 190;
  let m = bytes[1] - 28;
  if (m >= 60) m -= 60;
  return d + (m + (bytes[2] - 28) / 100) / 60;
}

/** A 20-byte FT 7 block around a position, with end marker and checksum. */
function block(
  position: number[],
  radioCode: number,
  long = false,
): Uint8Array {
  const data = new Uint8Array(20);
  data.set([0x45, long ? 0x47 : 0x22, long ? 0x64 : 0x62, 0x5f, radioCode]);
  data.set(position, 5);
  data.set([0x6c, 0x20, 0x1c, 0x20], 14);
  data[18] = 0x03;
  data[19] = yaesuGpsChecksum(data, 19);
  return data;
}

Deno.test("decodeYaesuGps() decodes the FTM-300D block of gps.py", () => {
  const data = decodeYaesuGps(D300, 7);
  // pYSF3 prints 43.986666666666665 and 10.509166666666667
  deepEqual(data, {
    radioCode: 0x31,
    format: "short",
    position: { latitude: 43.986666666666665, longitude: 10.509166666666667 },
  });
});

Deno.test("decodeYaesuGps() reads the radio code of the FT-70D block without a position", () => {
  deepEqual(decodeYaesuGps(D70, 6), {
    radioCode: 0x2b,
    format: "none",
    position: undefined,
  });
});

Deno.test("decodeYaesuGps() agrees with pYSFReflector3's gps.py on 48 blocks", () => {
  let positions = 0;
  let rejected = 0;
  for (const [text, ft, valid, radio, lat, lon] of PYSF3_ANSWERS) {
    const data = decodeYaesuGps(hex(text), ft);
    equal(data !== undefined, valid, text);
    if (data === undefined) {
      rejected++;
      continue;
    }
    equal(data.radioCode, radio, text);
    if (lat === null) {
      equal(data.position, undefined, text);
    } else {
      positions++;
      deepEqual(data.position, { latitude: lat, longitude: lon }, text);
    }
  }
  // the table exercises all three outcomes
  equal(positions > 10 && rejected > 3, true);
});

Deno.test("decodeYaesuGps() rejects a block whose checksum does not match", () => {
  const bad = D300.slice();
  bad[19] ^= 0x01;
  equal(decodeYaesuGps(bad, 7), undefined);
  // any other changed byte before the marker breaks the sum too
  for (let i = 0; i < 18; i++) {
    const changed = D300.slice();
    changed[i] = (changed[i] + 1) & 0x7f;
    if (changed[i] === 0x03) continue;
    equal(decodeYaesuGps(changed, 7), undefined, `byte ${i}`);
  }
  // the radio code is covered by the checksum as well
  const code = D300.slice();
  code[4] = 0x25;
  equal(decodeYaesuGps(code, 7), undefined);
});

Deno.test("decodeYaesuGps() searches the end marker backwards until a checksum matches", () => {
  // a marker late whose checksum is wrong, the right one earlier
  const data = D70.slice();
  data[8] = 0x03;
  data[9] = 0x00; // not the sum of bytes 0..8
  deepEqual(decodeYaesuGps(data, 6)?.radioCode, 0x2b);
  // FT 6 only looks at the first 10 bytes: D300's marker at 18 is not seen
  equal(decodeYaesuGps(D300, 6), undefined);
});

Deno.test("decodeYaesuGps() holds no data below FT 6 and checks its arguments", () => {
  equal(decodeYaesuGps(D300, 5), undefined);
  equal(decodeYaesuGps(D300, 0), undefined);
  throws(() => decodeYaesuGps(D300, 8), RangeError);
  throws(() => decodeYaesuGps(D300, 6.5), RangeError);
  throws(() => decodeYaesuGps(D70, 7), RangeError);
  throws(() => yaesuGpsChecksum(D70, 11), RangeError);
});

Deno.test("decodeYaesuGps() reads the long format and a bad position as none", () => {
  const long = block(
    encodeMicE({ deg: 51, min: 30, hun: 5, north: true }, {
      deg: 0,
      min: 7,
      hun: 50,
      east: false,
    }),
    0x25,
    true,
  );
  const data = decodeYaesuGps(long, 7)!;
  equal(data.format, "long");
  equal(data.radioCode, 0x25);
  equal(data.position!.latitude.toFixed(6), (51 + 30.05 / 60).toFixed(6));
  equal(data.position!.longitude.toFixed(6), (-(7.5 / 60)).toFixed(6));
  // latitude minutes 61: the checksum is fine but there is no position
  const bad = block(
    [0x35, 0x31, 0x36, 0x51, 0x30, 0x35, 0x50, 0x30, 0x30],
    0x25,
  );
  deepEqual(decodeYaesuGps(bad, 7), {
    radioCode: 0x25,
    format: "short",
    position: undefined,
  });
});

Deno.test("decodeYaesuPosition() keeps pYSF3's range checks", () => {
  const good = [0x34, 0x33, 0x35, 0x59, 0x32, 0x30, 0x26, 0x3a, 0x53];
  const at = (changes: Record<number, number>) => {
    const data = new Uint8Array(14);
    data.set(good, 5);
    for (const [i, v] of Object.entries(changes)) data[Number(i)] = v;
    return decodeYaesuPosition(data);
  };
  equal(at({}) !== undefined, true);
  equal(at({ 5: 0x49 }), undefined); // high nibble 4
  equal(at({ 5: 0x39 }), undefined); // 93°
  equal(at({ 7: 0x36 }), undefined); // 60'
  equal(at({ 11: 0x25 }), undefined); // longitude degrees below range
  equal(at({ 12: 0x62 }), undefined); // longitude minutes above range
  equal(at({ 13: 0x1b }), undefined); // hundredths below range
  // pYSF3's slip: a units digit of 10 in the latitude hundredths passes
  equal(at({ 10: 0x3a })!.latitude, 43 + (59 + 30 * 0.01) * (1 / 60));
  equal(decodeYaesuPosition(new Uint8Array(13)), undefined);
});

Deno.test("decodeYaesuPosition() inverts an independent Mic-E encoder", () => {
  fc.assert(
    fc.property(
      fc.record({
        deg: fc.integer({ min: 0, max: 89 }),
        min: fc.integer({ min: 0, max: 59 }),
        hun: fc.integer({ min: 0, max: 99 }),
        north: fc.boolean(),
      }),
      fc.record({
        deg: fc.integer({ min: 0, max: 179 }),
        min: fc.integer({ min: 0, max: 59 }),
        hun: fc.integer({ min: 0, max: 99 }),
        east: fc.boolean(),
      }),
      fc.integer({ min: 0x20, max: 0x35 }),
      (lat, lon, radioCode) => {
        const position = encodeMicE(lat, lon);
        const offset = (position[4] & 0xf0) === 0x50;
        const expectedLon = (lon.deg + (lon.min + lon.hun / 100) / 60) *
          (lon.east ? 1 : -1);
        // the encoder agrees with the spec's own decoding rules
        equal(
          Math.abs(
            specLongitude(position.slice(6), offset) -
              Math.abs(expectedLon),
          ) < 1e-9,
          true,
        );
        const data = decodeYaesuGps(block(position, radioCode), 7)!;
        equal(data.radioCode, radioCode);
        const expectedLat = (lat.deg + (lat.min + lat.hun / 100) / 60) *
          (lat.north ? 1 : -1);
        equal(Math.abs(data.position!.latitude - expectedLat) < 1e-9, true);
        equal(Math.abs(data.position!.longitude - expectedLon) < 1e-9, true);
      },
    ),
    { seed: 20260414, numRuns: 500 },
  );
});
