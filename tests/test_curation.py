"""Curation file: each action through the real CLI, and that corrections survive re-ingest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import assert_one_line_error, cli
from crimjust_graph.extract.curation import apply_curation, key_of, read_curation
from crimjust_graph.model import Kind, Predicate
from crimjust_graph.vocab import ID

TEXT = """Harbour officers trained in Accra

The Harbour Screening Initiative (HSI) is implemented by UNODC together with the Ghana Ports Authority. \
The Harbour Security Network (HOPS) supports it.

Officers from Ghana and Togo joined the Harbour Screening Project.
"""
BODIES = """SELECT ?kind ?label WHERE {
  ?e a ?class ; rdfs:label ?label . FILTER(?class IN (cj:Programme, cj:Partner))
  BIND(STRAFTER(STR(?class), "#") AS ?kind)
}"""


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "news" / "harbour.txt"
    path.parent.mkdir()
    path.write_text(TEXT, encoding="utf-8")
    return path


def bodies(store: Path) -> set[tuple[str, str]]:
    run = cli("query", "--store", store, "--format", "json", BODIES)
    assert run.code == 0, run.stderr
    rows = json.loads(run.stdout)["results"]["bindings"]
    return {(r["kind"]["value"], r["label"]["value"]) for r in rows}


def names(store: Path, label: str) -> set[str]:
    query = f'SELECT ?n WHERE {{ ?e rdfs:label "{label}" ; skos:altLabel ?n }}'
    run = cli("query", "--store", store, "--format", "json", query)
    return {r["n"]["value"] for r in json.loads(run.stdout)["results"]["bindings"]}


def ingest(store: Path, article: Path, *extra: str | Path) -> str:
    run = cli("ingest", "--store", store, *extra, article)
    assert run.code == 0, run.stderr
    return run.stdout


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_without_curation_the_extractor_decides(tmp_path: Path, article: Path) -> None:
    ingest(tmp_path / "store", article)
    found = bodies(tmp_path / "store")
    assert ("Partner", "Ghana Ports Authority") in found
    assert ("Programme", "Harbour Screening Project") in found


MEETINGS = {
    "one.txt": "Port officers meet in Lomé\n\nUNODC held a meeting with the Togo Ports Authority in Lomé "
    "under the Harbour Screening Initiative. The Harbour Screening Initiative is funded by the European "
    "Union.\n",
    "two.txt": "Customs officers meet in Accra\n\nUNODC held a meeting with the Ghana Revenue Authority in "
    "Accra under the Harbour Screening Initiative.\n",
}
HSI = "programme/harbour-screening-initiative"
GPA = "partner/ghana-ports-authority"
UNODC = "partner/united-nations-office-on-drugs-and-crime"


def rows(store: Path, sparql: str) -> set[tuple[str, ...]]:
    run = cli("query", "--store", store, "--format", "json", sparql)
    assert run.code == 0, run.stderr
    found = json.loads(run.stdout)["results"]["bindings"]
    return {tuple(r[v]["value"].removeprefix(str(ID)) for v in sorted(r)) for r in found}


def facts(store: Path) -> set[tuple[str, ...]]:
    """(subject, relation, object) as kind/slug and local name."""
    query = """SELECT ?s ?p ?o WHERE { ?s a ?class ; ?pred ?o . ?o rdfs:label ?l
      FILTER(?class IN (cj:Programme, cj:Partner, cj:Event) && STRSTARTS(STR(?pred), STR(cj:)))
      BIND(STRAFTER(STR(?pred), "#") AS ?p) }"""
    return {(s, p, o) for o, p, s in rows(store, query)}


def test_drop_addresses_one_entity_not_every_node_of_that_name(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in MEETINGS.items():
        (folder / name).write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    assert "2 new" in ingest(store, folder)
    meetings = sorted(
        e for e, label in rows(store, "SELECT ?e ?l WHERE { ?e rdfs:label ?l } ") if label == "UNODC meeting"
    )
    assert len(meetings) == 2 and all(m.startswith("event/unodc-meeting-") for m in meetings)
    write(tmp_path / "crimjust-curation.toml", f'drop = ["{meetings[0]}"]\n')
    assert "2 replaced" in ingest(store, folder)  # a changed curation file re-extracts every document
    left = {
        e for e, label in rows(store, "SELECT ?e ?l WHERE { ?e rdfs:label ?l }") if label == "UNODC meeting"
    }
    assert left == {meetings[1]}
    assert not any(meetings[0] in fact for fact in facts(store))
    by_name = write(tmp_path / "crimjust-curation.toml", 'drop = ["UNODC meeting"]\n')
    assert_one_line_error(cli("ingest", "--store", store, folder), by_name.name, "kind/slug")


def test_drop_by_iri(tmp_path: Path, article: Path) -> None:
    curation = write(tmp_path / "c.toml", f'drop = ["<{ID}{GPA}>"]\n')
    ingest(tmp_path / "store", article, "--curation", curation)
    found = bodies(tmp_path / "store")
    assert not any(label == "Ghana Ports Authority" for _, label in found)
    assert ("Programme", "Harbour Screening Initiative") in found


def test_merge_into_an_entity_and_into_a_new_name(tmp_path: Path, article: Path) -> None:
    curation = write(
        tmp_path / "c.toml",
        f'[merge]\n"programme/harbour-screening-project" = "{HSI}"\n'
        '"programme/harbour-security-network" = "Harbour Operations Security"\n',
    )
    ingest(tmp_path / "store", article, "--curation", curation)
    found = bodies(tmp_path / "store")
    assert ("Programme", "Harbour Screening Project") not in found
    assert "Harbour Screening Project" in names(tmp_path / "store", "Harbour Screening Initiative")
    assert ("Programme", "Harbour Operations Security") in found  # renamed, so the IRI is the new name's
    assert "Harbour Security Network" in names(tmp_path / "store", "Harbour Operations Security")


def test_merge_into_a_known_body_the_text_does_not_name(tmp_path: Path, article: Path) -> None:
    curation = write(tmp_path / "c.toml", f'[merge]\n"{GPA}" = "partner/world-customs-organization"\n')
    store = tmp_path / "store"
    ingest(store, article, "--curation", curation)
    assert (HSI, "implementedBy", "partner/world-customs-organization") in facts(store)
    assert "Ghana Ports Authority" in names(store, "World Customs Organization")
    assert cli("validate", "--store", store).code == 0  # one label per entity: the reference data's
    unknown = write(tmp_path / "d.toml", f'[merge]\n"{GPA}" = "partner/no-such-body"\n')
    run = cli("ingest", "--store", tmp_path / "other", "--curation", unknown, article)
    assert_one_line_error(run, "d.toml", "partner/no-such-body", "write its name")


def test_split(tmp_path: Path, article: Path) -> None:
    curation = write(tmp_path / "c.toml", 'split = ["HSI"]\n')
    ingest(tmp_path / "store", article, "--curation", curation)
    found = bodies(tmp_path / "store")
    assert ("Programme", "HSI") in found
    assert ("Programme", "Harbour Screening Initiative") in found
    assert "HSI" not in names(tmp_path / "store", "Harbour Screening Initiative")


def test_retype_keeps_relations(tmp_path: Path, article: Path) -> None:
    store = tmp_path / "store"
    ingest(store, article)
    assert (HSI, "implementedBy", GPA) in facts(store)
    curation = write(tmp_path / "c.toml", f'[retype]\n"{GPA}" = "programme"\n')
    ingest(store, article, "--curation", curation)
    assert ("Programme", "Ghana Ports Authority") in bodies(store)
    assert ("Partner", "Ghana Ports Authority") not in bodies(store)
    assert (HSI, "implementedBy", "programme/ghana-ports-authority") in facts(store)
    assert not any(GPA in fact for fact in facts(store))


def test_a_wrong_relation_is_dropped_or_corrected_with_its_evidence(tmp_path: Path, article: Path) -> None:
    store = tmp_path / "store"
    ingest(store, article)
    wrong = (HSI, "implementedBy", GPA)
    assert wrong in facts(store) and (HSI, "implementedBy", UNODC) in facts(store)
    dropped = write(tmp_path / "crimjust-curation.toml", f'drop = ["{HSI} implementedBy {GPA}"]\n')
    assert "1 replaced" in ingest(store, article)
    assert wrong not in facts(store)
    assert (HSI, "implementedBy", UNODC) in facts(store)  # the other facts of that sentence stay
    assert ("Partner", "Ghana Ports Authority") in bodies(store)  # and so does the entity
    write(dropped, f'[correct]\n"{HSI} cj:implementedBy <{ID}{GPA}>" = "{HSI} hasPartner {GPA}"\n')
    assert "1 replaced" in ingest(store, article)
    assert wrong not in facts(store) and (HSI, "hasPartner", GPA) in facts(store)
    quotes = rows(
        store,
        f"SELECT ?q WHERE {{ ?ev rdf:subject <{ID}{HSI}> ; rdf:predicate cj:hasPartner ; "
        f"rdf:object <{ID}{GPA}> ; cj:quote ?q }}",
    )
    assert quotes and all("Ghana Ports Authority" in q for (q,) in quotes)
    assert cli("validate", "--store", store).code == 0
    write(dropped, f'[correct]\n"{HSI} implementedBy {GPA}" = "{HSI} hasPartner partner/interpol"\n')
    assert_one_line_error(
        cli("ingest", "--store", store, article), "partner/interpol is not in this document"
    )
    assert (HSI, "hasPartner", GPA) in facts(store)  # the failed re-ingest left the stored graph as it was


def test_curation_next_to_the_store_survives_reingest(tmp_path: Path, article: Path) -> None:
    store = tmp_path / "store"
    assert "1 new" in ingest(store, article)
    assert "1 unchanged" in ingest(store, article)
    curation = write(tmp_path / "crimjust-curation.toml", f'drop = ["{GPA}"]\n')
    assert "1 replaced" in ingest(store, article)  # same text, changed curation: extracted again
    assert not any(label == "Ghana Ports Authority" for _, label in bodies(store))
    assert "1 unchanged" in ingest(store, article)  # idempotent under the same curation
    write(curation, f'[retype]\n"{GPA}" = "programme"\n')
    assert "1 replaced" in ingest(store, article)
    assert ("Programme", "Ghana Ports Authority") in bodies(store)
    curation.unlink()
    assert "1 replaced" in ingest(store, article)
    assert ("Partner", "Ghana Ports Authority") in bodies(store)
    run = cli("documents", "--store", store, "--format", "json")
    assert len(json.loads(run.stdout)) == 1


def test_ingest_lists_guessed_merges_for_review(tmp_path: Path, article: Path) -> None:
    run = cli("ingest", "--store", tmp_path / "store", article)
    assert run.code == 0
    assert "review:" in run.stderr
    assert "'HOPS' = 'Harbour Security Network' (acronym guess)" in run.stderr
    assert "HSI" not in run.stderr  # initials that fit are no guess


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[retype]\n"partner/ghana-ports-authority" = "ministry"\n', "unknown kind 'ministry'"),
        ("drop = [\n", "cannot read curation file"),
        ('drop = ["Ghana Ports Authority"]\n', "name one entity as kind/slug or by its IRI"),
        ('[merge]\n"Ghana Ports Authority" = "UNODC"\n', "name one entity as kind/slug"),
        ('drop = ["programme/x runs partner/y"]\n', "unknown relation 'runs'"),
        ('[correct]\n"programme/x fundedBy partner/y" = "programme/x"\n', "'subject predicate object'"),
        ("[aliases]\n", "unknown curation key 'aliases'"),
        ('drop = "partner/x"\n', "must be a list"),
    ],
)
def test_bad_curation_file_is_one_line(tmp_path: Path, article: Path, text: str, says: str) -> None:
    bad = write(tmp_path / "c.toml", text)
    assert_one_line_error(
        cli("ingest", "--store", tmp_path / "s", "--curation", bad, article), "c.toml", says
    )


def test_reading_and_applying_without_the_cli(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        f'drop = ["{ID}partner/the-eu-unit", "programme/x fundedBy partner/y"]\nsplit = ["The E.U. Unit"]\n'
        '[merge]\n"partner:bogota-office" = "X"\n',
    )
    curation = read_curation(path)
    assert curation.drop == {(Kind.PARTNER, "the-eu-unit")}
    assert curation.drop_relations == {((Kind.PROGRAMME, "x"), Predicate.FUNDED_BY, (Kind.PARTNER, "y"))}
    assert key_of("the E U unit") in curation.split
    assert curation.merge == (((Kind.PARTNER, "bogota-office"), "X"),)
    assert curation.digest and curation.source == path
    assert apply_curation.__doc__
