// detente web app: a small vanilla-JS client of the JSON API (no framework, no build step, no
// network beyond this server). Every text a user typed reaches the page through text nodes
// (h() below never parses HTML), so names are escaped wherever they are shown.
"use strict";

// ---------------------------------------------------------------------------------------------
// DOM helpers
const $ = (id) => document.getElementById(id);
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "value") el.value = v;
    else if (k === "checked") el.checked = !!v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const SVGNS = "http://www.w3.org/2000/svg";
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v); else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}
function debounce(fn, ms) { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); }; }

// The identifier expressions use for a name as written (same rule as detente.model.names).
const KEYWORDS = new Set(["and", "or", "not", "if", "else", "iff", "implies", "true", "false"]);
function identifier(text, fallback) {
  text = String(text || "");
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text) && text === text.toLowerCase() && text[0] !== "_" && !text.endsWith("_"))
    return KEYWORDS.has(text) ? text + "_" : text;
  let t = text.normalize("NFKD").replace(/[^\x00-\x7f]/g, "").replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase();
  if (!t) t = fallback || "name";
  if (/^[0-9]/.test(t)) t = "_" + t;
  if (KEYWORDS.has(t)) t += "_";
  return t;
}

// ---------------------------------------------------------------------------------------------
// API
class ApiError extends Error {
  constructor(status, detail) { super((detail && (detail.message || detail.error)) || ("HTTP " + status)); this.status = status; this.detail = detail || {}; }
}
async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const r = await fetch(path, opts);
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
  if (!r.ok) throw new ApiError(r.status, data && data.detail);
  return data;
}
let currentJob = null;
async function runJob(task, body, label) {
  // A background job with progress and a Cancel button; resolves with its result.
  const job = await api("POST", "/api/jobs/" + task, body);
  currentJob = job.id;
  $("status").hidden = false;
  $("status-text").textContent = label || ("Computing " + task + "…");
  const bar = $("status-progress");
  bar.removeAttribute("value");
  try {
    for (;;) {
      const st = await api("GET", "/api/job/" + job.id);
      if (st.total > 0) { bar.max = st.total; bar.value = st.done; }
      $("status-text").textContent = (label || ("Computing " + task)) + " … " + st.elapsed.toFixed(1) + " s" +
        (st.total > 0 ? ` (${st.done} of ${st.total})` : "");
      if (st.state === "done") return st.result;
      if (st.state !== "running") throw new ApiError(422, st.error || { message: st.state });
      await new Promise((res) => setTimeout(res, 200));
    }
  } finally {
    if (currentJob === job.id) { currentJob = null; $("status").hidden = true; }
  }
}

// ---------------------------------------------------------------------------------------------
// The model being built: plain objects close to the scenario format
const REVERSIBLE = [["both", "reversible"], ["forward", "irreversible once taken"], ["backward", "only dropped, never retaken"]];
function newDM(name) { return { name: name || "", description: "", options: [], pref: { kind: "prioritization", statements: [], ranking: [], formula: "" } }; }
function emptyModel() {
  return { name: "", description: "", parameters: [], definitions: [], dms: [], feas: { infeasible: [], mutex: [], atleast: [], implications: [] },
           outcomes: [], status_quo: "", perspectives: [], perceptions: [], coalitions: [], extra: {} };
}
// Parts of a scenario the forms do not edit (beliefs, sweeps, a graph form, labels, units, ...)
// are kept as they were read and written back unchanged.
function rest(obj, keys) {
  const out = {};
  if (obj && typeof obj === "object" && !Array.isArray(obj)) for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
  return out;
}
const TOP_KEYS = ["name", "description", "parameters", "definitions", "decision_makers", "feasibility", "outcomes", "status_quo",
                  "perspectives", "perceptions", "coalitions"];
let model = emptyModel();
let lastCheck = null;          // the last /api/validate answer
let savedName = "";
let dirty = false;

function optKey(dm, o) { return identifier(dm.name, "dm") + "." + identifier(o.name, "option"); }
function allOptions() { const out = []; for (const dm of model.dms) for (const o of dm.options) out.push({ dm, o, key: optKey(dm, o) }); return out; }
function findOption(key) {
  const k = String(key).trim().toLowerCase();
  for (const x of allOptions()) if (x.key.toLowerCase() === k) return x.o;
  return null;
}
function prefData(p) {
  if (p.kind === "ranking") return { ranking: p.ranking.map((g) => (g.length === 1 ? g[0] : g.slice())) };
  if (p.kind === "payoff") return { payoff: p.payoffParams ? { formula: p.formula, parameters: p.payoffParams } : p.formula };
  return { prioritization: p.statements.slice() };
}
function toData() {
  const d = { name: model.name || "untitled" };
  if (model.description) d.description = model.description;
  if (model.parameters.length) {
    d.parameters = {};
    for (const p of model.parameters) {
      const spec = Object.assign({ value: Number(p.value) }, p.extra || {});
      if (p.lo !== "" && p.hi !== "" && p.lo !== undefined && p.hi !== undefined) spec.range = [Number(p.lo), Number(p.hi)];
      if (p.source) spec.source = p.source;
      if (p.unit) spec.unit = p.unit;
      d.parameters[p.name] = Object.keys(spec).length === 1 ? spec.value : spec;
    }
  }
  if (model.definitions.length) { d.definitions = {}; for (const x of model.definitions) d.definitions[x.name] = x.text; }
  Object.assign(d, model.extra || {});
  d.decision_makers = model.dms.map((dm) => {
    const out = Object.assign({ name: dm.name }, dm.extra || {}, {
      options: dm.options.map((o) => Object.assign({ name: o.name }, o.extra || {}, o.reversible === "both" ? {} : { reversible: o.reversible })),
      preferences: prefData(dm.pref) });
    if (dm.description) out.description = dm.description;
    return out;
  });
  const f = {};
  if (model.feas.infeasible.length) f.infeasible = model.feas.infeasible.slice();
  const group = (g) => g.map((o) => { const x = allOptions().find((y) => y.o === o); return x ? x.key : "?"; });
  if (model.feas.mutex.length) f.mutually_exclusive = model.feas.mutex.map(group);
  if (model.feas.atleast.length) f.at_least_one = model.feas.atleast.map(group);
  if (model.feas.implications.length) f.implications = model.feas.implications.map((x) => ({ if: x.if, then: x.then }));
  if (Object.keys(f).length) d.feasibility = f;
  if (model.outcomes.length) { d.outcomes = {}; for (const o of model.outcomes) d.outcomes[o.name] = o.condition; }
  if (model.status_quo) d.status_quo = /^\d+$/.test(model.status_quo) ? Number(model.status_quo) : model.status_quo;
  if (model.perspectives.length) {
    d.perspectives = {};
    for (const p of model.perspectives) {
      const spec = Object.assign({}, p.extra || {});
      if (p.description) spec.description = p.description;
      const params = parsePairs(p.parameters);
      if (Object.keys(params).length) spec.parameters = params;
      const prefs = {};
      for (const [dm, pr] of Object.entries(p.prefs)) if (pr.kind !== "same") prefs[dm] = prefData(pr);
      if (Object.keys(prefs).length) spec.preferences = prefs;
      d.perspectives[p.name] = spec;
    }
  }
  if (model.perceptions.length) {
    d.perceptions = {};
    for (const p of model.perceptions) {
      const spec = Object.assign({}, p.extra || {});
      if (p.description) spec.description = p.description;
      const prefs = {};
      for (const [dm, pr] of Object.entries(p.prefs)) if (pr.kind !== "same") prefs[dm] = prefData(pr);
      if (Object.keys(prefs).length) spec.preferences = prefs;
      if (p.unaware.length) spec.unaware_options = p.unaware.slice();
      d.perceptions[p.dm] = spec;
    }
  }
  if (model.coalitions.length) d.coalitions = model.coalitions.map((c) => c.slice());
  return d;
}
function parsePairs(text) {
  const out = {};
  for (const part of String(text || "").split(",")) {
    const [k, v] = part.split("=").map((x) => (x || "").trim());
    if (k && v !== undefined && v !== "" && !Number.isNaN(Number(v))) out[k] = Number(v);
  }
  return out;
}
function pairsText(obj) { return Object.entries(obj || {}).map(([k, v]) => `${k}=${v}`).join(", "); }
function prefFrom(spec) {
  const p = { kind: "prioritization", statements: [], ranking: [], formula: "" };
  if (!spec || typeof spec !== "object") return p;
  if (Array.isArray(spec.prioritization)) { p.kind = "prioritization"; p.statements = spec.prioritization.map(String); }
  else if (Array.isArray(spec.ranking)) { p.kind = "ranking"; p.ranking = spec.ranking.map((g) => (Array.isArray(g) ? g.map(Number) : [Number(g)])); }
  else if (spec.payoff !== undefined && spec.payoff !== null) {
    p.kind = "payoff";
    p.formula = typeof spec.payoff === "object" ? String(spec.payoff.formula || "") : String(spec.payoff);
    if (typeof spec.payoff === "object" && spec.payoff.parameters) p.payoffParams = spec.payoff.parameters;
  }
  return p;
}
function fromData(data) {
  const m = emptyModel();
  if (!data || typeof data !== "object") return m;
  m.name = String(data.name || ""); m.description = String(data.description || "");
  m.extra = rest(data, TOP_KEYS);
  for (const [k, v] of Object.entries(data.parameters || {})) {
    if (v && typeof v === "object") m.parameters.push({ name: k, value: v.value, lo: v.range ? v.range[0] : "", hi: v.range ? v.range[1] : "", source: v.source || "", unit: v.unit || "",
                                                        extra: rest(v, ["value", "range", "source", "unit"]) });
    else m.parameters.push({ name: k, value: v, lo: "", hi: "", source: "", unit: "" });
  }
  for (const [k, v] of Object.entries(data.definitions || {})) m.definitions.push({ name: k, text: String(v) });
  for (const spec of (Array.isArray(data.decision_makers) ? data.decision_makers : [])) {
    if (!spec || typeof spec !== "object") continue;
    const dm = newDM(String(spec.name || ""));
    dm.description = String(spec.description || "");
    dm.extra = rest(spec, ["name", "description", "options", "preferences"]);
    for (const o of (Array.isArray(spec.options) ? spec.options : [])) {
      if (typeof o === "string") dm.options.push({ name: o, reversible: "both" });
      else if (o && typeof o === "object") {
        let r = String(o.reversible || "both").toLowerCase();
        r = { irreversible: "forward", fwd: "forward", "n->y": "forward", back: "backward", "y->n": "backward" }[r] || r;
        dm.options.push({ name: String(o.name || ""), reversible: ["both", "forward", "backward"].includes(r) ? r : "both", extra: rest(o, ["name", "reversible"]) });
      }
    }
    dm.pref = prefFrom(spec.preferences);
    m.dms.push(dm);
  }
  model = m;   // findOption looks at the new model
  const f = data.feasibility || {};
  m.feas.infeasible = (f.infeasible || []).map(String);
  for (const pat of (f.patterns || [])) {
    m.feas.infeasible.push(Object.entries(pat).map(([k, v]) => ([true, "Y", "y", "yes", "Yes"].includes(v) ? k : "not " + k)).join(" and "));
  }
  const groups = (gs) => (gs || []).map((g) => g.map(findOption).filter(Boolean));
  m.feas.mutex = groups(f.mutually_exclusive); m.feas.atleast = groups(f.at_least_one);
  m.feas.implications = (f.implications || []).map((x) => {
    if (typeof x === "string") { const i = x.indexOf("->"); return i >= 0 ? { if: x.slice(0, i).trim(), then: x.slice(i + 2).trim() } : { if: x, then: "" }; }
    return { if: String(x.if || ""), then: String(x.then || "") };
  });
  for (const [k, v] of Object.entries(data.outcomes || {})) m.outcomes.push({ name: k, condition: Array.isArray(v) ? v.join(", ") : String(v) });
  m.status_quo = data.status_quo === undefined || data.status_quo === null ? "" : String(data.status_quo);
  for (const [k, v] of Object.entries(data.perspectives || {})) {
    const prefs = {};
    for (const [dm, pr] of Object.entries((v && v.preferences) || {})) prefs[dm] = prefFrom(pr);
    m.perspectives.push({ name: k, description: String((v && v.description) || ""), parameters: pairsText(v && v.parameters), prefs,
                          extra: rest(v, ["description", "parameters", "preferences"]) });
  }
  for (const [k, v] of Object.entries(data.perceptions || {})) {
    const prefs = {};
    for (const [dm, pr] of Object.entries((v && v.preferences) || {})) prefs[dm] = prefFrom(pr);
    m.perceptions.push({ dm: k, description: String((v && v.description) || ""), prefs, unaware: ((v && v.unaware_options) || []).map(String),
                         extra: rest(v, ["description", "preferences", "unaware_options"]) });
  }
  m.coalitions = (data.coalitions || []).map((c) => c.map(String));
  return m;
}

// ---------------------------------------------------------------------------------------------
// Builder forms
function changed(rerender) {
  dirty = true;
  document.body.dataset.valid = "pending";   // until the check of this edit comes back
  $("save-status").textContent = savedName ? `${savedName}: unsaved changes` : "not saved yet";
  localStorage.setItem("detente.draft", JSON.stringify({ name: savedName, data: toData() }));
  if (rerender) render();
  scheduleCheck();
}
function field(path) { return { "data-field": path }; }
function moveItem(arr, i, d) { const j = i + d; if (j < 0 || j >= arr.length) return; [arr[i], arr[j]] = [arr[j], arr[i]]; }
function listControls(arr, i) {
  return [h("button", { class: "icon", title: "move up", "aria-label": "move up", onclick: () => { moveItem(arr, i, -1); changed(true); } }, "↑"),
          h("button", { class: "icon", title: "move down", "aria-label": "move down", onclick: () => { moveItem(arr, i, 1); changed(true); } }, "↓"),
          h("button", { class: "icon", title: "delete", "aria-label": "delete", onclick: () => { arr.splice(i, 1); changed(true); } }, "✕")];
}
function textInput(obj, key, attrs) {
  return h("input", Object.assign({ value: obj[key] ?? "", oninput: (e) => { obj[key] = e.target.value; changed(false); } }, attrs || {}));
}
function stateLabel(id) {
  const st = lastCheck && lastCheck.states ? lastCheck.states[id - 1] : null;
  return st ? `${id} [${st.pattern}] ${st.meaning}` : String(id);
}

function render() {
  const root = $("builder");
  root.replaceChildren(
    sectionModel(), sectionDMs(), sectionFeasibility(), sectionPreferences(), sectionOutcomes(),
    sectionParameters(), sectionPerspectives(), sectionPerceptions(), sectionCoalitions());
  showProblems();
  fillPerspectiveSelect();
}
function sectionModel() {
  return h("div", { class: "card" }, h("h2", {}, "Model"),
    h("div", { class: "row wrap" }, h("label", { class: "row", style: "flex:1 1 16em" }, "Title ", textInput(model, "name", { class: "name", id: "title", ...field("name") }))),
    h("textarea", { rows: 2, placeholder: "What the conflict is about (optional)", oninput: (e) => { model.description = e.target.value; changed(false); } }, model.description));
}
function sectionDMs() {
  const card = h("div", { class: "card", id: "dms" }, h("h2", {}, "Decision makers and options"));
  model.dms.forEach((dm, i) => {
    const opts = h("ul", { class: "list" });
    dm.options.forEach((o, k) => {
      opts.append(h("li", {},
        textInput(o, "name", { class: "name opt-name", placeholder: "option, as you would say it", "aria-label": "option name", ...field(`decision_makers[${i}].options[${k}]`),
                               oninput: (e) => { o.name = e.target.value; e.target.parentNode.querySelector(".ident").textContent = optKey(dm, o); changed(false); } }),
        h("span", { class: "ident", title: "use this in conditions" }, optKey(dm, o)),
        h("select", { class: "reversible", "aria-label": "reversibility", onchange: (e) => { o.reversible = e.target.value; changed(false); } },
          REVERSIBLE.map(([v, t]) => h("option", { value: v, selected: o.reversible === v }, t))),
        listControls(dm.options, k)));
    });
    card.append(h("div", { class: "dm" },
      h("div", { class: "row wrap" },
        h("label", {}, `Decision maker ${i + 1} `),
        textInput(dm, "name", { class: "name dm-name", placeholder: "name, e.g. Ministry of the Environment", "aria-label": "decision maker name", ...field(`decision_makers[${i}].name`),
                                oninput: (e) => { dm.name = e.target.value; changed(false); } }),
        h("span", { class: "ident" }, identifier(dm.name, "dm")),
        listControls(model.dms, i)),
      opts,
      h("button", { class: "secondary add-option", onclick: () => { dm.options.push({ name: "", reversible: "both" }); changed(true); focusLast(".opt-name", i); } }, "+ option")));
  });
  card.append(h("button", { id: "add-dm", onclick: () => { model.dms.push(newDM("")); changed(true); focusLast(".dm-name"); } }, "+ decision maker"));
  return card;
}
function focusLast(sel, dmIndex) {
  const scope = dmIndex === undefined ? document : document.querySelectorAll("#dms .dm")[dmIndex];
  const all = scope ? scope.querySelectorAll(sel) : [];
  if (all.length) all[all.length - 1].focus();
}
function groupEditor(title, groups, kind) {
  const box = h("div", {}, h("h3", {}, title));
  groups.forEach((g, gi) => {
    const fieldName = kind === "mutex" ? "mutually_exclusive" : "at_least_one";
    box.append(h("div", { class: "row wrap group", ...field(`feasibility.${fieldName}[${gi}]`) },
      allOptions().map((x) => h("label", {}, h("input", { type: "checkbox", checked: g.includes(x.o), "data-key": x.key,
        onchange: (e) => { if (e.target.checked) g.push(x.o); else g.splice(g.indexOf(x.o), 1); changed(false); } }), " " + x.key)),
      h("button", { class: "icon", "aria-label": "delete group", onclick: () => { groups.splice(gi, 1); changed(true); } }, "✕")));
  });
  box.append(h("button", { class: "secondary", "data-add": kind, onclick: () => { groups.push([]); changed(true); } }, "+ group"));
  return box;
}
function sectionFeasibility() {
  const f = model.feas;
  const inf = h("ul", { class: "list" });
  f.infeasible.forEach((t, i) => inf.append(h("li", {},
    h("input", { class: "expr infeasible", value: t, placeholder: "condition that cannot happen, e.g. a.x and b.y", ...field(`feasibility.infeasible[${i}]`),
                 oninput: (e) => { f.infeasible[i] = e.target.value; changed(false); } }), listControls(f.infeasible, i))));
  const imp = h("ul", { class: "list" });
  f.implications.forEach((x, i) => imp.append(h("li", {}, "if ",
    h("input", { class: "expr", value: x.if, ...field(`feasibility.implications[${i}]`), oninput: (e) => { x.if = e.target.value; changed(false); } }), " then ",
    h("input", { class: "expr", value: x.then, oninput: (e) => { x.then = e.target.value; changed(false); } }), listControls(f.implications, i))));
  return h("div", { class: "card", id: "feasibility" }, h("h2", {}, "Feasibility"),
    h("p", { id: "feasible-count", class: "ok" }, feasibleText()),
    h("h3", {}, "Infeasible states"), inf,
    h("button", { class: "secondary", id: "add-infeasible", onclick: () => { f.infeasible.push(""); changed(true); focusLast(".infeasible"); } }, "+ infeasible condition"),
    groupEditor("Mutually exclusive (at most one of)", f.mutex, "mutex"),
    groupEditor("At least one of", f.atleast, "atleast"),
    h("h3", {}, "Implications"), imp,
    h("button", { class: "secondary", onclick: () => { f.implications.push({ if: "", then: "" }); changed(true); } }, "+ implication"));
}
function feasibleText() {
  if (!lastCheck || !lastCheck.ok) return lastCheck && lastCheck.n_states ? "" : "feasible states: (fix the problems above)";
  return `${lastCheck.n_states} feasible state${lastCheck.n_states === 1 ? "" : "s"} of ${lastCheck.n_possible}`;
}
function prefEditor(p, path, dmName, allowSame) {
  const box = h("div", { class: "pref" });
  const kinds = [["prioritization", "option prioritization"], ["ranking", "direct ranking of states"], ["payoff", "payoff formula"]];
  if (allowSame) kinds.unshift(["same", "as in the model"]);
  box.append(h("div", { class: "row wrap" }, h("label", {}, "Preferences by ",
    h("select", { class: "pref-kind", onchange: (e) => {
      p.kind = e.target.value;
      if (p.kind === "ranking" && !p.ranking.length && lastCheck && lastCheck.rankings && lastCheck.rankings[dmName]) p.ranking = lastCheck.rankings[dmName].map((g) => g.slice());
      changed(true);
    } }, kinds.map(([v, t]) => h("option", { value: v, selected: p.kind === v }, t))))));
  if (p.kind === "prioritization") {
    const list = h("ol", { class: "list statements" });
    p.statements.forEach((t, i) => list.append(h("li", {}, `${i + 1}.`,
      h("input", { class: "expr statement", value: t, placeholder: "a condition this DM wants, e.g. not b.y", ...field(`${path}.prioritization[${i}]`),
                   oninput: (e) => { p.statements[i] = e.target.value; changed(false); } }), listControls(p.statements, i))));
    box.append(h("p", { class: "muted" }, "Statements, most important first: a state is better when it satisfies a more important one."), list,
      h("button", { class: "secondary add-statement", onclick: (e) => { p.statements.push(""); changed(true); } }, "+ statement"));
    if (!allowSame) box.append(h("div", { class: "live-ranking", "data-dm": dmName }));
  } else if (p.kind === "ranking") {
    box.append(h("p", { class: "muted" }, "Drag states (or use ↑ ↓), best first; “tie” joins a state to the one above."));
    const flat = [];
    p.ranking.forEach((g, gi) => g.forEach((sid, k) => flat.push({ sid, tied: k > 0 })));
    const ul = h("ul", { class: "list drag", ...field(`${path}.ranking`) });
    const rebuild = () => { const groups = []; for (const x of flat) { if (x.tied && groups.length) groups[groups.length - 1].push(x.sid); else groups.push([x.sid]); } p.ranking = groups; changed(true); };
    flat.forEach((x, i) => {
      const li = h("li", { draggable: "true", class: x.tied ? "tied" : "", "data-state": x.sid,
        ondragstart: (e) => { e.dataTransfer.setData("text/plain", String(i)); },
        ondragover: (e) => e.preventDefault(),
        ondrop: (e) => { e.preventDefault(); const from = Number(e.dataTransfer.getData("text/plain")); const [it] = flat.splice(from, 1); flat.splice(i, 0, it); rebuild(); } },
        h("span", {}, stateLabel(x.sid)),
        h("button", { class: "icon", "aria-label": "up", onclick: () => { moveItem(flat, i, -1); rebuild(); } }, "↑"),
        h("button", { class: "icon", "aria-label": "down", onclick: () => { moveItem(flat, i, 1); rebuild(); } }, "↓"),
        h("label", {}, h("input", { type: "checkbox", checked: x.tied, onchange: (e) => { x.tied = e.target.checked; rebuild(); } }), " tie"));
      ul.append(li);
    });
    if (!flat.length) ul.append(h("li", {}, "(no states yet: add options and fix the problems above)"));
    box.append(ul);
  } else if (p.kind === "payoff") {
    box.append(h("div", { class: "row" }, h("input", { class: "expr payoff", value: p.formula, placeholder: "e.g. 3*b.y - 2*a.x + k", ...field(`${path}.payoff`),
      oninput: (e) => { p.formula = e.target.value; changed(false); } })),
      h("p", { class: "muted" }, "Higher is better; use option identifiers (1 when taken), parameters and functions."));
    if (!allowSame) box.append(h("div", { class: "live-ranking", "data-dm": dmName }));
  }
  return box;
}
function sectionPreferences() {
  const card = h("div", { class: "card", id: "preferences" }, h("h2", {}, "Preferences"));
  model.dms.forEach((dm, i) => card.append(h("div", { class: "dm", "data-dm-index": i }, h("h3", {}, dm.name || `Decision maker ${i + 1}`),
    prefEditor(dm.pref, `decision_makers[${i}].preferences`, dm.name, false))));
  return card;
}
function sectionOutcomes() {
  const ul = h("ul", { class: "list" });
  model.outcomes.forEach((o, i) => ul.append(h("li", {},
    h("input", { class: "name", value: o.name, placeholder: "name", oninput: (e) => { o.name = e.target.value; changed(false); } }),
    h("input", { class: "expr", value: o.condition, placeholder: "condition or state numbers", ...field(`outcomes.${o.name}`), oninput: (e) => { o.condition = e.target.value; changed(false); } }),
    listControls(model.outcomes, i))));
  return h("div", { class: "card" }, h("h2", {}, "Named outcomes and status quo"), ul,
    h("button", { class: "secondary", onclick: () => { model.outcomes.push({ name: "", condition: "" }); changed(true); } }, "+ outcome"),
    h("div", { class: "row wrap" }, h("label", {}, "Status quo ", h("input", { class: "expr", value: model.status_quo, placeholder: "state number, outcome name or condition", ...field("status_quo"),
      oninput: (e) => { model.status_quo = e.target.value; changed(false); } }))));
}
function sectionParameters() {
  const ul = h("ul", { class: "list" });
  model.parameters.forEach((p, i) => ul.append(h("li", {},
    h("input", { class: "name", value: p.name, placeholder: "name", "aria-label": "parameter name", ...field(`parameters.${p.name}`), oninput: (e) => { p.name = e.target.value; changed(false); } }),
    "=", h("input", { class: "num", value: p.value, type: "number", step: "any", "aria-label": "value", oninput: (e) => { p.value = e.target.value; changed(false); } }),
    "range", h("input", { class: "num", value: p.lo, type: "number", step: "any", "aria-label": "low", oninput: (e) => { p.lo = e.target.value; changed(false); } }),
    "–", h("input", { class: "num", value: p.hi, type: "number", step: "any", "aria-label": "high", oninput: (e) => { p.hi = e.target.value; changed(false); } }),
    h("input", { class: "name", value: p.source, placeholder: "source", oninput: (e) => { p.source = e.target.value; changed(false); } }),
    listControls(model.parameters, i))));
  const defs = h("ul", { class: "list" });
  model.definitions.forEach((d, i) => defs.append(h("li", {},
    h("input", { class: "name", value: d.name, placeholder: "name", oninput: (e) => { d.name = e.target.value; changed(false); } }), "=",
    h("input", { class: "expr", value: d.text, placeholder: "condition or formula", ...field(`definitions.${d.name}`), oninput: (e) => { d.text = e.target.value; changed(false); } }),
    listControls(model.definitions, i))));
  return h("div", { class: "card" }, h("h2", {}, "Parameters and definitions"), ul,
    h("button", { class: "secondary", onclick: () => { model.parameters.push({ name: "", value: 0, lo: "", hi: "", source: "", unit: "" }); changed(true); } }, "+ parameter"),
    h("h3", {}, "Definitions (named sub-expressions)"), defs,
    h("button", { class: "secondary", onclick: () => { model.definitions.push({ name: "", text: "" }); changed(true); } }, "+ definition"));
}
function sectionPerspectives() {
  const box = h("div", { class: "card" }, h("h2", {}, "Perspectives"), h("p", { class: "muted" }, "Competing views of the same conflict: other parameter values or preferences."));
  model.perspectives.forEach((p, i) => {
    const inner = h("div", { class: "dm" }, h("div", { class: "row wrap" },
      h("input", { class: "name", value: p.name, placeholder: "perspective name", ...field(`perspectives.${p.name}`), oninput: (e) => { p.name = e.target.value; changed(false); } }),
      h("input", { class: "name", value: p.description, placeholder: "whose view / what it assumes", oninput: (e) => { p.description = e.target.value; changed(false); } }),
      h("label", {}, "parameters ", h("input", { value: p.parameters, placeholder: "a=1, b=2", oninput: (e) => { p.parameters = e.target.value; changed(false); } })),
      listControls(model.perspectives, i)));
    for (const dm of model.dms) {
      if (!p.prefs[dm.name]) p.prefs[dm.name] = { kind: "same", statements: [], ranking: [], formula: "" };
      inner.append(h("div", {}, h("b", {}, dm.name), prefEditor(p.prefs[dm.name], `perspectives.${p.name}.preferences.${dm.name}`, dm.name, true)));
    }
    box.append(inner);
  });
  box.append(h("button", { class: "secondary", onclick: () => { model.perspectives.push({ name: "", description: "", parameters: "", prefs: {} }); changed(true); } }, "+ perspective"));
  return box;
}
function sectionPerceptions() {
  const box = h("div", { class: "card" }, h("h2", {}, "Perceptions (hypergame)"), h("p", { class: "muted" }, "How one decision maker misperceives the others."));
  model.perceptions.forEach((p, i) => {
    const inner = h("div", { class: "dm" }, h("div", { class: "row wrap" },
      h("label", {}, "Perceiver ", h("select", { ...field(`perceptions.${p.dm}`), onchange: (e) => { p.dm = e.target.value; changed(true); } },
        h("option", { value: "" }, "—"), model.dms.map((dm) => h("option", { value: dm.name, selected: dm.name === p.dm }, dm.name)))),
      h("input", { class: "name", value: p.description, placeholder: "what it gets wrong", oninput: (e) => { p.description = e.target.value; changed(false); } }),
      listControls(model.perceptions, i)),
      h("div", { class: "row wrap" }, "Unaware of: ", allOptions().map((x) => h("label", {}, h("input", { type: "checkbox", checked: p.unaware.includes(x.key),
        onchange: (e) => { if (e.target.checked) p.unaware.push(x.key); else p.unaware.splice(p.unaware.indexOf(x.key), 1); changed(false); } }), " " + x.key))));
    for (const dm of model.dms) {
      if (dm.name === p.dm) continue;
      if (!p.prefs[dm.name]) p.prefs[dm.name] = { kind: "same", statements: [], ranking: [], formula: "" };
      inner.append(h("div", {}, h("b", {}, `${dm.name}, as ${p.dm || "the perceiver"} sees it`), prefEditor(p.prefs[dm.name], `perceptions.${p.dm}.preferences.${dm.name}`, dm.name, true)));
    }
    box.append(inner);
  });
  box.append(h("button", { class: "secondary", onclick: () => { model.perceptions.push({ dm: "", description: "", prefs: {}, unaware: [] }); changed(true); } }, "+ perception"));
  return box;
}
function sectionCoalitions() {
  const box = h("div", { class: "card" }, h("h2", {}, "Coalitions"));
  model.coalitions.forEach((c, i) => box.append(h("div", { class: "row wrap", ...field(`coalitions[${i}]`) },
    model.dms.map((dm) => h("label", {}, h("input", { type: "checkbox", checked: c.includes(dm.name),
      onchange: (e) => { if (e.target.checked) c.push(dm.name); else c.splice(c.indexOf(dm.name), 1); changed(false); } }), " " + dm.name)),
    h("button", { class: "icon", "aria-label": "delete coalition", onclick: () => { model.coalitions.splice(i, 1); changed(true); } }, "✕"))));
  box.append(h("button", { class: "secondary", onclick: () => { model.coalitions.push([]); changed(true); } }, "+ coalition"));
  return box;
}

// ---------------------------------------------------------------------------------------------
// Live validation: the same checks and messages as `detente validate`
let checkSeq = 0;
let editSeq = 0;          // edits made since the last check started
const debouncedCheck = debounce(check, 300);
function scheduleCheck() { editSeq = checkSeq + 1; debouncedCheck(); }
function pendingAfter(seq) { return editSeq > seq; }
async function check() {
  const seq = ++checkSeq;
  let res;
  try {
    res = await api("POST", "/api/validate", { scenario: JSON.stringify(toData()), format: "json" });
  } catch (e) {
    res = { ok: false, problems: [{ field: e.detail && e.detail.field, error: e.message }] };
  }
  if (seq !== checkSeq || document.body.dataset.valid === "pending" && pendingAfter(seq)) return;
  lastCheck = res;
  showProblems();
  if (res.ok && $("tab-yaml").classList.contains("active") && !yamlFocused) await refreshYaml();
}
function showProblems() {
  document.querySelectorAll(".invalid").forEach((el) => el.classList.remove("invalid"));
  document.querySelectorAll(".msg").forEach((el) => el.remove());
  const box = $("problems");
  const fc = $("feasible-count");
  if (fc) { fc.textContent = feasibleText(); fc.className = lastCheck && lastCheck.ok ? "ok" : "muted"; }
  if (!lastCheck || lastCheck.ok) {
    box.hidden = true;
    document.body.dataset.valid = lastCheck ? "yes" : "unknown";
    showRankings();
    return;
  }
  document.body.dataset.valid = "no";
  const fields = Array.from(document.querySelectorAll("[data-field]"));
  const unplaced = [];
  for (const p of lastCheck.problems || []) {
    const f = p.field || "";
    let best = null;
    for (const el of fields) {
      const df = el.dataset.field;
      if ((f === df || f.startsWith(df + ".") || f.startsWith(df + "[")) && (!best || df.length > best.dataset.field.length)) best = el;
    }
    if (best) {
      best.classList.add("invalid");
      const msg = h("div", { class: "msg", role: "alert" }, p.error);
      (best.closest("li, .row, .group") || best.parentNode).append(msg);
    } else unplaced.push((p.field ? `${p.field}: ` : "") + p.error);
  }
  box.hidden = !unplaced.length;
  box.replaceChildren(...unplaced.map((t) => h("div", {}, t)));
}
function showRankings() {
  document.querySelectorAll(".live-ranking").forEach((el) => {
    const groups = lastCheck && lastCheck.rankings ? lastCheck.rankings[el.dataset.dm] : null;
    if (!groups) { el.replaceChildren(); return; }
    el.replaceChildren(h("div", { class: "muted" }, "Resulting ranking, best first:"),
      h("ol", { class: "ranking" }, groups.map((g) => h("li", {}, g.map((sid) => stateLabel(sid)).join("  =  ")))));
  });
}

// ---------------------------------------------------------------------------------------------
// YAML view, kept in sync
let yamlFocused = false;
async function refreshYaml() {
  try {
    const r = await api("POST", "/api/convert", { scenario: JSON.stringify(toData()), format: "json", to: "yaml" });
    if (!yamlFocused) $("yaml").value = r.scenario;
    $("yaml-error").hidden = true;
  } catch (e) { $("yaml-error").hidden = false; $("yaml-error").textContent = "The forms have problems; fix them to see the YAML: " + e.message; }
}
const yamlEdited = debounce(async () => {
  try {
    const r = await api("POST", "/api/parse", { scenario: $("yaml").value, format: "yaml" });
    fromData(r.data); $("yaml-error").hidden = true; changed(true);
  } catch (e) { $("yaml-error").hidden = false; $("yaml-error").textContent = e.message; }
}, 500);

// ---------------------------------------------------------------------------------------------
// Saving, revisions, import and export
function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type: type || "application/octet-stream" }));
  const a = h("a", { href: url, download: name });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}
function stem() { return identifier($("model-name").value || model.name || "model", "model"); }
async function save() {
  const name = $("model-name").value.trim() || model.name.trim();
  if (!name) { $("save-status").textContent = "give the model a name to save it"; return; }
  $("model-name").value = name;
  try {
    const r = await api("PUT", "/api/models/" + encodeURIComponent(name), { scenario: JSON.stringify(toData(), null, 1), format: "json" });
    savedName = name; dirty = false;
    localStorage.setItem("detente.current", name);
    $("save-status").textContent = `saved ${name}, revision ${r.revision}`;
    await refreshSaved(); await showRevisions();
  } catch (e) { $("save-status").textContent = "not saved: " + e.message; }
}
async function openSaved(name, revision) {
  const q = revision ? `?revision=${revision}` : "";
  const r = await api("GET", "/api/models/" + encodeURIComponent(name) + q);
  const parsed = await api("POST", "/api/parse", { scenario: r.scenario, format: r.format });
  fromData(parsed.data);
  savedName = name; dirty = false; $("model-name").value = name;
  localStorage.setItem("detente.current", name);
  $("save-status").textContent = `${name}, revision ${r.revision}` + (r.revision !== r.latest ? ` (newest: ${r.latest})` : "");
  render(); scheduleCheck(); await showRevisions();
}
async function refreshSaved() {
  const list = await api("GET", "/api/models");
  const sel = $("saved");
  sel.replaceChildren(...list.map((m) => h("option", { value: m.name, selected: m.name === savedName }, `${m.name} (revision ${m.revision})`)));
}
async function showRevisions() {
  const box = $("revisions");
  if (!savedName) { box.replaceChildren(h("p", { class: "muted" }, "Save the model to keep its revisions.")); return; }
  let revs = [];
  try { revs = await api("GET", "/api/models/" + encodeURIComponent(savedName) + "/revisions"); } catch (e) { box.replaceChildren(); return; }
  const newest = revs.length ? revs[0].revision : 0;
  box.replaceChildren(h("table", { id: "revision-table" }, h("tr", {}, h("th", {}, "revision"), h("th", {}, "saved"), h("th", {}, "note"), h("th", {}, "")),
    revs.map((r) => h("tr", { "data-revision": r.revision }, h("td", {}, r.revision), h("td", {}, (r.saved || "").replace("T", " ").slice(0, 19)), h("td", {}, r.note),
      h("td", {},
        h("button", { class: "secondary compare", onclick: async () => {
          const d = await api("GET", `/api/models/${encodeURIComponent(savedName)}/compare?a=${r.revision}&b=${newest}`);
          $("diff").hidden = false; $("diff").textContent = d.diff || "(no difference)"; } }, "compare with newest"),
        " ",
        h("button", { class: "restore", onclick: async () => {
          const res = await api("POST", `/api/models/${encodeURIComponent(savedName)}/revisions/${r.revision}/restore`);
          await openSaved(savedName);
          $("save-status").textContent = `restored revision ${r.revision} as revision ${res.revision}`; } }, "restore"))))));
}
async function importText(text, fmt, name) {
  const r = await api("POST", "/api/parse", { scenario: text, format: fmt });
  fromData(r.data);
  savedName = ""; $("model-name").value = name || ""; render(); changed(false);
}

// ---------------------------------------------------------------------------------------------
// Exploration
function concepts() { return Array.from(document.querySelectorAll("#concepts input:checked")).map((e) => e.value); }
function baseRequest() {
  return { scenario: JSON.stringify(toData()), format: "json", concepts: concepts(), parameters: parsePairs($("overrides").value),
           perspective: $("perspective").value || null };
}
function fillPerspectiveSelect() {
  const sel = $("perspective"), cur = sel.value;
  sel.replaceChildren(h("option", { value: "" }, "(the model)"), ...model.perspectives.filter((p) => p.name).map((p) => h("option", { value: p.name }, p.name)));
  if (model.perspectives.some((p) => p.name === cur)) sel.value = cur;
}
function results(...nodes) { $("results").replaceChildren(...nodes); }
function showError(e) { results(h("div", { class: "error", role: "alert" }, e.message)); }
let meanings = {};
const leverRanges = {};     // each parameter's range, as the last levers run reported it
function named(text) {
  // "state 7" → "state 7 (what it means)" in explanations, so states are read by meaning
  return String(text).replace(/\bstate (\d+)(?! \[)/g, (m, n) => (meanings[n] ? `state ${n} (${meanings[n]})` : m));
}
const RUNNERS = {
  async analyze() {
    const a = await runJob("analyze", baseRequest(), "Analysing stability");
    meanings = {}; for (const st of a.states || []) meanings[st.id] = st.meaning;
    const eq = h("ul", { id: "equilibria" }, Object.entries(a.equilibria).map(([c, ids]) =>
      h("li", {}, h("b", {}, c.toUpperCase()), ": ", ids.length ? ids.join(", ") : "none")));
    const explain = h("div", { id: "explanation" });
    const head = h("tr", {}, h("th", {}, "state"), h("th", {}, "options"), h("th", {}, "meaning"), a.concepts.map((c) => h("th", {}, c.toUpperCase())));
    const rows = (a.states || []).map((st) => {
      const isEq = a.concepts.some((c) => a.equilibria[c].includes(st.id));
      return h("tr", { class: "state" + (isEq ? " eq" : ""), "data-state": st.id, onclick: async () => {
        try {
          const r = await runJob("explain", Object.assign(baseRequest(), { state: st.id }), `Explaining state ${st.id}`);
          explain.replaceChildren(h("h3", {}, `State ${st.id}: ${st.meaning}`), h("pre", {}, named(r.text)));
          explain.scrollIntoView({ block: "nearest" });
        } catch (e) { explain.replaceChildren(h("div", { class: "error" }, e.message)); }
      } }, h("td", {}, st.id), h("td", {}, st.pattern || st.name || ""), h("td", { class: "meaning" }, st.meaning),
        a.concepts.map((c) => {
          if (a.equilibria[c].includes(st.id)) return h("td", { class: "ok", title: "equilibrium" }, "★ eq");
          const unstable = a.decision_makers.filter((dm) => !a.stability[c][dm].includes(st.id));
          return h("td", { class: "no", title: "unstable for " + unstable.join(", ") }, "✗ " + unstable.join(", "));
        }));
    });
    results(h("div", { class: "card" }, h("h2", {}, "Equilibria"), eq,
      h("p", { class: "muted" }, `${a.n_states} states. Click a state for the move and sanction behind every verdict.`),
      h("div", { class: "scroll" }, h("table", { id: "stability" }, head, rows)), explain));
  },
  async graph() {
    const form = h("div", { class: "card" }, h("div", { class: "row wrap" },
      h("label", {}, "Focus on state ", h("input", { id: "g-focus", class: "num", type: "number", min: 1 })),
      h("label", {}, "Find ", h("input", { id: "g-find", placeholder: "text in a state's meaning" })),
      h("label", {}, "Max states ", h("input", { id: "g-max", class: "num", type: "number", value: 60, min: 2, max: 300 })),
      h("label", {}, h("input", { id: "g-ui", type: "checkbox" }), " improvements only"),
      h("button", { id: "g-draw" }, "Draw")), h("div", { id: "g-out" }));
    results(form);
    const draw = async () => {
      const focus = Number($("g-focus").value) || null;
      const g = await runJob("graph", Object.assign(baseRequest(), { focus: focus ? [focus] : [], max_nodes: Number($("g-max").value) || 60 }), "Laying out the graph");
      drawGraph($("g-out"), g, focus);
    };
    $("g-draw").onclick = () => draw().catch(showErrorIn("g-out"));
    await draw();
  },
  async evolve() {
    const form = h("div", { class: "card" }, h("div", { class: "row wrap" },
      h("label", {}, "From (status quo) ", h("input", { id: "ev-sq", class: "expr", value: model.status_quo, placeholder: "state, outcome or condition" })),
      h("button", { id: "ev-run" }, "Trace")), h("div", { id: "ev-out" }));
    results(form);
    const run = async () => {
      const r = await runJob("evolve", Object.assign(baseRequest(), { status_quo: $("ev-sq").value || null }), "Tracing the evolution");
      const out = [h("p", {}, `From state ${r.status_quo}${meanings[r.status_quo] ? " (" + meanings[r.status_quo] + ")" : ""}:`)];
      for (const mode of r.modes) {
        const reach = (r.reachable_equilibria || {})[mode] || {};
        out.push(h("h3", {}, mode), h("ul", {}, Object.entries(reach).map(([c, ids]) => h("li", {}, `${c.toUpperCase()} equilibria reached: ${ids.length ? ids.join(", ") : "none"}`))));
        const paths = (r.paths || {})[mode] || {};
        out.push(h("ul", {}, Object.entries(paths).map(([target, steps]) => h("li", {}, `to ${target}: `,
          steps.map((st) => `${Array.isArray(st.mover) ? st.mover.join(" + ") : st.mover} ${st.from}→${st.to}`).join(", ") || "(already there)"))));
      }
      $("ev-out").replaceChildren(...out);
    };
    $("ev-run").onclick = () => run().catch(showErrorIn("ev-out"));
    await run();
  },
  async coalitions() {
    const r = await runJob("coalitions", baseRequest(), "Coalition stability");
    const rows = (r.coalitions || []).map((c, i) => h("tr", {}, h("td", {}, c.join(" + ")),
      r.concepts.map((con) => h("td", {}, ((r.coalition_equilibria || {})[con] || []).join(", ")))));
    results(h("div", { class: "card" }, h("h2", {}, "Coalitions"),
      h("p", {}, "Equilibria: ", Object.entries(r.equilibria || {}).map(([c, ids]) => `${c.toUpperCase()}: ${ids.join(", ") || "none"}`).join("; ")),
      h("pre", {}, JSON.stringify({ coalition_equilibria: r.coalition_equilibria, broken: r.broken }, null, 1)),
      h("div", { class: "scroll" }, h("table", {}, h("tr", {}, h("th", {}, "coalition"), r.concepts.map((c) => h("th", {}, c.toUpperCase()))), rows))));
  },
  async inverse() {
    const form = h("div", { class: "card" }, h("div", { class: "row wrap" },
      h("label", {}, "Make state ", h("input", { id: "inv-state", class: "expr", placeholder: "number, outcome or condition" })),
      h("label", {}, "an equilibrium under ", h("select", { id: "inv-concept" }, ["nash", "gmr", "smr", "seq"].map((c) => h("option", { value: c }, c.toUpperCase())))),
      h("button", { id: "inv-run" }, "Find")), h("div", { id: "inv-out" }));
    results(form);
    $("inv-run").onclick = async () => {
      try {
        const r = await runJob("inverse", Object.assign(baseRequest(), { state: $("inv-state").value || "1", concept: $("inv-concept").value }), "Inverse analysis");
        const changes = Object.entries(r.changes || r.dms || {});
        $("inv-out").replaceChildren(h("p", {}, r.feasible ? `State ${r.state} can be made an equilibrium; smallest change: ${r.distance} swap(s) in the rankings.`
                                                    : `State ${r.state} cannot be made a ${String(r.concept).toUpperCase()} equilibrium by preferences alone.`),
          h("ul", {}, changes.map(([dm, c]) => h("li", {}, `${dm}: ` + (c && c.changed ? `rank it at least as high as state ${c.at_least_as_good_as}; demote ${(c.demoted || []).join(", ") || "nothing"}` : "no change needed")))),
          h("details", {}, h("summary", {}, "all conditions"), h("pre", {}, JSON.stringify(r, null, 1))));
      } catch (e) { showErrorIn("inv-out")(e); }
    };
  },
  async sweep() {
    const params = lastCheck && lastCheck.parameters ? Object.keys(lastCheck.parameters) : [];
    const form = h("div", { class: "card" }, h("div", { class: "row wrap" },
      h("label", {}, "Parameter ", h("select", { id: "sw-param" }, params.map((p) => h("option", { value: p }, p)))),
      h("label", {}, "from ", h("input", { id: "sw-lo", class: "num", type: "number", step: "any", value: 0 })),
      h("label", {}, "to ", h("input", { id: "sw-hi", class: "num", type: "number", step: "any", value: 1 })),
      h("label", {}, "steps ", h("input", { id: "sw-steps", class: "num", type: "number", value: 21, min: 2, max: 401 })),
      h("button", { id: "sw-run" }, "Sweep")), h("div", { id: "sw-out" }));
    results(form);
    if (!params.length) { $("sw-out").replaceChildren(h("p", { class: "muted" }, "The model has no parameters to sweep.")); return; }
    const setRange = () => { const p = model.parameters.find((x) => x.name === $("sw-param").value); if (p && p.lo !== "" && p.hi !== "") { $("sw-lo").value = p.lo; $("sw-hi").value = p.hi; } };
    $("sw-param").onchange = setRange; setRange();
    $("sw-run").onclick = async () => {
      try {
        const r = await runJob("sweep", Object.assign(baseRequest(), { parameter: $("sw-param").value, lo: Number($("sw-lo").value), hi: Number($("sw-hi").value), steps: Number($("sw-steps").value) }), "Sweeping");
        $("sw-out").replaceChildren(h("pre", {}, r.text), h("div", { class: "scroll" }, svgFrom(r.svg)));
      } catch (e) { showErrorIn("sw-out")(e); }
    };
  },
  async levers() {
    const outcomes = lastCheck && lastCheck.outcomes ? lastCheck.outcomes : [];
    const params = lastCheck && lastCheck.parameters ? Object.keys(lastCheck.parameters) : [];
    const sel = (id, opts, v) => h("select", { id }, opts.map((p) => h("option", { value: p, selected: p === v }, p)));
    const form = h("div", { class: "card" }, h("h2", {}, "Levers: what decides an outcome"),
      h("div", { class: "row wrap" },
        h("label", {}, "Outcome ", sel("lv-outcome", outcomes, outcomes[0])),
        h("label", {}, "concept ", sel("lv-concept", ["seq", "nash", "gmr", "smr"], "seq")),
        h("button", { id: "lv-run" }, "Find levers")), h("div", { id: "lv-out" }),
      h("h2", {}, "Map: where it holds over two parameters"),
      h("div", { class: "row wrap" },
        h("label", {}, "x ", sel("map-x", params, params[0])), h("label", {}, "y ", sel("map-y", params, params[1] || params[0])),
        h("label", {}, "points per axis ", h("input", { id: "map-n", class: "num", type: "number", value: 11, min: 2, max: 41 })),
        h("button", { id: "map-run" }, "Draw map")), h("div", { id: "map-out" }));
    results(form);
    const rangeOf = (name) => {
      if (leverRanges[name]) return leverRanges[name];
      const p = model.parameters.find((x) => x.name === name); const v = Number(p ? p.value : 0);
      return p && p.lo !== "" && p.hi !== "" ? [Number(p.lo), Number(p.hi)] : [Math.min(0, v), Math.max(1, 2 * v)]; };
    $("lv-run").onclick = async () => {
      try {
        const r = await runJob("levers", Object.assign(baseRequest(), { outcome: $("lv-outcome").value || null, concept: $("lv-concept").value }), "Finding the levers");
        for (const l of r.levers || []) if (l.range) leverRanges[l.parameter] = l.range;
        const live = (r.levers || []).filter((l) => (l.thresholds || []).length).map((l) => l.parameter);
        if (live.length >= 2) { $("map-x").value = live[0]; $("map-y").value = live[1]; }
        $("lv-out").replaceChildren(leversView(r));
      } catch (e) { showErrorIn("lv-out")(e); }
    };
    $("map-run").onclick = async () => {
      try {
        const n = Number($("map-n").value) || 11;
        const [xl, xh] = rangeOf($("map-x").value), [yl, yh] = rangeOf($("map-y").value);
        const r = await runJob("map", Object.assign(baseRequest(), { outcome: $("lv-outcome").value || null, concept: $("lv-concept").value,
          x: { parameter: $("map-x").value, lo: xl, hi: xh, n }, y: { parameter: $("map-y").value, lo: yl, hi: yh, n } }), "Drawing the map");
        $("map-out").replaceChildren(mapView(r));
      } catch (e) { showErrorIn("map-out")(e); }
    };
  },
  async hypergame() {
    const r = await runJob("hypergame", baseRequest(), "Hypergame analysis");
    results(h("div", { class: "card" }, h("h2", {}, "Hypergame"),
      h("h3", {}, "Outcomes"), h("ul", {}, (r.outcomes || []).map((o) => h("li", {}, `${(o.states || []).join(", ")}: `, h("b", {}, o.label || ""), " — ", o.explanation || ""))),
      h("h3", {}, "Each decision maker's view"), h("ul", {}, Object.entries(r.perceived || {}).map(([dm, p]) =>
        h("li", {}, h("b", {}, dm), p.perceives_truth ? " sees the game as it is" : " misperceives it",
          "; perceived equilibria: ", Object.entries(p.equilibria || {}).map(([c, ids]) => `${c.toUpperCase()} ${ids.join(", ") || "none"}`).join("; ")))),
      h("details", {}, h("summary", {}, "all details"), h("pre", {}, JSON.stringify(r, null, 1)))));
  },
  async perspectives() {
    const r = await runJob("perspectives", baseRequest(), "Comparing perspectives");
    const views = Object.entries(r.views || {});
    const cs = views.length ? views[0][1].concepts || [] : [];
    results(h("div", { class: "card" }, h("h2", {}, "Perspectives side by side"),
      h("div", { class: "scroll" }, h("table", { id: "perspective-table" }, h("tr", {}, h("th", {}, "view"), cs.map((c) => h("th", {}, c.toUpperCase() + " equilibria"))),
        views.map(([name, v]) => h("tr", {}, h("td", {}, name), cs.map((c) => h("td", {}, ((v.equilibria || {})[c] || []).join(", ") || "none"))))),
      h("table", { id: "perspective-changes" }, h("tr", {}, h("th", {}, "view"), h("th", {}, "what it changes"), h("th", {}, "description")),
        views.map(([name]) => h("tr", {}, h("td", {}, name), h("td", {}, (r.changes || {})[name] || "(the model as built)"), h("td", {}, (r.descriptions || {})[name] || ""))))),
      h("h3", {}, "Where the views disagree"),
      (r.differences || []).length
        ? h("ul", { id: "perspective-differences" }, (r.differences || []).map((line) => h("li", {}, line)))
        : h("p", { class: "muted" }, "The views agree on every outcome and equilibrium."),
      r.differences_left_out ? h("p", { class: "muted" }, `… and ${r.differences_left_out} more lines (see the report).`) : null));
  },
  async brief() {
    const r = await runJob("brief", baseRequest(), "Writing the briefing");
    results(h("div", { class: "card" }, h("h2", {}, "Briefing"), markdownish(r.text)));
  },
  async report() {
    const r = await runJob("report", baseRequest(), "Writing the report");
    download(stem() + "-report.html", r.html, "text/html");
    results(h("div", { class: "card" }, h("p", {}, "The report was downloaded (one self-contained HTML file).")));
  },
};
function showErrorIn(id) { return (e) => $(id).replaceChildren(h("div", { class: "error", role: "alert" }, e.message)); }
function svgFrom(text) {
  const doc = new DOMParser().parseFromString(String(text || ""), "image/svg+xml");
  const root = doc.documentElement;
  if (!root || root.nodeName !== "svg") return h("p", { class: "muted" }, "(no chart)");
  root.querySelectorAll("script, foreignObject").forEach((n) => n.remove());
  return document.importNode(root, true);
}
function markdownish(text) {
  // Headings, bullets and **bold** from the briefing's Markdown, built as DOM (never as HTML).
  const box = h("div", { class: "briefing" });
  let ul = null;
  for (const line of String(text).split("\n")) {
    const inline = (t) => t.split(/(\*\*[^*]+\*\*)/).map((part) => (part.startsWith("**") && part.endsWith("**") ? h("b", {}, part.slice(2, -2)) : part.replace(/`/g, "")));
    const m = line.match(/^(#+)\s+(.*)$/);
    if (m) { ul = null; box.append(h("h" + Math.min(6, m[1].length + 2), {}, inline(m[2]))); continue; }
    const b = line.match(/^\s*[-*]\s+(.*)$/);
    if (b) { if (!ul) { ul = h("ul", {}); box.append(ul); } ul.append(h("li", {}, inline(b[1]))); continue; }
    ul = null;
    if (line.trim()) box.append(h("p", {}, inline(line)));
  }
  return box;
}
function leversView(r) {
  const levers = r.levers || [];
  const rows = levers.map((l) => {
    const [lo, hi] = l.range || [0, 1];
    const W = 220, x = (v) => 5 + (W - 10) * (Number(v) - lo) / ((hi - lo) || 1);
    const chart = s("svg", { width: W, height: 22, viewBox: `0 0 ${W} 22`, role: "img", "aria-label": `range of ${l.parameter}` },
      s("line", { x1: 5, x2: W - 5, y1: 11, y2: 11, stroke: "#b8c0cf", "stroke-width": 4 }),
      (l.thresholds || []).map((t) => s("line", { x1: x(t), x2: x(t), y1: 2, y2: 20, stroke: "#b3261e", "stroke-width": 2 })),
      s("circle", { cx: x(l.value), cy: 11, r: 5, fill: "#1f3a5f" }));
    return h("tr", { class: "lever" }, h("td", {}, l.parameter), h("td", {}, l.value), h("td", {}, (l.range || []).join(" – ")),
      h("td", {}, (l.thresholds || []).map((t) => Number(t).toPrecision(4)).join(", ") || "none"), h("td", {}, chart),
      h("td", {}, l.holds_today ? "yes" : "no"),
      h("td", {}, describeHolds(l.holds_at)));
  });
  return h("div", {}, h("pre", { id: "levers-text" }, r.text || ""),
    h("p", { class: "muted" }, `Each parameter varied alone across its range (dot: the value now; red: tipping points; ${String(r.concept).toUpperCase()}).`),
    h("div", { class: "scroll" }, h("table", { id: "levers" }, h("tr", {}, ["parameter", "value", "range", "tipping points", "", "holds now", "holds at"].map((t) => h("th", {}, t))), rows)));
}
function describeHolds(x) {
  if (x === null || x === undefined) return "";
  if (Array.isArray(x)) return x.map((iv) => (Array.isArray(iv) ? `[${iv.map((v) => Number(v).toPrecision(3)).join(", ")}]` : String(iv))).join(" ∪ ");
  return typeof x === "object" ? JSON.stringify(x) : String(x);
}
function mapView(r) {
  const xs = r.x.values, ys = r.y.values, grid = r.grid;
  const cw = Math.max(8, Math.min(28, Math.floor(300 / xs.length))), ch = cw, L = 60, B = 40;
  const W = L + cw * xs.length + 10, H = ch * ys.length + B + 10;
  const svg = s("svg", { id: "map", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "map" });
  ys.forEach((yv, iy) => xs.forEach((xv, ix) => {
    const holds = grid[iy][ix];
    svg.append(s("rect", { x: L + ix * cw, y: 5 + (ys.length - 1 - iy) * ch, width: cw - 1, height: ch - 1, fill: holds ? "#3c9b5c" : "#d9dde6", "data-holds": holds ? "1" : "0" },
      s("title", {}, `${r.x.parameter}=${xv}, ${r.y.parameter}=${yv}: ${holds ? "holds" : "does not hold"}`)));
  }));
  svg.append(s("text", { x: L, y: H - 8, "font-size": 11 }, `${r.x.parameter}: ${xs[0]} → ${xs[xs.length - 1]}`),
             s("text", { x: 2, y: 14, "font-size": 11 }, `${r.y.parameter} ↑`),
             s("text", { x: 2, y: 28, "font-size": 10 }, `${ys[0]}–${ys[ys.length - 1]}`));
  if (r.today && r.today[r.x.parameter] !== undefined && r.today[r.y.parameter] !== undefined) {
    const fx = (v, vs) => (vs.length > 1 ? (v - vs[0]) / (vs[vs.length - 1] - vs[0]) : 0);
    const tx = L + fx(r.today[r.x.parameter], xs) * cw * (xs.length - 1) + cw / 2;
    const ty = 5 + (1 - fx(r.today[r.y.parameter], ys)) * ch * (ys.length - 1) + ch / 2;
    svg.append(s("circle", { cx: tx, cy: ty, r: 5, fill: "#fff", stroke: "#1d2330", "stroke-width": 2, class: "today" }, s("title", {}, "today's values")));
  }
  const n = grid.flat().filter(Boolean).length;
  return h("div", {}, h("p", { id: "map-text" }, (r.text ? r.text + " " : "") + `Green: it holds (${n} of ${grid.flat().length} points); circle: today.`),
    h("div", { class: "scroll" }, svg));
}
function shortLabel(n) {
  const t = n.label.replace(new RegExp("^" + n.id + "\\s*"), "");
  return t.length > 22 ? t.slice(0, 21) + "…" : t;
}
function drawGraph(out, g, focus) {
  const colW = 170, rowH = 66, R = 17;
  const pos = {};
  let maxRow = 0;
  for (const n of g.nodes) { pos[n.id] = [60 + n.column * colW, 40 + n.row * rowH]; maxRow = Math.max(maxRow, n.row); }
  const W = 120 + Math.max(0, g.columns - 1) * colW, H = 80 + maxRow * rowH;
  const shown = new Set(g.decision_makers.map((d, i) => i));
  const find = ($("g-find").value || "").toLowerCase();
  const uiOnly = $("g-ui").checked;
  const svg = s("svg", { id: "graph", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "state-transition graph" });
  const arcs = s("g", {}), nodes = s("g", {});
  svg.append(s("defs", {}, g.decision_makers.map((d, i) => s("marker", { id: `arrow${i}`, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" },
    s("path", { d: "M0,0 L10,5 L0,10 z", fill: d.color })))), arcs, nodes);
  const drawArcs = () => {
    arcs.replaceChildren();
    for (const a of g.arcs) {
      if (!shown.has(a.dm) || (uiOnly && !a.improvement)) continue;
      if (focus && a.from !== focus && a.to !== focus) continue;
      const [x1, y1] = pos[a.from] || [0, 0], [x2, y2] = pos[a.to] || [0, 0];
      const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy) || 1;
      const sx = x1 + dx / len * R, sy = y1 + dy / len * R, ex = x2 - dx / len * (R + 2), ey = y2 - dy / len * (R + 2);
      const mx = (sx + ex) / 2 - dy / len * 14, my = (sy + ey) / 2 + dx / len * 14;
      const col = g.decision_makers[a.dm] ? g.decision_makers[a.dm].color : "#222";
      arcs.append(s("path", { d: `M${sx},${sy} Q${mx},${my} ${ex},${ey}`, fill: "none", stroke: col, "stroke-width": a.improvement ? 2.2 : 1,
        "stroke-dasharray": a.improvement ? null : "4 3", opacity: a.improvement ? 0.9 : 0.45, "marker-end": `url(#arrow${a.dm})`, class: "arc", "data-dm": a.dm },
        s("title", {}, `${g.decision_makers[a.dm].name}: ${a.from} → ${a.to}${a.improvement ? " (improvement)" : ""}`)));
    }
  };
  for (const n of g.nodes) {
    const [x, y] = pos[n.id];
    const hit = find && n.meaning.toLowerCase().includes(find);
    const dim = focus && n.id !== focus && !g.arcs.some((a) => (a.from === focus && a.to === n.id) || (a.to === focus && a.from === n.id));
    const grp = s("g", { class: "node", "data-state": n.id, opacity: dim ? 0.3 : 1, style: "cursor:pointer",
      onclick: () => { $("g-focus").value = focus === n.id ? "" : n.id; drawGraph(out, g, focus === n.id ? null : n.id); } },
      s("title", {}, `state ${n.id}: ${n.meaning}${n.equilibrium ? " — equilibrium" : ""}`),
      s("circle", { cx: x, cy: y, r: R, fill: n.status_quo ? "#fff2a8" : hit ? "#ffe0b3" : "#fff", stroke: "#1f3a5f", "stroke-width": focus === n.id ? 3 : 1.5 }),
      n.equilibrium ? s("circle", { cx: x, cy: y, r: R - 4, fill: "none", stroke: "#17813a", "stroke-width": 2, class: "eq-mark" }) : null,
      s("text", { x, y: y + 4, "text-anchor": "middle", "font-size": 11, "font-weight": 600 }, String(n.id)),
      s("text", { x, y: y + R + 11, "text-anchor": "middle", "font-size": 9, fill: "#556" }, shortLabel(n)));
    nodes.append(grp);
  }
  drawArcs();
  const legend = h("div", { class: "legend" }, g.decision_makers.map((d, i) => h("label", {},
    h("input", { type: "checkbox", checked: true, onchange: (e) => { if (e.target.checked) shown.add(i); else shown.delete(i); drawArcs(); } }),
    h("i", { style: `background:${d.color}` }), d.name)), h("span", { class: "muted" }, " double circle: equilibrium (" + String(g.concept).toUpperCase() + "); yellow: status quo; solid: improvement"));
  out.replaceChildren(legend, g.note ? h("p", { class: "muted" }, g.note) : "", h("div", { class: "scroll" }, svg),
    focus ? h("p", {}, `Focused on state ${focus}: ${(g.nodes.find((n) => n.id === focus) || {}).meaning || ""}`) : "");
}

// ---------------------------------------------------------------------------------------------
// Start
function setTab(name) {
  document.querySelectorAll(".tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.id === "tab-" + name));
  if (name === "yaml") refreshYaml();
  if (name === "files") { refreshSaved().catch(() => {}); showRevisions(); }
}
async function start() {
  document.querySelectorAll(".tabs button").forEach((b) => b.addEventListener("click", () => setTab(b.dataset.tab)));
  $("save").onclick = save;
  $("cancel").onclick = async () => { if (currentJob) { try { await api("DELETE", "/api/job/" + currentJob); } catch (e) { /* gone already */ } } };
  $("yaml").addEventListener("focus", () => { yamlFocused = true; });
  $("yaml").addEventListener("blur", () => { yamlFocused = false; });
  $("yaml").addEventListener("input", yamlEdited);
  $("open").onclick = () => $("saved").value && openSaved($("saved").value).catch((e) => { $("save-status").textContent = e.message; });
  $("delete").onclick = async () => {
    const name = $("saved").value; if (!name || !confirm(`Delete ${name} and all its revisions?`)) return;
    await api("DELETE", "/api/models/" + encodeURIComponent(name));
    if (name === savedName) { savedName = ""; localStorage.removeItem("detente.current"); }
    await refreshSaved(); await showRevisions();
  };
  $("new").onclick = () => { model = emptyModel(); savedName = ""; $("model-name").value = ""; lastCheck = null; render(); changed(false); setTab("build"); };
  $("export").onclick = async () => {
    const fmt = $("export-format").value;
    try {
      const r = await api("POST", "/api/convert", { scenario: JSON.stringify(toData()), format: "json", to: fmt });
      download(`${stem()}.${fmt}`, r.scenario);
    } catch (e) { $("save-status").textContent = "cannot export: " + e.message; }
  };
  $("import").onchange = async (e) => {
    const file = e.target.files[0]; if (!file) return;
    const ext = file.name.split(".").pop().toLowerCase();
    const fmt = ext === "gmcr" ? "gmcr" : ext === "json" ? "json" : "yaml";
    try { await importText(await file.text(), fmt, file.name.replace(/\.[^.]*$/, "")); setTab("build"); }
    catch (err) { $("save-status").textContent = "cannot import: " + err.message; }
  };
  $("example").onchange = async () => {
    const name = $("example").value; if (!name) return;
    const ex = await api("GET", "/api/examples/" + encodeURIComponent(name));
    await importText(ex.scenario, ex.format, name.replace(/\.[^.]*$/, "")); setTab("build");
  };
  document.querySelectorAll("[data-run]").forEach((b) => b.addEventListener("click", async () => {
    results(h("p", { class: "muted" }, "Computing…"));
    try { await RUNNERS[b.dataset.run](); } catch (e) { showError(e); }
  }));
  try {
    const names = await api("GET", "/api/examples");
    $("example").append(...names.map((n) => h("option", { value: n }, n)));
  } catch (e) { /* no examples */ }
  const params = new URLSearchParams(location.search);
  const remembered = localStorage.getItem("detente.current");
  const draft = JSON.parse(localStorage.getItem("detente.draft") || "null");
  if (params.get("example")) {
    const ex = await api("GET", "/api/examples/" + encodeURIComponent(params.get("example")));
    await importText(ex.scenario, ex.format, params.get("example").replace(/\.[^.]*$/, ""));
  } else if (params.get("model") || remembered) {
    try { await openSaved(params.get("model") || remembered); } catch (e) { localStorage.removeItem("detente.current"); render(); }
    if (draft && draft.name === savedName && draft.data && !params.get("model")) {
      const cur = JSON.stringify(toData());
      fromData(draft.data);
      if (JSON.stringify(toData()) !== cur) { dirty = true; $("save-status").textContent = `${savedName}: unsaved changes (restored)`; }
      render();
    }
  } else if (draft && draft.data) { fromData(draft.data); render(); }
  else render();
  await check();
  if (params.get("run") && RUNNERS[params.get("run")]) { setTab("explore"); try { await RUNNERS[params.get("run")](); } catch (e) { showError(e); } }
  document.body.dataset.ready = "yes";
}
document.addEventListener("DOMContentLoaded", start);
