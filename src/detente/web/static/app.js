"use strict";
const $ = (id) => document.getElementById(id);
function esc(s) { return String(s).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])); }
function request() {
  const concepts = Array.from(document.querySelectorAll("#concepts input:checked")).map((e) => e.value);
  const parameters = {};
  for (const part of $("params").value.split(",")) {
    const [k, v] = part.split("=").map((x) => (x || "").trim());
    if (k && v !== undefined && v !== "") parameters[k] = Number(v);
  }
  return { scenario: $("scenario").value, format: $("format").value, concepts, parameters,
           perspective: $("perspective").value || null };
}
async function post(path, body) {
  const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const data = await r.json();
  if (!r.ok) {
    const d = data.detail || {};
    throw new Error(d.message || d.error || (Array.isArray(d) ? d.map((x) => x.msg).join("; ") : JSON.stringify(d)));
  }
  return data;
}
function showError(e) { $("out").innerHTML = '<div class="error">' + esc(e.message) + "</div>"; }
function fillPerspectives(names) {
  const sel = $("perspective"), cur = sel.value;
  sel.innerHTML = '<option value="">(model)</option>' + names.map((n) => "<option>" + esc(n) + "</option>").join("");
  if (names.includes(cur)) sel.value = cur;
}
function render(a) {
  fillPerspectives(a.perspectives_available || []);
  const dms = a.decision_makers, cs = a.concepts;
  let h = "<h2>" + esc(a.conflict) + (a.perspective ? " — " + esc(a.perspective) : "") + "</h2>";
  h += '<p class="muted">' + a.n_states + " feasible states; status quo: " + (a.status_quo || "—") + "</p><h3>Equilibria</h3><ul>";
  for (const c of cs) h += "<li><b>" + c.toUpperCase() + "</b>: " + (a.equilibria[c].join(", ") || "none") + "</li>";
  h += "</ul>";
  const outs = Object.entries(a.outcomes || {});
  if (outs.length) {
    h += "<h3>Named outcomes</h3><table><tr><th>outcome</th><th>states</th>" + cs.map((c) => "<th>" + c.toUpperCase() + "</th>").join("") + "</tr>";
    for (const [name, o] of outs) {
      h += "<tr><td>" + esc(name) + "</td><td>" + o.states.join(", ") + "</td>" +
        cs.map((c) => o.equilibrium[c] ? '<td class="ok">eq</td>' : '<td class="no">—</td>').join("") + "</tr>";
    }
    h += "</table>";
  }
  if (a.states) {
    const stable = {};
    for (const c of cs) for (const d of dms) stable[c + ":" + d] = new Set(a.stability[c][d]);
    h += "<h3>States</h3><table><tr><th>state</th><th>" + (a.states[0] && a.states[0].pattern !== undefined ? "options" : "name") + "</th>";
    for (const c of cs) h += '<th colspan="' + (dms.length + 1) + '">' + c.toUpperCase() + "</th>";
    h += "</tr><tr><th></th><th></th>" + cs.map(() => dms.map((d) => "<th>" + esc(d) + "</th>").join("") + "<th>eq</th>").join("") + "</tr>";
    const shown = a.states.slice(0, 400);
    for (const s of shown) {
      const eqAll = cs.some((c) => a.equilibria[c].includes(s.id));
      h += '<tr class="state' + (eqAll ? " eq" : "") + '" data-state="' + s.id + '"><td>' + s.id + "</td><td>" + esc(s.pattern || s.name) + "</td>";
      for (const c of cs) {
        for (const d of dms) h += stable[c + ":" + d].has(s.id) ? '<td class="ok">✓</td>' : '<td class="no">×</td>';
        h += a.equilibria[c].includes(s.id) ? '<td class="ok">E</td>' : "<td></td>";
      }
      h += "</tr>";
    }
    h += "</table>";
    if (a.states.length > shown.length) h += '<p class="muted">' + (a.states.length - shown.length) + " more states not shown.</p>";
  }
  h += '<div id="explain"></div>';
  $("out").innerHTML = h;
  for (const row of document.querySelectorAll("tr.state")) {
    row.addEventListener("click", () => explain(Number(row.dataset.state)));
  }
}
async function analyze() { try { render(await post("/api/analyze", request())); } catch (e) { showError(e); } }
async function explain(state) {
  try {
    const r = await post("/api/explain", Object.assign(request(), { state }));
    $("explain").innerHTML = "<h3>Why? State " + state + "</h3><pre>" + esc(r.text) + "</pre>";
    $("explain").scrollIntoView({ behavior: "smooth" });
  } catch (e) { $("explain").innerHTML = '<div class="error">' + esc(e.message) + "</div>"; }
}
async function brief() {
  try {
    const r = await post("/api/brief", request());
    $("out").innerHTML = "<h2>Briefing</h2><pre>" + esc(r.text) + "</pre>";
  } catch (e) { showError(e); }
}
async function loadExamples() {
  try {
    const r = await fetch("/api/examples");
    const names = await r.json();
    $("example").innerHTML = '<option value="">—</option>' + names.map((n) => "<option>" + esc(n) + "</option>").join("");
  } catch (e) { showError(e); }
}
async function loadExample(name) {
  const r = await fetch("/api/examples/" + encodeURIComponent(name));
  if (!r.ok) { showError(new Error("no example named " + name)); return false; }
  const data = await r.json();
  $("scenario").value = data.scenario; $("format").value = data.format;
  $("example").value = name;
  fillPerspectives([]);
  return true;
}
$("example").addEventListener("change", async () => {
  const name = $("example").value;
  if (name) await loadExample(name);
});
$("analyze").addEventListener("click", analyze);
$("brief").addEventListener("click", brief);
// Shareable links: /?example=elmira.yaml&run=analyze (or run=brief)
(async () => {
  await loadExamples();
  const q = new URLSearchParams(window.location.search);
  if (q.get("example") && await loadExample(q.get("example"))) {
    if (q.get("run") === "analyze") await analyze();
    if (q.get("run") === "brief") await brief();
  }
})();
