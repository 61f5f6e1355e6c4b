/**
 * The YSF dashboard page: connects to `api/ws`, applies the messages with
 * `dashboard_state.js` and renders them. Everything from the network is
 * put into the page as text (textContent, text nodes, attribute values),
 * never as HTML. Reconnects with backoff; running durations tick locally
 * from the server clock.
 *
 * @module
 */

import {
  applyMessage,
  blocksView,
  createState,
  roomsView,
} from "./dashboard_state.js";

const state = createState();
/** Server clock minus local clock, ms. */
let offset = 0;
let renderQueued = false;
let socket = null;
let retryMs = 1000;
let retryTimer = 0;
let retryAt = 0;

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const numberFormat = new Intl.NumberFormat();

const HOLD = { dynamic: "dynamic", static: "static", fixed: "fixed" };
const END = {
  terminator: ["end", ""],
  "end-flag": ["end", ""],
  watchdog: ["watchdog", "warn"],
  timeout: ["time-out", "bad"],
  unlinked: ["unlinked", "warn"],
  blocked: ["blocked", "bad"],
};
const REFUSAL = {
  DT: "blocked: data",
  GW: "blocked: gateway",
  IP: "blocked: address",
  SN: "blocked: serial",
  CS: "blocked: callsign",
  TEMP: "blocked: temporary",
  busy: "room busy",
  no_header: "no header",
  reserved_dgid: "reserved DG-ID",
  stream_limit: "too many streams",
};
const BLOCK_REASON = { timeout: "time-out (TOT)", "wild-ptt": "wild PTT" };

function $(id) {
  return document.getElementById(id);
}

/**
 * Creates an element. `text` sets textContent; other props are attributes
 * (`class` too); children are nodes or strings (added as text).
 */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") el.textContent = String(value);
      else el.setAttribute(key, String(value));
    }
  }
  for (const child of children) {
    if (child !== undefined && child !== null && child !== false) {
      el.append(child);
    }
  }
  return el;
}

function serverNow() {
  return Date.now() + offset;
}

function fmtTime(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "–";
  const d = new Date(ms);
  const today = new Date(serverNow());
  return d.toDateString() === today.toDateString()
    ? timeFormat.format(d)
    : dateTimeFormat.format(d);
}

function fmtDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}:${String(s % 60).padStart(2, "0")}`;
  const hrs = Math.floor(m / 60);
  return `${hrs}:${String(m % 60).padStart(2, "0")}:${
    String(s % 60).padStart(2, "0")
  }`;
}

function fmtAgo(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
}

function fmtIn(ms) {
  return ms <= 0 ? "now" : `in ${fmtDuration(ms)}`;
}

function fmtNumber(n) {
  return typeof n === "number" ? numberFormat.format(n) : "–";
}

function roomName(dgid) {
  return state.info?.mode === "single" ? "Reflector" : `DG-ID ${dgid}`;
}

function roomLabel(dgid) {
  return state.info?.mode === "single" ? "–" : String(dgid);
}

/** A cell that counts up from `since` (server ms). */
function running(since) {
  return h("span", {
    "data-since": since,
    text: fmtDuration(serverNow() - since),
  });
}

function td(label, ...children) {
  return h("td", { "data-label": label }, ...children);
}

function call(text) {
  return h("span", { class: "call", text: String(text ?? "").trim() || "–" });
}

// ------------------------------------------------------------------ render

function render() {
  renderQueued = false;
  if (document.hidden) return;
  renderHeader();
  renderRooms();
  renderHeard();
  renderGateways();
  renderBlocks();
  renderRefused();
  renderCounters();
  tickClocks();
}

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

function renderHeader() {
  const info = state.info;
  if (info === null) return;
  $("name").textContent = info.name.trim() || "YSF reflector";
  $("sid").textContent = info.statusId ? `#${info.statusId}` : "";
  $("desc").textContent = info.description.trim();
  $("mode").textContent = info.mode === "single"
    ? "single room"
    : "DG-ID rooms";
  $("version").textContent = info.version ? info.version : "shack";
  const onAir = roomsView(state).reduce((n, r) => n + r.talkers.length, 0);
  document.title = `${onAir > 0 ? "● " : ""}${
    info.name.trim() || "YSF"
  } · YSF reflector`;
}

function renderRooms() {
  const rooms = roomsView(state);
  const cards = rooms.map((room) => {
    const onAir = room.talkers.length > 0;
    const tags = [];
    if (room.local) tags.push("local");
    if (!room.listed && state.info?.mode !== "single") tags.push("unlisted");
    const head = h(
      "div",
      { class: "room-head" },
      h("span", { class: "room-name", text: roomName(room.dgid) }),
      h("span", {
        class: "room-meta",
        text: [
          `${room.listeners} listening`,
          ...tags,
        ].join(" · "),
      }),
    );
    const body = onAir
      ? room.talkers.map((t) =>
        h(
          "div",
          { class: "talker", "data-stream": t.streamId },
          h(
            "span",
            { class: "call talker-call" },
            h("span", { class: "live-dot", "aria-hidden": "true" }),
            String(t.source).trim() || "?",
          ),
          h("span", { class: "room-meta" }, "via ", call(t.gateway)),
          h("span", { class: "room-meta" }, running(t.startedAt)),
        )
      )
      : [h("div", { class: "idle", text: "idle" })];
    return h(
      "article",
      {
        class: onAir ? "room on-air" : "room",
        "data-dgid": room.dgid,
        "aria-label": roomName(room.dgid),
      },
      head,
      ...body,
    );
  });
  $("rooms").replaceChildren(...cards);
  $("rooms-empty").hidden = cards.length > 0;
}

function fillTable(id, rows) {
  const table = $(id);
  table.tBodies[0].replaceChildren(...rows);
  table.hidden = rows.length === 0;
  $(`${id}-empty`).hidden = rows.length > 0;
}

function renderHeard() {
  const rows = state.lastHeard.map((e) => {
    const live = e.endedAt === null || e.endedAt === undefined;
    const [endText, endClass] = live
      ? ["on air", "air"]
      : (END[e.endReason] ?? [String(e.endReason ?? "–"), ""]);
    const via = String(e.clientCallsign ?? "").trim();
    const gateway = String(e.gateway ?? "").trim();
    return h(
      "tr",
      { class: live ? "running" : undefined, "data-stream": e.streamId },
      td("Time", fmtTime(e.startedAt)),
      td("Callsign", call(e.source)),
      td(
        "Gateway",
        call(gateway || via),
        via && gateway && via !== gateway
          ? h("span", { class: "muted" }, " via ", call(via))
          : null,
      ),
      td("Room", roomLabel(e.room), e.local ? " (local)" : ""),
      td(
        "Duration",
        live ? running(e.startedAt) : fmtDuration(e.endedAt - e.startedAt),
      ),
      td("End", h("span", { class: `badge ${endClass}`, text: endText })),
    );
  });
  fillTable("heard", rows);
}

function renderGateways() {
  const clients = [...state.clients.values()];
  const rows = clients.map((c) => {
    const others = c.hears.filter((d) => d !== c.room);
    const address = c.address
      ? (c.address.includes(":") ? `[${c.address}]` : c.address) +
        (c.port ? `:${c.port}` : "")
      : "–";
    return h(
      "tr",
      { class: c.talking ? "running" : undefined, "data-client": c.id },
      td(
        "Callsign",
        call(c.callsign),
        c.access !== "full"
          ? h("span", { class: "badge warn", text: ` ${c.access}` })
          : null,
      ),
      td("Address", h("span", { class: "addr", text: address })),
      td(
        "Room",
        roomLabel(c.room),
        others.length > 0 ? ` (+${others.join(", ")})` : "",
        c.home !== null && c.home !== undefined ? ` · home ${c.home}` : "",
      ),
      td("Hold", HOLD[c.hold] ?? String(c.hold)),
      td("Linked since", fmtTime(c.linkedSince)),
      td(
        "Last poll",
        h("span", {
          "data-ago": c.lastPoll,
          text: fmtAgo(serverNow() - c.lastPoll),
        }),
      ),
    );
  });
  $("n-gateways").textContent = clients.length > 0 ? `(${clients.length})` : "";
  fillTable("gateways", rows);
}

function renderBlocks() {
  const rows = blocksView(state).map((b) =>
    h(
      "tr",
      null,
      td("Callsign", call(b.callsign)),
      td("Reason", BLOCK_REASON[b.reason] ?? String(b.reason)),
      td("Since", fmtTime(b.since)),
      td(
        "Ends",
        h("span", {
          "data-until": b.until,
          text: fmtIn(b.until - serverNow()),
        }),
      ),
    )
  );
  fillTable("blocks", rows);
}

function renderRefused() {
  const rows = state.refused.map((r) =>
    h(
      "tr",
      null,
      td("Time", fmtTime(r.time)),
      td("Callsign", call(r.source)),
      td("Gateway", call(r.gateway || r.clientCallsign)),
      td(
        "Reason",
        h("span", {
          class: "badge bad",
          text: REFUSAL[r.reason] ?? String(r.reason),
        }),
      ),
    )
  );
  fillTable("refused", rows);
}

function counterGroup(title, entries, emptyText) {
  const shown = entries.filter(([, v]) => typeof v === "number");
  const dl = h("dl");
  for (const [label, value] of shown) {
    dl.append(h("dt", { text: label }), h("dd", { text: fmtNumber(value) }));
  }
  if (shown.length === 0) {
    dl.append(h("dt", { text: emptyText }), h("dd", { text: "" }));
  }
  return h("div", null, h("h3", { text: title }), dl);
}

function nonZero(record) {
  return Object.entries(record ?? {}).filter(([, v]) => v > 0);
}

function renderCounters() {
  const c = state.counters;
  const drops = c
    ? Object.values(c.drops ?? {}).reduce((a, b) => a + b, 0)
    : null;
  const onAir = roomsView(state).reduce((n, r) => n + r.talkers.length, 0);
  $("t-gateways").textContent = state.synced
    ? fmtNumber(state.clients.size)
    : "–";
  $("t-onair").textContent = state.synced ? fmtNumber(onAir) : "–";
  $("t-streams").textContent = fmtNumber(c?.streams);
  $("t-relayed").textContent = fmtNumber(c?.relayedFrames);
  $("t-drops").textContent = fmtNumber(drops);
  $("viewers").textContent = state.viewers > 0
    ? `${state.viewers} viewer${state.viewers === 1 ? "" : "s"}`
    : "";
  if (!c) return;
  $("counters").replaceChildren(
    counterGroup("Traffic", [
      ["datagrams in", c.datagrams],
      ["accepted", c.accepted],
      ["frames relayed", c.relayedFrames],
      ["transmissions", c.streams],
      ["links", c.linked],
      ["unlinks", c.unlinked],
      ["expired links", c.expired],
    ], ""),
    counterGroup("Packets in", nonZero(c.packetsIn), "none"),
    counterGroup("Packets out", nonZero(c.packetsOut), "none"),
    counterGroup(
      "Drops by reason",
      nonZero(c.drops).map(([k, v]) => [k.replaceAll("_", " "), v]),
      "none",
    ),
    counterGroup(
      "Refused by access rule",
      nonZero(c.blockedStreams).map(([k, v]) => [REFUSAL[k] ?? k, v]),
      "none",
    ),
  );
}

/** Updates the running durations and ages in place (every second). */
function tickClocks() {
  const now = serverNow();
  for (const el of document.querySelectorAll("[data-since]")) {
    el.textContent = fmtDuration(now - Number(el.dataset.since));
  }
  for (const el of document.querySelectorAll("[data-ago]")) {
    el.textContent = fmtAgo(now - Number(el.dataset.ago));
  }
  for (const el of document.querySelectorAll("[data-until]")) {
    el.textContent = fmtIn(Number(el.dataset.until) - now);
  }
  if (retryAt > 0) {
    const s = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
    setConn("offline", `Disconnected, retrying in ${s} s`);
  }
}

// -------------------------------------------------------------- connection

function setConn(stateName, text) {
  const el = $("conn");
  el.dataset.state = stateName;
  $("conn-text").textContent = text;
}

function connect() {
  clearTimeout(retryTimer);
  retryAt = 0;
  const url = new URL("api/ws", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.hash = "";
  url.search = "";
  setConn("connecting", "Connecting…");
  const ws = new WebSocket(url);
  socket = ws;
  ws.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (typeof message?.now === "number") offset = message.now - Date.now();
    try {
      applyMessage(state, message);
    } catch (error) {
      // A message the model cannot apply: the next snapshot repairs it.
      console.warn("dashboard: message ignored", error);
      return;
    }
    if (message?.type === "snapshot") {
      retryMs = 1000;
      setConn("live", "Live");
    }
    scheduleRender();
  });
  ws.addEventListener("close", () => {
    if (socket !== ws) return;
    socket = null;
    const wait = retryMs + Math.floor(Math.random() * 500);
    retryMs = Math.min(retryMs * 2, 30_000);
    retryAt = Date.now() + wait;
    setConn("offline", `Disconnected, retrying in ${Math.ceil(wait / 1000)} s`);
    retryTimer = setTimeout(connect, wait);
  });
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden) scheduleRender();
});
setInterval(() => {
  if (!document.hidden) tickClocks();
}, 1000);
connect();
