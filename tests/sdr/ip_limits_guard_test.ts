import { deepEqual, equal, ok, throws } from "node:assert/strict";
import fc from "fast-check";
import { IpGuard } from "../../lib/sdr/server/ip_guard.ts";

const A = "192.0.2.1";
const B = "192.0.2.2";

Deno.test("IpGuard.admit() caps open sockets of any path and listeners per address", () => {
  const guard = new IpGuard({ sockets: 3, listeners: 1, banAfter: 0 });
  equal(guard.admit(A, true).ok, true);
  const listener = guard.admit(A, true);
  deepEqual(listener, {
    ok: false,
    reason: "listeners",
    retryAfterSeconds: 10,
    banned: false,
  });
  equal(guard.admit(A, false).ok, true);
  equal(guard.admit(A, false).ok, true);
  equal(guard.admit(A, false).ok ? "ok" : "refused", "refused"); // 3 open
  equal(guard.admit(B, true).ok, true); // another address
  deepEqual(guard.openOf(A), { sockets: 3, listeners: 1 });
  guard.release(A, true);
  deepEqual(guard.openOf(A), { sockets: 2, listeners: 0 });
  equal(guard.admit(A, true).ok, true);
  guard.release("198.51.100.9", false); // unknown: ignored
  deepEqual(guard.stats().refused, {
    banned: 0,
    rate: 0,
    sockets: 1,
    listeners: 1,
  });
  equal(guard.stats().addresses, 2);
});

Deno.test("IpGuard.admit() limits new sockets per minute with a Retry-After", () => {
  let time = 0;
  const guard = new IpGuard(
    { sockets: 0, connectionsPerMinute: 3, banAfter: 0 },
    { now: () => time },
  );
  for (let i = 0; i < 3; i++) equal(guard.admit(A, false).ok, true);
  const refused = guard.admit(A, false);
  deepEqual(refused, {
    ok: false,
    reason: "rate",
    retryAfterSeconds: 20, // one new socket every 20 s
    banned: false,
  });
  equal(guard.admit(B, false).ok, true);
  time = 20_000;
  equal(guard.admit(A, false).ok, true);
  equal(guard.admit(A, false).ok, false);
});

Deno.test("IpGuard bans an address after repeated refusals within a minute, then lets it back", () => {
  let time = 0;
  const guard = new IpGuard(
    { sockets: 1, banAfter: 3, banSeconds: 120 },
    { now: () => time },
  );
  equal(guard.admit(A, false).ok, true);
  equal(guard.admit(A, false).ok, false);
  time = 10_000;
  equal(guard.admit(A, false).ok, false);
  time = 20_000;
  deepEqual(guard.admit(A, false), {
    ok: false,
    reason: "sockets",
    retryAfterSeconds: 120,
    banned: true,
  });
  equal(guard.isBanned(A), true);
  guard.release(A, false); // even with nothing open, refused while banned
  time = 80_000;
  deepEqual(guard.admit(A, false), {
    ok: false,
    reason: "banned",
    retryAfterSeconds: 60,
    banned: false,
  });
  equal(guard.admit(B, false).ok, true); // others are not affected
  deepEqual(
    { bans: guard.stats().bans, banned: guard.stats().banned },
    { bans: 1, banned: 1 },
  );
  time = 140_000;
  equal(guard.isBanned(A), false);
  equal(guard.admit(A, false).ok, true);
  equal(guard.stats().banned, 0);
  // Refusals spread over more than a minute do not ban.
  const slow = new IpGuard(
    { sockets: 1, banAfter: 2, banSeconds: 60 },
    { now: () => time },
  );
  equal(slow.admit(B, false).ok, true);
  equal(slow.admit(B, false).ok, false);
  time += 70_000;
  const second = slow.admit(B, false);
  equal(second.ok === false && second.banned, false);
  // Other checks' refusals count too.
  equal(slow.noteRefusal(B), true);
  equal(slow.isBanned(B), true);
});

Deno.test("IpGuard.setLimits() keeps open sockets and bans; new sockets obey the new limits", () => {
  const time = 0;
  const guard = new IpGuard(
    { sockets: 4, connectionsPerMinute: 2, banAfter: 1, banSeconds: 600 },
    { now: () => time },
  );
  equal(guard.admit(A, false).ok, true);
  equal(guard.admit(A, false).ok, true);
  equal(guard.admit(B, false).ok, true);
  equal(guard.admit(B, false).ok, true);
  equal(guard.admit(B, false).ok, false); // rate: banned at once (banAfter 1)
  guard.setLimits({ sockets: 1, connectionsPerMinute: 10, banAfter: 0 });
  deepEqual(guard.openOf(A), { sockets: 2, listeners: 0 }); // they stay
  const over = guard.admit(A, false);
  equal(over.ok === false && over.reason, "sockets"); // new cap
  guard.release(A, false);
  guard.release(A, false);
  equal(guard.admit(A, false).ok, true); // the new rate gives a fresh allowance
  equal(guard.isBanned(B), true); // bans stay
  guard.clearBans();
  equal(guard.isBanned(B), false);
  throws(() => guard.setLimits({ sockets: -1 }), RangeError);
  throws(() => new IpGuard({ banSeconds: 1.5 }), RangeError);
  equal(guard.limits.sockets, 1);
});

Deno.test("IpGuard stays bounded: addresses with open sockets, remembered addresses and bans", () => {
  const time = 0;
  const guard = new IpGuard(
    { sockets: 1, banAfter: 1, banSeconds: 600 },
    { maxAddresses: 2, maxTracked: 10, now: () => time },
  );
  equal(guard.admit("10.0.0.1", false).ok, true);
  equal(guard.admit("10.0.0.2", false).ok, true);
  const third = guard.admit("10.0.0.3", false);
  equal(third.ok === false && third.reason, "sockets"); // table full
  guard.release("10.0.0.1", false);
  equal(guard.admit("10.0.0.4", false).ok, true);
  // 50 banned addresses: only the last 10 are remembered.
  for (let i = 0; i < 50; i++) guard.noteRefusal(`198.51.100.${i}`);
  equal(guard.stats().bans, 51);
  equal(guard.stats().banned, 10);
  equal(guard.isBanned("198.51.100.49"), true);
  equal(guard.isBanned("198.51.100.0"), false);
});

Deno.test("IpGuard: open counts never exceed the caps and match a model (property)", () => {
  const ips = ["a", "b", "c"];
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          ip: fc.constantFrom(...ips),
          listener: fc.boolean(),
          release: fc.boolean(),
        }),
        { maxLength: 200 },
      ),
      (ops) => {
        const guard = new IpGuard({ sockets: 3, listeners: 2, banAfter: 0 });
        const model = new Map<string, { sockets: number; listeners: number }>();
        const held: { ip: string; listener: boolean }[] = [];
        for (const op of ops) {
          const m = model.get(op.ip) ?? { sockets: 0, listeners: 0 };
          if (op.release) {
            const i = held.findIndex((h) => h.ip === op.ip);
            if (i < 0) continue;
            const [h] = held.splice(i, 1);
            guard.release(h.ip, h.listener);
            m.sockets--;
            if (h.listener) m.listeners--;
          } else {
            const expected = m.sockets < 3 && (!op.listener || m.listeners < 2);
            equal(guard.admit(op.ip, op.listener).ok, expected);
            if (expected) {
              held.push({ ip: op.ip, listener: op.listener });
              m.sockets++;
              if (op.listener) m.listeners++;
            }
          }
          model.set(op.ip, m);
          for (const ip of ips) {
            deepEqual(
              guard.openOf(ip),
              model.get(ip) ?? { sockets: 0, listeners: 0 },
            );
            ok(guard.openOf(ip).sockets <= 3);
          }
        }
      },
    ),
    { seed: 20240907, numRuns: 200 },
  );
});
