/**
 * Pure helpers of the bridge dashboard page: number formatting and the
 * session list kept from the live feed's messages. No DOM here, so the
 * tests run it in Deno.
 *
 * @module
 */

/**
 * Formats a duration as `m:ss` or `h:mm:ss`.
 *
 * @param {number} ms Milliseconds.
 * @returns {string} The text.
 */
export function formatDuration(ms) {
  const total = Math.max(0, Math.floor((Number(ms) || 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  if (h > 0) return `${h}:${String(m).padStart(2, "0")}:${ss}`;
  return `${m}:${ss}`;
}

/**
 * Formats bits per second (`3.6 Mb/s`, `850 kb/s`).
 *
 * @param {number} bps Bits per second.
 * @returns {string} The text.
 */
export function formatBitrate(bps) {
  const v = Math.max(0, Number(bps) || 0);
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} Gb/s`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)} Mb/s`;
  if (v >= 1e3) return `${Math.round(v / 1e3)} kb/s`;
  return `${Math.round(v)} b/s`;
}

/**
 * Formats a byte count with decimal units (`1.2 GB`).
 *
 * @param {number} bytes Bytes.
 * @returns {string} The text.
 */
export function formatBytes(bytes) {
  const v = Math.max(0, Number(bytes) || 0);
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  let n = v;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return i === 0
    ? `${n} B`
    : `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}

/**
 * The range shown under the channel table (`1–50 of 1,234`).
 *
 * @param {{ total: number, offset: number, items: unknown[] }} page A channel page.
 * @returns {string} The text.
 */
export function pageRange(page) {
  const format = new Intl.NumberFormat("en");
  if (page.total === 0 || page.items.length === 0) {
    return `0 of ${format.format(page.total)}`;
  }
  return `${format.format(page.offset + 1)}–${
    format.format(page.offset + page.items.length)
  } of ${format.format(page.total)}`;
}

/**
 * A session view kept by the page (fields as sent by the live feed, plus
 * `receivedAt`).
 *
 * @typedef {{ id: string, startedAt: number, receivedAt?: number, [key: string]: unknown }} SessionEntry
 */

/**
 * Applies a live feed message to the session list: a `snapshot` replaces
 * it, a `sessions` delta upserts and removes. Each kept view gets
 * `receivedAt` (the local clock) so durations can tick between messages.
 *
 * @param {Map<string, SessionEntry>} sessions The list, by id (changed in place).
 * @param {{ type: string, sessions?: SessionEntry[], upsert?: SessionEntry[], remove?: string[] }} message The message.
 * @param {number} receivedAt The local clock, ms.
 * @returns {boolean} Whether the message was about sessions.
 */
export function applySessions(sessions, message, receivedAt) {
  if (message.type === "snapshot") {
    sessions.clear();
    for (const view of message.sessions ?? []) {
      if (view && typeof view.id === "string") {
        sessions.set(view.id, { ...view, receivedAt });
      }
    }
    return true;
  }
  if (message.type === "sessions") {
    for (const id of message.remove ?? []) sessions.delete(id);
    for (const view of message.upsert ?? []) {
      if (view && typeof view.id === "string") {
        sessions.set(view.id, { ...view, receivedAt });
      }
    }
    return true;
  }
  return false;
}

/**
 * The sessions in display order: oldest first.
 *
 * @param {Map<string, SessionEntry>} sessions The list.
 * @returns {SessionEntry[]} The views.
 */
export function sortedSessions(sessions) {
  return [...sessions.values()].sort((a, b) => a.startedAt - b.startedAt);
}

/**
 * Appends log entries, skipping ones already shown, keeping at most `max`.
 *
 * @param {{ seq: number }[]} lines The lines shown (changed in place).
 * @param {{ seq: number }[]} incoming New lines, oldest first.
 * @param {number} max Most lines kept.
 * @returns {number} How many were dropped from the front.
 */
export function appendLog(lines, incoming, max) {
  const last = lines.length === 0 ? 0 : lines[lines.length - 1].seq;
  for (const entry of incoming) {
    if (entry && entry.seq > last) lines.push(entry);
  }
  const drop = Math.max(0, lines.length - max);
  if (drop > 0) lines.splice(0, drop);
  return drop;
}
