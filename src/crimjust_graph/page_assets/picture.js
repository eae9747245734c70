"use strict";
// Pictures for reports: the graph as shown, under the page's title and caption, with the legend of the
// kinds shown. PNG copies the canvas; SVG draws the same picture again from vis-network's own positions,
// label boxes and line paths, in canvas units under the view's transform, so it stays sharp in print.
// Text goes in with textContent and XMLSerializer escapes it: a document's words cannot become markup.
(function () {
  const page = window.cjPage;
  const network = page.network;
  const DATA = page.data;
  const KINDS = DATA.kinds;
  const $ = (id) => document.getElementById(id);
  const INK = "#1d232a";
  const FONT = "system-ui, sans-serif";

  function wrap(ctx, text, width) {
    const lines = [];
    text.split(/\s+/).forEach((word) => {
      const last = lines.length ? lines[lines.length - 1] + " " + word : word;
      if (lines.length && ctx.measureText(last).width <= width) lines[lines.length - 1] = last;
      else lines.push(word);
    });
    return lines;
  }
  const captionText = () => $("caption").textContent + " " + $("count").textContent + ".";
  const kindsShown = () => {
    const shown = new Set(page.shownNodes().map((i) => DATA.nodes[i].k));
    return KINDS.filter((k, j) => shown.has(j));
  };

  // vis-network's shapes as its canvas paths draw them, centred on (x, y) with size r: the corners of a
  // polygon, or null for a circle ("dot") or a square (drawn as such).
  function outline(kind, x, y, r) {
    if (kind === "diamond") return [[x, y + r], [x + r, y], [x, y - r], [x - r, y]];
    if (kind === "hexagon") {
      return [0, 1, 2, 3, 4, 5].map((k) => [x + r * Math.cos((k * Math.PI) / 3), y + r * Math.sin((k * Math.PI) / 3)]);
    }
    if (kind === "triangle" || kind === "triangleDown") {
      const up = kind === "triangle" ? 1 : -1;
      const n = r * 1.15, cy = y + up * 0.275 * n, ir = (Math.sqrt(3) / 6) * 2 * n;
      const tall = Math.sqrt(4 * n * n - n * n);
      return [[x, cy - up * (tall - ir)], [x + n, cy + up * ir], [x - n, cy + up * ir]];
    }
    return null;
  }
  function fillShape(ctx, kind, x, y, r) {
    const corners = outline(kind, x, y, r);
    ctx.beginPath();
    if (corners) corners.forEach(([px, py], k) => (k ? ctx.lineTo(px, py) : ctx.moveTo(px, py)));
    else if (kind === "square") ctx.rect(x - r, y - r, 2 * r, 2 * r);
    else ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.closePath();
    ctx.fill();
  }

  // ---- PNG ------------------------------------------------------------------------------------------
  function png() {
    const graph = document.querySelector("#graph canvas");
    const ratio = graph.width / graph.clientWidth;
    const out = document.createElement("canvas");
    const ctx = out.getContext("2d");
    const pad = 16 * ratio;
    ctx.font = 13 * ratio + "px " + FONT;
    const caption = wrap(ctx, captionText(), graph.width - 2 * pad);
    const head = pad + 26 * ratio + caption.length * 18 * ratio + pad / 2;
    out.width = graph.width;
    out.height = graph.height + head;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = INK;
    ctx.textBaseline = "top";
    ctx.font = "bold " + 20 * ratio + "px " + FONT;
    ctx.fillText(document.querySelector("h1").textContent, pad, pad);
    ctx.font = 13 * ratio + "px " + FONT;
    ctx.fillStyle = "#444";
    caption.forEach((line, j) => ctx.fillText(line, pad, pad + 28 * ratio + j * 18 * ratio));
    ctx.drawImage(graph, 0, head);
    const kinds = kindsShown();
    kinds.forEach((k, j) => {
      const y = out.height - pad - (kinds.length - j) * 18 * ratio;
      ctx.fillStyle = k.color;
      fillShape(ctx, k.shape, pad + 6 * ratio, y + 7 * ratio, 6 * ratio);
      ctx.fillStyle = INK;
      ctx.fillText(k.name, pad + 18 * ratio, y);
    });
    return out;
  }

  // ---- SVG ------------------------------------------------------------------------------------------
  const NS = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, String(v)));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  const r2 = (v) => Math.round(v * 100) / 100;
  const polygon = (list) => svgEl("polygon", { points: list.map(([x, y]) => r2(x) + "," + r2(y)).join(" ") });
  function shape(kind, x, y, r) {
    const corners = outline(kind, x, y, r);
    if (corners) return polygon(corners);
    if (kind === "square") return svgEl("rect", { x: r2(x - r), y: r2(y - r), width: r2(2 * r), height: r2(2 * r) });
    return svgEl("circle", { cx: r2(x), cy: r2(y), r: r2(r) });
  }
  // A line as vis-network draws it (straight or curved, centre to centre, under the nodes) and, when the
  // graph is directed, its arrowhead where the line meets the object (vis-network's "arrow" shape).
  const LINE = "#9aa3ab";
  function line(id) {
    const item = network.body.edges[id];
    const at = (k, of) => item.edgeType.getPoint(k / of);
    const curved = item.edgeType.options.smooth && item.edgeType.options.smooth.enabled;
    const points = Array.from({ length: curved ? 25 : 2 }, (_, k) => at(k, curved ? 24 : 1));
    const width = DATA.edges[id].w;
    const group = svgEl("g", { class: "edge" });
    group.append(svgEl("path", { d: "M" + points.map((q) => r2(q.x) + " " + r2(q.y)).join("L"), fill: "none",
      stroke: LINE, "stroke-width": width }));
    if (page.edges.get(id).arrows !== "to") return group;
    const to = item.to; // the node itself: getPosition rounds
    const reach = DATA.nodes[item.toId].s + 1;
    let tip = at(64, 64), back = at(63, 64);
    for (let k = 64; k > 0; k--) {
      const q = at(k, 64);
      if (Math.hypot(q.x - to.x, q.y - to.y) >= reach) { tip = q; back = at(k - 1, 64); break; }
    }
    const angle = Math.atan2(tip.y - back.y, tip.x - back.x);
    const length = 15 * page.options.edges.arrows.to.scaleFactor + 3 * width;
    const turn = ([u, v]) => [tip.x + length * (u * Math.cos(angle) - v * Math.sin(angle)),
      tip.y + length * (u * Math.sin(angle) + v * Math.cos(angle))];
    const head = polygon([[0, 0], [-1, 0.3], [-0.9, 0], [-1, -0.3]].map(turn));
    head.setAttribute("fill", LINE);
    group.append(head);
    return group;
  }
  function svg() {
    const frame = $("graph");
    const width = frame.clientWidth, height = frame.clientHeight;
    const measure = document.createElement("canvas").getContext("2d");
    measure.font = "13px " + FONT;
    const caption = wrap(measure, captionText(), width - 32);
    const head = 16 + 26 + caption.length * 18 + 8; // whole pixels: the graph keeps the frame's pixel grid
    const root = svgEl("svg", { xmlns: NS, width: width, height: height + head,
      viewBox: "0 0 " + width + " " + (height + head), "font-family": FONT });
    root.append(svgEl("rect", { width: width, height: height + head, fill: "#ffffff" }));
    root.append(svgEl("text", { x: 16, y: 16, "font-size": 20, "font-weight": "bold", fill: INK,
      "dominant-baseline": "hanging" }, document.querySelector("h1").textContent));
    caption.forEach((text, j) => root.append(svgEl("text", { x: 16, y: 44 + 18 * j, "font-size": 13, fill: "#444",
      "dominant-baseline": "hanging" }, text)));
    // The graph: canvas units under the view's own transform, clipped to the frame.
    const clip = svgEl("clipPath", { id: "frame" });
    clip.append(svgEl("rect", { width: width, height: height }));
    const defs = svgEl("defs");
    defs.append(clip);
    root.append(defs);
    const pane = svgEl("g", { transform: "translate(0 " + head + ")", "clip-path": "url(#frame)" });
    const scale = network.getScale();
    const origin = network.canvasToDOM({ x: 0, y: 0 });
    const view = svgEl("g", { class: "view", transform: "matrix(" + [scale, 0, 0, scale, origin.x, origin.y].map((v) => Math.round(v * 1e5) / 1e5).join(" ") + ")" });
    page.bands.forEach((b) => {
      view.append(svgEl("rect", { x: b.x, y: b.y, width: b.w, height: b.h, fill: b.fill }));
      view.append(svgEl("text", { x: b.lx, y: b.ly, "text-anchor": "end", "dominant-baseline": "hanging",
        "font-size": 14, "font-weight": "bold", fill: "#333" }, b.label));
    });
    page.shownEdges().forEach((id) => view.append(line(id)));
    const labelsDrawn = 14 * scale >= 5; // vis-network leaves out labels smaller than 5 px on screen
    page.shownNodes().forEach((i) => {
      const n = DATA.nodes[i];
      const kind = KINDS[n.k];
      const p = network.body.nodes[i]; // exact, as drawn (getPosition rounds)
      const group = svgEl("g", { class: "node" });
      const mark = shape(kind.shape, p.x, p.y, n.s);
      mark.setAttribute("fill", kind.color);
      mark.setAttribute("stroke", "#333");
      mark.setAttribute("stroke-width", "1");
      group.append(mark);
      const box = network.body.nodes[i].labelModule.size;
      if (labelsDrawn && box.width > 0) {
        const lines = page.canvasLabel(i).split("\n");
        const step = box.height / lines.length;
        const text = svgEl("text", { x: r2(box.left + box.width / 2), "text-anchor": "middle", "font-size": 14, fill: "#343434" });
        lines.forEach((t, k) => text.append(svgEl("tspan", { x: r2(box.left + box.width / 2), y: r2(box.top + step * (k + 0.5)),
          "dominant-baseline": "central" }, t)));
        group.append(text);
      }
      view.append(group);
    });
    pane.append(view);
    root.append(pane);
    // The legend: the kinds shown, at the bottom left as on the page.
    const kinds = kindsShown();
    const legend = svgEl("g", { class: "legend" });
    kinds.forEach((k, j) => {
      const y = height + head - 16 - (kinds.length - j) * 18;
      const mark = shape(k.shape, 22, y + 7, 6);
      mark.setAttribute("fill", k.color);
      legend.append(mark, svgEl("text", { x: 34, y: y + 7, "font-size": 13, fill: INK, "dominant-baseline": "central" }, k.name));
    });
    root.append(legend);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(root) + "\n";
  }

  $("png").addEventListener("click", () => {
    png().toBlob((blob) => page.download(blob, "graph.png"), "image/png");
  });
  $("svg").addEventListener("click", () => {
    page.download(new Blob([svg()], { type: "image/svg+xml;charset=utf-8" }), "graph.svg");
  });
  page.svg = svg;
})();
