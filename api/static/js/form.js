// The report form: builds the body `POST /reports` takes, sends it with the pasted token, and
// shows the API's validation errors (problem+json `errors`, keyed by JSON path) at their fields.
// Its claim types and their fields are those `GET /vocabulary` serves (the table the API checks
// claims by): the types the table offers to the form, and the fields it gives a label.

import * as api from "./api.js";
import { STATUS_WORDS, clear, el } from "./util.js";

const OFFSETS = [];
for (let minutes = -12 * 60; minutes <= 14 * 60; minutes += 30) OFFSETS.push(minutes);
OFFSETS.push(5 * 60 + 45);
OFFSETS.sort((a, b) => a - b);
const ZONE_NAMES = { 0: "UTC", 180: "Damascus, Istanbul, Moscow, Baghdad", 120: "Beirut, Jerusalem (winter), Cairo",
  60: "Paris, Berlin (winter)", 210: "Tehran", 240: "Dubai", [-300]: "New York (winter)", [-240]: "New York (summer)",
  [-480]: "California (winter)", 330: "India", 480: "Beijing", 540: "Tokyo" };

function offsetText(minutes) {
  if (minutes === 0) return "Z";
  const sign = minutes < 0 ? "-" : "+";
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

export class ReportForm {
  constructor(formEl, { placeSuggestions, onFiled }) {
    this.form = formEl;
    this.onFiled = onFiled;
    this.placeSuggestions = placeSuggestions;
    this.claimsBox = formEl.querySelector("#claims");
    this.template = document.querySelector("#claim-template");
    this.placeList = el("datalist", { id: "place-names" });
    formEl.append(this.placeList);
    this.counter = 0;
    const zone = formEl.querySelector("#zone");
    clear(zone, OFFSETS.map((m) => el("option", { value: offsetText(m), selected: m === 180 },
      `UTC${m === 0 ? "" : offsetText(m)}${ZONE_NAMES[m] ? ` (${ZONE_NAMES[m]})` : ""}`)));
    const token = formEl.querySelector("#token");
    token.value = sessionStorage.getItem("timeline.token") || "";
    token.addEventListener("change", () => sessionStorage.setItem("timeline.token", token.value.trim()));
    formEl.querySelector("#add-claim").addEventListener("click", () => this.addClaim()?.querySelector("select").focus());
    formEl.addEventListener("submit", (e) => { e.preventDefault(); this.submit(); });
    this.types = null;
    this.ready = api.get("/vocabulary").then((vocabulary) => {
      this.types = new Map(vocabulary.types.filter((t) => t.form).map((t) => [t.type, t]));
      this.addClaim();
    }).catch((e) => {
      const result = formEl.querySelector("#form-result");
      result.className = "form-result";
      result.textContent = `Could not load the claim types (GET /vocabulary): ${e.message}`;
    });
  }

  addClaim(values = {}) {
    if (!this.types) return null;  // the vocabulary is not loaded yet
    const node = this.template.content.firstElementChild.cloneNode(true);
    node.dataset.key = String(++this.counter);
    this.claimsBox.append(node);
    const type = node.querySelector('[data-name="type"]');
    clear(type, [...this.types.values()].map((t) => el("option", { value: t.type }, t.form)));
    type.value = values.type || this.types.keys().next().value;
    type.addEventListener("change", () => this.renderTypeFields(node));
    node.querySelector(".remove-claim").addEventListener("click", () => {
      if (this.claims().length > 1) {
        node.remove();
        this.renumber();
        this.claims()[0].querySelector("select").focus();
      }
    });
    this.renderTypeFields(node, values);
    this.renumber();
    return node;
  }

  claims() { return [...this.claimsBox.querySelectorAll("fieldset.claim")]; }

  renderTypeFields(node, values = {}) {
    const ctype = node.querySelector('[data-name="type"]').value;
    const box = node.querySelector(".claim-fields");
    const rows = this.types.get(ctype).fields.filter((f) => f.label).map(({ name, form: kind, required, label, enum: options }) => {
      let control;
      if (kind === "status") {
        control = el("select", { "data-name": name }, options.map((v) => el("option", { value: v }, STATUS_WORDS[v] || v)));
      } else if (kind === "textarea") {
        control = el("textarea", { "data-name": name, rows: "2" });
      } else if (kind === "factions") {
        const list = el("div", { class: "list-inputs", "data-name": name, "data-list": "true" });
        const add = () => list.append(el("input", { list: "faction-names", autocomplete: "off", "data-item": "true" }));
        add(); add();
        control = el("div", {}, list, el("button", { type: "button", onclick: () => { add(); this.renumber(); } }, "Add a faction"));
      } else {
        const attrs = { "data-name": name, autocomplete: "off" };
        if (kind === "place") attrs.list = "place-names";
        if (kind === "faction") attrs.list = "faction-names";
        if (kind === "leader") attrs.list = "leader-names";
        if (kind === "count") { attrs.type = "number"; attrs.min = "0"; attrs.step = "1"; attrs["data-kind"] = "count"; }
        if (kind === "claim") attrs.spellcheck = "false";
        control = el("input", attrs);
        if (kind === "place") this.placeSuggestions(control, this.placeList);
      }
      if (values[name] !== undefined && control.matches("input, select, textarea")) control.value = values[name];
      return el("div", { class: "field" }, el("label", { "data-for": name }, label, required ? el("span", { class: "req" }, " (required)") : null), control);
    });
    clear(box, rows);
    this.renumber();
  }

  renumber() {
    // ids, label targets and JSON paths follow the claims' order, as the API's errors do.
    this.claims().forEach((node, i) => {
      node.querySelector(".claim-no").textContent = String(i + 1);
      node.dataset.path = `claims.${i}`;
      node.querySelector(".remove-claim").hidden = this.claims().length < 2;
      for (const control of node.querySelectorAll("[data-name]")) {
        const name = control.dataset.name;
        const id = `claim-${i}-${name}`;
        const label = node.querySelector(`label[data-for="${name}"]`);
        if (control.dataset.list) {
          control.dataset.path = `claims.${i}.${name}`;
          control.id = id;
          control.setAttribute("role", "group");
          if (label) { label.id = `${id}-label`; control.setAttribute("aria-labelledby", label.id); label.removeAttribute("for"); }
          [...control.querySelectorAll("[data-item]")].forEach((input, n) => {
            input.id = `${id}-${n}`;
            input.dataset.path = `claims.${i}.${name}.${n}`;
            input.setAttribute("aria-label", `${label ? label.firstChild.textContent : name} ${n + 1}`);
          });
        } else {
          control.id = id;
          control.dataset.path = `claims.${i}.${name}`;
          if (label) label.htmlFor = id;
        }
      }
    });
  }

  zone() { return this.form.querySelector("#zone").value; }

  time(value) {
    if (!value) return undefined;
    const withSeconds = value.length === 16 ? `${value}:00` : value;
    return `${withSeconds}${this.zone()}`;
  }

  body() {
    const v = (id) => this.form.querySelector(id).value.trim();
    const source = { name: v("#source-name") };
    if (v("#source-url")) source.url = v("#source-url");
    if (v("#source-kind")) source.kind = v("#source-kind");
    const body = { source, published_at: this.time(v("#published-at")) };
    for (const [key, id] of [["headline", "#headline"], ["body", "#body"], ["language", "#language"]]) {
      if (v(id)) body[key] = v(id);
    }
    body.claims = this.claims().map((node) => {
      const claim = {};
      for (const control of node.querySelectorAll("[data-name]")) {
        const name = control.dataset.name;
        if (control.dataset.list) {
          const items = [...control.querySelectorAll("input")].map((i) => i.value.trim()).filter(Boolean);
          if (items.length) claim[name] = items;
          continue;
        }
        const value = control.value.trim();
        if (!value) continue;
        if (name === "occurred_at") claim[name] = this.time(value);
        else if (control.dataset.kind === "count") claim[name] = /^\d+$/.test(value) ? Number(value) : value;
        else claim[name] = value;
      }
      return claim;
    });
    return body;
  }

  clearErrors() {
    for (const node of this.form.querySelectorAll(".field-error")) node.remove();
    for (const node of this.form.querySelectorAll("[aria-invalid]")) {
      node.removeAttribute("aria-invalid");
      const described = (node.getAttribute("aria-describedby") || "").split(" ").filter((d) => !d.startsWith("err-"));
      if (described.length) node.setAttribute("aria-describedby", described.join(" "));
      else node.removeAttribute("aria-describedby");
    }
    const summary = this.form.querySelector("#form-summary");
    summary.hidden = true;
    clear(summary);
  }

  fieldFor(path) {
    // The control a JSON path names, or the closest enclosing one (`claims.0.factions.1` -> the list).
    const parts = path.split(".");
    while (parts.length) {
      const found = this.form.querySelector(`[data-path="${CSS.escape(parts.join("."))}"]`);
      if (found) return found;
      parts.pop();
    }
    return null;
  }

  showErrors(errors, fallback) {
    const summary = this.form.querySelector("#form-summary");
    const entries = Object.entries(errors || {});
    const list = el("ul");
    let n = 0;
    for (const [path, messages] of entries) {
      const text = (Array.isArray(messages) ? messages : [messages]).join(" ");
      const field = this.fieldFor(path);
      const errId = `err-${++n}`;
      if (field) {
        const message = el("p", { class: "field-error", id: errId, dataset: { errorFor: path } }, text);
        const anchor = field.closest(".field") || field;
        if (field.tagName === "FIELDSET") field.querySelector("legend").after(message);
        else if (anchor === field) field.after(message);
        else anchor.append(message);
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("aria-describedby", [field.getAttribute("aria-describedby"), errId].filter(Boolean).join(" "));
        const target = field.matches("input, select, textarea") ? field : field.querySelector("input, select, textarea");
        list.append(el("li", {}, el("a", {
          href: `#${target?.id || field.id}`,
          onclick: (e) => { e.preventDefault(); (target || field).focus(); },
        }, path), `: ${text}`));
      } else {
        list.append(el("li", {}, `${path}: ${text}`));
      }
    }
    clear(summary, el("strong", {}, fallback), entries.length ? list : null);
    summary.hidden = false;
    summary.focus();
  }

  async submit() {
    const button = this.form.querySelector("#submit-report");
    const result = this.form.querySelector("#form-result");
    this.clearErrors();
    result.textContent = "";
    result.className = "form-result";
    const token = this.form.querySelector("#token").value.trim();
    sessionStorage.setItem("timeline.token", token);
    if (!token) {
      this.showErrors({ token: ["paste a writer token: the service takes reports only from its writers"] },
        "The report was not sent.");
      return;
    }
    button.disabled = true;
    result.textContent = "Sending…";
    // One Idempotency-Key per report as composed: sending it again (a lost answer, a second
    // click) gets the first answer back instead of filing it twice; any edit makes a new report.
    const body = this.body();
    const text = JSON.stringify(body);
    if (!this.attempt || this.attempt.text !== text) this.attempt = { text, key: api.newKey() };
    try {
      const created = await api.post("/reports", body, token, { "Idempotency-Key": this.attempt.key });
      result.className = "form-result ok";
      clear(result, `Filed: ${created.claims.length} claim${created.claims.length === 1 ? "" : "s"}, recorded at @${created.position}. `,
        el("a", { href: `/reports/${encodeURIComponent(created.id)}`, target: "_blank", rel: "noopener", dataset: { reportId: created.id } }, "The report as stored"));
      this.form.dataset.lastReport = created.id;
      this.attempt = null;
      // The next report starts blank but for its source, which is often the same.
      for (const id of ["#headline", "#body"]) this.form.querySelector(id).value = "";
      for (const node of this.claims()) node.remove();
      this.addClaim();
      this.onFiled(created);
    } catch (e) {
      result.textContent = "";
      if (!(e instanceof api.ApiError)) {
        this.showErrors({}, `The report was not sent: ${e.message}`);
      } else if (e.status === 401 || e.status === 403) {
        this.showErrors({ token: [e.message] }, `The service refused the token (${e.status}); nothing was stored.`);
      } else {
        const errors = e.problem.errors || {};
        this.showErrors(errors, `${e.problem.title || "Error"} (${e.status}): ${Object.keys(errors).length
          ? "nothing was stored; see the fields marked below." : e.message}`);
      }
    } finally {
      button.disabled = false;
    }
  }

  /** Start a correction of an earlier claim (from the place panel). */
  correct(claimId, ctype = "retract") {
    if (!this.types) { this.ready.then(() => this.correct(claimId, ctype)); return; }
    const claims = this.claims();
    const blank = claims.length === 1 && ![...claims[0].querySelectorAll("input, textarea")].some((i) => i.value);
    if (blank) claims[0].remove();
    const node = this.addClaim({ type: ctype, claim: claimId });
    node.querySelector('[data-name="reason"]')?.focus();
  }
}
