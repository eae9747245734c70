"""Extraction -> RDF triples: the only place that pairs model kinds with ontology terms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from crimjust_graph.model import KINDS, Evidence, Extraction, Kind, Predicate
from crimjust_graph.vocab import (
    CJ,
    REFERENCE_GRAPH,
    SCHEMA,
    date_literal,
    document_iri,
    entity_iri,
    evidence_iri,
)

if TYPE_CHECKING:
    from crimjust_graph.extract.gazetteer import Place

CLASS_OF_KIND: dict[Kind, URIRef] = {kind: CJ[info.cls] for kind, info in KINDS.items()}
KIND_OF_CLASS: dict[URIRef, Kind] = {cls: kind for kind, cls in CLASS_OF_KIND.items()}


def to_graph(extraction: Extraction) -> Graph:
    """One document's named graph as an rdflib Graph: the Python API's view of `document_triples`."""
    graph = Graph(identifier=document_iri(extraction.document.id))
    graph.parse(data=to_ntriples(document_triples(extraction)), format="nt")
    return graph


def to_ntriples(triples: Iterable[ox.Triple]) -> str:
    """Triples as N-Triples text, which TriG, Turtle and SPARQL Update all read."""
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")  # type: ignore[union-attr]


def document_triples(extraction: Extraction) -> list[ox.Triple]:
    """One document's named graph: the document node, its entities, relations, evidence (docs/design.md §2).

    Built from pyoxigraph terms rather than an rdflib Graph: ingest maps every document, and rdflib's
    term checks and indexes cost three times what the extraction itself does.
    """
    doc = extraction.document
    doc_node = _iri(document_iri(doc.id))
    triples: dict[ox.Triple, None] = {}  # ordered and without repeats

    def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        triples[ox.Triple(s, p, o)] = None

    def evidence_node(evidence: Evidence, *fact: str) -> ox.NamedNode:
        """A cj:Evidence node; its IRI is a hash of the document, the fact and the sentence offsets."""
        ev = _iri(evidence_iri(doc.id, *fact, str(evidence.start), str(evidence.end)))
        add(ev, _TYPE, _EVIDENCE)
        add(ev, _QUOTE, ox.Literal(evidence.quote))
        add(ev, _CHAR_START, ox.Literal(str(evidence.start), datatype=_INTEGER))
        add(ev, _CHAR_END, ox.Literal(str(evidence.end), datatype=_INTEGER))
        add(ev, _DERIVED_FROM, doc_node)
        return ev

    add(doc_node, _TYPE, _iri(CJ.Document))
    add(doc_node, _iri(DCTERMS.source), ox.Literal(doc.source))
    add(doc_node, _iri(DCTERMS.title), ox.Literal(doc.title))
    add(doc_node, _iri(CJ.text), ox.Literal(doc.text))
    if doc.issued:
        add(doc_node, _iri(DCTERMS.issued), _date(doc.issued))

    for entity in extraction.entities:
        node = _iri(entity_iri(entity.kind, entity.slug))
        add(node, _TYPE, _CLASS[entity.kind])
        add(node, _LABEL, ox.Literal(entity.label))
        for alias in entity.aliases:
            if alias != entity.label:
                add(node, _ALT_LABEL, ox.Literal(alias))
        if entity.acronym:
            add(node, _iri(CJ.acronym), ox.Literal(entity.acronym))
        if entity.event_type:
            add(node, _iri(CJ.eventType), ox.Literal(entity.event_type))
        if entity.start:
            add(node, _iri(CJ.startDate), _date(entity.start))
        if entity.end:
            add(node, _iri(CJ.endDate), _date(entity.end))
        for evidence in entity.evidence:
            add(evidence_node(evidence, "mentions", node.value), _MENTIONS, node)

    for relation in extraction.relations:
        s = _iri(entity_iri(*relation.subject))
        o = _iri(entity_iri(*relation.object))
        p = _PREDICATE[relation.predicate]
        add(s, p, o)
        ev = evidence_node(relation.evidence, s.value, p.value, o.value)
        add(ev, _SUBJECT, s)
        add(ev, _PREDICATE_OF, p)
        add(ev, _OBJECT, o)
    return list(triples)


def _iri(term: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _date(value: str) -> ox.Literal:
    literal = date_literal(value)
    assert literal.datatype is not None
    return ox.Literal(str(literal), datatype=_iri(literal.datatype))


_TYPE = _iri(RDF.type)
_LABEL = _iri(RDFS.label)
_ALT_LABEL = _iri(SKOS.altLabel)
_EVIDENCE = _iri(CJ.Evidence)
_QUOTE = _iri(CJ.quote)
_CHAR_START = _iri(CJ.charStart)
_CHAR_END = _iri(CJ.charEnd)
_DERIVED_FROM = _iri(PROV.wasDerivedFrom)
_MENTIONS = _iri(CJ.mentions)
_SUBJECT = _iri(RDF.subject)
_PREDICATE_OF = _iri(RDF.predicate)
_OBJECT = _iri(RDF.object)
_INTEGER = _iri(XSD.integer)
_CLASS = {kind: _iri(cls) for kind, cls in CLASS_OF_KIND.items()}
_PREDICATE = {predicate: _iri(CJ[predicate.value]) for predicate in Predicate}


def reference_graph(places: Iterable[Place]) -> Graph:
    """Facts from shipped reference data, not from any text: place names, codes, containment, coordinates."""
    graph = Graph(identifier=REFERENCE_GRAPH)
    for place in places:
        node = entity_iri(place.kind, place.slug)
        graph.add((node, RDF.type, CLASS_OF_KIND[place.kind]))
        graph.add((node, RDFS.label, Literal(place.label)))
        if place.iso:
            graph.add((node, CJ.isoCode, Literal(place.iso)))
        if place.m49:
            graph.add((node, CJ.m49Code, Literal(place.m49)))
        if place.parent:
            graph.add((node, CJ.inRegion, entity_iri(*place.parent)))
        if place.lat is not None and place.lon is not None:
            graph.add((node, SCHEMA.latitude, Literal(str(place.lat), datatype=XSD.decimal)))
            graph.add((node, SCHEMA.longitude, Literal(str(place.lon), datatype=XSD.decimal)))
    return graph
