"""The rule-based extractor on the two seed news items: the facts every version must keep."""

from __future__ import annotations

import pytest

from conftest import shared
from crimjust_graph.documents import read_document
from crimjust_graph.extract import extract
from crimjust_graph.model import Entity, EntityKey, Extraction, Kind, Predicate

JUNK = {"member states", "programmes", "for more information", "eu agencies", "coordinators", "the meeting"}


def _seed(prefix: str) -> Extraction:
    paths = sorted(shared("seeds").glob(f"{prefix}_*.txt"))
    if not paths:
        pytest.fail(f"../shared/seeds has no {prefix}_*.txt")
    return extract(read_document(paths[0]))


@pytest.fixture(scope="module")
def meeting() -> Extraction:
    return _seed("000")


@pytest.fixture(scope="module")
def symposium() -> Extraction:
    return _seed("002")


def entity(ex: Extraction, kind: Kind, name: str) -> Entity:
    """The entity of `kind` whose label or an alias is `name`."""
    found = [e for e in ex.entities if e.kind is kind and name in (e.label, *e.aliases)]
    assert len(found) == 1, f"{kind.value} {name!r}: {[e.label for e in ex.entities if e.kind is kind]}"
    return found[0]


def has(ex: Extraction, s: EntityKey, p: Predicate, o: EntityKey) -> bool:
    """True when the relation holds and its evidence is a sentence of the document."""
    rels = [r for r in ex.relations if (r.subject, r.predicate, r.object) == (s, p, o)]
    for r in rels:
        assert ex.document.text[r.evidence.start : r.evidence.end] == r.evidence.quote
    return bool(rels)


def test_programmes_and_partners(meeting: Extraction) -> None:
    crimjust = entity(meeting, Kind.PROGRAMME, "CRIMJUST")
    assert crimjust.label == "CRIMJUST"
    assert any(a.startswith("Strengthening criminal investigation") for a in crimjust.aliases)
    assert entity(meeting, Kind.PROGRAMME, "AIRCOP").label == "AIRCOP"
    crp = entity(meeting, Kind.PROGRAMME, "EU Cocaine Route Programme")
    assert "EU CRP" in crp.aliases
    for name in ("UNODC", "INTERPOL", "European Commission"):
        entity(meeting, Kind.PARTNER, name)
    assert "TI" in entity(meeting, Kind.PARTNER, "Transparency International").aliases


def test_programme_relations(meeting: Extraction) -> None:
    def key(kind: Kind, name: str) -> EntityKey:
        return entity(meeting, kind, name).key

    crimjust, aircop = key(Kind.PROGRAMME, "CRIMJUST"), key(Kind.PROGRAMME, "AIRCOP")
    crp, unodc = key(Kind.PROGRAMME, "EU CRP"), key(Kind.PARTNER, "UNODC")
    assert has(meeting, crimjust, Predicate.IMPLEMENTED_BY, unodc)
    assert has(meeting, crimjust, Predicate.HAS_PARTNER, key(Kind.PARTNER, "INTERPOL"))
    assert has(meeting, crimjust, Predicate.HAS_PARTNER, key(Kind.PARTNER, "TI"))
    assert has(meeting, crimjust, Predicate.FUNDED_BY, crp)
    assert not has(meeting, crimjust, Predicate.FUNDED_BY, unodc)
    assert has(meeting, aircop, Predicate.IMPLEMENTED_BY, unodc)
    assert has(meeting, aircop, Predicate.PART_OF, crp)
    assert has(meeting, crimjust, Predicate.PART_OF, crp)
    for region in ("Latin America", "Caribbean", "West Africa"):
        assert has(meeting, crimjust, Predicate.COVERS_REGION, key(Kind.REGION, region))


def test_expert_meeting(meeting: Extraction) -> None:
    event = entity(meeting, Kind.EVENT, "Expert Meeting on Drugs")
    assert (event.start, event.end) == ("2018-09-11", "2018-09-12")
    assert event.slug == "expert-meeting-on-drugs-2018-09-11"
    assert [e.kind for e in meeting.entities].count(Kind.EVENT) == 1
    brussels = entity(meeting, Kind.CITY, "Brussels").key
    assert has(meeting, event.key, Predicate.HELD_IN, brussels)
    assert has(meeting, brussels, Predicate.IN_REGION, entity(meeting, Kind.COUNTRY, "Belgium").key)
    commission = entity(meeting, Kind.PARTNER, "European Commission").key
    assert has(meeting, event.key, Predicate.ORGANISED_BY, commission)
    assert has(meeting, event.key, Predicate.HAS_PARTICIPANT, entity(meeting, Kind.PROGRAMME, "CRIMJUST").key)


def test_ipes_meeting(symposium: Extraction) -> None:
    event = entity(symposium, Kind.EVENT, "IPES annual meeting")
    assert (event.start, event.end) == ("2018-08-19", "2018-08-24")
    assert [e.kind for e in symposium.entities].count(Kind.EVENT) == 1
    ipes = entity(symposium, Kind.PARTNER, "International Police Executive Symposium")
    assert "IPES" in ipes.aliases
    assert has(symposium, event.key, Predicate.HELD_IN, entity(symposium, Kind.CITY, "Vienna").key)
    assert has(symposium, event.key, Predicate.ORGANISED_BY, ipes.key)
    crimjust = entity(symposium, Kind.PROGRAMME, "CRIMJUST").key
    assert has(symposium, event.key, Predicate.HAS_PARTICIPANT, crimjust)


def test_no_junk_and_evidence(meeting: Extraction, symposium: Extraction) -> None:
    for ex in (meeting, symposium):
        for e in ex.entities:
            assert e.label.casefold() not in JUNK
            assert e.evidence, e.label
            for ev in e.evidence:
                assert ex.document.text[ev.start : ev.end] == ev.quote


def test_labels_and_slugs_stable_across_documents(meeting: Extraction, symposium: Extraction) -> None:
    first = {e.key: e.label for e in meeting.entities if e.kind is not Kind.EVENT}
    second = {e.key: e.label for e in symposium.entities if e.kind is not Kind.EVENT}
    for key in first.keys() & second.keys():
        assert first[key] == second[key]
    assert (Kind.PARTNER, "united-nations-office-on-drugs-and-crime") in first.keys() & second.keys()
