// The analysts' page: time controls, the map of control, and the details panel. It talks only to
// the public API and keeps the view in the URL with the API's own parameter names.

import * as api from "./api.js";
import { Palette, UNKNOWN } from "./colors.js";
import { ControlMap } from "./map.js";
import { CasualtiesLayer } from "./casualties.js";
import { ReportForm } from "./form.js";
import {
  DAY, HOUR, STATUS_WORDS, clear, debounce, el, fmt, fmtClaimed, fmtShort, iso, parseTime, safeUrl, spanOf, timeEl,
} from "./util.js";

const $ = (selector) => document.querySelector(selector);
const CONFIDENCES = ["confirmed", "reported", "unconfirmed"];
const TIMELINE_PAGES = 10; // bound on what the page reads of the record at start (10 × 1000 claims)

// publishedBy: the third clock (API v2 `published_by`, in ms; null = any time): only reports
// published by then count, whenever they were recorded.
const view = { at: null, knownAt: null, publishedBy: null, minConfidence: "reported", step: "day", city: null };
const data = {
  places: new Map(), leaders: new Map(), span: null, stops: [], head: 0, truncated: false,
  states: new Map(), lastState: null,
  published: [], // the reports' distinct publication times (ms), ascending: the "Published by" stops
};
// The record times the "What we knew on" clock last moved between, for the "what changed" strip
// (GET /changes); null when the last move was of another control.
let knownMove = null;
const palette = new Palette();
let map = null;
let casualties = null; // the casualties overlay (casualties.js)
let form = null;

// ---- URL <-> view ----------------------------------------------------------------------------------

function readUrl() {
  const q = new URLSearchParams(location.search);
  const problems = [];
  if (q.get("at")) {
    const ms = parseTime(q.get("at"));
    if (ms === null) problems.push(`ignored at=${q.get("at")}: not a time`);
    view.at = ms;
  }
  if (q.get("known_at")) {
    const k = q.get("known_at");
    if (/^@\d{1,18}$/.test(k) || parseTime(k) !== null) view.knownAt = k;
    else problems.push(`ignored known_at=${k}: not a time or @position`);
  }
  if (q.get("published_by")) {
    const ms = parseTime(q.get("published_by"));
    if (ms === null) problems.push(`ignored published_by=${q.get("published_by")}: not a time`);
    view.publishedBy = ms;
  }
  if (q.get("min_confidence")) {
    if (CONFIDENCES.includes(q.get("min_confidence"))) view.minConfidence = q.get("min_confidence");
    else problems.push(`ignored min_confidence=${q.get("min_confidence")}`);
  }
  if (q.get("step") === "hour") view.step = "hour";
  if (q.get("city")) view.city = q.get("city");
  return problems;
}

function writeUrl() {
  const q = new URLSearchParams();
  if (view.at !== null) q.set("at", iso(view.at));
  if (view.knownAt) q.set("known_at", view.knownAt);
  if (view.publishedBy !== null) q.set("published_by", iso(view.publishedBy));
  if (view.minConfidence !== "reported") q.set("min_confidence", view.minConfidence);
  if (view.step === "hour") q.set("step", "hour");
  if (view.city) q.set("city", view.city);
  const search = q.toString().replace(/%3A/gi, ":").replace(/%40/g, "@");
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

function apiParams(extra = {}) {
  return {
    at: view.at === null ? null : iso(view.at), known_at: view.knownAt,
    published_by: view.publishedBy === null ? null : iso(view.publishedBy),
    min_confidence: view.minConfidence, ...extra,
  };
}

// ---- status line -----------------------------------------------------------------------------------

function status(text, error = false) {
  const node = $("#status");
  node.textContent = text;
  node.classList.toggle("error", error);
}

function describeError(e) {
  if (e instanceof api.ApiError && e.status === 401) {
    return "this service wants a token for reads too: paste a token under “File a report”, then reload";
  }
  if (e instanceof api.ApiError) return `${e.status}: ${e.message}`;
  return e.message || String(e);
}

// ---- the record: places, factions, leaders, span of valid time, report stops -------------------------

async function loadReference() {
  const [places, factions, leaders] = await Promise.all([
    api.getAll("/cities"), api.getAll("/factions"), api.getAll("/leaders"),
  ]);
  for (const p of places) data.places.set(p.id, p);
  palette.setFactions(factions);
  for (const l of leaders) data.leaders.set(l.id, l);
  data.factions = factions;
  map.setPlaces(places, data.claimed || []);
  fillFactionNames();
}

function fillFactionNames() {
  const factionList = $("#faction-names");
  clear(factionList, data.factions.map((f) => el("option", { value: f.id }, f.name)));
  clear($("#leader-names"), [...data.leaders.values()].map((l) => el("option", { value: l.id }, l.name)));
}

async function loadRecord() {
  // The whole timeline (bounded) as known now: the span of valid time and one stop per report.
  const items = [];
  let cursor = null;
  let head = 0;
  for (let page = 0; page < TIMELINE_PAGES; page++) {
    const body = await api.get("/timeline", { limit: 1000, cursor, min_confidence: "unconfirmed" });
    if (page === 0) head = body.position;
    items.push(...body.items);
    cursor = body.next;
    if (!cursor) break;
  }
  data.truncated = !!cursor;
  data.head = head;
  const reports = new Map();
  const times = [];
  const claimed = new Map();
  for (const item of items) {
    const t = parseTime(item.at);
    // the span comes from counted claims: a retracted one (a note dated 9998) stretches nothing
    if (t !== null && !item.retracted && item.counted !== false) times.push(t);
    if (item.type === "control" && item.city) claimed.set(item.city, (claimed.get(item.city) || 0) + 1);
    if (!reports.has(item.report)) {
      // the timeline's items carry their report's publication time and source (API v2): the
      // sliders' labels need no request of their own
      reports.set(item.report, {
        position: item.position, report: item.report, recorded_at: item.recorded_at,
        published_at: item.published_at, source: item.source?.name,
      });
    }
  }
  data.claimed = [...claimed].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  data.stops = [...reports.values()].sort((a, b) => a.position - b.position);
  data.published = [...new Set(data.stops.map((s) => parseTime(s.published_at)).filter((t) => t !== null))]
    .sort((a, b) => a - b);
  let [first, last] = spanOf(times);
  if (first === null) {
    const now = Date.now();
    first = now - 7 * DAY;
    last = now;
  }
  if (data.truncated) last = Math.max(last, Date.now());
  setSpan(first, last);
}

function setSpan(first, last) {
  const start = Math.floor(first / DAY) * DAY;
  const end = Math.max(start + DAY, Math.ceil((last + 1) / DAY) * DAY);
  data.span = { start, end };
  const slider = $("#at");
  slider.max = String(Math.round((end - start) / HOUR));
  slider.disabled = false;
  syncAtSlider();
}

function addStop(stop) {
  if (data.stops.some((s) => s.report === stop.report)) return;
  data.stops.push(stop);
  data.stops.sort((a, b) => a.position - b.position);
  data.head = Math.max(data.head, stop.position);
  addPublished(stop.published_at);
  syncKnownSlider();
}

function addPublished(text) {
  const t = parseTime(text);
  if (t === null || data.published.includes(t)) return;
  data.published.push(t);
  data.published.sort((a, b) => a - b);
  syncPublishedSlider();
}

// ---- the time controls -----------------------------------------------------------------------------

function atValue() {
  // The slider's hour for the view's `at` (null = now: the end of the span).
  if (view.at === null) return Number($("#at").max);
  return Math.round((view.at - data.span.start) / HOUR);
}

function syncAtSlider() {
  const slider = $("#at");
  const value = Math.max(0, Math.min(Number(slider.max), atValue()));
  slider.value = String(value);
  const text = view.at === null ? "now (latest)" : fmt(view.at);
  $("#at-out").textContent = text;
  slider.setAttribute("aria-valuetext", text);
}

function setAt(ms, { refresh = true } = {}) {
  if (ms !== null && data.span) {
    // a date asked for outside the span widens it, within a sane window (ten years)
    if (ms > data.span.end && ms - data.span.start < 3650 * DAY) setSpan(data.span.start, ms);
    if (ms < data.span.start && data.span.end - ms < 3650 * DAY) setSpan(ms, data.span.end - 1);
  }
  view.at = ms;
  syncAtSlider();
  writeUrl();
  if (refresh) refreshView();
}

function stepMs() { return view.step === "hour" ? HOUR : DAY; }

function step(direction) {
  const current = view.at === null ? data.span.end : view.at;
  let next = current + direction * stepMs();
  if (view.step === "day") {
    // keep day steps on midnight UTC so that a day means a calendar day
    const aligned = direction > 0 ? Math.floor(current / DAY) * DAY + DAY : Math.ceil(current / DAY) * DAY - DAY;
    next = aligned;
  }
  next = Math.max(data.span.start, Math.min(data.span.end, next));
  setAt(next);
}

function knownIndex() {
  // Slider stops: 0 = before the first report, i = after the i-th report, last+1 = latest (live).
  const n = data.stops.length;
  if (!view.knownAt) return n + 1;
  let position = null;
  if (view.knownAt.startsWith("@")) position = Number(view.knownAt.slice(1));
  const ms = position === null ? parseTime(view.knownAt) : null;
  let index = 0;
  data.stops.forEach((s, i) => {
    if (position !== null ? s.position <= position : parseTime(s.recorded_at) <= ms) index = i + 1;
  });
  return index;
}

/** Whether the report a step stands for is left out by the "Published by" clock. */
function unpublished(index) {
  const stop = data.stops[index - 1];
  return !!stop && view.publishedBy !== null && parseTime(stop.published_at) > view.publishedBy;
}

/** "report 212 of 380 · published 7 Dec 2024 14:05 UTC · Reuters": a step in words. */
function stopShort(index) {
  const stop = data.stops[index - 1];
  const parts = [`report ${index} of ${data.stops.length}`];
  if (stop.published_at) parts.push(`published ${fmtShort(parseTime(stop.published_at))}`);
  if (stop.source) parts.push(stop.source);
  return parts.join(" · ");
}

function stopLabel(index) {
  const n = data.stops.length;
  if (index > n) return "latest (live)";
  if (index === 0) return n ? "before any report" : "latest";
  const stop = data.stops[index - 1];
  const exact = view.knownAt && !view.knownAt.startsWith("@") ? ` [${fmt(parseTime(view.knownAt))}]` : "";
  // the source and headline first: the slider's own label already gives the publication time
  const title = stop.headline ? ` — ${stop.source ? `${stop.source}: ` : ""}“${stop.headline}”` : "";
  const published = stop.published_at ? `published ${fmtShort(parseTime(stop.published_at))}, ` : "";
  return `after report ${index} of ${n}${title} (${published}recorded ${fmt(parseTime(stop.recorded_at))})${exact}`;
}

function syncKnownSlider() {
  const slider = $("#known");
  slider.max = String(data.stops.length + 1);
  slider.disabled = false;
  const index = knownIndex();
  slider.value = String(index);
  const label = view.knownAt && index === 0 && data.stops.length
    ? "before any report" : stopLabel(index);
  $("#known-out").textContent = index > data.stops.length ? "latest (live)"
    : index === 0 ? "before any report"
      : view.knownAt && !view.knownAt.startsWith("@") ? fmt(parseTime(view.knownAt)) : stopShort(index);
  $("#known-out").title = $("#known-out").textContent;
  $("#known-help").textContent = index > data.stops.length
    ? "Everything recorded so far; new reports show up live. Move left to see what we believed before each report."
    : `${unpublished(index) ? "(This report was published after the “Published by” time: it does not count.) " : ""}Showing what we knew ${label}.`;
  $("#known-help").title = $("#known-help").textContent;
  slider.setAttribute("aria-valuetext", label);
  describeStop(index);
}

async function describeStop(index) {
  // Fetch the headline of the report a stop stands for (once), for the slider's label.
  const stop = data.stops[index - 1];
  if (!stop || stop.headline !== undefined) return;
  stop.headline = null;
  try {
    const report = await api.cached(`/reports/${encodeURIComponent(stop.report)}`);
    stop.headline = report.headline || "(no headline)";
    stop.source = report.source?.name;
    if (!stop.published_at && report.published_at) {
      stop.published_at = report.published_at;
      addPublished(report.published_at);
    }
    if (Number($("#known").value) === index) syncKnownSlider();
  } catch { /* the label stays plain */ }
}

function setKnownIndex(index) {
  const n = data.stops.length;
  const from = knownIndex();
  const was = view.knownAt || `@${data.head}`;
  if (index > n) view.knownAt = null;
  else if (index === 0) view.knownAt = n ? `@${Math.max(0, data.stops[0].position - 1)}` : null;
  else view.knownAt = `@${data.stops[index - 1].position}`;
  // /changes wants the earlier record time first: a step back lists what the later view had
  const now = view.knownAt || `@${data.head}`;
  const one = Math.abs(index - from) === 1;
  knownMove = index === from ? null
    : index > from ? { from: was, to: now, back: false, one } : { from: now, to: was, back: true, one };
  syncKnownSlider();
  writeUrl();
  refreshView();
}

// ---- the third clock: "Published by" ------------------------------------------------------------

function publishedIndex() {
  // Slider stops: 0 = before the first publication, i = by the i-th publication time, last+1 = any time.
  const n = data.published.length;
  if (view.publishedBy === null) return n + 1;
  return data.published.filter((t) => t <= view.publishedBy).length;
}

function syncPublishedSlider() {
  const slider = $("#published");
  const n = data.published.length;
  slider.max = String(n + 1);
  slider.disabled = n === 0;
  const index = publishedIndex();
  slider.value = String(index);
  const reports = data.stops.filter((s) => view.publishedBy === null || parseTime(s.published_at) <= view.publishedBy).length;
  const out = view.publishedBy === null ? "any time"
    : `${fmtShort(view.publishedBy)} · ${reports} of ${data.stops.length} reports`;
  $("#published-out").textContent = out;
  $("#published-out").title = out;
  $("#published-help").textContent = view.publishedBy === null
    ? "Count only reports published by a time, whenever we recorded them: what anyone could have known then."
    : `Counting only the ${reports} report${reports === 1 ? "" : "s"} published by ${fmt(view.publishedBy)}: what anyone could have known then.`;
  $("#published-help").title = $("#published-help").textContent;
  slider.setAttribute("aria-valuetext", view.publishedBy === null ? "any time" : `published by ${fmt(view.publishedBy)}, ${reports} reports`);
}

function setPublishedIndex(index) {
  const n = data.published.length;
  if (index > n || !n) view.publishedBy = null;
  else if (index === 0) view.publishedBy = data.published[0] - 1000;
  else view.publishedBy = data.published[index - 1];
  knownMove = null;
  syncPublishedSlider();
  syncKnownSlider(); // its help says whether its report counts under this clock
  writeUrl();
  refreshView();
}

let playing = false;
async function play() {
  if (playing) { stopPlaying(); return; }
  playing = true;
  $("#play").setAttribute("aria-pressed", "true");
  $("#play").textContent = "Pause";
  if (view.at === null || view.at >= data.span.end) setAt(data.span.start, { refresh: false });
  while (playing) {
    await refreshState();
    await new Promise((resolve) => setTimeout(resolve, view.step === "hour" ? 250 : 700));
    if (!playing) break;
    if (view.at >= data.span.end) break;
    const next = Math.min(data.span.end, view.at + stepMs());
    view.at = next;
    syncAtSlider();
    writeUrl();
  }
  stopPlaying();
  refreshPanels();
}

function stopPlaying() {
  playing = false;
  $("#play").setAttribute("aria-pressed", "false");
  $("#play").textContent = "Play";
}

function wireControls() {
  const slider = $("#at");
  slider.addEventListener("input", () => {
    stopPlaying();
    setAt(data.span.start + Number(slider.value) * HOUR);
  });
  slider.addEventListener("keydown", (e) => {
    const keys = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1 };
    if (keys[e.key]) {
      e.preventDefault();
      stopPlaying();
      step(keys[e.key]);
    } else if (e.key === "PageUp" || e.key === "PageDown") {
      e.preventDefault();
      stopPlaying();
      const current = view.at === null ? data.span.end : view.at;
      const next = current + (e.key === "PageUp" ? 7 : -7) * DAY;
      setAt(Math.max(data.span.start, Math.min(data.span.end, next)));
    }
  });
  $("#at-prev").addEventListener("click", () => { stopPlaying(); step(-1); });
  $("#at-next").addEventListener("click", () => { stopPlaying(); step(1); });
  $("#at-now").addEventListener("click", () => { stopPlaying(); setAt(null); });
  $("#play").addEventListener("click", () => play());
  $("#step").value = view.step;
  $("#step").addEventListener("change", () => { view.step = $("#step").value; writeUrl(); });
  $("#known").addEventListener("input", () => setKnownIndex(Number($("#known").value)));
  $("#known-latest").addEventListener("click", () => setKnownIndex(data.stops.length + 1));
  $("#published").addEventListener("input", () => setPublishedIndex(Number($("#published").value)));
  $("#published-any").addEventListener("click", () => setPublishedIndex(data.published.length + 1));
  $("#min-confidence").value = view.minConfidence;
  $("#min-confidence").addEventListener("change", () => {
    view.minConfidence = $("#min-confidence").value;
    knownMove = null;
    writeUrl();
    refreshView();
  });
  document.addEventListener("keydown", (e) => {
    const target = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    // Sliders keep the shortcuts (they use the arrows, Page and Home keys, not these): the time
    // slider has the focus right after it is used. Typing in a field does not step the time.
    if (target.closest && target.closest('input:not([type="range"]), select, textarea, [contenteditable], dialog')) return;
    if (e.key === "[") { stopPlaying(); step(-1); } else if (e.key === "]") { stopPlaying(); step(1); } else if (e.key === "p" || e.key === "P") play();
  });
}

// ---- state: the map, the legend -------------------------------------------------------------------

let stateSeq = 0;
let stateAbort = null;

async function refreshState() {
  const seq = ++stateSeq;
  const move = knownMove; // this refresh follows a move of the record clock: say what it changed
  knownMove = null;
  if (stateAbort) stateAbort.abort();
  stateAbort = new AbortController();
  const mapEl = $("#map");
  mapEl.setAttribute("aria-busy", "true");
  try {
    const [state, areas] = await Promise.all([
      api.get("/state", apiParams(), { signal: stateAbort.signal }),
      api.get("/areas.geojson", apiParams(), { signal: stateAbort.signal }).catch((e) => {
        if (e.name === "AbortError") throw e;
        return null; // the areas are drawn when they can be; the markers always are
      }),
    ]);
    if (seq !== stateSeq) return;
    const states = new Map();
    for (const city of state.cities) states.set(city.id, { ...city });
    await addRings(states);
    if (seq !== stateSeq) return;
    const before = data.states;
    data.states = states;
    data.lastState = state;
    if (areas) map.setAreas(areas, palette);
    map.paint(states, palette, describePlace);
    renderLegend(states);
    renderLeaders(state);
    if (move) renderKnownChanges(move, seq);
    else renderChanges(before, states);
    const held = [...states.values()].filter((s) => s.controller).length;
    const contested = [...states.values()].filter((s) => s.status === "contested").length;
    status(`${view.at === null ? "Now" : fmt(view.at)}, ${knownWords()}, `
      + `confidence ≥ ${view.minConfidence}: ${held} places with a known controller`
      + `${contested ? `, ${contested} contested` : ""}, ${data.places.size - held} unknown.`
      + `${data.truncated ? " (Only the first part of a very long record is on the sliders.)" : ""}`);
    mapEl.dataset.view = viewKey();
    mapEl.dataset.position = String(state.position);
  } catch (e) {
    if (e.name === "AbortError") return;
    status(`Could not load the state: ${describeError(e)}`, true);
  } finally {
    if (seq === stateSeq) mapEl.setAttribute("aria-busy", "false");
  }
}

/** "as we know it now", or "as we knew it after report 3 of 27 (recorded …)": no positions. */
function knownWords() {
  const published = publishedWords();
  return published ? `${recordWords()}, ${published}` : recordWords();
}

function publishedWords() {
  return view.publishedBy === null ? "" : `from reports published by ${fmt(view.publishedBy)}`;
}

function recordWords() {
  if (!view.knownAt) return "as we know it now";
  const index = knownIndex();
  const stop = data.stops[index - 1];
  if (view.knownAt.startsWith("@") && stop) {
    return `as we knew it after report ${index} of ${data.stops.length} (recorded ${fmt(parseTime(stop.recorded_at))})`;
  }
  if (view.knownAt.startsWith("@")) return "as we knew it before any report";
  return `as we knew it on ${fmt(parseTime(view.knownAt))}`;
}

/** The "what changed" strip: places whose controller or status changed since the last view
 *  drawn (a step of Play, or of the slider), named in plain words. */
function renderChanges(before, after) {
  const strip = $("#changes-strip");
  if (!before || !before.size) { strip.hidden = true; return; }
  const changed = [];
  for (const [id, s] of after) {
    const old = before.get(id);
    if (!old || (old.controller === s.controller && old.status === s.status)) continue;
    const name = data.places.get(id)?.name || id;
    if (s.controller && old.controller !== s.controller) changed.push(`${name}: ${old.controller ? palette.name(old.controller) : "unknown"} → ${palette.name(s.controller)}`);
    else if (s.controller) changed.push(`${name}: ${STATUS_WORDS[s.status] || s.status}`);
    else changed.push(`${name}: no longer known`);
  }
  strip.hidden = changed.length === 0;
  strip.dataset.source = "compare";
  strip.title = "";
  strip.textContent = changed.length
    ? `What changed: ${changed.slice(0, 8).join(" · ")}${changed.length > 8 ? ` · and ${changed.length - 8} more` : ""}`
    : "";
}

/** The "what changed" strip after a move of the "What we knew on" clock: the service's own
 *  answer (GET /changes) of which places and leaders changed in our view of the time shown, and
 *  the claims that did it, named by their sources. */
async function renderKnownChanges(move, seq) {
  const strip = $("#changes-strip");
  let body;
  try {
    body = await api.get("/changes", apiParams({ known_at: null, from_known: move.from, to_known: move.to }));
  } catch (e) {
    if (seq === stateSeq) { strip.hidden = true; strip.dataset.source = ""; }
    return;
  }
  if (seq !== stateSeq) return;
  // a step back shows the view we leave → the view we come to: the answer's after → before
  const [was, is] = move.back ? ["after", "before"] : ["before", "after"];
  const name = (kind, id) => (kind === "place" ? data.places.get(id)?.name : data.leaders.get(id)?.name) || id;
  const holder = (v) => (v.controller ? palette.name(v.controller) : "unknown")
    + (v.status && v.status !== "held" && v.status !== "unknown" ? ` (${STATUS_WORDS[v.status] || v.status})` : "");
  const leader = (v) => (v.status ? STATUS_WORDS[v.status] || v.status : "unknown")
    + (v.location ? `, ${data.places.get(v.location)?.name || v.location}` : "");
  const entries = [
    ...body.cities.map((c) => ({ text: `${name("place", c.id)}: ${holder(c[was])} → ${holder(c[is])}`, claims: c.claims })),
    ...body.leaders.map((l) => ({ text: `${name("leader", l.id)}: ${leader(l[was])} → ${leader(l[is])}`, claims: l.claims })),
  ];
  const shown = entries.slice(0, 8);
  // the claims' sources (memoised; at most one request per entry shown)
  await Promise.all(shown.map(async (entry) => {
    const id = entry.claims[entry.claims.length - 1];
    if (!id) return;
    try {
      const claim = await api.cached(`/claims/${encodeURIComponent(id)}`);
      entry.report = typeof claim.report === "object" ? claim.report : null;
    } catch { /* named without its source */ }
  }));
  if (seq !== stateSeq) return;
  strip.dataset.source = "changes";
  strip.hidden = entries.length === 0;
  // a source is named once, at the first of a run of changes from the same report (the strip is
  // one line, cut at its end)
  const items = shown.map((entry, i) => [i ? " · " : "", el("span", { class: "change" }, entry.text,
    entry.report && entry.report.id !== shown[i - 1]?.report?.id
      ? [" (", reportLink(entry.report.id, entry.report.source?.name || "report"), ")"] : null)]);
  const which = move.one ? "that report" : "those reports";
  clear(strip, entries.length ? [move.back ? `Without ${which}: ` : `What ${which} changed: `, items,
    entries.length > 8 ? ` · and ${entries.length - 8} more` : ""] : []);
  strip.title = strip.textContent;
}

/** What the map shows, as one string (tests and scripts wait for it). */
function viewKey() {
  const published = view.publishedBy === null ? "" : `&published_by=${iso(view.publishedBy)}`;
  return `at=${view.at === null ? "" : iso(view.at)}&known_at=${view.knownAt || ""}&min_confidence=${view.minConfidence}${published}`;
}

async function addRings(states) {
  // A contested city is drawn with a ring in the colours of the factions clashing there.
  const contested = [...states.values()].filter((s) => s.status === "contested");
  await Promise.all(contested.map(async (s) => {
    const factions = new Set(s.controller ? [s.controller] : []);
    const claims = await Promise.all((s.claims || []).map((id) => api.cached(`/claims/${encodeURIComponent(id)}`).catch(() => null)));
    for (const c of claims) if (c && c.type === "clash") (c.factions || []).forEach((f) => factions.add(f));
    const colours = [...new Set([...factions].map((f) => palette.colour(f)))];
    s.ring = colours.length > 1 ? colours : null;
  }));
}

function describePlace(place, s) {
  if (!s || !s.controller) return `${place.name}: no counted claim (unknown)`;
  const who = palette.name(s.controller);
  if (s.status === "contested") return `${place.name}: contested; last held by ${who}`;
  return `${place.name}: held by ${who} since ${fmtClaimed(s.since, "day")} (${s.confidence})`;
}

function renderLegend(states) {
  const counts = new Map();
  let contested = 0;
  for (const s of states.values()) {
    if (!s.controller) continue;
    counts.set(s.controller, (counts.get(s.controller) || 0) + 1);
    if (s.status === "contested") contested += 1;
  }
  const roots = new Map();
  for (const [id, n] of counts) {
    const root = palette.root(id);
    if (!roots.has(root)) roots.set(root, { total: 0, subs: new Map() });
    const entry = roots.get(root);
    entry.total += n;
    if (id !== root) entry.subs.set(id, n);
  }
  const item = (id, n, sub) => el("li", { class: sub ? "sub" : null, dataset: { factionId: id } },
    el("span", { class: "swatch", style: { "--fill": palette.colour(id) }, "aria-hidden": "true" }),
    el("span", { class: "name" }, palette.name(id)),
    el("span", { class: "count", "aria-label": `${n} places` }, n));
  const rows = [];
  for (const [root, entry] of [...roots].sort((a, b) => b[1].total - a[1].total)) {
    rows.push(item(root, counts.get(root) || 0, false));
    for (const [sub, n] of [...entry.subs].sort((a, b) => b[1] - a[1])) rows.push(item(sub, n, true));
  }
  rows.push(el("li", { dataset: { status: "contested" } },
    el("span", { class: "swatch contested", "aria-hidden": "true" }), el("span", {}, "contested (hatched; ring: clashing factions)"),
    el("span", { class: "count" }, contested)));
  rows.push(el("li", { dataset: { status: "unknown" } },
    el("span", { class: "swatch", style: { "--fill": UNKNOWN }, "aria-hidden": "true" }), el("span", {}, "unknown (no counted claim)"),
    el("span", { class: "count" }, data.places.size - [...states.values()].filter((s) => s.controller).length)));
  clear($("#legend-list"), rows);
}

// ---- details: a place ------------------------------------------------------------------------------

let placeSeq = 0;

async function selectPlace(id, { pan = false, focus = false, zoom = false } = {}) {
  view.city = id;
  writeUrl();
  map.select(id, pan, zoom);
  showTab("place", { focus: false });
  await renderPlace();
  if (focus) $("#place-detail h2")?.focus();
  if (window.matchMedia("(max-width: 900px)").matches) $("#panel").scrollIntoView({ block: "start" });
}

function factionChip(id) {
  if (!id) return el("span", {}, "nobody known");
  return el("span", { class: "faction-chip", dataset: { factionId: id } },
    el("span", { class: "swatch", style: { "--fill": palette.colour(id) }, "aria-hidden": "true" }), palette.name(id));
}

function confidenceBadge(c) { return c ? el("span", { class: `badge ${c}` }, c) : null; }

async function sourceOf(reportId) {
  // Reports are immutable except for their claims' corrections; the source and headline are kept.
  try {
    return await api.cached(`/reports/${encodeURIComponent(reportId)}`);
  } catch {
    return null;
  }
}

function sourceLine(report, reportId) {
  const parts = [];
  if (report) {
    const name = report.source?.name || "unnamed source";
    const url = safeUrl(report.source?.url);
    parts.push(url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, name) : el("span", {}, name));
    if (report.published_at) parts.push(el("span", {}, ", published ", timeEl(report.published_at, "exact")));
  }
  parts.push(" · ", reportLink(reportId, report?.headline ? `“${report.headline}”` : "the report"));
  return el("div", { class: "source" }, "Source: ", parts);
}

function reportLink(reportId, text) {
  return el("a", {
    href: `/reports/${encodeURIComponent(reportId)}`, class: "report-link", dataset: { reportId },
    onclick: (e) => { if (e.button === 0 && !e.ctrlKey && !e.metaKey && !e.shiftKey) { e.preventDefault(); openReport(reportId); } },
  }, text);
}

async function renderPlace() {
  const id = view.city;
  const box = $("#place-detail");
  if (!id) return;
  const seq = ++placeSeq;
  const place = data.places.get(id) || await api.cached(`/cities/${encodeURIComponent(id)}`).catch(() => null);
  if (!place) {
    clear(box, el("p", { class: "muted" }, `No place ${id}.`));
    return;
  }
  const params = {
    city: id, known_at: view.knownAt, min_confidence: view.minConfidence,
    published_by: view.publishedBy === null ? null : iso(view.publishedBy),
  };
  let items;
  let itemsNow = null;
  let cityState;
  try {
    [cityState, items, itemsNow] = await Promise.all([
      api.get(`/cities/${encodeURIComponent(id)}/state`, apiParams()),
      api.getAll("/timeline", params, 5),
      view.knownAt || view.publishedBy !== null
        ? api.getAll("/timeline", { ...params, known_at: null, published_by: null }, 5) : Promise.resolve(null),
    ]);
  } catch (e) {
    if (seq === placeSeq) clear(box, el("p", { class: "status error" }, `Could not load ${place.name}: ${describeError(e)}`));
    return;
  }
  if (seq !== placeSeq) return;
  const retractedNow = new Map((itemsNow || []).map((i) => [i.claim, i.retracted]));
  const reports = new Map();
  await Promise.all([...new Set(items.map((i) => i.report))].map(async (r) => reports.set(r, await sourceOf(r))));
  if (seq !== placeSeq) return;

  const names = otherNames(place);
  const header = [
    el("h2", { tabindex: "-1", dataset: { cityId: id } }, place.name),
    el("p", { class: "names" }, [place.governorate ? `${place.governorate} governorate` : null, place.kind,
      `${place.lat?.toFixed(3)}, ${place.lon?.toFixed(3)}`].filter(Boolean).join(" · ")),
    names.length ? el("p", { class: "names" }, "Also: ", names.map((n, i) => [i ? " · " : "", el("bdi", {}, n)])) : null,
  ];
  const nowText = cityState.controller
    ? [cityState.status === "contested" ? el("strong", {}, "Contested. ") : null,
      "Held by ", el("strong", {}, factionChip(cityState.controller)),
      cityState.since ? [" since ", timeEl(cityState.since, "day")] : null, " ", confidenceBadge(cityState.confidence)]
    : [el("strong", {}, "Unknown"), ": no counted control claim."];
  const now = el("div", {
    class: "now", id: "place-now", style: { "--fill": palette.colour(cityState.controller) },
    dataset: { controller: cityState.controller || "", status: cityState.status },
  }, el("div", { class: "muted" }, `${view.at === null ? "Now" : fmt(view.at)}, ${knownWords()}:`), nowText);

  const control = items.filter((i) => i.type === "control");
  const other = items.filter((i) => i.type !== "control");
  const entry = (item) => {
    const at = parseTime(item.at);
    const later = view.at !== null && at !== null && at > view.at;
    const laterRetracted = !item.retracted && retractedNow.get(item.claim) === true;
    const what = item.type === "control"
      ? el("div", { class: "what" }, item.from_faction ? [factionChip(item.from_faction), " → "] : null, factionChip(item.faction))
      : el("div", { class: "what" }, el("span", { class: "type" }, item.type.replace("_", " ")), ": ",
        item.type === "clash" ? (item.factions || []).map((f, n) => [n ? " vs " : "", factionChip(f)]) : null);
    return el("li", {
      class: [later ? "later" : "", item.retracted ? "retracted" : ""].join(" ").trim() || null,
      dataset: { claimId: item.claim, type: item.type, retracted: String(item.retracted || laterRetracted) },
    },
    el("div", { class: "when" }, timeEl(item.at, item.precision)),
    what,
    item.summary ? el("div", { class: "summary" }, item.summary) : null,
    correctionLine(item),
    el("div", { class: "meta" },
      confidenceBadge(item.confidence),
      el("span", {}, `precision: ${item.precision || "day"}`),
      item.retracted ? el("span", { class: "badge retracted" }, "retracted") : null,
      laterRetracted ? el("span", { class: "badge retracted" }, "retracted later") : null,
      !item.retracted && !laterRetracted ? el("span", {}, "not retracted") : null,
      item.counted === false && !item.retracted ? el("span", { class: "badge later" }, "below the confidence shown") : null,
      later ? el("span", { class: "badge later" }, "after the time shown") : null,
      correctionAction(item, laterRetracted)),
    sourceLine(reports.get(item.report), item.report));
  };
  clear(box, header, now,
    el("h3", {}, "Control history"),
    control.length ? el("ol", { class: "history", id: "control-history" }, control.map(entry))
      : el("p", { class: "muted" }, "No control claim about this place."),
    other.length ? [el("h3", {}, "Other claims about this place"), el("ol", { class: "history" }, other.map(entry))] : null);
}

/** A retraction's or confirmation's target (a link to the claim's report) and reason. */
function correctionLine(item) {
  if (!(item.type === "retract" || item.type === "confirm") || !item.target) return null;
  const link = el("a", {
    href: `/claims/${encodeURIComponent(item.target)}`, class: "target-link", dataset: { claimId: item.target },
    onclick: (e) => {
      if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      api.cached(`/claims/${encodeURIComponent(item.target)}`).then((c) => openReport(c.report?.id || c.report)).catch(() => {});
    },
  }, "the claim");
  api.cached(`/claims/${encodeURIComponent(item.target)}`).then((c) => {
    const what = c.summary || c.text || [c.type, c.city, c.faction, c.leader, c.status].filter(Boolean).join(" ");
    link.textContent = `${c.type.replace("_", " ")} of ${fmtClaimed(c.occurred_at, c.precision || "day")}: ${what}`;
  }).catch(() => {});
  return el("div", { class: "correction" },
    item.type === "retract" ? "Retracts " : "Confirms ", link,
    item.reason ? [el("br"), "Reason: ", el("q", {}, item.reason)] : null);
}

/** The correction the API would accept for this claim, if any: a counted claim may be
 *  retracted or confirmed; a retraction may be undone (retracted); a claim already retracted,
 *  and a confirmation, take no action here. */
function correctionAction(item, laterRetracted) {
  if (item.retracted || laterRetracted || item.type === "confirm") return null;
  if (item.type === "retract") {
    return el("button", { type: "button", class: "linkish", onclick: () => { showTab("report"); form.correct(item.claim, "retract"); } },
      "Undo this retraction…");
  }
  return el("button", { type: "button", class: "linkish", onclick: () => { showTab("report"); form.correct(item.claim); } },
    "Retract or confirm…");
}

function otherNames(place) {
  // A few of a place's other names: Arabic first, then distinct Latin spellings.
  const seen = new Set([place.name.toLowerCase()]);
  const arabic = /[\u0600-\u06ff]/;
  const aliases = [...(place.aliases || [])].sort((a, b) => Number(arabic.test(b)) - Number(arabic.test(a)));
  const out = [];
  for (const a of aliases) {
    const key = a.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(a);
    if (out.length >= 6) break;
  }
  return out;
}

async function findPlace(text) {
  const value = text.trim();
  if (!value) return;
  if (data.places.has(value)) { selectPlace(value, { focus: true, zoom: true }); return; }
  try {
    const body = await api.get("/cities", { q: value, limit: 1 });
    if (body.items.length) selectPlace(body.items[0].id, { focus: true, zoom: true });
    else status(`No place matches “${value}”.`, true);
  } catch (e) {
    status(`Search failed: ${describeError(e)}`, true);
  }
}

export function placeSuggestions(input, datalist) {
  // Autocompletion from the API: /cities?q= matches any name or alias, best first.
  let seq = 0;
  input.addEventListener("input", debounce(async () => {
    const q = input.value.trim();
    if (q.length < 2) return;
    const mine = ++seq;
    try {
      const body = await api.get("/cities", { q, limit: 12 });
      if (mine !== seq) return;
      clear(datalist, body.items.map((p) => el("option", { value: p.id },
        `${p.name}${p.governorate ? ` (${p.governorate})` : ""}`)));
    } catch { /* suggestions are a convenience */ }
  }, 150));
}

// ---- details: timeline, leaders, report dialog ---------------------------------------------------

let timelineSeq = 0;

async function renderTimeline() {
  const seq = ++timelineSeq;
  const windowDays = $("#window").value;
  const to = view.at === null ? null : view.at;
  // "now" on a record that ended long ago: the window closes at the record's end instead
  const end = to === null ? Math.min(Date.now(), data.span.end) : to;
  const from = windowDays === "all" ? null : end - Number(windowDays) * DAY;
  let items;
  try {
    items = await api.getAll("/timeline", {
      from: from === null ? null : iso(from), to: to === null ? null : iso(to),
      known_at: view.knownAt, min_confidence: view.minConfidence,
      published_by: view.publishedBy === null ? null : iso(view.publishedBy),
    }, 5);
  } catch (e) {
    if (seq === timelineSeq) $("#timeline-caption").textContent = `Could not load the timeline: ${describeError(e)}`;
    return;
  }
  if (seq !== timelineSeq) return;
  const onlyInView = $("#in-view").checked;
  const shown = items.filter((i) => !onlyInView || [i.city, i.place, i.toward].some((p) => p && map.inView(p)));
  shown.reverse(); // latest first
  const reports = new Map();
  await Promise.all([...new Set(shown.map((i) => i.report))].map(async (r) => reports.set(r, await sourceOf(r))));
  if (seq !== timelineSeq) return;
  $("#timeline-caption").textContent = `${shown.length} claim${shown.length === 1 ? "" : "s"} `
    + `${from === null ? "in the whole record" : `from ${fmt(from)}`} to ${fmt(to)}, latest first.`;
  clear($("#timeline-list"), shown.map((i) => {
    const placeId = i.city || i.place || i.toward;
    const placeName = placeId ? (data.places.get(placeId)?.name || placeId) : null;
    const faction = i.faction || (i.factions || [])[0];
    const changes = (i.changes || []).map((c) => el("li", {}, changeText(c)));
    return el("li", { dataset: { claimId: i.claim, type: i.type }, style: faction ? { "--fill": palette.colour(faction) } : null },
      el("div", {}, el("span", { class: "when" }, timeEl(i.at, i.precision)), " ",
        el("span", { class: "type" }, i.type.replace("_", " ")), " ",
        placeId ? el("button", { type: "button", class: "linkish", onclick: () => selectPlace(placeId, { pan: true }) }, placeName) : null),
      i.summary || i.text ? el("div", {}, i.summary || i.text) : null,
      correctionLine(i),
      changes.length ? el("ul", { class: "changes" }, changes) : null,
      el("div", { class: "meta" }, confidenceBadge(i.confidence),
        i.retracted ? el("span", { class: "badge retracted" }, "retracted") : null,
        i.counted === false && !i.retracted ? el("span", { class: "badge later" }, "not counted") : null,
        reportLink(i.report, reports.get(i.report)?.source?.name || "report")));
  }));
}

function changeText(c) {
  const name = (kind, id) => {
    if (!id) return "nobody";
    if (kind === "place") return data.places.get(id)?.name || id;
    if (kind === "leader") return data.leaders.get(id)?.name || id;
    return id;
  };
  const value = (v) => {
    if (v === null || v === undefined) return "unknown";
    if (c.field === "controller") return palette.name(v);
    if (c.field === "status") return STATUS_WORDS[v] || v;
    return String(v);
  };
  return `${name(c.kind, c.id)}: ${c.field} ${value(c.from)} → ${value(c.to)}`;
}

async function renderLeaders(state) {
  const rows = [...state.leaders].sort((a, b) => (b.status ? 1 : 0) - (a.status ? 1 : 0) || a.name.localeCompare(b.name));
  $("#leaders-caption").textContent = `${view.at === null ? "Now" : fmt(view.at)}, ${knownWords()}.`;
  const claims = new Map();
  await Promise.all(rows.filter((l) => l.claims?.length).map(async (l) => {
    const id = l.claims[l.claims.length - 1];
    try { claims.set(l.id, await api.cached(`/claims/${encodeURIComponent(id)}`)); } catch { /* no source shown */ }
  }));
  if (data.lastState !== state) return;
  clear($("#leaders-table tbody"), rows.map((l) => {
    const entity = data.leaders.get(l.id) || {};
    const claim = claims.get(l.id);
    const report = claim && typeof claim.report === "object" ? claim.report : null;
    const url = safeUrl(report?.source?.url);
    const faction = entity.faction ? palette.name(entity.faction) : null;
    const role = [entity.role, faction && !(entity.role || "").includes(faction) ? faction : null].filter(Boolean).join(", ");
    return el("tr", { dataset: { leaderId: l.id } },
      el("td", {}, el("span", {}, l.name), role ? el("span", { class: "role" }, role) : null),
      el("td", {}, l.status
        ? [el("strong", {}, STATUS_WORDS[l.status] || l.status), " ", confidenceBadge(l.confidence),
          l.location ? el("span", { class: "role" }, data.places.get(l.location)?.name || l.location) : null,
          l.since ? el("span", { class: "role" }, "since ", timeEl(l.since, claim?.precision || "day")) : null]
        : el("span", { class: "muted" }, "no claim")),
      el("td", {}, report ? [url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, report.source.name) : report.source?.name,
        " ", reportLink(report.id, "(report)")] : "—"));
  }));
}

async function openReport(reportId) {
  const dialog = $("#report-dialog");
  const body = $("#report-dialog-body");
  clear(body, el("p", { class: "muted" }, "Loading…"));
  if (!dialog.open) dialog.showModal();
  try {
    const r = await api.get(`/reports/${encodeURIComponent(reportId)}`);
    const url = safeUrl(r.source?.url);
    $("#report-dialog-title").textContent = r.headline || "Report";
    clear(body,
      el("p", {}, "Source: ", url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, r.source.name) : r.source?.name,
        r.source?.kind ? ` (${r.source.kind})` : ""),
      el("p", { class: "meta" }, el("span", {}, "published ", timeEl(r.published_at, "exact")),
        el("span", {}, "recorded ", timeEl(r.recorded_at, "exact"), ` (@${r.position})`),
        el("a", { href: `/reports/${encodeURIComponent(r.id)}`, target: "_blank", rel: "noopener" }, "JSON")),
      r.body ? el("div", { class: "report-body", tabindex: "0", "aria-label": "Text of the report" }, r.body.length > 6000 ? `${r.body.slice(0, 6000)}…` : r.body) : null,
      el("h3", {}, `${r.claims.length} claim${r.claims.length === 1 ? "" : "s"}`),
      el("ol", { class: "history" }, r.claims.map((c) => el("li", { class: c.retracted ? "retracted" : null },
        el("div", { class: "when" }, c.occurred_at ? timeEl(c.occurred_at, c.precision) : "—", " ", el("span", { class: "type" }, c.type)),
        el("div", { class: "what" }, c.summary || c.text || [c.city, c.faction, c.leader, c.status].filter(Boolean).join(" · ")),
        el("div", { class: "meta" }, confidenceBadge(c.confidence), c.precision ? el("span", {}, `precision: ${c.precision}`) : null,
          c.retracted ? el("span", { class: "badge retracted" }, "retracted") : null)))));
  } catch (e) {
    clear(body, el("p", { class: "status error" }, `Could not load the report: ${describeError(e)}`));
  }
}

// ---- tabs ------------------------------------------------------------------------------------------

// The tabs are whatever the page's tab list holds (`tab-<name>` controls `pane-<name>`): another
// module adds a tab by adding its button and pane to index.html and listening for "tab-shown"
// on its pane.
const TABS = [...document.querySelectorAll('.tabs [role="tab"]')].map((t) => t.id.replace(/^tab-/, ""));

function showTab(name, { focus = true } = {}) {
  for (const t of TABS) {
    const tab = $(`#tab-${t}`);
    const selected = t === name;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(`#pane-${t}`).hidden = !selected;
  }
  if (focus) $(`#tab-${name}`).focus();
  if (name === "timeline") renderTimeline();
  $(`#pane-${name}`).dispatchEvent(new CustomEvent("tab-shown", { detail: { view: { ...view } } }));
}

function wireTabs() {
  for (const t of TABS) {
    const tab = $(`#tab-${t}`);
    tab.addEventListener("click", () => showTab(t));
    tab.addEventListener("keydown", (e) => {
      const i = TABS.indexOf(t);
      const next = { ArrowRight: (i + 1) % TABS.length, ArrowLeft: (i + TABS.length - 1) % TABS.length, Home: 0, End: TABS.length - 1 }[e.key];
      if (next !== undefined) { e.preventDefault(); showTab(TABS[next]); }
    });
  }
}

// ---- refreshing, live updates ------------------------------------------------------------------------

function refreshPanels() {
  if (view.city) renderPlace();
  if (!$("#pane-timeline").hidden) renderTimeline();
}

function refreshView() {
  refreshState();
  if (casualties) casualties.refresh();
  if (!playing) refreshPanels();
}

const refreshSoon = debounce(() => refreshView(), 250);

function onEvent(item) {
  data.lastSeen = Math.max(data.lastSeen || 0, item.position);
  if (item.type && item.type.startsWith("timeline.report.")) {
    const d = item.data || {};
    addStop({
      position: item.position, report: item.stream, recorded_at: item.recorded_at,
      headline: d.headline || "(no headline)", source: d.source?.name, published_at: d.published_at,
    });
    for (const c of d.claims || []) {
      const t = parseTime(c.occurred_at);
      if (t !== null && data.span && t >= data.span.end && t <= Date.now() + DAY) setSpan(data.span.start, t);
      if (c.city) setTimeout(() => map.flash(c.city), 300);
    }
    if (!view.knownAt) {
      status(`New report recorded (@${item.position})${d.headline ? `: ${d.headline}` : ""}. Updating…`);
      refreshSoon();
    }
  } else if (item.type && /\.(registered|aliased)\./.test(item.type)) {
    reloadReference();
  }
}

const reloadReference = debounce(() => loadReference().then(() => refreshSoon()).catch(() => {}), 500);

function listen(after) {
  // Live: Server-Sent Events of the log; if the stream cannot be had, poll /events instead.
  data.lastSeen = after;
  let source = null;
  let failures = 0;
  const open = () => {
    source = new EventSource(`/events/stream?after=${data.lastSeen}`);
    source.onopen = () => { failures = 0; };
    source.onmessage = (e) => {
      try { onEvent(JSON.parse(e.data)); } catch { /* a malformed event is skipped */ }
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        failures += 1;
        source.close();
        setTimeout(open, Math.min(60000, 2000 * 2 ** failures));
        poll();
      }
    };
  };
  const poll = async () => {
    try {
      const body = await api.get("/events", { after: data.lastSeen, limit: 1000 });
      body.items.forEach(onEvent);
    } catch { /* the next attempt will tell */ }
  };
  open();
  window.addEventListener("pagehide", () => source && source.close());
}

// ---- start -----------------------------------------------------------------------------------------

async function start() {
  const problems = readUrl();
  wireTabs();
  map = new ControlMap($("#map"), $("#map").dataset.world || "/static/vendor/world/countries-50m.json",
    (id) => selectPlace(id));
  casualties = new CasualtiesLayer(map, () => view);
  $("#show-unknown").addEventListener("change", () => map.setShowUnknown($("#show-unknown").checked));
  map.onMove(debounce(() => { if ($("#in-view").checked && !$("#pane-timeline").hidden) renderTimeline(); }, 300));
  try {
    await Promise.all([loadReference(), loadRecord()]);
  } catch (e) {
    status(`Could not load the record: ${describeError(e)}`, true);
    return;
  }
  map.setPlaces([...data.places.values()], data.claimed);
  wireControls();
  syncAtSlider();
  syncKnownSlider();
  syncPublishedSlider();
  form = new ReportForm($("#report-form"), {
    places: data.places, placeSuggestions,
    onFiled: (created) => {
      addStop({ position: created.position, report: created.id, recorded_at: created.recorded_at });
      for (const c of created.claims || []) {
        const t = parseTime(c.occurred_at);
        if (t !== null && t >= data.span.end && t <= Date.now() + DAY) setSpan(data.span.start, t);
      }
      if (!view.knownAt) refreshView();
      for (const c of created.claims || []) if (c.city) map.flash(c.city);
    },
  });
  $("#window").addEventListener("change", renderTimeline);
  $("#in-view").addEventListener("change", renderTimeline);
  const find = $("#find-place");
  placeSuggestions(find, $("#find-place-list"));
  find.addEventListener("change", () => { if (data.places.has(find.value.trim())) findPlace(find.value); }); // a suggestion picked
  find.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); findPlace(find.value); } });
  $("#report-dialog-close").addEventListener("click", () => $("#report-dialog").close());
  $("#report-dialog").addEventListener("click", (e) => { if (e.target === $("#report-dialog")) $("#report-dialog").close(); });
  writeUrl();
  await refreshState();
  if (problems.length) status(problems.join("; "), true);
  if (view.city) selectPlace(view.city, { pan: true });
  listen(data.head);
  document.body.dataset.ready = "true";
}

start();
