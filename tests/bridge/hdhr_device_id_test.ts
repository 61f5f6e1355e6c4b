import {
  equal,
  match,
  notEqual,
  ok,
  rejects,
  throws,
} from "node:assert/strict";
import fc from "fast-check";
import {
  deviceIdCheckDigit,
  deviceUuid,
  generateDeviceId,
  isValidDeviceId,
} from "../../lib/bridge/hdhr/device_id.ts";
import {
  DeviceIdFileError,
  loadOrCreateDeviceId,
} from "../../lib/bridge/hdhr/device_id_file.ts";

const SEED = 20_261_121;

Deno.test("isValidDeviceId() accepts exactly one check digit per DeviceID", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 0x0fffffff - 1 }), (upper) => {
      const base = (upper << 4) >>> 0;
      let valid = 0;
      for (let digit = 0; digit < 16; digit++) {
        if (isValidDeviceId((base | digit) >>> 0)) valid++;
      }
      equal(valid, 1);
      ok(isValidDeviceId((base | deviceIdCheckDigit(base)) >>> 0));
    }),
    { seed: SEED, numRuns: 500 },
  );
});

Deno.test("isValidDeviceId() follows libhdhomerun's XOR of looked-up and plain nibbles", () => {
  // 0x10101010: L[1]^0^L[1]^0^L[1]^0^L[1] = 5^5^5^5 = 0.
  ok(isValidDeviceId("10101010"));
  // 0x12345670: 5^2^6^4^C^6^B = 4, so ...74 is valid and ...78 is not.
  ok(isValidDeviceId("12345674"));
  ok(!isValidDeviceId("12345678"));
  // Case does not matter: ABCDEF0 needs check digit 1.
  ok(isValidDeviceId("abcdef01") && isValidDeviceId("ABCDEF01"));
});

Deno.test("isValidDeviceId() rejects the wildcard, zero and malformed strings", () => {
  for (
    const bad of [
      "FFFFFFFF",
      "00000000",
      "1010101",
      "101010100",
      "1010101G",
      "",
      " 10101010",
    ]
  ) {
    equal(isValidDeviceId(bad), false, bad);
  }
  equal(isValidDeviceId(0xffffffff), false);
  equal(isValidDeviceId(-1), false);
  equal(isValidDeviceId(2 ** 32), false);
});

Deno.test("generateDeviceId() gives valid upper-case IDs from any randomness", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      const id = generateDeviceId(() => n);
      match(id, /^[0-9A-F]{8}$/);
      ok(isValidDeviceId(id));
    }),
    { seed: SEED, numRuns: 500 },
  );
  // Values that land on 0 or the wildcard step to the next base.
  equal(generateDeviceId(() => 0), "0000001F");
  ok(isValidDeviceId(generateDeviceId(() => 0xffffffff)));
  notEqual(generateDeviceId(), generateDeviceId());
});

Deno.test("deviceUuid() is a stable UUID derived from the DeviceID", () => {
  equal(deviceUuid("10101010"), "10101010-0000-8000-8000-000010101010");
  equal(deviceUuid("12345674"), deviceUuid("12345674"));
  match(
    deviceUuid("12345674"),
    /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  throws(() => deviceUuid("12345678"), RangeError);
});

Deno.test("loadOrCreateDeviceId() keeps one DeviceID across restarts and concurrent starts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/state/bridge_device_id`;
    const ids = await Promise.all(
      Array.from({ length: 5 }, () => loadOrCreateDeviceId(path)),
    );
    equal(new Set(ids).size, 1);
    ok(isValidDeviceId(ids[0]));
    equal(await loadOrCreateDeviceId(path), ids[0]); // "restart"
    equal((await Deno.readTextFile(path)).trim(), ids[0]);
    equal([...Deno.readDirSync(`${dir}/state`)].length, 1); // no temp files left
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadOrCreateDeviceId() refuses a file that does not hold a valid DeviceID", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/device_id`;
    await Deno.writeTextFile(path, "12345678\n");
    await rejects(
      loadOrCreateDeviceId(path),
      (err: DeviceIdFileError) =>
        err instanceof DeviceIdFileError && err.path === path &&
        err.message ===
          `Expected ${path} to hold an 8-hex-digit HDHomeRun DeviceID with a valid check digit but found "12345678"`,
    );
    await Deno.writeTextFile(path, "10101010");
    equal(await loadOrCreateDeviceId(path), "10101010");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
