/**
 * The page `shack sdr serve` shows at `/` when no `html_root` is
 * configured: what the server is, where the sockets are, and how to install
 * a PhantomSDR web client. It reads the live counts from `/events`.
 *
 * @module
 */

/**
 * The placeholder `index.html`.
 *
 * @example
 * ```ts
 * import { match } from "node:assert/strict";
 * import { PLACEHOLDER_PAGE } from "./placeholder_page.ts";
 *
 * match(PLACEHOLDER_PAGE, /html_root/);
 * ```
 */
export const PLACEHOLDER_PAGE: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>shack sdr</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
code { background: #eee; padding: 0 .25rem; }
</style>
</head>
<body>
<h1>shack sdr</h1>
<p>This is a WebSDR backend compatible with PhantomSDR. No web client is
installed: set <code>html_root</code> in <code>[server]</code> to the
<code>dist/</code> folder of a PhantomSDR frontend build.</p>
<p>WebSockets: <code>/waterfall</code>, <code>/audio</code>,
<code>/events</code>. Status: <a href="/healthz">/healthz</a>,
<a href="/metrics">/metrics</a>.</p>
<p id="users">Listeners: …</p>
<script>
const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/events");
ws.onmessage = (event) => {
  const state = JSON.parse(event.data);
  document.getElementById("users").textContent =
    "Listeners: " + state.signal_clients + ", waterfalls: " + state.waterfall_clients;
};
</script>
</body>
</html>
`;
