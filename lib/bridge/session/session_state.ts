/**
 * The states of a streaming session and the transitions allowed between
 * them: `starting → streaming → closing → closed`, with `failed` (then
 * `closed`) when the upstream cannot be started or is lost for good.
 *
 * @module
 */

/**
 * Every session state, in life-cycle order.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SESSION_STATES } from "./session_state.ts";
 *
 * equal(SESSION_STATES[0], "starting");
 * ```
 */
export const SESSION_STATES = [
  "starting",
  "streaming",
  "closing",
  "failed",
  "closed",
] as const;

/**
 * One of {@link SESSION_STATES}:
 *
 * - `starting`: a tuner is held, the upstream is being opened; no byte sent yet.
 * - `streaming`: the client is receiving MPEG-TS.
 * - `closing`: the session is being torn down (client gone, shutdown, idle).
 * - `failed`: the session is being torn down because of an upstream error.
 * - `closed`: everything is released (tuner, upstream, child process).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { SessionState } from "./session_state.ts";
 *
 * const state: SessionState = "streaming";
 * equal(state, "streaming");
 * ```
 */
export type SessionState = typeof SESSION_STATES[number];

/**
 * The allowed transitions: `SESSION_TRANSITIONS[from]` lists the states
 * `from` may move to. `closed` is final.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { SESSION_TRANSITIONS } from "./session_state.ts";
 *
 * deepEqual(SESSION_TRANSITIONS.closing, ["closed"]);
 * deepEqual(SESSION_TRANSITIONS.closed, []);
 * ```
 */
export const SESSION_TRANSITIONS: Readonly<
  Record<SessionState, readonly SessionState[]>
> = Object.freeze({
  starting: Object.freeze(["streaming", "closing", "failed"] as const),
  streaming: Object.freeze(["closing", "failed"] as const),
  closing: Object.freeze(["closed"] as const),
  failed: Object.freeze(["closed"] as const),
  closed: Object.freeze([] as const),
});

/**
 * Whether a session may move from `from` to `to`.
 *
 * @param from The current state.
 * @param to The wanted state.
 * @returns `true` if {@link SESSION_TRANSITIONS} allows it.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { canTransition } from "./session_state.ts";
 *
 * equal(canTransition("starting", "streaming"), true);
 * equal(canTransition("closed", "streaming"), false);
 * ```
 */
export function canTransition(from: SessionState, to: SessionState): boolean {
  return (SESSION_TRANSITIONS[from] as readonly SessionState[]).includes(to);
}

/**
 * Whether a state belongs to a session on its way out (or gone).
 *
 * @param state The state.
 * @returns `true` for `closing`, `failed` and `closed`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isEnding } from "./session_state.ts";
 *
 * equal(isEnding("failed"), true);
 * equal(isEnding("streaming"), false);
 * ```
 */
export function isEnding(state: SessionState): boolean {
  return state === "closing" || state === "failed" || state === "closed";
}

/**
 * Thrown when code asks a session for a transition the state machine does
 * not allow (a bug in the caller, not a runtime condition).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SessionStateError } from "./session_state.ts";
 *
 * const error = new SessionStateError("s1", "closed", "streaming");
 * equal(error.name, "SessionStateError");
 * equal(error.message, 'Expected session s1 to allow "closed" → "streaming" but found the transition not allowed');
 * ```
 */
export class SessionStateError extends Error {
  /** The session. */
  readonly sessionId: string;
  /** Its state. */
  readonly from: SessionState;
  /** The refused state. */
  readonly to: SessionState;

  /**
   * Creates the error.
   *
   * @param sessionId The session.
   * @param from Its state.
   * @param to The refused state.
   */
  constructor(sessionId: string, from: SessionState, to: SessionState) {
    super(
      `Expected session ${sessionId} to allow "${from}" → "${to}" but found the transition not allowed`,
    );
    this.name = "SessionStateError";
    this.sessionId = sessionId;
    this.from = from;
    this.to = to;
  }
}
