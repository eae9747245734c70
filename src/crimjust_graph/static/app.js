// The query page: a SPARQL editor (editor.js), named queries with a parameter form, the query in the URL,
// and a sortable, paged result table. Every value from the store is written with textContent.
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
// Entity and document IRIs that have a page at /id/{kind}/{slug} on this server.
const ENTITY_PATH = /^(programme|partner|event|region|country|city|document)\/([A-Za-z0-9._~%-]+)$/;
const KINDS = ["programme", "partner", "event", "region", "country", "city"];
const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;
const LOCAL_PATH = /^(?:file:\/\/|\/|[A-Za-z]:[\\/])/;

const $ = (id) => document.getElementById(id);
const state = {
  editor: null,
  queries: [],
  prefixes: {},
  names: new Map(), // entity or document IRI -> its name
  vocabulary: null, // a promise, settled once /vocabulary has answered
  vocabularyEntities: [], // [iri, name, other names] for the parameter form's name lists
  loaded: null, // {name, text, params}: the named query as chosen or bound, to tell edits from it
  table: null, // {vars, rows, sortVar, descending, page}
  runs: 0,
};

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

function queryText() {
  return state.editor ? state.editor.text() : $("initial-query").content.textContent;
}

function setQueryText(text) {
  if (state.editor) state.editor.setText(text);
}

// -- how a term is shown --------------------------------------------------------------------------------

function shorten(iri) {
  let best = null;
  for (const [prefix, ns] of Object.entries(state.prefixes)) {
    if (iri.startsWith(ns) && /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(iri.slice(ns.length)) && (!best || ns.length > best[1].length)) {
      best = [prefix, ns];
    }
  }
  return best ? `${best[0]}:${iri.slice(best[1].length)}` : iri;
}

/** A term as shown: {text, title, href}; entities by name with a link to their page on this server. */
function display(term) {
  if (!term) return { text: "" };
  if (term.type === "uri") {
    const path = term.value.startsWith(ENTITY_BASE) ? term.value.slice(ENTITY_BASE.length) : null;
    const linked = path !== null ? ENTITY_PATH.exec(path) : null;
    if (linked) {
      const name = state.names.get(term.value);
      return { text: name || `${linked[1]}:${linked[2]}`, title: term.value, href: `/id/${linked[1]}/${linked[2]}` };
    }
    return { text: shorten(term.value), title: term.value };
  }
  if (term.type === "bnode") return { text: `_:${term.value}` };
  if (LOCAL_PATH.test(term.value) && /[\\/]/.test(term.value)) {
    // a document's file name: the folder it was read from says nothing to a reader (hover shows it)
    return { text: term.value.split(/[\\/]/).filter(Boolean).pop() || term.value, title: term.value };
  }
  return { text: term.value };
}

function sortKey(term) {
  if (!term) return null;
  if (term.type === "literal" && term.datatype && NUMERIC.test(term.datatype)) {
    const number = Number(term.value);
    if (!Number.isNaN(number)) return number;
  }
  return display(term).text;
}

function compare(a, b) {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1; // unbound last
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: "base" });
}

// -- the result table -----------------------------------------------------------------------------------

function showTable(data) {
  if ("boolean" in data) {
    state.table = null;
    const table = $("results");
    clear(table);
    table.insertRow().insertCell().textContent = data.boolean ? "true" : "false";
    $("pager").hidden = true;
    return 1;
  }
  const rows = data.results.bindings.map((binding, index) => ({ binding, index }));
  state.table = { vars: data.head.vars || [], rows, sortVar: null, descending: false, page: 0 };
  drawTable();
  return rows.length;
}

function sortBy(variable) {
  const table = state.table;
  table.descending = table.sortVar === variable ? !table.descending : false;
  table.sortVar = variable;
  const keyed = table.rows.map((row) => ({ row, key: sortKey(row.binding[variable]) }));
  keyed.sort((x, y) => {
    const order = compare(x.key, y.key);
    if (order !== 0 && x.key !== null && y.key !== null) return table.descending ? -order : order;
    return order || x.row.index - y.row.index; // unbound stays last either way; ties keep the answer's order
  });
  table.rows = keyed.map((item) => item.row);
  table.page = 0;
  drawTable();
}

function pageSize() {
  return Number($("page-size").value) || 50;
}

function drawTable() {
  const { vars, rows, sortVar, descending } = state.table;
  const size = pageSize();
  const pages = Math.max(1, Math.ceil(rows.length / size));
  state.table.page = Math.min(Math.max(state.table.page, 0), pages - 1);
  const first = state.table.page * size;
  const table = $("results");
  clear(table);
  const head = table.createTHead().insertRow();
  for (const v of vars) {
    const th = document.createElement("th");
    th.scope = "col";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = v;
    if (v === sortVar) {
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      button.textContent = `${v} ${descending ? "▼" : "▲"}`;
    }
    button.addEventListener("click", () => sortBy(v));
    th.appendChild(button);
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const { binding } of rows.slice(first, first + size)) {
    const row = body.insertRow();
    for (const v of vars) {
      const cell = row.insertCell();
      const shown = display(binding[v]);
      if (shown.href) {
        const a = document.createElement("a");
        a.href = shown.href;
        a.textContent = shown.text;
        a.title = shown.title;
        cell.appendChild(a);
      } else {
        cell.textContent = shown.text;
        if (shown.title) cell.title = shown.title;
      }
      if (binding[v] && binding[v].type === "uri") cell.className = "iri";
    }
  }
  $("pager").hidden = rows.length <= 25;
  $("page-info").textContent = rows.length
    ? `Rows ${first + 1}–${Math.min(first + size, rows.length)} of ${rows.length} (page ${state.table.page + 1} of ${pages})`
    : "No rows";
  $("prev").disabled = state.table.page === 0;
  $("next").disabled = state.table.page >= pages - 1;
}

function turnPage(step) {
  if (!state.table) return;
  state.table.page += step;
  drawTable();
}

// -- running, downloading, the URL ----------------------------------------------------------------------

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

/** The page's URL for what is in the editor: a named query and its parameters, or the query text. */
function permalink() {
  const params = new URLSearchParams();
  const loaded = state.loaded;
  if (loaded && loaded.text === queryText()) {
    params.set("name", loaded.name);
    for (const [variable, value] of Object.entries(loaded.params)) if (value) params.set(variable, value);
  } else {
    if (loaded) params.set("name", loaded.name); // edited from this named query: the menu says so again
    params.set("query", queryText());
  }
  return `/?${params}`;
}

function remember() {
  const url = permalink();
  $("permalink").href = url;
  if (`${location.pathname}${location.search}` !== url) history.pushState(null, "", url);
}

function clearResults() {
  $("error").hidden = true;
  $("graph").hidden = true;
  $("downloads").hidden = true;
  $("pager").hidden = true;
  $("status").textContent = "";
  state.table = null;
  clear($("results"));
}

async function run() {
  const query = queryText();
  const graph = isGraphQuery(query);
  remember();
  clearResults();
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
      const data = await response.json();
      await state.vocabulary; // names for entity IRIs, when they are still on their way
      const rows = showTable(data);
      $("status").textContent = `${rows} row${rows === 1 ? "" : "s"} in ${ms} ms`;
    }
    showDownloads(query, graph);
  } catch (err) {
    $("status").textContent = "";
    showError(`The endpoint did not answer: ${err}`);
  } finally {
    state.runs += 1;
    document.body.dataset.runs = String(state.runs); // how many runs have finished, for tests and tools
  }
}

// -- named queries and their parameters -----------------------------------------------------------------

function optionLabel(query, edited) {
  return `${query.name}: ${query.title}${edited ? " (edited)" : ""}`;
}

function markEdited() {
  const select = $("examples");
  for (const option of select.options) {
    const query = state.queries.find((q) => q.name === option.value);
    if (query) option.textContent = optionLabel(query, state.loaded && state.loaded.name === query.name && state.loaded.text !== queryText());
  }
  $("permalink").href = permalink();
}

function entityChoices(variable) {
  const kind = KINDS.includes(variable) ? variable : null;
  const counts = new Map();
  const chosen = [];
  for (const [iri, name] of state.vocabularyEntities) {
    const path = iri.slice(ENTITY_BASE.length);
    const entityKind = path.split("/")[0];
    if (!KINDS.includes(entityKind) || (kind && entityKind !== kind)) continue;
    chosen.push([path, name]);
    counts.set(name, (counts.get(name) || 0) + 1);
  }
  return chosen.map(([path, name]) => (counts.get(name) > 1 ? [path, name] : [name, path]));
}

function showParams(query, values) {
  const form = $("params");
  const fields = $("param-fields");
  clear(fields);
  const variables = Object.keys(query.params || {});
  form.hidden = variables.length === 0;
  $("params-name").textContent = query.name;
  for (const variable of variables) {
    const id = `param-${variable}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = `${variable}: ${query.params[variable]}`;
    const input = document.createElement("input");
    input.id = id;
    input.name = variable;
    input.autocomplete = "off";
    input.value = values[variable] || "";
    const list = document.createElement("datalist");
    list.id = `${id}-names`;
    for (const [value, hint] of entityChoices(variable)) {
      const option = document.createElement("option");
      option.value = value;
      option.label = hint;
      list.appendChild(option);
    }
    input.setAttribute("list", list.id);
    const row = document.createElement("div");
    row.className = "param";
    row.append(label, input, list);
    fields.appendChild(row);
  }
}

/** Load a named query, its parameters bound by the server (names resolved as `query --param` does). */
async function loadNamed(name, values, { runIt }) {
  const query = state.queries.find((q) => q.name === name);
  if (!query) {
    showError(`There is no named query ${name}.`);
    return;
  }
  $("examples").value = name;
  showParams(query, values);
  const given = Object.fromEntries(Object.entries(values).filter(([v, value]) => v in (query.params || {}) && value.trim()));
  let text = query.text;
  if (Object.keys(given).length) {
    const response = await fetch(`/bind?${new URLSearchParams({ name, ...given })}`);
    if (!response.ok) {
      showError(await response.text());
      return;
    }
    text = (await response.json()).text;
  }
  $("error").hidden = true;
  state.loaded = { name, text, params: given };
  setQueryText(text);
  markEdited();
  if (runIt) await run();
}

function formValues() {
  const values = {};
  for (const input of $("param-fields").querySelectorAll("input")) values[input.name] = input.value;
  return values;
}

/** What the URL asks for: a named query (with parameters) or a query text; run it when there is one.
 * Called on load and on the browser's back and forward (event), which also go back to the bare page. */
async function restore(event) {
  const params = new URLSearchParams(location.search);
  const name = params.get("name");
  const named = state.queries.find((q) => q.name === name);
  if (params.has("query")) {
    state.loaded = named ? { name, text: named.text, params: {} } : null;
    $("examples").value = named ? name : "";
    if (named) showParams(named, {});
    else $("params").hidden = true;
    setQueryText(params.get("query"));
    markEdited();
    await run();
  } else if (name) {
    params.delete("name");
    await loadNamed(name, Object.fromEntries(params), { runIt: true });
  } else if (event) {
    // back to the bare page: its first query, not yet run
    state.loaded = null;
    $("examples").value = "";
    $("params").hidden = true;
    setQueryText($("initial-query").content.textContent);
    clearResults();
    markEdited();
  }
}

async function start() {
  const host = $("editor");
  state.editor = window.CJEditor.create({
    host,
    doc: $("initial-query").content.textContent,
    label: "SPARQL query",
    onRun: run,
    onChange: markEdited,
  });
  state.vocabulary = fetch("/vocabulary")
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((vocabulary) => {
      state.editor.setVocabulary(vocabulary);
      state.vocabularyEntities = vocabulary.entities;
      for (const [iri, name] of vocabulary.entities) state.names.set(iri, name);
      const chosen = state.queries.find((q) => q.name === $("examples").value);
      if (chosen) showParams(chosen, formValues()); // the form's name lists, now that names are known
      if (state.table) drawTable();
    })
    .catch((err) => showError(`Could not load the names for completion: ${err}`));
  try {
    const [queries, prefixes] = await Promise.all([
      fetch("/queries").then((r) => r.json()),
      fetch("/prefixes").then((r) => r.json()),
    ]);
    state.queries = queries;
    state.prefixes = prefixes;
    $("prefix-names").textContent = Object.keys(prefixes).join(", ");
    const select = $("examples");
    for (const q of queries) {
      const option = document.createElement("option");
      option.value = q.name;
      option.textContent = optionLabel(q, false);
      select.appendChild(option);
    }
  } catch (err) {
    showError(`Could not load the example queries: ${err}`);
  }
  $("examples").addEventListener("change", () => {
    if ($("examples").value) loadNamed($("examples").value, {}, { runIt: false });
    else $("params").hidden = true;
  });
  $("params").addEventListener("submit", (event) => {
    event.preventDefault();
    loadNamed($("examples").value, formValues(), { runIt: true });
  });
  $("params-clear").addEventListener("click", () => loadNamed($("examples").value, {}, { runIt: false }));
  $("run").addEventListener("click", run);
  $("prev").addEventListener("click", () => turnPage(-1));
  $("next").addEventListener("click", () => turnPage(1));
  $("page-size").addEventListener("change", () => {
    if (state.table) {
      state.table.page = 0;
      drawTable();
    }
  });
  window.addEventListener("popstate", restore);
  await restore();
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", start);
