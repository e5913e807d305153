// Small helpers shared by the page's modules: DOM building (text only, never HTML from data) and
// time formatting.

export const HOUR = 3600e3;
export const DAY = 24 * HOUR;

/** el("a", {href: "…", class: "x"}, "text", child) — attributes set as attributes, children as text or nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "style") for (const [p, val] of Object.entries(v)) node.style.setProperty(p, val);
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

/** The API's form of a time: UTC, seconds, `Z`. */
export function iso(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function parseTime(text) {
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

const FULL = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});
const DATE = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });
const MONTH = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "long", year: "numeric" });

const SHORT = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});

/** "7 Dec 2024 14:05 UTC": a report's publication time in a slider's one-line label. */
export function fmtShort(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  return `${SHORT.format(new Date(ms)).replace(",", "")} UTC`;
}

export function fmt(ms) {
  return ms === null || ms === undefined ? "now" : `${FULL.format(new Date(ms))} UTC`;
}

/** A claimed time as precise as the claim says it is. */
export function fmtClaimed(text, precision) {
  const ms = parseTime(text);
  if (ms === null) return text || "—";
  if (precision === "month") return MONTH.format(new Date(ms));
  if (precision === "week") return `week of ${DATE.format(new Date(ms))}`;
  if (precision === "day") return DATE.format(new Date(ms));
  return fmt(ms);
}

export function timeEl(text, precision) {
  return el("time", { datetime: text }, fmtClaimed(text, precision));
}

export function safeUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export const STATUS_WORDS = {
  active: "active", whereabouts_unknown: "whereabouts unknown", abroad: "abroad", in_exile: "in exile",
  leading_coup: "leading a coup", detained: "detained", dead: "dead", removed: "removed from post",
};

/** The valid-time span the slider covers: the counted claims' times, without the odd one far
 *  out (one claim a century away from all the others must not make each step a year), and never
 *  past a day from now (claims from the future are refused since API v2). */
export function spanOf(times, now = Date.now()) {
  const sorted = times.filter((t) => Number.isFinite(t) && t <= now + DAY).sort((a, b) => a - b);
  if (!sorted.length) return [null, null];
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
  const q1 = at(0.1);
  const q9 = at(0.9);
  const margin = Math.max(30 * DAY, 3 * (q9 - q1));
  const kept = sorted.filter((t) => t >= q1 - margin && t <= q9 + margin);
  return [kept[0], kept[kept.length - 1]];
}
