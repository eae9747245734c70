"""Curation file: each action through the real CLI, and that corrections survive re-ingest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import assert_one_line_error, cli
from crimjust_graph.errors import InputError
from crimjust_graph.extract.curation import apply_curation, key_of, read_curation

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


def test_drop(tmp_path: Path, article: Path) -> None:
    curation = write(tmp_path / "c.toml", 'drop = ["ghana ports authority"]\n')
    ingest(tmp_path / "store", article, "--curation", curation)
    found = bodies(tmp_path / "store")
    assert not any(label == "Ghana Ports Authority" for _, label in found)
    assert ("Programme", "Harbour Screening Initiative") in found


def test_merge_into_an_entity_and_into_a_new_name(tmp_path: Path, article: Path) -> None:
    curation = write(
        tmp_path / "c.toml",
        '[merge]\n"Harbour Screening Project" = "Harbour Screening Initiative"\n'
        '"HOPS" = "Harbour Operations Security"\n',
    )
    ingest(tmp_path / "store", article, "--curation", curation)
    found = bodies(tmp_path / "store")
    assert ("Programme", "Harbour Screening Project") not in found
    assert "Harbour Screening Project" in names(tmp_path / "store", "Harbour Screening Initiative")
    assert ("Programme", "Harbour Operations Security") in found  # renamed, so the IRI is the new name's
    assert "Harbour Security Network" in names(tmp_path / "store", "Harbour Operations Security")


def test_split(tmp_path: Path, article: Path) -> None:
    curation = write(tmp_path / "c.toml", 'split = ["HSI"]\n')
    ingest(tmp_path / "store", article, "--curation", curation)
    found = bodies(tmp_path / "store")
    assert ("Programme", "HSI") in found
    assert ("Programme", "Harbour Screening Initiative") in found
    assert "HSI" not in names(tmp_path / "store", "Harbour Screening Initiative")


def test_retype_keeps_relations(tmp_path: Path, article: Path) -> None:
    curation = write(tmp_path / "c.toml", '[retype]\n"Harbour Security Network" = "partner"\n')
    ingest(tmp_path / "store", article, "--curation", curation)
    assert ("Partner", "Harbour Security Network") in bodies(tmp_path / "store")
    assert ("Programme", "Harbour Security Network") not in bodies(tmp_path / "store")


def test_curation_next_to_the_store_survives_reingest(tmp_path: Path, article: Path) -> None:
    store = tmp_path / "store"
    assert "1 new" in ingest(store, article)
    assert "1 unchanged" in ingest(store, article)
    curation = write(tmp_path / "crimjust-curation.toml", 'drop = ["Ghana Ports Authority"]\n')
    assert "1 replaced" in ingest(store, article)  # same text, changed curation: extracted again
    assert not any(label == "Ghana Ports Authority" for _, label in bodies(store))
    assert "1 unchanged" in ingest(store, article)  # idempotent under the same curation
    write(curation, '[retype]\n"Ghana Ports Authority" = "programme"\n')
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


def test_bad_curation_file_is_one_line(tmp_path: Path, article: Path) -> None:
    bad = write(tmp_path / "c.toml", '[retype]\n"Ghana Ports Authority" = "ministry"\n')
    assert_one_line_error(cli("ingest", "--store", tmp_path / "s", "--curation", bad, article), "c.toml")
    broken = write(tmp_path / "d.toml", "drop = [\n")
    assert_one_line_error(cli("ingest", "--store", tmp_path / "s", "--curation", broken, article), "d.toml")


def test_reading_and_applying_without_the_cli(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", 'drop = ["The E.U. Unit"]\n[merge]\n"Bogotá Office" = "X"\n')
    curation = read_curation(path)
    assert key_of("the E U unit") in curation.drop
    assert curation.merge == ((key_of("bogota office"), "X"),)
    assert curation.digest
    with pytest.raises(InputError, match="unknown curation section"):
        read_curation(write(tmp_path / "e.toml", "[aliases]\n"))
    assert apply_curation.__doc__
