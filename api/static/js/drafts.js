// The "Drafts" tab: paste an article, let the service propose claims (POST /drafts keeps them as
// an open draft), review them with the sentences they came from highlighted, edit them, then
// accept (the report is filed) or reject (with a reason). Self-contained: it wires its own tab
// into the panel's tab list, and uses only the public API (API.md, "Sources, drafts and batches").

import * as api from "./api.js";
import { clear, el } from "./util.js";

const $ = (sel, root = document) => root.querySelector(sel);
const CONFIDENCES = ["confirmed", "reported", "unconfirmed"];
// The fields a reviewer may edit, by claim type (entities by id or any known name): each type's
// fields as GET /vocabulary serves the table, but a death toll (an object, not one input).
let EDITABLE = {};
const vocabulary = api.get("/vocabulary").then((v) => {
  EDITABLE = Object.fromEntries(v.types.map((t) => [t.type, t.fields.filter((f) => f.json !== "object")]));
}).catch(() => {});  // without it a draft is still shown, accepted or rejected, with no field to edit

function token() { return sessionStorage.getItem("timeline.token") || ""; }

/** RFC 3339 with this browser's offset, to the minute (what a person means by "now"). */
function localNow() {
  const d = new Date();
  const off = -d.getTimezoneOffset();
  const pad = (n) => String(Math.abs(n)).padStart(2, "0");
  const local = new Date(d.getTime() + off * 60e3).toISOString().slice(0, 16);
  return `${local}:00${off >= 0 ? "+" : "-"}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}

class DraftsTab {
  constructor(pane, tab) {
    this.pane = pane;
    this.tab = tab;
    this.draft = null;
    this.build();
    this.wireTab();
  }

  wireTab() {
    const list = this.tab.closest("[role=tablist]");
    this.tab.addEventListener("click", () => this.show());
    for (const other of list.querySelectorAll("[role=tab]")) {
      if (other !== this.tab) other.addEventListener("click", () => this.hide());
    }
  }

  show() {
    for (const other of this.tab.closest("[role=tablist]").querySelectorAll("[role=tab]")) {
      const selected = other === this.tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      const pane = document.getElementById(other.getAttribute("aria-controls"));
      if (pane) pane.hidden = !selected;
    }
    this.tab.focus();
    this.refreshList();
  }

  hide() {
    this.tab.setAttribute("aria-selected", "false");
    this.tab.tabIndex = -1;
    this.pane.hidden = true;
  }

  build() {
    this.tokenInput = el("input", { id: "draft-token", type: "password", autocomplete: "off", spellcheck: "false" });
    this.tokenInput.value = token();
    this.tokenInput.addEventListener("change", () => sessionStorage.setItem("timeline.token", this.tokenInput.value.trim()));
    this.source = el("input", { id: "draft-source", autocomplete: "off", placeholder: "OCHA, Reuters…" });
    this.published = el("input", { id: "draft-published", value: localNow(), spellcheck: "false" });
    this.text = el("textarea", { id: "draft-text", rows: "7", placeholder: "Paste the article: headline, then paragraphs" });
    this.message = el("p", { id: "draft-message", class: "form-result", role: "status", "aria-live": "polite" });
    this.list = el("ul", { id: "draft-list", class: "draft-list" });
    this.review = el("section", { id: "draft-review", class: "draft-review", "aria-label": "Review the draft" });
    const form = el("form", { id: "draft-form", novalidate: true, onsubmit: (e) => { e.preventDefault(); this.propose(); } },
      el("div", { class: "field" }, el("label", { for: "draft-token" }, "Bearer token (writer)"), this.tokenInput),
      el("div", { class: "field" }, el("label", { for: "draft-source" }, "Source"), this.source),
      el("div", { class: "field" }, el("label", { for: "draft-published" }, "Published (RFC 3339, with offset)"), this.published),
      el("div", { class: "field" }, el("label", { for: "draft-text" }, "Article"), this.text),
      el("div", { class: "form-actions" }, el("button", { type: "submit", id: "draft-propose", class: "primary" }, "Propose claims")));
    clear(this.pane, form, this.message, el("h3", {}, "Open drafts"), this.list, this.review);
  }

  say(text, error = false) {
    this.message.textContent = text;
    this.message.classList.toggle("error", error);
  }

  async refreshList() {
    try {
      const page = await api.get("/drafts", { status: "open", limit: 50 });
      clear(this.list, page.items.length ? page.items.map((d) => el("li", {},
        el("button", { type: "button", class: "link", onclick: () => this.open(d) },
          `${(d.source && d.source.name) || "no source"} — ${d.text.slice(0, 60)}…`))) : [el("li", { class: "muted" }, "none")]);
    } catch (e) {
      clear(this.list, el("li", { class: "muted" }, `drafts unavailable: ${e.message}`));
    }
  }

  async propose() {
    sessionStorage.setItem("timeline.token", this.tokenInput.value.trim());
    const body = { text: this.text.value, published_at: this.published.value.trim() };
    if (this.source.value.trim()) body.source = { name: this.source.value.trim() };
    try {
      const draft = await api.post("/drafts", body, token(), { "Idempotency-Key": api.newKey() });
      this.say(`Draft kept: ${draft.proposed.claims.length} claim(s) proposed.`);
      this.open(draft);
      this.refreshList();
    } catch (e) {
      this.say(`Not kept (${e.status}): ${e.message}`, true);
    }
  }

  /** The article with each claim's sentence marked (claims' summaries are their sentences). */
  highlighted(draft) {
    const text = draft.text;
    const spans = [];
    draft.proposed.claims.forEach((c, i) => {
      const at = c.summary ? text.indexOf(c.summary) : -1;
      if (at >= 0) spans.push([at, at + c.summary.length, i]);
    });
    spans.sort((a, b) => a[0] - b[0]);
    const out = [];
    let pos = 0;
    for (const [a, b, i] of spans) {
      if (a < pos) continue;
      out.push(text.slice(pos, a), el("mark", { dataset: { claim: String(i + 1) }, title: `claim ${i + 1}` }, text.slice(a, b)));
      pos = b;
    }
    out.push(text.slice(pos));
    return el("div", { class: "draft-text", id: "draft-article" }, out);
  }

  claimEditor(claim, i) {
    const fields = (EDITABLE[claim.type] || []).map(({ name }) => {
      const value = claim[name];
      const input = el("input", { "data-name": name, id: `draft-c${i}-${name}`,
        value: Array.isArray(value) ? value.join(", ") : (value ?? "") });
      return el("div", { class: "field" }, el("label", { for: `draft-c${i}-${name}` }, name), input);
    });
    const confidence = el("select", { "data-name": "confidence", id: `draft-c${i}-confidence` },
      CONFIDENCES.map((c) => el("option", { value: c, selected: c === claim.confidence }, c)));
    const occurred = el("input", { "data-name": "occurred_at", id: `draft-c${i}-occurred_at`, value: claim.occurred_at || "" });
    return el("fieldset", { class: "claim draft-claim", dataset: { index: String(i) } },
      el("legend", {}, `Claim ${i + 1}: ${claim.type}`),
      el("label", { class: "check" }, el("input", { type: "checkbox", checked: true, "data-name": "keep" }), " file this claim"),
      fields,
      el("div", { class: "field" }, el("label", { for: `draft-c${i}-occurred_at` }, "occurred_at"), occurred),
      el("div", { class: "field" }, el("label", { for: `draft-c${i}-confidence` }, "confidence"), confidence),
      el("p", { class: "hint" }, claim.summary || ""));
  }

  async open(draft) {
    await vocabulary;
    this.draft = draft;
    const p = draft.proposed || {};
    const notes = [];
    if (p.language) notes.push(`language: ${p.language}`);
    for (const u of p.unsupported || []) notes.push(`not read: ${u}`);
    for (const u of p.unresolved || []) notes.push(`unresolved ${u.kind}: “${u.text}” (${u.reason})`);
    this.reason = el("input", { id: "draft-reason", placeholder: "why it is not filed" });
    const decided = draft.status !== "open";
    clear(this.review,
      el("h3", {}, `Draft ${draft.id.slice(0, 8)} — ${draft.status}`),
      this.highlighted(draft),
      notes.length ? el("ul", { class: "muted draft-notes" }, notes.map((n) => el("li", {}, n))) : null,
      el("div", { id: "draft-claims" }, (p.claims || []).map((c, i) => this.claimEditor(c, i))),
      decided ? el("p", { class: "muted" }, draft.report ? `Filed as report ${draft.report}` : `Rejected: ${draft.reason || ""}`) :
        el("div", { class: "form-actions" },
          el("button", { type: "button", id: "draft-accept", class: "primary", onclick: () => this.accept() }, "Accept and file"),
          el("label", { for: "draft-reason" }, "Reason"), this.reason,
          el("button", { type: "button", id: "draft-reject", onclick: () => this.reject() }, "Reject")));
  }

  editedClaims() {
    const claims = [];
    for (const box of this.review.querySelectorAll(".draft-claim")) {
      if (!box.querySelector("[data-name=keep]").checked) continue;
      const original = this.draft.proposed.claims[Number(box.dataset.index)];
      const claim = { ...original };
      const fields = Object.fromEntries((EDITABLE[claim.type] || []).map((f) => [f.name, f]));
      for (const input of box.querySelectorAll("input[data-name], select[data-name]")) {
        const name = input.dataset.name;
        if (name === "keep") continue;
        const value = input.value.trim();
        if (!value) { delete claim[name]; continue; }
        const field = fields[name] || {};
        if (field.many) claim[name] = value.split(",").map((s) => s.trim()).filter(Boolean);
        else if (field.json === "integer" || field.json === "number") claim[name] = Number(value);
        else claim[name] = value;
      }
      claims.push(claim);
    }
    return claims;
  }

  async accept() {
    try {
      const out = await api.post(`/drafts/${this.draft.id}/accept`, { claims: this.editedClaims() }, token(),
        { "Idempotency-Key": api.newKey() });
      this.say(`Accepted: filed as report ${out.report.id} (${out.report.claims.length} claim(s)).`);
      this.open(out.draft);
      this.refreshList();
    } catch (e) {
      const where = e.problem && e.problem.errors ? ` — ${Object.entries(e.problem.errors).map(([k, v]) => `${k}: ${v}`).join("; ")}` : "";
      this.say(`Not filed (${e.status}): ${e.message}${where}`, true);
    }
  }

  async reject() {
    try {
      const out = await api.post(`/drafts/${this.draft.id}/reject`, { reason: this.reason.value.trim() }, token(),
        { "Idempotency-Key": api.newKey() });
      this.say(`Rejected: ${out.reason}`);
      this.open(out);
      this.refreshList();
    } catch (e) {
      this.say(`Not rejected (${e.status}): ${e.message}`, true);
    }
  }
}

const pane = document.getElementById("pane-drafts");
const tab = document.getElementById("tab-drafts");
if (pane && tab) new DraftsTab(pane, tab);
