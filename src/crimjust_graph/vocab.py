"""Namespaces and IRI minting (docs/design.md §2); pure functions, no I/O."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import XSD

from crimjust_graph.model import Kind

CJ = Namespace("https://w3id.org/crimjust/ontology#")
ID = Namespace("https://w3id.org/crimjust/id/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")

REFERENCE_GRAPH = URIRef("https://w3id.org/crimjust/graph/reference")
ONTOLOGY_GRAPH = URIRef("https://w3id.org/crimjust/graph/ontology")
SHAPES_GRAPH = URIRef("https://w3id.org/crimjust/graph/shapes")

# The usual prefixes, predeclared for every query (docs/design.md §4).
PREFIXES: dict[str, str] = {
    "cj": str(CJ),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": str(SCHEMA),
    "org": str(ORG),
    # One prefix per entity kind, so an entity is written programme:crimjust in ad-hoc SPARQL.
    **{kind: f"{ID}{kind}/" for kind in ("programme", "partner", "event", "region", "country", "city")},
}

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def slugify(name: str) -> str:
    """Lower-case ASCII slug: 'EU Cocaine Route Programme' -> 'eu-cocaine-route-programme'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if slug:
        return slug[:120]
    return "x" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def entity_iri(kind: Kind, slug: str) -> URIRef:
    return ID[f"{kind.value}/{slug}"]


def document_iri(doc_id: str) -> URIRef:
    """The document node's IRI, which is also its named graph's IRI."""
    return ID[f"document/{doc_id}"]


def evidence_iri(*parts: str) -> URIRef:
    """Content-addressed: the same fact from the same sentence always gets the same IRI."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
    return ID[f"evidence/{digest}"]


def date_literal(value: str) -> Literal:
    """'2018-09-11' -> xsd:date, '2018-09' -> xsd:gYearMonth, '2018' -> xsd:gYear."""
    if not _DATE.match(value):
        raise ValueError(f"not an ISO date, year-month or year: {value!r}")
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=datatype)
