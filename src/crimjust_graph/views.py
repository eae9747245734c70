"""MultiDiGraph -> the projections stakeholders ask for: who works with whom, where, and when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import combinations
from typing import Any

import networkx as nx

from crimjust_graph.model import Predicate
from crimjust_graph.network import (
    ACTORS,
    EDGE_LABELS,
    EVENT,
    HELD_IN,
    PARTNER,
    PLACES,
    PROGRAMME,
    ROLES,
    TAKES_PART,
)

# Each projection returns a new graph with copies of the node attributes.


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _new(kind: type[nx.Graph], source: nx.Graph, view: str, nodes: Iterable[str]) -> nx.Graph:
    """A graph of `kind` with source's graph attributes and copies of the given nodes, in sorted order."""
    result = kind()
    result.graph.update(_copy(dict(source.graph)))
    result.graph["view"] = view
    result.add_nodes_from((n, _copy(dict(source.nodes[n]))) for n in sorted(nodes))
    return result


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _kind(graph: nx.Graph, node: str) -> str:
    return str(graph.nodes[node]["kind"])


def full(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The whole graph, unchanged."""
    return graph


def programme_partner(graph: nx.MultiDiGraph) -> nx.Graph:
    """Who runs, pays for and partners with each programme; weight = documents that say so."""
    support: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        if key in ROLES and _kind(graph, u) == PROGRAMME and _kind(graph, v) == PARTNER:
            roles, graphs = support.setdefault((u, v), (set(), set()))
            roles.add(EDGE_LABELS[key])
            graphs.update(data.get("document_ids", ()))
    result = _new(nx.Graph, graph, "programme-partner", {n for pair in support for n in pair})
    for (u, v), (roles, graphs) in sorted(support.items()):
        names = sorted(roles)
        result.add_edge(u, v, weight=len(graphs), roles=names, label=", ".join(names))
    return result


def co_participation(graph: nx.MultiDiGraph) -> nx.Graph:
    """Partners and programmes that met at the same events; weight = number of shared events."""
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
        labels = sorted(graph.nodes[e]["label"] for e in events)
        result.add_edge(u, v, weight=len(events), events=labels, label=_count(len(events), "shared event"))
    return result


def programme_region(graph: nx.MultiDiGraph) -> nx.Graph:
    """Where each programme works: regions it covers plus places its events were held in."""
    covers: dict[tuple[str, str], int] = {}
    held: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u, v, key, data in graph.edges(keys=True, data=True):
        if _kind(graph, v) not in PLACES:
            continue
        if key == Predicate.COVERS_REGION.value and _kind(graph, u) == PROGRAMME:
            covers[(u, v)] = max(1, int(data.get("documents", 0)))
        elif key == HELD_IN and _kind(graph, u) == EVENT:
            for _, actor, role in graph.out_edges(u, keys=True):
                if role in (*TAKES_PART, Predicate.FUNDED_BY.value) and _kind(graph, actor) == PROGRAMME:
                    held[(actor, v)].add(u)
    pairs = set(covers) | set(held)
    result = _new(nx.Graph, graph, "programme-region", {n for pair in pairs for n in pair})
    for u, v in sorted(pairs):
        events = sorted(graph.nodes[e]["label"] for e in held.get((u, v), ()))
        via = [name for name, found in (("covers", (u, v) in covers), ("events", bool(events))) if found]
        label = ", ".join(["covers"] * ("covers" in via) + [_count(len(events), "event")] * bool(events))
        result.add_edge(u, v, weight=covers.get((u, v), 0) + len(events), via=via, events=events, label=label)
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


VIEWS: dict[str, Callable[[nx.MultiDiGraph], nx.Graph | nx.MultiDiGraph]] = {
    "full": full,
    "programme-partner": programme_partner,
    "co-participation": co_participation,
    "programme-region": programme_region,
    "timeline": timeline,
}


def filter_graph(
    graph: nx.Graph,
    *,
    kinds: set[str] | None = None,
    programme: str | None = None,
    region: str | None = None,
    since: int | None = None,
) -> nx.Graph:
    """Keep the nodes that match every given filter (labels case-insensitive) and the edges between them.

    `since` keeps nodes linked to an event in that year or later; undated nodes drop out.
    """
    wanted_programme = programme.casefold() if programme is not None else None
    wanted_region = region.casefold() if region is not None else None

    def keep(data: dict[str, Any]) -> bool:
        if kinds is not None and data.get("kind") not in kinds:
            return False
        if wanted_programme is not None and wanted_programme not in {
            p.casefold() for p in data.get("programmes", ())
        }:
            return False
        if wanted_region is not None and wanted_region not in {r.casefold() for r in data.get("regions", ())}:
            return False
        return since is None or any(year >= since for year in data.get("years", ()))

    kept = {n for n, data in graph.nodes(data=True) if keep(data)}
    result = graph.__class__()
    result.graph.update(_copy(dict(graph.graph)))
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
