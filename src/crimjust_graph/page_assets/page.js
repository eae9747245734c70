"use strict";
// The page's behaviour. Every string that came from a document is put into the DOM with textContent or as
// an <option>'s text, never as HTML; vis-network draws labels on the canvas.
(function () {
  const DATA = JSON.parse(document.getElementById("cj-data").textContent);
  const N = DATA.nodes;
  const E = DATA.edges;
  const KINDS = DATA.kinds;
  const S = DATA.strings;
  const big = !DATA.physics;
  const LABEL_CHARS = 60;
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  const short = (s) => (s.length > LABEL_CHARS ? s.slice(0, LABEL_CHARS - 1) + "\u2026" : s);

  // ---- the network ----------------------------------------------------------------------------------
  const groups = {};
  KINDS.forEach((k) => {
    groups[k.key] = { shape: k.shape, color: { background: k.color, border: "#333",
      highlight: { background: k.color, border: "#000" }, hover: { background: k.color, border: "#000" } } };
  });
  const nodeItems = N.map((n, i) => ({ id: i, label: short(n.l), group: KINDS[n.k].key, size: n.s, x: n.x, y: n.y }));
  // An edge runs from the facts' subject to their object; its arrow points at the object.
  const edgeItems = E.map((e, i) => {
    const item = { id: i, from: e.f, to: e.t, width: e.w };
    if (DATA.directed) item.arrows = "to";
    if (e.c) item.smooth = { enabled: true, type: "curvedCW", roundness: 0.25 };
    return item;
  });
  const visible = new Uint8Array(N.length).fill(1);
  const nodes = new vis.DataSet(nodeItems);
  const edges = new vis.DataSet(edgeItems);
  const nodeView = new vis.DataView(nodes, { filter: (item) => visible[item.id] === 1 });
  const edgeView = new vis.DataView(edges, { filter: (item) => visible[item.from] === 1 && visible[item.to] === 1 });
  const options = {
    groups: groups,
    nodes: { font: { size: 14, face: "system-ui, sans-serif" }, borderWidth: 1 },
    edges: { color: { color: "#9aa3ab", highlight: "#333", hover: "#333" }, smooth: big ? false : { type: "continuous" },
      arrows: { to: { scaleFactor: 0.5 }, from: { scaleFactor: 0.5 } }, font: { size: 12, align: "middle" } },
    layout: { randomSeed: 7, improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big, multiselect: false },
    physics: big ? false : { enabled: true, solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, springLength: 90 },
      stabilization: { enabled: true, iterations: 250, fit: true } },
  };
  const network = new vis.Network($("graph"), { nodes: nodeView, edges: edgeView }, options);
  // data-drawn: first frame on screen; data-settled: positions final (what tests and benchmarks wait for).
  network.once("afterDrawing", () => {
    window.__cjFirstDraw = performance.now();
    document.body.setAttribute("data-drawn", "1");
    if (big) document.body.setAttribute("data-settled", "1");
  });
  // The timeline view: a dated column per event date, its date written above it (canvas text, not HTML).
  if (DATA.axis.length) {
    const top = Math.min(...N.map((n) => n.y)) - 60;
    const bottom = Math.max(...N.map((n) => n.y)) + 40;
    network.on("beforeDrawing", (ctx) => {
      ctx.save();
      ctx.strokeStyle = "#d5dadf";
      ctx.fillStyle = "#444";
      ctx.font = "bold 14px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.beginPath();
      ctx.moveTo(DATA.axis[0].x - 110, 0);
      ctx.lineTo(DATA.axis[DATA.axis.length - 1].x + 110, 0);
      DATA.axis.forEach((a) => {
        ctx.moveTo(a.x, top + 10);
        ctx.lineTo(a.x, bottom);
        ctx.fillText(a.l, a.x, top);
      });
      ctx.stroke();
      ctx.restore();
    });
  }
  if (!big) {
    network.once("stabilizationIterationsDone", () => {
      network.setOptions({ physics: false });
      network.fit();
      document.body.setAttribute("data-settled", "1");
    });
  }

  // ---- tooltips and details (DOM text only) ----------------------------------------------------------
  function nodeInfo(i) {
    const n = N[i];
    const box = el("div", "info");
    box.append(el("div", "name", n.l), el("div", "kind", KINDS[n.k].name));
    if (n.a.length) box.append(el("div", "meta", "Also called: " + n.a.join("; ")));
    const facts = [];
    if (n.n) facts.push(n.n + (n.n === 1 ? " document" : " documents"));
    if (n.t0) facts.push(n.t1 && n.t1 !== n.t0 ? n.t0 + " to " + n.t1 : n.t0);
    facts.push(n.d + (n.d === 1 ? " link" : " links"));
    box.append(el("div", "meta", facts.join(" \u00b7 ")));
    n.ev.forEach((ev) => {
      const quote = el("blockquote", "quote", "\u201c" + S[ev[0]] + "\u201d");
      if (ev[1]) quote.append(el("cite", null, S[ev[1]]));
      box.append(quote);
    });
    return box;
  }
  // One line per fact, read subject -> predicate -> object, then its evidence sentence and document.
  function factText(f) {
    if (!DATA.directed) return N[f[0]].l + " and " + N[f[1]].l + " " + f[2];
    return N[f[0]].l + " \u2192 " + f[2] + " \u2192 " + N[f[1]].l;
  }
  function edgeInfo(i) {
    const e = E[i];
    const box = el("div", "info");
    e.facts.forEach((f) => {
      box.append(el("div", "name", factText(f)));
      const sources = f[4] ? f[4] + (f[4] === 1 ? " document" : " documents") : "reference data";
      box.append(el("div", "meta", sources));
      if (f[5]) {
        const quote = el("blockquote", "quote", "\u201c" + S[f[5]] + "\u201d");
        if (f[6]) quote.append(el("cite", null, S[f[6]]));
        box.append(quote);
      }
    });
    return box;
  }
  const tip = $("tooltip");
  const pane = $("graph-pane");
  function showTip(content, pointer) {
    tip.replaceChildren(content);
    tip.hidden = false;
    const w = pane.clientWidth;
    const h = pane.clientHeight;
    const x = Math.min(pointer.x + 14, Math.max(0, w - tip.offsetWidth - 4));
    const y = pointer.y + 14 + tip.offsetHeight > h ? Math.max(0, pointer.y - tip.offsetHeight - 10) : pointer.y + 14;
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  const hideTip = () => { tip.hidden = true; };
  let labelled = null;
  network.on("hoverNode", (p) => showTip(nodeInfo(p.node), p.pointer.DOM));
  network.on("blurNode", hideTip);
  network.on("hoverEdge", (p) => {
    const e = E[p.edge];
    const said = e.facts.map((f) => f[2]).filter((v, j, a) => a.indexOf(v) === j).join(", ");
    edges.update({ id: p.edge, label: short(said) });
    labelled = p.edge;
    showTip(edgeInfo(p.edge), p.pointer.DOM);
  });
  network.on("blurEdge", () => {
    if (labelled !== null) edges.update({ id: labelled, label: undefined });
    labelled = null;
    hideTip();
  });
  ["dragStart", "zoom"].forEach((ev) => network.on(ev, hideTip));
  function showDetails(i) {
    $("details").replaceChildren(nodeInfo(i));
  }
  network.on("selectNode", (p) => showDetails(p.nodes[0]));
  network.on("selectEdge", (p) => { if (!p.nodes.length) $("details").replaceChildren(edgeInfo(p.edges[0])); });

  // ---- filters ---------------------------------------------------------------------------------------
  function fill(select, values) {
    values.forEach((v, i) => {
      const option = el("option", null, v);
      option.value = String(i);
      select.append(option);
    });
  }
  fill($("programme"), DATA.programmes);
  fill($("region"), DATA.regions);
  const years = Array.from(new Set(N.flatMap((n) => n.yr))).sort((a, b) => a - b);
  ["from", "to"].forEach((id) => years.forEach((y) => {
    const o = el("option", null, y);
    o.value = String(y);
    $(id).append(o);
  }));
  // The page opens showing the filters it was written with (render --programme/--region/--since).
  const preset = DATA.preset || {};
  if (preset.programme !== undefined) $("programme").value = String(preset.programme);
  if (preset.region !== undefined) $("region").value = String(preset.region);
  if (preset.since !== undefined) {
    const first = years.find((y) => y >= preset.since);
    if (first !== undefined) $("from").value = String(first);
  }

  function apply() {
    const kinds = new Set(Array.from(document.querySelectorAll("input.kind:checked"), (b) => Number(b.value)));
    const prog = $("programme").value === "" ? -1 : Number($("programme").value);
    const region = $("region").value === "" ? -1 : Number($("region").value);
    const from = $("from").value === "" ? -Infinity : Number($("from").value);
    const to = $("to").value === "" ? Infinity : Number($("to").value);
    const anyYear = from === -Infinity && to === Infinity;
    let shown = 0;
    for (let i = 0; i < N.length; i++) {
      const n = N[i];
      const ok = kinds.has(n.k) && (prog < 0 || n.p.includes(prog)) && (region < 0 || n.r.includes(region)) &&
        (anyYear || n.yr.some((y) => y >= from && y <= to));
      visible[i] = ok ? 1 : 0;
      shown += visible[i];
    }
    nodeView.refresh();
    edgeView.refresh();
    $("count").textContent = "Showing " + shown + " of " + N.length + " nodes";
    renderTable();
  }
  $("controls").addEventListener("change", (ev) => { if (ev.target.id !== "search") apply(); });
  $("controls").addEventListener("reset", () => setTimeout(apply, 0));
  $("controls").addEventListener("submit", (ev) => ev.preventDefault());

  // ---- search ----------------------------------------------------------------------------------------
  const hay = N.map((n) => [n.l, ...n.a].join("\u0000").toLowerCase());
  const results = $("results");
  let found = [];
  function search() {
    const q = $("search").value.trim().toLowerCase();
    found = [];
    if (q) {
      for (let i = 0; i < N.length && found.length < 200; i++) {
        if (visible[i] && hay[i].includes(q)) found.push(i);
      }
      const rank = (i) => (N[i].l.toLowerCase().startsWith(q) ? 0 : hay[i].split("\u0000").some((s) => s.startsWith(q)) ? 1 : 2);
      found.sort((a, b) => rank(a) - rank(b) || N[a].l.length - N[b].l.length || a - b);
      found = found.slice(0, 10);
    }
    results.replaceChildren(...found.map((i, j) => {
      const li = el("li", null, short(N[i].l));
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", j === 0 ? "true" : "false");
      li.append(el("span", "kind", KINDS[N[i].k].name));
      li.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(i); });
      return li;
    }));
  }
  function choose(i) {
    results.replaceChildren();
    network.selectNodes([i]);
    network.focus(i, { scale: Math.max(network.getScale(), 1.2), animation: false });
    showDetails(i);
  }
  $("search").addEventListener("input", search);
  $("search").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { ev.preventDefault(); if (found.length) choose(found[0]); }
    if (ev.key === "Escape") results.replaceChildren();
  });
  $("search").addEventListener("blur", () => setTimeout(() => results.replaceChildren(), 150));

  // ---- table view and CSV ----------------------------------------------------------------------------
  const LIST_MAX = 25;
  function names(list) { return list.map((i) => N[i].l); }
  function rows() {
    return DATA.table.filter((r) => visible[r[0]]).map((r) => [
      N[r[0]].l,
      names(r[1].filter((i) => visible[i])),
      r[2].map((i) => DATA.regions[i]),
      names(r[3].filter((i) => visible[i])),
    ]);
  }
  function cell(list) {
    const td = el("td");
    const head = list.slice(0, LIST_MAX).join(", ");
    td.textContent = list.length > LIST_MAX ? head + " and " + (list.length - LIST_MAX) + " more" : head;
    return td;
  }
  function renderTable() {
    const body = document.querySelector("#table tbody");
    const all = rows();
    if (!all.length) {
      const tr = el("tr");
      const td = el("td", null, "No programmes in this view.");
      td.colSpan = 4;
      tr.append(td);
      body.replaceChildren(tr);
      return;
    }
    body.replaceChildren(...all.map((r) => {
      const tr = el("tr");
      const first = el("td", null, r[0]);
      tr.append(first, cell(r[1]), cell(r[2]), cell(r[3]));
      return tr;
    }));
  }
  function csvCell(value) {
    let s = String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s; // a spreadsheet must not read a document's text as a formula
    return '"' + s.replace(/"/g, '""') + '"';
  }
  $("csv").addEventListener("click", () => {
    const lines = [["programme", "partners", "regions", "events"].map(csvCell).join(",")];
    rows().forEach((r) => lines.push([r[0], r[1].join("; "), r[2].join("; "), r[3].join("; ")].map(csvCell).join(",")));
    const blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    const a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = "programmes.csv";
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });

  apply();
  window.cjPage = { network: network, nodes: nodes, edges: edges, data: DATA, choose: choose,
    edgeText: (i) => edgeInfo(i).textContent };
})();
