import { deepEqual, equal, throws } from "node:assert/strict";
import {
  canTransition,
  isEnding,
  SESSION_STATES,
  SESSION_TRANSITIONS,
  SessionStateError,
} from "../../lib/bridge/session/session_state.ts";
import { SessionRegistry } from "../../lib/bridge/session/session_registry.ts";

Deno.test("SESSION_TRANSITIONS allows exactly the documented life cycle", () => {
  const allowed = SESSION_STATES.flatMap((from) =>
    SESSION_STATES.filter((to) => canTransition(from, to)).map((to) =>
      `${from}→${to}`
    )
  );
  deepEqual(allowed, [
    "starting→streaming",
    "starting→closing",
    "starting→failed",
    "streaming→closing",
    "streaming→failed",
    "closing→closed",
    "failed→closed",
  ]);
  equal(Object.isFrozen(SESSION_TRANSITIONS), true);
  equal(Object.isFrozen(SESSION_TRANSITIONS.starting), true);
});

Deno.test("isEnding() is true for closing, failed and closed only", () => {
  deepEqual(SESSION_STATES.filter(isEnding), ["closing", "failed", "closed"]);
});

Deno.test("Session.markStreaming() enforces the state machine", async () => {
  const registry = new SessionRegistry({ tunerCount: 1 });
  const session = registry.open({
    channel: { id: "c", guideNumber: "1", name: "One" },
  });
  equal(session.markStreaming(), true);
  throws(
    () => session.markStreaming(),
    (err: SessionStateError) =>
      err instanceof SessionStateError && err.from === "streaming" &&
      err.to === "streaming" && err.sessionId === session.id,
  );
  await session.close("terminated");
  equal(session.markStreaming(), false); // ending: refused quietly
  equal(session.state, "closed");
});
