/**
 * The live web dashboard of `shack ysf reflect`: {@link YsfDashboard}
 * serves one embedded page and pushes the reflector's state to it over a
 * websocket (snapshots, batched deltas from reflector events, counters),
 * with bounded viewers and backpressure.
 *
 * @example Routing requests to the dashboard first
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { YsfReflectorCore } from "../reflector/reflector.ts";
 * import { YsfDashboard } from "./mod.ts";
 *
 * const dashboard = new YsfDashboard(() => core.snapshot());
 * const core = new YsfReflectorCore({ name: "R" }, { send() {}, event: (e) => dashboard.onEvent(e) });
 * const handler = async (request: Request) =>
 *   await dashboard.handle(request) ?? new Response("Not Found\n", { status: 404 });
 * equal((await handler(new Request("http://localhost/api/status"))).status, 404);
 * const page = await handler(new Request("http://localhost/"));
 * equal(page.status, 200);
 * await page.body?.cancel();
 * await dashboard.close();
 * ```
 *
 * @module
 */

export * from "./dashboard.ts";
export * from "./dashboard_assets.ts";
export * from "./dashboard_messages.ts";
