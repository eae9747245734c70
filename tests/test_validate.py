"""validate(): hand-built graphs that conform and that break the shapes in known ways."""

from __future__ import annotations

import pytest
from rdflib import RDFS, Dataset, Graph, Literal, URIRef

from crimjust_graph.validate import ValidationReport, Violation, load_shapes, validate
from crimjust_graph.vocab import SHAPES_GRAPH

PREFIXES = """
@prefix cj: <https://w3id.org/crimjust/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix doc: <https://w3id.org/crimjust/id/document/> .
@prefix ev: <https://w3id.org/crimjust/id/evidence/> .
@prefix programme: <https://w3id.org/crimjust/id/programme/> .
@prefix partner: <https://w3id.org/crimjust/id/partner/> .
@prefix event: <https://w3id.org/crimjust/id/event/> .
@prefix region: <https://w3id.org/crimjust/id/region/> .
@prefix country: <https://w3id.org/crimjust/id/country/> .
@prefix city: <https://w3id.org/crimjust/id/city/> .
"""

# One document graph as docs/design.md §2 describes it: document, entities, relations, evidence.
DOCUMENT = """
doc:0123456789abcdef a cj:Document ;
    dcterms:source "/data/news/crimjust.txt" ;
    dcterms:title "CRIMJUST holds expert meeting" ;
    dcterms:issued "2018-09-12"^^xsd:date ;
    cj:text "UNODC held an expert meeting in Bogota on 11 September 2018 under CRIMJUST." .

event:expert-meeting-2018-09-11 a cj:Event ;
    rdfs:label "expert meeting" ;
    cj:eventType "meeting" ;
    cj:startDate "2018-09-11"^^xsd:date ;
    cj:endDate "2018-09"^^xsd:gYearMonth ;
    cj:heldIn city:bogota ;
    cj:organisedBy partner:unodc , programme:crimjust ;
    cj:hasParticipant country:colombia , partner:unodc .

programme:crimjust a cj:Programme ;
    rdfs:label "CRIMJUST" ;
    skos:altLabel "Crimjust" , "the CRIMJUST programme"@en ;
    cj:acronym "CRIMJUST" ;
    cj:implementedBy partner:unodc ;
    cj:fundedBy programme:eu-cocaine-route-programme ;
    cj:partOf programme:eu-cocaine-route-programme ;
    cj:coversRegion region:latin-america , country:colombia .

programme:eu-cocaine-route-programme a cj:Programme ; rdfs:label "EU Cocaine Route Programme" .
partner:unodc a cj:Partner ; rdfs:label "United Nations Office on Drugs and Crime" ; cj:acronym "UNODC" .
partner:national-police-colombia a cj:Partner ; rdfs:label "National Police of Colombia" ;
    cj:basedIn country:colombia .

region:latin-america a cj:Region ; rdfs:label "Latin America" .
country:colombia a cj:Country ; rdfs:label "Colombia" ; cj:isoCode "CO" , "COL" ;
    cj:inRegion region:latin-america .
city:bogota a cj:City ; rdfs:label "Bogota" ; cj:inRegion country:colombia ;
    schema:latitude "4.6097"^^xsd:decimal ; schema:longitude "-74.0817"^^xsd:decimal .
region:europe a cj:Region ; rdfs:label "Europe" ; cj:m49Code "150" .

ev:aaa a cj:Evidence ;
    rdf:subject event:expert-meeting-2018-09-11 ; rdf:predicate cj:heldIn ; rdf:object city:bogota ;
    cj:quote "UNODC held an expert meeting in Bogota on 11 September 2018 under CRIMJUST." ;
    cj:charStart 0 ; cj:charEnd 75 ;
    prov:wasDerivedFrom doc:0123456789abcdef .

ev:bbb a cj:Evidence ;
    cj:mentions programme:crimjust ;
    cj:quote "UNODC held an expert meeting in Bogota on 11 September 2018 under CRIMJUST." ;
    cj:charStart 0 ; cj:charEnd 75 ;
    prov:wasDerivedFrom doc:0123456789abcdef .
"""

# Each problem the brief names, on its own node.
BROKEN = """
doc:0123456789abcdef a cj:Document ; dcterms:source "/data/x.txt" ; cj:text "text" .
event:two-dates a cj:Event ; rdfs:label "workshop" ;
    cj:startDate "2018-09-11"^^xsd:date , "2019"^^xsd:gYear .
event:string-date a cj:Event ; rdfs:label "training" ; cj:startDate "2018-09-11"^^xsd:string .
programme:nameless a cj:Programme ; cj:implementedBy partner:unodc .
partner:unodc a cj:Partner ; rdfs:label "UNODC" .
ev:unquoted a cj:Evidence ; cj:mentions partner:unodc ; cj:charStart 0 ; cj:charEnd 4 ;
    prov:wasDerivedFrom doc:0123456789abcdef .
"""

ID = "https://w3id.org/crimjust/id/"


def turtle(body: str) -> Graph:
    return Graph().parse(data=PREFIXES + body, format="turtle")


def messages_for(report: ValidationReport, focus: str) -> list[str]:
    return [v.message for v in report.violations if v.focus == shown(focus)]


def shown(focus: str) -> str:
    """How a report writes a node: entities with their kind's prefix (event:x), other IRIs in full."""
    kind, _, slug = focus.partition("/")
    return f"{kind}:{slug}" if kind in PREFIXES_BY_KIND else ID + focus


PREFIXES_BY_KIND = ("programme", "partner", "event", "region", "country", "city")


def test_document_graph_conforms() -> None:
    report = validate(turtle(DOCUMENT))
    assert report.conforms, report.summary()
    assert report.violations == ()
    assert report.summary().startswith("0 violations")


def test_broken_graph_reports_each_problem() -> None:
    report = validate(turtle(BROKEN))
    assert not report.conforms
    assert all(isinstance(v, Violation) and v.severity == "Violation" for v in report.violations)
    assert messages_for(report, "event/two-dates") == ["an event has at most one cj:startDate"]
    assert messages_for(report, "event/string-date") == [
        "cj:startDate must be typed xsd:date, xsd:gYearMonth or xsd:gYear"
    ]
    assert messages_for(report, "programme/nameless") == ["needs exactly one rdfs:label (its canonical name)"]
    assert messages_for(report, "evidence/unquoted") == [
        "evidence needs exactly one cj:quote, the non-empty sentence it rests on"
    ]
    assert len(report.violations) == 4


def test_summary_is_readable() -> None:
    summary = validate(turtle(BROKEN)).summary()
    lines = summary.splitlines()
    assert lines[0] == "4 violations"
    assert len(lines) == 5
    date_line = next(line for line in lines if "event:string-date" in line)
    assert date_line == (
        "- event:string-date cj:startDate: "
        "cj:startDate must be typed xsd:date, xsd:gYearMonth or xsd:gYear "
        "(value: '2018-09-11'^^xsd:string)"
    )
    assert "programme:nameless rdfs:label: needs exactly one rdfs:label" in summary
    assert f"{ID}evidence/unquoted cj:quote: evidence needs exactly one cj:quote" in summary
    assert "event:two-dates cj:startDate: an event has at most one cj:startDate" in summary


@pytest.mark.parametrize(
    ("body", "focus", "expected"),
    [
        (
            "event:e a cj:Event ; rdfs:label 'e' ; cj:heldIn partner:p . "
            "partner:p a cj:Partner ; rdfs:label 'p' .",
            "event/e",
            "cj:heldIn must point to a cj:Region, cj:Country or cj:City",
        ),
        (
            "event:e a cj:Event ; rdfs:label 'e' ; cj:hasParticipant city:c . "
            "city:c a cj:City ; rdfs:label 'c' .",
            "event/e",
            "cj:hasParticipant must point to a cj:Partner, cj:Programme or cj:Country",
        ),
        (
            "partner:p a cj:Partner ; rdfs:label 'p' ; cj:implementedBy partner:p .",
            "partner/p",
            "only a cj:Programme may have cj:implementedBy, cj:hasPartner, cj:partOf or cj:coversRegion",
        ),
        (
            "country:x a cj:Country ; rdfs:label 'X' ; cj:isoCode 'be' .",
            "country/x",
            'cj:isoCode must be an ISO 3166-1 alpha-2 or alpha-3 code in capitals, such as "BE" or "BEL"',
        ),
        (
            "region:r a cj:Region ; rdfs:label 'R' , 'Other' .",
            "region/r",
            "needs exactly one rdfs:label (its canonical name)",
        ),
        (
            "doc:d a cj:Document ; dcterms:source '/a' , '/b' ; cj:text 't' .",
            "document/d",
            "a document needs exactly one dcterms:source (its file path or URL)",
        ),
        (
            "doc:d a cj:Document ; dcterms:source '/a' ; cj:text 't' . "
            "ev:e a cj:Evidence ; cj:quote 'q' ; cj:charStart 5 ; cj:charEnd 2 ; "
            "prov:wasDerivedFrom doc:d ; cj:mentions doc:d .",
            "evidence/e",
            "cj:charStart must not be after cj:charEnd",
        ),
        (
            "doc:d a cj:Document ; dcterms:source '/a' ; cj:text 't' . "
            "ev:e a cj:Evidence ; cj:quote 'q' ; cj:charStart 0 ; cj:charEnd 1 ; prov:wasDerivedFrom doc:d .",
            "evidence/e",
            "evidence must either reify one statement (one rdf:subject, rdf:predicate and rdf:object) "
            "or name what it cj:mentions",
        ),
    ],
)
def test_specific_violations(body: str, focus: str, expected: str) -> None:
    report = validate(turtle(body))
    assert not report.conforms
    assert expected in messages_for(report, focus), report.summary()


def test_dataset_is_validated_as_the_union_of_its_graphs() -> None:
    """An entity typed in one document graph may be the object of a relation in another."""
    whole = turtle(DOCUMENT)
    ds = Dataset()
    first, second = ds.graph(URIRef(ID + "document/one")), ds.graph(URIRef(ID + "document/two"))
    programme = URIRef(ID + "programme/crimjust")
    for triple in whole:
        (first if triple[0] == programme else second).add(triple)
    shapes_graph = ds.graph(SHAPES_GRAPH)
    for triple in load_shapes():
        shapes_graph.add(triple)
    report = validate(ds)
    assert report.conforms, report.summary()

    # A problem visible only in the union: two different labels from two graphs.
    first.add((programme, RDFS.label, Literal("Crimjust")))
    report = validate(ds)
    assert not report.conforms
    assert messages_for(report, "programme/crimjust") == ["needs exactly one rdfs:label (its canonical name)"]


def test_empty_graph_conforms() -> None:
    report = validate(Graph())
    assert report.conforms
    assert report.summary() == "0 violations: the data conforms to the shapes"


def test_one_violation_is_singular() -> None:
    report = validate(turtle("region:r a cj:Region ."))
    assert report.summary().splitlines()[0] == "1 violation"
