"""The ontology and shapes parse, document every term, carry the promised alignments, and cover the code."""

from __future__ import annotations

import re
from pathlib import Path

import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, SH
from rdflib.term import Node

from crimjust_graph import resources
from crimjust_graph.model import Kind, Predicate
from crimjust_graph.validate import load_ontology, load_shapes
from crimjust_graph.vocab import CJ, GEO, ORG, SCHEMA, SEM

SRC = Path(__file__).resolve().parents[1] / "src" / "crimjust_graph"
ONTOLOGY_IRI = URIRef("https://w3id.org/crimjust/ontology")
IATI = Namespace("http://reference.iatistandard.org/codelists/OrganisationRole/")

CLASSES = ["Programme", "Partner", "Event", "Region", "Country", "City", "Document", "Evidence"]
OBJECT_PROPERTIES = [
    "implementedBy",
    "fundedBy",
    "hasPartner",
    "partOf",
    "coversRegion",
    "organisedBy",
    "hasParticipant",
    "heldIn",
    "basedIn",
    "inRegion",
    "mentions",
]
DATATYPE_PROPERTIES = [
    "startDate",
    "endDate",
    "acronym",
    "text",
    "quote",
    "charStart",
    "charEnd",
    "eventType",
    "isoCode",
    "m49Code",
]


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def declared_terms(onto: Graph) -> set[str]:
    """Local names of every cj: class and property the ontology declares."""
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {
        str(s)[len(str(CJ)) :]
        for kind in kinds
        for s in onto.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(str(CJ))
    }


def test_ontology_header(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert onto.value(ONTOLOGY_IRI, DCTERMS.title) is not None
    assert onto.value(ONTOLOGY_IRI, DCTERMS.description) is not None


def test_every_design_term_is_declared_with_its_type(onto: Graph) -> None:
    for name in CLASSES:
        assert (CJ[name], RDF.type, OWL.Class) in onto, name
    for name in OBJECT_PROPERTIES:
        assert (CJ[name], RDF.type, OWL.ObjectProperty) in onto, name
    for name in DATATYPE_PROPERTIES:
        assert (CJ[name], RDF.type, OWL.DatatypeProperty) in onto, name


def test_every_term_has_label_comment_and_definedby(onto: Graph) -> None:
    terms = declared_terms(onto)
    assert set(CLASSES + OBJECT_PROPERTIES + DATATYPE_PROPERTIES) <= terms
    for name in terms:
        term = CJ[name]
        label, comment = onto.value(term, RDFS.label), onto.value(term, RDFS.comment)
        assert isinstance(label, Literal) and str(label).strip(), f"cj:{name} has no rdfs:label"
        assert isinstance(comment, Literal) and len(str(comment)) > 20, f"cj:{name} has no rdfs:comment"
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in onto, name


def test_properties_have_domain_and_range(onto: Graph) -> None:
    for name in OBJECT_PROPERTIES + DATATYPE_PROPERTIES:
        if name != "acronym":  # any entity may have an acronym
            assert onto.value(CJ[name], RDFS.domain) is not None, f"cj:{name} has no domain"
        assert onto.value(CJ[name], RDFS.range) is not None, f"cj:{name} has no range"


def union_members(onto: Graph, node: Node | None) -> set[URIRef]:
    head = onto.value(node, OWL.unionOf)
    assert head is not None, f"{node} is not an owl:unionOf"
    return {m for m in Collection(onto, head) if isinstance(m, URIRef)}


def test_union_domains_and_ranges(onto: Graph) -> None:
    assert union_members(onto, onto.value(CJ.fundedBy, RDFS.domain)) == {CJ.Programme, CJ.Event}
    assert union_members(onto, onto.value(CJ.fundedBy, RDFS.range)) == {CJ.Partner, CJ.Programme}
    assert union_members(onto, onto.value(CJ.organisedBy, RDFS.range)) == {CJ.Partner, CJ.Programme}
    assert union_members(onto, onto.value(CJ.hasParticipant, RDFS.range)) == {
        CJ.Partner,
        CJ.Programme,
        CJ.Country,
    }
    xsd = Namespace("http://www.w3.org/2001/XMLSchema#")
    for name in ("startDate", "endDate"):
        assert union_members(onto, onto.value(CJ[name], RDFS.range)) == {xsd.date, xsd.gYearMonth, xsd.gYear}


ALIGNMENTS = [
    (CJ.Programme, RDFS.subClassOf, SCHEMA.Project),
    (CJ.Programme, SKOS.closeMatch, ORG.OrganizationalCollaboration),
    (CJ.Partner, RDFS.subClassOf, ORG.Organization),
    (CJ.Partner, RDFS.subClassOf, SCHEMA.Organization),
    (CJ.Event, RDFS.subClassOf, SEM.Event),
    (CJ.Event, RDFS.subClassOf, SCHEMA.Event),
    (CJ.Region, RDFS.subClassOf, SCHEMA.Place),
    (CJ.Region, RDFS.subClassOf, GEO.Feature),
    (CJ.Country, RDFS.subClassOf, CJ.Region),
    (CJ.City, RDFS.subClassOf, CJ.Region),
    (CJ.Document, SKOS.closeMatch, SCHEMA.NewsArticle),
    (CJ.Document, RDFS.subClassOf, PROV.Entity),
    (CJ.Evidence, RDFS.subClassOf, PROV.Entity),
    (CJ.Evidence, SKOS.closeMatch, RDF.Statement),
    (CJ.implementedBy, SKOS.closeMatch, IATI["4"]),
    (CJ.fundedBy, SKOS.closeMatch, IATI["1"]),
    (CJ.fundedBy, RDFS.subPropertyOf, SCHEMA.funder),
    (CJ.organisedBy, RDFS.subPropertyOf, SCHEMA.organizer),
    (CJ.heldIn, RDFS.subPropertyOf, SEM.hasPlace),
    (CJ.inRegion, SKOS.closeMatch, GEO.sfWithin),
    (CJ.inRegion, RDFS.subPropertyOf, SCHEMA.containedInPlace),
    (CJ.startDate, SKOS.closeMatch, SCHEMA.startDate),
    (CJ.mentions, SKOS.closeMatch, SCHEMA.mentions),
]


@pytest.mark.parametrize("triple", ALIGNMENTS, ids=lambda t: f"{t[0].n3()}-{t[2].n3()}")
def test_alignment_present(onto: Graph, triple: tuple[URIRef, URIRef, URIRef]) -> None:
    assert triple in onto


def test_reused_terms_are_not_redeclared(onto: Graph) -> None:
    for term in (DCTERMS.source, DCTERMS.issued, RDFS.label, SKOS.altLabel):
        assert (term, RDF.type, OWL.DatatypeProperty) not in onto
        assert (term, RDF.type, OWL.ObjectProperty) not in onto


def test_shapes_are_valid_shacl(shapes: Graph) -> None:
    """pyshacl checks the shapes against SHACL-SHACL and raises when they are malformed."""
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_shapes_only_use_declared_terms(onto: Graph, shapes: Graph) -> None:
    declared = declared_terms(onto)
    used = {
        str(node)[len(str(CJ)) :]
        for triple in shapes
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(CJ))
    }
    assert used - declared == set()


def test_shapes_do_not_require_m49(shapes: Graph) -> None:
    for prop in shapes.subjects(SH.path, CJ.m49Code):
        assert shapes.value(prop, SH.minCount) is None


def test_model_kinds_and_predicates_are_declared(onto: Graph) -> None:
    """mapping.py builds classes from Kind and properties from Predicate values."""
    declared = declared_terms(onto)
    for kind in Kind:
        assert kind.value.capitalize() in declared, kind
    for predicate in Predicate:
        assert predicate.value in declared, predicate


# --- every cj: term the code uses is declared ------------------------------------------------

_USES = [
    re.compile(r"\bCJ\.([A-Za-z_]\w*)"),
    re.compile(r"""\bCJ\[\s*["']([^"'\]]+)["']\s*\]"""),
    re.compile(r"(?<![\w<#/])cj:([A-Za-z_][\w\-]*\w|[A-Za-z_])"),
]


def cj_terms_in(text: str) -> set[str]:
    """Every cj: local name a source text refers to as CJ.x, CJ["x"] or cj:x."""
    return {m.group(1) for pattern in _USES for m in pattern.finditer(text)}


def code_files() -> list[Path]:
    patterns = ("**/*.py", "queries/*.rq", "reference/**/*.ttl", "reference/**/*.trig")
    return sorted({path for pattern in patterns for path in SRC.glob(pattern)})


def undeclared_uses(files: list[Path], declared: set[str]) -> dict[str, set[str]]:
    missing: dict[str, set[str]] = {}
    for path in files:
        for term in cj_terms_in(path.read_text(encoding="utf-8")) - declared:
            missing.setdefault(term, set()).add(path.name)
    return missing


def test_scanner_finds_each_form() -> None:
    """Self-check: the scanner sees all three spellings and ignores prefix declarations and IRIs."""
    text = (
        'add((node, CJ.heldIn, o)); p = CJ["startDate"]\n'
        "SELECT ?x WHERE { ?x a cj:Programme ; cj:partOf ?y . }\n"
        'PREFIX cj: <https://w3id.org/crimjust/ontology#>  "cj": str(CJ)  <https://example.org/cj:nope>\n'
    )
    assert cj_terms_in(text) == {"heldIn", "startDate", "Programme", "partOf"}


def test_scanner_reports_an_undeclared_term(tmp_path: Path, onto: Graph) -> None:
    """Self-check: the test below can fail."""
    bogus = tmp_path / "bogus.py"
    bogus.write_text("x = CJ.implementedBy\ny = CJ.implementdBy\n", encoding="utf-8")
    assert undeclared_uses([bogus], declared_terms(onto)) == {"implementdBy": {"bogus.py"}}


def test_every_cj_term_used_by_the_code_is_declared(onto: Graph) -> None:
    files = code_files()
    assert SRC / "vocab.py" in files
    assert undeclared_uses(files, declared_terms(onto)) == {}


def test_resources_find_the_files() -> None:
    assert resources.ontology_file().is_file()
    assert resources.shapes_file().is_file()
