"""Page data: networkx graph -> the plain, sorted, JSON-able data the page's script draws from.

Node positions (layout.py), canvas labels, one line per linked pair with every fact it carries, the
programme table, the filters' vocabularies and presets. Every string is cleaned of control characters and
lone surrogates here; page.py escapes it for the <script> block.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import networkx as nx

from crimjust_graph.layout import along_time, layout
from crimjust_graph.model import KINDS as SCHEMA
from crimjust_graph.model import PREDICATES, Predicate

PHYSICS_LIMIT = 300  # above this many nodes the browser would take too long to settle (docs/design.md §5)
LABEL_CHARS = 60  # longer labels are cut on the canvas; the tooltip shows them in full
LABEL_LINE = 22  # a longer name is written as its acronym, or on up to LABEL_LINES lines of this length
LABEL_LINES = 3
CHAR_WIDTH = 8.2  # a generous average width of one 14 px character, for spacing labels apart
# What the programme table and tooltip say of each programme, each its own column.
PROGRAMME_FACTS = (
    PREDICATES[Predicate.IMPLEMENTED_BY].label,
    PREDICATES[Predicate.FUNDED_BY].label,
    "partners",
    "covers",
    "events",
    "event places",
)
TIMELINE_SIZE = 14.0  # on the timeline, place in time is the meaning, not number of links
FOCUS_ABOVE = 40  # a page with more nodes than this opens on its view's `focus` kinds
# How a graph without views.py's drawing attributes is drawn: as the full view (views.VIEWS["full"]).
DEFAULT_DRAWING: dict[str, Any] = {"layout": "clusters", "physics": True, "focus": ["programme", "partner"]}

# kind -> (legend name, plural, colour, vis-network shape), from the schema table in model.py.
KINDS: dict[str, tuple[str, str, str, str]] = {
    kind.value: (info.cls, info.plural, info.colour, info.shape) for kind, info in SCHEMA.items()
}
OTHER = ("Other", "others", "#999999", "dot")
PLACES = tuple(kind.value for kind, info in SCHEMA.items() if info.place)


def page_data(graph: nx.Graph[Any]) -> dict[str, Any]:
    """Plain JSON-able data, sorted so the output is byte-identical for the same graph."""
    ids = sorted(graph.nodes, key=lambda n: _node_key(graph, n))
    index = {n: i for i, n in enumerate(ids)}
    kinds_present = sorted({_kind(graph, n) for n in ids}, key=_kind_rank)
    kind_index = {k: i for i, k in enumerate(kinds_present)}
    programmes, regions = _vocabulary(graph, ids)
    prog_index = {p: i for i, p in enumerate(programmes)}
    region_index = {r: i for i, r in enumerate(regions)}

    strings: dict[str, int] = {"": 0}  # quotes and titles repeat across nodes and edges: store each once
    edges, adjacency, inverse = _edges(graph, index, strings)
    degree = [int(graph.nodes[n].get("degree") or graph.degree(n)) for n in ids]
    sizes = [min(10 + 4 * math.sqrt(d), 48.0) for d in degree]
    canvas = [_canvas_label(graph.nodes[n], clean(graph.nodes[n].get("label")) or clean(n)) for n in ids]
    drawing = _drawing(graph)
    timeline = _time_columns(graph, ids) if drawing["layout"] == "time" else None
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
        label = clean(attrs.get("label")) or clean(n)
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
                "n": to_int(attrs.get("documents")),
                "t0": clean(attrs.get("first_date")),
                "t1": clean(attrs.get("last_date")),
                "ev": _evidence(attrs.get("evidence"), strings),
                "p": sorted({prog_index[p] for p in [*_strings(attrs.get("programmes")), *own_prog]}),
                "r": sorted({region_index[r] for r in [*_strings(attrs.get("regions")), *own_region]}),
                "yr": sorted({y for y in (to_int(v) for v in attrs.get("years") or []) if y}),
                **({"pf": _programme_facts(attrs.get("summary"))} if kind == "programme" else {}),
            }
        )
    return {
        "kinds": [_kind_entry(k) for k in kinds_present],
        "nodes": nodes,
        "edges": edges,
        "inverse": inverse,
        "programmes": programmes,
        "regions": regions,
        "table": [i for i, n in enumerate(nodes) if "pf" in n],
        "facts": list(PROGRAMME_FACTS),
        "strings": list(strings),
        "physics": bool(drawing["physics"]) and len(ids) <= PHYSICS_LIMIT,
        "axis": axis,
        "directed": graph.is_directed(),
        "view": clean(graph.graph.get("view")) or "full",
        "focus": _focus(graph, drawing["focus"], len(ids), kinds_present),
        "preset": _preset(graph.graph.get("filters"), programmes, regions),
    }


def _drawing(graph: nx.Graph[Any]) -> dict[str, Any]:
    """Layout, physics and focus as the graph's view says (views.View.drawing), else as the full view."""
    settings = graph.graph
    if "view" not in settings:
        return dict(DEFAULT_DRAWING)
    return {
        "layout": clean(settings.get("layout")) or "clusters",
        "physics": settings.get("physics", True) is not False,
        "focus": [clean(k) for k in settings.get("focus") or ()],
    }


def _focus(graph: nx.Graph[Any], focus: list[str], count: int, kinds: list[str]) -> list[str]:
    """The kinds a crowded page opens on, unless the graph was already narrowed by kind."""
    filters = graph.graph.get("filters")
    by_kind = isinstance(filters, dict) and bool(filters.get("kinds"))
    if by_kind or count <= FOCUS_ABOVE or not set(focus) & set(kinds):
        return []
    return [k for k in kinds if k in focus]


def _preset(filters: Any, programmes: list[str], regions: list[str]) -> dict[str, int]:
    """The page's controls set as the graph was filtered: option indexes, and the first year."""
    if not isinstance(filters, dict):
        return {}
    preset: dict[str, int] = {}
    for name, names in (("programme", programmes), ("region", regions)):
        wanted = clean(filters.get(name)).casefold()
        found = [i for i, n in enumerate(names) if n.casefold() == wanted]
        if wanted and found:
            preset[name] = found[0]
    if to_int(filters.get("since")):
        preset["since"] = to_int(filters.get("since"))
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
        order[n]: clean(graph.nodes[n].get("first_date")) for n in ids if _kind(graph, n) == "event"
    }
    dates = sorted(set(date_of_order.values()))
    rank = {d: i for i, d in enumerate(dates)}
    columns = [rank.get(date_of_order.get(order[n], ""), 0) for n in ids]
    return columns, dates


def _edges(
    graph: nx.Graph[Any], index: dict[Any, int], strings: dict[str, int]
) -> tuple[list[dict[str, Any]], list[list[int]], dict[str, str]]:
    """One drawn line per (subject, object) pair listing every fact stated from subject to object; the
    line's arrow points at the object. A fact is [subject, object, predicate label, evidence count,
    documents, quote, document title] (strings as indexes). Undirected graphs merge both ways.
    Also returns each label's reading from the object's side (edge attribute `inverse`), when given."""
    directed = graph.is_directed()
    merged: dict[tuple[int, int], list[list[Any]]] = {}
    inverse: dict[str, str] = {}
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
        label = clean(attrs.get("label")) or clean(attrs.get("predicate")) or clean(key)
        count = to_int(attrs.get("evidence_count")) or to_int(attrs.get("weight")) or 1
        quote = clean(attrs.get("quote"))[:2000]
        title = clean(attrs.get("title"))[:500]
        backwards = clean(attrs.get("inverse"))
        if backwards and (label not in inverse or backwards < inverse[label]):
            inverse[label] = backwards
        merged.setdefault((a, b), []).append(
            [a, b, label, count, to_int(attrs.get("documents")), quote, title]
        )
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
    return edges, adjacency, inverse


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
        label = clean(attrs.get("label")) or clean(n)
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
            quote, title = clean(item.get("quote"))[:2000], clean(item.get("title"))[:500]
            out.append([_intern(quote, strings), _intern(title, strings)])
    return out


def _intern(text: str, strings: dict[str, int]) -> int:
    return strings.setdefault(text, len(strings))


# ---- small helpers -----------------------------------------------------------------------------------


def clean(value: Any) -> str:
    """Text safe to encode: lone surrogates replaced, control characters (but tab/newline) dropped."""
    if value is None:
        return ""
    text = str(value).encode("utf-8", "replace").decode("utf-8")
    return "".join(c for c in text if c >= " " or c in "\t\n").strip()


def _strings(value: Any, exclude: str | None = None) -> list[str]:
    if value is None or isinstance(value, str):
        value = [value] if value else []
    return sorted({c for c in (clean(v) for v in value) if c and c != exclude}, key=_name_key)


def to_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _name_key(text: str) -> tuple[str, str]:
    return (text.casefold(), text)


def _kind(graph: nx.Graph[Any], node: Any) -> str:
    kind = clean(graph.nodes[node].get("kind")).lower()
    return kind if kind in KINDS else "other"


def _kind_rank(kind: str) -> int:
    return list(KINDS).index(kind) if kind in KINDS else len(KINDS)


def _kind_entry(kind: str) -> dict[str, str]:
    name, _, color, shape = KINDS.get(kind, OTHER)
    return {"key": kind, "name": name, "color": color, "shape": shape}


def _node_key(graph: nx.Graph[Any], node: Any) -> tuple[int, str, str, str]:
    label = clean(graph.nodes[node].get("label")) or clean(node)
    return (_kind_rank(_kind(graph, node)), label.casefold(), label, str(node))
