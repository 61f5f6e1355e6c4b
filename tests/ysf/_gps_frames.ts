// Shared by the GPS/APRS tests: pYSFReflector3's example GPS blocks and a
// builder of YSFD packets carrying a V/D mode 2 data channel.
import {
  encodeFich,
  encodeVd2DataChannel,
  type Fich,
} from "../../lib/ysf/mod.ts";

/** The FTM-300D block in pYSFReflector3's `gps.py` `__main__` (FN 6–7). */
export const D300 = new Uint8Array([
  69,
  34,
  98,
  95,
  49,
  84,
  51,
  85,
  89,
  50,
  48,
  38,
  58,
  83,
  108,
  32,
  28,
  32,
  3,
  110,
]);

/** The short block in pYSFReflector3's `gps.py` `__main__` (FN 6 only). */
export const D70 = new Uint8Array([7, 34, 97, 95, 43, 3, 23, 0, 0, 0]);

/** A V/D mode 2 communication-frame FICH with `fields` changed. */
export function fichOf(fields: Partial<Fich>): Fich {
  return {
    fi: 1,
    cs: 2,
    cm: 0,
    bn: 0,
    bt: 0,
    fn: 0,
    ft: 7,
    dev: false,
    mr: 0,
    voip: true,
    dt: 2,
    sql: false,
    dgid: 0,
    ...fields,
  };
}

/** A YSFD packet from `gateway` with the FICH and, if given, the VD2 data channel. */
export function packet(
  fields: Partial<Fich>,
  channel?: Uint8Array | string,
  gateway = "GW1",
): Uint8Array {
  const data = new Uint8Array(155);
  data.set(
    new TextEncoder().encode(`YSFD${gateway.padEnd(10)}G4ABC     ALL       `),
  );
  encodeFich(fichOf(fields), data);
  if (typeof channel === "string") {
    channel = new TextEncoder().encode(channel.padEnd(10));
  }
  if (channel !== undefined) encodeVd2DataChannel(channel, data);
  return data;
}
