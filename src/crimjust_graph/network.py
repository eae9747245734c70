"""Dataset -> networkx.MultiDiGraph: entities as nodes, relations as edges, read through bulk SPARQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from crimjust_graph.errors import QueryError
from crimjust_graph.mapping import KIND_OF_CLASS
from crimjust_graph.model import PLACE_KINDS, PREDICATES, Kind, Predicate
from crimjust_graph.sparql import QueryableStore, run_query
from crimjust_graph.vocab import CJ, REFERENCE_GRAPH

TITLE = "crimjust-graph"
MAX_TITLES = 10
MAX_EVIDENCE = 3

EDGE_LABELS: dict[str, str] = {p.value: info.label for p, info in PREDICATES.items()}
INVERSE_LABELS: dict[str, str] = {p.value: info.inverse for p, info in PREDICATES.items()}
PROGRAMME, PARTNER, EVENT = Kind.PROGRAMME.value, Kind.PARTNER.value, Kind.EVENT.value
PLACES = frozenset(kind.value for kind in PLACE_KINDS)
ACTORS = frozenset({PROGRAMME, PARTNER})
ROLES = (Predicate.IMPLEMENTED_BY.value, Predicate.FUNDED_BY.value, Predicate.HAS_PARTNER.value)
HELD_IN = Predicate.HELD_IN.value
TAKES_PART = (Predicate.ORGANISED_BY.value, Predicate.HAS_PARTICIPANT.value)
_KINDS = {str(cls): kind.value for cls, kind in KIND_OF_CLASS.items()}
# When one IRI carries several of our classes, the most specific wins (a Country is also a Region).
_SPECIFICITY = {"city": 0, "country": 1, "region": 2, "event": 3, "programme": 4, "partner": 5}
_CJ = str(CJ)

# Every pattern names its graph, so the queries mean the same on any SPARQL store whatever its default
# graph is. Rows from the ontology, shapes and reference graphs are dropped in Python (a graph is a
# document when it says so): joining `?g a cj:Document` into every query doubled their cost in Oxigraph.
_DOCUMENTS = """
SELECT ?g ?title ?source ?issued WHERE { GRAPH ?g { ?g a cj:Document .
  OPTIONAL { ?g dcterms:title ?title } OPTIONAL { ?g dcterms:source ?source }
  OPTIONAL { ?g dcterms:issued ?issued } } }
"""
_ENTITIES = """
SELECT ?e ?type ?g WHERE { GRAPH ?g { ?e a ?type .
  VALUES ?type { cj:Programme cj:Partner cj:Event cj:Region cj:Country cj:City } } }
"""
_LABELS = "SELECT DISTINCT ?e ?label WHERE { GRAPH ?g { ?e rdfs:label ?label } }"
_ALIASES = """
SELECT DISTINCT ?e ?alias ?g WHERE { GRAPH ?g { { ?e skos:altLabel ?alias } UNION { ?e cj:acronym ?alias } } }
"""
_DATES = """
SELECT DISTINCT ?e ?p ?date ?g WHERE { GRAPH ?g { ?e ?p ?date . VALUES ?p { cj:startDate cj:endDate } } }
"""
_RELATIONS = (
    "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o .\n"
    "  VALUES ?p { " + " ".join(f"cj:{p.value}" for p in Predicate) + " } } }\n"
)
_RELATION_EVIDENCE = """
SELECT ?s ?p ?o ?ev ?quote ?g WHERE { GRAPH ?g {
  ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; cj:quote ?quote } }
"""
# Mention quotes are fetched only for the documents that can supply a node's first evidence (by title),
# in batches: every mention of every entity is the largest result the store could return.
_MENTIONS = """
SELECT ?e ?g ?quote WHERE { VALUES (?e ?g) { %s } GRAPH ?g { ?ev cj:mentions ?e ; cj:quote ?quote } }
"""
_BATCH = 4000
# Place containment from the reference data (a few thousand rows whatever the corpus size), so a filter
# on "West Africa" also finds Dakar; a path query from the mentioned places was 100x slower in Oxigraph.
_CONTAINMENT = f"""
SELECT ?child ?parent ?label WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{ ?child cj:inRegion ?parent .
  OPTIONAL {{ ?parent rdfs:label ?label }} }} }}
"""


@dataclass
class _Entity:
    """What the document graphs say about one entity, gathered from the bulk queries."""

    kinds: set[str] = field(default_factory=set)
    label: str = ""
    graphs: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    starts: set[str] = field(default_factory=set)
    ends: set[str] = field(default_factory=set)
    quotes: set[tuple[str, str, str]] = field(default_factory=set)  # (title, quote, source)


@dataclass
class _Fact:
    """One (subject, predicate, object) with the documents and evidence that state it."""

    graphs: set[str] = field(default_factory=set)
    evidence: dict[str, tuple[str, str]] = field(default_factory=dict)  # evidence IRI -> (title, quote)


def _rows(store: QueryableStore, sparql: str) -> Iterator[tuple[str | None, ...]]:
    """SELECT rows as tuples of plain strings (None for unbound), in the query's column order."""
    result = run_query(store, sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(sparql, "expected SELECT results")
    width = range(len(result.variables))
    for row in result:
        yield tuple(None if row[i] is None else row[i].value for i in width)


def _local(iri: str) -> str:
    return iri[len(_CJ) :] if iri.startswith(_CJ) else iri


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def to_networkx(store: QueryableStore) -> nx.MultiDiGraph:
    """The graph stakeholders look at: everything the documents state, with evidence on nodes and edges."""
    docs = _documents(store)
    entities = _entities(store, docs)
    facts = _facts(store, docs, entities)
    parents, place_labels = _containment(store)
    inregion = Predicate.IN_REGION.value
    for child, ups in parents.items():
        if child in entities:
            for parent in ups:
                if parent in entities:
                    facts.setdefault((child, inregion, parent), _Fact())
    for s, p, o in facts:
        if p == inregion:
            parents[s].add(o)
    for iri, entity in entities.items():
        if entity.kinds & PLACES:
            place_labels[iri] = entity.label
    _mention_quotes(store, docs, entities)

    issued = {g: date for g, (_, _, date) in docs.items() if date}
    graph = nx.MultiDiGraph(
        documents=len(docs), latest=max(issued.values(), default=None), issued=issued, title=TITLE
    )
    titles = {g: title for g, (title, _, _) in docs.items()}
    graph.add_nodes_from((iri, _node_attributes(entities[iri], titles)) for iri in sorted(entities))
    # Sorted by (subject, object, predicate): the order networkx iterates edges in.
    edges = sorted(facts, key=lambda f: (f[0], f[2], f[1]))
    graph.add_edges_from((s, o, p, _edge_attributes(p, facts[(s, p, o)])) for s, p, o in edges)
    _add_context(graph, edges, parents, place_labels)
    return graph


def _documents(store: QueryableStore) -> dict[str, tuple[str, str, str | None]]:
    """Document IRI -> (title, source, issued); the smallest when a document has several."""
    docs: dict[str, tuple[str, str, str | None]] = {}
    for g, title, source, issued in _rows(store, _DOCUMENTS):
        assert g is not None
        new = (title or "", source or "", issued)
        old = docs.get(g, new)
        docs[g] = (min(old[0], new[0]), min(old[1], new[1]), min(old[2] or "", new[2] or "") or None)
    return docs


def _entities(store: QueryableStore, docs: dict[str, tuple[str, str, str | None]]) -> dict[str, _Entity]:
    """Entities typed in document graphs, with labels, aliases and dates from those graphs."""
    entities: dict[str, _Entity] = defaultdict(_Entity)
    for e, type_, g in _rows(store, _ENTITIES):
        if g in docs and e is not None and type_ is not None:
            entity = entities[e]
            entity.kinds.add(_KINDS[type_])
            entity.graphs.add(g)
    entities = dict(entities)
    for e, label in _rows(store, _LABELS):
        if e in entities and label is not None and (not entities[e].label or label < entities[e].label):
            entities[e].label = label
    for e, alias, g in _rows(store, _ALIASES):
        if e in entities and g in docs and alias is not None:
            entities[e].aliases.add(alias)
    for e, p, date, g in _rows(store, _DATES):
        if e in entities and g in docs and date is not None:
            (entities[e].starts if p == str(CJ.startDate) else entities[e].ends).add(date)
    return entities


def _facts(
    store: QueryableStore, docs: dict[str, tuple[str, str, str | None]], entities: dict[str, _Entity]
) -> dict[tuple[str, str, str], _Fact]:
    """Relations between known entities, with the documents and evidence sentences that state them."""
    facts: dict[tuple[str, str, str], _Fact] = {}
    for s, p, o, g in _rows(store, _RELATIONS):
        if g in docs and s in entities and o in entities and p is not None:
            key = (s, _local(p), o)
            fact = facts.get(key)
            if fact is None:
                fact = facts[key] = _Fact()
            fact.graphs.add(g)
    for s, p, o, ev, quote, g in _rows(store, _RELATION_EVIDENCE):
        fact = facts.get((s or "", _local(p or ""), o or ""))
        if fact is not None and ev is not None and g in docs:
            fact.evidence[ev] = (docs[g][0], quote or "")
    return facts


def _containment(store: QueryableStore) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Reference containment (child -> parents) and the labels of the containing places."""
    parents: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for child, parent, label in _rows(store, _CONTAINMENT):
        if child is not None and parent is not None:
            parents[child].add(parent)
            if label is not None:
                labels[parent] = min(label, labels.get(parent, label))
    return parents, labels


def _mention_quotes(
    store: QueryableStore, docs: dict[str, tuple[str, str, str | None]], entities: dict[str, _Entity]
) -> None:
    """Fill each entity's quotes from the documents that come first by title, until it has enough."""
    pending = {
        iri: sorted(entity.graphs, key=lambda g: (docs[g][0], g), reverse=True)
        for iri, entity in entities.items()
    }
    while pending:
        pairs = []
        for iri, graphs in pending.items():
            titles: set[str] = set()
            while graphs and (len(titles) < MAX_EVIDENCE or docs[graphs[-1]][0] in titles):
                g = graphs.pop()
                titles.add(docs[g][0])
                pairs.append((iri, g))
        for start in range(0, len(pairs), _BATCH):
            values = " ".join(f"(<{e}> <{g}>)" for e, g in pairs[start : start + _BATCH])
            for e, doc, quote in _rows(store, _MENTIONS % values):
                if e in entities and doc in docs and quote is not None:
                    entities[e].quotes.add((docs[doc][0], quote, docs[doc][1]))
        pending = {
            iri: graphs
            for iri, graphs in pending.items()
            if graphs and len(entities[iri].quotes) < MAX_EVIDENCE
        }


def _node_attributes(entity: _Entity, titles: dict[str, str]) -> dict[str, Any]:
    kind = min(entity.kinds, key=_SPECIFICITY.__getitem__)
    start = min(entity.starts) if entity.starts else None
    end = max(entity.ends) if entity.ends else None
    return {
        "kind": kind,
        "label": entity.label,
        "aliases": sorted(entity.aliases - {entity.label}),
        "degree": 0,
        "first_date": (start or end) if kind == EVENT else None,
        "last_date": (end or start) if kind == EVENT else None,
        "documents": len(entity.graphs),
        "document_ids": sorted(entity.graphs),
        "document_titles": sorted({titles[g] for g in entity.graphs})[:MAX_TITLES],
        "evidence": [
            {"quote": q, "title": t, "source": s} for t, q, s in sorted(entity.quotes)[:MAX_EVIDENCE]
        ],
        "programmes": [],
        "regions": [],
        "years": [],
    }


def _edge_attributes(predicate: str, fact: _Fact) -> dict[str, Any]:
    first = min(fact.evidence.values()) if fact.evidence else ("", "")
    return {
        "predicate": predicate,
        "label": EDGE_LABELS.get(predicate, predicate),
        "inverse": INVERSE_LABELS.get(predicate, ""),
        "evidence_count": len(fact.evidence),
        "documents": len(fact.graphs),
        "document_ids": sorted(fact.graphs),
        "quote": first[1],
        "title": first[0],
    }


def _add_context(
    graph: nx.MultiDiGraph,
    edges: list[tuple[str, str, str]],
    parents: dict[str, set[str]],
    place_labels: dict[str, str],
) -> None:
    """Fill degree, dates, years, programmes and regions, which depend on a node's neighbours."""
    nodes = graph.nodes
    kind = {n: d["kind"] for n, d in nodes(data=True)}
    degree: dict[str, int] = defaultdict(int)
    near: dict[str, set[str]] = defaultdict(set)
    held_in: dict[str, set[str]] = defaultdict(set)
    for s, p, o in edges:
        degree[s] += 1
        degree[o] += 1
        near[s].add(o)
        near[o].add(s)
        if p == HELD_IN:
            held_in[s].add(o)
    edges_of: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for fact in edges:
        if kind[fact[0]] == PROGRAMME:
            edges_of[fact[0]].append(fact)
    ancestry: dict[str, frozenset[str]] = {}

    def ancestors(place: str) -> frozenset[str]:
        if place not in ancestry:
            ancestry[place] = frozenset()  # guards against containment cycles
            found = {place}
            for parent in parents.get(place, ()):
                found |= ancestors(parent)
            ancestry[place] = frozenset(found)
        return ancestry[place]

    for node, data in nodes(data=True):
        data["degree"] = degree[node]
        own = kind[node]
        linked = near[node]
        events = {node} if own == EVENT else {n for n in linked if kind[n] == EVENT}
        programmes = {n for n in linked if kind[n] == PROGRAMME}
        places = {n for n in linked if kind[n] in PLACES}
        if own == PROGRAMME:
            programmes.add(node)  # itself, and the programmes it is part of or made of
        elif own != EVENT:
            for event in events:
                programmes |= {n for n in near[event] if kind[n] == PROGRAMME}
        if own in PLACES:
            places = {node}
        elif own != EVENT:
            for event in events:
                places |= held_in[event]
        data["programmes"] = sorted({nodes[n]["label"] for n in programmes})
        data["regions"] = sorted({place_labels[a] for p in places for a in ancestors(p) if a in place_labels})
        years: set[int] = set()
        firsts, lasts = [], []
        for event in events:
            first, last = nodes[event]["first_date"], nodes[event]["last_date"]
            if first:
                firsts.append(first)
                lasts.append(last)
                low, high = _year(first), _year(last)
                if low is not None:
                    years.update(range(low, (high if high is not None and high >= low else low) + 1))
        if own != EVENT:
            data["first_date"] = min(firsts) if firsts else None
            data["last_date"] = max(lasts) if lasts else None
        data["years"] = sorted(years)
        data["summary"] = _summary(node, events, edges_of[node], held_in, nodes) if own == PROGRAMME else {}


SUMMARY_ROLES = {
    Predicate.IMPLEMENTED_BY.value: EDGE_LABELS[Predicate.IMPLEMENTED_BY.value],
    Predicate.FUNDED_BY.value: EDGE_LABELS[Predicate.FUNDED_BY.value],
    Predicate.HAS_PARTNER.value: "partners",
    Predicate.COVERS_REGION.value: "covers",
}


def _summary(
    programme: str,
    events: set[str],
    facts: list[tuple[str, str, str]],
    held_in: dict[str, set[str]],
    nodes: Any,
) -> dict[str, list[str]]:
    """A programme's own facts, each kept apart: who implements, funds and partners it, the regions it
    covers (as stated, no containing regions), its events and the places they were held in."""
    summary: dict[str, set[str]] = {
        name: set() for name in (*SUMMARY_ROLES.values(), "events", "event places")
    }
    for _, predicate, obj in facts:
        if predicate in SUMMARY_ROLES:
            summary[SUMMARY_ROLES[predicate]].add(nodes[obj]["label"])
    for event in events:
        summary["events"].add(nodes[event]["label"])
        summary["event places"].update(nodes[place]["label"] for place in held_in.get(event, ()))
    return {name: sorted(values, key=str.casefold) for name, values in summary.items()}
