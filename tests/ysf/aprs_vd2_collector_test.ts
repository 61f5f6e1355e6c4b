import { deepEqual, equal } from "node:assert/strict";
import { Vd2Collector } from "../../lib/ysf/aprs/mod.ts";
import { encodeHeaderPayload } from "../../lib/ysf/mod.ts";
import { D300, D70, fichOf, packet } from "./_gps_frames.ts";

function header(ft = 7): Uint8Array {
  const data = packet({ fi: 0, ft });
  encodeHeaderPayload(
    { destination: "ALL", source: "IU5JAE", downlink: "", uplink: "" },
    data,
  );
  return data;
}

/** One superframe FN 0..ft with the given data channels. */
function superframe(
  channels: Record<number, Uint8Array | string>,
  ft = 7,
): Uint8Array[] {
  const frames = [];
  for (let fn = 0; fn <= ft; fn++) {
    frames.push(packet({ fn, ft }, channels[fn] ?? "          "));
  }
  return frames;
}

const DATA = {
  1: "IU5JAE",
  4: "Mobile 73 ",
  5: "QTH Firenz",
  6: D300.subarray(0, 10),
  7: D300.subarray(10, 20),
};

Deno.test("Vd2Collector.push() collects Rem1..4, radio code and position like pYSF3", () => {
  const collector = new Vd2Collector();
  const changes = [header(), ...superframe(DATA)].flatMap((frame) => [
    ...collector.push(frame),
  ]);
  deepEqual(changes, [
    { type: "rem12", text: "Mobile 73", raw: "Mobile 73 " },
    { type: "rem34", text: "QTH Firenz", raw: "QTH Firenz" },
    { type: "radio-code", radioCode: 0x31 },
    {
      type: "position",
      position: { latitude: 43.986666666666665, longitude: 10.509166666666667 },
    },
  ]);
  // the next superframe repeats the data: nothing new
  for (const frame of superframe(DATA)) equal(collector.push(frame).length, 0);
  deepEqual(collector.info(), {
    rem12: "Mobile 73",
    rem34: "QTH Firenz",
    radioCode: 0x31,
    position: { latitude: 43.986666666666665, longitude: 10.509166666666667 },
  });
  deepEqual(collector.stats, {
    frames: 17,
    invalid: 0,
    vd2Frames: 16,
    channelErrors: 0,
    gpsBlocks: 2,
    gpsRejected: 0,
  });
});

Deno.test("Vd2Collector.push() reads a radio code alone from an FT 6 stream", () => {
  const collector = new Vd2Collector();
  collector.push(header(6));
  const changes = superframe({ 6: D70 }, 6).flatMap((f) => [
    ...collector.push(f),
  ]);
  deepEqual(changes, [{ type: "radio-code", radioCode: 0x2b }]);
  equal(collector.position, undefined);
  equal(collector.radioCode, 0x2b);
});

Deno.test("Vd2Collector.push() rejects GPS data whose checksum fails", () => {
  const collector = new Vd2Collector();
  const bad = D300.slice(10, 20);
  bad[9] ^= 0x01; // the checksum byte
  for (const frame of superframe({ ...DATA, 7: bad })) {
    equal(
      collector.push(frame).some((c) => c.type === "position"),
      false,
    );
  }
  equal(collector.position, undefined);
  equal(collector.radioCode, undefined);
  equal(collector.stats.gpsRejected, 1);
  equal(collector.stats.gpsBlocks, 0);
});

Deno.test("Vd2Collector.push() waits for every GPS frame after a channel error", () => {
  const collector = new Vd2Collector();
  collector.push(header());
  const frames = superframe(DATA);
  frames[6][65] ^= 0xff; // 8 coded bits of the FN 6 channel
  frames[6][66] ^= 0xff;
  frames[6][83] ^= 0xff;
  for (const frame of frames) collector.push(frame);
  equal(collector.stats.channelErrors, 1);
  equal(collector.position, undefined); // FN 7 alone is not decoded
  // the next superframe is clean
  for (const frame of superframe(DATA)) collector.push(frame);
  equal(collector.radioCode, 0x31);
  equal(collector.info().position?.latitude, 43.986666666666665);
});

Deno.test("Vd2Collector.push() starts the GPS data anew on a header frame", () => {
  const collector = new Vd2Collector();
  const frames = superframe(DATA);
  for (const frame of frames.slice(0, 7)) collector.push(frame); // up to FN 6
  collector.push(header());
  collector.push(frames[7]); // FN 7 without FN 6 since the header
  equal(collector.position, undefined);
  collector.push(frames[6]);
  equal(collector.push(frames[7]).length, 2);
});

Deno.test("Vd2Collector.push() keeps the first position and follows the radio code", () => {
  const collector = new Vd2Collector();
  for (const frame of superframe(DATA)) collector.push(frame);
  // another position and radio (FTM-400D) later in the stream
  const other = D300.slice();
  other[4] = 0x25;
  other[13] = 0x30; // other longitude hundredths
  other[19] = other.subarray(0, 19).reduce((a, b) => (a + b) & 0xff, 0);
  const changes = superframe({
    ...DATA,
    6: other.subarray(0, 10),
    7: other.subarray(10, 20),
  }).flatMap((f) => [...collector.push(f)]);
  deepEqual(changes, [{ type: "radio-code", radioCode: 0x25 }]);
  equal(collector.position?.longitude, 10.509166666666667);
});

Deno.test("Vd2Collector.push() reports a changed Rem and ignores blank ones", () => {
  const collector = new Vd2Collector();
  equal(collector.push(packet({ fn: 4 }, "          ")).length, 0);
  const raw = new Uint8Array([0x41, 0x00, 0x42, 0x7f, 0x20, 0, 0, 0, 0, 0]);
  deepEqual(collector.push(packet({ fn: 4 }, raw)), [
    { type: "rem12", text: "A B", raw: "A B       " },
  ]);
  equal(collector.push(packet({ fn: 4 }, " A B")).length, 0); // same text
  deepEqual(collector.push(packet({ fn: 4 }, "C")), [
    { type: "rem12", text: "C", raw: "C         " },
  ]);
  equal(collector.rem12, "C");
  equal(collector.rem34, undefined);
});

Deno.test("Vd2Collector.push() drops invalid packets and ignores other frame types", () => {
  const collector = new Vd2Collector();
  equal(collector.push(new Uint8Array(154)).length, 0);
  const noFich = packet({ fn: 4 }, "Mobile");
  noFich.fill(0, 40, 65);
  equal(collector.push(noFich).length, 0);
  // voice full rate, data full rate and terminator frames carry no VD2 data
  equal(collector.push(packet({ fn: 4, dt: 3 }, "Mobile")).length, 0);
  equal(collector.push(packet({ fn: 4, dt: 1 }, "Mobile")).length, 0);
  equal(collector.push(packet({ fi: 2, fn: 4 }, "Mobile")).length, 0);
  equal(collector.rem12, undefined);
  deepEqual(collector.stats, {
    frames: 5,
    invalid: 2,
    vd2Frames: 0,
    channelErrors: 0,
    gpsBlocks: 0,
    gpsRejected: 0,
  });
});

Deno.test("Vd2Collector.push() uses the FICH it is given", () => {
  const collector = new Vd2Collector();
  const frame = packet({ fn: 0 }, "Mobile");
  equal(collector.push(frame).length, 0); // FN 0: the destination
  equal(collector.push(frame, fichOf({ fn: 4 }))[0].type, "rem12");
});

Deno.test("Vd2Collector.reset() forgets the fields", () => {
  const collector = new Vd2Collector();
  for (const frame of superframe(DATA)) collector.push(frame);
  collector.reset();
  deepEqual(collector.info(), {
    rem12: undefined,
    rem34: undefined,
    radioCode: undefined,
    position: undefined,
  });
  equal(collector.push(superframe(DATA)[7]).length, 0); // FN 6 forgotten too
  equal(collector.stats.frames, 9);
});
