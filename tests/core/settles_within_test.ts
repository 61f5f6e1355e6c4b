import { equal } from "node:assert/strict";
import { settlesWithin } from "../../lib/core/settles_within.ts";

Deno.test("settlesWithin() is true for a promise that fulfils or rejects in time", async () => {
  equal(await settlesWithin(Promise.resolve(1), 1000), true);
  equal(await settlesWithin(Promise.reject(new Error("no")), 1000), true);
  const later = new Promise<void>((resolve) => setTimeout(resolve, 20));
  equal(await settlesWithin(later, 2000), true);
});

Deno.test("settlesWithin() is false for a promise still pending at the deadline, and leaves no timer", async () => {
  // The test's resource sanitizer fails it if a timer is left running.
  const pending = Promise.withResolvers<void>();
  equal(await settlesWithin(pending.promise, 20), false);
  equal(await settlesWithin(pending.promise, -5), false);
  pending.resolve();
});
