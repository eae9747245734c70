"""Linked Data: a path under /id/ -> the description of that entity or document, as HTML, Turtle or JSON-LD.

`serve` answers `GET /id/{kind}/{slug}` for every IRI the graph mints (vocab.py), so a deployment that points
the https://w3id.org/crimjust/id/ redirect at it serves the whole graph as linked data. The entity's IRI is
bound into fixed queries as a value (run_query's bindings), never written into the query text, and every
query goes through the same checked path as /sparql.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import parse_qsl

import pyoxigraph as ox

from crimjust_graph.entity_html import (
    DocumentView,
    EntityView,
    Fact,
    Node,
    document_html,
    entity_html,
    property_name,
)
from crimjust_graph.model import Kind, Predicate
from crimjust_graph.protocol import Answer, error, media_ranges
from crimjust_graph.sparql import QueryableStore, run_query
from crimjust_graph.vocab import CJ, ID, PREFIXES

ENTITY_KINDS = tuple(kind.value for kind in Kind)
KINDS = (*ENTITY_KINDS, "document", "evidence")
# Only what IRI minting produces (slugify, hashes): no dot, slash or percent sign, so no path can climb out.
_PATH = re.compile(rf"/id/({'|'.join(KINDS)})/([A-Za-z0-9][A-Za-z0-9_-]{{0,255}})")
# Media type -> format, in the order served when the client likes several equally (browsers first).
OFFERED: dict[str, str] = {
    "text/html": "html",
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
}
# Other names for the same formats, honoured only when a client names them (never through a wildcard).
ALIASES: dict[str, str] = {
    "application/xhtml+xml": "html",
    "application/x-turtle": "turtle",
    "application/json": "jsonld",
}
MEDIA_TYPE = {
    "html": "text/html; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
RDF_FORMAT = {
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
MAX_ROWS = 500  # relation rows an HTML table shows; the RDF forms carry every fact

_RDF = PREFIXES["rdf"]
_RDFS = PREFIXES["rdfs"]
_SKOS = PREFIXES["skos"]
_DCTERMS = PREFIXES["dcterms"]
_PROV = PREFIXES["prov"]
_RELATIONS = {str(CJ[p.value]) for p in Predicate}
_SOURCE = f"{_DCTERMS}source"  # an absolute path on the ingesting machine: never published

# Everything the graph says about ?entity, what says something of it, the evidence for those facts, and the
# labels, kinds and titles of what they link to. Each part binds ?s ?p ?o and starts from ?entity through a
# fixed predicate where it can: a VALUES block, a trailing union of starting points or a variable predicate
# filtered afterwards make the engine scan far more first (AIRCOP 3.7 s -> 25 ms; a hub with 9,000 sentences
# in a 2M-triple store 15 s -> 4 s).
_NAMES = "FILTER(?p IN (rdf:type, rdfs:label, dcterms:title, dcterms:issued))"
_EVIDENCE = ("rdf:subject", "rdf:object", "cj:mentions")


def _describe(*, page: bool) -> str:
    """The describing query; a page needs only each mention's document (a hub has thousands of mentions)."""
    mentions = (
        "{ ?s cj:mentions ?entity ; prov:wasDerivedFrom ?o BIND(prov:wasDerivedFrom AS ?p) }"
        if page
        else "{ ?s cj:mentions ?entity . ?s ?p ?o }"
    )
    parts = [
        "{ ?entity ?p ?o BIND(?entity AS ?s) }",
        "{ ?s ?p ?entity BIND(?entity AS ?o) }",
        "{ ?s rdf:subject ?entity . ?s ?p ?o }",
        "{ ?s rdf:object ?entity . ?s ?p ?o }",
        mentions,
        f"{{ ?entity ?q ?s FILTER(isIRI(?s)) ?s ?p ?o {_NAMES} }}",
        f"{{ ?s ?q ?entity FILTER(?q NOT IN ({', '.join(_EVIDENCE)})) ?s ?p ?o {_NAMES} }}",
        *(
            f"{{ ?evidence {link} ?entity ; prov:wasDerivedFrom ?s . ?s ?p ?o {_NAMES} }}"
            for link in _EVIDENCE
        ),
    ]
    return "SELECT DISTINCT ?entity ?s ?p ?o WHERE {\n  " + "\n  UNION ".join(parts) + "\n}"


_DESCRIBE = _describe(page=False)
_DESCRIBE_PAGE = _describe(page=True)
# A document is its own named graph; the graph is complete once it carries its dcterms:source (store.py).
_DOCUMENT = "SELECT ?graph ?s ?p ?o WHERE { GRAPH ?graph { ?s ?p ?o } }"


@dataclass(frozen=True)
class Request:
    """A checked request for one IRI's description in one format."""

    iri: str
    kind: str
    format: str


def read_request(path: str, raw_path: bytes, query_string: bytes, accept: str | None) -> Request | Answer:
    """The IRI a path names and the format to answer in, or the error Answer to send instead."""
    match = _PATH.fullmatch(path)
    if match is None or b"%" in raw_path:
        return error(
            404,
            f"no entity at {path}: entity pages are /id/{{kind}}/{{slug}}, kind one of {', '.join(KINDS)}",
        )
    asked = [value for key, value in parse_qsl(query_string.decode("latin-1")) if key == "format"]
    if asked:
        if asked[0] not in MEDIA_TYPE:
            return error(400, f"format {asked[0]!r} is not offered: use one of {', '.join(MEDIA_TYPE)}")
        fmt: str | None = asked[0]
    else:
        fmt = negotiate(accept)
    if fmt is None:
        return error(406, f"cannot answer in any type the Accept header lists: offered {', '.join(OFFERED)}")
    kind, slug = match.groups()
    return Request(f"{ID}{kind}/{slug}", kind, fmt)


def negotiate(accept: str | None) -> str | None:
    """The offered format the Accept header likes best (most specific range decides each type's q-value);
    the first offered on a tie, HTML when the header is absent; None when it accepts none of them."""
    if not accept or not accept.strip():
        return "html"
    ranges = media_ranges(accept)
    best, best_q = None, 0.0
    for media, fmt in OFFERED.items():
        q = _quality(media, ranges)
        if q > best_q:
            best, best_q = fmt, q
    for media, q in ranges:
        if q > best_q and media in ALIASES:
            best, best_q = ALIASES[media], q
    return best


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """The q-value of the most specific range that matches `media` (0 when none does)."""
    found: tuple[int, float] = (-1, 0.0)
    for pattern, q in ranges:
        if pattern == media:
            rank = 2
        elif pattern.endswith("/*") and media.startswith(pattern[:-1]):
            rank = 1
        elif pattern == "*/*":
            rank = 0
        else:
            continue
        if rank > found[0] or (rank == found[0] and q > found[1]):
            found = (rank, q)
    return found[1]


def answer(store: QueryableStore, request: Request) -> Answer:
    """Describe the IRI from the store and write it in the requested format; 404 when the store lacks it."""
    if request.kind == "document":
        triples = _rows(store, _DOCUMENT, "graph", request.iri)
        if not any(t.predicate.value == _SOURCE for t in triples):
            return error(404, f"no document <{request.iri}> in this store")
    else:
        describe = _DESCRIBE_PAGE if request.format == "html" else _DESCRIBE
        triples = _rows(store, describe, "entity", request.iri)
        if not any(t.subject == ox.NamedNode(request.iri) for t in triples):
            return error(404, f"no entity <{request.iri}> in this store")
    published = [t for t in triples if t.predicate.value != _SOURCE]
    if request.format != "html":
        return Answer(200, MEDIA_TYPE[request.format], _serialize(published, request.format), "entity")
    if request.kind == "document":
        page = document_html(document_view(request.iri, triples), MAX_ROWS)
    else:
        page = entity_html(entity_view(request.iri, triples), MAX_ROWS)
    return Answer(200, MEDIA_TYPE["html"], page.encode("utf-8", "replace"), "entity")


def _rows(store: QueryableStore, sparql: str, variable: str, iri: str) -> list[ox.Triple]:
    """The (s, p, o) rows of a describing query with `variable` bound to the IRI as a value."""
    result = run_query(store, sparql, bindings={variable: iri})
    assert isinstance(result, ox.QuerySolutions)
    return [ox.Triple(row["s"], row["p"], row["o"]) for row in result]


def _serialize(triples: list[ox.Triple], fmt: str) -> bytes:
    """Oxigraph's serializers (JSON-LD comes expanded, without a context). rdflib's took 14 s (Turtle) and
    11 s (compacted JSON-LD) for the 70,000 triples describing a hub in a 2M-triple store; Oxigraph's 0.2 s.
    """
    out = ox.serialize(triples, None, RDF_FORMAT[fmt], prefixes=PREFIXES)
    return out if isinstance(out, bytes) else b""


@dataclass(frozen=True)
class _Object:
    """A triple's object as the pages need it: its text, and whether it is an IRI."""

    value: str
    iri: bool


class _Index:
    """Labels, kinds, titles and evidence read off a description's triples."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.about: dict[str, list[tuple[str, _Object]]] = defaultdict(list)
        for t in triples:
            obj = _Object(t.object.value, isinstance(t.object, ox.NamedNode))  # type: ignore[union-attr]
            self.about[t.subject.value].append((t.predicate.value, obj))  # type: ignore[union-attr]

    def values(self, iri: str, predicate: str) -> list[str]:
        return sorted({o.value for p, o in self.about.get(iri, []) if p == predicate})

    def one(self, iri: str, predicate: str) -> str | None:
        found = self.values(iri, predicate)
        return found[0] if found else None

    def node(self, iri: str) -> Node:
        labels = self.values(iri, f"{_RDFS}label") or self.values(iri, f"{_DCTERMS}title")
        kind = iri.removeprefix(str(ID)).split("/", 1)[0] if iri.startswith(str(ID)) else ""
        return Node(iri, labels[0] if labels else iri.rsplit("/", 1)[-1], kind if kind in KINDS else "")

    def evidence(self) -> list[str]:
        typed = (f"{_RDF}type", _Object(str(CJ.Evidence), iri=True))
        return sorted(s for s, facts in self.about.items() if typed in facts)

    def fact(self, evidence: str) -> tuple[str, str, str] | None:
        """The (subject, predicate, object) an evidence node states, or None for a mention."""
        s, p, o = (self.one(evidence, f"{_RDF}{part}") for part in ("subject", "predicate", "object"))
        return (s, p, o) if s and p and o else None


def entity_view(iri: str, triples: list[ox.Triple]) -> EntityView:
    """An entity's description, as the page shows it: each relation once per sentence that states it."""
    index = _Index(triples)
    shown = {f"{_RDF}type", f"{_RDFS}label", f"{_SKOS}altLabel", str(CJ.acronym), *_RELATIONS}
    details: list[tuple[str, str | Node]] = []
    for predicate, value in sorted(index.about.get(iri, []), key=lambda pv: (pv[0], pv[1].value)):
        if predicate in shown:
            continue
        if not value.iri:
            details.append((predicate, value.value))
        elif value.value.startswith(str(ID)):
            details.append((predicate, index.node(value.value)))
        else:
            details.append((predicate, property_name(value.value)))
    evidence: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    mentions: dict[str, int] = defaultdict(int)
    for ev in index.evidence():
        fact = index.fact(ev)
        if fact is not None:
            quote = index.one(ev, str(CJ.quote)) or ""
            evidence[fact].append((quote, index.one(ev, f"{_PROV}wasDerivedFrom") or ""))
    for s, facts in index.about.items():
        if (str(CJ.mentions), _Object(iri, iri=True)) in facts:
            for doc in index.values(s, f"{_PROV}wasDerivedFrom"):
                mentions[doc] += 1
    out: list[Fact] = []
    into: list[Fact] = []
    for s, facts in index.about.items():
        for p, o in facts:
            if p not in _RELATIONS or not o.iri or iri not in (s, o.value):
                continue
            for quote, doc in evidence.get((s, p, o.value)) or [("", "")]:
                found = Fact(index.node(s), p, index.node(o.value), quote, index.node(doc) if doc else None)
                (out if s == iri else into).append(found)
    documents = sorted(
        ((index.node(doc), n) for doc, n in mentions.items()), key=lambda dn: (dn[0].label, dn[0].iri)
    )
    return EntityView(
        index.node(iri),
        index.values(iri, f"{_RDFS}label"),
        index.values(iri, str(CJ.acronym)),
        index.values(iri, f"{_SKOS}altLabel"),
        details,
        _ordered(out),
        _ordered(into),
        documents,
    )


def _ordered(facts: list[Fact]) -> list[Fact]:
    return sorted(
        set(facts),
        key=lambda f: (
            f.predicate,
            f.subject.label,
            f.object.label,
            f.quote,
            f.document.label if f.document else "",
        ),
    )


def document_view(iri: str, triples: list[ox.Triple]) -> DocumentView:
    """A document's graph, as its page shows it: the file's name only, never the path it was read from."""
    index = _Index(triples)
    sources = [PurePath(path).name for path in index.values(iri, _SOURCE)]
    facts = []
    for ev in index.evidence():
        fact = index.fact(ev)
        if fact is not None:
            s, p, o = fact
            facts.append(Fact(index.node(s), p, index.node(o), index.one(ev, str(CJ.quote)) or "", None))
    entities = sorted(
        {index.node(s) for s in index.about if index.node(s).kind in ENTITY_KINDS},
        key=lambda n: (n.kind, n.label, n.iri),
    )
    return DocumentView(
        index.node(iri), index.one(iri, f"{_DCTERMS}issued"), sources, _ordered(facts), entities
    )
