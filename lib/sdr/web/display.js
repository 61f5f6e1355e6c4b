/**
 * The page's spectrum display: the spectrum trace, the frequency scale
 * with the band plan, and the waterfall, three canvases over one view of
 * the band. It draws lines as they arrive (on animation frames), keeps the
 * waterfall's history when the view is zoomed or panned (the old image is
 * stretched or shifted to the new view), and turns pointer input into
 * tuning: click to tune, drag to pan, wheel or pinch to zoom, drag a
 * passband edge to change the bandwidth, click a marker to tune to it.
 *
 * @module
 */

import { bandsInRange } from "./band_plan.js";
import {
  AutoLevels,
  colormapTable,
  paintLine,
  waterfallValueToDb,
} from "./colormaps.js";
import { formatScaleLabel, scaleUnit, tickStep } from "./frequency.js";
import { listenerColour } from "./listeners.js";
import { binToX, xToBin } from "./view.js";

/** Lines waiting for an animation frame; older ones are dropped. */
const MAX_QUEUED_LINES = 256;
/** CSS pixels around a passband edge that grab it. */
const EDGE_GRAB = 8;
/** Movement, CSS pixels, that turns a press into a drag. */
const DRAG_THRESHOLD = 5;

const BAND_COLOURS = {
  ham: "rgba(80, 200, 120, 0.55)",
  broadcast: "rgba(90, 150, 255, 0.55)",
  utility: "rgba(220, 170, 60, 0.55)",
  digital: "rgba(230, 90, 200, 0.75)",
};

/**
 * The spectrum, scale and waterfall.
 *
 * @example
 * ```ts ignore
 * import { SpectrumDisplay } from "./display.js";
 *
 * const display = new SpectrumDisplay(document.getElementById("display"), {
 *   onTune: (hz) => console.log("tune", hz),
 * });
 * display.setBand(band);
 * display.setView({ l: 0, r: band.fftResultSize });
 * display.pushLine(line);
 * ```
 */
export class SpectrumDisplay {
  /**
   * @param {HTMLElement} root The element holding the three canvases
   *   (`canvas.spectrum`, `canvas.scale`, `canvas.waterfall`).
   * @param {object} callbacks What the pointer does.
   * @param {(hz: number) => void} [callbacks.onTune] Tune the dial to `hz`.
   * @param {(view: {l: number, r: number}) => void} [callbacks.onView] The view changed.
   * @param {(low: number, high: number, edge: "low" | "high") => void} [callbacks.onPassband]
   *   New passband edges, absolute Hz, and the edge being dragged.
   * @param {(marker: {frequency: number, mode: string, name: string}) => void} [callbacks.onMarker]
   *   A marker was clicked.
   * @param {(step: number, anchorBin: number) => void} [callbacks.onZoom]
   *   Zoom by `step` levels around a bin.
   */
  constructor(root, callbacks) {
    this.root = root;
    this.callbacks = callbacks;
    this.spectrum =
      /** @type {HTMLCanvasElement} */ (root.querySelector("canvas.spectrum"));
    this.scale =
      /** @type {HTMLCanvasElement} */ (root.querySelector("canvas.scale"));
    this.waterfall =
      /** @type {HTMLCanvasElement} */ (root.querySelector("canvas.waterfall"));
    this.lineCanvas = document.createElement("canvas");
    this.lineCanvas.height = 1;
    this.scratch = document.createElement("canvas");
    /** @type {import("./view.js").BandGeometry | undefined} */
    this.band = undefined;
    this.view = { l: 0, r: 1 };
    /** The view the waterfall image is drawn for. */
    this.imageView = { l: 0, r: 1 };
    this.dial = 0;
    this.carrier = 0;
    this.passLow = 0;
    this.passHigh = 0;
    this.table = new Uint32Array(colormapTable("classic").buffer);
    this.auto = new AutoLevels();
    this.autoLevels = true;
    this.manual = { min: -100, max: 0 };
    this.showBandPlan = true;
    this.fftSize = 0;
    /** @type {Array<{frequency: number, name: string, mode: string, kind: string}>} */
    this.markers = [];
    /** @type {Array<{id: string, m: number}>} */
    this.listeners = [];
    /** @type {Array<{frameNum: number, l: number, r: number, data: Int8Array}>} */
    this.queue = [];
    this.droppedLines = 0;
    this.linesDrawn = 0;
    this.linesReceived = 0;
    /** The newest line's window and length (for the status and tests). */
    this.lastLine = { l: 0, r: 0, n: 0 };
    /** @type {Float32Array} */
    this.trace = new Float32Array(0);
    this.traceValid = false;
    /** @type {Array<{x0: number, x1: number, y0: number, y1: number, marker: any}>} */
    this.hits = [];
    this.frame = 0;
    this.dirty = true;
    this.dpr = 1;
    /** @type {Uint32Array} */
    this.pixels = new Uint32Array(0);
    this.pointers = new Map();
    /** @type {any} */
    this.gesture = undefined;
    this.#listen();
    this.resize();
    const observer = new ResizeObserver(() => this.resize());
    for (const element of [root, this.spectrum, this.scale, this.waterfall]) {
      observer.observe(element);
    }
  }

  // ---- state ------------------------------------------------------------

  /**
   * @param {import("./view.js").BandGeometry} band The band.
   * @param {number} fftSize The FFT size (for dB labels).
   */
  setBand(band, fftSize) {
    this.band = band;
    this.fftSize = fftSize;
    this.view = { l: 0, r: band.fftResultSize };
    this.imageView = { ...this.view };
    this.#clearWaterfall();
    this.auto.reset();
    this.traceValid = false;
    this.#invalidate();
  }

  /**
   * Shows another part of the band, keeping the waterfall's history.
   *
   * @param {{l: number, r: number}} view The view (bins).
   */
  setView(view) {
    if (view.l === this.view.l && view.r === this.view.r) return;
    const zoomed = Math.abs((view.r - view.l) - (this.view.r - this.view.l)) >
      1e-9;
    this.view = { ...view };
    this.#reprojectWaterfall();
    if (zoomed) this.auto.reset();
    this.traceValid = false;
    this.#invalidate();
  }

  /**
   * @param {number} dial Dial frequency, Hz.
   * @param {number} carrier Carrier (BFO) frequency, Hz.
   * @param {number} low Lower passband edge, Hz.
   * @param {number} high Upper passband edge, Hz.
   */
  setTuning(dial, carrier, low, high) {
    this.dial = dial;
    this.carrier = carrier;
    this.passLow = low;
    this.passHigh = high;
    this.#invalidate();
  }

  /** @param {string} name A colormap name. */
  setColormap(name) {
    this.table = new Uint32Array(colormapTable(name).buffer);
    this.#invalidate();
  }

  /**
   * @param {boolean} auto Automatic levels.
   * @param {number} [min] Manual minimum (waterfall units).
   * @param {number} [max] Manual maximum.
   */
  setLevels(auto, min, max) {
    this.autoLevels = auto;
    if (min !== undefined && max !== undefined && max > min) {
      this.manual = { min, max };
    }
    this.#invalidate();
  }

  /**
   * The levels in use.
   *
   * @returns {{min: number, max: number}} Waterfall units.
   */
  get levels() {
    return this.autoLevels ? this.auto.levels : this.manual;
  }

  /** @param {boolean} on Whether to draw the band plan. */
  setBandPlan(on) {
    this.showBandPlan = on;
    this.#invalidate();
  }

  /**
   * @param {Array<{frequency: number, name: string, mode: string, kind: string}>} markers
   *   Server markers (`kind: "server"`) and bookmarks (`kind: "bookmark"`).
   */
  setMarkers(markers) {
    this.markers = markers;
    this.#invalidate();
  }

  /** @param {Array<{id: string, m: number}>} listeners Other listeners (bins). */
  setListeners(listeners) {
    this.listeners = listeners;
    this.#invalidate();
  }

  /**
   * Queues a waterfall line for the next frame.
   *
   * @param {{frameNum: number, l: number, r: number, data: Int8Array}} line The line.
   */
  pushLine(line) {
    this.linesReceived++;
    this.lastLine = { l: line.l, r: line.r, n: line.data.length };
    if (this.queue.length >= MAX_QUEUED_LINES) {
      this.queue.shift();
      this.droppedLines++;
    }
    this.queue.push(line);
    this.#schedule();
  }

  /** Sizes the canvases to their boxes (device pixels). */
  resize() {
    const dpr = Math.max(1, Math.min(3, globalThis.devicePixelRatio || 1));
    this.dpr = dpr;
    for (const canvas of [this.spectrum, this.scale, this.waterfall]) {
      const width = Math.max(1, Math.round(canvas.clientWidth * dpr));
      const height = Math.max(1, Math.round(canvas.clientHeight * dpr));
      if (canvas.width === width && canvas.height === height) continue;
      if (canvas === this.waterfall && canvas.width > 1) {
        this.scratch.width = canvas.width;
        this.scratch.height = canvas.height;
        this.scratch.getContext("2d")?.drawImage(canvas, 0, 0);
        canvas.width = width;
        canvas.height = height;
        const ctx =
          /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
        ctx.fillStyle = "#000";
        ctx.fillRect(0, 0, width, height);
        ctx.drawImage(this.scratch, 0, 0, width, this.scratch.height);
      } else {
        canvas.width = width;
        canvas.height = height;
        if (canvas === this.waterfall) this.#clearWaterfall();
      }
    }
    this.traceValid = false;
    this.#invalidate();
  }

  // ---- drawing ----------------------------------------------------------

  #invalidate() {
    this.dirty = true;
    this.#schedule();
  }

  #schedule() {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.#draw();
    });
  }

  #draw() {
    if (this.band === undefined) return;
    const lines = this.queue;
    this.queue = [];
    if (lines.length > 0) {
      this.#drawLines(lines);
      this.#updateTrace(lines[lines.length - 1]);
      this.dirty = true;
    }
    if (this.dirty) {
      this.dirty = false;
      this.#drawSpectrum();
      this.#drawScale();
    }
  }

  #clearWaterfall() {
    const ctx = this.waterfall.getContext("2d");
    if (ctx === null) return;
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, this.waterfall.width, this.waterfall.height);
    this.imageView = { ...this.view };
  }

  /** Stretches/shifts the waterfall image from `imageView` to `view`. */
  #reprojectWaterfall() {
    const canvas = this.waterfall;
    const ctx = canvas.getContext("2d");
    if (ctx === null) return;
    const width = canvas.width;
    const height = canvas.height;
    const from = this.imageView;
    const to = this.view;
    const span = to.r - to.l;
    const dx = ((from.l - to.l) / span) * width;
    const dw = ((from.r - from.l) / span) * width;
    this.scratch.width = width;
    this.scratch.height = height;
    const scratch =
      /** @type {CanvasRenderingContext2D} */ (this.scratch.getContext("2d"));
    scratch.drawImage(canvas, 0, 0);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingEnabled = false;
    if (Number.isFinite(dx) && Number.isFinite(dw) && dw > 0) {
      ctx.drawImage(this.scratch, 0, 0, width, height, dx, 0, dw, height);
    }
    this.imageView = { ...to };
  }

  /**
   * Draws queued lines, newest at the top.
   *
   * @param {Array<{l: number, r: number, data: Int8Array}>} lines Oldest first.
   */
  #drawLines(lines) {
    const canvas = this.waterfall;
    const ctx = canvas.getContext("2d");
    if (ctx === null) return;
    const width = canvas.width;
    const height = canvas.height;
    const k = Math.min(lines.length, height);
    if (k < height) {
      ctx.drawImage(canvas, 0, 0, width, height - k, 0, k, width, height - k);
    }
    const view = this.view;
    for (let i = 0; i < k; i++) {
      const line = lines[lines.length - 1 - i];
      if (this.autoLevels) this.auto.update(line.data);
      const { min, max } = this.levels;
      const n = line.data.length;
      if (this.pixels.length < n) this.pixels = new Uint32Array(n);
      const pixels = this.pixels.subarray(0, n);
      paintLine(line.data, this.table, min, max, pixels);
      if (this.lineCanvas.width !== n) this.lineCanvas.width = n;
      const lineCtx =
        /** @type {CanvasRenderingContext2D} */ (this.lineCanvas.getContext(
          "2d",
        ));
      lineCtx.putImageData(
        new ImageData(new Uint8ClampedArray(pixels.buffer, 0, n * 4), n, 1),
        0,
        0,
      );
      const x0 = binToX(view, line.l, width);
      const x1 = binToX(view, line.r, width);
      ctx.fillStyle = "#000";
      ctx.fillRect(0, i, width, 1);
      ctx.imageSmoothingEnabled = x1 - x0 < n;
      ctx.drawImage(this.lineCanvas, 0, 0, n, 1, x0, i, x1 - x0, 1);
    }
    this.linesDrawn += k;
  }

  /**
   * Updates the spectrum trace from the newest line: the highest value of
   * the bins under each pixel, smoothed over lines.
   *
   * @param {{l: number, r: number, data: Int8Array}} line The line.
   */
  #updateTrace(line) {
    const width = this.spectrum.width;
    if (this.trace.length !== width) {
      this.trace = new Float32Array(width);
      this.traceValid = false;
    }
    const view = this.view;
    const n = line.data.length;
    const binsPerValue = (line.r - line.l) / n;
    const fresh = !this.traceValid;
    for (let x = 0; x < width; x++) {
      const b0 = xToBin(view, x, width);
      const b1 = xToBin(view, x + 1, width);
      let i0 = Math.floor((b0 - line.l) / binsPerValue);
      let i1 = Math.ceil((b1 - line.l) / binsPerValue);
      i0 = Math.max(0, i0);
      i1 = Math.min(n, Math.max(i1, i0 + 1));
      let value = -128;
      for (let i = i0; i < i1; i++) {
        if (line.data[i] > value) value = line.data[i];
      }
      if (i0 >= n) value = -128;
      this.trace[x] = fresh ? value : this.trace[x] * 0.6 + value * 0.4;
    }
    this.traceValid = true;
  }

  #drawSpectrum() {
    const canvas = this.spectrum;
    const ctx = canvas.getContext("2d");
    const band = this.band;
    if (ctx === null || band === undefined) return;
    const dpr = this.dpr;
    const width = canvas.width;
    const height = canvas.height;
    const view = this.view;
    ctx.fillStyle = "#0b0f14";
    ctx.fillRect(0, 0, width, height);
    const { min, max } = this.levels;
    const lo = min - 10;
    const hi = max + 16;
    const y = (/** @type {number} */ v) =>
      height - ((v - lo) / (hi - lo)) * height;
    // Grid every 10 dB (20 waterfall units), labelled in dBFS.
    ctx.font = `${10 * dpr}px system-ui, sans-serif`;
    ctx.textBaseline = "bottom";
    for (let v = Math.ceil(lo / 20) * 20; v <= hi; v += 20) {
      const yy = Math.round(y(v)) + 0.5;
      if (yy < 12 * dpr) continue; // no label cut by the top edge
      ctx.strokeStyle = "rgba(255,255,255,0.08)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(0, yy);
      ctx.lineTo(width, yy);
      ctx.stroke();
      if (this.fftSize > 0) {
        ctx.fillStyle = "rgba(255,255,255,0.35)";
        ctx.fillText(
          `${Math.round(waterfallValueToDb(v, this.fftSize))}`,
          3 * dpr,
          yy - 1,
        );
      }
    }
    // Passband.
    const x = (/** @type {number} */ hz) =>
      binToX(view, band.hzToBin(hz), width);
    const pl = x(this.passLow);
    const ph = x(this.passHigh);
    ctx.fillStyle = "rgba(255, 214, 10, 0.14)";
    ctx.fillRect(pl, 0, Math.max(1, ph - pl), height);
    ctx.strokeStyle = "rgba(255, 214, 10, 0.7)";
    ctx.lineWidth = dpr;
    ctx.beginPath();
    ctx.moveTo(pl, 0);
    ctx.lineTo(pl, height);
    ctx.moveTo(ph, 0);
    ctx.lineTo(ph, height);
    ctx.stroke();
    // Trace.
    if (this.traceValid && this.trace.length === width) {
      ctx.beginPath();
      ctx.moveTo(0, height);
      for (let i = 0; i < width; i++) ctx.lineTo(i, y(this.trace[i]));
      ctx.lineTo(width, height);
      ctx.closePath();
      ctx.fillStyle = "rgba(64, 160, 255, 0.25)";
      ctx.fill();
      ctx.beginPath();
      for (let i = 0; i < width; i++) {
        if (i === 0) ctx.moveTo(i, y(this.trace[i]));
        else ctx.lineTo(i, y(this.trace[i]));
      }
      ctx.strokeStyle = "#7cc4ff";
      ctx.lineWidth = dpr;
      ctx.stroke();
    }
    // Dial (and the CW carrier).
    const xd = Math.round(x(this.dial)) + 0.5;
    ctx.strokeStyle = "#ff5a36";
    ctx.lineWidth = dpr;
    ctx.beginPath();
    ctx.moveTo(xd, 0);
    ctx.lineTo(xd, height);
    ctx.stroke();
    if (this.carrier !== this.dial) {
      const xc = Math.round(x(this.carrier)) + 0.5;
      ctx.setLineDash([3 * dpr, 3 * dpr]);
      ctx.beginPath();
      ctx.moveTo(xc, 0);
      ctx.lineTo(xc, height);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    // Other listeners: small triangles at the bottom edge.
    for (const listener of this.listeners) {
      const xl = binToX(view, listener.m, width);
      if (xl < -10 || xl > width + 10) continue;
      ctx.fillStyle = listenerColour(listener.id);
      ctx.beginPath();
      ctx.moveTo(xl, height - 9 * dpr);
      ctx.lineTo(xl - 5 * dpr, height);
      ctx.lineTo(xl + 5 * dpr, height);
      ctx.closePath();
      ctx.fill();
    }
    this.#drawMarkers(ctx, width, dpr);
  }

  /**
   * Marker labels in rows at the top of the spectrum; overlapping labels
   * move down a row or are left out (their tick stays).
   *
   * @param {CanvasRenderingContext2D} ctx The spectrum's context.
   * @param {number} width Canvas width.
   * @param {number} dpr Device pixel ratio.
   */
  #drawMarkers(ctx, width, dpr) {
    const band = /** @type {import("./view.js").BandGeometry} */ (this.band);
    this.hits = [];
    const low = band.binToHz(this.view.l);
    const high = band.binToHz(this.view.r);
    const visible = this.markers.filter((m) =>
      m.frequency >= low && m.frequency <= high
    ).sort((a, b) => a.frequency - b.frequency);
    if (visible.length > 400) visible.length = 400;
    const rowHeight = 14 * dpr;
    const rowsEnd = [-Infinity, -Infinity, -Infinity];
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.textBaseline = "middle";
    for (const marker of visible) {
      const xm =
        Math.round(binToX(this.view, band.hzToBin(marker.frequency), width)) +
        0.5;
      const colour = marker.kind === "bookmark" ? "#6ee7a0" : "#ffb454";
      ctx.strokeStyle = colour;
      ctx.lineWidth = dpr;
      ctx.beginPath();
      ctx.moveTo(xm, 0);
      ctx.lineTo(xm, 6 * dpr);
      ctx.stroke();
      const text = marker.name || String(marker.frequency);
      const w = ctx.measureText(text).width + 8 * dpr;
      const row = rowsEnd.findIndex((end) => xm - w / 2 > end + 4 * dpr);
      if (row === -1) continue;
      const x0 = Math.max(0, Math.min(width - w, xm - w / 2));
      const y0 = 6 * dpr + row * rowHeight;
      rowsEnd[row] = x0 + w;
      ctx.fillStyle = "rgba(0,0,0,0.6)";
      ctx.fillRect(x0, y0, w, rowHeight - 2 * dpr);
      ctx.fillStyle = colour;
      ctx.fillText(text, x0 + 4 * dpr, y0 + (rowHeight - 2 * dpr) / 2);
      this.hits.push({
        x0: x0 / dpr,
        x1: (x0 + w) / dpr,
        y0: y0 / dpr,
        y1: (y0 + rowHeight) / dpr,
        marker,
      });
    }
  }

  #drawScale() {
    const canvas = this.scale;
    const ctx = canvas.getContext("2d");
    const band = this.band;
    if (ctx === null || band === undefined) return;
    const dpr = this.dpr;
    const width = canvas.width;
    const height = canvas.height;
    const view = this.view;
    ctx.fillStyle = "#141a22";
    ctx.fillRect(0, 0, width, height);
    const low = band.binToHz(view.l);
    const high = band.binToHz(view.r);
    const x = (/** @type {number} */ hz) =>
      binToX(view, band.hzToBin(hz), width);
    // Band plan strip.
    const strip = 12 * dpr;
    ctx.font = `${9 * dpr}px system-ui, sans-serif`;
    ctx.textBaseline = "middle";
    if (this.showBandPlan) {
      for (const entry of bandsInRange(low, high)) {
        const x0 = Math.max(0, x(entry.low));
        const x1 = Math.min(width, x(entry.high));
        const digital = entry.kind === "digital";
        ctx.fillStyle = BAND_COLOURS[entry.kind];
        ctx.fillRect(
          x0,
          digital ? strip / 2 : 0,
          Math.max(2 * dpr, x1 - x0),
          (digital ? strip / 2 : strip) - 1,
        );
        if (x1 - x0 > ctx.measureText(entry.name).width + 6 * dpr) {
          ctx.fillStyle = "#fff";
          ctx.fillText(entry.name, x0 + 3 * dpr, strip / 2);
        }
      }
    }
    // Ticks and labels.
    const step = tickStep(high - low, width / dpr, 90);
    const minor = step / 5;
    ctx.strokeStyle = "rgba(255,255,255,0.5)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let f = Math.ceil(low / minor) * minor; f <= high; f += minor) {
      const xx = Math.round(x(f)) + 0.5;
      const major = Math.abs(f / step - Math.round(f / step)) < 1e-6;
      ctx.moveTo(xx, strip);
      ctx.lineTo(xx, strip + (major ? 8 : 4) * dpr);
    }
    ctx.stroke();
    ctx.fillStyle = "#d8dee9";
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.textBaseline = "top";
    ctx.textAlign = "center";
    for (let f = Math.ceil(low / step) * step; f <= high; f += step) {
      ctx.fillText(formatScaleLabel(f, step), x(f), strip + 10 * dpr);
    }
    ctx.textAlign = "left";
    const unit = scaleUnit(high);
    const unitWidth = ctx.measureText(unit).width + 6 * dpr;
    ctx.fillStyle = "#141a22";
    ctx.fillRect(0, strip + 9 * dpr, unitWidth, 14 * dpr);
    ctx.fillStyle = "rgba(216,222,233,0.6)";
    ctx.fillText(unit, 3 * dpr, strip + 10 * dpr);
    // Passband bracket.
    const pl = x(this.passLow);
    const ph = x(this.passHigh);
    ctx.fillStyle = "rgba(255, 214, 10, 0.8)";
    ctx.fillRect(pl, height - 4 * dpr, Math.max(1, ph - pl), 4 * dpr);
    const xd = Math.round(x(this.dial)) + 0.5;
    ctx.fillStyle = "#ff5a36";
    ctx.beginPath();
    ctx.moveTo(xd, height - 9 * dpr);
    ctx.lineTo(xd - 5 * dpr, height);
    ctx.lineTo(xd + 5 * dpr, height);
    ctx.closePath();
    ctx.fill();
  }

  // ---- pointer input ----------------------------------------------------

  /**
   * @param {PointerEvent | WheelEvent} event The event.
   * @returns {{x: number, y: number, width: number, target: string}}
   *   Position in CSS pixels from the spectrum's top left corner (the three
   *   canvases share their left edge and width) and the canvas under it.
   */
  #locate(event) {
    const spectrumBox = this.spectrum.getBoundingClientRect();
    const scaleBox = this.scale.getBoundingClientRect();
    let target = "waterfall";
    if (event.clientY < spectrumBox.bottom) target = "spectrum";
    else if (event.clientY < scaleBox.bottom) target = "scale";
    return {
      x: event.clientX - spectrumBox.left,
      y: event.clientY - spectrumBox.top,
      width: spectrumBox.width,
      target,
    };
  }

  /**
   * @param {number} x CSS pixels from the left.
   * @param {number} width Display width, CSS pixels.
   * @returns {number} The frequency there, Hz.
   */
  #hzAt(x, width) {
    const band = /** @type {import("./view.js").BandGeometry} */ (this.band);
    return band.binToHz(xToBin(this.view, x, width));
  }

  /**
   * Which passband edge is under x, if any.
   *
   * @param {number} x CSS pixels.
   * @param {number} width CSS width.
   * @returns {"low" | "high" | undefined} The edge.
   */
  #edgeAt(x, width) {
    const band = this.band;
    if (band === undefined) return undefined;
    const pl = binToX(this.view, band.hzToBin(this.passLow), width);
    const ph = binToX(this.view, band.hzToBin(this.passHigh), width);
    const dl = Math.abs(x - pl);
    const dh = Math.abs(x - ph);
    if (Math.min(dl, dh) > EDGE_GRAB) return undefined;
    return dl <= dh ? "low" : "high";
  }

  #listen() {
    const root = this.root;
    root.addEventListener("pointerdown", (event) => {
      if (this.band === undefined || event.button > 0) return;
      // The zoom buttons and the audio button sit over the canvases.
      if (!(event.target instanceof HTMLCanvasElement)) return;
      const at = this.#locate(event);
      this.pointers.set(event.pointerId, { x: at.x, y: at.y });
      try {
        root.setPointerCapture(event.pointerId);
      } catch {
        // Synthetic events have no active pointer.
      }
      if (this.pointers.size === 2) {
        const [a, b] = [...this.pointers.values()];
        this.gesture = {
          kind: "pinch",
          distance: Math.hypot(a.x - b.x, a.y - b.y),
          width: at.width,
        };
        return;
      }
      if (this.pointers.size > 2) return;
      const edge = at.target !== "waterfall"
        ? this.#edgeAt(at.x, at.width)
        : undefined;
      const hit = at.target === "spectrum"
        ? this.hits.find((h) =>
          at.x >= h.x0 && at.x <= h.x1 && at.y >= h.y0 && at.y <= h.y1
        )
        : undefined;
      this.gesture = {
        kind: hit ? "marker" : edge ? "edge" : "press",
        edge,
        marker: hit?.marker,
        startX: at.x,
        startY: at.y,
        lastX: at.x,
        width: at.width,
        moved: false,
      };
      event.preventDefault();
    });
    root.addEventListener("pointermove", (event) => {
      if (this.band === undefined) return;
      const at = this.#locate(event);
      if (!this.pointers.has(event.pointerId)) {
        const edge = at.target !== "waterfall"
          ? this.#edgeAt(at.x, at.width)
          : undefined;
        root.style.cursor = edge ? "ew-resize" : "";
        return;
      }
      this.pointers.set(event.pointerId, { x: at.x, y: at.y });
      const gesture = this.gesture;
      if (gesture === undefined) return;
      if (gesture.kind === "pinch") {
        if (this.pointers.size !== 2) return;
        const [a, b] = [...this.pointers.values()];
        const distance = Math.hypot(a.x - b.x, a.y - b.y);
        const ratio = distance / Math.max(1, gesture.distance);
        if (ratio > Math.SQRT2 || ratio < Math.SQRT1_2) {
          const mid = (a.x + b.x) / 2;
          const anchor = xToBin(this.view, mid, gesture.width);
          this.callbacks.onZoom?.(ratio > 1 ? 1 : -1, anchor);
          gesture.distance = distance;
        }
        return;
      }
      if (
        !gesture.moved &&
        Math.hypot(at.x - gesture.startX, at.y - gesture.startY) >
          DRAG_THRESHOLD
      ) {
        gesture.moved = true;
        if (gesture.kind === "marker") gesture.kind = "press";
      }
      if (!gesture.moved) return;
      if (gesture.kind === "edge") {
        const hz = this.#hzAt(at.x, at.width);
        if (gesture.edge === "low") {
          this.callbacks.onPassband?.(hz, this.passHigh, "low");
        } else this.callbacks.onPassband?.(this.passLow, hz, "high");
      } else {
        const dx = at.x - gesture.lastX;
        gesture.lastX = at.x;
        const bins = (-dx / at.width) * (this.view.r - this.view.l);
        const band =
          /** @type {import("./view.js").BandGeometry} */ (this.band);
        this.callbacks.onView?.(band.pan(this.view, bins));
      }
    });
    const end = (/** @type {PointerEvent} */ event) => {
      if (!this.pointers.has(event.pointerId)) return;
      this.pointers.delete(event.pointerId);
      const gesture = this.gesture;
      if (this.pointers.size > 0) {
        if (gesture?.kind === "pinch") return;
      }
      this.gesture = undefined;
      if (gesture === undefined || event.type === "pointercancel") return;
      if (gesture.moved || gesture.kind === "pinch") return;
      if (gesture.kind === "marker") {
        this.callbacks.onMarker?.(gesture.marker);
        return;
      }
      const at = this.#locate(event);
      this.callbacks.onTune?.(this.#hzAt(at.x, at.width));
    };
    root.addEventListener("pointerup", end);
    root.addEventListener("pointercancel", end);
    root.addEventListener("wheel", (event) => {
      if (this.band === undefined) return;
      event.preventDefault();
      const at = this.#locate(event);
      if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
        const delta = event.shiftKey ? event.deltaY : event.deltaX;
        const bins = (delta / at.width) * (this.view.r - this.view.l);
        this.callbacks.onView?.(this.band.pan(this.view, bins));
        return;
      }
      if (event.deltaY === 0) return;
      const anchor = xToBin(this.view, at.x, at.width);
      this.callbacks.onZoom?.(event.deltaY < 0 ? 1 : -1, anchor);
    }, { passive: false });
  }
}
