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
from crimjust_graph.model import KINDS, PLACE_KINDS, PREDICATES, Kind, Predicate
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


# --- the schema table (model.KINDS, model.PREDICATES) against the ontology --------------------------


def test_schema_table_has_every_kind_and_predicate_as_the_ontology_names_them(onto: Graph) -> None:
    assert set(KINDS) == set(Kind) and set(PREDICATES) == set(Predicate)
    for kind, info in KINDS.items():
        cls = CJ[info.cls]
        assert (cls, RDF.type, OWL.Class) in onto, kind
        assert str(onto.value(cls, RDFS.label)) == info.cls, kind  # the legend's word is the class's label
        is_place = cls == CJ.Region or (cls, RDFS.subClassOf, CJ.Region) in onto
        assert info.place is is_place, kind
        assert info.plural.startswith(info.cls.lower()[:-1]) and info.plural != info.cls.lower(), kind
    for predicate, info in PREDICATES.items():
        prop = CJ[predicate.value]
        assert (prop, RDF.type, OWL.ObjectProperty) in onto, predicate
        assert str(onto.value(prop, RDFS.label)) == info.label, predicate  # pages read the ontology's words
        assert info.inverse and info.inverse != info.label, predicate
    assert len({i.colour.lower() for i in KINDS.values()}) == len(KINDS)  # the legend tells kinds apart
    assert len({i.shape for i in KINDS.values()}) == len(KINDS)  # also in grey print
    assert len({i.inverse for i in PREDICATES.values()}) == len(PREDICATES)
    assert {kind for kind, info in KINDS.items() if info.place} == PLACE_KINDS


def test_the_stages_read_the_schema_table() -> None:
    """mapping, network, evaluate and the page take kinds and predicate labels from the one table."""
    from crimjust_graph import evaluate, mapping, network, page_data

    assert {kind: CJ[info.cls] for kind, info in KINDS.items()} == mapping.CLASS_OF_KIND
    assert {p.value: info.label for p, info in PREDICATES.items()} == network.EDGE_LABELS
    assert {p.value: info.inverse for p, info in PREDICATES.items()} == network.INVERSE_LABELS
    assert {kind.value for kind in PLACE_KINDS} == network.PLACES
    assert tuple(info.cls for info in KINDS.values()) == evaluate.KINDS
    assert {KINDS[kind].cls for kind in PLACE_KINDS} == evaluate.PLACES
    assert {k.value: (i.cls, i.plural, i.colour, i.shape) for k, i in KINDS.items()} == page_data.KINDS


# Modules that once spelled kinds and predicates out themselves; they must read them from model.py now.
READERS = ["mapping.py", "network.py", "evaluate.py", "page.py", "page_data.py", "views.py"]


def test_no_reader_spells_out_a_kind_or_predicate_label_again() -> None:
    texts = {name: (SRC / name).read_text(encoding="utf-8") for name in READERS}
    texts["page.js"] = (SRC / "page_assets" / "page.js").read_text(encoding="utf-8")
    for name, text in texts.items():
        for info in KINDS.values():
            assert info.colour.lower() not in text.lower(), (name, info.colour)
        for pinfo in PREDICATES.values():
            assert f'"{pinfo.label}"' not in text and f'"{pinfo.inverse}"' not in text, (name, pinfo.label)
        assert not re.search(r"CJ\.(Programme|Partner|Event|Region|Country|City)\b", text), name


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
