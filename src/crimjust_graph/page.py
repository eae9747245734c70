"""Page stage: networkx graph -> one self-contained, offline, escaped HTML page (vis-network via pyvis).

pyvis's own Network class is not used: it switches tooltips to raw HTML when one contains "href", leaves the
heading unescaped, links Bootstrap from a CDN and checks duplicates on every add_node (docs/design.md §5).
Only the vis-network bundle pyvis ships is taken, inlined. Document strings reach the page only inside one
JSON block (escaped so nothing can close a <script>) and are put into the DOM with textContent; a
Content-Security-Policy with script hashes blocks any script or handler that is not ours, and any request at
all.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from crimjust_graph.files import write_atomically
from crimjust_graph.layout import along_time, layout

MAX_BYTES = 10 * 1024 * 1024  # bigger than this is too big to e-mail
PHYSICS_LIMIT = 300  # above this many nodes the browser would take too long to settle (docs/design.md §5)
LABEL_CHARS = 60  # longer labels are cut on the canvas; the tooltip shows them in full
LABEL_LINE = 22  # a longer name is written as its acronym, or on up to LABEL_LINES lines of this length
LABEL_LINES = 3
CHAR_WIDTH = 8.2  # a generous average width of one 14 px character, for spacing labels apart
# What the programme table and tooltip say of each programme, each its own column.
PROGRAMME_FACTS = ("implemented by", "funded by", "partners", "covers", "events", "event places")
TIMELINE_SIZE = 14.0  # on the timeline, place in time is the meaning, not number of links
FOCUS_ABOVE = 40  # a full view with more nodes than this opens on programmes and partners

# kind -> (legend name, plural, colour, vis-network shape); Okabe-Ito colours, distinct shapes for print.
KINDS: dict[str, tuple[str, str, str, str]] = {
    "programme": ("Programme", "programmes", "#E69F00", "diamond"),
    "partner": ("Partner", "partners", "#0072B2", "dot"),
    "event": ("Event", "events", "#009E73", "triangle"),
    "region": ("Region", "regions", "#CC79A7", "hexagon"),
    "country": ("Country", "countries", "#56B4E9", "square"),
    "city": ("City", "cities", "#D55E00", "triangleDown"),
}
OTHER = ("Other", "others", "#999999", "dot")
PLACES = ("region", "country", "city")


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
    data = _page_data(graph)
    heading = _clean(title) or "Knowledge graph"
    applied = describe_filters(graph.graph.get("filters"))
    if applied:
        heading += f" \u2014 {applied}"
    text = _clean(caption) if caption is not None else describe(graph)
    blob = _script_json(data)
    app = _asset("page.js")
    vis = _vis_bundle()
    csp = (
        "default-src 'none'; "
        f"script-src {_sha256(vis)} {_sha256(app)}; "
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
        text += f"; the latest date shown is {_clean(latest)}"
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
        words.append(f"programme {_clean(filters['programme'])}")
    if filters.get("region"):
        words.append(f"in {_clean(filters['region'])}")
    if filters.get("since"):
        words.append(f"since {_int(filters['since'])}")
    kinds = [KINDS.get(_clean(k), OTHER)[1] for k in filters.get("kinds") or ()]
    if kinds:
        words.append(" and ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds) + " only")
    return ", ".join(words)


# ---- data for the page's script ---------------------------------------------------------------------


def _page_data(graph: nx.Graph[Any]) -> dict[str, Any]:
    """Plain JSON-able data, sorted so the output is byte-identical for the same graph."""
    ids = sorted(graph.nodes, key=lambda n: _node_key(graph, n))
    index = {n: i for i, n in enumerate(ids)}
    kinds_present = sorted({_kind(graph, n) for n in ids}, key=_kind_rank)
    kind_index = {k: i for i, k in enumerate(kinds_present)}
    programmes, regions = _vocabulary(graph, ids)
    prog_index = {p: i for i, p in enumerate(programmes)}
    region_index = {r: i for i, r in enumerate(regions)}

    strings: dict[str, int] = {"": 0}  # quotes and titles repeat across nodes and edges: store each once
    edges, adjacency = _edges(graph, index, strings)
    degree = [int(graph.nodes[n].get("degree") or graph.degree(n)) for n in ids]
    sizes = [min(10 + 4 * math.sqrt(d), 48.0) for d in degree]
    canvas = [_canvas_label(graph.nodes[n], _clean(graph.nodes[n].get("label")) or _clean(n)) for n in ids]
    timeline = _time_columns(graph, ids) if graph.graph.get("view") == "timeline" else None
    if timeline is None:
        positions, axis = layout(adjacency, sizes), []
    else:
        rows, dates = timeline
        sizes = [min(s, TIMELINE_SIZE) for s in sizes]
        # Inside a date's band, its events come first, then who was first seen there.
        order = sorted(range(len(ids)), key=lambda i: (_kind(graph, ids[i]) != "event", i))
        placed, bands = along_time(
            [rows[i] for i in order],
            [sizes[i] for i in order],
            [CHAR_WIDTH * max(len(line) for line in canvas[i].split("\n")) + 8 for i in order],
            [canvas[i].count("\n") + 1 for i in order],
        )
        positions = [(0.0, 0.0)] * len(ids)
        for i, p in zip(order, placed, strict=True):
            positions[i] = p
        axis = [{"y0": top, "y1": bottom, "l": d} for (top, bottom), d in zip(bands, dates, strict=True)]

    nodes = []
    for i, n in enumerate(ids):
        attrs = graph.nodes[n]
        kind = _kind(graph, n)
        label = _clean(attrs.get("label")) or _clean(n)
        own_prog = [label] if kind == "programme" else []
        own_region = [label] if kind in PLACES else []
        nodes.append(
            {
                "k": kind_index[kind],
                "l": label,
                **({"c": canvas[i]} if canvas[i] != label else {}),
                "a": _strings(attrs.get("aliases"), exclude=label),
                "s": round(sizes[i], 1),
                "x": positions[i][0],
                "y": positions[i][1],
                "d": degree[i],
                "n": _int(attrs.get("documents")),
                "t0": _clean(attrs.get("first_date")),
                "t1": _clean(attrs.get("last_date")),
                "ev": _evidence(attrs.get("evidence"), strings),
                "p": sorted({prog_index[p] for p in [*_strings(attrs.get("programmes")), *own_prog]}),
                "r": sorted({region_index[r] for r in [*_strings(attrs.get("regions")), *own_region]}),
                "yr": sorted({y for y in (_int(v) for v in attrs.get("years") or []) if y}),
                **({"pf": _programme_facts(attrs.get("summary"))} if kind == "programme" else {}),
            }
        )
    return {
        "kinds": [_kind_entry(k) for k in kinds_present],
        "nodes": nodes,
        "edges": edges,
        "programmes": programmes,
        "regions": regions,
        "table": [i for i, n in enumerate(nodes) if "pf" in n],
        "facts": list(PROGRAMME_FACTS),
        "strings": list(strings),
        "physics": len(ids) <= PHYSICS_LIMIT and timeline is None,  # the timeline's places are its meaning
        "axis": axis,
        "directed": graph.is_directed(),
        "view": _clean(graph.graph.get("view")) or "full",
        "focus": _focus(graph, len(ids), kinds_present),
        "preset": _preset(graph.graph.get("filters"), programmes, regions),
    }


def _focus(graph: nx.Graph[Any], count: int, kinds: list[str]) -> bool:
    """Open on programmes and partners only: a crowded full view nobody narrowed by kind."""
    filters = graph.graph.get("filters")
    by_kind = isinstance(filters, dict) and bool(filters.get("kinds"))
    full = (_clean(graph.graph.get("view")) or "full") == "full"
    return full and not by_kind and count > FOCUS_ABOVE and bool({"programme", "partner"} & set(kinds))


def _preset(filters: Any, programmes: list[str], regions: list[str]) -> dict[str, int]:
    """The page's controls set as the graph was filtered: option indexes, and the first year."""
    if not isinstance(filters, dict):
        return {}
    preset: dict[str, int] = {}
    for name, names in (("programme", programmes), ("region", regions)):
        wanted = _clean(filters.get(name)).casefold()
        found = [i for i, n in enumerate(names) if n.casefold() == wanted]
        if wanted and found:
            preset[name] = found[0]
    if _int(filters.get("since")):
        preset["since"] = _int(filters.get("since"))
    return preset


def _canvas_label(attrs: dict[str, Any], label: str) -> str:
    """What the canvas writes under a node: the name, or its acronym when the name is long, else the name
    broken into short lines (the tooltip always has the whole name)."""
    if len(label) <= LABEL_LINE:
        return label
    acronyms = [a for a in _strings(attrs.get("aliases")) if _is_acronym(a)]
    if acronyms:
        return min(acronyms, key=lambda a: (len(a), a))
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LABEL_LINE:
            lines[-1] += " " + word
        else:
            lines.append(word[:LABEL_LINE])
    if len(lines) > LABEL_LINES:
        lines = [*lines[: LABEL_LINES - 1], lines[LABEL_LINES - 1][: LABEL_LINE - 1] + "\u2026"]
    return "\n".join(lines)


def _is_acronym(text: str) -> bool:
    """UNODC, EL PAcCTO, EU CRP: short, one or two words, mostly capitals."""
    capitals = sum(c.isupper() for c in text)
    return (
        2 <= len(text) <= 12 and text.count(" ") <= 1 and capitals >= max(2, len(text.replace(" ", "")) // 2)
    )


def _time_columns(graph: nx.Graph[Any], ids: list[Any]) -> tuple[list[int], list[str]] | None:
    """Each node's date column for the timeline view (an actor takes its first event's), and the dates."""
    order = {n: graph.nodes[n].get("order") for n in ids}
    if any(not isinstance(o, int) for o in order.values()):
        return None  # not the timeline view's graph (or filtered into something else)
    date_of_order = {
        order[n]: _clean(graph.nodes[n].get("first_date")) for n in ids if _kind(graph, n) == "event"
    }
    dates = sorted(set(date_of_order.values()))
    rank = {d: i for i, d in enumerate(dates)}
    columns = [rank.get(date_of_order.get(order[n], ""), 0) for n in ids]
    return columns, dates


def _edges(
    graph: nx.Graph[Any], index: dict[Any, int], strings: dict[str, int]
) -> tuple[list[dict[str, Any]], list[list[int]]]:
    """One drawn line per (subject, object) pair listing every fact stated from subject to object; the
    line's arrow points at the object. A fact is [subject, object, predicate label, evidence count,
    documents, quote, document title] (strings as indexes). Undirected graphs merge both ways."""
    directed = graph.is_directed()
    merged: dict[tuple[int, int], list[list[Any]]] = {}
    raw: Iterable[tuple[Any, Any, Any, dict[str, Any]]]
    if graph.is_multigraph():
        raw = graph.edges(keys=True, data=True)
    else:
        raw = ((u, v, None, d) for u, v, d in graph.edges(data=True))
    for u, v, key, attrs in raw:
        a, b = index[u], index[v]
        if a == b:
            continue
        if not directed and a > b:
            a, b = b, a
        label = _clean(attrs.get("label")) or _clean(attrs.get("predicate")) or _clean(key)
        count = _int(attrs.get("evidence_count")) or _int(attrs.get("weight")) or 1
        quote = _clean(attrs.get("quote"))[:2000]
        title = _clean(attrs.get("title"))[:500]
        merged.setdefault((a, b), []).append([a, b, label, count, _int(attrs.get("documents")), quote, title])
    edges = []
    adjacency: list[list[int]] = [[] for _ in index]
    for (a, b), facts in sorted(merged.items()):
        facts.sort(key=lambda f: (f[2], f[5], f[6]))
        for f in facts:
            f[5] = _intern(f[5], strings)
            f[6] = _intern(f[6], strings)
        weight = sum(f[3] for f in facts)
        edge = {"f": a, "t": b, "w": round(min(1 + math.log2(weight), 6), 1), "facts": facts}
        if directed and (b, a) in merged:
            edge["c"] = 1  # the pair is linked both ways: curve the two lines apart
        edges.append(edge)
        if a < b or (b, a) not in merged:  # the layout wants each neighbour once
            adjacency[a].append(b)
            adjacency[b].append(a)
    return edges, adjacency


def _programme_facts(summary: Any) -> list[list[str]]:
    """network.py's programme `summary`, as lists in PROGRAMME_FACTS order (empty when absent)."""
    facts = summary if isinstance(summary, dict) else {}
    return [_strings(facts.get(name)) for name in PROGRAMME_FACTS]


def _vocabulary(graph: nx.Graph[Any], ids: list[Any]) -> tuple[list[str], list[str]]:
    """Every programme and place name the filters can choose, sorted for people."""
    programmes: set[str] = set()
    regions: set[str] = set()
    for n in ids:
        attrs = graph.nodes[n]
        programmes.update(_strings(attrs.get("programmes")))
        regions.update(_strings(attrs.get("regions")))
        label = _clean(attrs.get("label")) or _clean(n)
        if _kind(graph, n) == "programme":
            programmes.add(label)
        elif _kind(graph, n) in PLACES:
            regions.add(label)
    return sorted(programmes, key=_name_key), sorted(regions, key=_name_key)


def _evidence(value: Any, strings: dict[str, int]) -> list[list[int]]:
    """Up to three [quote, title] pairs, as indexes into the page's string table."""
    out = []
    for item in list(value or [])[:3]:
        if isinstance(item, dict):
            quote, title = _clean(item.get("quote"))[:2000], _clean(item.get("title"))[:500]
            out.append([_intern(quote, strings), _intern(title, strings)])
    return out


def _intern(text: str, strings: dict[str, int]) -> int:
    return strings.setdefault(text, len(strings))


# ---- small helpers -----------------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """Text safe to encode: lone surrogates replaced, control characters (but tab/newline) dropped."""
    if value is None:
        return ""
    text = str(value).encode("utf-8", "replace").decode("utf-8")
    return "".join(c for c in text if c >= " " or c in "\t\n").strip()


def _strings(value: Any, exclude: str | None = None) -> list[str]:
    if value is None or isinstance(value, str):
        value = [value] if value else []
    return sorted({c for c in (_clean(v) for v in value) if c and c != exclude}, key=_name_key)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _name_key(text: str) -> tuple[str, str]:
    return (text.casefold(), text)


def _kind(graph: nx.Graph[Any], node: Any) -> str:
    kind = _clean(graph.nodes[node].get("kind")).lower()
    return kind if kind in KINDS else "other"


def _kind_rank(kind: str) -> int:
    return list(KINDS).index(kind) if kind in KINDS else len(KINDS)


def _kind_entry(kind: str) -> dict[str, str]:
    name, _, color, shape = KINDS.get(kind, OTHER)
    return {"key": kind, "name": name, "color": color, "shape": shape}


def _node_key(graph: nx.Graph[Any], node: Any) -> tuple[int, str, str, str]:
    label = _clean(graph.nodes[node].get("label")) or _clean(node)
    return (_kind_rank(_kind(graph, node)), label.casefold(), label, str(node))


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
Save picture</button>
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
</body>
</html>
"""
