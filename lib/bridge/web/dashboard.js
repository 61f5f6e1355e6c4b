/**
 * The bridge dashboard page: reads `../api/*` and the live feed at
 * `../api/live`, renders sessions (with a Kill button), channels (search,
 * enable toggle, renumber, pages), sources (refresh) and the log. Every
 * value from the network is put into the page as text, never as HTML.
 * When the API answers 401 the page asks for the token and keeps it in
 * sessionStorage.
 *
 * @module
 */

import {
  appendLog,
  applySessions,
  formatBitrate,
  formatBytes,
  formatDuration,
  pageRange,
  sortedSessions,
} from "./dashboard_format.js";

const TOKEN_KEY = "shack-bridge-token";
const PAGE_SIZE = 50;
const LOG_MAX = 500;
const API = new URL("../api/", location.href);

let token = sessionStorage.getItem(TOKEN_KEY) ?? "";
let socket = null;
let retryMs = 1000;
let retryTimer = 0;
let started = false;
const sessions = new Map();
const logLines = [];
const rows = new Map();
let status = null;
let statusAt = 0;
let channelQuery = { q: "", enabled: "", offset: 0 };
let channelRequest = 0;
let searchTimer = 0;

const $ = (id) => document.getElementById(id);

class Unauthorized extends Error {}

/** Calls the API; a 401 shows the token prompt and throws Unauthorized. */
async function api(path, init = {}) {
  const headers = new Headers(init.headers);
  if (token !== "") headers.set("authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  const response = await fetch(new URL(path, API), {
    ...init,
    headers,
    credentials: "same-origin",
  });
  if (response.status === 401) {
    await response.text();
    askToken(token === "" ? "" : "That token was not accepted.");
    throw new Unauthorized("unauthorized");
  }
  return response;
}

async function errorText(response) {
  try {
    const body = await response.json();
    if (body && typeof body.error === "string") return body.error;
  } catch {
    // not JSON
  }
  return `HTTP ${response.status}`;
}

function setConn(state, text) {
  $("conn").dataset.state = state;
  $("conn-text").textContent = text;
}

function showMessage(id, text) {
  const el = $(id);
  el.textContent = text;
  el.hidden = text === "";
}

// --- sign in ---------------------------------------------------------------

function askToken(message) {
  stopSocket();
  started = false;
  setConn("locked", "Token needed");
  $("app").hidden = true;
  $("auth").hidden = false;
  showMessage("token-error", message);
  $("token-input").focus();
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  token = $("token-input").value.trim();
  $("token-input").value = "";
  if (token === "") sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
  start();
});

// --- tabs ------------------------------------------------------------------

function showTab(name) {
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const selected = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(selected));
    $(tab.getAttribute("aria-controls")).hidden = !selected;
  }
  if (name === "channels") loadChannels();
  if (name === "sources") loadSources();
  if (name === "log") scrollLog(true);
}

for (const tab of document.querySelectorAll("[role=tab]")) {
  tab.addEventListener("click", () => {
    history.replaceState(null, "", `#${tab.dataset.tab}`);
    showTab(tab.dataset.tab);
  });
}

function currentTab() {
  const tab = document.querySelector("[role=tab][aria-selected=true]");
  return tab ? tab.dataset.tab : "sessions";
}

// --- status ----------------------------------------------------------------

function renderStatus() {
  if (status === null) return;
  $("t-tuners").textContent = `${status.tuners.inUse} / ${status.tuners.total}`;
  $("t-streaming").textContent = String(status.sessions.streaming ?? 0);
  $("t-channels").textContent =
    `${status.channels.enabled} / ${status.channels.total}`;
  $("version").textContent = status.version
    ? `shack ${status.version}`
    : "shack";
  $("viewers").textContent = status.viewers === 1
    ? "1 viewer"
    : `${status.viewers} viewers`;
  renderUptime();
}

function renderUptime() {
  if (status === null) return;
  const seconds = status.uptimeSeconds + (Date.now() - statusAt) / 1000;
  $("t-uptime").textContent = seconds >= 86400
    ? `${Math.floor(seconds / 86400)} d`
    : formatDuration(seconds * 1000);
}

function setStatus(next) {
  status = next;
  statusAt = Date.now();
  renderStatus();
}

// --- sessions --------------------------------------------------------------

function cell(className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  return td;
}

function makeRow(id) {
  const tr = document.createElement("tr");
  tr.dataset.id = id;
  const client = cell("client");
  const addr = document.createElement("div");
  addr.className = "addr";
  const ua = document.createElement("div");
  ua.className = "ua";
  client.append(addr, ua);
  const channel = cell("channel");
  const gn = document.createElement("span");
  gn.className = "gn";
  const name = document.createElement("span");
  channel.append(gn, name);
  const state = cell("state");
  const pill = document.createElement("span");
  pill.className = "pill";
  state.append(pill);
  const actions = cell("actions");
  const kill = document.createElement("button");
  kill.type = "button";
  kill.className = "kill";
  kill.textContent = "Kill";
  kill.addEventListener("click", () => killSession(id, kill));
  actions.append(kill);
  state.dataset.label = "State";
  const bitrate = cell("num bitrate");
  bitrate.dataset.label = "Bitrate";
  const duration = cell("num duration");
  duration.dataset.label = "Duration";
  const bytes = cell("num bytes");
  bytes.dataset.label = "Bytes";
  tr.append(client, channel, state, bitrate, duration, bytes, actions);
  return tr;
}

function fillRow(tr, view) {
  tr.querySelector(".addr").textContent = view.client.address ?? "–";
  tr.querySelector(".ua").textContent = view.client.userAgent ?? "";
  tr.querySelector(".gn").textContent = view.channel.guideNumber;
  tr.querySelector(".channel span:last-child").textContent = view.channel.name;
  const pill = tr.querySelector(".pill");
  pill.textContent = view.state;
  pill.dataset.state = view.state;
  tr.querySelector(".bitrate").textContent = formatBitrate(view.bitrate);
  tr.querySelector(".bytes").textContent = formatBytes(view.bytes);
  const kill = tr.querySelector(".kill");
  if (view.state === "closing" || view.state === "failed") kill.disabled = true;
  fillDuration(tr, view);
}

function fillDuration(tr, view) {
  tr.querySelector(".duration").textContent = formatDuration(
    view.durationMs + (Date.now() - view.receivedAt),
  );
}

function renderSessions() {
  const tbody = $("sessions").tBodies[0];
  const ordered = sortedSessions(sessions);
  for (const [id, tr] of rows) {
    if (!sessions.has(id)) {
      tr.remove();
      rows.delete(id);
    }
  }
  let previous = null;
  for (const view of ordered) {
    let tr = rows.get(view.id);
    if (tr === undefined) {
      tr = makeRow(view.id);
      rows.set(view.id, tr);
    }
    fillRow(tr, view);
    const expected = previous === null
      ? tbody.firstElementChild
      : previous.nextElementSibling;
    if (expected !== tr) tbody.insertBefore(tr, expected);
    previous = tr;
  }
  $("sessions-empty").hidden = ordered.length > 0;
  $("sessions").hidden = ordered.length === 0;
  $("n-sessions").textContent = ordered.length > 0
    ? String(ordered.length)
    : "";
}

async function killSession(id, button) {
  button.disabled = true;
  button.textContent = "Killing…";
  showMessage("sessions-msg", "");
  try {
    const response = await api(`sessions/${encodeURIComponent(id)}`, {
      method: "DELETE",
    });
    if (response.ok || response.status === 404) {
      await response.text();
      sessions.delete(id);
      renderSessions();
      return;
    }
    showMessage("sessions-msg", await errorText(response));
  } catch (err) {
    if (err instanceof Unauthorized) return;
    showMessage("sessions-msg", `Kill failed: ${err.message}`);
  }
  button.disabled = false;
  button.textContent = "Kill";
}

// --- channels --------------------------------------------------------------

function channelRow(channel) {
  const tr = document.createElement("tr");
  tr.dataset.id = channel.id;
  const number = cell("");
  const input = document.createElement("input");
  input.className = "gn-input";
  input.inputMode = "decimal";
  input.value = channel.guideNumber;
  input.dataset.saved = channel.guideNumber;
  input.setAttribute("aria-label", `Number of ${channel.name}`);
  input.addEventListener("change", () => renumber(channel.id, input));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") input.blur();
    if (event.key === "Escape") input.value = input.dataset.saved;
  });
  number.append(input);
  const name = cell("name");
  name.textContent = channel.name;
  const group = cell("group");
  group.textContent = channel.group ?? "";
  const source = cell("source");
  source.textContent = channel.sourceId ?? "";
  const enabled = cell("");
  const toggle = document.createElement("input");
  toggle.type = "checkbox";
  toggle.className = "toggle";
  toggle.checked = channel.enabled;
  toggle.setAttribute("aria-label", `Show ${channel.name}`);
  toggle.addEventListener("change", () => setEnabled(channel.id, toggle));
  enabled.append(toggle);
  tr.append(number, name, group, source, enabled);
  return tr;
}

async function loadChannels() {
  const request = ++channelRequest;
  const params = new URLSearchParams({
    limit: String(PAGE_SIZE),
    offset: String(channelQuery.offset),
  });
  if (channelQuery.q !== "") params.set("q", channelQuery.q);
  if (channelQuery.enabled !== "") params.set("enabled", channelQuery.enabled);
  try {
    const response = await api(`channels?${params}`);
    if (!response.ok) {
      showMessage("channels-msg", await errorText(response));
      return;
    }
    const page = await response.json();
    if (request !== channelRequest) return;
    const tbody = $("channels").tBodies[0];
    tbody.replaceChildren(...page.items.map(channelRow));
    $("channels-empty").hidden = page.items.length > 0;
    $("range").textContent = pageRange(page);
    $("prev").disabled = page.offset === 0;
    $("next").disabled = page.offset + page.items.length >= page.total;
  } catch (err) {
    if (!(err instanceof Unauthorized)) {
      showMessage("channels-msg", `Loading channels failed: ${err.message}`);
    }
  }
}

async function patchChannel(id, change) {
  showMessage("channels-msg", "");
  const response = await api(`channels/${encodeURIComponent(id)}`, {
    method: "PATCH",
    body: JSON.stringify(change),
  });
  if (!response.ok) throw new Error(await errorText(response));
  return (await response.json()).channel;
}

async function renumber(id, input) {
  const value = input.value.trim();
  if (value === input.dataset.saved) return;
  input.disabled = true;
  try {
    const channel = await patchChannel(id, {
      guideNumber: value === "" ? null : value,
    });
    input.value = channel.guideNumber;
    input.dataset.saved = channel.guideNumber;
  } catch (err) {
    input.value = input.dataset.saved;
    if (!(err instanceof Unauthorized)) {
      showMessage("channels-msg", err.message);
    }
  } finally {
    input.disabled = false;
  }
}

async function setEnabled(id, toggle) {
  toggle.disabled = true;
  try {
    const channel = await patchChannel(id, { enabled: toggle.checked });
    toggle.checked = channel.enabled;
  } catch (err) {
    toggle.checked = !toggle.checked;
    if (!(err instanceof Unauthorized)) {
      showMessage("channels-msg", err.message);
    }
  } finally {
    toggle.disabled = false;
  }
}

$("channel-search").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    channelQuery = {
      ...channelQuery,
      q: $("channel-search").value.trim(),
      offset: 0,
    };
    loadChannels();
  }, 250);
});
$("channel-filter").addEventListener("change", () => {
  channelQuery = {
    ...channelQuery,
    enabled: $("channel-filter").value,
    offset: 0,
  };
  loadChannels();
});
$("prev").addEventListener("click", () => {
  channelQuery = {
    ...channelQuery,
    offset: Math.max(0, channelQuery.offset - PAGE_SIZE),
  };
  loadChannels();
});
$("next").addEventListener("click", () => {
  channelQuery = { ...channelQuery, offset: channelQuery.offset + PAGE_SIZE };
  loadChannels();
});

// --- sources ---------------------------------------------------------------

const timeFormat = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

function sourceRow(source) {
  const tr = document.createElement("tr");
  tr.dataset.id = source.id;
  const id = cell("mono");
  id.textContent = source.id;
  const kind = cell("");
  kind.textContent = source.kind + (source.enabled ? "" : " (off)");
  const location = cell("location");
  location.textContent = source.location;
  const when = cell("");
  when.textContent = source.lastRefreshAt
    ? timeFormat.format(new Date(source.lastRefreshAt))
    : "never";
  const result = cell("");
  const pill = document.createElement("span");
  pill.className = "pill";
  if (source.lastRefreshAt) {
    const ok = source.lastError === undefined;
    pill.dataset.ok = String(ok);
    pill.textContent = ok ? "ok" : source.lastError;
  } else pill.textContent = "–";
  result.append(pill);
  const items = cell("num");
  items.textContent = source.itemCount === undefined
    ? "–"
    : new Intl.NumberFormat().format(source.itemCount);
  tr.append(id, kind, location, when, result, items);
  return tr;
}

async function loadSources() {
  try {
    const response = await api("sources");
    if (!response.ok) {
      $("refresh-state").textContent = await errorText(response);
      return;
    }
    const body = await response.json();
    $("sources").tBodies[0].replaceChildren(...body.sources.map(sourceRow));
    $("sources-empty").hidden = body.sources.length > 0;
    $("refresh").disabled = !body.canRefresh || body.refreshing;
    if (body.refreshing) $("refresh-state").textContent = "Refreshing…";
    else if (body.lastRefresh) {
      $("refresh-state").textContent = body.lastRefresh.ok
        ? `Refreshed ${timeFormat.format(new Date(body.lastRefresh.at))}`
        : `Refresh failed: ${body.lastRefresh.error ?? "unknown error"}`;
    } else $("refresh-state").textContent = "";
  } catch (err) {
    if (!(err instanceof Unauthorized)) {
      $("refresh-state").textContent = `Loading sources failed: ${err.message}`;
    }
  }
}

$("refresh").addEventListener("click", async () => {
  $("refresh").disabled = true;
  $("refresh-state").textContent = "Refreshing…";
  try {
    const response = await api("sources/refresh", { method: "POST" });
    if (!response.ok) {
      $("refresh-state").textContent = await errorText(response);
      $("refresh").disabled = false;
    } else await response.text();
  } catch (err) {
    if (!(err instanceof Unauthorized)) {
      $("refresh-state").textContent = `Refresh failed: ${err.message}`;
      $("refresh").disabled = false;
    }
  }
});

// --- log -------------------------------------------------------------------

function logAtBottom() {
  const el = $("log");
  return el.scrollHeight - el.scrollTop - el.clientHeight < 24;
}

function scrollLog(force) {
  const el = $("log");
  if (force) el.scrollTop = el.scrollHeight;
}

function addLog(entries, reset) {
  const el = $("log");
  const stick = reset || logAtBottom();
  if (reset) {
    logLines.length = 0;
    el.replaceChildren();
  }
  const before = logLines.length === 0 ? 0 : logLines[logLines.length - 1].seq;
  const dropped = appendLog(logLines, entries, LOG_MAX);
  for (let i = 0; i < dropped && el.firstChild; i++) el.firstChild.remove();
  for (const entry of logLines) {
    if (entry.seq <= before) continue;
    const div = document.createElement("div");
    if (entry.level) div.dataset.level = entry.level;
    div.textContent = entry.line;
    el.append(div);
  }
  while (el.childElementCount > LOG_MAX) el.firstChild.remove();
  if (stick) scrollLog(true);
}

// --- live feed -------------------------------------------------------------

function stopSocket() {
  clearTimeout(retryTimer);
  if (socket !== null) {
    const old = socket;
    socket = null;
    old.onclose = null;
    old.close();
  }
}

function connect() {
  stopSocket();
  const url = new URL("live", API);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  if (token !== "") url.searchParams.set("token", token);
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    retryMs = 1000;
    setConn("live", "Live");
  };
  ws.onmessage = (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    onMessage(message);
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    setConn("offline", "Reconnecting…");
    retryTimer = setTimeout(reconnect, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  };
}

async function reconnect() {
  try {
    const response = await api("status");
    if (response.ok) setStatus(await response.json());
    else await response.text();
    connect();
  } catch (err) {
    if (err instanceof Unauthorized) return;
    setConn("offline", "Offline");
    retryTimer = setTimeout(reconnect, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  }
}

function onMessage(message) {
  const now = Date.now();
  if (applySessions(sessions, message, now)) {
    if (message.status) setStatus(message.status);
    renderSessions();
  }
  if (message.type === "snapshot") addLog(message.log ?? [], true);
  else if (message.type === "log") addLog(message.lines ?? [], false);
  else if (message.type === "changed") {
    const tab = currentTab();
    const editing = document.activeElement?.closest?.("#channels");
    if (message.what === "lineup" && tab === "channels" && !editing) {
      loadChannels();
    }
    if (message.what === "sources" && tab === "sources") loadSources();
  }
}

// --- start -----------------------------------------------------------------

async function start() {
  setConn("connecting", "Connecting…");
  try {
    const response = await api("status");
    if (!response.ok) {
      setConn("offline", await errorText(response));
      return;
    }
    setStatus(await response.json());
  } catch (err) {
    if (err instanceof Unauthorized) return;
    setConn("offline", "Offline");
    retryTimer = setTimeout(start, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
    return;
  }
  $("auth").hidden = true;
  $("app").hidden = false;
  if (!started) {
    started = true;
    const tab = location.hash.slice(1);
    showTab(
      ["sessions", "channels", "sources", "log"].includes(tab)
        ? tab
        : "sessions",
    );
  }
  connect();
}

setInterval(() => {
  for (const view of sessions.values()) {
    const tr = rows.get(view.id);
    if (tr) fillDuration(tr, view);
  }
  renderUptime();
}, 1000);

start();
