// The page's only way to the service: the public HTTP API (API.md), same origin.

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

async function answer(response) {
  const text = await response.text();
  let body = null;
  if (text) {
    try { body = JSON.parse(text); } catch { body = { detail: text.slice(0, 300) }; }
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function readHeaders() {
  // Reads are public by default; where the service wants a token for reads too, the one the user
  // pasted into the report form (kept in this tab) is sent.
  const headers = { Accept: "application/json" };
  const token = sessionStorage.getItem("timeline.token");
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

export async function get(path, params, options = {}) {
  const response = await fetch(path + query(params), {
    headers: readHeaders(), signal: options.signal, cache: "no-store",
  });
  return answer(response);
}

/** Every item of a cursor-paginated list (bounded: `maxPages` pages of `limit`). */
export async function getAll(path, params = {}, maxPages = 50) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const body = await get(path, { ...params, limit: params.limit || 1000, cursor });
    items.push(...(body.items || []));
    cursor = body.next;
    if (!cursor) break;
  }
  return items;
}

export async function post(path, body, token, extraHeaders = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json", ...extraHeaders };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  return answer(response);
}

/** Memoised GETs for things that do not change once written (entities, claims' reports). */
const memo = new Map();
export function cached(path) {
  if (!memo.has(path)) {
    const p = get(path).catch((e) => { memo.delete(path); throw e; });
    memo.set(path, p);
  }
  return memo.get(path);
}
export function forget(path) { memo.delete(path); }

/** A fresh Idempotency-Key (crypto.randomUUID exists only in secure contexts). */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
