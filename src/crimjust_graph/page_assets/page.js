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
  const nodeItems = N.map((n, i) => ({ id: i, label: n.c || short(n.l), group: KINDS[n.k].key, size: n.s,
    x: n.x, y: n.y }));
  // An edge runs from the facts' subject to their object; its arrow points at the object.
  const edgeItems = E.map((e, i) => {
    const item = { id: i, from: e.f, to: e.t, width: e.w };
    if (DATA.directed) item.arrows = "to";
    if (e.c) item.smooth = { enabled: true, type: "curvedCW", roundness: 0.25 };
    return item;
  });
  const neighbours = N.map(() => []);
  const touching = N.map(() => []); // the lines at each node
  E.forEach((e, j) => {
    neighbours[e.f].push(e.t); neighbours[e.t].push(e.f);
    touching[e.f].push(j); touching[e.t].push(j);
  });

  // ---- controls: filled, and preset to the filters the page was written with ------------------------
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
  const preset = DATA.preset || {};
  if (preset.programme !== undefined) $("programme").value = String(preset.programme);
  if (preset.region !== undefined) $("region").value = String(preset.region);
  if (preset.since !== undefined) {
    const first = years.find((y) => y >= preset.since);
    if (first !== undefined) $("from").value = String(first);
  }
  // A crowded view opens on its focus kinds (the full view: programmes and partners); the rest is one
  // double-click away.
  const kindKeys = KINDS.map((k) => k.key);
  const focused = DATA.focus.length > 0;
  if (focused) {
    document.querySelectorAll("input.kind").forEach((box) => { box.checked = DATA.focus.includes(kindKeys[Number(box.value)]); });
  }

  const visible = new Uint8Array(N.length);
  const expanded = new Uint8Array(N.length); // brought in by "show its links" or search, whatever the filters
  function computeVisible() {
    const kinds = new Set(Array.from(document.querySelectorAll("input.kind:checked"), (b) => Number(b.value)));
    const prog = $("programme").value === "" ? -1 : Number($("programme").value);
    const region = $("region").value === "" ? -1 : Number($("region").value);
    const from = $("from").value === "" ? -Infinity : Number($("from").value);
    const to = $("to").value === "" ? Infinity : Number($("to").value);
    const anyYear = from === -Infinity && to === Infinity;
    let shown = 0;
    for (let i = 0; i < N.length; i++) {
      const n = N[i];
      const ok = expanded[i] === 1 || (kinds.has(n.k) && (prog < 0 || n.p.includes(prog)) &&
        (region < 0 || n.r.includes(region)) && (anyYear || n.yr.some((y) => y >= from && y <= to)));
      visible[i] = ok ? 1 : 0;
      shown += visible[i];
    }
    return shown;
  }
  computeVisible();

  const nodes = new vis.DataSet(nodeItems);
  const edges = new vis.DataSet(edgeItems);
  const nodeView = new vis.DataView(nodes, { filter: (item) => visible[item.id] === 1 });
  const edgeView = new vis.DataView(edges, { filter: (item) => visible[item.from] === 1 && visible[item.to] === 1 });
  const timeline = DATA.axis.length > 0;
  const physics = { enabled: true, solver: "forceAtlas2Based",
    forceAtlas2Based: { gravitationalConstant: -90, springLength: 110, avoidOverlap: 0.6 },
    stabilization: { enabled: true, iterations: 300, fit: false } };
  const options = {
    groups: groups,
    nodes: { font: { size: 14, face: "system-ui, sans-serif" }, borderWidth: 1 },
    edges: { color: { color: "#9aa3ab", highlight: "#333", hover: "#333" },
      smooth: big ? false : timeline ? { type: "curvedCW", roundness: 0.2 } : { type: "continuous" },
      arrows: { to: { scaleFactor: 0.5 }, from: { scaleFactor: 0.5 } }, font: { size: 12, align: "middle" } },
    layout: { randomSeed: 7, improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big, multiselect: false },
    physics: big ? false : physics,
  };
  const network = new vis.Network($("graph"), { nodes: nodeView, edges: edgeView }, options);
  // data-drawn: first frame on screen; data-settled: positions final (what tests and benchmarks wait for).
  network.once("afterDrawing", () => {
    window.__cjFirstDraw = performance.now();
    document.body.setAttribute("data-drawn", "1");
  });

  // The timeline: one band per date, top to bottom, its date written at the left (canvas text, not HTML).
  // In canvas units; the SVG picture draws the same bands.
  const DATE_WIDTH = 150;
  const right = timeline ? N.reduce((m, n) => Math.max(m, n.x), -Infinity) + 80 : 0;
  const bands = DATA.axis.map((a, j) => ({ x: -DATE_WIDTH, y: a.y0, w: right + DATE_WIDTH, h: a.y1 - a.y0,
    fill: j % 2 ? "#f4f6f8" : "#ffffff", label: a.l, lx: -24, ly: a.y0 + 12 }));
  const BAND_FONT = "bold 14px system-ui, sans-serif";
  if (timeline) {
    network.on("beforeDrawing", (ctx) => {
      ctx.save();
      ctx.font = BAND_FONT;
      ctx.textAlign = "right";
      ctx.textBaseline = "top";
      bands.forEach((b) => {
        ctx.fillStyle = b.fill;
        ctx.fillRect(b.x, b.y, b.w, b.h);
        ctx.fillStyle = "#333";
        ctx.fillText(b.label, b.lx, b.ly);
      });
      ctx.restore();
    });
  }

  // Label boxes as the canvas will draw them (under the node), to keep labels apart.
  const measure = document.createElement("canvas").getContext("2d");
  measure.font = "14px system-ui, sans-serif";
  function box(i) {
    const p = network.getPosition(i);
    const lines = (N[i].c || short(N[i].l)).split("\n");
    const w = Math.max(...lines.map((t) => measure.measureText(t).width), 2 * N[i].s) + 8;
    return { x0: p.x - w / 2, x1: p.x + w / 2, y0: p.y - N[i].s - 4, y1: p.y + N[i].s + 8 + 17 * lines.length, p: p };
  }
  function separateLabels() {
    const ids = nodeView.getIds();
    if (ids.length > 300) return;
    for (let round = 0; round < 200; round++) {
      const boxes = ids.map(box);
      let moved = false;
      for (let a = 0; a < ids.length; a++) {
        for (let b = a + 1; b < ids.length; b++) {
          const A = boxes[a], B = boxes[b];
          const dx = Math.min(A.x1, B.x1) - Math.max(A.x0, B.x0);
          const dy = Math.min(A.y1, B.y1) - Math.max(A.y0, B.y0);
          if (dx <= 0 || dy <= 0) continue;
          moved = true;
          const sideways = timeline || dx < dy; // the timeline keeps each band's row: move along it only
          const sign = sideways ? (A.p.x <= B.p.x ? 1 : -1) : (A.p.y <= B.p.y ? 1 : -1);
          const step = (sideways ? dx : dy) / 2 + 1;
          if (sideways) { A.p.x -= sign * step; B.p.x += sign * step; } else { A.p.y -= sign * step; B.p.y += sign * step; }
          for (const [Q, k] of [[A, a], [B, b]]) {
            network.moveNode(ids[k], Q.p.x, Q.p.y);
            const fresh = box(ids[k]);
            Q.x0 = fresh.x0; Q.x1 = fresh.x1; Q.y0 = fresh.y0; Q.y1 = fresh.y1;
          }
        }
      }
      if (!moved) return;
    }
  }
  // Fit what is shown (labels and the timeline's dates included) into the frame.
  function refit() {
    const ids = nodeView.getIds();
    if (!ids.length) return;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    ids.forEach((i) => {
      const b = box(i);
      x0 = Math.min(x0, b.x0); x1 = Math.max(x1, b.x1); y0 = Math.min(y0, b.y0); y1 = Math.max(y1, b.y1);
    });
    if (timeline) x0 = Math.min(x0, -DATE_WIDTH);
    // The legend keeps a strip on the left to itself, so it never covers a node, a label or a date.
    const frame = $("graph");
    const strip = $("legend").offsetWidth + 16;
    const scale = Math.min((frame.clientWidth - strip) / (x1 - x0 + 40), frame.clientHeight / (y1 - y0 + 40), 1.5);
    const centre = { x: (x0 + x1) / 2 - strip / 2 / scale, y: (y0 + y1) / 2 };
    network.moveTo({ position: centre, scale: scale, animation: false });
  }
  let settling = false;
  function settle(done) {
    const finish = () => {
      separateLabels();
      refit();
      settling = false;
      document.body.setAttribute("data-settled", "1");
      if (done) done();
    };
    document.body.removeAttribute("data-settled");
    if (big || timeline || nodeView.length === 0) { setTimeout(finish, 0); return; }
    settling = true;
    network.setOptions({ physics: physics });
    network.once("stabilizationIterationsDone", () => {
      network.setOptions({ physics: false });
      finish();
    });
    network.stabilize(physics.stabilization.iterations);
  }
  if (big || timeline || nodeView.length === 0) { // nothing to settle: an empty view never stabilises
    network.setOptions({ physics: false });
    settle();
  } else {
    network.once("stabilizationIterationsDone", () => {
      network.setOptions({ physics: false });
      separateLabels();
      refit();
      document.body.setAttribute("data-settled", "1");
    });
  }
  // Nodes that come into view start beside a neighbour already in view, not where the full layout put them.
  function placeNew(before) {
    nodeView.getIds().forEach((i, k) => {
      if (before[i]) return;
      const near = neighbours[i].find((j) => before[j] && visible[j]);
      if (near === undefined) return;
      const p = network.getPosition(near);
      const angle = k * 2.39996;
      network.moveNode(i, p.x + 80 * Math.cos(angle), p.y + 80 * Math.sin(angle));
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
    const span = n.t0 ? (n.t1 && n.t1 !== n.t0 ? n.t0 + " to " + n.t1 : n.t0) : "";
    if (span) facts.push(KINDS[n.k].key === "event" ? span : "dated events: " + span);
    facts.push(n.d + (n.d === 1 ? " link" : " links"));
    box.append(el("div", "meta", facts.join(" \u00b7 ")));
    if (n.pf) {  // a programme: its own facts, each on its own line
      const list = el("dl", "facts");
      DATA.facts.forEach((name, j) => {
        const values = n.pf[j];
        if (!values.length) return;
        const shown = values.slice(0, 8).join(", ") + (values.length > 8 ? " and " + (values.length - 8) + " more" : "");
        list.append(el("dt", null, name[0].toUpperCase() + name.slice(1) + (name === "events" ? " (" + values.length + ")" : "")),
          el("dd", null, shown));
      });
      box.append(list);
    } else if (touching[i].length) box.append(linkList(i));
    n.ev.forEach((ev) => {
      const quote = el("blockquote", "quote", "\u201c" + S[ev[0]] + "\u201d");
      if (ev[1]) quote.append(el("cite", null, S[ev[1]]));
      box.append(quote);
    });
    return box;
  }
  // A node's facts read from its own side: "European Union: funds SEACOP", "Dakar: venue of ...".
  function linkList(i) {
    const said = new Map();
    touching[i].forEach((j) => E[j].facts.forEach((f) => {
      const mine = f[0] === i || !DATA.directed;
      const words = mine ? f[2] : (DATA.inverse[f[2]] || "\u2190 " + f[2]);
      const other = f[0] === i ? f[1] : f[0];
      if (!said.has(words)) said.set(words, new Set());
      said.get(words).add(N[other].l);
    }));
    const list = el("dl", "facts");
    Array.from(said.keys()).sort().forEach((words) => {
      const names = Array.from(said.get(words)).sort((a, b) => a.localeCompare(b));
      const shown = names.slice(0, 8).join(", ") + (names.length > 8 ? " and " + (names.length - 8) + " more" : "");
      list.append(el("dt", null, words[0].toUpperCase() + words.slice(1)), el("dd", null, shown));
    });
    return list;
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
  let selected = null;
  function showDetails(i) {
    selected = i;
    const info = nodeInfo(i);
    const more = el("button", "expand", "Show its links (" + neighbours[i].length + ")");
    more.type = "button";
    more.addEventListener("click", () => expand(i));
    info.append(more);
    $("details").replaceChildren(info);
  }
  const hint = Array.from($("details").childNodes, (node) => node.cloneNode(true));
  function clearDetails() {
    selected = null;
    $("details").replaceChildren(...hint.map((node) => node.cloneNode(true)));
  }
  network.on("selectNode", (p) => showDetails(p.nodes[0]));
  network.on("selectEdge", (p) => { if (!p.nodes.length) $("details").replaceChildren(edgeInfo(p.edges[0])); });

  // ---- filters and expanding -----------------------------------------------------------------------
  function apply(initial) {
    const before = visible.slice();
    const shown = computeVisible();
    nodeView.refresh();
    edgeView.refresh();
    if (!initial && !big && !timeline) placeNew(before);
    $("count").textContent = "Showing " + shown + " of " + N.length + " nodes" +
      (focused && shown < N.length ? " (double-click a node to show its links)" : "");
    const kept = network.getSelectedNodes().filter((i) => visible[i]);
    if (kept.length === 0 && selected !== null) { network.unselectAll(); clearDetails(); }
    renderTable();
    if (!initial) settle();
  }
  function expand(i) {
    expanded[i] = 1;
    neighbours[i].forEach((j) => { expanded[j] = 1; });
    apply();
  }
  network.on("doubleClick", (p) => { if (p.nodes.length) expand(p.nodes[0]); });
  $("controls").addEventListener("change", (ev) => { if (ev.target.id !== "search") apply(); });
  $("controls").addEventListener("reset", () => setTimeout(() => {
    expanded.fill(0);
    apply();
  }, 0));
  $("controls").addEventListener("submit", (ev) => ev.preventDefault());

  // ---- search ----------------------------------------------------------------------------------------
  const hay = N.map((n) => [n.l, ...n.a].join("\u0000").toLowerCase());
  const results = $("results");
  let found = [];
  // Exact names and acronyms first, then organisations and programmes before events and places.
  const KIND_RANK = { programme: 0, partner: 0, event: 1 };
  function search() {
    const q = $("search").value.trim().toLowerCase();
    found = [];
    if (q) {
      for (let i = 0; i < N.length; i++) if (hay[i].includes(q)) found.push(i);
      const names = (i) => hay[i].split("\u0000");
      const rank = (i) => (names(i).includes(q) ? 0 : names(i).some((s) => s.startsWith(q)) ? 1 : 2) * 10 +
        (KIND_RANK[KINDS[N[i].k].key] ?? 2);
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
  // A found node is brought into view if a filter hid it, selected, and the view fits it and its links.
  function choose(i) {
    results.replaceChildren();
    const show = () => {
      network.selectNodes([i]);
      showDetails(i);
      const near = [i, ...neighbours[i].filter((j) => visible[j])];
      network.fit({ nodes: near, animation: false });
      if (network.getScale() > 1.5) network.moveTo({ scale: 1.5, animation: false });
    };
    if (!visible[i]) { expanded[i] = 1; apply(); }
    if (settling) network.once("stabilizationIterationsDone", () => setTimeout(show, 0));
    else setTimeout(show, 0);
  }
  $("search").addEventListener("input", search);
  $("search").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { ev.preventDefault(); if (found.length) choose(found[0]); }
    if (ev.key === "Escape") results.replaceChildren();
  });
  $("search").addEventListener("blur", () => setTimeout(() => results.replaceChildren(), 150));

  // ---- table view and CSV ----------------------------------------------------------------------------
  // One row per programme shown, one column per kind of fact (DATA.facts), from the programme's own facts.
  const LIST_MAX = 25;
  const HEAD = ["programme", ...DATA.facts];
  const EVENTS = DATA.facts.indexOf("events");
  let sortBy = 0;
  let sortDown = false;
  function rows() {
    const all = DATA.table.filter((i) => visible[i]).map((i) => [N[i].l, ...N[i].pf]);
    const key = (r) => (sortBy === 0 ? r[0] : sortBy === EVENTS + 1 ? r[sortBy].length : r[sortBy].join(", "));
    all.sort((a, b) => {
      const x = key(a), y = key(b);
      const order = typeof x === "number" ? x - y : x.localeCompare(y, undefined, { sensitivity: "base" });
      return (sortDown ? -order : order) || a[0].localeCompare(b[0]);
    });
    return all;
  }
  function cell(list) {
    const td = el("td");
    const head = list.slice(0, LIST_MAX).join(", ");
    td.textContent = list.length > LIST_MAX ? head + " and " + (list.length - LIST_MAX) + " more" : head;
    return td;
  }
  const headRow = document.querySelector("#table thead tr");
  headRow.replaceChildren(...HEAD.map((name, j) => {
    const th = el("th");
    const button = el("button", "sort", name[0].toUpperCase() + name.slice(1));
    button.type = "button";
    button.addEventListener("click", () => {
      sortDown = sortBy === j ? !sortDown : false;
      sortBy = j;
      renderTable();
    });
    th.append(button);
    return th;
  }));
  function renderTable() {
    Array.from(headRow.children).forEach((th, j) => {
      th.setAttribute("aria-sort", j === sortBy ? (sortDown ? "descending" : "ascending") : "none");
    });
    const body = document.querySelector("#table tbody");
    const all = rows();
    if (!all.length) {
      const tr = el("tr");
      const td = el("td", null, "No programmes in this view.");
      td.colSpan = HEAD.length;
      tr.append(td);
      body.replaceChildren(tr);
      return;
    }
    body.replaceChildren(...all.map((r) => {
      const tr = el("tr");
      tr.append(el("td", null, r[0]), ...r.slice(1).map(cell));
      return tr;
    }));
  }
  function csvCell(value) {
    let s = String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s; // a spreadsheet must not read a document's text as a formula
    return '"' + s.replace(/"/g, '""') + '"';
  }
  function download(blob, name) { // a file the browser saves; the page itself makes no request
    const a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
  $("csv").addEventListener("click", () => {
    const lines = [HEAD.map(csvCell).join(",")];
    rows().forEach((r) => lines.push([r[0], ...r.slice(1).map((list) => list.join("; "))].map(csvCell).join(",")));
    download(new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" }), "programmes.csv");
  });

  apply(true);
  window.cjPage = { network: network, nodes: nodes, edges: edges, data: DATA, choose: choose,
    edgeText: (i) => edgeInfo(i).textContent, expand: expand, download: download, bands: bands,
    bandFont: BAND_FONT, shownNodes: () => nodeView.getIds(), shownEdges: () => edgeView.getIds(),
    canvasLabel: (i) => N[i].c || short(N[i].l), options: options };
})();
