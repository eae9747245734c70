// The query page: runs SPARQL against /sparql and shows results. Every value is written with textContent.
"use strict";

const RESULT_DOWNLOADS = [
  ["JSON", "application/sparql-results+json", "json"],
  ["CSV", "text/csv", "csv"],
  ["TSV", "text/tab-separated-values", "tsv"],
];
const GRAPH_DOWNLOADS = [
  ["Turtle", "text/turtle", "ttl"],
  ["N-Triples", "application/n-triples", "nt"],
  ["JSON-LD", "application/ld+json", "jsonld"],
];
const ENTITY_BASE = "https://w3id.org/crimjust/id/";

const $ = (id) => document.getElementById(id);

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function isGraphQuery(text) {
  const body = text.replace(/#[^\n]*/g, " ").replace(/PREFIX\s+\S*\s*<[^>]*>/gi, " ").replace(/BASE\s*<[^>]*>/gi, " ");
  return /^\s*(CONSTRUCT|DESCRIBE)\b/i.test(body);
}

async function post(query, accept) {
  return fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query", Accept: accept },
    body: query,
  });
}

function cellText(term) {
  if (!term) return "";
  if (term.type === "uri" && term.value.startsWith(ENTITY_BASE)) return term.value.slice(ENTITY_BASE.length);
  return term.value;
}

function showTable(data) {
  const table = $("results");
  clear(table);
  if ("boolean" in data) {
    const row = table.insertRow();
    row.insertCell().textContent = data.boolean ? "true" : "false";
    return 1;
  }
  const vars = data.head.vars || [];
  const head = table.createTHead().insertRow();
  for (const v of vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const v of vars) {
      const cell = row.insertCell();
      const term = binding[v];
      cell.textContent = cellText(term);
      if (term && term.type === "uri") {
        cell.className = "iri";
        cell.title = term.value;
      }
    }
  }
  return data.results.bindings.length;
}

function showDownloads(query, graph) {
  const links = $("download-links");
  clear(links);
  for (const [label, accept, ext] of graph ? GRAPH_DOWNLOADS : RESULT_DOWNLOADS) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", async () => {
      const response = await post(query, accept);
      if (!response.ok) {
        showError(await response.text());
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = `results.${ext}`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
    links.appendChild(button);
  }
  $("downloads").hidden = false;
}

function showError(text) {
  $("error").textContent = text.trim();
  $("error").hidden = false;
}

async function run() {
  const query = $("query").value;
  const graph = isGraphQuery(query);
  $("error").hidden = true;
  $("graph").hidden = true;
  $("downloads").hidden = true;
  clear($("results"));
  $("status").textContent = "running…";
  const started = performance.now();
  try {
    const response = await post(query, graph ? "text/turtle" : "application/sparql-results+json");
    const ms = Math.round(performance.now() - started);
    if (!response.ok) {
      $("status").textContent = `HTTP ${response.status} after ${ms} ms`;
      showError(await response.text());
      return;
    }
    if (graph) {
      $("graph").textContent = await response.text();
      $("graph").hidden = false;
      $("status").textContent = `${ms} ms`;
    } else {
      const rows = showTable(await response.json());
      $("status").textContent = `${rows} row${rows === 1 ? "" : "s"} in ${ms} ms`;
    }
    showDownloads(query, graph);
  } catch (err) {
    $("status").textContent = "";
    showError(`The endpoint did not answer: ${err}`);
  }
}

async function loadExamples() {
  try {
    const [queries, prefixes] = await Promise.all([
      fetch("/queries").then((r) => r.json()),
      fetch("/prefixes").then((r) => r.json()),
    ]);
    $("prefix-names").textContent = Object.keys(prefixes).join(", ");
    const select = $("examples");
    for (const q of queries) {
      const option = document.createElement("option");
      option.value = q.name;
      option.textContent = `${q.name}: ${q.title}`;
      select.appendChild(option);
    }
    select.addEventListener("change", () => {
      const chosen = queries.find((q) => q.name === select.value);
      if (chosen) $("query").value = chosen.text;
    });
  } catch (err) {
    showError(`Could not load the example queries: ${err}`);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("run").addEventListener("click", run);
  $("query").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  loadExamples();
});
