/**
 * @module Linux process and socket figures for the relay load test
 * (bench/ysf_relay_load.ts): resident memory and CPU time of a process from
 * /proc/<pid>/status and /proc/<pid>/stat, and per-socket UDP receive-queue
 * drops from /proc/net/udp. Linux only; every reader returns undefined (or
 * an empty map) where /proc is missing.
 */

/**
 * Resident and peak resident memory of a process, KiB.
 *
 * @example This process
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { readMemory } from "./_ysf_load_proc.ts";
 * const m = readMemory(Deno.pid);
 * ok(m === undefined || m.rssKiB > 0);
 * ```
 */
export function readMemory(
  pid: number,
): { rssKiB: number; hwmKiB: number } | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return undefined;
  }
  const kib = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
  return { rssKiB: kib("VmRSS"), hwmKiB: kib("VmHWM") };
}

/**
 * User + system CPU time of a process (all threads), ms.
 *
 * @example This process
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { readCpuMs } from "./_ysf_load_proc.ts";
 * const ms = readCpuMs(Deno.pid);
 * ok(ms === undefined || ms >= 0);
 * ```
 */
export function readCpuMs(pid: number): number | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  // Fields after the parenthesised command name; utime and stime are 14, 15.
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(rest[11]) + Number(rest[12]);
  return ticks * 10; // USER_HZ is 100 on Linux
}

/**
 * Receive-queue drops of every IPv4 UDP socket, keyed `address:port`.
 *
 * @example Keys
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { readUdpDrops } from "./_ysf_load_proc.ts";
 * const s = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
 * const drops = readUdpDrops();
 * ok(drops.size === 0 || drops.has(`127.0.0.1:${(s.addr as Deno.NetAddr).port}`));
 * s.close();
 * ```
 */
export function readUdpDrops(): Map<string, number> {
  const out = new Map<string, number>();
  let text: string;
  try {
    text = Deno.readTextFileSync("/proc/net/udp");
  } catch {
    return out;
  }
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    const [hexAddr, hexPort] = f[1].split(":");
    const a = parseInt(hexAddr, 16);
    const address = `${a & 0xff}.${(a >>> 8) & 0xff}.${(a >>> 16) & 0xff}.${
      (a >>> 24) & 0xff
    }`;
    out.set(`${address}:${parseInt(hexPort, 16)}`, Number(f[f.length - 1]));
  }
  return out;
}
