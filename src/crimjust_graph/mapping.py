"""Extraction -> rdflib Graph: the only place that pairs model kinds with ontology terms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from crimjust_graph.model import Evidence, Extraction, Kind
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

CLASS_OF_KIND: dict[Kind, URIRef] = {
    Kind.PROGRAMME: CJ.Programme,
    Kind.PARTNER: CJ.Partner,
    Kind.EVENT: CJ.Event,
    Kind.REGION: CJ.Region,
    Kind.COUNTRY: CJ.Country,
    Kind.CITY: CJ.City,
}
KIND_OF_CLASS: dict[URIRef, Kind] = {cls: kind for kind, cls in CLASS_OF_KIND.items()}


def to_graph(extraction: Extraction) -> Graph:
    """One document's named graph: the document node, its entities, relations and evidence (DESIGN §2)."""
    doc = extraction.document
    doc_node = document_iri(doc.id)
    graph = Graph(identifier=doc_node)
    add = graph.add
    add((doc_node, RDF.type, CJ.Document))
    add((doc_node, DCTERMS.source, Literal(doc.source)))
    add((doc_node, DCTERMS.title, Literal(doc.title)))
    add((doc_node, CJ.text, Literal(doc.text)))
    if doc.issued:
        add((doc_node, DCTERMS.issued, date_literal(doc.issued)))

    for entity in extraction.entities:
        node = entity_iri(entity.kind, entity.slug)
        add((node, RDF.type, CLASS_OF_KIND[entity.kind]))
        add((node, RDFS.label, Literal(entity.label)))
        for alias in entity.aliases:
            if alias != entity.label:
                add((node, SKOS.altLabel, Literal(alias)))
        if entity.acronym:
            add((node, CJ.acronym, Literal(entity.acronym)))
        if entity.event_type:
            add((node, CJ.eventType, Literal(entity.event_type)))
        if entity.start:
            add((node, CJ.startDate, date_literal(entity.start)))
        if entity.end:
            add((node, CJ.endDate, date_literal(entity.end)))
        for evidence in entity.evidence:
            ev = _evidence_node(graph, doc.id, doc_node, evidence, "mentions", str(node))
            add((ev, CJ.mentions, node))

    for relation in extraction.relations:
        s = entity_iri(*relation.subject)
        o = entity_iri(*relation.object)
        p = CJ[relation.predicate.value]
        add((s, p, o))
        ev = _evidence_node(graph, doc.id, doc_node, relation.evidence, str(s), str(p), str(o))
        add((ev, RDF.subject, s))
        add((ev, RDF.predicate, p))
        add((ev, RDF.object, o))
    return graph


def _evidence_node(graph: Graph, doc_id: str, doc_node: URIRef, evidence: Evidence, *fact: str) -> URIRef:
    """Add a cj:Evidence node; its IRI is a hash of the document, the fact and the sentence offsets."""
    ev = evidence_iri(doc_id, *fact, str(evidence.start), str(evidence.end))
    graph.add((ev, RDF.type, CJ.Evidence))
    graph.add((ev, CJ.quote, Literal(evidence.quote)))
    graph.add((ev, CJ.charStart, Literal(evidence.start, datatype=XSD.integer)))
    graph.add((ev, CJ.charEnd, Literal(evidence.end, datatype=XSD.integer)))
    graph.add((ev, PROV.wasDerivedFrom, doc_node))
    return ev


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
