/**
 * The shack sdr web client: wires the sockets ({@link SdrConnection}), the
 * display ({@link SpectrumDisplay}) and the audio ({@link AudioEngine}) to
 * the page's controls, the keyboard, the URL (`?f=…&m=…&z=…`) and
 * `localStorage` (preferences and bookmarks). Everything from the network
 * is put into the page as text, never as HTML.
 *
 * For tests and debugging, `globalThis.shackSdr` exposes the live objects,
 * and `?decoder=js` in the URL decodes FLAC in the JavaScript Worker even
 * where WebCodecs could (what a page served over plain http from another
 * machine, not a secure context, does anyway).
 *
 * @module
 */

import { AudioEngine, detectCodecs } from "./audio_engine.js";
import {
  addBookmark,
  mergeBookmarks,
  parseBookmarks,
  removeBookmark,
  serializeBookmarks,
} from "./bookmarks.js";
import { COLORMAP_NAMES } from "./colormaps.js";
import { SdrConnection } from "./connection.js";
import { SpectrumDisplay } from "./display.js";
import {
  formatFrequency,
  parseFrequency,
  snapToStep,
  stepFrequency,
  TUNING_STEPS,
} from "./frequency.js";
import { ListenerTracker } from "./listeners.js";
import {
  clampPassband,
  DEFAULT_CW_BFO,
  maxPassbandHz,
  MODE_NAMES,
  modeInfo,
  passbandWindow,
} from "./modes.js";
import { meterFraction, sUnits } from "./smeter.js";
import { formatUrlState, parseUrlState } from "./url_state.js";
import { BandGeometry } from "./view.js";

const $ = (
  /** @type {string} */ id,
) => /** @type {HTMLElement} */ (document.getElementById(id));
const PREFS_KEY = "shack-sdr-prefs";
const BOOKMARKS_KEY = "shack-sdr-bookmarks";
const SQUELCH_OFF = -140;

// ---- preferences ----------------------------------------------------------

function loadPrefs() {
  try {
    const value = JSON.parse(localStorage.getItem(PREFS_KEY) ?? "{}");
    return value !== null && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

const prefs = loadPrefs();

function savePrefs() {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // Storage full or disabled: preferences last for this page only.
  }
}

function loadBookmarks() {
  try {
    const text = localStorage.getItem(BOOKMARKS_KEY);
    return text ? parseBookmarks(text).bookmarks : [];
  } catch {
    return [];
  }
}

// ---- state ----------------------------------------------------------------

const params = new URLSearchParams(location.search);
const fromUrl = parseUrlState(location.search);
const state = {
  /** @type {Record<string, unknown> | undefined} */
  settings: undefined,
  /** @type {BandGeometry | undefined} */
  band: undefined,
  bandKey: "",
  /** @type {{basefreq: number, totalBandwidth: number, fftResultSize: number, audioMaxFft: number} | undefined} */
  layout: undefined,
  /** @type {{frequency: number, mode: string, low: number, high: number, bfo: number} | undefined} */
  tuning: undefined,
  view: { l: 0, r: 1 },
  step: Number(prefs.step) > 0 ? Number(prefs.step) : 0,
  clientId: "",
  lastDemodulation: "",
  bookmarks: loadBookmarks(),
  /** @type {Array<{frequency: number, name: string, mode: string}>} */
  serverMarkers: [],
  bytesAt: 0,
  bytesSeen: 0,
  kbits: 0,
};

const display = new SpectrumDisplay($("display"), {
  onTune: (hz) => tune(snapToStep(hz, currentStep())),
  onView: (view) => setView(view),
  onZoom: (step, anchor) => zoomBy(step, anchor),
  onPassband: (low, high, edge) => {
    const f = state.tuning?.frequency;
    if (f === undefined) return;
    // Edges move in 10 Hz steps; the edge not dragged stays put.
    setPassband(
      Math.round((low - f) / 10) * 10,
      Math.round((high - f) / 10) * 10,
      edge === "low" ? "high" : "low",
    );
  },
  onMarker: (marker) => tune(marker.frequency, marker.mode),
});

const tracker = new ListenerTracker();
const codecs = await detectCodecs();
const audio = new AudioEngine({
  codecs,
  forceJs: params.get("decoder") === "js",
  onRecordingFull: () => stopRecording(),
  onStateChange: () => showStatus(),
});

const connection = new SdrConnection({
  onSettings,
  onLine: (line) => display.pushLine(line),
  onAudio: (packet) => audio.packet(packet),
  onEvents: (message) => {
    if (tracker.apply(message)) showListeners();
  },
  onOpen: (kind) => {
    if (kind === "events") tracker.reset();
    if (kind === "audio") {
      state.lastDemodulation = "";
      connection.send("audio", { cmd: "codec_caps", opus: codecs.opus });
    }
  },
  onState: (value, detail) => {
    const conn = $("conn");
    conn.dataset.state = value;
    $("conn-text").textContent = value === "live"
      ? "Live"
      : value === "connecting"
      ? "Connecting…"
      : value === "reconnecting"
      ? `Reconnecting (${detail ?? ""})`
      : "Closed";
  },
});

/**
 * Draws the other listeners: all but this page's own audio client, known by
 * the `client_id` sv1btl's servers send, or else (as PhantomSDR's frontend
 * does) by its carrier bin.
 */
function showListeners() {
  let others = tracker.listeners(state.clientId || undefined);
  if (!state.clientId && state.tuning !== undefined && state.layout) {
    const own = passbandWindow(state.tuning, state.layout).m;
    const index = others.findIndex((l) => Math.abs(l.m - own) < 0.5);
    if (index >= 0) others = others.filter((_, i) => i !== index);
  }
  display.setListeners(others);
}

// ---- throttled senders ------------------------------------------------------

/**
 * Calls `fn` at most every `ms`, always with the latest arguments last.
 *
 * @param {() => void} fn The function.
 * @param {number} ms The interval.
 * @returns {() => void} The throttled function.
 */
function throttle(fn, ms) {
  let last = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  return () => {
    const wait = last + ms - performance.now();
    if (wait <= 0) {
      clearTimeout(timer);
      timer = undefined;
      last = performance.now();
      fn();
    } else if (timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        last = performance.now();
        fn();
      }, wait);
    }
  };
}

const sendAudioWindow = throttle(() => {
  const tuning = state.tuning;
  const layout = state.layout;
  if (tuning === undefined || layout === undefined) return;
  const window = passbandWindow(tuning, layout);
  if (window.demodulation !== state.lastDemodulation) {
    if (
      connection.send("audio", {
        cmd: "demodulation",
        demodulation: window.demodulation,
      })
    ) state.lastDemodulation = window.demodulation;
  }
  connection.send("audio", {
    cmd: "window",
    l: window.l,
    m: window.m,
    r: window.r,
  });
}, 60);

const sendWaterfallWindow = throttle(() => {
  const band = state.band;
  if (band === undefined) return;
  const window = band.waterfallWindow(state.view);
  connection.send("waterfall", { cmd: "window", l: window.l, r: window.r });
}, 60);

/** @type {ReturnType<typeof setTimeout> | undefined} */
let urlTimer;
function updateUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    const tuning = state.tuning;
    const band = state.band;
    if (tuning === undefined || band === undefined) return;
    const info = modeInfo(tuning.mode);
    const custom = info !== undefined &&
      (tuning.low !== info.low || tuning.high !== info.high);
    const search = formatUrlState({
      frequency: tuning.frequency,
      mode: tuning.mode,
      zoom: band.zoomOf(state.view),
      low: tuning.low,
      high: tuning.high,
    }, { includePassband: custom });
    history.replaceState(null, "", `${location.pathname}${search}`);
  }, 250);
}

// ---- settings ---------------------------------------------------------------

/**
 * @param {string} kind `"waterfall"` or `"audio"`.
 * @param {Record<string, unknown>} settings The settings JSON.
 */
function onSettings(kind, settings) {
  applyBand(settings);
  if (kind === "audio") {
    state.clientId = typeof settings.client_id === "string"
      ? settings.client_id
      : "";
    audio.configure(settings);
    state.lastDemodulation = "";
    sendAudioWindow();
    showListeners();
  } else {
    state.serverMarkers = [];
    if (typeof settings.markers === "string") {
      try {
        state.serverMarkers = parseBookmarks(settings.markers).bookmarks;
      } catch {
        state.serverMarkers = [];
      }
    }
    showMarkers();
    sendWaterfallWindow();
  }
}

/**
 * Sets the band up from a settings JSON (once per distinct band).
 *
 * @param {Record<string, unknown>} settings The settings.
 */
function applyBand(settings) {
  const basefreq = Number(settings.basefreq);
  const totalBandwidth = Number(settings.total_bandwidth);
  const fftResultSize = Number(settings.fft_result_size);
  const audioMaxFft = Number(settings.audio_max_fft);
  const key = [basefreq, totalBandwidth, fftResultSize, audioMaxFft].join("|");
  if (key === state.bandKey) return;
  let band;
  try {
    band = new BandGeometry({ basefreq, totalBandwidth, fftResultSize });
  } catch {
    return;
  }
  state.settings = settings;
  state.bandKey = key;
  state.band = band;
  state.layout = { basefreq, totalBandwidth, fftResultSize, audioMaxFft };
  display.setBand(band, Number(settings.fft_size));
  const defaults = /** @type {Record<string, unknown>} */ (
    settings.defaults ?? {}
  );
  const previous = state.tuning;
  const inBand = (/** @type {number} */ hz) =>
    hz >= band.low && hz <= band.high;
  let frequency = Number(defaults.frequency);
  let mode = modeInfo(defaults.modulation)?.name ?? "USB";
  let zoom = 0;
  /** @type {[number, number] | undefined} */
  let passband;
  if (previous !== undefined && inBand(previous.frequency)) {
    ({ frequency, mode } = previous);
    passband = [previous.low, previous.high];
    zoom = band.zoomOf(state.view);
  } else if (previous === undefined) {
    if (fromUrl.frequency !== undefined && inBand(fromUrl.frequency)) {
      frequency = fromUrl.frequency;
    }
    if (fromUrl.mode !== undefined) mode = fromUrl.mode;
    if (fromUrl.zoom !== undefined) zoom = fromUrl.zoom;
    if (fromUrl.low !== undefined && fromUrl.high !== undefined) {
      passband = [fromUrl.low, fromUrl.high];
    }
  }
  if (!inBand(frequency)) frequency = band.binToHz(band.fftResultSize / 2);
  const info = modeInfo(mode) ?? /** @type {import("./modes.js").ModeInfo} */ (
    modeInfo("USB")
  );
  const [low, high] = clampPassband(
    info.name,
    passband?.[0] ?? info.low,
    passband?.[1] ?? info.high,
    maxPassbandHz(state.layout),
  );
  state.tuning = {
    frequency: Math.round(frequency),
    mode: info.name,
    low,
    high,
    bfo: Number(prefs.bfo) > 0 ? Number(prefs.bfo) : DEFAULT_CW_BFO,
  };
  state.view = band.viewAt(zoom, band.hzToBin(frequency));
  display.setView(state.view);
  fillBandwidths();
  applyTuning();
  showZoom();
  sendWaterfallWindow();
}

// ---- tuning -----------------------------------------------------------------

function currentStep() {
  const mode = modeInfo(state.tuning?.mode);
  return state.step > 0 ? state.step : mode?.step ?? 1000;
}

/**
 * Tunes the dial (and optionally the mode), keeping it in view.
 *
 * @param {number} hz Frequency.
 * @param {string} [mode] A mode name.
 */
function tune(hz, mode) {
  const band = state.band;
  const tuning = state.tuning;
  if (band === undefined || tuning === undefined || !Number.isFinite(hz)) {
    return;
  }
  tuning.frequency = Math.round(Math.max(band.low, Math.min(band.high, hz)));
  if (mode !== undefined && modeInfo(mode) !== undefined) {
    setMode(/** @type {string} */ (modeInfo(mode)?.name), false);
  }
  const bin = band.hzToBin(tuning.frequency);
  if (bin < state.view.l || bin > state.view.r) {
    setView(band.viewAt(band.zoomOf(state.view), bin));
  }
  applyTuning();
}

/**
 * @param {string} name Mode name.
 * @param {boolean} [apply] Send and redraw now (default true).
 */
function setMode(name, apply = true) {
  const tuning = state.tuning;
  const info = modeInfo(name);
  if (
    tuning === undefined || info === undefined || state.layout === undefined
  ) {
    return;
  }
  tuning.mode = info.name;
  [tuning.low, tuning.high] = clampPassband(
    info.name,
    info.low,
    info.high,
    maxPassbandHz(state.layout),
  );
  fillBandwidths();
  if (apply) applyTuning();
}

/**
 * @param {number} low Lower edge from the dial, Hz.
 * @param {number} high Upper edge from the dial, Hz.
 * @param {"low" | "high"} [keep] The edge that stays when clamping.
 */
function setPassband(low, high, keep) {
  const tuning = state.tuning;
  if (tuning === undefined || state.layout === undefined) return;
  [tuning.low, tuning.high] = clampPassband(
    tuning.mode,
    low,
    high,
    maxPassbandHz(state.layout),
    keep,
  );
  applyTuning();
}

function applyTuning() {
  const tuning = state.tuning;
  if (tuning === undefined) return;
  const carrier = tuning.mode === "CW"
    ? tuning.frequency - tuning.bfo
    : tuning.frequency;
  display.setTuning(
    tuning.frequency,
    carrier,
    tuning.frequency + tuning.low,
    tuning.frequency + tuning.high,
  );
  sendAudioWindow();
  showTuning();
  updateUrl();
}

/** @param {{l: number, r: number}} view The new view. */
function setView(view) {
  const band = state.band;
  if (band === undefined) return;
  state.view = band.clampView(view);
  display.setView(state.view);
  sendWaterfallWindow();
  showZoom();
  updateUrl();
}

/**
 * Zooms by whole levels around a bin (default: the dial if visible).
 *
 * @param {number} step Levels (+1 in, −1 out).
 * @param {number} [anchor] The bin that stays put.
 */
function zoomBy(step, anchor) {
  const band = state.band;
  const tuning = state.tuning;
  if (band === undefined || tuning === undefined) return;
  const zoom = band.clampZoom(band.zoomOf(state.view) + step);
  let pivot = anchor;
  if (pivot === undefined) {
    const dial = band.hzToBin(tuning.frequency);
    pivot = dial >= state.view.l && dial <= state.view.r
      ? dial
      : (state.view.l + state.view.r) / 2;
  }
  setView(band.zoomAround(state.view, zoom, pivot));
}

// ---- showing state ----------------------------------------------------------

const freqInput = /** @type {HTMLInputElement} */ ($("freq"));

function showTuning() {
  const tuning = state.tuning;
  if (tuning === undefined) return;
  $("readout").textContent = formatFrequency(tuning.frequency);
  if (document.activeElement !== freqInput) {
    freqInput.value = (tuning.frequency / 1000).toFixed(3);
  }
  for (const button of document.querySelectorAll("#modes button")) {
    const el = /** @type {HTMLElement} */ (button);
    el.setAttribute("aria-pressed", String(el.dataset.mode === tuning.mode));
  }
  const width = tuning.high - tuning.low;
  $("bw-readout").textContent = width >= 1000
    ? `${(width / 1000).toFixed(width % 1000 === 0 ? 0 : 1)} kHz`
    : `${width} Hz`;
  const select = /** @type {HTMLSelectElement} */ ($("bandwidth"));
  const key = `${tuning.low}:${tuning.high}`;
  select.value = [...select.options].some((o) => o.value === key) ? key : "";
  $("bfo-field").hidden = tuning.mode !== "CW";
  const stepSelect = /** @type {HTMLSelectElement} */ ($("step"));
  stepSelect.value = String(state.step > 0 ? state.step : 0);
  $("step-auto").textContent = `auto (${stepLabel(currentStep())})`;
}

function showZoom() {
  const band = state.band;
  if (band === undefined) return;
  const zoom = band.zoomOf(state.view);
  $("zoom-level").textContent = `×${2 ** zoom}`;
  /** @type {HTMLButtonElement} */ ($("zoom-in")).disabled =
    zoom >= band.maxZoom;
  /** @type {HTMLButtonElement} */ ($("zoom-out")).disabled = zoom <= 0;
}

/** @param {number} hz Step. */
function stepLabel(hz) {
  return hz >= 1000 ? `${hz / 1000} kHz` : `${hz} Hz`;
}

function fillBandwidths() {
  const tuning = state.tuning;
  const select = /** @type {HTMLSelectElement} */ ($("bandwidth"));
  const info = modeInfo(tuning?.mode);
  if (tuning === undefined || info === undefined || !state.layout) return;
  select.replaceChildren();
  const custom = new Option("custom", "");
  custom.disabled = true;
  select.add(custom);
  const max = maxPassbandHz(state.layout);
  for (const [low, high] of info.presets) {
    const [lo, hi] = clampPassband(info.name, low, high, max);
    const width = hi - lo;
    const label = width >= 1000 ? `${width / 1000} kHz` : `${width} Hz`;
    if ([...select.options].some((o) => o.value === `${lo}:${hi}`)) continue;
    select.add(new Option(label, `${lo}:${hi}`));
  }
}

function showMarkers() {
  display.setMarkers([
    ...state.serverMarkers.map((m) => ({ ...m, kind: "server" })),
    ...state.bookmarks.map((m) => ({ ...m, kind: "bookmark" })),
  ]);
  const list = $("bookmark-list");
  list.replaceChildren();
  for (const bookmark of state.bookmarks) {
    const item = document.createElement("li");
    const go = document.createElement("button");
    go.type = "button";
    go.className = "link";
    go.textContent = `${formatFrequency(bookmark.frequency)} ${bookmark.mode}${
      bookmark.name ? ` · ${bookmark.name}` : ""
    }`;
    go.addEventListener("click", () => tune(bookmark.frequency, bookmark.mode));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "icon";
    remove.textContent = "×";
    remove.setAttribute("aria-label", `Delete bookmark ${go.textContent}`);
    remove.addEventListener("click", () => {
      state.bookmarks = removeBookmark(
        state.bookmarks,
        bookmark.frequency,
        bookmark.mode,
      );
      saveBookmarks();
    });
    item.append(go, remove);
    list.append(item);
  }
  $("bookmark-count").textContent = String(state.bookmarks.length);
  $("marker-count").textContent = String(state.serverMarkers.length);
}

function saveBookmarks() {
  try {
    localStorage.setItem(BOOKMARKS_KEY, serializeBookmarks(state.bookmarks));
  } catch {
    $("bookmark-message").textContent = "Bookmarks could not be stored";
  }
  showMarkers();
}

function showStatus() {
  const counts = tracker.counts;
  $("users").textContent = `${counts.signalClients} listening`;
  const now = performance.now();
  const seconds = (now - state.bytesAt) / 1000;
  if (state.bytesAt > 0 && seconds > 0) {
    state.kbits = ((connection.bytesReceived - state.bytesSeen) * 8) / 1000 /
      seconds;
  }
  state.bytesAt = now;
  state.bytesSeen = connection.bytesReceived;
  $("kbits").textContent = `${Math.round(state.kbits)} kbit/s`;
  $("latency").textContent = audio.running
    ? `audio ${Math.round(audio.latencyMs)} ms`
    : "audio paused";
  const kind = audio.decoderKind;
  $("codec").textContent = `${audio.codec.toUpperCase()} · ${
    kind === "webcodecs"
      ? "WebCodecs"
      : kind === "worker"
      ? "JS worker"
      : kind === "inline"
      ? "JS"
      : kind === "unsupported"
      ? "not supported here"
      : "…"
  }`;
  $("audio-start").hidden = audio.running;
  if (audio.recording) {
    $("record-time").textContent = `${audio.recordedSeconds.toFixed(0)} s`;
  }
}

function showMeter() {
  const level = audio.level;
  const units = sUnits(level);
  $("smeter-text").textContent = units.text;
  $("smeter-dbm").textContent = `${Math.round(level)} dBm`;
  $("smeter-bar").style.width = `${(meterFraction(level) * 100).toFixed(1)}%`;
  $("smeter").setAttribute("aria-valuenow", String(Math.round(level)));
  $("smeter").setAttribute(
    "aria-valuetext",
    `${units.text}, ${Math.round(level)} dBm`,
  );
  $("squelch-state").textContent = audio.squelchDbm === -Infinity
    ? "off"
    : audio.squelchOpen
    ? "open"
    : "closed";
}

// ---- controls ---------------------------------------------------------------

function setupControls() {
  // Modes.
  const modes = $("modes");
  for (const name of MODE_NAMES) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = name;
    button.dataset.mode = name;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => setMode(name));
    modes.append(button);
  }
  // Steps.
  const stepSelect = /** @type {HTMLSelectElement} */ ($("step"));
  const auto = new Option("auto", "0");
  auto.id = "step-auto";
  stepSelect.add(auto);
  for (const step of TUNING_STEPS) {
    stepSelect.add(new Option(stepLabel(step), String(step)));
  }
  stepSelect.addEventListener("change", () => {
    state.step = Number(stepSelect.value);
    prefs.step = state.step;
    savePrefs();
    showTuning();
  });
  const stepBy = (/** @type {number} */ count) => {
    if (state.tuning === undefined) return;
    tune(stepFrequency(state.tuning.frequency, currentStep(), count));
  };
  $("step-down-big").addEventListener("click", () => stepBy(-10));
  $("step-down").addEventListener("click", () => stepBy(-1));
  $("step-up").addEventListener("click", () => stepBy(1));
  $("step-up-big").addEventListener("click", () => stepBy(10));
  // Frequency entry.
  $("freq-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const band = state.band;
    const hz = parseFrequency(
      freqInput.value,
      band ? { low: band.low, high: band.high } : {},
    );
    if (
      hz === undefined || band === undefined || hz < band.low || hz > band.high
    ) {
      freqInput.setAttribute("aria-invalid", "true");
      $("freq-message").textContent = band
        ? `Enter a frequency from ${formatFrequency(band.low)} to ${
          formatFrequency(band.high)
        }`
        : "Not connected";
      return;
    }
    freqInput.removeAttribute("aria-invalid");
    $("freq-message").textContent = "";
    tune(hz);
    freqInput.blur();
  });
  freqInput.addEventListener("blur", () => showTuning());
  // Bandwidth and BFO.
  const bandwidth = /** @type {HTMLSelectElement} */ ($("bandwidth"));
  bandwidth.addEventListener("change", () => {
    const [low, high] = bandwidth.value.split(":").map(Number);
    if (Number.isFinite(low) && Number.isFinite(high)) setPassband(low, high);
  });
  const bfo = /** @type {HTMLInputElement} */ ($("bfo"));
  bfo.value = String(Number(prefs.bfo) > 0 ? prefs.bfo : DEFAULT_CW_BFO);
  bfo.addEventListener("change", () => {
    const value = Math.round(Number(bfo.value));
    if (!(value >= 100 && value <= 3000) || state.tuning === undefined) return;
    state.tuning.bfo = value;
    prefs.bfo = value;
    savePrefs();
    applyTuning();
  });
  // Zoom.
  $("zoom-in").addEventListener("click", () => zoomBy(1));
  $("zoom-out").addEventListener("click", () => zoomBy(-1));
  $("zoom-full").addEventListener("click", () => {
    if (state.band) setView({ l: 0, r: state.band.fftResultSize });
  });
  // Audio.
  const volume = /** @type {HTMLInputElement} */ ($("volume"));
  volume.value = String(
    Number.isFinite(Number(prefs.volume)) ? prefs.volume : 80,
  );
  audio.setVolume(Number(volume.value) / 100);
  volume.addEventListener("input", () => {
    audio.setVolume(Number(volume.value) / 100);
    prefs.volume = Number(volume.value);
    savePrefs();
  });
  const mute = $("mute");
  mute.addEventListener("click", () => toggleMute());
  const squelch = /** @type {HTMLInputElement} */ ($("squelch"));
  squelch.value = String(Number(prefs.squelch) || SQUELCH_OFF);
  const applySquelch = () => {
    const value = Number(squelch.value);
    audio.setSquelch(value <= SQUELCH_OFF ? -Infinity : value);
    $("squelch-readout").textContent = value <= SQUELCH_OFF
      ? "off"
      : `${value} dBm`;
    prefs.squelch = value;
    savePrefs();
  };
  squelch.addEventListener("input", applySquelch);
  applySquelch();
  $("record").addEventListener("click", () => {
    if (audio.recording) stopRecording();
    else startRecording();
  });
  $("audio-start").addEventListener("click", () => startAudio());
  // Display.
  const colormap = /** @type {HTMLSelectElement} */ ($("colormap"));
  for (const name of COLORMAP_NAMES) colormap.add(new Option(name, name));
  colormap.value = COLORMAP_NAMES.includes(prefs.colormap)
    ? prefs.colormap
    : COLORMAP_NAMES[0];
  display.setColormap(colormap.value);
  colormap.addEventListener("change", () => {
    display.setColormap(colormap.value);
    prefs.colormap = colormap.value;
    savePrefs();
  });
  const autoLevels = /** @type {HTMLInputElement} */ ($("auto-levels"));
  const levelMin = /** @type {HTMLInputElement} */ ($("level-min"));
  const levelMax = /** @type {HTMLInputElement} */ ($("level-max"));
  autoLevels.checked = prefs.autoLevels !== false;
  const applyLevels = () => {
    levelMin.disabled = levelMax.disabled = autoLevels.checked;
    const min = Number(levelMin.value);
    const max = Math.max(min + 10, Number(levelMax.value));
    display.setLevels(autoLevels.checked, min, max);
    prefs.autoLevels = autoLevels.checked;
    savePrefs();
  };
  autoLevels.addEventListener("change", () => {
    if (!autoLevels.checked) {
      const { min, max } = display.levels;
      levelMin.value = String(Math.round(min));
      levelMax.value = String(Math.round(max));
    }
    applyLevels();
  });
  levelMin.addEventListener("input", applyLevels);
  levelMax.addEventListener("input", applyLevels);
  applyLevels();
  const bandPlan = /** @type {HTMLInputElement} */ ($("band-plan"));
  bandPlan.checked = prefs.bandPlan !== false;
  display.setBandPlan(bandPlan.checked);
  bandPlan.addEventListener("change", () => {
    display.setBandPlan(bandPlan.checked);
    prefs.bandPlan = bandPlan.checked;
    savePrefs();
  });
  // Bookmarks.
  $("bookmark-add").addEventListener("click", () => addCurrentBookmark());
  $("bookmark-export").addEventListener("click", () => {
    download(
      new Blob([serializeBookmarks(state.bookmarks)], {
        type: "application/json",
      }),
      "shack-bookmarks.json",
    );
  });
  const importInput = /** @type {HTMLInputElement} */ ($("bookmark-import"));
  importInput.addEventListener("change", async () => {
    const file = importInput.files?.[0];
    importInput.value = "";
    if (file === undefined) return;
    const message = $("bookmark-message");
    if (file.size > 4 * 1024 * 1024) {
      message.textContent = "Expected a bookmark file of at most 4 MiB";
      return;
    }
    try {
      const { bookmarks, skipped } = parseBookmarks(await file.text());
      const merged = mergeBookmarks(state.bookmarks, bookmarks);
      state.bookmarks = merged.bookmarks;
      saveBookmarks();
      message.textContent = `Imported ${merged.added}${
        skipped + merged.refused > 0
          ? `, skipped ${skipped + merged.refused}`
          : ""
      }`;
    } catch (error) {
      message.textContent = `Cannot import: ${
        error instanceof Error ? error.message : String(error)
      }`;
    }
  });
  // Help.
  const help = /** @type {HTMLDialogElement} */ ($("help"));
  $("help-open").addEventListener("click", () => help.showModal());
  $("help-close").addEventListener("click", () => help.close());
}

function addCurrentBookmark() {
  const tuning = state.tuning;
  if (tuning === undefined) return;
  const nameInput = /** @type {HTMLInputElement} */ ($("bookmark-name"));
  const next = addBookmark(state.bookmarks, {
    frequency: tuning.frequency,
    name: nameInput.value.trim(),
    mode: tuning.mode,
  });
  if (next === undefined) {
    $("bookmark-message").textContent = "The bookmark list is full";
    return;
  }
  nameInput.value = "";
  state.bookmarks = next;
  $("bookmark-message").textContent = `Added ${
    formatFrequency(tuning.frequency)
  }`;
  saveBookmarks();
}

/**
 * @param {Blob} blob The file.
 * @param {string} name Its name.
 */
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function toggleMute() {
  audio.setMuted(!audio.muted);
  $("mute").setAttribute("aria-pressed", String(audio.muted));
  $("mute").textContent = audio.muted ? "Unmute" : "Mute";
  connection.send("audio", { cmd: "mute", mute: audio.muted });
}

function startRecording() {
  audio.startRecording();
  $("record").setAttribute("aria-pressed", "true");
  $("record").textContent = "Stop";
  $("record-time").textContent = "0 s";
}

function stopRecording() {
  const blob = audio.stopRecording();
  $("record").setAttribute("aria-pressed", "false");
  $("record").textContent = "Record";
  $("record-time").textContent = "";
  if (blob === undefined || state.tuning === undefined) return;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
  download(
    blob,
    `shack-${state.tuning.frequency}-${state.tuning.mode}-${stamp}.wav`,
  );
}

async function startAudio() {
  try {
    await audio.resume();
  } catch {
    // Still suspended; the button stays.
  }
  showStatus();
}

// ---- keyboard ---------------------------------------------------------------

/** @param {KeyboardEvent} event The key. */
function onKey(event) {
  const target = /** @type {HTMLElement} */ (event.target);
  if (
    event.ctrlKey || event.metaKey || event.altKey ||
    target.closest("input, select, textarea, dialog[open]")
  ) return;
  const tuning = state.tuning;
  const big = event.shiftKey ? 10 : 1;
  /** @type {Record<string, () => void>} */
  const keys = {
    ArrowLeft: () =>
      tuning && tune(stepFrequency(tuning.frequency, currentStep(), -big)),
    ArrowRight: () =>
      tuning && tune(stepFrequency(tuning.frequency, currentStep(), big)),
    ArrowUp: () => zoomBy(1),
    ArrowDown: () => zoomBy(-1),
    "+": () => zoomBy(1),
    "=": () => zoomBy(1),
    "-": () => zoomBy(-1),
    "0": () => state.band && setView({ l: 0, r: state.band.fftResultSize }),
    u: () => setMode("USB"),
    l: () => setMode("LSB"),
    a: () => setMode("AM"),
    s: () => setMode("SAM"),
    f: () => setMode("FM"),
    w: () => setMode("WBFM"),
    c: () => setMode("CW"),
    m: () => toggleMute(),
    r: () => (audio.recording ? stopRecording() : startRecording()),
    b: () => addCurrentBookmark(),
    g: () => freqInput.focus(),
    "/": () => freqInput.focus(),
    "[": () => widen(-1),
    "]": () => widen(1),
    "?": () => /** @type {HTMLDialogElement} */ ($("help")).showModal(),
  };
  const action = keys[event.key] ?? keys[event.key.toLowerCase()];
  if (action === undefined) return;
  event.preventDefault();
  action();
}

/** @param {number} direction −1 narrower, +1 wider preset. */
function widen(direction) {
  const tuning = state.tuning;
  const info = modeInfo(tuning?.mode);
  if (tuning === undefined || info === undefined) return;
  const width = tuning.high - tuning.low;
  const presets = [...info.presets].sort((a, b) =>
    (a[1] - a[0]) - (b[1] - b[0])
  );
  const next = direction > 0
    ? presets.find(([lo, hi]) => hi - lo > width)
    : presets.findLast(([lo, hi]) => hi - lo < width);
  if (next) setPassband(next[0], next[1]);
}

// ---- start ------------------------------------------------------------------

setupControls();
showMarkers();
document.addEventListener("keydown", onKey);
const gesture = () => {
  if (!audio.running) startAudio();
};
document.addEventListener("pointerdown", gesture, { capture: true });
document.addEventListener("keydown", gesture, { capture: true });
const policy = /** @type {any} */ (navigator).getAutoplayPolicy?.(
  "audiocontext",
);
if (policy !== "disallowed") {
  try {
    audio.ensureContext();
  } catch {
    // No Web Audio: the page still shows the waterfall.
  }
}
connection.start();
setInterval(showStatus, 1000);
setInterval(showMeter, 100);
showStatus();

/** Live objects, for tests and debugging in the console. */
globalThis.shackSdr = { state, audio, display, connection, tracker, codecs };
