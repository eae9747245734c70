"""Page stage: networkx graph -> one self-contained, offline, escaped HTML page (vis-network via pyvis).

pyvis's own Network class is not used: it switches tooltips to raw HTML when one contains "href", leaves the
heading unescaped, links Bootstrap from a CDN and checks duplicates on every add_node (docs/design.md §5).
Only the vis-network bundle pyvis ships is taken, inlined. Document strings reach the page only inside one
JSON block (escaped so nothing can close a <script>) and are put into the DOM with textContent; a
Content-Security-Policy with script hashes blocks any script or handler that is not ours, and any request at
all. The script's data comes from page_data.py; this module writes the HTML around it: title, caption,
controls, legend, CSP.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from crimjust_graph.files import write_atomically
from crimjust_graph.page_data import KINDS, OTHER, clean, page_data, to_int

MAX_BYTES = 10 * 1024 * 1024  # bigger than this is too big to e-mail


@dataclass(frozen=True)
class PageInfo:
    """What write_page wrote; `warning` says how to draw less when the page is too big to e-mail."""

    path: Path
    bytes: int
    nodes: int
    edges: int
    too_big: bool
    warning: str | None


def render_page(graph: nx.Graph[Any], *, title: str, caption: str | None = None) -> str:
    """The page as HTML text; the same graph always gives the same bytes."""
    data = page_data(graph)
    heading = clean(title) or "Knowledge graph"
    applied = describe_filters(graph.graph.get("filters"))
    if applied:
        heading += f" \u2014 {applied}"
    text = clean(caption) if caption is not None else describe(graph)
    blob = _script_json(data)
    app = _asset("page.js")
    pictures = _asset("picture.js")
    vis = _vis_bundle()
    csp = (
        "default-src 'none'; "
        f"script-src {_sha256(vis)} {_sha256(app)} {_sha256(pictures)}; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    return _TEMPLATE.format(
        csp=html.escape(csp),
        title=html.escape(heading),
        caption=html.escape(text),
        css=_asset("page.css"),
        legend=_legend(data["kinds"]),
        kind_boxes=_kind_boxes(data["kinds"]),
        data=blob,
        vis=vis,
        app=app,
        pictures=pictures,
    )


def write_page(
    graph: nx.Graph[Any],
    path: Path,
    *,
    title: str,
    caption: str | None = None,
    max_bytes: int | None = None,
) -> PageInfo:
    """Write only `path`, atomically (temp file beside it, then rename); warn when over `max_bytes`."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    page = render_page(graph, title=title, caption=caption).encode("utf-8")
    path = Path(path)
    write_atomically(path, lambda handle: handle.write(page))
    too_big = len(page) > max_bytes
    warning = None
    if too_big:
        warning = (
            f"{path} is {len(page) / 1024 / 1024:.1f} MB, more than {max_bytes / 1024 / 1024:.0f} MB: "
            "too big to send by e-mail; draw less (fewer kinds, one programme or region, recent years, "
            "or a smaller view)"
        )
    return PageInfo(path, len(page), graph.number_of_nodes(), graph.number_of_edges(), too_big, warning)


def describe(graph: nx.Graph[Any]) -> str:
    """The default caption: what is drawn, from how many of the documents, and the latest date shown."""
    counts: dict[str, int] = {}
    for _, kind in graph.nodes(data="kind"):
        counts[str(kind)] = counts.get(str(kind), 0) + 1
    parts = [
        f"{counts[k]} {KINDS[k][1] if counts[k] != 1 else k}"
        for k in (*KINDS, *sorted(set(counts) - set(KINDS)))
        if k in counts
    ]
    drawn = ", ".join(parts) if parts else "nothing"
    text = f"{drawn}, and {_lines(graph)} links between them"
    docs, latest = _sources(graph)
    if docs is not None:
        text += f", drawn from {docs} document{'s' if docs != 1 else ''}"
    if latest:
        text += f"; the latest date shown is {clean(latest)}"
    return text[0].upper() + text[1:] + "."


def _lines(graph: nx.Graph[Any]) -> int:
    """Links as the page draws them: one line per linked pair (per direction in a directed graph), however
    many facts it carries (see `_edges`)."""
    if graph.is_directed():
        return len({(u, v) for u, v in graph.edges() if u != v})
    return len({frozenset((u, v)) for u, v in graph.edges() if u != v})


def _sources(graph: nx.Graph[Any]) -> tuple[int | None, str | None]:
    """Documents behind what is drawn, and the latest date among its events and those documents.

    Graphs from network.py say which documents state each edge (`document_ids`) and when each
    document was issued (graph attribute `issued`); other graphs fall back to their `documents` and `latest`.
    """
    ids: set[str] = set()
    dates: list[str] = []
    known = False
    for *_, data in graph.edges(data=True):
        if isinstance(data, dict) and "document_ids" in data:
            known = True
            ids.update(str(d) for d in data["document_ids"] or ())
    for node, data in graph.nodes(data=True):
        if "document_ids" in data and not graph.degree(node):  # drawn alone: its own documents
            known = True
            ids.update(str(d) for d in data["document_ids"] or ())
        if data.get("kind") == "event":
            dates.extend(str(d) for d in (data.get("first_date"), data.get("last_date")) if d)
    if not known:
        docs = graph.graph.get("documents")
        latest = graph.graph.get("latest")
        return (docs if isinstance(docs, int) else None), (
            str(latest) if latest else max(dates, default=None)
        )
    issued = graph.graph.get("issued")
    if isinstance(issued, dict):
        dates.extend(str(issued[d]) for d in ids if issued.get(d))
    return len(ids), max(dates, default=None)


def describe_filters(filters: Any) -> str:
    """The filters a graph was cut with (views.filter_graph's `filters`), as words for its title."""
    if not isinstance(filters, dict):
        return ""
    words = []
    if filters.get("programme"):
        words.append(f"programme {clean(filters['programme'])}")
    if filters.get("region"):
        words.append(f"in {clean(filters['region'])}")
    if filters.get("since"):
        words.append(f"since {to_int(filters['since'])}")
    kinds = [KINDS.get(clean(k), OTHER)[1] for k in filters.get("kinds") or ()]
    if kinds:
        words.append(" and ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds) + " only")
    return ", ".join(words)


def _script_json(data: Any) -> str:
    """JSON that cannot end its <script> element or open a comment: <, > and & as \\u escapes."""
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sha256(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


@cache
def _asset(name: str) -> str:
    return (Path(str(resources.files("crimjust_graph"))) / "page_assets" / name).read_text(encoding="utf-8")


@cache
def _vis_bundle() -> str:
    """vis-network as pyvis ships it; checked so that it cannot end the inline <script> early."""
    import pyvis  # the only import of pyvis: we take its vis-network bundle, not its HTML

    path = Path(str(resources.files(pyvis))) / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower() or "<!--" in text:
        raise RuntimeError(f"{path}: cannot be inlined safely")
    return text


_SHAPES = {
    "diamond": '<path d="M8 1 15 8 8 15 1 8z"/>',
    "dot": '<circle cx="8" cy="8" r="6.5"/>',
    "triangle": '<path d="M8 1 15 14H1z"/>',
    "triangleDown": '<path d="M1 2h14L8 15z"/>',
    "hexagon": '<path d="M4.5 2h7L15 8l-3.5 6h-7L1 8z"/>',
    "square": '<rect x="2" y="2" width="12" height="12"/>',
}


def _swatch(kind: dict[str, str]) -> str:
    return (
        f'<svg class="swatch" viewBox="0 0 16 16" aria-hidden="true" fill="{kind["color"]}">'
        f"{_SHAPES[kind['shape']]}</svg>"
    )


def _legend(kinds: list[dict[str, str]]) -> str:
    items = "".join(f"<li>{_swatch(k)}{html.escape(k['name'])}</li>" for k in kinds)
    return f'<ul class="legend-items">{items}<li class="note">size: number of links</li></ul>'


def _kind_boxes(kinds: list[dict[str, str]]) -> str:
    return "".join(
        f'<label><input type="checkbox" class="kind" value="{i}" checked>{_swatch(k)}'
        f"{html.escape(k['name'])}</label>"
        for i, k in enumerate(kinds)
    )


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>{css}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p id="caption">{caption}</p>
</header>
<form id="controls" autocomplete="off">
<div class="search"><label for="search">Find</label>
<input id="search" type="search" placeholder="name or acronym" aria-controls="results">
<ul id="results" role="listbox"></ul></div>
<fieldset id="kinds"><legend>Show</legend>{kind_boxes}</fieldset>
<label>Programme <select id="programme"><option value="">all</option></select></label>
<label>Region <select id="region"><option value="">all</option></select></label>
<label>From <select id="from"><option value="">first year</option></select></label>
<label>to <select id="to"><option value="">last year</option></select></label>
<button type="reset" id="reset">Show all</button>
<button type="button" id="png" title="The graph as shown, with title, caption and legend, as PNG">
Save PNG</button>
<button type="button" id="svg" title="The same picture as SVG, sharp at any size in print">
Save SVG</button>
<span id="count" role="status"></span>
</form>
<main>
<section id="graph-pane" aria-label="Graph">
<div id="graph"></div>
<div id="legend" aria-label="Legend">{legend}</div>
<div id="tooltip" role="tooltip" hidden></div>
</section>
<aside id="side">
<section id="details" aria-live="polite"><p class="hint">Point at a node or a line to see where it
comes from; click to keep it here.</p></section>
<section id="table-view"><h2>Programmes <button type="button" id="csv">Download CSV</button></h2>
<p class="hint">Click a column's heading to sort by it.</p>
<div class="table-scroll"><table id="table"><thead><tr></tr></thead><tbody></tbody></table></div></section>
</aside>
</main>
<noscript><p>This page needs JavaScript to draw the graph.</p></noscript>
<script type="application/json" id="cj-data">{data}</script>
<script>{vis}</script>
<script>{app}</script>
<script>{pictures}</script>
</body>
</html>
"""
