"""MultiDiGraph -> the projections stakeholders ask for: who works with whom, where, and when."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import networkx as nx

from crimjust_graph.errors import CrimjustError
from crimjust_graph.model import Predicate
from crimjust_graph.network import (
    ACTORS,
    EVENT,
    HELD_IN,
    PARTNER,
    PLACES,
    PROGRAMME,
    ROLES,
    TAKES_PART,
)

COVERS = Predicate.COVERS_REGION.value
HAS_EVENTS_IN = "hasEventsIn"  # derived: programme -> place, through an event held there

# Each projection returns a new graph with copies of the node attributes.


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _new(kind: type[nx.Graph], source: nx.Graph, view: str, nodes: Iterable[str]) -> nx.Graph:
    """A graph of `kind` with source's graph attributes, the view's drawing settings and copies of the
    given nodes, in sorted order."""
    result = kind()
    result.graph.update(_copy(dict(source.graph)))
    result.graph.update(VIEWS[view].drawing())
    result.add_nodes_from((n, _copy(dict(source.nodes[n]))) for n in sorted(nodes))
    return result


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _kind(graph: nx.Graph, node: str) -> str:
    return str(graph.nodes[node]["kind"])


def full(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The whole graph, unchanged."""
    return graph


def programme_partner(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Who runs, pays for and partners with each programme: the full graph's programme -> partner facts,
    each kept as stated (subject, predicate, object) with its evidence; weight = documents that say so."""
    facts = [
        (u, v, key, data)
        for u, v, key, data in graph.edges(keys=True, data=True)
        if key in ROLES and _kind(graph, u) == PROGRAMME and _kind(graph, v) == PARTNER
    ]
    result = _new(nx.MultiDiGraph, graph, "programme-partner", {n for u, v, _, _ in facts for n in (u, v)})
    for u, v, key, data in facts:
        result.add_edge(u, v, key=key, **_copy(dict(data)), weight=max(1, int(data.get("documents", 0))))
    return result


def _first_quote(
    graph: nx.MultiDiGraph, pairs: Iterable[tuple[str, str]], keys: Iterable[str]
) -> dict[str, Any]:
    """Quote and document title of the first (u, v) fact, in the given order, that has one."""
    wanted = tuple(keys)
    for u, v in pairs:
        for key in wanted:
            data = graph.get_edge_data(u, v, key)
            if data and data.get("quote"):
                return {"quote": data["quote"], "title": data.get("title", "")}
    return {"quote": "", "title": ""}


def _sources(graph: nx.MultiDiGraph, events: Iterable[str]) -> dict[str, Any]:
    """The documents that tell of these events (a derived fact rests on them)."""
    ids = sorted({g for e in events for g in graph.nodes[e].get("document_ids", ())})
    return {"documents": len(ids), "document_ids": ids}


def co_participation(graph: nx.MultiDiGraph) -> nx.Graph:
    """Partners and programmes that met at the same events; weight = number of shared events.

    The relation is symmetric, so this is the one undirected view: its edges read "A and B met at ...".
    """
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for event in graph:
        if _kind(graph, event) != EVENT:
            continue
        actors = {
            v
            for _, v, key in graph.out_edges(event, keys=True)
            if key in TAKES_PART and _kind(graph, v) in ACTORS
        }
        for pair in combinations(sorted(actors), 2):
            shared[pair].add(event)
    result = _new(nx.Graph, graph, "co-participation", {n for pair in shared for n in pair})
    for (u, v), events in sorted(shared.items()):
        ordered = sorted(events, key=lambda e: (graph.nodes[e]["label"], e))
        labels = [graph.nodes[e]["label"] for e in ordered]
        evidence = _first_quote(graph, ((e, a) for e in ordered for a in (u, v)), TAKES_PART)
        result.add_edge(
            u,
            v,
            weight=len(events),
            events=labels,
            label=f"met at {_count(len(events), 'shared event')}",
            inverse=f"met at {_count(len(events), 'shared event')}",
            **_sources(graph, events),
            **evidence,
        )
    return result


def programme_region(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Where each programme works, as two different facts: the regions it covers (as stated), and the
    places its events were held in (programme -> "has events in" -> place, evidence from the event)."""
    covers = []
    held: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u, v, key, data in graph.edges(keys=True, data=True):
        if _kind(graph, v) not in PLACES:
            continue
        if key == Predicate.COVERS_REGION.value and _kind(graph, u) == PROGRAMME:
            covers.append((u, v, data))
        elif key == HELD_IN and _kind(graph, u) == EVENT:
            for _, actor, role in graph.out_edges(u, keys=True):
                if role in (*TAKES_PART, Predicate.FUNDED_BY.value) and _kind(graph, actor) == PROGRAMME:
                    held[(actor, v)].add(u)
    nodes = {n for u, v, _ in covers for n in (u, v)} | {n for pair in held for n in pair}
    result = _new(nx.MultiDiGraph, graph, "programme-region", nodes)
    for u, v, data in covers:
        result.add_edge(u, v, key=COVERS, **_copy(dict(data)), weight=max(1, int(data.get("documents", 0))))
    for (u, v), events in sorted(held.items()):
        ordered = sorted(events, key=lambda e: (graph.nodes[e]["label"], e))
        result.add_edge(
            u,
            v,
            key=HAS_EVENTS_IN,
            predicate=HAS_EVENTS_IN,
            label=f"has events in ({_count(len(events), 'event')})",
            inverse=f"hosted events of ({_count(len(events), 'event')})",
            weight=len(events),
            events=[graph.nodes[e]["label"] for e in ordered],
            **_sources(graph, events),
            **_first_quote(graph, ((e, v) for e in ordered), (HELD_IN,)),
        )
    return result


def timeline(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Dated events in order (node attribute `order`) with who organised them and who took part."""
    events = sorted(
        (n for n, d in graph.nodes(data=True) if d["kind"] == EVENT and d["first_date"]),
        key=lambda n: (graph.nodes[n]["first_date"], graph.nodes[n]["label"], n),
    )
    order = {event: i for i, event in enumerate(events)}
    links = []
    for event in events:
        for _, actor, key, data in graph.out_edges(event, keys=True, data=True):
            if key in TAKES_PART:
                order.setdefault(actor, order[event])
                links.append((event, actor, key, data))
    result = _new(nx.MultiDiGraph, graph, "timeline", ())
    for node in sorted(order, key=lambda n: (order[n], n)):
        result.add_node(node, **_copy(dict(graph.nodes[node])), order=order[node])
    for u, v, key, data in sorted(links, key=lambda link: link[:3]):
        result.add_edge(u, v, key=key, **_copy(dict(data)))
    return result


@dataclass(frozen=True)
class View:
    """One registered view: how to project the graph and how the page draws the result.

    `render` and the server's /page both go through `draw`, so a new view is one entry in VIEWS.
    """

    name: str
    project: Callable[[nx.MultiDiGraph], nx.Graph]
    about: str  # what it shows, in the message that lists the views
    title: str = ""  # heading after "Crime-prevention programmes: "
    layout: str = "clusters"  # "clusters": layout.py's clusters; "time": one band per date, top to bottom
    physics: bool = True  # small pages settle in the browser; False keeps the computed places
    focus: tuple[str, ...] = ()  # kinds a crowded page opens on (the rest one double-click away)

    def drawing(self) -> dict[str, Any]:
        """Graph attributes page.py reads to draw this view (a graph without them is drawn as `full`)."""
        return {"view": self.name, "layout": self.layout, "physics": self.physics, "focus": list(self.focus)}


VIEWS: dict[str, View] = {
    view.name: view
    for view in (
        View(
            "full",
            full,
            "everything the documents state",
            focus=(PROGRAMME, PARTNER),
        ),
        View(
            "programme-partner",
            programme_partner,
            "who implements, funds and partners with each programme",
            "who runs what",
        ),
        View("co-participation", co_participation, "who met whom at events", "who met whom"),
        View(
            "programme-region",
            programme_region,
            "the regions each programme covers and where its events were held",
            "where programmes work",
        ),
        View(
            "timeline",
            timeline,
            "dated events top to bottom, with who organised them and took part",
            "events over time",
            layout="time",
            physics=False,  # the timeline's places are its meaning
        ),
    )
}
HEADING = "Crime-prevention programmes"


class UnknownView(CrimjustError):
    """A view name that is not registered: lists the ones that are."""

    def __init__(self, name: str) -> None:
        views = "; ".join(f"{view.name} ({view.about})" for view in VIEWS.values())
        super().__init__(f"unknown view {name!r}; choose one of: {views}")


def draw(
    graph: nx.MultiDiGraph,
    view: str = "full",
    *,
    kinds: set[str] | None = None,
    programme: str | None = None,
    region: str | None = None,
    since: int | None = None,
) -> tuple[nx.Graph, str]:
    """The named view of `graph`, filtered, and its heading: what `render` and the server's /page draw."""
    chosen = VIEWS.get(view)
    if chosen is None:
        raise UnknownView(view)
    result = chosen.project(graph)
    if result is not graph:  # a new graph: stamp how to draw it (the full view's input is drawn as is)
        result.graph.update(chosen.drawing())
    if kinds or programme is not None or region is not None or since is not None:
        result = filter_graph(result, kinds=kinds or None, programme=programme, region=region, since=since)
    return result, HEADING + (f": {chosen.title}" if chosen.title else "")


def _folded(data: dict[str, Any], attribute: str) -> set[str]:
    return {str(v).casefold() for v in data.get(attribute, ())}


class NoMatch(CrimjustError):
    """A filter keeps nothing: names the filter and the closest names the graph has."""


def _names(graph: nx.Graph, attribute: str, kinds: Iterable[str]) -> dict[str, str]:
    """Casefolded name or alias -> the label that filters compare with `attribute`'s values."""
    wanted = set(kinds)
    names: dict[str, str] = {}
    for _, data in graph.nodes(data=True):
        for label in data.get(attribute, ()):
            names.setdefault(str(label).casefold(), str(label))
    for _, data in graph.nodes(data=True):
        if data.get("kind") in wanted:
            for alias in data.get("aliases", ()):
                names.setdefault(str(alias).casefold(), str(data["label"]))
    return names


def _resolve(graph: nx.Graph, option: str, value: str, attribute: str, kinds: Iterable[str]) -> str:
    """The label `value` names (itself, or an alias of it), or NoMatch offering the closest names."""
    names = _names(graph, attribute, kinds)
    found = names.get(value.casefold())
    if found is not None:
        return found
    view = graph.graph.get("view", "full")
    close = difflib.get_close_matches(value.casefold(), list(names), n=3, cutoff=0.6)
    offer = sorted({names[c] for c in close}) or sorted(set(names.values()), key=str.casefold)[:5]
    hint = f"closest: {', '.join(offer)}" if offer else "it has none"
    raise NoMatch(f"{option} {value!r} matches nothing in the {view} view; {hint}")


def filter_graph(
    graph: nx.Graph,
    *,
    kinds: set[str] | None = None,
    programme: str | None = None,
    region: str | None = None,
    since: int | None = None,
) -> nx.Graph:
    """Keep the nodes that match every given filter (names or aliases, case-insensitive) and the edges
    between them; the filters applied are kept in graph attribute `filters` so pages can say so.

    `since` keeps nodes linked to an event in that year or later; undated nodes drop out. A filter that
    matches nothing raises NoMatch (an empty page says nothing to a reader).
    """
    view = graph.graph.get("view", "full")
    present = {str(kind) for _, kind in graph.nodes(data="kind")}
    if kinds is not None and not kinds & present:
        raise NoMatch(
            f"--kind {', '.join(sorted(kinds))} matches nothing in the {view} view; "
            f"it has {', '.join(sorted(present)) or 'no nodes'}"
        )
    wanted_programme = (
        _resolve(graph, "--programme", programme, "programmes", (PROGRAMME,)) if programme else None
    )
    wanted_region = _resolve(graph, "--region", region, "regions", PLACES) if region else None
    if since is not None:
        latest = max((y for _, years in graph.nodes(data="years") for y in years or ()), default=None)
        if latest is None or latest < since:
            raise NoMatch(
                f"--since {since} matches nothing in the {view} view; "
                + (f"its latest year is {latest}" if latest is not None else "nothing in it is dated")
            )

    def keep(data: dict[str, Any]) -> bool:
        if kinds is not None and data.get("kind") not in kinds:
            return False
        if wanted_programme is not None and wanted_programme.casefold() not in _folded(data, "programmes"):
            return False
        if wanted_region is not None and wanted_region.casefold() not in _folded(data, "regions"):
            return False
        return since is None or any(year >= since for year in data.get("years", ()))

    kept = {n for n, data in graph.nodes(data=True) if keep(data)}
    filters: dict[str, Any] = {
        name: value
        for name, value in (
            ("kinds", sorted(kinds) if kinds is not None else None),
            ("programme", wanted_programme),
            ("region", wanted_region),
            ("since", since),
        )
        if value is not None
    }
    if not kept:
        given = [f"--kind {k}" for k in filters.get("kinds", ())]
        given += [f"--{name} {filters[name]}" for name in ("programme", "region", "since") if name in filters]
        raise NoMatch(f"the filters {' '.join(given)} match nothing together in the {view} view")
    result = graph.__class__()
    result.graph.update(_copy(dict(graph.graph)))
    if filters:
        result.graph["filters"] = filters
    result.add_nodes_from((n, _copy(dict(d))) for n, d in graph.nodes(data=True) if n in kept)
    if graph.is_multigraph():
        result.add_edges_from(
            (u, v, k, _copy(dict(d)))
            for u, v, k, d in graph.edges(keys=True, data=True)
            if u in kept and v in kept
        )
    else:
        result.add_edges_from(
            (u, v, _copy(dict(d))) for u, v, d in graph.edges(data=True) if u in kept and v in kept
        )
    return result
