// Brook Console: a single-page app on the broker's /api, no framework and no network beyond the broker.
// Views are functions of the route (after '#'); every element is built with h() so names and record bytes are text, never HTML.
"use strict";

const view = document.getElementById("view");
let timers = [];          // intervals of the current view, cleared on navigation
let routeToken = 0;       // a view still loading when the route changes drops its result

// ---------- small helpers ----------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const svgNs = "http://www.w3.org/2000/svg";
function s(tag, attrs, ...children) {
  const el = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

async function api(path, options = {}) {
  const init = { method: options.method || "GET", headers: {} };
  if (options.body !== undefined) { init.body = JSON.stringify(options.body); init.headers["Content-Type"] = "application/json"; }
  const response = await fetch(path, init);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error((data && data.error) || `${response.status} ${response.statusText}`);
  return data;
}

function toast(message, isError) {
  const box = document.getElementById("toast");
  const t = h("div", { class: "toast" + (isError ? " error" : ""), "data-testid": isError ? "toast-error" : "toast" }, message);
  box.append(t);
  setTimeout(() => t.remove(), isError ? 7000 : 3500);
}

const fmt = new Intl.NumberFormat("en-US");
const num = n => (n === null || n === undefined ? "–" : fmt.format(n));
function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0; let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)) + " " + units[i];
}
const time = ms => new Date(ms).toISOString().replace("T", " ").replace("Z", "");
const enc = encodeURIComponent;

function stateBadge(state) {
  const cls = { Stable: "ok", Empty: "grey", Dead: "bad", PreparingRebalance: "warn", CompletingRebalance: "warn", Assigning: "warn", Reconciling: "warn" }[state] || "";
  return h("span", { class: "badge " + cls }, state);
}

function table(columns, rows, options = {}) {
  const head = h("tr", {}, columns.map(c => h("th", { class: c.num ? "num" : "" }, c.title)));
  const body = h("tbody", {});
  if (rows.length === 0) body.append(h("tr", {}, h("td", { class: "empty", colspan: columns.length }, options.empty || "Nothing here yet.")));
  for (const row of rows) {
    const tr = h("tr", { class: options.onRow ? "clickable" : "", "data-testid": options.rowTestId ? options.rowTestId(row) : null },
      columns.map(c => h("td", { class: c.num ? "num" : (c.cls || "") }, c.render(row))));
    if (options.onRow) tr.addEventListener("click", () => options.onRow(row, tr));
    body.append(tr);
  }
  return h("table", { "data-testid": options.testId }, h("thead", {}, head), body);
}

function panel(title, content, ...actions) {
  return h("section", { class: "panel" },
    h("div", { class: "panel-head" }, h("h2", {}, title), h("div", { class: "spacer" }), actions), content);
}

function card(label, value, cls, testId) {
  return h("div", { class: "card " + (cls || ""), "data-testid": testId }, h("div", { class: "label" }, label), h("div", { class: "value" }, value));
}

function every(ms, fn) { timers.push(setInterval(fn, ms)); }

function modal(title, body, onSubmit, submitText) {
  const back = h("div", { class: "modal-back" });
  const close = () => back.remove();
  const submit = h("button", { class: "primary", type: "submit", "data-testid": "modal-submit" }, submitText || "Save");
  const form = h("form", { class: "modal", onsubmit: async e => {
    e.preventDefault();
    submit.disabled = true;
    try { await onSubmit(); close(); } catch (err) { toast(err.message, true); } finally { submit.disabled = false; }
  } }, h("h2", {}, title), body, h("div", { class: "form-actions" }, submit, h("button", { type: "button", onclick: close }, "Cancel")));
  back.append(form);
  back.addEventListener("click", e => { if (e.target === back) close(); });
  document.body.append(back);
  const first = form.querySelector("input, textarea, select");
  if (first) first.focus();
}

function parseLines(text) {
  const result = {};
  for (const line of text.split("\n").map(l => l.trim()).filter(l => l && !l.startsWith("#"))) {
    const i = line.indexOf("=");
    if (i <= 0) throw new Error(`expected key=value, got "${line}"`);
    result[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return result;
}

// ---------- charts (SVG, no library) ----------
// The smallest 1, 2, 2.5 or 5 × 10^n at or above v, so the four grid steps are round numbers.
function niceCeiling(v) {
  const step = v / 4;
  const magnitude = Math.pow(10, Math.floor(Math.log10(step)));
  const nice = [1, 2, 2.5, 5, 10].map(m => m * magnitude).find(m => m >= step);
  return nice * 4;
}
const palette = ["#0e7490", "#f59e0b", "#7c3aed", "#16a34a", "#dc2626", "#2563eb", "#db2777", "#65a30d"];
function lineChart(series, options = {}) {
  const all = series.flatMap(x => x.points);
  if (all.length < 2) return h("div", { class: "chart-empty", "data-testid": options.testId }, options.empty || "Collecting samples… (one every 5 s)");
  const W = 900, H = 220, L = 64, R = 16, T = 12, B = 28;
  const t0 = Math.min(...all.map(p => p.t)), t1 = Math.max(...all.map(p => p.t));
  const vmax = niceCeiling(Math.max(1, ...all.map(p => p.v)));
  const x = t => L + (t1 === t0 ? 0 : (t - t0) / (t1 - t0)) * (W - L - R);
  const y = v => T + (1 - v / vmax) * (H - T - B);
  const label = options.format || (v => fmt.format(Math.round(v * 100) / 100));
  const grid = s("g", { class: "grid" }), axis = s("g", { class: "axis" });
  for (let i = 0; i <= 4; i++) {
    const v = vmax * i / 4;
    grid.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    axis.append(s("text", { x: L - 8, y: y(v) + 4, "text-anchor": "end" }, label(v)));
  }
  for (let i = 0; i <= 4; i++) {
    const t = t0 + (t1 - t0) * i / 4;
    axis.append(s("text", { x: x(t), y: H - 8, "text-anchor": i === 0 ? "start" : i === 4 ? "end" : "middle" }, new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })));
  }
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", "data-testid": options.testId, "data-points": all.length }, grid, axis);
  series.forEach((ser, i) => {
    if (ser.points.length === 0) return;
    const color = palette[i % palette.length];
    const d = ser.points.map((p, j) => `${j ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ");
    if (series.length === 1) svg.append(s("path", { d: `${d} L${x(ser.points.at(-1).t)},${y(0)} L${x(ser.points[0].t)},${y(0)} Z`, fill: color, opacity: "0.08" }));
    svg.append(s("path", { d, fill: "none", stroke: color, "stroke-width": "2", "vector-effect": "non-scaling-stroke", "data-series": ser.name, "data-last": ser.points.at(-1).v }));
  });
  const legend = h("div", { class: "legend" }, series.map((ser, i) => h("span", {}, h("i", { style: `background:${palette[i % palette.length]}` }),
    `${ser.name}: ${ser.points.length ? label(ser.points.at(-1).v) : "–"}`)));
  return h("div", {}, svg, legend);
}

// ---------- views ----------
async function overview() {
  const c = await api("/api/cluster");
  document.getElementById("cluster-id").textContent = `Cluster ${c.cluster_id || ""}`;
  return h("div", {},
    h("div", { class: "page-head" }, h("h1", {}, "Cluster overview"), h("span", { class: "badge" }, `Brook ${c.version || ""}`)),
    h("div", { class: "cards" },
      card("Brokers", num(c.brokers.length), "", "card-brokers"),
      card("Controller", c.controller ?? "–"),
      card("Topics", num(c.topics), "", "card-topics"),
      card("Partitions", num(c.partitions)),
      card("Under-replicated", num(c.under_replicated_partitions), c.under_replicated_partitions ? "bad" : "good", "card-urp"),
      card("Offline", num(c.offline_partitions), c.offline_partitions ? "bad" : "good")),
    panel("Brokers", brokerTable(c.brokers)));
}

function brokerTable(brokers) {
  return table([
    { title: "ID", render: b => h("a", { href: `#/brokers/${b.id}` }, b.id) },
    { title: "Address", render: b => h("span", { class: "mono" }, `${b.host}:${b.port}`) },
    { title: "Rack", render: b => b.rack || "–" },
    { title: "Role", render: b => b.controller ? h("span", { class: "badge" }, "active controller") : "broker" },
    { title: "Leaders", num: true, render: b => num(b.leaders) },
    { title: "Replicas", num: true, render: b => num(b.replicas) },
  ], brokers, { testId: "brokers-table", onRow: b => go(`#/brokers/${b.id}`) });
}

async function brokers() {
  const c = await api("/api/cluster");
  return h("div", {}, h("div", { class: "page-head" }, h("h1", {}, "Brokers")), panel(`${c.brokers.length} broker(s)`, brokerTable(c.brokers)));
}

async function brokerConfig(id) {
  const data = await api(`/api/brokers/${enc(id)}/configs`);
  const rows = Object.entries(data.configs).map(([name, e]) => ({ name, ...e }));
  const search = h("input", { class: "search", placeholder: "Filter configs…", type: "search" });
  const holder = h("div", {});
  const render = () => {
    const q = search.value.toLowerCase();
    holder.replaceChildren(configTable(rows.filter(r => r.name.includes(q))));
  };
  search.addEventListener("input", render);
  render();
  return h("div", {},
    h("div", { class: "crumbs" }, h("a", { href: "#/brokers" }, "Brokers"), " / ", id),
    h("div", { class: "page-head" }, h("h1", {}, `Broker ${id} configuration`)),
    h("div", { class: "toolbar" }, search),
    panel(`${rows.length} configs`, holder));
}

function configTable(rows, onEdit) {
  return table([
    { title: "Name", render: r => h("span", { class: "mono" }, r.name) },
    { title: "Value", render: r => r.sensitive ? h("span", { class: "subtle" }, "(sensitive)") : h("span", { class: "mono" }, r.value ?? "") },
    { title: "Source", render: r => h("span", { class: "badge " + (r.source === "DEFAULT_CONFIG" ? "grey" : "") }, r.source) },
    ...(onEdit ? [{ title: "", render: r => r.read_only ? "" : h("button", { class: "small", "data-testid": `edit-${r.name}`, onclick: e => { e.stopPropagation(); onEdit(r); } }, "Edit") }] : []),
  ], rows, { testId: "config-table" });
}

async function topics() {
  const state = { search: new URLSearchParams(location.hash.split("?")[1] || "").get("q") || "", offset: 0, internal: false };
  const list = h("div", {}, h("div", { class: "loading" }, "Loading…"));
  const search = h("input", { class: "search", type: "search", placeholder: "Search topics…", value: state.search, "data-testid": "topic-search" });
  const internal = h("input", { type: "checkbox" });
  const load = async () => {
    const page = await api(`/api/topics?search=${enc(state.search)}&offset=${state.offset}&limit=50&internal=${state.internal}`);
    const pager = h("div", { class: "pager" },
      h("span", { "data-testid": "topics-range" }, `${page.total ? state.offset + 1 : 0}–${Math.min(state.offset + 50, page.total)} of ${num(page.total)}`),
      h("button", { class: "small", "data-testid": "topics-prev", disabled: state.offset === 0, onclick: () => { state.offset = Math.max(0, state.offset - 50); load(); } }, "‹ Prev"),
      h("button", { class: "small", "data-testid": "topics-next", disabled: state.offset + 50 >= page.total, onclick: () => { state.offset += 50; load(); } }, "Next ›"));
    list.replaceChildren(table([
      { title: "Topic", render: t => h("a", { href: `#/topics/${enc(t.name)}` }, t.name) },
      { title: "Partitions", num: true, render: t => num(t.partitions) },
      { title: "Replication", num: true, render: t => num(t.replication_factor) },
      { title: "Health", render: t => t.offline ? h("span", { class: "badge bad" }, `${t.offline} offline`) : t.under_replicated ? h("span", { class: "badge warn" }, `${t.under_replicated} under-replicated`) : h("span", { class: "badge ok" }, "healthy") },
      { title: "Size", num: true, render: t => bytes(t.size_bytes) },
    ], page.topics, { testId: "topics-table", rowTestId: t => `topic-row-${t.name}`, onRow: t => go(`#/topics/${enc(t.name)}`), empty: state.search ? "No topic matches." : "No topics yet: create one." }), pager);
  };
  let debounce;
  search.addEventListener("input", () => { clearTimeout(debounce); debounce = setTimeout(() => { state.search = search.value; state.offset = 0; load().catch(e => toast(e.message, true)); }, 200); });
  internal.addEventListener("change", () => { state.internal = internal.checked; state.offset = 0; load(); });
  await load();
  return h("div", {},
    h("div", { class: "page-head" }, h("h1", {}, "Topics"), h("div", { class: "spacer" }),
      h("button", { class: "primary", "data-testid": "create-topic", onclick: createTopicDialog }, "+ Create topic")),
    h("div", { class: "toolbar" }, search, h("label", {}, internal, "Show internal topics")),
    h("section", { class: "panel" }, list));
}

function createTopicDialog() {
  const name = h("input", { required: true, placeholder: "orders", "data-testid": "topic-name", pattern: "[a-zA-Z0-9._\\-]+" });
  const partitions = h("input", { type: "number", min: 1, value: 3, "data-testid": "topic-partitions" });
  const factor = h("input", { type: "number", min: 1, placeholder: "broker default", "data-testid": "topic-replication" });
  const configs = h("textarea", { placeholder: "retention.ms=604800000\ncleanup.policy=delete", "data-testid": "topic-configs" });
  modal("Create topic", h("div", { class: "form-grid" },
    h("label", {}, "Name"), name, h("label", {}, "Partitions"), partitions, h("label", {}, "Replication factor"), factor,
    h("label", { class: "full" }, "Configs (key=value per line)"), h("div", { class: "full" }, configs)), async () => {
    await api("/api/topics", { method: "POST", body: {
      name: name.value, partitions: Number(partitions.value) || null, replication_factor: Number(factor.value) || null, configs: parseLines(configs.value) } });
    toast(`Created topic ${name.value}`);
    go(`#/topics/${enc(name.value)}`);
  }, "Create");
}

async function topic(name, tab) {
  tab = tab || "messages";
  const t = await api(`/api/topics/${enc(name)}`);
  const tabs = ["messages", "produce", "partitions", "configs"];
  const factor = Math.max(0, ...t.partitions.map(p => p.replicas.length));
  const messages = t.partitions.reduce((a, p) => a + Math.max(0, p.log_end_offset - p.log_start_offset), 0);
  const body = { messages: () => messageBrowser(t), produce: () => produceForm(t), partitions: () => partitionsTab(t), configs: () => configsTab(t) }[tab]();
  const throughput = h("div", {}, h("div", { class: "chart-empty" }, "Loading…"));
  const loadThroughput = async () => {
    const data = await api(`/api/topics/${enc(name)}/throughput`);
    const point = p => ({ t: p.t, v: p.v });
    throughput.replaceChildren(lineChart([
      { name: "messages in /s", points: data.series.messages_in.map(point) },
      { name: "bytes in /s", points: data.series.bytes_in.map(point) },
      { name: "bytes out /s", points: data.series.bytes_out.map(point) },
    ], { testId: "throughput-chart", format: v => v >= 10000 ? fmt.format(Math.round(v / 1000)) + "k" : fmt.format(Math.round(v)) }));
  };
  loadThroughput().catch(() => {});
  every(5000, () => loadThroughput().catch(() => {}));
  return h("div", {},
    h("div", { class: "crumbs" }, h("a", { href: "#/topics" }, "Topics"), " / ", name),
    h("div", { class: "page-head" }, h("h1", { "data-testid": "topic-title" }, name),
      t.internal ? h("span", { class: "badge grey" }, "internal") : null, h("div", { class: "spacer" }),
      h("button", { class: "danger", "data-testid": "delete-topic", onclick: () => {
        modal(`Delete topic ${name}?`, h("p", {}, "Every record in it is deleted. This cannot be undone."), async () => {
          await api(`/api/topics/${enc(name)}`, { method: "DELETE" });
          toast(`Deleted topic ${name}`);
          go("#/topics");
        }, "Delete");
      } }, "Delete topic")),
    h("div", { class: "cards" }, card("Partitions", num(t.partitions.length)), card("Replication factor", num(factor)),
      card("Messages", num(messages), "", "card-messages"),
      card("Size on this broker", bytes(t.partitions.reduce((a, p) => a + (p.size_bytes || 0), 0))),
      card("Topic ID", h("span", { class: "mono", style: "font-size:12px" }, t.topic_id || "–"))),
    panel("Throughput (last 30 minutes)", throughput),
    h("div", { class: "tabs" }, tabs.map(x => h("a", { href: `#/topics/${enc(name)}/${x}`, class: x === tab ? "active" : "", "data-testid": `tab-${x}` }, x[0].toUpperCase() + x.slice(1)))),
    body);
}

function partitionsTab(t) {
  return panel(`${t.partitions.length} partitions`, table([
    { title: "Partition", num: true, render: p => p.partition },
    { title: "Leader", num: true, render: p => p.leader ?? h("span", { class: "badge bad" }, "none") },
    { title: "Replicas", render: p => p.replicas.join(", ") },
    { title: "In-sync replicas", render: p => h("span", { class: p.isr.length < p.replicas.length ? "badge warn" : "" }, p.isr.join(", ")) },
    { title: "Start offset", num: true, render: p => num(p.log_start_offset) },
    { title: "End offset", num: true, render: p => num(p.log_end_offset) },
    { title: "Messages", num: true, render: p => num(Math.max(0, p.log_end_offset - p.log_start_offset)) },
    { title: "Size", num: true, render: p => bytes(p.size_bytes) },
  ], t.partitions, { testId: "partitions-table" }), h("button", { onclick: () => {
    const total = h("input", { type: "number", min: t.partitions.length + 1, value: t.partitions.length + 1 });
    modal(`Add partitions to ${t.name}`, h("div", { class: "form-grid" }, h("label", {}, "New partition count"), total), async () => {
      await api(`/api/topics/${enc(t.name)}/partitions`, { method: "POST", body: { total: Number(total.value) } });
      toast(`${t.name} now has ${total.value} partitions`);
      render();
    }, "Add");
  } }, "Add partitions"));
}

function configsTab(t) {
  const rows = Object.entries(t.configs).map(([name, e]) => ({ name, ...e }));
  const edit = r => {
    const value = h("input", { value: r.value ?? "", "data-testid": "config-value", style: "width:100%" });
    const reset = r.source === "DYNAMIC_TOPIC_CONFIG" ? h("button", { type: "button", class: "small", onclick: async () => {
      try {
        await api(`/api/topics/${enc(t.name)}/configs`, { method: "POST", body: { delete: [r.name] } });
        document.querySelector(".modal-back")?.remove();
        toast(`${r.name} reset to the default`);
        render();
      } catch (e) { toast(e.message, true); }
    } }, "Reset to default") : null;
    modal(`Edit ${r.name}`, h("div", { class: "form-grid" }, h("label", {}, "Value"), value, h("span", {}), reset), async () => {
      await api(`/api/topics/${enc(t.name)}/configs`, { method: "POST", body: { set: { [r.name]: value.value } } });
      toast(`${r.name} = ${value.value}`);
      render();
    });
  };
  const overrides = rows.filter(r => r.source === "DYNAMIC_TOPIC_CONFIG");
  return h("div", {}, panel(`Overrides (${overrides.length})`, configTable(overrides, edit)), panel("All configs", configTable(rows, edit)));
}

function produceForm(t) {
  const key = h("input", { placeholder: "(none)", "data-testid": "produce-key", style: "width:100%" });
  const value = h("textarea", { placeholder: '{"order": 42, "status": "paid"}', "data-testid": "produce-value" });
  const headers = h("textarea", { placeholder: "trace-id=abc123", style: "min-height:60px", "data-testid": "produce-headers" });
  const partition = h("select", { "data-testid": "produce-partition" }, h("option", { value: -1 }, "By key (or sticky)"), t.partitions.map(p => h("option", { value: p.partition }, `Partition ${p.partition}`)));
  const result = h("div", { class: "subtle", "data-testid": "produce-result" });
  const send = h("button", { class: "primary", "data-testid": "produce-send", onclick: async () => {
    send.disabled = true;
    try {
      const hdrs = Object.entries(parseLines(headers.value)).map(([k, v]) => ({ key: k, value: v }));
      const r = await api(`/api/topics/${enc(t.name)}/messages`, { method: "POST", body: {
        key: key.value || null, value: value.value, headers: hdrs, partition: Number(partition.value) } });
      result.textContent = `Produced to partition ${r.partition} at offset ${r.offset}.`;
      toast(`Produced to ${t.name}/${r.partition} @ ${r.offset}`);
    } catch (e) { toast(e.message, true); } finally { send.disabled = false; }
  } }, "Produce");
  return panel("Produce a message", h("div", { class: "form-grid" },
    h("label", {}, "Partition"), partition, h("label", {}, "Key"), key,
    h("label", { class: "full" }, "Value"), h("div", { class: "full" }, value),
    h("label", { class: "full" }, "Headers (key=value per line)"), h("div", { class: "full" }, headers),
    h("div", { class: "full form-actions" }, send, result)));
}

// Bytes as the chosen format: text, JSON pretty-printed (when the text parses) or hex.
function decode(b, mode) {
  if (!b) return { text: "null", json: false };
  if (mode === "hex" || b.text === null) {
    const raw = atob(b.base64);
    let hex = "";
    for (let i = 0; i < raw.length; i++) hex += raw.charCodeAt(i).toString(16).padStart(2, "0") + (i % 16 === 15 ? "\n" : " ");
    return { text: hex.trim(), json: false };
  }
  if (mode !== "text") {
    try { return { text: JSON.stringify(JSON.parse(b.text), null, 2), json: true }; } catch { /* not JSON */ }
  }
  return { text: b.text, json: false };
}

function highlightJson(text) {
  const pre = h("pre", { class: "value" });
  const re = /("(?:\\.|[^"\\])*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;
  let last = 0; let m;
  while ((m = re.exec(text))) {
    pre.append(text.slice(last, m.index));
    if (m[1]) pre.append(h("span", { class: m[2] ? "json-key" : "json-string" }, m[1]), m[2] || "");
    else if (m[3]) pre.append(h("span", { class: "json-number" }, m[3]));
    else pre.append(h("span", { class: "json-literal" }, m[4]));
    last = re.lastIndex;
  }
  pre.append(text.slice(last));
  return pre;
}

function messageBrowser(t) {
  const partition = h("select", { "data-testid": "browse-partition" }, h("option", { value: -1 }, "All partitions"), t.partitions.map(p => h("option", { value: p.partition }, `Partition ${p.partition}`)));
  const seek = h("select", { "data-testid": "browse-seek" }, ["latest", "earliest", "offset", "timestamp"].map(x => h("option", { value: x }, { latest: "Newest", earliest: "Oldest", offset: "From offset", timestamp: "From time" }[x])));
  const at = h("input", { placeholder: "offset", style: "width:200px; display:none", "data-testid": "browse-at" });
  const limit = h("select", {}, [20, 50, 100, 500].map(n => h("option", { value: n, selected: n === 50 }, `${n} records`)));
  const mode = h("select", { "data-testid": "browse-format" }, h("option", { value: "auto" }, "Auto (JSON pretty)"), h("option", { value: "text" }, "Text"), h("option", { value: "hex" }, "Hex"));
  const tail = h("input", { type: "checkbox", "data-testid": "browse-tail" });
  const status = h("span", { class: "subtle" });
  const results = h("div", {});
  let records = [];
  seek.addEventListener("change", () => {
    at.style.display = seek.value === "offset" || seek.value === "timestamp" ? "" : "none";
    at.placeholder = seek.value === "timestamp" ? "2026-12-06T10:00:00Z" : "offset";
  });
  const renderRecords = () => {
    const m = mode.value;
    results.replaceChildren(table([
      { title: "Partition", num: true, render: r => r.partition },
      { title: "Offset", num: true, render: r => r.offset },
      { title: "Timestamp", render: r => h("span", { class: "mono" }, time(r.timestamp)) },
      { title: "Key", cls: "value-cell", render: r => r.key ? decode(r.key, m === "hex" ? "hex" : "text").text : h("span", { class: "subtle" }, "null") },
      { title: "Value", cls: "value-cell", render: r => r.value ? decode(r.value, m === "hex" ? "hex" : "text").text : h("span", { class: "subtle" }, "null") },
    ], records, { testId: "messages-table", empty: "No records here.", rowTestId: r => `record-${r.partition}-${r.offset}`, onRow: (r, tr) => {
      if (tr.nextSibling && tr.nextSibling.classList.contains("record-detail")) { tr.nextSibling.remove(); return; }
      const value = decode(r.value, m);
      tr.after(h("tr", { class: "record-detail" }, h("td", { colspan: 5 },
        h("dl", { class: "kv" },
          h("dt", {}, "Key"), h("dd", {}, r.key ? decode(r.key, m).text : "null"),
          h("dt", {}, "Timestamp"), h("dd", {}, `${time(r.timestamp)} (${r.timestamp_type})`),
          h("dt", {}, "Size"), h("dd", {}, `${bytes(r.value ? r.value.size : 0)}`),
          h("dt", {}, "Headers"), h("dd", {}, r.headers.length ? r.headers.map(x => `${x.key}=${x.value ? decode(x.value, "text").text : "null"}`).join(", ") : "none")),
        h("div", { style: "margin-top:10px" }, value.json ? highlightJson(value.text) : h("pre", { class: "value", "data-testid": "record-value" }, value.text)))));
    } }));
  };
  const load = async (quiet) => {
    const q = new URLSearchParams({ partition: partition.value, seek: seek.value, limit: limit.value });
    if (seek.value === "offset") q.set("offset", at.value || "0");
    if (seek.value === "timestamp") q.set("timestamp", String(Date.parse(at.value) || Number(at.value) || 0));
    if (!quiet) status.textContent = "Loading…";
    const data = await api(`/api/topics/${enc(t.name)}/messages?${q}`);
    if (quiet && tail.checked) {
      const seen = new Set(records.map(r => `${r.partition}/${r.offset}`));
      records = records.concat(data.records.filter(r => !seen.has(`${r.partition}/${r.offset}`))).slice(-Number(limit.value));
    } else records = data.records;
    const end = data.partitions.reduce((a, p) => a + p.high_watermark, 0);
    status.replaceChildren(tail.checked ? h("span", {}, h("span", { class: "live-dot" }), "Live") : "", ` ${records.length} record(s) shown · high watermarks sum ${num(end)}`);
    renderRecords();
  };
  const reload = () => load().catch(e => { status.textContent = ""; toast(e.message, true); });
  [partition, seek, limit].forEach(el => el.addEventListener("change", reload));
  mode.addEventListener("change", renderRecords);
  tail.addEventListener("change", () => { if (tail.checked) { seek.value = "latest"; at.style.display = "none"; } reload(); });
  every(2000, () => { if (tail.checked) load(true).catch(() => {}); });
  reload();
  return panel("Messages", h("div", {},
    h("div", { class: "toolbar" }, partition, seek, at, limit, mode, h("button", { class: "primary", "data-testid": "browse-load", onclick: reload }, "Load"),
      h("label", {}, tail, "Live tail"), status), results));
}

async function groups() {
  const search = h("input", { class: "search", type: "search", placeholder: "Search groups…", "data-testid": "group-search" });
  const list = h("div", {});
  const load = async () => {
    const data = await api(`/api/groups?search=${enc(search.value)}`);
    list.replaceChildren(table([
      { title: "Group", render: g => h("a", { href: `#/groups/${enc(g.group)}` }, g.group) },
      { title: "State", render: g => stateBadge(g.state) },
      { title: "Protocol", render: g => g.type },
      { title: "Members", num: true, render: g => num(g.members) },
      { title: "Lag", num: true, render: g => g.lag === null ? "–" : h("span", { class: g.lag > 0 ? "badge warn" : "badge ok" }, num(g.lag)) },
    ], data, { testId: "groups-table", rowTestId: g => `group-row-${g.group}`, onRow: g => go(`#/groups/${enc(g.group)}`), empty: "No consumer groups yet." }));
  };
  let debounce;
  search.addEventListener("input", () => { clearTimeout(debounce); debounce = setTimeout(() => load().catch(e => toast(e.message, true)), 200); });
  await load();
  every(5000, () => load().catch(() => {}));
  return h("div", {}, h("div", { class: "page-head" }, h("h1", {}, "Consumer groups")), h("div", { class: "toolbar" }, search), h("section", { class: "panel" }, list));
}

async function group(id) {
  const summary = h("div", { class: "cards" });
  const chart = h("div", {}, h("div", { class: "chart-empty" }, "Loading…"));
  const offsets = h("div", {});
  const members = h("div", {});
  const loadGroup = async () => {
    const g = await api(`/api/groups/${enc(id)}`);
    summary.replaceChildren(card("State", stateBadge(g.state)), card("Members", num(g.members.length)),
      card("Coordinator", g.coordinator ?? "–"), card("Total lag", num(g.total_lag), g.total_lag > 0 ? "bad" : "good", "card-lag"),
      card("Assignor", g.assignor || "–"));
    offsets.replaceChildren(table([
      { title: "Topic", render: p => h("a", { href: `#/topics/${enc(p.topic)}` }, p.topic) },
      { title: "Partition", num: true, render: p => p.partition },
      { title: "Committed", num: true, render: p => num(p.current_offset) },
      { title: "End offset", num: true, render: p => num(p.log_end_offset) },
      { title: "Lag", num: true, render: p => h("span", { "data-testid": `lag-${p.topic}-${p.partition}` }, num(p.lag)) },
      { title: "Member", render: p => p.member_id ? h("span", { class: "mono" }, p.member_id) : "–" },
    ], g.offsets, { testId: "group-offsets", empty: "No committed offsets." }));
    members.replaceChildren(table([
      { title: "Member", render: m => h("span", { class: "mono" }, m.member_id) },
      { title: "Client", render: m => m.client_id },
      { title: "Host", render: m => m.host },
      { title: "Assigned", render: m => m.assignment.map(a => `${a.topic}-${a.partition}`).join(", ") || "–" },
    ], g.members, { empty: "No active members." }));
  };
  const loadChart = async () => {
    const data = await api(`/api/groups/${enc(id)}/lag-history`);
    const series = [{ name: "total lag", points: data.total.map(p => ({ t: p.t, v: p.v })) }];
    if (data.partitions.length > 1 && data.partitions.length <= 8)
      for (const p of data.partitions) series.push({ name: `${p.topic}-${p.partition}`, points: p.points.map(x => ({ t: x.t, v: x.v })) });
    chart.replaceChildren(lineChart(series, { testId: "lag-chart", empty: "No lag samples yet: the broker samples every 5 s." }));
  };
  await loadGroup();
  loadChart().catch(() => {});
  every(5000, () => { loadGroup().catch(() => {}); loadChart().catch(() => {}); });
  return h("div", {},
    h("div", { class: "crumbs" }, h("a", { href: "#/groups" }, "Consumer groups"), " / ", id),
    h("div", { class: "page-head" }, h("h1", { "data-testid": "group-title" }, id)),
    summary, panel("Lag over time (last 30 minutes)", chart), panel("Offsets and lag per partition", offsets), panel("Members", members));
}

// ---------- routing ----------
function go(hash) { if (location.hash === hash) render(); else location.hash = hash; }

async function render() {
  timers.forEach(clearInterval);
  timers = [];
  const token = ++routeToken;
  const [path] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  document.querySelectorAll("[data-nav]").forEach(a => a.classList.toggle("active", a.dataset.nav === (parts[0] || "overview")));
  let content;
  try {
    if (parts.length === 0) content = await overview();
    else if (parts[0] === "topics" && parts.length === 1) content = await topics();
    else if (parts[0] === "topics") content = await topic(parts[1], parts[2]);
    else if (parts[0] === "groups" && parts.length === 1) content = await groups();
    else if (parts[0] === "groups") content = await group(parts[1]);
    else if (parts[0] === "brokers" && parts.length === 1) content = await brokers();
    else if (parts[0] === "brokers") content = await brokerConfig(parts[1]);
    else content = h("div", { class: "error-box" }, "No such page.");
  } catch (e) {
    content = h("div", {}, h("div", { class: "page-head" }, h("h1", {}, "Something went wrong")), h("div", { class: "error-box", "data-testid": "page-error" }, e.message));
  }
  if (token === routeToken) view.replaceChildren(content);
}

window.addEventListener("hashchange", render);
api("/api/cluster").then(c => { document.getElementById("cluster-id").textContent = `Cluster ${c.cluster_id || ""}`; }).catch(() => {});
render();
